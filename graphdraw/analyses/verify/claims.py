r"""Reading a claim `∂U/∂V = EXPR` against a model: the two names, and EXPR as a program.

The left side is read here (∂L/∂b_o, dL/db_o, \frac{\partial L}{\partial b_o}, entries
∂L/∂W_i[1,2] numbered as `grads --scalar` numbers them); `expression.py` reads EXPR with
graphdraw's own parser and `lookup.py` knows the model's names. Nothing is evaluated as
Python. Errors point into the claim as the person wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphdraw.errors import GraphdrawError, Source
from graphdraw.language.program import Program
from graphdraw.analyses.verify.expression import expression
from graphdraw.analyses.verify.lookup import (EXAMPLE, INDEX, ClaimError, Piece, check_index,
                                              describe, entry_text, node_of, pretty_id)

__all__ = ["Claim", "ClaimError", "read_claim", "read_lhs", "describe", "entry_text", "pretty_id"]
_PARTIAL = ("∂", "𝜕", r"\partial")


@dataclass


class Claim:
    """One claim, read: ∂of/∂wrt (at `index` of wrt, 0-based) = the program's output."""

    text: str                     # as written (one line)
    where: str                    # 'the claim' or 'answers.txt:4'
    of: str                       # node id of U
    wrt: str                      # node id of V
    index: tuple[int, ...] | None
    program: Program              # EXPR: leaves are the model's names
    leaves: dict = field(default_factory=dict)   # claim leaf id -> (model node id, index)
    per_sample: bool = False      # EXPR is about one sample (ŷ_n without Σ_n): one at a time

    @property
    def lhs_pretty(self) -> str:
        return f"∂{pretty_id(self.of)}/∂{pretty_id(self.wrt)}{entry_text(self.index)}"

    @property
    def wrt_entry(self) -> str:
        """V as grads --scalar names it: W_i[1,2]."""
        return f"{self.wrt}{entry_text(self.index)}"


def read_claim(model: Program, shapes: dict, text: str, source: Source, line: int = 1,
               start: int = 0, samples: int | None = None) -> Claim:
    """A claim on `line` of `source`, starting at column `start` (0-based), read against the
    model (its shapes at the given values; `samples` values per sample in a model with Σ_n)."""
    try:
        return _read_claim(model, shapes, text, source, line, start, samples)
    except GraphdrawError as exc:            # a habit of hand-written maths: say how to write it
        from graphdraw.analyses.verify.hints import hint_for
        exc.hint = hint_for(model, text) or exc.hint
        raise


def _read_claim(model: Program, shapes: dict, text: str, source: Source, line: int,
                start: int, samples: int | None) -> Claim:
    piece = Piece(source, line, start, text)
    equals = _top_level(text, "=")
    if equals < 0:
        raise piece.error("a claim is '∂U/∂V = expression'; this one has no '='", 0,
                          hint=f"for example: {EXAMPLE}")
    lhs_end = equals
    while lhs_end > 0 and (text[lhs_end - 1].isspace() or text[lhs_end - 1] == "&"):
        lhs_end -= 1                     # align's &= as in grads --format latex
    of, wrt, index = _lhs(model, shapes, piece, lhs_end)
    expr_start = equals + 1
    while expr_start < len(text) and text[expr_start].isspace():
        expr_start += 1
    if expr_start >= len(text):
        raise piece.error("the claim has no expression after '='", equals,
                          hint=f"for example: {EXAMPLE}")
    program, leaves, one_by_one = expression(model, shapes, piece, expr_start,
                                             (of, wrt, index), samples)
    where = "the claim" if source.name.startswith("<") else f"{source.name}:{line}"
    return Claim(text.strip(), where, of, wrt, index, program, leaves, one_by_one)


def read_lhs(model: Program, shapes: dict, text: str, source: Source, line: int = 1,
             start: int = 0) -> tuple | None:
    """(U, V, V's entry) of a claim whose right side could not be read, or None."""
    equals = _top_level(text, "=")
    if equals < 0:
        return None
    end = equals
    while end > 0 and (text[end - 1].isspace() or text[end - 1] == "&"):
        end -= 1
    try:
        return _lhs(model, shapes, Piece(source, line, start, text), end)
    except GraphdrawError:
        return None


def _top_level(text: str, char: str, start: int = 0, end: int | None = None) -> int:
    """The offset of the first `char` outside braces and brackets, or -1."""
    depth = 0
    for i in range(start, len(text) if end is None else end):
        ch = text[i]
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
        elif ch == char and depth == 0:
            return i
    return -1


# -- the left side ---------------------------------------------------------------------------


def _lhs(model: Program, shapes: dict, piece: Piece, end: int):
    """(U's id, V's id, V's entry or None) from text[:end]."""
    text = piece.text
    begin = len(text[:end]) - len(text[:end].lstrip())
    frac = re.match(r"\\[dt]?frac\s*\{", text[begin:end])
    if frac:
        num_start = begin + frac.end()
        num_end = _closing(text, num_start - 1, end)
        den_open = _skip_space(text, num_end + 1)
        if num_end < 0 or den_open >= end or text[den_open] != "{":
            raise piece.error(r"write the derivative as \frac{\partial U}{\partial V}", begin)
        den_end = _closing(text, den_open, end)
        if den_end < 0:
            raise piece.error("this '{' is never closed", den_open)
        parts = [(num_start, num_end), (den_open + 1, den_end)]
    else:
        slash = _top_level(text, "/", begin, end)
        if slash < 0:
            raise _not_derivative(piece, begin)
        parts = [(begin, slash), (slash + 1, end)]
    (of, of_index), (wrt, index) = (_side(model, shapes, piece, a, b) for a, b in parts)
    if of_index is not None:
        raise piece.error("verify checks derivatives of a whole value: write ∂U/∂V with U "
                          "a scalar name of the model", parts[0][0])
    if shapes.get(of, ()) != ():
        raise piece.error(f"∂{pretty_id(of)}/∂… is a Jacobian: {pretty_id(of)} is "
                          f"{describe(shapes[of])}, and verify checks derivatives of a scalar",
                          parts[0][0], hint=f"check the derivatives of the model's output "
                          f"{pretty_id(model.output)}")
    return of, wrt, index


def _closing(text: str, open_at: int, end: int) -> int:
    depth = 0
    for i in range(open_at, end):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _not_derivative(piece: Piece, at: int) -> ClaimError:
    return piece.error("the left side is not a derivative: a claim is '∂U/∂V = expression'",
                       at, hint=f"for example: {EXAMPLE} (also dL/db_o, "
                                r"\frac{\partial L}{\partial b_o}, ∂L/∂W_i[1,2])")


def _side(model: Program, shapes: dict, piece: Piece, start: int, end: int):
    """One side of the fraction: ∂NAME, dNAME or \\partial NAME, maybe with an entry."""
    text = piece.text
    i = _skip_space(text, start)
    mark = next((m for m in _PARTIAL + (r"\mathrm{d}", r"\text{d}", r"\operatorname{d}", "d")
                 if text.startswith(m, i)), None)
    if mark is None:
        raise _not_derivative(piece, i)
    i = _skip_space(text, i + len(mark))
    name_text = text[i:end].rstrip()
    index = None
    match = INDEX.search(name_text)
    if match and match.end() == len(name_text):
        index = tuple(int(k) - 1 for k in match.group(1).split(","))
        name_text = name_text[:match.start()].rstrip()
    node_id = node_of(model, piece, name_text, i)
    if index is not None:
        check_index(piece, node_id, index, shapes.get(node_id, ()), i + match.start())
    return node_id, index
