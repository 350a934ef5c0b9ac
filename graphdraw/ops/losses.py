"""Loss rows: cross-entropy of logits and negative log-likelihood of log-probabilities, with
one-hot (or probability) targets; mean squared error; binary cross-entropy of probabilities
and of logits.

Each takes (prediction, target) and gives a scalar, as torch's functional losses with their
default reduction ('mean' over the entries; cross_entropy is one sample's loss, a vector of
class scores: a batch is `1/N Σ_n cross_entropy(z_n, y_n)`). Every row differentiates the
target too, as torch does when the target requires a gradient.
"""

from __future__ import annotations

from graphdraw.lazy import np
from graphdraw.ops import shapes
from graphdraw.ops.reductions import logsumexp
from graphdraw.ops.row import T, Op, sigmoid

LOG_FLOOR = -100.0        # torch's binary_cross_entropy clamps each log at −100
GRAD_FLOOR = 1e-12        # … and the p (1 − p) its gradient divides by at 1e-12


def _cross_entropy(z, y):
    return np.asarray(-np.sum(y * (z - logsumexp(z))))


def _cross_entropy_vjp(g, out, z, y):
    log_p = z - logsumexp(z)
    return g * (np.sum(y) * np.exp(log_p) - y), g * -log_p


def _mse_vjp(g, out, a, b):
    d = 2 * (a - b) / np.size(a)
    return g * d, -g * d


def _bce(p, y):
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), LOG_FLOOR)
        log_q = np.maximum(np.log1p(-p), LOG_FLOOR)
    return np.asarray(-np.mean(y * log_p + (1 - y) * log_q))


def _bce_vjp(g, out, p, y):
    n = np.size(p)          # torch divides by max(p (1 − p), 1e-12): so does graphdraw
    return g * (p - y) / (np.maximum(p * (1 - p), GRAD_FLOOR) * n), \
        g * (np.log1p(-p) - np.log(p)) / n


def _bce_clamped(p, y):
    """The entries where torch's bce is clamped (its log at −100, its gradient's divisor at
    1e-12): there its gradient is not the derivative of the formula, so finite differences
    cannot check it (graphdraw check skips them and says so)."""
    p = np.asarray(p, dtype=float)
    return np.broadcast_to(p * (1 - p) < GRAD_FLOOR, np.broadcast_shapes(p.shape, np.shape(y)))


def _bce_logits(z, y):
    return np.asarray(np.mean(np.logaddexp(0.0, z) - y * z))


def _bce_logits_vjp(g, out, z, y):
    n = np.size(z)
    return g * (sigmoid(z) - y) / n, -g * z / n


ROWS: tuple[Op, ...] = (
    Op("cross_entropy", 2, "cross-entropy −Σ b ⊙ log softmax(a) of class scores a (logits) "
       "and one-hot or probability targets b",
       ("sum(b) * softmax(a) - b", "logsumexp(a) - a"),
       _cross_entropy, _cross_entropy_vjp, shapes.classes,
       aliases=("CrossEntropy", "CE", "cross_entropy_loss"), latex=r"\operatorname{CE}",
       torch=("LogSoftmaxBackward0", "MulBackward0", "SumBackward0", "NegBackward0",
              "DivBackward1"),
       torch_forward=lambda z, y: T.nn.functional.cross_entropy(z, y),
       extra={"simplex": (1,), "target": (1,)}),
    Op("nll_loss", 2, "negative log-likelihood −Σ b ⊙ a of log-probabilities a and one-hot "
       "(or probability) targets b; of probabilities p: nll_loss(log(p), y)",
       ("-b", "-a"),
       lambda a, b: np.asarray(-np.sum(a * b)), lambda g, out, a, b: (-g * b, -g * a),
       shapes.classes, aliases=("nll", "NLL", "NLLLoss"), latex=r"\operatorname{NLL}",
       torch=("MulBackward0", "SumBackward0", "NegBackward0"),
       torch_forward=lambda a, b: -(a * b).sum(), extra={"simplex": (1,), "target": (1,)}),
    Op("mse", 2, "mean squared error mean((a − b)²)",
       ("2 * (a - b) / size(a)", "-2 * (a - b) / size(a)"),
       lambda a, b: np.asarray(np.mean((a - b) ** 2)), _mse_vjp, shapes.same_pair,
       aliases=("mse_loss", "MSE"), latex=r"\operatorname{MSE}",
       torch=("MseLossBackward0",), torch_forward=lambda a, b: T.nn.functional.mse_loss(a, b),
       extra={"target": (1,)}),
    Op("bce", 2, "binary cross-entropy −mean(b log a + (1 − b) log(1 − a)) of probabilities a",
       ("(a - b) / (a * (1 - a) * size(a))", "(log(1 - a) - log(a)) / size(a)"),
       _bce, _bce_vjp, shapes.same_pair,
       aliases=("binary_cross_entropy", "BCE"), latex=r"\operatorname{BCE}",
       torch=("BinaryCrossEntropyBackward0",),
       torch_forward=lambda p, y: T.nn.functional.binary_cross_entropy(p, y),
       domain="bce needs probabilities 0 < a < 1 (for scores, use bce_with_logits)",
       extra={"clamped": _bce_clamped, "unit": (0, 1), "target": (1,)}),
    Op("bce_with_logits", 2, "binary cross-entropy of logits a: mean(softplus(a) − b a)",
       ("(sigmoid(a) - b) / size(a)", "-a / size(a)"),
       _bce_logits, _bce_logits_vjp, shapes.same_pair,
       aliases=("binary_cross_entropy_with_logits", "BCEWithLogits"),
       latex=r"\operatorname{BCEWithLogits}",
       torch=("BinaryCrossEntropyWithLogitsBackward0",),
       torch_forward=lambda z, y: T.nn.functional.binary_cross_entropy_with_logits(z, y),
       extra={"target": (1,)}),
)
