"""The Taylor series: its terms c_k = f⁽ᵏ⁾(x0) / k!, derived with sympy, exact."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from graphdraw.analyses.taylor.derivative import derivative_identity, in_terms_of_out
from graphdraw.analyses.taylor.function import Function
from graphdraw.analyses.taylor.notation import num
from graphdraw.analyses.taylor.sympy_ops import load_sympy
from graphdraw.errors import GraphdrawError

MAX_ORDER = 20          # --order: non-zero terms
MAX_POWER = 80          # the highest power searched for them
MAX_DERIVATIVE_OPS = 20_000   # stop when sympy's derivatives grow past this size
MODERATE = 10 ** 5        # sympy simplifies coefficients whose numbers are within this


class NotAnalytic(GraphdrawError):
    """The function has no Taylor series at the point (a kink, a pole, a branch point)."""


@dataclass
class Term:
    """c (x − x0)^power, c exact (sympy) and as a float."""

    power: int
    exact: object
    value: float


@dataclass
class Series:
    """The first non-zero terms of a function's series about x0, and how they were found."""

    function: Function
    x0: object                         # sympy Rational
    order: int                         # non-zero terms asked for
    terms: list[Term]
    next_power: int | None             # the power of the next non-zero term (for O(…))
    complete: bool                     # no more non-zero terms: the function is a polynomial
    searched: int                      # powers searched
    derivative: dict = field(default_factory=dict)   # the op table's f′, checked (op rows)
    in_terms_of_out: list = field(default_factory=list)  # f⁽ᵏ⁾ as polynomials in f

    @property
    def x0_float(self) -> float:
        return float(self.x0)


def expand(function: Function, order: int = 3, at: float = 0.0) -> Series:
    """The first `order` non-zero terms of the Taylor series of `function` about `at`.

    sympy differentiates the function again and again: c_k = f⁽ᵏ⁾(x0) / k!, exactly the
    derivation `format_text` prints. (This is faster than sympy's general `series` away from
    0 and keeps each coefficient exact: a rational, or an expression in exp(x0) and such.)
    """
    sp = load_sympy()
    if not 1 <= order <= MAX_ORDER:
        raise GraphdrawError(f"--order {order}: give between 1 and {MAX_ORDER} terms")
    if not math.isfinite(at):
        raise GraphdrawError("--at must be a finite number")
    x0 = sp.Rational(Fraction(repr(float(at))))
    _check_scale(sp, function, x0, at)
    d = _smooth_branch(sp, function, x0)
    try:
        terms, complete, k = _terms(sp, function, d, x0, order)
    except (OverflowError, ValueError) as exc:       # mpmath past its exponent range
        raise GraphdrawError(f"the coefficients at --at {at:g} are too large or too small "
                             f"to compute ({exc})", hint="expand about a point nearer 0") \
            from None
    next_power = terms[order].power if len(terms) > order else None
    series = Series(function, x0, order, terms[:order], next_power, complete, k - 1)
    if function.row is not None:
        series.derivative = derivative_identity(function)
        series.in_terms_of_out = in_terms_of_out(
            function, series.derivative, series.terms[-1].power if series.terms else None)
    return series


def _terms(sp, function: Function, d, x0, order: int) -> tuple[list, bool, int]:
    """The nonzero terms c_k (x − x0)^k up to one past `order`, whether the series ends,
    and the last power tried."""
    x = function.symbol
    terms: list[Term] = []
    complete, k, factorial = False, 0, 1
    while len(terms) <= order:                 # one more than asked, for the O(…) term
        if d == 0:
            complete = True
            break
        if k > MAX_POWER or sp.count_ops(d) > MAX_DERIVATIVE_OPS:
            break
        value = d.subs(x, x0)
        _check_finite(sp, value, function, x0, k)
        c = value / factorial
        c = sp.simplify(c) if not c.is_Rational and sp.count_ops(c) < 60 \
            and _moderate(sp, c) else c
        if not _is_zero(sp, c):
            shown = float(sp.N(c, 30))
            if not math.isfinite(shown):            # exact, but past 64-bit floats
                raise OverflowError(f"c_{k} = {sp.N(c, 6)} is past 64-bit floats")
            terms.append(Term(k, c, shown))
        k += 1
        factorial *= k
        d = sp.diff(d, x)
    return terms, complete, k


def _check_scale(sp, function: Function, x0, at: float) -> None:
    """Refuse a point where a function's argument is past ±10⁵ (σ at 882667, tanh(1e308 x)
    at 1): the coefficients are 0 or past 64-bit floats to every printed digit, and sympy
    takes minutes over them exactly."""
    expr = function.expr.subs(function.symbol, x0)
    for applied in sorted(expr.atoms(sp.Function), key=sp.default_sort_key):
        arg = applied.args[0] if applied.args else None
        if arg is not None and arg.is_number and abs(sp.N(arg, 6)) > MODERATE:
            raise GraphdrawError(
                f"{function.pretty} at {at:g}: the argument {sp.N(arg, 6)} of "
                f"{type(applied).__name__} is past ±{MODERATE:,}, where its Taylor "
                "coefficients are 0 or past 64-bit floats to every printed digit",
                hint="expand about a point nearer 0 (--at)")


def _moderate(sp, c) -> bool:
    """Whether sympy's simplify can work on `c` in bounded time: its numbers are within 10⁵
    (it evaluates exp(−882667) or (10³⁰⁸)⁶ digit by digit, for minutes)."""
    return all(abs(a) <= MODERATE for a in c.atoms(sp.Number))


def _check_finite(sp, value, function: Function, x0, k: int) -> None:
    """Refuse a point where f⁽ᵏ⁾ is undefined or infinite: no Taylor series there."""
    if value.has(sp.zoo, sp.oo, -sp.oo, sp.nan, sp.I) or value.is_finite is False \
            or value.is_real is False:
        if k == 0:
            raise NotAnalytic(f"{function.pretty} is not defined at {num(x0)}: it has no "
                              "Taylor series there", hint="expand about another point "
                              "with --at")
        raise NotAnalytic(f"{function.pretty} is not analytic at {num(x0)}: its "
                          f"derivative of order {k} is infinite there, so it has no "
                          "Taylor series there", hint="expand about another point with --at")


def _is_zero(sp, c) -> bool:
    zero = c.is_zero
    if zero is not None:
        return bool(zero)
    return abs(sp.N(c, 50)) < sp.Float("1e-40")


def _smooth_branch(sp, function: Function, x0):
    """The function near x0 with its kinks resolved (relu(x) is x near 1, 0 near −1); a kink
    at x0 itself means there is no Taylor series."""
    expr, x = function.expr, function.symbol
    pieces = (sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.sign)
    if not expr.has(*pieces):
        return expr

    def at(e) -> float:
        return float(sp.N(e.subs(x, x0), 30))

    def kink():
        return NotAnalytic(f"{function.pretty} has a kink or a jump at {num(x0)}: it has no "
                           "Taylor series there", hint="expand about another point with --at")

    # The expression has at most MAX_EXPRESSION_OPS operations, so this walk is shallow.
    def branch(e):
        if not e.args:
            return e
        args = [branch(a) for a in e.args]
        if isinstance(e, (sp.Max, sp.Min)):
            values = [at(a) for a in args]
            best = (max if isinstance(e, sp.Max) else min)(values)
            if sum(1 for v in values if abs(v - best) <= 1e-12 * max(1.0, abs(best))) > 1:
                raise kink()
            return args[values.index(best)]
        if isinstance(e, (sp.Abs, sp.Heaviside, sp.sign)):
            v = at(args[0])
            if v == 0:
                raise kink()
            if isinstance(e, sp.Abs):
                return args[0] if v > 0 else -args[0]
            if isinstance(e, sp.Heaviside):
                return sp.Integer(1 if v > 0 else 0)
            return sp.Integer(1 if v > 0 else -1)
        return e.func(*args)

    return branch(expr)
