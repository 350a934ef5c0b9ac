"""The op table's derivative of a row checked against sympy's, and f⁽ᵏ⁾ in terms of f."""

from __future__ import annotations

from graphdraw import ops
from graphdraw.analyses.taylor.function import Function
from graphdraw.analyses.taylor.notation import poly_text
from graphdraw.analyses.taylor.sympy_ops import load_sympy, template_sympy
from graphdraw.lazy import np


def derivative_identity(function: Function) -> dict:
    """The op table's local derivative of a unary row, checked against sympy's derivative.

    {"template": "out (1 − out)", "pretty": "σ (1 − σ)", "expanded": "σ − σ²" (when a
    polynomial in the output), "agrees": bool}.
    """
    from graphdraw.language.templates import print_template
    sp = load_sympy()
    row, x = function.row, function.symbol
    template = row.derivs[0]
    symbol = row.symbol_pretty
    out_name = symbol if len(symbol) == 1 else f"{symbol}(x)"
    result = {"template": print_template(template, {}, "pretty")[0],
              "pretty": print_template(template, {"out": (out_name, ops.ATOM),
                                                  "a": ("x", ops.ATOM)}, "pretty")[0],
              "plain": template}
    d_table = template_sympy(template, {"a": x, "out": function.expr})
    d_true = sp.diff(function.expr, x)
    result["agrees"] = _agree(sp, d_table, d_true, x)
    s = sp.Symbol("s")
    in_out = template_sympy(template, {"out": s}) if _only_out(template) else None
    if in_out is not None and sp.expand(in_out).is_polynomial(s):
        result["expanded"] = poly_text(sp, sp.expand(in_out), s, symbol)
    return result


def _agree(sp, a, b, x) -> bool:
    """Whether two sympy expressions agree: symbolically, else at points away from kinks."""
    try:
        if sp.simplify(a - b) == 0:
            return True
    except Exception:  # noqa: BLE001
        pass
    rng = np.random.default_rng(0)
    points = [p for p in rng.uniform(-3, 3, 12) if abs(p) > 0.05]
    checked = 0
    for p in points:
        try:
            va, vb = complex(sp.N(a.subs(x, p))), complex(sp.N(b.subs(x, p)))
        except (TypeError, ValueError):
            continue
        if not (np.isfinite(va) and np.isfinite(vb)):
            continue
        checked += 1
        if abs(va - vb) > 1e-9 * max(1.0, abs(vb)):
            return False
    return checked > 0


def _only_out(template: str) -> bool:
    from graphdraw.language.parser import parse
    program = parse("t_ = " + template, syntax="plain")
    return {n.id for n in program.nodes.values() if n.is_leaf} <= {"out"}


def in_terms_of_out(function: Function, identity: dict, last: int | None) -> list[str]:
    """f⁽ᵏ⁾ as a polynomial in f, k = 0 … `last` (the series' last power), when the row's
    derivative is a polynomial in its output (sigmoid: σ′ = σ − σ², σ″ = σ − 3σ² + 2σ³, …):
    the hint of exercise 6.1(b)."""
    sp = load_sympy()
    if "expanded" not in identity or last is None:
        return []
    s = sp.Symbol("s")
    d = sp.expand(template_sympy(function.row.derivs[0], {"out": s}))
    out_name = function.row.symbol_pretty
    if last > 12:
        return []
    polys, p = [], s
    for _ in range(last + 1):
        polys.append(poly_text(sp, p, s, out_name))
        p = sp.expand(sp.diff(p, s) * d)
    return polys
