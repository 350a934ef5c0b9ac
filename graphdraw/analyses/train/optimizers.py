"""The optimizers of `graphdraw train` (gd, momentum, newton, sfn) and the history they log.

Each step logs the first-order Taylor prediction of the change in loss, g·Δθ (−ε‖g‖² for
gradient descent), beside the actual change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from graphdraw.analyses.train.objective import Objective, TrainingError
from graphdraw.lazy import np
from graphdraw.numeric import evaluate

OPTIMIZERS = ("gd", "momentum", "newton", "sfn")
OPTIMIZER_NAMES = {"gd": "gradient descent", "momentum": "momentum",
                   "newton": "Newton", "sfn": "saddle-free Newton"}
# Step sizes that learn XOR with the built-in network (loss summed over the 4 samples).
DEFAULT_LR = {"gd": 2.0, "momentum": 0.5, "newton": 1.0, "sfn": 1.0}
DEFAULT_STEPS = 5000
MOMENTUM = 0.9
DAMPING = 1e-2        # newton and sfn: λ added to H (|H|); learns XOR in 200 sfn steps
# Divergence is looked for in the first DIVERGE_STEPS steps: a loss that is not finite, or
# one that rose by more than DIVERGE_GROWTH times its starting size. The step size then
# suggested is the largest of ε/10, ε/100, … (at most SUGGEST_TRIES) whose first
# DIVERGE_STEPS steps from the same start do not diverge.
DIVERGE_STEPS = 20
DIVERGE_GROWTH = 1e3
ROSE = 1e-9         # a whole run that ends with a loss above its start (relative): diverged
SUGGEST_TRIES = 8


class Diverged(TrainingError):
    """Training diverged in its first steps; `suggested` is a step size that does not."""

    # Defaults, so that a worker process of a sweep can send it back (pickle rebuilds an
    # exception from its message, then restores hint, lr, step and suggested).
    def __init__(self, message: str, *, hint: str | None = None, lr: float = 0.0,
                 step: int = 0, suggested: float | None = None) -> None:
        super().__init__(message, hint=hint)
        self.lr, self.step, self.suggested = lr, step, suggested


@dataclass
class History:
    """What happened at each step: the loss before each step and after the last (steps + 1
    numbers); each step's first-order prediction g·Δθ of the change in loss and the actual
    change; the gradient's norm; every step's parameters when asked for (tests)."""

    loss: list[float] = field(default_factory=list)
    predicted: list[float] = field(default_factory=list)
    actual: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    params: list[dict] = field(default_factory=list)
    tracked: list = field(default_factory=list)    # Objective.track's values at each point
    hessian: list = field(default_factory=list)    # (step, loss, index of the Hessian)


def flatten(arrays: dict, index: list) -> "np.ndarray":
    """Parameters or gradients as one vector, in the order of a Hessian's `index`
    (a list of (leaf, entry) pairs; the entry is a tuple, or () for a scalar)."""
    return np.array([float(np.asarray(arrays[leaf])[tuple(entry)]) for leaf, entry in index])


def unflatten(vector, index: list, like: dict) -> dict:
    """A vector in the order of `index` as arrays shaped like `like`."""
    out = {leaf: np.zeros_like(np.asarray(value, dtype=float)) for leaf, value in like.items()}
    for number, (leaf, entry) in zip(vector, index):
        out[leaf][tuple(entry)] = number
    return out


def train(objective: Objective, theta: dict, *, optimizer: str = "gd", lr: float = 1.0,
          steps: int = DEFAULT_STEPS, momentum: float = MOMENTUM, damping: float | None = None,
          on_step: Callable[[int], None] | None = None,
          record: bool = False, hessian_every: int = 0) -> tuple[dict, History]:
    """Run `steps` steps from `theta`; the final parameters and the history.

    gd: θ ← θ − ε g.  momentum (as torch.optim.SGD): v ← μ v + g, θ ← θ − ε v.
    newton: θ ← θ − ε H⁻¹g; sfn (saddle-free Newton): θ ← θ − ε |H|⁻¹g, both from
    graphdraw.numeric.hessian.newton_direction with the given damping.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}")
    settings = dict(optimizer=optimizer, lr=lr, momentum=momentum, damping=damping)
    try:
        # Every non-finite number is found and reported below: none reaches numpy's warnings.
        with np.errstate(all="ignore"):
            return _steps(objective, theta, steps, settings, on_step, record, hessian_every)
    except _Diverging as exc:
        raise _diverged(objective, theta, settings, exc) from None


class _Diverging(Exception):
    """Raised inside the steps: the loss exploded at `step` (None: not finite)."""

    def __init__(self, step: int, start: float, loss: float | None, why: str = "") -> None:
        super().__init__(step)
        self.step, self.start, self.loss, self.why = step, start, loss, why


def _steps(objective: Objective, theta: dict, steps: int, settings: dict,
           on_step: Callable[[int], None] | None, record: bool,
           hessian_every: int) -> tuple[dict, History]:
    """The loop of `train`, raising _Diverging when the first steps explode."""
    optimizer, lr = settings["optimizer"], settings["lr"]
    momentum, damping = settings["momentum"], settings["damping"]
    theta = {p: np.array(v, dtype=float) for p, v in theta.items()}
    history = History()
    velocity = {p: np.zeros_like(v) for p, v in theta.items()}
    loss, grads = _evaluate(objective, theta, 0)
    _log_point(history, objective, theta, 0, loss, record, hessian_every > 0)
    for step in range(1, steps + 1):
        if optimizer == "gd":
            delta = {p: -lr * grads[p] for p in theta}
        elif optimizer == "momentum":
            for p in theta:
                velocity[p] = momentum * velocity[p] + grads[p]
            delta = {p: -lr * velocity[p] for p in theta}
        else:
            delta = _newton_step(objective, theta, grads, lr, damping, optimizer == "sfn",
                                 step)
        with np.errstate(all="ignore"):
            history.predicted.append(float(sum(np.sum(grads[p] * delta[p]) for p in theta)))
            history.grad_norm.append(_norm(grads))
            theta = {p: theta[p] + delta[p] for p in theta}
        if not math.isfinite(history.predicted[-1]) or not all(
                np.all(np.isfinite(v)) for v in theta.values()):
            why = (f"the step is past the range of 64-bit floats (‖g‖ = "
                   f"{history.grad_norm[-1]:.4g}, step size {lr:g})")
            if step <= DIVERGE_STEPS:
                raise _Diverging(step, history.loss[0], None, why)
            raise TrainingError(f"training stopped at step {step}: {why}",
                                hint="try a smaller --lr")
        new_loss, grads = _evaluate(objective, theta, step,
                                    start=history.loss[0] if step <= DIVERGE_STEPS else None)
        history.actual.append(new_loss - loss)
        loss = new_loss
        hessian = hessian_every and (step % hessian_every == 0 or step == steps)
        _log_point(history, objective, theta, step, loss, record, bool(hessian))
        if on_step is not None:
            on_step(step)
    if optimizer in ("gd", "momentum") and steps > DIVERGE_STEPS and \
            history.loss[-1] > history.loss[0] + ROSE * abs(history.loss[0]):
        # Slower than the first steps show, but the run ended above where it began (Newton's
        # steps may climb on purpose: to a saddle, as `graphdraw saddle` shows).
        raise _Diverging(steps, history.loss[0], history.loss[-1])
    return theta, history


def _norm(grads: dict) -> float:
    """‖g‖ over every parameter, without overflow for entries past 1e154."""
    big = max((float(np.max(np.abs(g))) for g in grads.values() if np.size(g)), default=0.0)
    if big == 0 or not math.isfinite(big):
        return big
    return big * math.sqrt(float(sum(np.sum((g / big) ** 2) for g in grads.values())))


def _log_point(history: History, objective: Objective, theta: dict, step: int, loss: float,
               record: bool, hessian: bool) -> None:
    """Log the loss (and what else is asked for) at the point reached after `step` steps."""
    history.loss.append(loss)
    history.tracked.append(objective.tracked)
    if record:
        history.params.append({p: v.copy() for p, v in theta.items()})
    if hessian:
        _track_hessian(objective, theta, step, loss, history)


def _track_hessian(objective: Objective, theta: dict, step: int, loss: float,
                   history: History) -> None:
    """Record the index of the Hessian (the fraction of negative eigenvalues) at this point."""
    from graphdraw.numeric.hessian import index
    h, _ = objective.hessian(theta)
    history.hessian.append((step, loss, index(h)))


def _evaluate(objective: Objective, theta: dict, step: int,
              start: float | None = None) -> tuple[float, dict]:
    """Loss and gradients at `theta`; with `start` (the first steps) divergence raises
    _Diverging."""
    try:
        loss, grads = objective(theta)
    except evaluate.NumericError as exc:
        if start is not None:
            raise _Diverging(step, start, None, exc.message) from None
        where = "at the starting point" if step == 0 else f"after step {step}"
        raise TrainingError(f"training stopped {where}: {exc.message}",
                            hint="try a smaller --lr" if step else exc.hint) from None
    bad = next((p for p, g in grads.items() if not np.all(np.isfinite(g))), None)
    if bad is not None:
        where = "at the starting point" if step == 0 else f"after step {step}"
        why = f"the gradient ∂L/∂{bad} is not finite {where} (L = {loss:.4g})"
        if start is not None and step > 0:
            raise _Diverging(step, start, None, why)
        raise TrainingError(f"training stopped: {why}", hint="try a smaller --lr" if step
                            else "start from other values (--seed, --set, --init-scale)")
    if start is not None and (not math.isfinite(loss) or
                              loss - start > DIVERGE_GROWTH * max(abs(start), 1e-300)):
        raise _Diverging(step, start, loss if math.isfinite(loss) else None)
    if not math.isfinite(loss):
        raise TrainingError(f"the loss is not finite after step {step}",
                            hint="try a smaller --lr")
    return loss, grads


def _diverged(objective: Objective, theta: dict, settings: dict, exc: _Diverging) -> Diverged:
    """The error for a divergence, naming the largest ε/10ᵏ whose first steps do not
    diverge."""
    lr = settings["lr"]
    suggested = None
    for k in range(1, SUGGEST_TRIES + 1):
        trial = lr / 10 ** k
        try:
            with np.errstate(all="ignore"):
                _steps(objective, theta, DIVERGE_STEPS, {**settings, "lr": trial}, None,
                       False, 0)
        except (_Diverging, TrainingError):
            continue
        suggested = float(f"{trial:.3g}")
        break
    steps = f"{exc.step} step{'s' if exc.step != 1 else ''}"
    if exc.loss is not None:
        grew = f"the loss grew from {exc.start:.4g} to {exc.loss:.4g} in {steps}"
    else:
        grew = f"after {steps}, {exc.why or 'the loss is no longer finite'}"
    message = f"training diverges at --lr {lr:g}: {grew}"
    if suggested is not None:
        hint = (f"try --lr {suggested:g}, the largest of --lr/10, --lr/100, … whose first "
                f"{DIVERGE_STEPS} steps do not diverge")
    else:
        hint = (f"no step size down to --lr {lr / 10 ** SUGGEST_TRIES:g} keeps the first "
                f"{DIVERGE_STEPS} steps from diverging: look at the model's scale and the "
                "data (--reduce mean averages the samples)")
    return Diverged(message, hint=hint, lr=lr, step=exc.step, suggested=suggested)


def _newton_step(objective: Objective, theta: dict, grads: dict, lr: float,
                 damping: float | None, absolute: bool, step: int) -> dict:
    try:
        from graphdraw.numeric import hessian as hessian_mod
    except ImportError:
        raise TrainingError("--optimizer newton and sfn need graphdraw.numeric.hessian, which this "
                            "installation does not have") from None
    h, index = objective.hessian(theta)
    g = flatten(grads, index)
    if not (np.all(np.isfinite(h)) and np.all(np.isfinite(g))):
        raise TrainingError(f"the Hessian or the gradient has NaN or infinite entries at step "
                            f"{step}: the model is not twice differentiable there (‖w‖ at "
                            "w = 0, a kink)", hint="start from other values (--seed, --set)")
    more = ("add --damping, e.g. --damping 1e-3" if damping is None
            else f"raise --damping (now {damping:g})")
    try:
        direction = hessian_mod.newton_direction(
            h, g, absolute=absolute, damping=DAMPING if damping is None else damping)
    except np.linalg.LinAlgError:
        raise TrainingError(f"the Hessian is singular at step {step}; Newton's step does not "
                            "exist there", hint=more) from None
    direction = np.asarray(direction, dtype=float)
    if not np.all(np.isfinite(direction)):
        raise TrainingError(f"Newton's step is not finite at step {step}", hint=more)
    return unflatten(-lr * direction, index, theta)

