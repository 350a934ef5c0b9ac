"""Calls whose constant arguments are parameters of the row: reductions along an axis
(`sum(z, 1)`, `mean(z, 0)`, `max(z, 1)`, `min(z, 0)`, `logsumexp(z, -1)`) and the bounds
of `clamp(x, lo, hi)`.

The second argument is the axis: a constant integer, 0-based as in numpy and torch (negative
counts from the last axis). It becomes a parameter of the row (ops.along), so that shape
inference knows which axis goes; a non-constant or fractional axis is an error at it.

`max(a, b)` and `min(a, b)` are also the elementwise maximum and minimum (`max(x, 0)`), so
they read as a reduction only when the first operand is known to be a tensor here (declared,
or given a shape by the statements before) and the second is a constant integer; otherwise
they stay elementwise, with a note when the operand might have been a tensor. `amax(z, 1)`
and `amin(z, 1)` are always the reduction.
"""

from __future__ import annotations

from graphdraw import ops
from graphdraw.ops.along import NAMES
from graphdraw.language.lexer import Token

ELEMENTWISE_TOO = ("max", "min")        # rows that also take two operands elementwise


def along(builder, typed: ops.Op, args: list[tuple[str, Token]], tok: Token) -> str | None:
    """The node of a reduction along an axis, or None when the call is not one. `typed` is
    the row of the name written (max: the elementwise maximum)."""
    if typed.name == "clamp" and len(args) == 3:
        return _clamp(builder, args, tok)
    if len(args) != 2 or typed.name not in NAMES:
        return None
    (operand, _), (axis_id, axis_tok) = args
    axis = builder.nodes[axis_id]
    integer = axis.is_const and axis.value is not None and float(axis.value).is_integer()
    if typed.name in ELEMENTWISE_TOO and not _reduction(builder, typed, operand, axis,
                                                        axis_tok, integer):
        return None
    if not integer:
        raise builder.error(f"the axis of {typed.name}(z, axis) is a constant integer",
                            axis_tok, hint=f"write {typed.name}(z, 0) for the first axis, "
                            f"{typed.name}(z, -1) for the last (0-based, as numpy and torch)")
    if axis_id.startswith("%") and axis.name is None:
        del builder.nodes[axis_id]          # the axis is the row's parameter, not a node
    return builder.apply(ops.along(typed.name, int(axis.value)).name, [operand], tok)


def _reduction(builder, call: ops.Op, operand: str, axis, axis_tok: Token,
               integer: bool) -> bool:
    """Whether max(z, k) or min(z, k) is the reduction along axis k (else elementwise),
    with a note on how it was read when it could be read the other way."""
    shape = builder.info[operand].shape
    if not integer or shape == ():
        return False
    k, most = int(axis.value), "larg" if call.name == "max" else "small"
    if shape is None:
        builder.reading.note(
            f"axis:{call.name}", f"read {call.name}(…, {k}) as the elementwise "
            f"{call.name}imum with {k}; for the {most}est entries along axis {k} write "
            f"a{call.name}(…, {k})", axis_tok)
        return False
    builder.reading.note(
        f"axis:{call.name}", f"read {call.name}(…, {k}) as the {most}est entries along axis "
        f"{k}; for the elementwise {call.name}imum with {k} write {call.name}imum(…, {k})",
        axis_tok)
    return True


def _clamp(builder, args: list[tuple[str, Token]], tok: Token) -> str:
    """clamp(x, lo, hi): the bounds are constants, lo ≤ hi, and parameters of the row."""
    bounds = []
    for node_id, at in args[1:]:
        node = builder.nodes[node_id]
        if not (node.is_const and node.value is not None):
            raise builder.error("the bounds of clamp(x, lo, hi) are constant numbers", at,
                                hint="for a bound that is a variable, write "
                                     "min(max(x, lo), hi)")
        bounds.append(node)
    lo, hi = bounds
    if lo.value > hi.value:
        raise builder.error(f"clamp's lower bound {lo.text or lo.value} is above its upper "
                            f"bound {hi.text or hi.value}", args[1][1])
    for node in bounds:
        if node.id.startswith("%") and node.name is None:
            del builder.nodes[node.id]       # the bounds are the row's parameters, not nodes
    texts = [n.text if n.text and n.name is None else repr(float(n.value)) for n in bounds]
    row = ops.clamp(*texts, float(lo.value), float(hi.value))
    return builder.apply(row.name, [args[0][0]], tok)
