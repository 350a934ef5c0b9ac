"""How a wrong claim is wrong, as a teacher would say it.

In order: a shape that differs (a vector claimed for a matrix, or the transpose), the
transpose, a constant factor (−1: the sign), a factor of the chain rule missing or extra
(the ratio truth / claim at every point is one local derivative on a path from V to U, or a
product of consecutive ones), some entries wrong, right only at the given values.
"""

from __future__ import annotations

from graphdraw.lazy import np
from graphdraw.language.program import Program
from graphdraw.numeric.numbers import show
from graphdraw.ops.shapes import fmt
from graphdraw.analyses.verify import chain, paths, sample_sums
from graphdraw.analyses.verify.claims import Claim, pretty_id, describe, entry_text
from graphdraw.analyses.verify.compare import Sides, close, constant_of, factor_text, ratios


def diagnose(program: Program, claim: Claim, sides: Sides, mismatch, shapes: dict) -> str:
    """What is wrong with a claim that does not hold (several lines at most)."""
    first = _first_values(sides)
    if mismatch is not None:
        return _shape(program, claim, sides, mismatch)
    unrelated = _unrelated(program, claim)
    if unrelated:
        return unrelated + "\n" + first
    for finder in (_transposed, lambda c, s: _other_entry(program, c, s), _constant):
        found = finder(claim, sides)
        if found:
            return found + "\n" + first
    for finder in (_given_only, lambda c, s: _a_constant(program, c, s),
                   lambda c, s: chain.missing_factor(program, c, s, shapes),
                   lambda c, s: sample_sums.missing_factor(program, c, s, shapes),
                   lambda c, s: paths.missing_paths(program, c, s, shapes),
                   lambda c, s: _swapped(program, c, s), _entries):
        found = finder(claim, sides)
        if found:
            return found + "\n" + first
    return "it is not the derivative\n" + first


def _depends(program: Program, of: str, wrt: str) -> bool:
    """Whether node `of` is computed from node `wrt` (or is it)."""
    below = {wrt}
    for node in program.nodes.values():
        if any(a in below for a in node.args):
            below.add(node.id)
    return of in below


def _unrelated(program: Program, claim: Claim) -> str | None:
    """∂y/∂w where y is not computed from w: the derivative is 0; ∂w/∂L the wrong way round."""
    if _depends(program, claim.of, claim.wrt):
        return None
    u, v = pretty_id(claim.of), pretty_id(claim.wrt)
    if _depends(program, claim.wrt, claim.of):
        return (f"reversed: {v} is computed from {u}, not {u} from {v}, so {claim.lhs_pretty} "
                f"is 0 — did you mean ∂{v}/∂{u}?")
    return f"{u} does not depend on {v}: the derivative is 0"


def _a_constant(program: Program, claim: Claim, sides: Sides) -> str | None:
    """A constant claimed for a derivative that changes with the values: not the derivative,
    with the chain it goes through named (not its formula: that is --show-answer's)."""
    if constant_of(sides.claims) is None or constant_of(sides.truths) is not None:
        return None
    route = chain.paths(program, claim.of, claim.wrt)
    text = "it is not the derivative: yours is a constant, the derivative changes with the values"
    if len(route) == 1 and len(route[0]) > 1:
        from graphdraw.core import graph as graph_mod
        graph = graph_mod.build(program, notations=("pretty",))
        names = [chain.node_name(graph, tail) for tail, _, _ in route[0]] + [
            pretty_id(claim.of)]
        text += f"\nits chain rule runs along {' → '.join(names)}"
    return text


def _first_values(sides: Sides) -> str:
    return (f"at the given values yours is {show(sides.claims[0])}, the derivative is "
            f"{show(sides.truths[0])}")


def _shape(program: Program, claim: Claim, sides: Sides, mismatch) -> str:
    mine, right = mismatch
    if len(right) == 2 and tuple(mine) == tuple(reversed(right)) and all(
            c.shape == t.shape[::-1] and close(c.T, t).all()
            for c, t in zip(sides.claims, sides.truths)):
        return (f"transposed: yours is {fmt(mine)} and {claim.lhs_pretty} is {fmt(right)}; "
                "yours transposed is right")
    samples = next(iter(program.plates), None)
    if samples is not None and len(mine) == len(right) + 1 and tuple(mine[1:]) == tuple(right):
        return (f"yours has a value per sample {samples}, and {claim.lhs_pretty} sums over the "
                f"samples: write Σ_{samples} (…)")
    if len(mine) == len(right) + 1 and tuple(mine[1:]) == tuple(right) and all(
            c.shape == tuple(mine) and close(c.sum(axis=0), t).all()
            for c, t in zip(sides.claims, sides.truths)):
        return (f"the shapes differ: yours is {describe(mine)}, {claim.lhs_pretty} is "
                f"{describe(right)}; {pretty_id(claim.wrt)} is broadcast over the rows, so its "
                "derivative sums yours over them: sum(yours, 0) is right")
    return (f"the shapes differ: yours is {describe(mine)}, {claim.lhs_pretty} is {describe(right)} "
            "(a derivative has the shape of the value it is taken with respect to; verify "
            "never broadcasts a claim)")


def _transposed(claim: Claim, sides: Sides) -> str | None:
    t0 = sides.truths[0]
    if t0.ndim != 2 or t0.shape[0] != t0.shape[1] or t0.shape[0] < 2:
        return None
    if all(close(c.T, t).all() for c, t in zip(sides.claims, sides.truths)):
        return "transposed: yours transposed is right"
    return None


def _other_entry(program: Program, claim: Claim, sides: Sides) -> str | None:
    """The derivative of the entry with the indices swapped (W1[3,1]'s for W1[1,3])."""
    if claim.index is None:
        return None
    from graphdraw.analyses.verify.compare import adjoint
    whole = [adjoint(program, p, claim.of, claim.wrt) for p in sides.points]
    if program.nodes[claim.wrt].plate is not None or whole[0].ndim != len(claim.index):
        return None
    index = tuple(reversed(claim.index))
    if index == tuple(claim.index) or any(i >= n for i, n in zip(index, whole[0].shape)):
        return None
    if all(close(c, w[index]).all() for c, w in zip(sides.claims, whole)):
        name = pretty_id(claim.wrt)
        return (f"yours is the derivative for {name}{entry_text(index)}, not "
                f"{name}{entry_text(claim.index)}: the indices are swapped (row first, "
                "then column)")
    return None


def _constant(claim: Claim, sides: Sides) -> str | None:
    r, zero_wrong = ratios(sides)
    if zero_wrong:
        return None
    c = constant_of(r)
    if c is None or c == 1:
        return None
    if c == -1:
        return "the sign is wrong: the derivative is −1 × yours"
    return f"off by a constant factor: the derivative is {factor_text(c)} × yours"


MAX_SWAP = 64          # named entries compared pairwise for a swapped factor


def _swapped(program: Program, claim: Claim, sides: Sides) -> str | None:
    """'x[1] where the derivative has x[2]': truth ÷ claim is A ÷ B for two named values or
    entries A and B, at every point (a scalar derivative only)."""
    if sides.truths[0].ndim != 0:
        return None
    r, zero_wrong = ratios(sides)
    ratio = np.array([float(x) for x in r])
    if zero_wrong or not np.all(np.isfinite(ratio)):
        return None
    labels, columns = [], []
    for node in program.nodes.values():
        if node.op is not None and not node.name or node.is_const:
            continue
        value = np.asarray(sides.points[0].vals[node.id], dtype=float)
        for idx in np.ndindex(value.shape):
            labels.append(pretty_id(node.id) + entry_text(idx if idx else None))
            columns.append([np.asarray(p.vals[node.id], dtype=float)[idx] for p in sides.points])
            if len(labels) > MAX_SWAP:
                return None
    if len(labels) < 2:
        return None
    table = np.array(columns)                                   # entry × point
    with np.errstate(all="ignore"):
        quotient = table[:, None, :] / table[None, :, :]        # A ÷ B at each point
        match = np.all(np.abs(quotient - ratio) <= 1e-6 * np.abs(ratio) + 1e-300, axis=2)
    np.fill_diagonal(match, False)
    found = np.argwhere(match)
    if not found.size:
        return None
    right, wrong = found[0]
    return f"yours has {labels[wrong]} where the derivative has {labels[right]}"


def _entries(claim: Claim, sides: Sides) -> str | None:
    agree = sides.agree().all(axis=0)
    if agree.ndim == 0 or agree.all() or not agree.any():
        return None
    wrong = [f"{claim.wrt}{entry_text(tuple(int(i) for i in idx))}"
             for idx in np.argwhere(~agree)]
    shown = ", ".join(pretty_id(w.split("[")[0]) + "[" + w.split("[", 1)[1] for w in wrong)
    return (f"wrong only at {'the entry' if len(wrong) == 1 else 'the entries'} {shown}; "
            f"right at the other {int(agree.sum())}")


def _given_only(claim: Claim, sides: Sides) -> str | None:
    agree = sides.agree()
    per_point = agree.reshape(len(agree), -1).all(axis=1)
    if not per_point[0] or len(per_point) < 2:
        return None
    bad = int((~per_point[1:]).sum())
    return (f"right at the given values but wrong at {bad} of {len(per_point) - 1} random "
            "points: a number that happens to match is not the derivative as a formula")


def answer(program: Program, claim: Claim, shapes: dict) -> str:
    """The right formula, as grads prints it (an entry: grads --scalar's formula)."""
    from graphdraw.numeric import adjoint, backprop
    from graphdraw.errors import GraphdrawError
    import copy
    model = copy.copy(program)
    model.output = claim.of
    wrt = claim.wrt
    if wrt == claim.of:
        return f"{claim.lhs_pretty} = 1"
    try:
        if program.nodes[wrt].is_leaf and (claim.index is not None or shapes[wrt] == ()):
            eqs = adjoint.scalar_equations(model, shapes, "pretty", [wrt])
            key = f"{wrt}{entry_text(claim.index)}"
            for e in eqs:
                if e.node == key:
                    return f"{e.lhs} = {e.rhs}"
        wants = backprop.needs_grad(model, {n.id for n in model.nodes.values() if n.is_leaf})
        eqs = adjoint.equations(model, shapes, "pretty", wants=wants)
    except GraphdrawError as exc:
        return f"(graphdraw cannot write it as one formula: {exc.message})"
    on_path = _between(model, wrt, claim.of)
    lines = [f"{e.lhs} = {e.rhs}" for e in eqs if e.node in on_path]
    if not any(e.node == wrt for e in eqs):
        return f"{claim.lhs_pretty} = 0"
    return "; ".join(lines) + (f", entry {entry_text(claim.index)}" if claim.index else "")


def _between(model: Program, wrt: str, of: str) -> set[str]:
    """The nodes on a path from wrt up to of, wrt included and of left out."""
    below = {wrt}
    for node in model.nodes.values():
        if any(a in below for a in node.args):
            below.add(node.id)
    above = {of}
    for node in reversed(model.nodes.values()):
        if node.id in above:
            above.update(node.args)
    return (below & above) - {of}
