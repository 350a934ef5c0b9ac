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
    guess: str = ""     # the capital name that alone makes it look like a matrix (a note)


SCALAR = Info((), matrix=False, scalar=True)


def product(left: Info, right: Info, reading: Reading | None = None,
            tok: Token | None = None) -> str:
    """The op of `left right` written side by side: a matrix times a non-scalar is matmul.

    When only a capital letter made `left` look like a matrix, the reading notes it.
    """
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


def leaf_info(name: str, shape: shapes.Shape | None) -> Info:
    """A leaf: its declared shape, else a capital first letter reads as a matrix."""
    guess = name if shape is None and name[:1].isupper() else ""
    return Info(shape, matrix=(len(shape) in (2, 3)) if shape is not None else bool(guess),
                scalar=shape == (), guess=guess)


def result_info(op_name: str, row: ops.Op, shape: shapes.Shape | None,
                infos: list[Info]) -> Info:
    """An op's result, from its inferred shape or, without one, from its operands."""
    if op_name == "transpose":
        return Info(shape, matrix=shape != (), scalar=shape == ())
    if row.shape is shapes.reduce:
        return SCALAR
    # Lists, not generators: this runs for every op, and an operand or two is the rule.
    matrices = [i for i in infos if i.matrix]
    guess = matrices[0].guess if shape is None and matrices else ""
    if op_name == "matmul":
        return Info(shape, matrix=len(shape) in (2, 3) if shape is not None
                    else infos[0].matrix and infos[1].matrix, scalar=shape == (), guess=guess)
    return Info(shape, matrix=len(shape) in (2, 3) if shape is not None else bool(matrices),
                scalar=all([i.scalar for i in infos]), guess=guess)


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
