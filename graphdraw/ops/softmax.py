"""softmax and log_softmax over a vector: the rows whose local derivative is a Jacobian, not
an elementwise factor.

Both keep D = the softmax s of the operand (D = out for softmax, exp(out) for log_softmax)
and say how D meets the adjoint ḡ with a combine rule of their own (row.COMBINES):

    softmax       ∂L/∂a = D ⊙ (ḡ − ⟨ḡ, D⟩)       the Jacobian diag(s) − s sᵀ, applied to ḡ
    log_softmax   ∂L/∂a = ḡ − D ⟨ḡ, 1⟩           the Jacobian I − 1 sᵀ, transposed, applied to ḡ

One sample's scores are a vector; a batch is a plate: Σ_n cross_entropy(z_n, y_n), or
softmax(z_n) per sample.
"""

from __future__ import annotations

from graphdraw.lazy import np
from graphdraw.ops import shapes
from graphdraw.ops.reductions import logsumexp
from graphdraw.ops.row import T, Op


def softmax(a):
    """exp(a) / Σ exp(a), shifted by the largest entry so nothing overflows."""
    a = np.asarray(a, dtype=float)
    e = np.exp(a - np.max(a))
    return e / np.sum(e)


def softmax_vjp(g, d):
    """The combine rule 'softmax': D ⊙ (ḡ − ⟨ḡ, D⟩)."""
    return d * (g - np.sum(g * d))


def log_softmax_vjp(g, d):
    """The combine rule 'log_softmax': ḡ − D ⟨ḡ, 1⟩."""
    return g - d * np.sum(g)


ROWS: tuple[Op, ...] = (
    Op("softmax", 1, "softmax exp(a) / Σ exp(a) of a vector (a Jacobian: combine 'softmax')",
       ("out",),
       softmax, lambda g, out, a: (softmax_vjp(g, out),), shapes.vector,
       aliases=("Softmax",), latex=r"\operatorname{softmax}", combine=("softmax",),
       torch=("SoftmaxBackward0",), torch_forward=lambda a: T.softmax(a, dim=-1)),
    Op("log_softmax", 1, "log softmax a − logsumexp(a) of a vector (combine 'log_softmax')",
       ("exp(out)",),
       lambda a: np.asarray(a, dtype=float) - logsumexp(a),
       lambda g, out, a: (log_softmax_vjp(g, np.exp(out)),), shapes.vector,
       aliases=("LogSoftmax", "logsoftmax"), latex=r"\operatorname{logsoftmax}",
       combine=("log_softmax",),
       torch=("LogSoftmaxBackward0",), torch_forward=lambda a: T.log_softmax(a, dim=-1)),
)
