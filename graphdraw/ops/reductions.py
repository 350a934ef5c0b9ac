"""Rows that reduce a whole tensor to a scalar with one operand: max and min over all entries
(the one-argument `max(z)`; `max(a, b)` stays elementwise), logsumexp and the Euclidean norm.

Ties of max and min share the gradient evenly, as torch's amax and amin do; the norm's
gradient at 0 is 0, as torch's.
"""

from __future__ import annotations

from graphdraw.lazy import np
from graphdraw.ops import shapes
from graphdraw.ops.row import T, Op


def _all_dims(a):
    return tuple(range(a.dim()))


def _extreme_vjp(g, out, a):
    """amax and amin: ḡ split evenly over the entries that reach the extreme."""
    hit = (a == out).astype(float)
    return (g * hit / hit.sum(),)


def logsumexp(a):
    """log Σ exp(a) over all entries, shifted by the largest entry so nothing overflows."""
    a = np.asarray(a, dtype=float)
    m = np.max(a)
    if not np.isfinite(m):
        return np.asarray(m)
    return np.asarray(m + np.log(np.sum(np.exp(a - m))))


def _norm(a):
    a = np.asarray(a, dtype=float)
    m = np.max(np.abs(a), initial=0.0)
    if m == 0 or not np.isfinite(m):
        return np.asarray(m)
    return np.asarray(m * np.sqrt(np.sum((a / m) ** 2)))     # scaled: no overflow


def _norm_vjp(g, out, a):
    if out == 0:
        return (np.zeros_like(a, dtype=float),)
    return (g * a / out,)


ROWS: tuple[Op, ...] = (
    Op("amax", 1, "largest entry of a tensor: max(z) with one argument (ties share ḡ evenly)",
       ("(1 - step(out - a)) / sum(1 - step(out - a))",),
       lambda a: np.asarray(np.max(a)), _extreme_vjp, shapes.reduce,
       aliases=("max",), pretty="max", latex=r"\max",
       torch=("AmaxBackward0",), torch_forward=lambda a: T.amax(a)),
    Op("amin", 1, "smallest entry of a tensor: min(z) with one argument (ties share ḡ evenly)",
       ("(1 - step(a - out)) / sum(1 - step(a - out))",),
       lambda a: np.asarray(np.min(a)), _extreme_vjp, shapes.reduce,
       aliases=("min",), pretty="min", latex=r"\min",
       torch=("AminBackward0",), torch_forward=lambda a: T.amin(a)),
    Op("logsumexp", 1, "log Σ exp(a) over all entries, computed without overflow",
       ("exp(a - out)",),
       logsumexp, lambda g, out, a: (g * np.exp(a - out),), shapes.reduce,
       aliases=("LogSumExp", "lse"), latex=r"\operatorname{logsumexp}",
       torch=("LogsumexpBackward0",),
       torch_forward=lambda a: T.logsumexp(a, dim=_all_dims(a))),
    Op("norm", 1, "Euclidean norm ‖a‖ over all entries (gradient 0 at 0, as torch)",
       ("a / out",),
       _norm, _norm_vjp, shapes.reduce,
       aliases=("l2_norm", "vector_norm", "norm2"), latex=r"\left\lVert {0}\right\rVert",
       torch=("LinalgVectorNormBackward0",), torch_forward=lambda a: T.linalg.vector_norm(a),
       domain="the norm's derivative a/‖a‖ needs a ≠ 0"),
)
