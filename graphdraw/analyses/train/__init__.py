"""`graphdraw train`: gradient descent and its relatives on graphdraw's own forward pass and
backprop (evaluate.forward/backward; no torch), over a data set of samples.

The objective is the model's output summed (or averaged) over the samples, batched when the
model allows it (objective); gd, momentum, newton and sfn step on it and log each step's
first-order Taylor prediction beside the actual change (optimizers). data reads the samples,
setup prepares one run, predictions compares the trained model with the targets, sweep trains
once per hidden size and seed in a pool of processes, plots draws the pictures (matplotlib),
report writes what the command prints, command is `graphdraw train` itself, and gallery
draws the README's pictures.

The functions `command.command` and `sweep.sweep` are not lifted to the package: their
names would hide the modules of the same name.
"""

from __future__ import annotations

from graphdraw.analyses.train.command import Options
from graphdraw.analyses.train.data import DataError, DataSet
from graphdraw.analyses.train.fit import Trained, fit
from graphdraw.analyses.train.gallery import GALLERY_SWEEP, gallery_pictures, gallery_sources
from graphdraw.analyses.train.objective import Objective, TrainingError
from graphdraw.analyses.train.optimizers import (DAMPING, DEFAULT_LR, DEFAULT_STEPS, MOMENTUM,
                                                 OPTIMIZER_NAMES, OPTIMIZERS, History, flatten,
                                                 train, unflatten)
from graphdraw.analyses.train.plots import (PLOT_FORMATS, draw_hessian, draw_loss, draw_sweep,
                                            draw_taylor, plot_format)
from graphdraw.analyses.train.predictions import (Prediction, binary, learned, prediction_node,
                                                  predictions, solved_at, target_leaf)
from graphdraw.analyses.train.report import (describe_run, diagram_dot, report_json,
                                             report_text, sweep_json, sweep_text)
from graphdraw.analyses.train.setup import (HIDDEN, Setup, declared_dims, parse_dims, prepare,
                                            targets_of, with_dims)
from graphdraw.analyses.train.sweep import SweepRow

__all__ = [
    "DAMPING", "DEFAULT_LR", "DEFAULT_STEPS", "GALLERY_SWEEP", "HIDDEN", "MOMENTUM",
    "OPTIMIZERS", "OPTIMIZER_NAMES", "PLOT_FORMATS",
    "DataError", "DataSet", "History", "Objective", "Options", "Prediction", "Setup",
    "SweepRow", "Trained", "TrainingError", "fit",
    "binary", "declared_dims", "describe_run", "diagram_dot", "draw_hessian",
    "draw_loss", "draw_sweep", "draw_taylor", "flatten", "gallery_pictures", "gallery_sources",
    "learned", "parse_dims", "plot_format", "prediction_node", "predictions", "prepare",
    "report_json", "report_text", "solved_at", "sweep_json", "sweep_text",
    "target_leaf", "targets_of", "train", "unflatten", "with_dims",
]
