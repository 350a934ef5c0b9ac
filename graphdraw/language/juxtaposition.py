"""Juxtaposition: `W x` is a matrix product or a scaling, `name(` a call or a product.

The parser decides from what it knows of each value while reading (`Info`): a declared or
inferred shape, or, without one, whether the name looks like a matrix (a capital letter),
and whether a vector is a row (`xᵀ`, also times a scalar): a row times a column is the inner
product, a column times a row the outer product. See the README, "Juxtaposition".
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
    guess: str = ""     # the capital name that alone makes it look like a matrix (a note)
    row: bool = False   # a row vector: a vector's transpose, or a scalar multiple of one
    lost_row: bool = False  # a function or power of a row vector: σ(xᵀ), its orientation unsure


SCALAR = Info((), matrix=False, scalar=True)


def product(left: Info, right: Info, reading: Reading | None = None,
            tok: Token | None = None) -> str:
    """The op of `left right` written side by side: a matrix or a row vector times a
    non-scalar is matmul, a column vector times a row vector is the outer product.

    When only a capital letter made `left` look like a matrix, the reading notes it. What
    has no meaning (a row times a row, a matrix times a row) is an error, never a guess.
    """
    if (left.lost_row or right.lost_row) and not (left.scalar or right.scalar):
        raise _no_product(left, reading, tok, lost=True)
    if right.row and not right.scalar:
        if left.row or left.matrix:
            raise _no_product(left, reading, tok)
        if left.shape is not None and len(left.shape) == 1:
            return "outer"
        return "mul"            # a scaling; core/infer.py refuses it if left is a vector
    if left.row and not right.scalar:
        return "matmul"
    if right.matrix and not right.scalar and left.shape is not None and len(left.shape) == 1:
        # a (column) vector before a matrix, a Vᵀ: no product of linear algebra
        message = "a column vector times a matrix has no meaning as a product"
        hint = ("write aᵀ V for the row vector times the matrix, V a for the matrix times the "
                "vector, or a * V for the product entry by entry")
        if reading is None or tok is None:
            raise ValueError(message)
        raise reading.error(message, tok, hint=hint)
    if not (left.matrix and not right.scalar):
        return "mul"
    if left.guess and reading is not None and tok is not None:
        name = names.pretty(left.guess)
        shown = names.pretty(names.canonical(tok.text)) if tok.kind == "NAME" else \
            "(…)" if tok.kind == "(" else tok.text
        reading.note(f"matrix:{left.guess}",
                     f"read '{name} {shown}' as a matrix product because {name} looks like a "
                     f"matrix (capital letter); write {name} * {shown} for a scaling, or "
                     "declare its shape", tok)
    return "matmul"


def unsure_scaling(left: Info, right: Info) -> bool:
    """Whether `left right` was read as a scaling of a row vector by a value of unknown shape
    (`x yᵀ`): an outer product should left turn out to be a vector (core/infer.py checks)."""
    return right.row and not right.scalar and left.shape is None and not left.scalar \
        and not left.row and not left.matrix


def _no_product(left: Info, reading: Reading | None, tok: Token | None,
                lost: bool = False) -> Exception:
    """The error for `left rowᵀ` where left is a row vector or a matrix, or for a product
    with a function of a row (σ(xᵀ) y), whose orientation graphdraw does not follow."""
    what = "a row vector (a transpose)" if left.row else "a matrix"
    message = f"{what} times a row vector has no meaning as a product"
    hint = ("write xᵀ y for the inner product, x yᵀ or outer(x, y) for the outer product, "
            "x * yᵀ for the elementwise product, or W @ x for a matrix times a vector")
    if lost:
        message = ("a function or a power of a transpose (σ(xᵀ)) in a product: graphdraw does "
                   "not follow whether it is a row")
        hint = "transpose after the function: σ(x)ᵀ y is the inner product; or write * or @"
    elif left.guess and not left.row:
        hint += f"; {names.pretty(left.guess)} looks like a matrix (capital letter): " \
                "declare its shape if it is a vector"
    if reading is None or tok is None:
        return ValueError(message)
    return reading.error(message, tok, hint=hint)


def _vector_like(info: Info) -> bool:
    """A vector, or of unknown shape and not looking like a matrix (read as a vector)."""
    return not info.scalar and (len(info.shape) == 1 if info.shape is not None
                                else not info.matrix)


def leaf_info(name: str, shape: shapes.Shape | None) -> Info:
    """A leaf: its declared shape, else a capital first letter reads as a matrix."""
    guess = name if shape is None and name[:1].isupper() else ""
    return Info(shape, matrix=(len(shape) in (2, 3)) if shape is not None else bool(guess),
                scalar=shape == (), guess=guess)


def result_info(op_name: str, row: ops.Op, shape: shapes.Shape | None,
                infos: list[Info]) -> Info:
    """An op's result, from its inferred shape or, without one, from its operands."""
    if op_name == "transpose":
        if infos[0].row:                  # (xᵀ)ᵀ is a column again
            return Info(shape, matrix=False, scalar=False)
        return Info(shape, matrix=shape != (), scalar=shape == (), row=_vector_like(infos[0]))
    if row.shape is shapes.reduce:
        return SCALAR
    # Lists, not generators: this runs for every op, and an operand or two is the rule.
    matrices = [i for i in infos if i.matrix]
    guess = matrices[0].guess if shape is None and matrices else ""
    if op_name == "matmul":
        left, right = infos
        return Info(shape, matrix=len(shape) in (2, 3) if shape is not None
                    else left.matrix and right.matrix, scalar=shape == (), guess=guess,
                    row=left.row and right.matrix and not right.row and shape != ())
    return Info(shape, matrix=len(shape) in (2, 3) if shape is not None else bool(matrices),
                scalar=all([i.scalar for i in infos]), guess=guess,
                row=op_name in _KEEP_ROWS and _stays_row(infos),
                lost_row=op_name not in _KEEP_ROWS and shape is not None and len(shape) == 1
                and any([i.row or i.lost_row for i in infos]))


# The operators that keep a row a row (functions and powers do not: printing must be able
# to tell a row from its text, language/notation.py)
_KEEP_ROWS = frozenset(("neg", "mul", "div", "add", "sub", "id"))


def _stays_row(infos: list[Info]) -> bool:
    """Whether an elementwise result is a row: a row with scalars (or values of unknown
    shape read as scalars), −xᵀ, ½ xᵀ, xᵀ/2, xᵀ + yᵀ."""
    return any([i.row for i in infos]) and all(
        [i.row or i.scalar or (i.shape is None and not i.matrix) for i in infos])


def unknown_function(reading: Reading, tok: Token) -> None:
    """Raise the error for `name(` where name is no function and no variable of the model.

    graphdraw never guesses a product here: the hint names the closest functions and the
    ways to write a product on purpose.
    """
    # Aliases spelt out as names are (`sigma` for σ) lead to their function's own name.
    spelt = {names.canonical(alias): row.name for alias, row in ops.FUNCTIONS.items()}
    spelt.update({alias: row.name for alias, row in ops.FUNCTIONS.items()})
    close = list(dict.fromkeys(spelt[c] for c in difflib.get_close_matches(
        tok.text, spelt, n=6, cutoff=0.6)))[:3]
    if tok.text in spelt:                   # `sigma(` is σ spelt out: only that one
        close = [spelt[tok.text]]
    name = tok.text
    product = (f"for a product write '{name} * (…)' or '{name} (…)' with a space, or "
               f"declare 'param {name}' first")
    if close:
        quoted = [f"'{c}'" for c in close]
        listed = ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]
        hint = f"did you mean {listed}?\n  {product}"
    else:
        known = function_list()
        hint = (f"{product}\n  functions: {', '.join(known[:12])}"
                f"{', …' if len(known) > 12 else ''} (graphdraw ops lists them all)")
    raise reading.error(f"unknown function '{name}'", tok, hint=hint)


def function_list() -> list[str]:
    """The op table's functions by their own names, in table order."""
    return [r.name for r in ops.ROWS if r.style == "call" and r.name in ops.FUNCTIONS]
