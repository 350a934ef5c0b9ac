"""A factor of the chain rule missing from a claim, or extra in it, found by its values.

The ratio truth / claim, at every point and entry, is compared with each local derivative on
a path from V to U, and with each product of consecutive ones. A claim about a scalar or an
entry is compared on the model expanded into entries (`core.scalarize`), so the factor is
named as the person would write it: z[2] (1 − z[2]).
"""

from __future__ import annotations

from graphdraw.errors import GraphdrawError
from graphdraw.lazy import np
from graphdraw.language.program import Program
from graphdraw.numeric import evaluate
from graphdraw.analyses.verify.claims import Claim, entry_text
from graphdraw.analyses.verify.compare import constant_of, factor_text, ratios

MAX_PATHS = 64
ELEMENTWISE = ("elementwise", "transpose")
RTOL = 1e-6


def missing_factor(program: Program, claim: Claim, sides, shapes: dict) -> str | None:
    """'missing the factor ŷ (1 − ŷ) = ∂ŷ/∂(W_oᵀ z + b_o)', or None."""
    r, zero_wrong = ratios(sides)
    if zero_wrong:
        return None
    # The model as written first (ŷ (1 − ŷ) = ∂ŷ/∂(W_oᵀ z + b_o)), then, for a scalar or an
    # entry, the model expanded into entries (z[2] (1 − z[2]) = ∂z[2]/∂a[2]).
    for expanded in (False, True):
        if expanded and claim.index is None and shapes[claim.wrt] != ():
            break
        try:
            model, of, wrt, locals_ = _model(program, claim, sides, shapes, expanded)
        except GraphdrawError:
            continue
        found = _search(model, of, wrt, locals_, r)
        if found:
            return found
    return None


def _search(model: Program, of: str, wrt: str, locals_: list, r: list) -> str | None:
    """The first window of the chain whose product explains the ratios r (see above)."""
    graph = None
    for window in _windows(model, of, wrt, locals_):
        factor = [_product(locals_[k], window) for k in range(len(r))]
        if not all(_fits(f.shape, x.shape) for f, x in zip(factor, r)):
            continue
        with np.errstate(all="ignore"):
            tries = (("missing the", [x / f for x, f in zip(r, factor)]),
                     ("an extra", [x * f for x, f in zip(r, factor)]))
        for word, combined in tries:
            # Every entry the ratio knows must be explained (no division by a zero factor).
            if any(np.any(np.isfinite(x) & ~np.isfinite(y)) for x, y in zip(r, combined)):
                continue
            c = constant_of(combined)
            if c is None or not _simple(c):
                continue
            graph = graph or _graph(model)
            text = f"{word} factor {_describe(graph, window)}"
            if c == -1:
                text += ", and the sign is wrong"
            elif c != 1:
                text += f", and off by the constant factor {factor_text(c)}"
            return text
    return None


def _model(program: Program, claim: Claim, sides, shapes: dict, expanded: bool):
    """The program to look for factors in, U and V in it, and its local derivatives at each
    point: the model itself, or its expansion into entries."""
    if not expanded:
        return (program, claim.of, claim.wrt,
                [p.local(program) for p in sides.points])
    from graphdraw.core.scalarize import scalarize
    import copy
    model = copy.copy(program)
    model.output = claim.of
    scalar = scalarize(model, shapes)
    wrt = f"{claim.wrt}{entry_text(claim.index)}"
    if wrt not in scalar.nodes:
        raise GraphdrawError("V is not a node of the expanded model")
    locals_ = []
    for point in sides.points:
        leaves = {}
        for node in scalar.nodes.values():
            if node.is_leaf:
                base = node.name or node.id.split("[")[0]
                value = np.asarray(point.vals[base if base in point.vals else node.id])
                leaves[node.id] = value[node.index] if node.index else value
        vals = evaluate.forward(scalar, leaves, checked=False)
        locals_.append(evaluate.local_values(scalar, vals))
    return scalar, scalar.output, wrt, locals_


def _paths(model: Program, of: str, wrt: str) -> list[list[tuple]]:
    """Paths from wrt to of, as lists of edges (operand, result, position); at most
    MAX_PATHS."""
    users: dict[str, list] = {}
    for node in model.nodes.values():
        for position, arg in enumerate(node.args):
            users.setdefault(arg, []).append((node.id, position))
    above = {of}                          # nodes of depends on
    for node in reversed(model.nodes.values()):
        if node.id in above:
            above.update(node.args)
    paths, stack = [], [(wrt, [])]
    while stack and len(paths) < MAX_PATHS:
        node_id, path = stack.pop()
        if node_id == of:
            paths.append(path)
            continue
        for user, position in users.get(node_id, ()):
            if user in above:
                stack.append((user, path + [(node_id, user, position)]))
    return paths


def _windows(model: Program, of: str, wrt: str, locals_: list) -> list[tuple]:
    """Runs of consecutive elementwise edges on the paths, shortest first, each once; a run
    starts and ends with an edge whose local derivative is not a constant."""
    from graphdraw import ops
    seen, found = set(), []
    for path in _paths(model, of, wrt):
        for i, edge in enumerate(path):
            for j in range(i, len(path)):
                last = path[j]
                row = ops.OPS[model.nodes[last[1]].op]
                if row.combines()[last[2]] not in ELEMENTWISE:
                    break
                window = tuple(path[i:j + 1])
                if window in seen or _constant(locals_, edge) or _constant(locals_, last):
                    continue
                seen.add(window)
                found.append(window)
    found.sort(key=len)
    return found


def _simple(c: float) -> bool:
    """A constant a person may have dropped or added: ±1, 2, 1/2, 3/4 (not 249.9)."""
    from fractions import Fraction
    frac = Fraction(c).limit_denominator(16)
    return abs(float(frac) - c) <= 1e-9 * abs(c) and abs(frac.numerator) <= 16


def _fits(shape: tuple, target: tuple) -> bool:
    """Whether a factor of `shape` multiplies a derivative of shape `target` entry by entry."""
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def _constant(locals_: list, edge: tuple) -> bool:
    values = [np.ravel(np.asarray(loc[edge], dtype=float)) for loc in locals_]
    flat = np.concatenate(values)
    return bool(flat.size == 0 or np.all(flat == flat[0]))


def _product(local: dict, window: tuple):
    out = np.asarray(1.0)
    for edge in window:
        out = out * np.asarray(local[edge], dtype=float)
    return out


def _graph(model: Program):
    from graphdraw.core import graph
    return graph.build(model, notations=("pretty",))


def _name(graph, node_id: str) -> str:
    data = graph.nodes[node_id]
    if data.get("label"):
        return data["label"]
    return f"({data['forward_pretty']})"


def _describe(graph, window: tuple) -> str:
    """'ŷ (1 − ŷ) = ∂ŷ/∂(W_oᵀ z + b_o)' for a window of edges."""
    texts = []
    for tail, head, position in window:
        text = graph.edges[tail, head, position]["local_grad_pretty"]
        if text != "1":
            texts.append(text if len(window) == 1 or " " not in text else f"({text})")
    factor = " · ".join(texts) or "1"
    return f"{factor} = ∂{_name(graph, window[-1][1])}/∂{_name(graph, window[0][0])}"
