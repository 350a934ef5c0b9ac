"""Sums of products as printed formulas: a number times factors, merged and printed by hand.

The backward equations (numeric/adjoint.py) and the named view's composed derivatives
(core/named.py) keep a derivative as a list of terms, so that constants multiply out
(½ · 2 (ŷ − y) prints as ŷ − y) and equal terms add up.
"""

from __future__ import annotations

from fractions import Fraction

from graphdraw import ops
from graphdraw.language.notation import Piece, apply, number

Term = tuple[float, tuple[Piece, ...]]


def coef_text(value: float) -> str:
    """A coefficient as written by hand: 2, 0.5, 2/3 (a simple fraction when it is one)."""
    text = repr(float(value))
    if text.endswith(".0"):
        return text[:-2]
    fraction = Fraction(value).limit_denominator(1000)
    if fraction.denominator > 1 and abs(float(fraction) - value) < 1e-12 * max(1, abs(value)) \
            and len(text) > 6:
        return f"{fraction.numerator}/{fraction.denominator}"
    return text


def to_piece(terms: list[Term], mode: str) -> Piece:
    """A sum of terms as one printed piece (0 when empty)."""
    if not terms:
        return number("0", mode)
    pieces = [_term_piece(coef, factors, mode, first=i == 0)
              for i, (coef, factors) in enumerate(terms)]
    negative, total = pieces[0]
    if negative:
        total = apply(ops.OPS["neg"], [total], mode)
    for negative, piece in pieces[1:]:
        total = apply(ops.OPS["sub" if negative else "add"], [total, piece], mode)
    return total


def _term_piece(coef: float, factors: tuple[Piece, ...], mode: str, *,
                first: bool) -> tuple[bool, Piece]:
    """One term as (negative, its piece without the sign). Reciprocal factors (1 / p, the
    local derivative of log; 1 / N of a mean) divide the rest, as written by hand: y / p, not
    y (1 / p); the first term's sign then goes on the numerator's first piece: −y / p and
    −2 (ŷ − y) / N, not −(y / p)."""
    negative, size = coef < 0, abs(coef)
    over = [(f, d) for f, d in ((f, _denominator(f, mode)) for f in factors) if d is not None]
    if over:
        factors = tuple(f for f in factors if all(f is not r for r, _ in over))
    pieces = list(factors)
    if size != 1 or not factors:
        pieces.insert(0, number(coef_text(size), mode))
    if over and negative and first:
        pieces[0], negative = apply(ops.OPS["neg"], [pieces[0]], mode), False
    piece = pieces[0]
    for i, factor in enumerate(pieces[1:]):
        piece = apply(ops.OPS["mul"], [piece, factor], mode,
                      const_left=i == 0 and (size != 1 or not factors))
    if not over:
        return negative, piece
    below = over[0][1]
    for _, extra in over[1:]:
        below = apply(ops.OPS["mul"], [below, extra], mode)
    return negative, apply(ops.OPS["div"], [piece, below], mode)


def _denominator(piece: Piece, mode: str) -> Piece | None:
    """X when `piece` is 1 / X as notation.apply writes it, else None."""
    text = piece[0]
    if mode == "latex":
        head = r"\frac{1}{"
        if piece[1] != ops.ATOM or not text.startswith(head) or not text.endswith("}"):
            return None
        inner = text[len(head):-1]
        return (inner, ops.ATOM) if _balanced(inner) else None
    head = number("1", mode)[0] + " / "
    if piece[1] == ops.ATOM and text.startswith("(" + head) and text.endswith(")") \
            and _balanced(text[1:-1]):        # (1 / N), as a factor in front prints
        text = text[1:-1]
    elif piece[1] != ops.OPS["div"].prec:
        return None
    if not text.startswith(head):
        return None
    inner = text[len(head):]
    return (inner, ops.ATOM) if _one_operand(inner) else None


def _balanced(text: str) -> bool:
    """Whether every bracket of a text closes within it, in order."""
    depth = 0
    for ch in text:
        depth += (ch in "([{") - (ch in ")]}")
        if depth < 0:
            return False
    return depth == 0


def _one_operand(text: str) -> bool:
    """Whether a printed text is a single operand: no space outside brackets and tags."""
    depth = 0
    for ch in text:
        depth += (ch in "([{<") - (ch in ")]}>")
        if depth < 0 or (ch == " " and depth == 0):
            return False
    return depth == 0


def merge(into: list[Term], extra: list[Term]) -> list[Term]:
    """Add terms, combining those with the same factors."""
    out = list(into)
    index = {tuple(p[0] for p in f): i for i, (_, f) in enumerate(out)}
    for coef, factors in extra:
        key = tuple(p[0] for p in factors)
        if key in index:
            i = index[key]
            out[i] = (out[i][0] + coef, out[i][1])
        else:
            index[key] = len(out)
            out.append((coef, factors))
    return [t for t in out if t[0] != 0]
