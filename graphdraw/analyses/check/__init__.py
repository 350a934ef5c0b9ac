"""Proof against torch: gradients vs autograd and finite differences, structure vs torchviz.

The only package that imports torch and torchviz, and only inside functions, so every other
command runs without them. `run_check` is the whole check; its parts are usable alone:

- `build_torch` (torchmodel.py): the model built from torch ops (each op table row's
  `torch_forward`, or its `forward` written with operators), float64, gradient leaves with
  `requires_grad`; `torch_values` the same from given leaf tensors, `torch_hessian` torch's
  Hessian of it;
- `compare_gradients` (gradients.py): per gradient leaf, graphdraw's backprop vs torch
  autograd vs central finite differences of graphdraw's own forward;
- `compare_structure` (structure.py, reading make_dot through makedot.py): graphdraw's graph
  vs the autograd graph that torchviz's `make_dot` draws, node by node and edge by edge;
- `run_check` and `CheckReport` (report.py): all of it, the verdict, text and JSON;
- `side_by_side` (picture.py): one DOT picture of both graphs, matched nodes numbered and
  coloured alike.
"""

from graphdraw.analyses.check.gradients import (ATOL, FD_ATOL, FD_MAX, FD_RTOL, FD_STEP, RTOL,
                                                LeafReport, compare_gradients)
from graphdraw.analyses.check.picture import BAD, side_by_side
from graphdraw.analyses.check.report import CheckReport, run_check
from graphdraw.analyses.check.structure import (OpMatch, StructureReport, TorchEdge, TorchNode,
                                                compare_structure)
from graphdraw.analyses.check.torchmodel import build_torch, torch_hessian, torch_values
from graphdraw.analyses.check.torchmodel import _torch  # noqa: F401 - torch, for curvature.py

__all__ = ["build_torch", "torch_values", "torch_hessian", "compare_gradients",
           "compare_structure", "run_check", "side_by_side", "CheckReport", "LeafReport",
           "StructureReport", "OpMatch", "TorchNode", "TorchEdge", "BAD", "RTOL", "ATOL",
           "FD_RTOL", "FD_ATOL", "FD_STEP", "FD_MAX"]
