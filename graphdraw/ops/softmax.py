"""softmax and log_softmax over the last axis (a vector, or each row of a matrix, as torch's
dim=-1): the rows whose local derivative is a Jacobian, not an elementwise factor.

Both keep D = the softmax s of the operand (D = out for softmax, exp(out) for log_softmax)
and say how D meets the adjoint ḡ with a combine rule of their own (row.COMBINES):

    softmax       ∂L/∂a = D ⊙ (ḡ − ⟨ḡ, D⟩)       the Jacobian diag(s) − s sᵀ, applied to ḡ
    log_softmax   ∂L/∂a = ḡ − D ⟨ḡ, 1⟩           the Jacobian I − 1 sᵀ, transposed, applied to ḡ

where ⟨·,·⟩ sums over the last axis only (row by row for a matrix, as a batch of
independent softmaxes: attention's softmax(Q Kᵀ / √d) V). A batch may also be a plate:
softmax(z_n) per sample.
"""

from __future__ import annotations

from graphdraw.lazy import np
from graphdraw.ops import shapes
from graphdraw.ops.row import T, Op


def softmax(a):
    """exp(a) / Σ exp(a) along the last axis, shifted by the row's largest entry so nothing
    overflows."""
    a = np.asarray(a, dtype=float)
    e = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def row_sum(x):
    """Σ over the last axis, kept as an axis of 1 so it broadcasts back over the row."""
    return np.sum(x, axis=-1, keepdims=True)


def log_softmax(a):
    """a − logsumexp(a) along the last axis, without overflow."""
    a = np.asarray(a, dtype=float)
    m = np.max(a, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return a - m - np.log(row_sum(np.exp(a - m)))


def softmax_vjp(g, d):
    """The combine rule 'softmax': D ⊙ (ḡ − ⟨ḡ, D⟩)."""
    return d * (g - row_sum(g * d))


def log_softmax_vjp(g, d):
    """The combine rule 'log_softmax': ḡ − D ⟨ḡ, 1⟩."""
    return g - d * row_sum(g)


ROWS: tuple[Op, ...] = (
    Op("softmax", 1, "softmax exp(a) / Σ exp(a) over the last axis: a vector, each row of a "
       "matrix (a Jacobian: combine 'softmax')",
       ("out",),
       softmax, lambda g, out, a: (softmax_vjp(g, out),), shapes.last_axis,
       aliases=("Softmax",), latex=r"\operatorname{softmax}", combine=("softmax",),
       torch=("SoftmaxBackward0",), torch_forward=lambda a: T.softmax(a, dim=-1)),
    Op("log_softmax", 1, "log softmax a − logsumexp(a) over the last axis (combine 'log_softmax')",
       ("exp(out)",),
       log_softmax,
       lambda g, out, a: (log_softmax_vjp(g, np.exp(out)),), shapes.last_axis,
       aliases=("LogSoftmax", "logsoftmax"), latex=r"\operatorname{logsoftmax}",
       combine=("log_softmax",),
       torch=("LogSoftmaxBackward0",), torch_forward=lambda a: T.log_softmax(a, dim=-1)),
)
