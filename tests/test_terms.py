"""Sums of products printed by hand (language/terms.py): signs, numbers and quotients."""

from __future__ import annotations

import pytest

from graphdraw import ops
from graphdraw.language.notation import apply, number
from graphdraw.language.terms import to_piece

MODES = ("plain", "pretty", "html", "latex")


def _name(text: str, mode: str):
    return (f"<i>{text}</i>" if mode == "html" else text), ops.ATOM


def _over(piece, mode):
    """1 / piece, as the op table's derivative of log prints it."""
    return apply(ops.OPS["div"], [number("1", mode), piece], mode)


def _sum(mode):
    return apply(ops.OPS["sub"], [number("1", mode), _name("p", mode)], mode)


@pytest.mark.parametrize("mode, expected", [
    ("plain", "-y / p"), ("pretty", "−y / p"), ("html", "−<i>y</i> / <i>p</i>"),
    ("latex", r"\frac{-y}{p}")])
def test_a_reciprocal_factor_divides_and_the_sign_goes_on_the_numerator(mode, expected):
    y, p = _name("y", mode), _name("p", mode)
    assert to_piece([(-1.0, (y, _over(p, mode)))], mode)[0] == expected


@pytest.mark.parametrize("mode, expected", [
    ("pretty", "(1 − y) / (1 − p) − y / p"),
    ("latex", r"\frac{1 - y}{1 - p} - \frac{y}{p}")])
def test_each_term_divides_on_its_own(mode, expected):
    y, p = _name("y", mode), _name("p", mode)
    one_minus_y = apply(ops.OPS["sub"], [number("1", mode), y], mode)
    terms = [(1.0, (one_minus_y, _over(_sum(mode), mode))), (-1.0, (y, _over(p, mode)))]
    assert to_piece(terms, mode)[0] == expected


def test_a_number_in_front_takes_the_sign_and_stays_in_front():
    """−2 (ŷ − y) / N: the mean's 1 / N (a factor in parentheses) divides too."""
    mode = "pretty"
    diff = apply(ops.OPS["sub"], [_name("ŷ", mode), _name("y", mode)], mode)
    mean = ("(1 / N)", ops.ATOM)
    assert to_piece([(-2.0, (mean, diff))], mode)[0] == "−2 (ŷ − y) / N"
    assert to_piece([(2.0, (mean, diff))], mode)[0] == "2 (ŷ − y) / N"


def test_only_a_reciprocal_of_one_operand_is_a_denominator():
    """1 / a / b, a quotient of two names, a product: factors as before."""
    mode = "pretty"
    a, b, y = _name("a", mode), _name("b", mode), _name("y", mode)
    twice = apply(ops.OPS["div"], [_over(a, mode), b], mode)
    assert to_piece([(1.0, (y, twice))], mode)[0] == "y (1 / a / b)"
    ratio = apply(ops.OPS["div"], [a, b], mode)
    assert to_piece([(1.0, (y, ratio))], mode)[0] == "y (a / b)"
    assert to_piece([(-1.0, (y, a))], mode)[0] == "−(y · a)"


@pytest.mark.parametrize("mode", MODES)
def test_two_reciprocals_make_one_denominator(mode):
    y, p, q = _name("y", mode), _name("p", mode), _name("q", mode)
    text = to_piece([(1.0, (_over(p, mode), y, _over(q, mode)))], mode)[0]
    assert text == {"plain": "y / (p * q)", "pretty": "y / (p · q)",
                    "html": "<i>y</i> / (<i>p</i> · <i>q</i>)",
                    "latex": r"\frac{y}{p \odot q}"}[mode]


def test_a_lone_reciprocal_keeps_its_one():
    mode = "pretty"
    assert to_piece([(1.0, (_over(_name("p", mode), mode),))], mode)[0] == "1 / p"
    assert to_piece([(-3.0, (_over(_name("p", mode), mode),))], mode)[0] == "−3 / p"
