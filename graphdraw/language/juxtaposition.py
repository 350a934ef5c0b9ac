"""Juxtaposition: `W x` is a matrix product or a scaling, `name(` a call or a product.

The parser decides from what it knows of each value while reading (`Info`): a declared or
inferred shape, or, without one, whether the name looks like a matrix (a capital letter).
See the README, "Juxtaposition".
"""

from __future__ import annotations

import difflib
from typing import NamedTuple

from graphdraw import ops
from graphdraw.language import names
from graphdraw.language.lexer import Token
from graphdraw.language.reading import Reading
from graphdraw.ops import shapes


class Info(NamedTuple):
    """What the parser knows of a value while reading: enough to decide juxtaposition."""

    shape: shapes.Shape | None
    matrix: bool        # looks like a matrix (declared 2-D, transposed, or a capital name)
    scalar: bool        # known to be a scalar


SCALAR = Info((), matrix=False, scalar=True)


def product(left: Info, right: Info) -> str:
    """The op of `left right` written side by side: a matrix times a non-scalar is matmul."""
    return "matmul" if left.matrix and not right.scalar else "mul"


def leaf_info(name: str, shape: shapes.Shape | None) -> Info:
    """A leaf: its declared shape, else a capital first letter reads as a matrix."""
    return Info(shape, matrix=(len(shape) == 2) if shape is not None else name[:1].isupper(),
                scalar=shape == ())


def result_info(op_name: str, row: ops.Op, shape: shapes.Shape | None,
                infos: list[Info]) -> Info:
    """An op's result, from its inferred shape or, without one, from its operands."""
    if op_name == "transpose":
        return Info(shape, matrix=shape != (), scalar=shape == ())
    if row.shape is shapes.reduce:
        return SCALAR
    if op_name == "matmul":
        return Info(shape, matrix=len(shape) == 2 if shape is not None
                    else infos[0].matrix and infos[1].matrix, scalar=shape == ())
    return Info(shape, matrix=len(shape) == 2 if shape is not None
                else any(i.matrix for i in infos), scalar=all(i.scalar for i in infos))


def looks_like_call(tok: Token, known: bool) -> bool:
    """`name(` is a call of an unknown function unless `name` reads as a variable.

    Known variables (`known`) and short or subscripted names (W(x + 1), z(1 - z), W_i(x))
    are products; a word such as `sigma(` or `softmax(` is a function the table lacks.
    """
    if known:
        return False
    if difflib.get_close_matches(tok.text, ops.function_names(), n=1, cutoff=0.6):
        return True
    return len(tok.text) > 2 and "_" not in tok.text and tok.text.isascii()


def unknown_function(reading: Reading, tok: Token) -> None:
    """Raise the error for `name(` where name is no function, with the closest one."""
    # Aliases spelt out as names are (`sigma` for σ) lead to their function's own name.
    spelt = {names.canonical(alias): row.name for alias, row in ops.FUNCTIONS.items()}
    spelt.update({alias: row.name for alias, row in ops.FUNCTIONS.items()})
    close = difflib.get_close_matches(tok.text, spelt, n=1, cutoff=0.5)
    close = [spelt[c] for c in close]
    hint = f"did you mean '{close[0]}'?" if close else \
        f"for a product write '{tok.text} (...)' or '{tok.text} * (...)'; " \
        f"functions: {', '.join(r.name for r in ops.ROWS if r.style == 'call')}"
    raise reading.error(f"unknown function '{tok.text}'", tok, hint=hint)
