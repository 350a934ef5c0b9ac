"""Exercise 6.3 shown: gradient descent, Newton and saddle-free Newton started near a saddle.

Each optimiser is a small loop over graphdraw's own gradient and Hessian (hessian.Point):
gradient descent steps with g, Newton with (H + δI)⁻¹ g and saddle-free Newton with
|H|⁻¹ g = V diag(1/(|λ| + δ)) Vᵀ g (Dauphin et al. 2014). Near a saddle, g is small, so
gradient descent crawls; Newton divides by the negative eigenvalue too and so runs to the
saddle; saddle-free Newton divides by |λ| and leaves along the direction of negative
curvature.

From the bottom up: problem (the model, its flat parameters, the built-in MODEL), runs
(the optimisers' trajectories), report (text and JSON), picture (the three panels), demo
(Demo, which ties them together).
"""

from __future__ import annotations

from graphdraw.analyses.saddle.demo import Demo
from graphdraw.analyses.saddle.problem import MODEL, MODEL_NAME, Problem
from graphdraw.analyses.saddle.runs import LABELS, METHODS, Run, trajectory

__all__ = ["MODEL", "MODEL_NAME", "Demo", "Run", "METHODS", "LABELS", "Problem", "trajectory"]
