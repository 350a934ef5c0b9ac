"""One row of the op table (`Op`), and what every family of rows shares.

The rows themselves are in table.py (the first ops), elementwise.py, reductions.py and
losses.py; table.py assembles them into `ROWS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from graphdraw.lazy import LazyModule, np

T = LazyModule("torch")      # used only by `graphdraw check` and the tests

# How a local derivative D combines with the adjoint ḡ of the result (see README, "Edges"):
#   elementwise   ∂L/∂operand = ḡ ⊙ D, summed over broadcast axes
#   matmul_left   ∂L/∂A = ḡ D        (for A @ B; D is Bᵀ)
#   matmul_right  ∂L/∂B = Dᵀ ḡ       (for A @ B; D is A)
#   transpose     ∂L/∂A = (ḡ ⊙ D)ᵀ
#   softmax       ∂L/∂a = D ⊙ (ḡ − ⟨ḡ, D⟩)   (D is the result s; ⟨·,·⟩ over the last axis)
#   log_softmax   ∂L/∂a = ḡ − D ⟨ḡ, 1⟩        (D is the softmax s; ⟨·,·⟩ over the last axis)
COMBINES = ("elementwise", "matmul_left", "matmul_right", "transpose", "softmax", "log_softmax")

# Printing precedence, loosest first; ATOM binds tightest (names, numbers, calls).
ADD, MUL, NEG, POW, POSTFIX, ATOM = 1, 2, 3, 4, 5, 6
SUM = 1.5      # Σ_n TERM: looser than a product, tighter than + and − (as in mathematics)


def unbroadcast(g, shape: tuple[int, ...]):
    """Sum a gradient over the axes that broadcasting added or stretched."""
    g = np.asarray(g, dtype=float)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return np.broadcast_to(g, shape).copy() if g.shape != shape else g


def elementwise(d: Callable) -> Callable:
    """A unary VJP from the derivative d(out, a): ḡ ⊙ d."""
    return lambda g, out, a: (g * d(out, a),)


@dataclass(frozen=True)
class Op:
    """One row of the op table."""

    name: str
    arity: int
    doc: str
    derivs: tuple[str, ...]
    forward: Callable
    vjp: Callable
    shape: Callable
    aliases: tuple[str, ...] = ()
    style: str = "call"                 # call | infix | prefix | postfix | copy
    plain: str = ""                     # symbol in the language (infix/prefix/postfix)
    pretty: str = ""                    # symbol for terminals ("" = juxtaposition)
    html: str = ""                      # symbol for Graphviz HTML labels
    latex: str = ""                     # symbol or command for LaTeX
    prec: int = ATOM
    right_assoc: bool = False
    combine: tuple[str, ...] = ()
    torch: tuple[str, ...] = ()         # autograd node names this op may appear as
    torch_forward: Callable | None = None   # the same op on torch tensors (None: as forward)
    shape_value: Callable | None = None     # value known from the operand's shape alone
    domain: str = ""                    # why a NaN or infinity can appear, for messages
    differentiable: bool = True
    sympy: Callable | None = None       # (sympy, *operands) -> the function in sympy (taylor)
    extra: dict = field(default_factory=dict)

    def combines(self) -> tuple[str, ...]:
        """The combine rule of each operand's local derivative."""
        return self.combine or ("elementwise",) * self.arity

    @property
    def symbol_pretty(self) -> str:
        return self.pretty if self.pretty or self.style != "call" else self.name


def sigmoid(a):
    # exp of a non-positive number never overflows: stable for any a
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0, e) / (1.0 + e)
