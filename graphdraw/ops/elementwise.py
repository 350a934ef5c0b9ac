"""Elementwise rows beyond the first ones: the activations of current networks and the
functions of textbooks (leaky_relu, elu, erf, gelu, silu, sin, cos, log1p, expm1).

Every forward and VJP is stable for large |a| (no overflow), and where a function has a
kink its derivative there is torch's: leaky_relu'(0) = 0.01 and elu'(0) = 1.
"""

from __future__ import annotations

import math

from graphdraw.lazy import np
from graphdraw.ops import shapes
from graphdraw.ops.row import T, Op, elementwise, sigmoid

SLOPE = 0.01                        # leaky_relu's negative slope, torch's default
SQRT1_2 = 0.7071067811865476        # 1/√2
INV_SQRT_2PI = 0.3989422804014327   # 1/√(2π), the normal density at 0
TWO_SQRT_PI = 1.1283791670955126    # 2/√π, erf'(0)

def erf(a):
    """The error function, entry by entry (math.erf, as exact as the C library's)."""
    a = np.asarray(a, dtype=float)
    return np.fromiter(map(math.erf, a.ravel()), dtype=float, count=a.size).reshape(a.shape)


def _leaky_relu(a):
    return np.where(a > 0, a, SLOPE * a)


def _elu(a):
    # expm1 of a non-positive number never overflows
    return np.where(a > 0, a, np.expm1(np.minimum(a, 0.0)))


def _gelu(a):
    # torch's exact (erf) form, computed as torch computes it
    return a * 0.5 * (1.0 + erf(a * SQRT1_2))


def _gelu_derivative(out, a):
    return 0.5 * (1.0 + erf(a * SQRT1_2)) + a * np.exp(-0.5 * a * a) * INV_SQRT_2PI


def _silu_derivative(out, a):
    s = sigmoid(a)
    return s * (1.0 + a * (1.0 - s))


def _elu_derivative(out, a):
    return np.where(a > 0, 1.0, out + 1.0)


def _sympy_elu(sp, a):
    return sp.Piecewise((a, a > 0), (sp.exp(a) - 1, True))


def _sympy_gelu(sp, a):
    return a * (1 + sp.erf(a / sp.sqrt(2))) / 2


ROWS: tuple[Op, ...] = (
    Op("leaky_relu", 1, f"leaky rectifier: a where a > 0, else {SLOPE} a (torch's slope)",
       (f"step(a) + {SLOPE} * (1 - step(a))",),
       _leaky_relu, elementwise(lambda out, a: np.where(a > 0, 1.0, SLOPE)), shapes.same,
       aliases=("LeakyReLU", "leaky_ReLU", "lrelu"), latex=r"\operatorname{LeakyReLU}",
       torch=("LeakyReluBackward0",), torch_forward=lambda a: T.nn.functional.leaky_relu(a),
       sympy=lambda sp, a: sp.Piecewise((a, a > 0), (sp.Rational(1, 100) * a, True))),
    Op("elu", 1, "exponential linear unit: a where a > 0, else exp(a) − 1 (alpha 1)",
       ("step(a) + (1 - step(a)) * (out + 1)",),
       _elu, elementwise(_elu_derivative), shapes.same,
       aliases=("ELU",), latex=r"\operatorname{ELU}",
       torch=("EluBackward0",), torch_forward=lambda a: T.nn.functional.elu(a),
       sympy=_sympy_elu),
    Op("erf", 1, "error function 2/√π ∫₀ᵃ exp(−t²) dt", (f"{TWO_SQRT_PI} * exp(-a^2)",),
       erf, elementwise(lambda out, a: TWO_SQRT_PI * np.exp(-a * a)), shapes.same,
       latex=r"\operatorname{erf}", torch=("ErfBackward0",), torch_forward=lambda a: T.erf(a),
       sympy=lambda sp, a: sp.erf(a)),
    Op("gelu", 1, "Gaussian error linear unit a Φ(a), exact (erf) form as torch's default",
       (f"(1 + erf({SQRT1_2} * a)) / 2 + {INV_SQRT_2PI} * a * exp(-a^2 / 2)",),
       _gelu, elementwise(_gelu_derivative), shapes.same,
       aliases=("GELU",), latex=r"\operatorname{GELU}",
       torch=("GeluBackward0",), torch_forward=lambda a: T.nn.functional.gelu(a),
       sympy=_sympy_gelu),
    Op("silu", 1, "sigmoid linear unit a σ(a) (swish)", ("sigmoid(a) * (1 + a * (1 - sigmoid(a)))",),
       lambda a: a * sigmoid(a), elementwise(_silu_derivative), shapes.same,
       aliases=("swish", "SiLU", "Swish"), latex=r"\operatorname{SiLU}",
       torch=("SiluBackward0",), torch_forward=lambda a: T.nn.functional.silu(a),
       sympy=lambda sp, a: a / (1 + sp.exp(-a))),
    Op("sin", 1, "sine", ("cos(a)",),
       lambda a: np.sin(a), elementwise(lambda out, a: np.cos(a)), shapes.same, latex=r"\sin",
       torch=("SinBackward0",), torch_forward=lambda a: T.sin(a), sympy=lambda sp, a: sp.sin(a)),
    Op("cos", 1, "cosine", ("-sin(a)",),
       lambda a: np.cos(a), elementwise(lambda out, a: -np.sin(a)), shapes.same, latex=r"\cos",
       torch=("CosBackward0",), torch_forward=lambda a: T.cos(a), sympy=lambda sp, a: sp.cos(a)),
    Op("log1p", 1, "log(1 + a), exact for small a", ("1 / (1 + a)",),
       lambda a: np.log1p(a), elementwise(lambda out, a: 1 / (1 + a)), shapes.same,
       latex=r"\log\left(1 + {0}\right)",
       torch=("Log1PBackward0",), torch_forward=lambda a: T.log1p(a),
       domain="log1p needs operands > -1", sympy=lambda sp, a: sp.log(1 + a)),
    Op("expm1", 1, "exp(a) − 1, exact for small a", ("out + 1",),
       lambda a: np.expm1(a), elementwise(lambda out, a: out + 1), shapes.same,
       latex=r"\left(e^{{{0}}} - 1\right)",
       torch=("Expm1Backward0",), torch_forward=lambda a: T.expm1(a),
       domain="expm1 overflows beyond about 709", sympy=lambda sp, a: sp.exp(a) - 1),
)
