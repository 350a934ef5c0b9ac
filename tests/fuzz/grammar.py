"""Well-formed, well-shaped models for the fuzzer: expressions drawn by shape (scalar, vector,
matrix) over declared leaves, known ops only, printed in plain, Python-ish or LaTeX notation,
with values that fit (a --values file, --set options, a CSV of samples) and derivative claims
for `verify`, right or wrong. Most of them run through every numeric stage."""

from __future__ import annotations

import json
from typing import NamedTuple

from hypothesis import strategies as st

# Leaves by shape kind; the declared shapes are drawn per model.
SCALARS = ["a", "b", "c", "w", "α", "b_o", "λ"]
VECTORS = ["u", "v", "x", "z", "b_1", "h_0"]
MATRICES = ["W", "V", "W_1", "A"]
# Elementwise functions safe on any real argument, and those that need a positive one.
ANY = ["σ", "tanh", "relu", "exp", "abs", "softplus", "sin", "cos", "erf", "gelu", "silu",
       "elu", "leaky_relu", "step", "sign"]
POSITIVE = ["log", "sqrt"]
PYTHON = {"σ": "sigmoid", "Σ": "sum"}
LATEX = {"σ": r"\sigma", "tanh": r"\tanh", "exp": r"\exp", "sin": r"\sin", "cos": r"\cos",
         "erf": r"\erf", "log": r"\log", "relu": r"\operatorname{ReLU}"}
LATEX_NAMES = {"α": r"\alpha", "λ": r"\lambda", "b_o": "b_{o}", "b_1": r"\mathbf{b_{1}}",
               "h_0": "h_{0}", "W_1": r"\mathbf{W_{1}}", "W": r"\mathbf{W}", "V": r"\mathbf{V}",
               "A": r"\mathbf{A}"}


class Model(NamedTuple):
    """A generated model and what fits it."""

    text: str
    shapes: dict            # leaf -> shape (a tuple)
    roles: dict             # leaf -> param, input, target
    values: dict            # leaf -> a value of its shape (JSON-able)
    claims: list            # (claim text, right?) for verify
    notation: str           # plain, python, latex


class _Expr(NamedTuple):
    plain: str
    python: str
    latex: str
    atom: bool = False


def _atom(plain, python=None, latex=None) -> _Expr:
    return _Expr(plain, python or plain, latex or plain, True)


def _paren(e: _Expr) -> _Expr:
    if e.atom:
        return e
    return _Expr(f"({e.plain})", f"({e.python})", rf"\left({e.latex}\right)", True)


def _call(f: str, *args: _Expr) -> _Expr:
    plain = f"{f}({', '.join(a.plain for a in args)})"
    python = f"{PYTHON.get(f, f)}({', '.join(a.python for a in args)})"
    if f == "sqrt" and len(args) == 1:
        latex = rf"\sqrt{{{args[0].latex}}}"
    else:
        latex = f"{LATEX.get(f, f)}({', '.join(a.latex for a in args)})"
    return _Expr(plain, python, latex, True)


def _binary(op: str, a: _Expr, b: _Expr, draw) -> _Expr:
    a, b = _paren(a), _paren(b)
    if op == "/":
        return _Expr(f"{a.plain} / {b.plain}", f"{a.python} / {b.python}",
                     rf"\frac{{{a.latex}}}{{{b.latex}}}", True)
    if op == "@":
        plain_op = draw(st.sampled_from(["@", "⋅"]))
        return _Expr(f"{a.plain} {plain_op} {b.plain}", f"{a.python} @ {b.python}",
                     f"{a.latex} {b.latex}")
    plain_op = {"-": draw(st.sampled_from(["-", "−"])),
                "*": draw(st.sampled_from(["*", "·"]))}.get(op, op)
    latex_op = {"*": r"\odot"}.get(op, op)
    return _Expr(f"{a.plain} {plain_op} {b.plain}", f"{a.python} {op} {b.python}",
                 f"{a.latex} {latex_op} {b.latex}")


def _square(e: _Expr, draw) -> _Expr:
    e = _paren(e)
    plain = draw(st.sampled_from([f"{e.plain}^2", f"{e.plain}²"]))
    return _Expr(plain, f"{e.python}**2", f"{e.latex}^{{2}}", True)


class _Scope:
    """The leaves a model may use, by shape, and the sizes."""

    def __init__(self, draw):
        self.n, self.m = draw(st.integers(1, 4)), draw(st.integers(1, 4))
        self.shapes: dict = {}
        self.draw = draw

    def leaf(self, kind: str, shape: tuple) -> _Expr:
        pool = {"s": SCALARS, "v": VECTORS, "M": MATRICES}[kind]
        fits = [p for p in pool if self.shapes.get(p, shape) == shape]
        if not fits:
            return _atom("1") if kind == "s" else self.number_times(kind, shape)
        name = self.draw(st.sampled_from(fits))
        self.shapes[name] = shape
        return _atom(name, name, LATEX_NAMES.get(name, name))

    def number_times(self, kind, shape) -> _Expr:
        return _call("ones", self.leaf(kind, shape))

    def number(self) -> _Expr:
        text = self.draw(st.sampled_from(["2", "0.5", "3", "1", "0.1", "1/2"]))
        return _atom(text, text, r"\frac{1}{2}" if text == "1/2" else text)


def _positive(scope: _Scope, shape: tuple, depth: int) -> _Expr:
    """An expression of the shape whose entries are positive (for log, sqrt and /)."""
    draw = scope.draw
    inner = _expr(scope, shape, depth - 1)
    kind = draw(st.sampled_from(["exp", "σ", "softplus", "1+sq"]))
    if kind == "1+sq":
        return _binary("+", _atom("1"), _square(inner, draw), draw)
    return _call(kind, inner)


def _expr(scope: _Scope, shape: tuple, depth: int) -> _Expr:
    """An expression of exactly `shape` (() a scalar, (n,) a vector, (n, m) a matrix)."""
    draw = scope.draw
    kind = {0: "s", 1: "v", 2: "M"}[len(shape)]
    if depth <= 0 or draw(st.integers(0, 4)) == 0:
        if kind == "s" and draw(st.integers(0, 3)) == 0:
            return scope.number()
        return scope.leaf(kind, shape)
    rule = draw(st.integers(0, 9))
    if rule <= 2:
        return _call(draw(st.sampled_from(ANY)), _expr(scope, shape, depth - 1))
    if rule == 3:
        return _call(draw(st.sampled_from(POSITIVE)), _positive(scope, shape, depth))
    if rule == 4:
        return _binary("/", _expr(scope, shape, depth - 1), _positive(scope, shape, depth),
                       draw)
    if rule == 5:
        return _square(_expr(scope, shape, depth - 1), draw)
    if rule == 6 and kind != "s":           # a scalar scales
        return _binary("*", _expr(scope, (), depth - 1), _expr(scope, shape, depth - 1), draw)
    if kind == "s" and rule >= 6:
        return _reduction(scope, depth)
    if kind == "v" and rule >= 8:
        return _vector_special(scope, shape, depth)
    if kind == "M" and rule >= 8:
        return _call("outer", _expr(scope, (shape[0],), depth - 1),
                     _expr(scope, (shape[1],), depth - 1))
    op = draw(st.sampled_from(["+", "-", "*"]))
    return _binary(op, _expr(scope, shape, depth - 1), _expr(scope, shape, depth - 1), draw)


def _reduction(scope: _Scope, depth: int) -> _Expr:
    """A scalar from a vector or a matrix."""
    draw = scope.draw
    n, m = scope.n, scope.m
    vec = (draw(st.sampled_from([n, m])),)
    rule = draw(st.integers(0, 6))
    if rule == 0:
        return _call(draw(st.sampled_from(["sum", "mean", "norm", "logsumexp", "max", "min"])),
                     _expr(scope, vec, depth - 1))
    if rule == 1:
        return _call(draw(st.sampled_from(["sum", "mean"])), _expr(scope, (n, m), depth - 1))
    if rule == 2:                           # an inner product: a row times a column
        u, v = _paren(_expr(scope, vec, depth - 1)), _paren(_expr(scope, vec, depth - 1))
        return _Expr(f"{u.plain}ᵀ {v.plain}", f"{u.python}.T @ {v.python}",
                     rf"{u.latex}^\top {v.latex}")
    if rule == 3:
        f = draw(st.sampled_from(["mse", "bce_with_logits", "cross_entropy"]))
        target = _call("softmax", _expr(scope, vec, depth - 1)) if f == "cross_entropy" \
            else _expr(scope, vec, depth - 1)
        return _call(f, _expr(scope, vec, depth - 1), target)
    if rule == 4:
        return _call("bce", _call("σ", _expr(scope, vec, depth - 1)),
                     _call("σ", _expr(scope, vec, depth - 1)))
    if rule == 5:
        return _call("sum", _call("log_softmax", _expr(scope, vec, depth - 1)))
    return _call(draw(st.sampled_from(["max", "min"])), _expr(scope, (), depth - 1),
                 _expr(scope, (), depth - 1))


def _vector_special(scope: _Scope, shape: tuple, depth: int) -> _Expr:
    """A vector from a matrix product, a softmax or a max of two."""
    draw = scope.draw
    rule = draw(st.integers(0, 3))
    if rule <= 1:
        other = draw(st.sampled_from([scope.n, scope.m]))
        matrix = scope.leaf("M", (shape[0], other)) if rule == 0 else \
            _expr(scope, (shape[0], other), depth - 1)
        vector = _expr(scope, (other,), depth - 1)
        if matrix.atom and draw(st.booleans()):         # W x: a declared matrix, juxtaposed
            v = _paren(vector)
            return _Expr(f"{matrix.plain} {v.plain}", f"{matrix.python} @ {v.python}",
                         f"{matrix.latex} {v.latex}")
        return _binary("@", matrix, vector, draw)
    if rule == 2:
        return _call(draw(st.sampled_from(["softmax", "log_softmax"])),
                     _expr(scope, shape, depth - 1))
    return _call(draw(st.sampled_from(["max", "min"])), _expr(scope, shape, depth - 1),
                 _expr(scope, shape, depth - 1))


# A scalar parameter added to the output as K·g(p), so that ∂L/∂p = K·g′(p) is known.
DERIVATIVES = {"σ": "σ(p) (1 − σ(p))", "tanh": "1 − tanh(p)²", "exp": "exp(p)",
               "sin": "cos(p)", "sq": "2 p", "softplus": "σ(p)", "id": "1"}
WRONG = {"σ": "σ(p)", "tanh": "tanh(p)²", "exp": "p exp(p)", "sin": "-cos(p)", "sq": "p",
         "softplus": "softplus(p)", "id": "0"}


@st.composite
def shaped_models(draw) -> Model:
    """A model whose shapes fit, over declared leaves, with values for them."""
    scope = _Scope(draw)
    notation = draw(st.sampled_from(["plain", "plain", "python", "latex"]))
    lines = []
    for k in range(draw(st.integers(0, 2))):         # intermediate values, used in L
        shape = draw(st.sampled_from([(scope.n,), ()]))
        e = _expr(scope, shape, draw(st.integers(1, 3)))
        lines.append((f"h_{k + 1}", e))
    body = _expr(scope, (), draw(st.integers(1, 4)))
    for name, _ in lines:
        body = _binary("+", body, _call("sum", _atom(name, name, f"h_{{{name[2:]}}}")), draw)
    if not scope.shapes:                             # at least one leaf
        body = _binary("*", body, scope.leaf("s", ()), draw)
    term, claims = _claimed_term(draw)
    body = _binary("+", body, term, draw) if term else body
    roles = {leaf: draw(st.sampled_from(["param", "param", "input", "target"]))
             for leaf in scope.shapes}
    if roles and "param" not in roles.values():
        roles[next(iter(roles))] = "param"
    if claims:
        scope.shapes["p"], roles["p"] = (), "param"
    text = _text(draw, scope, roles, lines, body, notation)
    values = {leaf: _value(draw, shape) for leaf, shape in scope.shapes.items()}
    return Model(text, dict(scope.shapes), roles, values, claims, notation)


def _claimed_term(draw):
    """(K·g(p), [(∂L/∂p = K·g′(p), True), (a wrong one, False)]) or (None, [])."""
    if draw(st.integers(0, 5)) == 0:
        return None, []
    g = draw(st.sampled_from(sorted(DERIVATIVES)))
    k = draw(st.sampled_from(["2", "3", "0.5"]))
    inner = {"sq": "p^2", "id": "p"}.get(g) or f"{g}(p)"
    latex = {"sq": "p^{2}", "id": "p"}.get(g) or f"{LATEX.get(g, g)}(p)"
    python = {"sq": "p**2", "id": "p"}.get(g) or f"{PYTHON.get(g, g)}(p)"
    term = _Expr(f"{k} {inner}" if g != "sq" else f"{k} * {inner}", f"{k} * {python}",
                 f"{k} {latex}")
    claims = [(f"∂L/∂p = {k} ({DERIVATIVES[g]})", True), (f"∂L/∂p = {k} ({WRONG[g]})", False)]
    return _paren(term), claims


def _text(draw, scope: _Scope, roles: dict, lines: list, body: _Expr, notation: str) -> str:
    """The model's text: declarations (sizes as numbers or a dim), statements, the output."""
    pick = {"plain": lambda e: e.plain, "python": lambda e: e.python,
            "latex": lambda e: e.latex}[notation]
    use_dim = draw(st.booleans())
    out = [f"dim H = {scope.n}"] if use_dim else []

    def size(k: int) -> str:
        return "H" if use_dim and k == scope.n else str(k)
    for leaf, shape in scope.shapes.items():
        dims = f"[{', '.join(size(k) for k in shape)}]" if shape else ""
        out.append(f"{roles[leaf]} {leaf}{dims}")
    statements = [f"{name} = {pick(e)}" for name, e in lines] + [f"L = {pick(body)}"]
    after = draw(st.integers(0, 4)) == 0               # declarations may come after
    out = statements + out if after else out + statements
    sep = draw(st.sampled_from(["\n", "\n", "; ", "\r\n"]))
    return sep.join(out) + draw(st.sampled_from(["", "\n"]))


def _value(draw, shape: tuple):
    """A value of `shape`, entries between -2 and 2 (a few exact 0 and 1)."""
    entry = st.sampled_from([0.0, 1.0, -1.0, 0.5]) | st.floats(-2, 2).map(lambda f: round(f, 3))
    if not shape:
        return draw(entry)
    if len(shape) == 1:
        return [draw(entry) for _ in range(shape[0])]
    return [[draw(entry) for _ in range(shape[1])] for _ in range(shape[0])]


def values_json(model: Model, draw) -> str:
    """A --values file for some of the model's leaves."""
    chosen = {k: v for k, v in model.values.items() if draw(st.integers(0, 2))}
    return json.dumps(chosen)


def set_options(model: Model, draw) -> list:
    """--set options for a few leaves, values that fit."""
    out = []
    for leaf, value in model.values.items():
        if draw(st.integers(0, 4)) == 0:
            out += ["--set", f"{leaf}={json.dumps(value)}"]
    return out


def csv_text(model: Model, draw) -> str | None:
    """Samples of the model's inputs and targets, one row each (None when it has none)."""
    data = [leaf for leaf, role in model.roles.items() if role in ("input", "target")]
    if not data:
        return None
    header = []
    for leaf in data:
        shape = model.shapes[leaf]
        if not shape:
            header.append(leaf)
        elif len(shape) == 1:
            header += [f"{leaf}[{i + 1}]" for i in range(shape[0])]
        else:
            header += [f"{leaf}[{i + 1},{j + 1}]" for i in range(shape[0])
                       for j in range(shape[1])]
    rows = draw(st.integers(1, 6))
    cells = st.floats(-2, 2).map(lambda f: f"{f:.3g}")
    body = [",".join(draw(cells) for _ in header) for _ in range(rows)]
    return "\n".join([",".join(header)] + body) + "\n"
