"""Losses of class indices: cross_entropy(z, c) and nll_loss(logp, c) where c holds the index
of each sample's class, as torch's `F.cross_entropy(z, c)` with an integer (long) target.

The user writes `cross_entropy(z, c)`; which row it is (one-hot or probability targets, in
losses.py, or class indices, here) follows torch's rule on shapes: a target with the shape of
the scores holds probabilities, a target with one axis less holds class indices (a number
for a vector of C scores; a vector of N for an N×C matrix of scores, one row a sample, and
the loss is the mean over the rows, torch's default reduction). language/targets.py chooses
the row once the shapes are known. Indices are 0-based, as torch counts; they take no
gradient (their derivative is 0 and they are never a parameter).
"""

from __future__ import annotations

from graphdraw.lazy import np
from graphdraw.ops import shapes
from graphdraw.ops.row import T, Op
from graphdraw.ops.softmax import log_softmax, softmax

DOMAIN = ("class indices are whole numbers from 0 to C − 1 (0-based, as torch counts) for C "
          "scores per sample")


def valid(c, classes: int):
    """Whether every entry of c is a class index among `classes` (a whole number 0 … C−1)."""
    c = np.asarray(c, dtype=float)
    return bool(np.all((c == np.floor(c)) & (c >= 0) & (c < classes)))


def one_hot(c, a):
    """The one-hot rows of the class indices c for the scores a (C = a's last axis): c's
    shape and one axis of C more; NaN where an index is not a class (a forward's domain)."""
    c = np.asarray(c, dtype=float)
    classes = np.shape(a)[-1]
    out = (c[..., None] == np.arange(classes)).astype(float)
    if not valid(c, classes):
        out = np.where(((c == np.floor(c)) & (c >= 0) & (c < classes))[..., None], out, np.nan)
    return out


def _count(c) -> int:
    """The number of samples: 1 for one index, N for a vector of N."""
    return max(int(np.size(c)), 1)


def _cross_entropy(z, c):
    return np.asarray(-np.sum(one_hot(c, z) * log_softmax(z)) / _count(c))


def _cross_entropy_vjp(g, out, z, c):
    return g * (softmax(z) - one_hot(c, z)) / _count(c), np.zeros(np.shape(c))


def _nll(logp, c):
    return np.asarray(-np.sum(one_hot(c, logp) * logp) / _count(c))


def _nll_vjp(g, out, logp, c):
    return -g * one_hot(c, logp) / _count(c), np.zeros(np.shape(c))


def _long(c):
    return c.long() if T.is_tensor(c) else T.tensor(int(c))


ROWS: tuple[Op, ...] = (
    Op("cross_entropy_index", 2, "cross-entropy −log softmax(a)[b] of class scores a (logits) "
       "and a class index b (0-based); a batch: N×C scores and N indices, the mean over rows",
       ("(softmax(a) - onehot(b, a)) / size(b)", "0"),
       _cross_entropy, _cross_entropy_vjp, shapes.class_indices,
       plain="cross_entropy", pretty="cross_entropy", latex=r"\operatorname{CE}",
       torch=("NllLossBackward0", "LogSoftmaxBackward0"),
       torch_forward=lambda z, c: T.nn.functional.cross_entropy(z, _long(c)),
       domain=DOMAIN, extra={"classes": (1, 0)}),
    Op("nll_loss_index", 2, "negative log-likelihood −a[b] of log-probabilities a and a class "
       "index b (0-based); a batch: N×C and N indices, the mean over rows",
       ("-onehot(b, a) / size(b)", "0"),
       _nll, _nll_vjp, shapes.class_indices,
       plain="nll_loss", pretty="nll_loss", latex=r"\operatorname{NLL}",
       torch=("NllLossBackward0",),
       torch_forward=lambda a, c: T.nn.functional.nll_loss(a, _long(c)),
       domain=DOMAIN, extra={"classes": (1, 0)}),
    Op("onehot", 2, "the one-hot rows of the class indices a for the scores b: a's shape and "
       "one axis of C (b's last axis) more", ("0", "0"),
       lambda c, a: one_hot(c, a), lambda g, out, c, a: (np.zeros(np.shape(c)),
                                                          np.zeros(np.shape(a))),
       shapes.one_hot, aliases=("one_hot",), latex=r"\operatorname{onehot}",
       differentiable=False,
       torch_forward=lambda c, a: T.nn.functional.one_hot(_long(c), a.shape[-1]).to(a.dtype),
       domain=DOMAIN, extra={"classes": (0, 1)}),
)
