"""How the series' numbers, powers and sums print: plain, pretty (Unicode) and LaTeX."""

from __future__ import annotations

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def fraction(c) -> str:
    """A sympy Rational as p or p/q."""
    return str(c.p) if c.q == 1 else f"{c.p}/{c.q}"


def num(x0) -> str:
    """x0 for people: 0, 1/2, -1.5."""
    if x0.q == 1:
        return str(x0.p).replace("-", "−")
    value = float(x0)
    text = f"{value:g}" if len(f"{value:g}") <= 8 else fraction(x0)
    return text.replace("-", "−")


def power(var: str, k: int, mode: str) -> str:
    """var to the power k: '' for k = 0, x³ (pretty), x^{3} (latex), x^3 (plain)."""
    if k == 0:
        return ""
    if k == 1:
        return var
    if mode == "pretty":
        return var + str(k).translate(SUPERSCRIPT)
    if mode == "latex":
        return f"{var}^{{{k}}}"
    return f"{var}^{k}"


def join(parts: list[tuple[bool, str]], mode: str) -> str:
    """Signed terms (negative, text) as one sum: a − b + c."""
    minus = {"plain": "-", "pretty": "−", "latex": "-"}[mode]
    out = ""
    for i, (negative, text) in enumerate(parts):
        if i == 0:
            out = f"{minus}{text}" if negative else text
        else:
            out += f" {minus} {text}" if negative else f" + {text}"
    return out


def poly_text(sp, poly, s, name: str) -> str:
    """A polynomial in s with rational coefficients, lowest power first: σ − 3σ² + 2σ³."""
    coeffs = sp.Poly(poly, s).all_coeffs()[::-1]
    parts = []
    for k, c in enumerate(coeffs):
        if c == 0:
            continue
        c = sp.Rational(c)
        base = "" if k == 0 else name + (str(k).translate(SUPERSCRIPT) if k > 1 else "")
        magnitude = abs(c)
        if k == 0:
            text = fraction(magnitude)
        elif magnitude == 1:
            text = base
        elif magnitude.q == 1:
            text = f"{magnitude.p}{' ' if len(name) > 1 else ''}{base}"
        else:
            text = f"{fraction(magnitude)} {base}"
        parts.append((c < 0, text))
    return join(parts, "pretty") or "0"
