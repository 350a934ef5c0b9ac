"""Which ops of the graph a finite-difference step crosses at a kink (relu at 0, abs at 0, …).

Central differences average the two one-sided slopes, so at a kink they give a value that
neither graphdraw nor torch computes (relu'(0) = 0 in both, the differences 0.5). gradcheck
users skip such entries; `kinks_crossed` finds them without asking the op table for its
non-differentiable points: for each op node downstream of the moved leaf it takes the step
the node's operands actually make (d, half the change from the step back to the step forward)
and compares the op's own one-sided changes f(a + d) − f(a) and f(a) − f(a − d). A
differentiable op makes them differ by O(|d|²); a kink by O(|d|), the jump of its slope.
Looking at each op by itself, not at the model's output, also finds kinks that the output
smooths to second order (a relu at 0 under a squared error that is 0 there).
"""

from __future__ import annotations

from graphdraw import ops
from graphdraw.language.program import Program
from graphdraw.lazy import np

SLOPE_JUMP = 0.25     # a kink: the one-sided slopes differ by this much of |d| …
RELATIVE = 0.25       # … and by this much of the one-sided changes' mean size
ROUNDOFF = 1e3        # … and by more than this many ulps of the op's value
JUMP_SHARE = 0.9      # a jump: half the step changes the op by this much of the whole step


def node_value(program: Program, node_id: str, args: list):
    """One op node's value from its operands' values (float64)."""
    node = program.nodes[node_id]
    return np.asarray(ops.OPS[node.op].forward(*args), dtype=float)


def kinks_crossed(program: Program, base: dict, ahead: dict, behind: dict,
                  order: list[str]) -> list[tuple[str, tuple]]:
    """The (node id, result index) of every op element at a kink along this step.

    `base`, `ahead` and `behind` hold every node's value at the point, one step forward and
    one step back; `order` lists the op nodes the step changes, in evaluation order.
    """
    found = []
    with np.errstate(all="ignore"):
        for node_id in order:
            node = program.nodes[node_id]
            if node.is_leaf or node.is_const:
                continue
            at = [np.asarray(base[a], dtype=float) for a in node.args]
            step = [(np.asarray(ahead[a], dtype=float) - np.asarray(behind[a], dtype=float)) / 2
                    for a in node.args]
            index = _jumps(program, node_id, at, step, np.asarray(base[node_id], dtype=float))
            found.extend((node_id, i) for i in index)
            if _on_clamp(node.op, at, step):
                found.append((node_id, ()))
    return found


def _on_clamp(op: str, at: list, step: list) -> bool:
    """Whether the step moves an operand entry where the op is clamped as torch clamps it
    (bce near 0 and 1: the row's `clamped`), where no finite difference matches autograd."""
    clamped = ops.OPS[op].extra.get("clamped")
    if clamped is None:
        return False
    mask = clamped(*at)
    return any(bool(np.any(mask & (np.broadcast_to(d, mask.shape) != 0))) for d in step)


def _jumps(program: Program, node_id: str, at: list, step: list, value) -> list[tuple]:
    """The result entries where the op's one-sided changes along `step` disagree like a kink
    (`value` is the op's value at `at`)."""
    size = _step_size(step, value.shape)
    if not np.any(size > 0):           # the step does not reach this op
        return []
    forward = node_value(program, node_id, [a + d for a, d in zip(at, step)]) - value
    backward = value - node_value(program, node_id, [a - d for a, d in zip(at, step)])
    gap = np.abs(forward - backward)
    mean = (np.abs(forward) + np.abs(backward)) / 2
    ulps = ROUNDOFF * np.finfo(float).eps * np.maximum(np.abs(value), 1e-300)
    kink = ((size > 0) & np.isfinite(gap) & (gap > SLOPE_JUMP * size)
            & (gap > RELATIVE * mean) & (gap > ulps))
    # A jump the same on both sides (sign at 0: −1, 0, 1) leaves no gap; half the step
    # changes the op as much as the whole step does, where a smooth op changes half as much.
    half = node_value(program, node_id, [a + d / 2 for a, d in zip(at, step)]) - value
    jump = ((size > 0) & np.isfinite(gap) & (np.abs(forward) > SLOPE_JUMP * size)
            & (np.abs(forward) > ulps) & (np.abs(half) > JUMP_SHARE * np.abs(forward)))
    kink |= jump
    return [tuple(int(i) for i in index) for index in np.argwhere(kink)]


def _step_size(step: list, shape: tuple):
    """|d| per result entry: the largest operand step there, or over all when shapes differ."""
    try:
        parts = [np.abs(np.broadcast_to(d, shape)) for d in step]
    except ValueError:         # not elementwise (a product, a sum): the step's largest entry
        return np.full(shape, max((float(np.max(np.abs(d))) for d in step if np.size(d)),
                                  default=0.0))
    return np.maximum.reduce(parts) if len(parts) > 1 else parts[0]
