"""The three optimisers' trajectories: gradient descent, Newton and saddle-free Newton."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphdraw.analyses.saddle.problem import Problem
from graphdraw.lazy import np
from graphdraw.numeric import evaluate
from graphdraw.numeric import hessian

METHODS = ("gd", "newton", "sfn")
LABELS = {"gd": "gradient descent", "newton": "Newton", "sfn": "saddle-free Newton"}
CRITICAL = 1e-6          # ‖∇L‖ below this: the run has reached a critical point
DIVERGED = 1e12


@dataclass
class Run:
    """One optimiser's trajectory: the point, loss, gradient norm and index at every step."""

    method: str
    lr: float
    damping: float
    points: list = field(default_factory=list)        # flat parameter vectors
    losses: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)
    indices: list = field(default_factory=list)        # fraction of negative eigenvalues
    stopped: str = ""                                  # why it ended early, if it did

    @property
    def label(self) -> str:
        return LABELS[self.method]

    def at_saddle(self) -> bool:
        """Whether the last point is critical with some negative curvature."""
        return self.grad_norms[-1] < CRITICAL and self.indices[-1] > 0

    def ends_at(self) -> str:
        """Where the run ended: a saddle, a minimum, or still moving."""
        if self.stopped:
            return self.stopped
        if self.grad_norms[-1] < CRITICAL:
            if self.indices[-1] > 0:
                return f"a saddle (index {self.indices[-1]:.3g})"
            return "a minimum"
        return "still moving"

    def to_json(self) -> dict:
        return {"method": self.method, "label": self.label, "lr": self.lr,
                "damping": self.damping if self.method != "gd" else None,
                "points": [list(map(float, p)) for p in self.points],
                "losses": self.losses, "grad_norms": self.grad_norms,
                "indices": self.indices, "ends_at": self.ends_at()}


def trajectory(problem: Problem, method: str, lr: float, damping: float, steps: int) -> Run:
    """`steps` steps of one optimiser from the problem's start (fewer if it diverges).

    gd steps with g, newton with (H + δI)⁻¹ g, sfn with |H|⁻¹ g = V diag(1/(|λ| + δ)) Vᵀ g.
    """
    run = Run(method, lr, damping)
    w = problem.start.copy()
    for step in range(steps + 1):
        try:
            p = problem.point(w)
        except evaluate.NumericError:
            run.stopped = f"diverged at step {step}"
            break
        g = hessian.flatten(p.gradient(), problem.leaves)
        H = p.hessian()
        loss = float(np.sum(p.value))
        run.points.append(w.copy())
        run.losses.append(loss)
        run.grad_norms.append(float(np.linalg.norm(g)))
        run.indices.append(hessian.index(H))
        if not np.isfinite(loss) or abs(loss) > DIVERGED:
            run.stopped = f"diverged at step {step}"
            break
        if step == steps:
            break
        if method == "gd":
            d = g
        else:
            d = hessian.newton_direction(H, g, damping=damping, absolute=method == "sfn")
        w = w - lr * d
    return run


def by_method(runs: list[Run], method: str) -> Run:
    return next(r for r in runs if r.method == method)
