"""The series as text: the polynomial (plain, pretty, LaTeX), the derivation, and JSON."""

from __future__ import annotations

import re

from graphdraw.analyses.taylor.notation import fraction, join, num, power
from graphdraw.analyses.taylor.series import Series, Term
from graphdraw.analyses.taylor.sympy_ops import load_sympy


def variable(series: Series, mode: str) -> str:
    """The series' variable about x0: x, (x − 1), \\left(x + 0.5\\right)."""
    name = series.function.variable if mode != "plain" else str(series.function.symbol)
    x0 = series.x0
    if x0 == 0:
        return name
    minus = {"plain": " - ", "pretty": " − ", "latex": " - "}[mode]
    sign = minus if x0 > 0 else " + "
    magnitude = abs(x0)
    if magnitude.q == 1:
        shown = str(magnitude.p)
    elif mode == "latex":
        shown = rf"\frac{{{magnitude.p}}}{{{magnitude.q}}}"
    else:                       # x0 came from a float: its shortest decimal is exact
        shown = repr(float(magnitude))
    open_, close = (r"\left(", r"\right)") if mode == "latex" else ("(", ")")
    return f"{open_}{name}{sign}{shown}{close}"


def _exact_text(sp, c, mode: str) -> str | None:
    """A short exact form of an irrational coefficient (log(2), sqrt(2)/4), or None."""
    if sp.count_ops(c) > 6 or c.has(sp.pi):
        return None
    allowed = (sp.exp, sp.log)
    for f in c.atoms(sp.Function):
        if not isinstance(f, allowed):
            return None
    if mode == "latex":
        return sp.latex(c)
    text = sp.sstr(c)
    text = re.sub(r"\bE\b", "exp(1)", text)
    if mode == "pretty":
        text = text.replace("**", "^").replace("*", "·")
    return text


def term_text(term: Term, var: str, mode: str) -> tuple[bool, str]:
    """(negative, text of |term|) for one term: x/4, 17 x⁷/80640, 0.196612 (x − 1)."""
    sp = load_sympy()
    c, k = term.exact, term.power
    base = power(var, k, mode)
    mul = {"plain": "*", "pretty": " ", "latex": " "}[mode]
    if c.is_Rational:
        m = abs(c)
        if mode == "latex" and m.q != 1:
            top = (base if m.p == 1 else f"{m.p} {base}") if base else str(m.p)
            return c < 0, rf"\dfrac{{{top}}}{{{m.q}}}"
        top = (base if m.p == 1 else f"{m.p}{mul}{base}") if base else str(m.p)
        return c < 0, top if m.q == 1 else f"{top}/{m.q}"
    negative = term.value < 0
    exact = _exact_text(sp, -c if negative else c, mode)
    if exact is not None and len(exact) > 12:        # exp(1)/(1 + exp(1)): the number reads better
        exact = None
    if exact is None:
        exact = repr(abs(term.value)) if mode == "plain" else f"{abs(term.value):.6g}"
    elif mode != "latex" and not re.fullmatch(r"[\w().]+", exact) and base:
        exact = f"({exact})"
    if not base:
        return negative, exact
    return negative, f"{exact}{mul}{base}"


def polynomial_text(series: Series, mode: str = "pretty", count: int | None = None) -> str:
    """The truncated series: '1/2 + x/4 − x³/48' (pretty), '1/2 + x/4 - x^3/48' (plain,
    which graphdraw parses back), or LaTeX. `count` keeps the first terms only."""
    var = variable(series, mode)
    terms = series.terms if count is None else series.terms[:count]
    return join([term_text(t, var, mode) for t in terms], mode) or "0"


def remainder_text(series: Series, mode: str = "pretty") -> str:
    """'+ O(x⁵)' after the truncation ('' when the series ends there)."""
    if series.next_power is None:
        return ""
    return f" + O({power(variable(series, mode), series.next_power, mode)})"


def format_text(series: Series) -> str:
    """The series, its derivation and, for an op, the derivative the op table uses."""
    f = series.function
    name = f.pretty.split("(")[0] if f.row is not None else "f"
    lines = _statement(series) + _derivation(series, name)
    if series.derivative:
        lines += ["", _identity_line(series.derivative, name)]
    lines += ["", f"  plain: {polynomial_text(series, 'plain')}"]
    return "\n".join(lines) + "\n"


def _statement(series: Series) -> list[str]:
    """What was expanded where, and the series itself."""
    f = series.function
    got = len(series.terms)
    what = f"the first {got} non-zero term{'s' if got != 1 else ''}"
    if series.complete and got < series.order:
        what = f"all {got} non-zero term{'s' if got != 1 else ''} (it is a polynomial there)"
        if got == 0:
            what = "it is 0 there"
    doc = f" ({re.sub(r'(?<=[(, -])a(?=[), ])', f.variable, f.row.doc)})" \
        if f.row is not None else ""
    lines = [f"Taylor series of {f.pretty}{doc} about {f.variable} = {num(series.x0)}, {what}:",
             "", f"  {f.pretty} = {polynomial_text(series)}{remainder_text(series)}", ""]
    if series.next_power is None and not series.complete:
        lines.append(f"  (no further non-zero term found up to the power {series.searched}: "
                     "the derivatives grow too large)")
        lines.append("")
    return lines


def _derivation(series: Series, name: str) -> list[str]:
    """The table of c_k = f⁽ᵏ⁾(x0) / k!, and f⁽ᵏ⁾ in terms of f when known."""
    sp = load_sympy()
    x0 = num(series.x0)
    last = series.terms[-1].power if series.terms else 0
    shown = {t.power: t for t in series.terms}
    ks = list(range(last + 1)) if last <= 15 else sorted(shown)
    in_out = series.in_terms_of_out
    header = ["k", f"f⁽ᵏ⁾ in terms of {name}" if in_out else None, f"f⁽ᵏ⁾({x0})", "c_k"]
    rows = []
    for k in ks:
        term = shown.get(k)
        c = term.exact if term is not None else sp.Integer(0)
        dk = c * sp.factorial(k)
        rows.append([str(k), in_out[k] if in_out else None, _value_text(sp, dk),
                     _value_text(sp, c)])
    cols = [i for i, h in enumerate(header) if h is not None]
    widths = {i: max(len(header[i]), *(len(r[i]) for r in rows)) for i in cols}
    lines = [f"  coefficients c_k = f⁽ᵏ⁾({x0}) / k!, with f = {series.function.pretty}:"]
    for r in [header, *rows]:
        lines.append("    " + "   ".join(r[i].ljust(widths[i]) for i in cols).rstrip())
    return lines


def _identity_line(d: dict, name: str) -> str:
    """f′ as the op table writes it, and whether sympy agrees."""
    expanded = f" = {d['expanded']}" if d.get("expanded") and \
        d["expanded"] != d["pretty"].replace("(x)", "") else ""
    check = "sympy's derivative agrees" if d["agrees"] else \
        "sympy's derivative DISAGREES"
    return (f"  {name}′ = {d['pretty']}{expanded}   (the op table's ∂out/∂a = "
            f"{d['template']}; {check})")


def _value_text(sp, c) -> str:
    if c.is_Rational:
        return fraction(c).replace("-", "−")
    exact = _exact_text(sp, c, "pretty")
    value = float(sp.N(c, 30))
    shown = f"{value:.6g}".replace("-", "−")
    if exact is not None and len(exact) <= 16:
        return f"{exact.replace('-', '−')} ≈ {shown}"
    return shown


def to_json(series: Series) -> dict:
    """The series for --json: its text in the three notations and each term, exact."""
    f = series.function
    return {
        "function": f.plain, "variable": str(f.symbol), "at": float(series.x0),
        "order": series.order,
        "series": polynomial_text(series, "plain"),
        "pretty": polynomial_text(series, "pretty"),
        "latex": polynomial_text(series, "latex"),
        "terms": [{"power": t.power, "coefficient": t.value,
                   "exact": load_sympy().sstr(t.exact)} for t in series.terms],
        "next_power": series.next_power, "complete": series.complete,
        "derivative": series.derivative or None,
    }
