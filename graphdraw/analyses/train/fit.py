"""One training run as an object (the Python API's `Graph.train`), not as a printed report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphdraw.analyses.train.optimizers import DEFAULT_LR, DEFAULT_STEPS, MOMENTUM, train
from graphdraw.analyses.train.predictions import Prediction, learned, predictions
from graphdraw.analyses.train.setup import Setup


@dataclass
class Trained:
    """The trained parameters, the loss before each step and after the last, the prediction
    for each sample, whether a 0/1 task is learned (None when the targets are not 0 and 1),
    and the whole history of the run."""

    params: dict[str, Any]
    loss: list[float]
    predictions: list[Prediction]
    learned: bool | None
    history: Any = field(repr=False, default=None)


def fit(setup: Setup, *, optimizer: str = "gd", lr: float | None = None,
        steps: int | None = None, momentum: float = MOMENTUM,
        damping: float | None = None) -> Trained:
    """Train a prepared run with the command's defaults (`graphdraw train`)."""
    theta, history = train(setup.objective, setup.theta, optimizer=optimizer,
                           lr=DEFAULT_LR[optimizer] if lr is None else lr,
                           steps=DEFAULT_STEPS if steps is None else steps,
                           momentum=momentum, damping=damping)
    rows = predictions(setup.objective, theta, setup.node, setup.target)
    return Trained(theta, history.loss, rows, learned(rows), history)
