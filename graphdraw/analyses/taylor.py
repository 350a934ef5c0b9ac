"""Taylor series of the op table's elementwise functions (exercise 6.1), derived with sympy.

Each elementwise row has a sympy counterpart in `sympy_functions` (a test checks that every
row has one and that it agrees with the row's numpy forward). A function is named by its
op (`sigmoid`, `σ`, `tanh`) or written as an expression in one variable in graphdraw's own
language (`x σ(x)`, `log(1 + exp(x))`); the expression is parsed by graphdraw's parser and
translated node by node, so no user text ever reaches sympy's parser.

sympy is imported only here, and with matplotlib only inside the functions that need them.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

from graphdraw import ops
from graphdraw.ops import shapes
from graphdraw.errors import GraphdrawError, LimitError, ToolMissing
from graphdraw.lazy import np

MAX_ORDER = 20          # --order: non-zero terms
MAX_POWER = 80          # the highest power searched for them
MAX_DERIVATIVE_OPS = 20_000   # stop when sympy's derivatives grow past this size
MAX_EXPRESSION_OPS = 200   # a FUNCTION expression's size (sympy recurses over it)
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class NotAnalytic(GraphdrawError):
    """The function has no Taylor series at the point (a kink, a pole, a branch point)."""


def _sympy():
    try:
        import sympy
    except ImportError as exc:
        raise ToolMissing(f"graphdraw taylor needs sympy, which could not be imported ({exc})",
                          hint="pip install sympy (make demo installs it)") from None
    return sympy


def sympy_functions() -> dict:
    """op name -> the same function on sympy expressions (every elementwise row has one).

    The ops that reshape tensors (transpose, sum, mean, matmul, outer, size) are included in
    their scalar forms, so that any scalar expression in the language translates.
    """
    sp = _sympy()
    return {
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b,
        "pow": lambda a, b: a ** b,
        "neg": lambda a: -a,
        "sigmoid": lambda a: 1 / (1 + sp.exp(-a)),
        # tanh as 1 − 2/(exp(2a) + 1): sympy's derivatives of tanh itself swell quickly
        "tanh": lambda a: 1 - 2 / (sp.exp(2 * a) + 1),
        "relu": lambda a: sp.Max(a, 0),
        "exp": sp.exp,
        "log": sp.log,
        "sqrt": sp.sqrt,
        "abs": sp.Abs,
        "softplus": lambda a: sp.log(1 + sp.exp(a)),
        "max": sp.Max,
        "min": sp.Min,
        "ones": lambda a: sp.Integer(1),
        "id": lambda a: a,
        "step": lambda a: sp.Heaviside(a, 0),        # step(0) = 0, as the row
        "sign": sp.sign,
        # scalar forms: a scalar is its own transpose, sum and mean; its size is 1
        "transpose": lambda a: a,
        "sum": lambda a: a,
        "mean": lambda a: a,
        "size": lambda a: sp.Integer(1),
        "matmul": lambda a, b: a * b,
        "outer": lambda a, b: a * b,
    }


def elementwise_rows() -> list[ops.Op]:
    """The rows that act entry by entry (unary or binary, broadcasting)."""
    return [row for row in ops.ROWS if row.shape in (shapes.same, shapes.broadcast)]


# -- what FUNCTION names ------------------------------------------------------------------

@dataclass
class Function:
    """A function of one variable: its sympy form, its numpy form and how it prints."""

    expr: object                  # sympy expression in `symbol`
    symbol: object                # the sympy Symbol
    variable: str                 # its name, pretty (x)
    pretty: str                   # σ(x)
    plain: str                    # sigmoid(x)
    numeric: object               # numpy: array -> array
    row: ops.Op | None = None     # when FUNCTION names an op
    latex: str = ""


def resolve(text: str) -> Function:
    """The function FUNCTION names: an elementwise op, or an expression in one variable."""
    text = text.strip()
    if not text:
        raise GraphdrawError("give a function: an op such as sigmoid, or an expression in x "
                             "such as 'x σ(x)'")
    if re.fullmatch(r"[^\W\d]\w*|σ|√|Σ", text):
        return _op_function(text)
    return _expression_function(text)


def _op_function(name: str) -> Function:
    sp = _sympy()
    row = ops.FUNCTIONS.get(name)
    if row is None:
        row = ops.OPS.get(name)
    if row is None:
        # As the parser does: aliases spelt out (sigma for σ) lead to their row's own name.
        from graphdraw.language.names import canonical
        unary = {alias: r.name for alias, r in ops.FUNCTIONS.items()
                 if r.arity == 1 and r.shape is shapes.same}
        unary.update({canonical(alias): name for alias, name in list(unary.items())})
        close = difflib.get_close_matches(name, list(unary), n=1, cutoff=0.5)
        raise GraphdrawError(f"unknown function '{name}'",
                             hint=f"did you mean '{unary[close[0]]}'?" if close else
                             f"the elementwise functions are: "
                             f"{', '.join(sorted(set(unary.values())))}; or write an "
                             "expression in x, e.g. 'x^2 σ(x)'")
    if row.arity != 1:
        raise GraphdrawError(f"'{name}' takes {row.arity} operands; taylor expands a function "
                             "of one variable",
                             hint="write it as an expression in x, e.g. graphdraw taylor "
                                  + (f"'{name}(x, 0)'" if row.style == "call" else "'x^3'"))
    if row.shape is not shapes.same:
        kind = {shapes.reduce: "a reduction of a tensor to a number",
                shapes.transpose: "a transpose"}.get(row.shape, "not elementwise")
        raise GraphdrawError(f"'{name}' is {kind}, not an elementwise function: taylor "
                             "expands elementwise functions of one variable (sigmoid, tanh, "
                             "exp, …)", hint="graphdraw ops lists the operations")
    x = sp.Symbol("x", real=True)
    symbol = row.symbol_pretty if row.style == "call" else row.name
    forward = row.forward

    def numeric(xs):
        with np.errstate(all="ignore"):       # outside the domain: NaN, left out of plots
            return np.asarray(forward(np.asarray(xs, dtype=float)), dtype=float)

    return Function(sympy_functions()[row.name](x), x, "x", f"{symbol}(x)", f"{row.name}(x)",
                    numeric, row=row, latex=_latex_call(row))


def _latex_call(row: ops.Op) -> str:
    command = row.latex or row.name
    if "{0}" in command:
        return command.replace("{{{0}}}", "{x}").replace("{0}", "x")
    return rf"{command}(x)" if command.startswith("\\") else rf"\mathrm{{{command}}}(x)"


def _expression_function(text: str) -> Function:
    from graphdraw.language import names
    from graphdraw.language import parser
    sp = _sympy()
    program = parser.parse(f"f_ = {text}", "<FUNCTION>")
    leaves = [n for n in program.nodes.values() if n.is_leaf]
    if len(leaves) > 1:
        raise GraphdrawError(f"the function has {len(leaves)} variables "
                             f"({', '.join(n.id for n in leaves)}); taylor expands a function "
                             "of one variable",
                             hint="replace the others by numbers")
    computed = [n for n in program.nodes.values() if n.op is not None]
    if len(computed) > MAX_EXPRESSION_OPS:
        raise LimitError(f"the function has {len(computed)} operations; taylor expands "
                         f"expressions of at most {MAX_EXPRESSION_OPS}")
    name = leaves[0].id if leaves else "x"
    x = sp.Symbol(name, real=True)
    table = sympy_functions()
    values: dict = {}
    for node in program.nodes.values():          # the flat node list: no recursion
        if node.is_leaf:
            values[node.id] = x
        elif node.is_const:
            values[node.id] = _exact_constant(sp, node)
        else:
            values[node.id] = table[node.op](*[values[a] for a in node.args])

    def numeric(xs):
        xs = np.asarray(xs, dtype=float)
        out: dict = {}
        with np.errstate(all="ignore"):
            for node in program.nodes.values():
                if node.is_leaf:
                    out[node.id] = xs
                elif node.is_const:
                    out[node.id] = np.asarray(node.value, dtype=float)
                else:
                    out[node.id] = np.asarray(ops.OPS[node.op].forward(
                        *[out[a] for a in node.args]), dtype=float)
        return np.broadcast_to(out[program.output], xs.shape)

    return Function(values[program.output], x, names.pretty(name), text, text, numeric,
                    latex=sp.latex(values[program.output]))


def _exact_constant(sp, node):
    """A folded constant as an exact rational: its text (1/3) when that is a plain number."""
    for candidate in (node.text, repr(node.value)):
        try:
            return sp.Rational(Fraction(candidate.replace("−", "-")))
        except (ValueError, ZeroDivisionError, TypeError):
            continue
    return sp.Float(node.value)


# -- the series ---------------------------------------------------------------------------

@dataclass
class Term:
    """c (x − x0)^power, c exact (sympy) and as a float."""

    power: int
    exact: object
    value: float


@dataclass
class Series:
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
    sp = _sympy()
    if not 1 <= order <= MAX_ORDER:
        raise GraphdrawError(f"--order {order}: give between 1 and {MAX_ORDER} terms")
    if not math.isfinite(at):
        raise GraphdrawError("--at must be a finite number")
    x0 = sp.Rational(Fraction(repr(float(at))))
    x = function.symbol
    d = _smooth_branch(sp, function, x0)
    terms: list[Term] = []
    complete, k, factorial = False, 0, 1
    while len(terms) <= order:                 # one more than asked, for the O(…) term
        if d == 0:
            complete = True
            break
        if k > MAX_POWER or sp.count_ops(d) > MAX_DERIVATIVE_OPS:
            break
        value = d.subs(x, x0)
        if value.has(sp.zoo, sp.oo, -sp.oo, sp.nan, sp.I) or value.is_finite is False \
                or value.is_real is False:
            if k == 0:
                raise NotAnalytic(f"{function.pretty} is not defined at {_num(x0)}: it has no "
                                  "Taylor series there", hint="expand about another point "
                                  "with --at")
            raise NotAnalytic(f"{function.pretty} is not analytic at {_num(x0)}: its "
                              f"derivative of order {k} is infinite there, so it has no "
                              "Taylor series there", hint="expand about another point with --at")
        c = value / factorial
        c = sp.simplify(c) if not c.is_Rational and sp.count_ops(c) < 60 else c
        if not _is_zero(sp, c):
            terms.append(Term(k, c, float(sp.N(c, 30))))
        k += 1
        factorial *= k
        d = sp.diff(d, x)
    next_power = terms[order].power if len(terms) > order else None
    series = Series(function, x0, order, terms[:order], next_power, complete, k - 1)
    if function.row is not None:
        series.derivative = derivative_identity(function)
        series.in_terms_of_out = _in_terms_of_out(function, series)
    return series


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
        return NotAnalytic(f"{function.pretty} has a kink or a jump at {_num(x0)}: it has no "
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


def derivative_identity(function: Function) -> dict:
    """The op table's local derivative of a unary row, checked against sympy's derivative.

    {"template": "out (1 − out)", "pretty": "σ (1 − σ)", "expanded": "σ − σ²" (when a
    polynomial in the output), "agrees": bool}.
    """
    from graphdraw.language.printing import print_template
    sp = _sympy()
    row, x = function.row, function.symbol
    template = row.derivs[0]
    symbol = row.symbol_pretty
    out_name = symbol if len(symbol) == 1 else f"{symbol}(x)"
    result = {"template": print_template(template, {}, "pretty")[0],
              "pretty": print_template(template, {"out": (out_name, ops.ATOM),
                                                  "a": ("x", ops.ATOM)}, "pretty")[0],
              "plain": template}
    d_table = _template_sympy(template, {"a": x, "out": function.expr})
    d_true = sp.diff(function.expr, x)
    result["agrees"] = _agree(sp, d_table, d_true, x, function.numeric)
    s = sp.Symbol("s")
    in_out = _template_sympy(template, {"out": s}) if _only_out(template) else None
    if in_out is not None and sp.expand(in_out).is_polynomial(s):
        result["expanded"] = _poly_text(sp, sp.expand(in_out), s, symbol)
    return result


def _agree(sp, a, b, x, numeric) -> bool:
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


def _template_sympy(template: str, bindings: dict):
    """A local-derivative template (text over a, b, out) as a sympy expression."""
    from graphdraw.language.parser import parse
    sp = _sympy()
    program = parse("t_ = " + template, syntax="plain")
    table = sympy_functions()
    values: dict = {}
    for node in program.nodes.values():
        if node.is_leaf:
            values[node.id] = bindings[node.id]
        elif node.is_const:
            values[node.id] = _exact_constant(sp, node)
        else:
            values[node.id] = table[node.op](*[values[a] for a in node.args])
    return values[program.output]


def _in_terms_of_out(function: Function, series: Series) -> list[str]:
    """f⁽ᵏ⁾ as a polynomial in f, k = 0 … the last power, when the row's derivative is a
    polynomial in its output (sigmoid: σ′ = σ − σ², σ″ = σ − 3σ² + 2σ³, …): the hint of
    exercise 6.1(b)."""
    sp = _sympy()
    identity = series.derivative
    if "expanded" not in identity or not series.terms:
        return []
    s = sp.Symbol("s")
    d = sp.expand(_template_sympy(function.row.derivs[0], {"out": s}))
    out_name = function.row.symbol_pretty
    last = series.terms[-1].power
    if last > 12:
        return []
    polys, p = [], s
    for _ in range(last + 1):
        polys.append(_poly_text(sp, p, s, out_name))
        p = sp.expand(sp.diff(p, s) * d)
    return polys


def _poly_text(sp, poly, s, name: str) -> str:
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
            text = _fraction(magnitude)
        elif magnitude == 1:
            text = base
        elif magnitude.q == 1:
            text = f"{magnitude.p}{' ' if len(name) > 1 else ''}{base}"
        else:
            text = f"{_fraction(magnitude)} {base}"
        parts.append((c < 0, text))
    return _join(parts, "pretty") or "0"


# -- printing -----------------------------------------------------------------------------

def _fraction(c) -> str:
    return str(c.p) if c.q == 1 else f"{c.p}/{c.q}"


def _num(x0) -> str:
    """x0 for people: 0, 1/2, -1.5."""
    if x0.q == 1:
        return str(x0.p).replace("-", "−")
    value = float(x0)
    text = f"{value:g}" if len(f"{value:g}") <= 8 else _fraction(x0)
    return text.replace("-", "−")


def _variable(series: Series, mode: str) -> str:
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


def _power(var: str, k: int, mode: str) -> str:
    if k == 0:
        return ""
    if k == 1:
        return var
    if mode == "pretty":
        return var + str(k).translate(SUPERSCRIPT)
    if mode == "latex":
        return f"{var}^{{{k}}}"
    return f"{var}^{k}"


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
    sp = _sympy()
    c, k = term.exact, term.power
    base = _power(var, k, mode)
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


def _join(parts: list[tuple[bool, str]], mode: str) -> str:
    minus = {"plain": "-", "pretty": "−", "latex": "-"}[mode]
    out = ""
    for i, (negative, text) in enumerate(parts):
        if i == 0:
            out = f"{minus}{text}" if negative else text
        else:
            out += f" {minus} {text}" if negative else f" + {text}"
    return out


def polynomial_text(series: Series, mode: str = "pretty", count: int | None = None) -> str:
    """The truncated series: '1/2 + x/4 − x³/48' (pretty), '1/2 + x/4 - x^3/48' (plain,
    which graphdraw parses back), or LaTeX. `count` keeps the first terms only."""
    var = _variable(series, mode)
    terms = series.terms if count is None else series.terms[:count]
    return _join([term_text(t, var, mode) for t in terms], mode) or "0"


def remainder_text(series: Series, mode: str = "pretty") -> str:
    """'+ O(x⁵)' after the truncation ('' when the series ends there)."""
    if series.next_power is None:
        return ""
    return f" + O({_power(_variable(series, mode), series.next_power, mode)})"


def format_text(series: Series) -> str:
    """The series, its derivation and, for an op, the derivative the op table uses."""
    sp = _sympy()
    f = series.function
    x0 = _num(series.x0)
    lines = []
    got = len(series.terms)
    what = f"the first {got} non-zero term{'s' if got != 1 else ''}"
    if series.complete and got < series.order:
        what = f"all {got} non-zero term{'s' if got != 1 else ''} (it is a polynomial there)"
        if got == 0:
            what = "it is 0 there"
    doc = f" ({re.sub(r'(?<=[(, -])a(?=[), ])', f.variable, f.row.doc)})" \
        if f.row is not None else ""
    lines.append(f"Taylor series of {f.pretty}{doc} about {f.variable} = {x0}, {what}:")
    lines.append("")
    lines.append(f"  {f.pretty} = {polynomial_text(series)}{remainder_text(series)}")
    lines.append("")
    if series.next_power is None and not series.complete:
        lines.append(f"  (no further non-zero term found up to the power {series.searched}: "
                     "the derivatives grow too large)")
        lines.append("")
    # The derivation: c_k = f⁽ᵏ⁾(x0) / k!
    last = series.terms[-1].power if series.terms else 0
    shown = {t.power: t for t in series.terms}
    ks = list(range(last + 1)) if last <= 15 else sorted(shown)
    in_out = series.in_terms_of_out
    name = f.pretty.split("(")[0] if f.row is not None else "f"
    lines.append(f"  coefficients c_k = f⁽ᵏ⁾({x0}) / k!, with f = {f.pretty}:")
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
    lines.append("    " + "   ".join(header[i].ljust(widths[i]) for i in cols).rstrip())
    for r in rows:
        lines.append("    " + "   ".join(r[i].ljust(widths[i]) for i in cols).rstrip())
    if series.derivative:
        d = series.derivative
        lines.append("")
        expanded = f" = {d['expanded']}" if d.get("expanded") and \
            d["expanded"] != d["pretty"].replace("(x)", "") else ""
        check = "sympy's derivative agrees" if d["agrees"] else \
            "sympy's derivative DISAGREES"
        lines.append(f"  {name}′ = {d['pretty']}{expanded}   (the op table's ∂out/∂a = "
                     f"{d['template']}; {check})")
    lines.append("")
    lines.append(f"  plain: {polynomial_text(series, 'plain')}")
    return "\n".join(lines) + "\n"


def _value_text(sp, c) -> str:
    if c.is_Rational:
        return _fraction(c).replace("-", "−")
    exact = _exact_text(sp, c, "pretty")
    value = float(sp.N(c, 30))
    shown = f"{value:.6g}".replace("-", "−")
    if exact is not None and len(exact) <= 16:
        return f"{exact.replace('-', '−')} ≈ {shown}"
    return shown


def to_json(series: Series) -> dict:
    f = series.function
    return {
        "function": f.plain, "variable": str(f.symbol), "at": float(series.x0),
        "order": series.order,
        "series": polynomial_text(series, "plain"),
        "pretty": polynomial_text(series, "pretty"),
        "latex": polynomial_text(series, "latex"),
        "terms": [{"power": t.power, "coefficient": t.value,
                   "exact": _sympy().sstr(t.exact)} for t in series.terms],
        "next_power": series.next_power, "complete": series.complete,
        "derivative": series.derivative or None,
    }


# -- the picture --------------------------------------------------------------------------

def plot(series: Series, path: str, xlim: tuple[float, float] | None = None) -> bytes:
    """The function against its truncations after 1, 2, … N terms; bytes in the format of
    the path's extension (png, svg or pdf)."""
    fmt = plot_format(path)
    plt = pyplot()
    f = series.function
    x0 = series.x0_float
    lo, hi = xlim if xlim else (x0 - 4.0, x0 + 4.0)
    xs = np.linspace(lo, hi, 801)
    ys = np.asarray(f.numeric(xs), dtype=float)
    finite = np.isfinite(ys)
    if not finite.any():
        raise GraphdrawError(f"{f.pretty} is not defined anywhere on [{lo:g}, {hi:g}]",
                             hint="choose another range with --xlim")
    y_lo, y_hi = float(ys[finite].min()), float(ys[finite].max())
    span = max(y_hi - y_lo, 0.5)
    fig, ax = plt.subplots(figsize=(9.6, 4.8), dpi=150)
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(x0, color="0.85", lw=0.8, zorder=0)
    # Okabe-Ito colours, told apart by dashes too (for print and colour blindness)
    colours = ["#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2", "#F0E442"]
    styles = ["--", "-.", ":", (0, (5, 1.5, 1, 1.5)), (0, (1, 1)), (0, (8, 2))]
    for count in range(1, len(series.terms) + 1):
        poly = np.zeros_like(xs)
        for t in series.terms[:count]:
            poly += t.value * (xs - x0) ** t.power
        label = polynomial_text(series, "latex", count)
        if count >= 4:          # long sums: the last two terms say which truncation it is
            tail = _join([term_text(t, _variable(series, "latex"), "latex")
                          for t in series.terms[count - 2:count]], "latex")
            label = r"\ldots " + (tail if tail.startswith("-") else "+ " + tail)
        ax.plot(xs, poly, color=colours[(count - 1) % len(colours)], lw=1.8,
                ls=styles[(count - 1) % len(styles)],
                label=f"{count} term{'s' if count > 1 else ''}: ${label}$")
    ax.plot(xs[finite], ys[finite], color="black", lw=2.4, label=f"${f.latex}$", zorder=5)
    ax.plot([x0], [float(series.terms[0].value) if series.terms and series.terms[0].power == 0
                   else float(f.numeric(np.array([x0]))[0])], "o", color="black", ms=5,
            zorder=6)
    ax.set_xlim(lo, hi)
    ax.set_ylim(y_lo - 0.35 * span, y_hi + 0.35 * span)
    ax.set_xlabel(f"${f.variable}$" if f.variable.isascii() else f.variable)
    where = _num(series.x0).replace("−", "-")
    ax.set_title(f"Taylor polynomials of ${f.latex}$ about ${f.variable} = {where}$",
                 fontsize=12)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=10, frameon=False,
              labelspacing=1.1)
    ax.grid(True, color="0.93", lw=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return figure_bytes(fig, fmt)


def plot_format(path: str) -> str:
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if ext not in ("png", "svg", "pdf"):
        raise GraphdrawError(f"--plot {path}: use a .png, .svg or .pdf file name")
    return ext


def pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ToolMissing(f"plots need matplotlib, which could not be imported ({exc})",
                          hint="pip install matplotlib (make demo installs it)") from None
    return plt


def figure_bytes(fig, fmt: str) -> bytes:
    """The figure's bytes; SVG and PDF without dates or random ids, for stable files."""
    import io
    plt = pyplot()
    buffer = io.BytesIO()
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None},
                "png": {}}[fmt]
    with plt.rc_context({"svg.hashsalt": "graphdraw"}):
        fig.savefig(buffer, format=fmt, metadata=metadata, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


__all__ = ["Function", "Series", "Term", "resolve", "expand", "format_text", "pyplot",
           "figure_bytes", "plot_format",
           "polynomial_text", "remainder_text", "to_json", "plot", "sympy_functions",
           "elementwise_rows", "derivative_identity", "NotAnalytic"]
