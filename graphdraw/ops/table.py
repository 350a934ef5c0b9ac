"""The op table: one row per operation, holding everything graphdraw knows about it.

A row gives the op's names, arity, how it prints, its shape rule, its local derivative with
respect to each operand (as text in graphdraw's own equation language, over the placeholders
`a`, `b` for the operands and `out` for the result), how that derivative combines with the
adjoint of the result, its numeric forward and vector-Jacobian product (numpy), and the names
torch autograd gives the node it creates. Backprop, printing and checking read only this table.
"""

from __future__ import annotations

import math

from graphdraw.lazy import np
from graphdraw.ops import class_index, elementwise, losses, matmul, reductions, shapes, softmax
from graphdraw.ops.row import (ADD, ATOM, COMBINES, MUL, NEG, POSTFIX, POW, SUM, T, Op,
                               elementwise as _elementwise, sigmoid as _sigmoid, unbroadcast)

__all__ = ["ADD", "ATOM", "COMBINES", "MUL", "NEG", "POSTFIX", "POW", "SUM", "T", "Op", "ROWS",
           "OPS", "FUNCTIONS", "CALLS", "call", "function_names", "sample_sum", "unbroadcast"]


def _pow_vjp(g, out, a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        # torch: the exponent 0 gives the base a gradient of 0, also at 0 (not 0 * 0^-1).
        ga = np.where(b == 0, 0.0, g * b * np.power(a, b - 1))
        # torch: d/db 0**b = 0 where the base is 0 (instead of 0 * log 0 = nan).
        gb = np.where(a == 0, 0.0, g * out * np.log(np.where(a == 0, 1.0, a)))
    return unbroadcast(ga, a.shape), unbroadcast(gb, b.shape)


def _tie_vjp(g, a, b, sign: float):
    """max (sign 1) and min (sign -1): the larger (smaller) operand takes ḡ, ties half each."""
    share = (1 + sign * np.sign(a - b)) / 2
    return unbroadcast(g * share, a.shape), unbroadcast(g * (1 - share), b.shape)


def _softplus(a):
    return np.logaddexp(0.0, a)


FIRST_ROWS: tuple[Op, ...] = (
    Op("add", 2, "sum of two operands", ("1", "1"),
       lambda a, b: a + b, lambda g, out, a, b: (unbroadcast(g, a.shape), unbroadcast(g, b.shape)),
       shapes.broadcast, style="infix", plain="+", pretty="+", html="+", latex="+", prec=ADD,
       torch=("AddBackward0", "AddBackward1")),
    Op("sub", 2, "difference of two operands", ("1", "-1"),
       lambda a, b: a - b, lambda g, out, a, b: (unbroadcast(g, a.shape), unbroadcast(-g, b.shape)),
       shapes.broadcast, style="infix", plain="-", pretty="−", html="−", latex="-", prec=ADD,
       torch=("SubBackward0", "SubBackward1", "RsubBackward1")),
    Op("mul", 2, "elementwise product (a scalar scales)", ("b", "a"),
       lambda a, b: a * b,
       lambda g, out, a, b: (unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape)),
       shapes.broadcast, style="infix", plain="*", pretty="·", html="·", latex=r"\cdot", prec=MUL,
       torch=("MulBackward0", "MulBackward1")),
    Op("div", 2, "elementwise quotient", ("1 / b", "-a / b^2"),
       lambda a, b: a / b,
       lambda g, out, a, b: (unbroadcast(g / b, a.shape), unbroadcast(-g * a / b ** 2, b.shape)),
       shapes.broadcast, style="infix", plain="/", pretty="/", html="/", latex="/", prec=MUL,
       torch=("DivBackward0", "DivBackward1"),
       domain="a division by zero"),
    Op("matmul", 2, "matrix product (vectors, matrices, batches of matrices)", ("b^T", "a"),
       lambda a, b: a @ b, matmul.vjp, shapes.matmul, aliases=("⋅",),
       style="infix", plain="@", pretty=" ", html=" ", latex=" ", prec=MUL,
       combine=("matmul_left", "matmul_right"),
       torch=("MvBackward0", "MmBackward0", "DotBackward0", "SqueezeBackward4",
              "UnsqueezeBackward0", "UnsafeViewBackward0", "ViewBackward0", "BmmBackward0",
              "ExpandBackward0", "ReshapeAliasBackward0", "CloneBackward0")),
    Op("neg", 1, "negation", ("-1",),
       lambda a: -a, lambda g, out, a: (-g,), shapes.same,
       style="prefix", plain="-", pretty="−", html="−", latex="-", prec=NEG,
       torch=("NegBackward0",)),
    Op("pow", 2, "elementwise power", ("b * a^(b - 1)", "log(a) * out"),
       lambda a, b: a ** b, _pow_vjp, shapes.broadcast, aliases=("**",),
       style="infix", plain="^", pretty="^", html="^", latex="^", prec=POW, right_assoc=True,
       torch=("PowBackward0", "PowBackward1", "PowBackward2"),
       domain="a negative base with a fractional exponent, or an overflow"),
    Op("transpose", 1, "transpose (a vector stays a vector; a batch: each matrix)", ("1",),
       # a.T, not mT, up to 2-D: a plain number has none, so `2^T` is never folded away
       lambda a: matmul.mT(a) if np.ndim(a) >= 3 else a.T,
       lambda g, out, a: (matmul.mT(g),), shapes.transpose,
       style="postfix", plain="^T", pretty="ᵀ", html="<sup>T</sup>", latex=r"^\top", prec=POSTFIX,
       combine=("transpose",), torch=("PermuteBackward0", "TBackward0", "TransposeBackward0"), torch_forward=lambda a: a.T if a.dim() == 2 else a.mT if a.dim() > 2 else a),
    Op("sigmoid", 1, "logistic function 1/(1 + exp(-a))", ("out * (1 - out)",),
       _sigmoid, _elementwise(lambda out, a: out * (1 - out)), shapes.same,
       aliases=("σ", "logistic"), pretty="σ", html="σ", latex=r"\sigma",
       torch=("SigmoidBackward0",), torch_forward=lambda a: T.sigmoid(a)),
    Op("tanh", 1, "hyperbolic tangent", ("1 - out^2",),
       lambda a: np.tanh(a), _elementwise(lambda out, a: 1 - out ** 2), shapes.same,
       latex=r"\tanh", torch=("TanhBackward0",), torch_forward=lambda a: T.tanh(a)),
    Op("relu", 1, "rectifier max(a, 0)", ("step(a)",),
       lambda a: np.maximum(a, 0.0), _elementwise(lambda out, a: (a > 0).astype(float)),
       shapes.same, aliases=("ReLU",), latex=r"\operatorname{ReLU}", torch=("ReluBackward0",), torch_forward=lambda a: T.relu(a)),
    Op("exp", 1, "exponential", ("out",),
       lambda a: np.exp(a), _elementwise(lambda out, a: out), shapes.same, latex=r"\exp",
       torch=("ExpBackward0",), torch_forward=lambda a: T.exp(a),
       domain="exp overflows beyond about 709"),
    Op("log", 1, "natural logarithm", ("1 / a",),
       lambda a: np.log(a), _elementwise(lambda out, a: 1 / a), shapes.same, aliases=("ln",), latex=r"\log",
       torch=("LogBackward0",), torch_forward=lambda a: T.log(a),
       domain="log needs positive operands"),
    Op("sqrt", 1, "square root", ("1 / (2 * out)",),
       lambda a: np.sqrt(a), _elementwise(lambda out, a: 1 / (2 * out)), shapes.same, aliases=("√",),
       latex=r"\sqrt{{{0}}}", torch=("SqrtBackward0",), torch_forward=lambda a: T.sqrt(a),
       domain="sqrt needs operands >= 0"),
    Op("abs", 1, "absolute value", ("sign(a)",),
       lambda a: np.abs(a), _elementwise(lambda out, a: np.sign(a)), shapes.same,
       latex=r"\operatorname{abs}", torch=("AbsBackward0",), torch_forward=lambda a: T.abs(a)),
    Op("softplus", 1, "smooth rectifier log(1 + exp(a))", ("sigmoid(a)",),
       _softplus, _elementwise(lambda out, a: _sigmoid(a)), shapes.same,
       latex=r"\operatorname{softplus}", torch=("SoftplusBackward0",), torch_forward=lambda a: T.nn.functional.softplus(a)),
    Op("sum", 1, "sum of all elements", ("1",),
       lambda a: np.sum(a), lambda g, out, a: (np.broadcast_to(g, a.shape).copy(),),
       shapes.reduce, aliases=("Σ",), latex=r"\operatorname{sum}", torch=("SumBackward0",), torch_forward=lambda a: a.sum()),
    Op("mean", 1, "mean of all elements", ("1 / size(a)",),
       lambda a: np.mean(a), lambda g, out, a: (np.broadcast_to(g / a.size, a.shape).copy(),),
       shapes.reduce, latex=r"\operatorname{mean}", torch=("MeanBackward0",), torch_forward=lambda a: a.mean()),
    Op("max", 2, "elementwise maximum (a tie splits the gradient)",
       ("(1 + sign(a - b)) / 2", "(1 - sign(a - b)) / 2"),
       lambda a, b: np.maximum(a, b), lambda g, out, a, b: _tie_vjp(g, a, b, 1.0),
       shapes.broadcast, aliases=("maximum",), latex=r"\max",
       torch=("MaximumBackward0",), torch_forward=lambda a, b: T.maximum(a, b)),
    Op("min", 2, "elementwise minimum (a tie splits the gradient)",
       ("(1 - sign(a - b)) / 2", "(1 + sign(a - b)) / 2"),
       lambda a, b: np.minimum(a, b), lambda g, out, a, b: _tie_vjp(g, a, b, -1.0),
       shapes.broadcast, aliases=("minimum",), latex=r"\min",
       torch=("MinimumBackward0",), torch_forward=lambda a, b: T.minimum(a, b)),
    Op("outer", 2, "outer product of two vectors", ("b", "a"),
       lambda a, b: np.multiply.outer(a, b),
       lambda g, out, a, b: (g @ b, a @ g), shapes.outer,
       latex=r"\operatorname{outer}", combine=("matmul_left", "matmul_right"),
       torch=("MulBackward0", "ViewBackward0", "OuterBackward0"),
       torch_forward=lambda a, b: T.outer(a, b)),
    Op("ones", 1, "a tensor of ones shaped like a", ("0",),
       lambda a: np.ones_like(a), lambda g, out, a: (np.zeros_like(a),), shapes.same,
       latex=r"\mathbf{1}", differentiable=False, torch_forward=lambda a: T.ones_like(a)),
    Op("id", 1, "the same value under another name (b = a)", ("1",),
       lambda a: a, lambda g, out, a: (g,), shapes.same, style="copy"),
    # Helpers that derivatives are written with; they have zero derivative almost everywhere.
    Op("step", 1, "Heaviside step: 1 where a > 0, else 0", ("0",),
       lambda a: (a > 0).astype(float), lambda g, out, a: (np.zeros_like(a),), shapes.same,
       latex=r"\operatorname{step}", differentiable=False, torch_forward=lambda a: (a > 0).to(a.dtype)),
    Op("sign", 1, "sign: -1, 0 or 1", ("0",),
       lambda a: np.sign(a), lambda g, out, a: (np.zeros_like(a),), shapes.same,
       latex=r"\operatorname{sign}", torch=("SignBackward0",), differentiable=False, torch_forward=lambda a: T.sign(a)),
    Op("size", 1, "number of elements of a", ("0",),
       lambda a: np.asarray(float(np.size(a))), lambda g, out, a: (np.zeros_like(a),),
       shapes.reduce, latex=r"\operatorname{size}", differentiable=False,
       shape_value=lambda shape: float(math.prod(shape)), torch_forward=lambda a: T.tensor(float(a.numel()), dtype=a.dtype)),
)

# The whole table, family by family; a name claimed by two rows (max, min) belongs to the
# first in FUNCTIONS and is told apart by its number of arguments (`call`).
ROWS: tuple[Op, ...] = (FIRST_ROWS + elementwise.ROWS + reductions.ROWS + softmax.ROWS
                         + losses.ROWS + class_index.ROWS)

OPS: dict[str, Op] = {row.name: row for row in ROWS}
FUNCTIONS: dict[str, Op] = {}
CALLS: dict[tuple[str, int], Op] = {}       # (name or alias, number of arguments) -> row
for _row in ROWS:
    # a row written under another row's name (cross_entropy of class indices) is chosen
    # from shapes (core/class_targets.py), not called by its own
    if _row.style == "call" and _row.plain in ("", _row.name):
        for _alias in (_row.name, *_row.aliases):
            FUNCTIONS.setdefault(_alias, _row)
            CALLS.setdefault((_alias, _row.arity), _row)


def call(row: Op, argc: int) -> Op:
    """The row a call `name(…)` with `argc` arguments means, where `row` is FUNCTIONS[name]:
    `max(z)` is the reduction amax, `max(a, b)` the elementwise maximum. Any other count
    gives `row` back, for the caller's error about the number of arguments."""
    for alias in (row.name, *row.aliases):
        found = CALLS.get((alias, argc))
        if found is not None and found.arity == argc:
            return found
    return row


def function_names() -> list[str]:
    """Every name a function can be called by."""
    return sorted(FUNCTIONS)


def sample_sum(index: str) -> Op:
    """The row of Σ_n, the sum over the samples n of a plate (made on first use, one per index).

    Values in a plate carry a leading axis of samples (evaluate.py computes each op once per
    sample); Σ_n sums that axis away. Its local derivative is 1: each sample's term gets the
    adjoint of the sum.
    """
    name = f"sum_{index}"
    row = OPS.get(name)
    if row is None:
        row = OPS[name] = Op(
            name, 1, f"sum over the samples {index} = 1…N", ("1",),
            lambda a: np.sum(a, axis=0),
            lambda g, out, a: (np.broadcast_to(g, np.shape(a)).copy(),), shapes.same,
            style="prefix", plain=f"sum_{index} ", pretty=f"Σ_{index} ",
            html=f"Σ<sub>{index}</sub> ", latex=rf"\sum_{{{index}}} ", prec=SUM,
            torch=("SumBackward1",), torch_forward=lambda a: a.sum(0),
            extra={"plate": index})
    return row
