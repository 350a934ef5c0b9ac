"""The demonstration: the three optimisers run from one start on one model."""

from __future__ import annotations

from graphdraw.analyses.saddle import picture, report
from graphdraw.analyses.saddle.problem import Problem
from graphdraw.analyses.saddle.runs import Run, by_method, trajectory
from graphdraw.language.program import Program


class Demo:
    """The three optimisers from one start, on one model."""

    def __init__(self, program: Program, leaf_values: dict, leaves: list[str] | None = None,
                 *, steps: int = 80, lr_gd: float = 0.1, lr: float = 1.0,
                 damping: float = 0.1) -> None:
        self.problem = Problem(program, leaf_values, leaves)
        self.program = program
        self.steps = steps
        self.runs = [trajectory(self.problem, "gd", lr_gd, 0.0, steps),
                     trajectory(self.problem, "newton", lr, damping, steps),
                     trajectory(self.problem, "sfn", lr, damping, steps)]

    def run(self, method: str) -> Run:
        return by_method(self.runs, method)

    @property
    def start_loss(self) -> float:
        return self.runs[0].losses[0]

    def format(self, name: str) -> str:
        """The report as text; `name` says which model it ran on."""
        return report.format_text(self.problem, self.runs, self.steps, name)

    def to_json(self) -> dict:
        return report.to_json(self.problem, self.runs, self.steps)

    def plot(self, fmt: str, title: str | None = None) -> bytes:
        """The three-panel picture, in the format `fmt` (png, svg or pdf)."""
        return picture.plot(self.problem, self.runs, fmt, title)
