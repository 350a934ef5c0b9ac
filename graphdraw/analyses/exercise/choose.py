"""The exercise's default values: drawn again (deterministically) until none is degenerate.

A sheet whose values put every ReLU below 0 (all its derivatives 0), or a unit exactly at a
kink once rounded to --decimals, or that makes every derivative 0, teaches nothing. Values
the user gives (--set, --values, declared) are kept; the leaves drawn from --seed are drawn
again from seed + 1, seed + 2, … and the first draw with no fault is used (else the draw
with the fewest).
"""

from __future__ import annotations

from typing import Callable

from graphdraw.language.program import Program

TRIES = 24
KINK_AT_ZERO = {"relu", "abs", "leaky_relu", "step", "sign", "elu"}
DEAD_BELOW_ZERO = {"relu"}
TIES = {"max", "min", "maximum", "minimum"}


def rounded(program: Program, values: dict, decimals: int) -> dict:
    """The values as the sheet prints them (no −0); a probability vector (cross-entropy's
    target) still sums to 1: its largest entry takes up what rounding the others lost."""
    from graphdraw.lazy import np
    from graphdraw.numeric.values import leaf_domains
    simplex = {k for k, d in leaf_domains(program).items() if d == "simplex"}
    out = {}
    for key, value in values.items():
        value = np.round(np.asarray(value, dtype=float), decimals) + 0.0
        if key in simplex and value.ndim:
            rows = value.reshape(-1, value.shape[-1])
            for row in rows:
                row[np.argmax(row)] += round(1.0 - float(np.sum(row)), decimals)
            value = np.round(rows.reshape(value.shape), decimals) + 0.0
        out[key] = value
    return out


def faults(program: Program, values: dict) -> int:
    """How many degenerate things the (rounded) values make: entries at a kink, ReLU units
    that are all dead, and 1 more when every derivative is 0."""
    from graphdraw.errors import GraphdrawError
    from graphdraw.lazy import np
    from graphdraw.numeric import backprop, evaluate
    try:
        with np.errstate(all="ignore"):
            vals = evaluate.forward(program, values)
            params = [n.id for n in program.nodes.values()
                      if n.is_leaf and n.role not in ("input", "target", "const")]
            grads = backprop.backward(program, vals, wrt=set(params))
    except (GraphdrawError, ValueError, ArithmeticError):
        return 1 << 20                   # a draw that cannot be computed: the worst
    count = 0
    for node in program.nodes.values():
        if node.op in KINK_AT_ZERO:
            operand = np.asarray(vals[node.args[0]], dtype=float)
            count += int(np.count_nonzero(np.abs(operand) < 1e-12))
            if node.op in DEAD_BELOW_ZERO and operand.size and np.all(operand <= 0):
                count += 1
        elif node.op in TIES and len(node.args) == 2:
            a, b = (np.asarray(vals[arg], dtype=float) for arg in node.args)
            count += int(np.count_nonzero(np.abs(a - b) < 1e-12))
    if params and all(not np.any(np.asarray(grads.get(p, 0.0)) != 0) for p in params):
        count += 1
    return count


def choose(program: Program, draw: Callable[[int], dict], decimals: int) -> dict:
    """The leaf values for the sheet: `draw(k)` gives the k-th draw (k = 0 the seed's own)."""
    best, best_faults = None, None
    for k in range(TRIES):
        values = draw(k)
        count = faults(program, rounded(program, values, decimals))
        if best_faults is None or count < best_faults:
            best, best_faults = values, count
        if count == 0:
            break
    return best
