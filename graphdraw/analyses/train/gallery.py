"""The gallery's hooks: the README's pictures of `graphdraw train` on the XOR network (seed 0,
default settings), drawn as the command draws them, for `make diagrams` and its freshness
test."""

from __future__ import annotations

import os

from graphdraw.analyses.train import plots, report
from graphdraw.analyses.train.optimizers import (DEFAULT_LR, DEFAULT_STEPS, MOMENTUM, History,
                                                 train)
from graphdraw.analyses.train.predictions import solved_at
from graphdraw.analyses.train.setup import Setup, prepare, targets_of
from graphdraw.analyses.train.sweep import sweep

GALLERY_SWEEP = (2, 3, 4, 8)
_GALLERY_RUN: dict = {}


def _gallery_run() -> tuple[Setup, dict, History]:
    """`graphdraw train` with its defaults, once per process."""
    if "run" not in _GALLERY_RUN:
        from graphdraw.language import examples
        setup = prepare(examples.text("xor"), "<example xor>")
        setup.objective.track = setup.node
        theta, history = train(setup.objective, setup.theta, lr=DEFAULT_LR["gd"],
                               steps=DEFAULT_STEPS)
        _GALLERY_RUN["run"] = (setup, theta, history)
    return _GALLERY_RUN["run"]


def gallery_sources() -> dict:
    """diagrams/ file name -> its DOT source: the trained XOR network, as
    `graphdraw train --diagram xor-trained.dot` draws it."""
    def trained() -> str:
        setup, theta, _ = _gallery_run()
        return report.diagram_dot(setup, theta,
                                  f"xor (H = 2) after {DEFAULT_STEPS} steps of gradient "
                                  f"descent (ε = {DEFAULT_LR['gd']:g})")
    return {"xor-trained.dot": trained}


def gallery_pictures() -> dict:
    """diagrams/ file name -> a function drawing it: the README's pictures of `graphdraw
    train` on the XOR network, seed 0, default settings. The same as

        graphdraw train --plot xor-loss.svg --plot-taylor xor-taylor.svg
        graphdraw train --sweep-hidden 2,3,4,8 --seeds 20 --plot xor-sweep.svg
    """
    from graphdraw.language import examples

    def run_once():
        setup, _, history = _gallery_run()
        return setup, history

    title = f"xor (H = 2): gradient descent, ε = {DEFAULT_LR['gd']:g}, on the four XOR samples"

    def loss() -> bytes:
        setup, history = run_once()
        return plots.draw_loss(history, "svg", title,
                               solved_at=solved_at(history, targets_of(setup)),
                               ylabel=report.loss_label(setup, "sum"))

    def taylor() -> bytes:
        _, history = run_once()
        return plots.draw_taylor(history, "svg", title)

    def sweep_picture() -> bytes:
        rows = sweep(examples.text("xor"), "<example xor>", list(GALLERY_SWEEP),
                     list(range(20)), jobs=min(os.cpu_count() or 1, 4), dims={},
                     data_path=None, given={}, init_scale=1.0, reduce="sum", predict=None,
                     optimizer="gd", lr=DEFAULT_LR["gd"], steps=2000, momentum=MOMENTUM,
                     damping=None)
        return plots.draw_sweep(rows, "svg", f"xor: gradient descent, ε = "
                                             f"{DEFAULT_LR['gd']:g}, 2000 steps, 20 seeds "
                                             "per size")

    return {"xor-loss.svg": loss, "xor-taylor.svg": taylor, "xor-sweep.svg": sweep_picture}
