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
from graphdraw.numeric import backprop, evaluate
from graphdraw.analyses.verify.claims import Claim, entry_text, pretty_id
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
            model, of, wrt, locals_, values = _model(program, claim, sides, shapes, expanded)
        except GraphdrawError:
            continue
        found = (_search(model, of, wrt, locals_, r)
                 or _part_search(model, of, wrt, values, r))
        if found:
            return found
    return None


def _search(model: Program, of: str, wrt: str, locals_: list, r: list) -> str | None:
    """The window of the chain whose product best explains the ratios r (see above): a
    whole factor before one off by a constant, fewer local derivatives before more, named
    ends (∂L/∂ŷ) before unnamed ones (∂L/∂(ŷ − y))."""
    best = None
    for window in _windows(model, of, wrt, locals_):
        try:
            factor = [_product(locals_[k], window) for k in range(len(r))]
        except ValueError:      # values per sample beside a vector's entries: sample_sums.py
            continue
        if not all(_fits(f.shape, x.shape) for f, x in zip(factor, r)):
            continue
        with np.errstate(all="ignore"):
            tries = (("missing the", [x / f for x, f in zip(r, factor)]),
                     ("an extra", [x * f for x, f in zip(r, factor)]))
        for word, combined in tries:
            # Every entry the ratio knows must be explained (no division by a zero factor,
            # unless the ratio is 0 there too: a ReLU's step(a) left out where a < 0).
            if any(np.any(np.isfinite(x) & ~np.isfinite(y) & ~((f == 0) & (x == 0)))
                   for x, y, f in zip(r, combined, factor)):
                continue
            c = constant_of(combined)
            if c is None or not _simple(c):
                continue
            key = window_key(model, locals_, window, c)
            if best is None or key < best[0]:
                best = (key, word, window, c)
    return best_text(model, of, best)


def window_key(model: Program, locals_: list, window, c: float) -> tuple:
    """How good an explanation a window is (smaller is better): a whole factor before one
    off by a constant, fewer local derivatives, named ends (∂L/∂ŷ), a shorter window."""
    ends = (window[0][0], window[-1][1])
    return (c != 1, sum(not _constant(locals_, e) for e in window),
            sum(model.nodes[n].name is None for n in ends), len(window))


def best_text(model: Program, of: str, best) -> str | None:
    """'missing the factor …' (with the sign or the constant that is also off) of the best
    (key, word, window, constant) found, or None."""
    if best is None:
        return None
    _, word, window, c = best
    text = f"{word} factor {_describe(model, of, window)}"
    if c == -1:
        text += ", and the sign is wrong"
    elif c != 1:
        text += f", and off by the constant factor {factor_text(c)}"
    return text


def expanded(program: Program, claim: Claim, sides, shapes: dict):
    """The model expanded into entries, U and V in it, its local derivatives at each point."""
    return _model(program, claim, sides, shapes, True)[:4]


def label(model: Program, node_id: str) -> str:
    """A named node (or entry) as the person writes it: ŷ, z[2], c′."""
    node = model.nodes[node_id]
    base = node.id.split("[")[0] if node.index is not None else node.id
    return pretty_id(base) + entry_text(node.index)


def _model(program: Program, claim: Claim, sides, shapes: dict, expanded: bool):
    """The program to look for factors in, U and V in it, and its local derivatives at each
    point: the model itself, or its expansion into entries."""
    if not expanded:
        return (program, claim.of, claim.wrt, [p.local(program) for p in sides.points],
                [p.vals for p in sides.points])
    from graphdraw.core.scalarize import scalarize
    import copy
    model = copy.copy(program)
    model.output = claim.of
    scalar = scalarize(model, shapes)
    wrt = f"{claim.wrt}{entry_text(claim.index)}"
    if wrt not in scalar.nodes:
        raise GraphdrawError("V is not a node of the expanded model")
    locals_, values = [], []
    for point in sides.points:
        leaves = {}
        for node in scalar.nodes.values():
            if node.is_leaf:
                base = node.name or node.id.split("[")[0]
                value = np.asarray(point.vals[base if base in point.vals else node.id])
                if node.index:          # of each sample's value for an entry x_n[1]
                    value = value[(slice(None),) * (node.plate is not None) + node.index]
                leaves[node.id] = value
        vals = evaluate.forward(scalar, leaves, checked=False)
        locals_.append(backprop.local_values(scalar, vals))
        values.append(vals)
    return scalar, scalar.output, wrt, locals_, values


def paths(model: Program, of: str, wrt: str) -> list[list[tuple]]:
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


def _part_search(model: Program, of: str, wrt: str, values: list, r: list) -> str | None:
    """A factor of one local derivative missing or extra: 'missing the factor (1 − z), part
    of z (1 − z) = ∂z/∂a' (σ′ written σ)."""
    from graphdraw import ops
    seen = set()
    for path in paths(model, of, wrt):
        for edge in path:
            tail, head, position = edge
            node = model.nodes[head]
            row = ops.OPS[node.op]
            if edge in seen or row.combines()[position] not in ELEMENTWISE:
                continue
            seen.add(edge)
            operands = dict(zip("ab", node.args), out=head)
            for text, factor in _factors(model, row.derivs[position], operands, values):
                if not all(_fits(f.shape, x.shape) for f, x in zip(factor, r)):
                    continue
                with np.errstate(all="ignore"):
                    tries = (("missing the", [x / f for x, f in zip(r, factor)]),
                             ("an extra", [x * f for x, f in zip(r, factor)]))
                for word, combined in tries:
                    if any(np.any(np.isfinite(x) & ~np.isfinite(y))
                           for x, y in zip(r, combined)) or constant_of(combined) != 1:
                        continue
                    return f"{word} factor {text}, part of {_describe(model, of, (edge,))}"
    return None


def _factors(model: Program, template: str, operands: dict, values: list):
    """The factors of a product template (out (1 − out): out and 1 − out) that are not
    constant: (their text in the model's names, their value at each point)."""
    from graphdraw.language.parser import parse
    from graphdraw.language.printer import TEXT_LIMIT, Printer
    small = parse("t_ = " + template, syntax="plain")
    found, stack = [], [small.output]
    while stack:
        node = small.nodes[stack.pop()]
        if node.op == "mul":
            stack.extend(reversed(node.args))
        elif not node.is_const:
            found.append(node.id)
    if len(found) < 2:
        return []
    plain, pretty = Printer(small, "plain"), Printer(model, "pretty", inline_limit=TEXT_LIMIT)
    out = []
    for node_id in found:
        value = []
        for vals in values:
            leaves = {n.id: vals[operands[n.id]] for n in small.nodes.values() if n.is_leaf}
            value.append(np.asarray(evaluate.forward(small, leaves, checked=False)[node_id],
                                    dtype=float))
        out.append((pretty.template(plain.ref(node_id)[0], operands)[0], value))
    return out


MAX_WINDOWS = 2000


def _windows(model: Program, of: str, wrt: str, locals_: list) -> list[tuple]:
    """Runs of consecutive elementwise edges on the paths, each once, with a local
    derivative that is not a constant among them."""
    from graphdraw import ops
    seen, found = set(), []
    for path in paths(model, of, wrt):
        for i in range(len(path)):
            for j in range(i, len(path)):
                last = path[j]
                row = ops.OPS[model.nodes[last[1]].op]
                if row.combines()[last[2]] not in ELEMENTWISE:
                    break
                window = tuple(path[i:j + 1])
                if window in seen:
                    continue
                seen.add(window)
                if not all(_constant(locals_, e) for e in window):
                    found.append(window)
                if len(found) >= MAX_WINDOWS:
                    return found
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


def node_name(graph, node_id: str) -> str:
    """A node as the person writes it: its name, else its formula in parentheses."""
    data = graph.nodes[node_id]
    if data.get("label"):
        return data["label"]
    return f"({data['forward_pretty']})"


def _describe(model: Program, of: str, window: tuple) -> str:
    """'ŷ (1 − ŷ) = ∂ŷ/∂(W_oᵀ z + b_o)' for a window of edges; a window from a named value
    up to U reads as grads writes ∂U/∂that value ('ŷ − y = ∂L/∂ŷ')."""
    from graphdraw.core import graph as graph_mod
    graph = graph_mod.build(model, notations=("pretty",))
    head, tail = window[-1][1], window[0][0]
    factor = _folded(model, of, tail) if head == of and len(window) > 1 else None
    if factor is None:
        texts = []
        for edge_tail, edge_head, position in window:
            text = graph.edges[edge_tail, edge_head, position]["local_grad_pretty"]
            if text != "1":
                texts.append(text)
        if len(texts) > 1:
            texts = [f"({t})" if " " in t else t for t in texts]
        factor = " · ".join(texts) or "1"
    return f"{factor} = ∂{node_name(graph, head)}/∂{node_name(graph, tail)}"


def _folded(model: Program, of: str, node_id: str) -> str | None:
    """∂of/∂node as grads prints it, when it is written in the model's names alone."""
    if model.nodes[node_id].name is None:
        return None
    import copy
    from graphdraw.numeric import adjoint
    program = copy.copy(model)
    program.output = of
    try:
        # a value per sample has a leading axis of samples (as many as the model has)
        from graphdraw.core.plates import default_count
        count = default_count(program, {}) if program.plates else 0
        shapes = evaluate.check_shapes(program, {
            n.id: np.zeros((count,) * (n.plate is not None) + (n.shape or ()))
            for n in program.nodes.values() if n.is_leaf})
        wants = backprop.needs_grad(program, {n.id for n in program.nodes.values()
                                              if n.is_leaf})
        equations = adjoint.equations(program, shapes, "pretty", wants=wants)
    except GraphdrawError:
        return None
    rhs = next((e.rhs for e in equations if e.node == node_id), None)
    return rhs if rhs is not None and "∂" not in rhs else None
