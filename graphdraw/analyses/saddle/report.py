"""The saddle demonstration as text (a table of the three runs) and as JSON."""

from __future__ import annotations

import textwrap

from graphdraw.analyses.saddle.problem import Problem
from graphdraw.analyses.saddle.runs import Run
from graphdraw.numeric import hessian


def format_text(problem: Problem, runs: list[Run], steps: int, name: str) -> str:
    """Where the runs start, a table of their losses at a few steps and where they end,
    and what the three do near a saddle."""
    L = problem.loss_name()
    lines = [f"Near a saddle: gradient descent, Newton and saddle-free Newton on {name}",
             _start_line(problem, runs[0].losses[0], L), ""]
    lines += _table(runs, checkpoints(steps), L)
    lines.append("")
    lines += textwrap.wrap(
        f"Gradient descent steps with ∇{L}, which is small near a saddle: it crawls. "
        f"Newton steps with (H + δI)⁻¹∇{L}; along a negative eigenvalue that step climbs, "
        "so a saddle attracts it. Saddle-free Newton steps with |H|⁻¹∇"
        f"{L} (|λ| + δ for each eigenvalue λ): it descends in every direction and "
        "escapes (Dauphin et al. 2014).", width=92)
    return "\n".join(lines) + "\n"


def checkpoints(steps: int) -> list[int]:
    """The steps the table shows the loss at: 10, halfway and the last."""
    marks = sorted({min(10, steps), steps // 2, steps})
    return [m for m in marks if m > 0] or [0]


def _start_line(problem: Problem, start_loss: float, L: str) -> str:
    """The start, its loss and the Hessian's eigenvalues there."""
    start = ", ".join(f"{hessian.pretty_entry(leaf, e)} = {v:.4g}" for (leaf, e), v in
                      zip(problem.entries(), problem.start))
    H = problem.point(problem.start).hessian()
    ev = hessian.eigenvalues(H)
    shown = ", ".join(f"{v:.3g}" for v in ev) if len(ev) <= 6 else \
        f"{ev[0]:.3g} … {ev[-1]:.3g}"
    return (f"start {start}: {L} = {start_loss:.4g}, Hessian eigenvalues "
            f"{shown} (index {hessian.index(H):.3g})")


def _table(runs: list[Run], marks: list[int], L: str) -> list[str]:
    """One row per run: its step size, the loss at the marks, and how it ends."""
    header = ["", "step size"] + [f"{L} at step {m}" for m in marks] + \
             [f"‖∇{L}‖ at the end", "index", "ends at"]
    rows = []
    for r in runs:
        cells = [r.label, f"{r.lr:g}" + (f", δ = {r.damping:g}" if r.method != "gd" else "")]
        for m in marks:
            cells.append(f"{r.losses[m]:.4g}" if m < len(r.losses) else "—")
        cells += [f"{r.grad_norms[-1]:.2g}", f"{r.indices[-1]:.3g}", r.ends_at()]
        rows.append(cells)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    return ["  " + "   ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
            for row in [header, *rows]]


def to_json(problem: Problem, runs: list[Run], steps: int) -> dict:
    return {"output": problem.program.output, "parameters": problem.entry_names(),
            "steps": steps, "runs": [r.to_json() for r in runs]}
