"""Sums of products as printed formulas: a number times factors, merged and printed by hand.

The backward equations (numeric/adjoint.py) and the named view's composed derivatives
(core/named.py) keep a derivative as a list of terms, so that constants multiply out
(½ · 2 (ŷ − y) prints as ŷ − y) and equal terms add up.
"""

from __future__ import annotations

from fractions import Fraction

from graphdraw import ops
from graphdraw.language.printing import Piece, apply, number

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
    pieces: list[tuple[bool, Piece]] = []
    for coef, factors in terms:
        negative = coef < 0
        size = abs(coef)
        piece: Piece | None = number(coef_text(size), mode) if size != 1 or not factors \
            else None
        only_number = piece is not None
        for factor in factors:
            piece = factor if piece is None else apply(
                ops.OPS["mul"], [piece, factor], mode, const_left=only_number)
            only_number = False
        pieces.append((negative, piece))
    negative, total = pieces[0]
    if negative:
        total = apply(ops.OPS["neg"], [total], mode)
    for negative, piece in pieces[1:]:
        total = apply(ops.OPS["sub" if negative else "add"], [total, piece], mode)
    return total


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
