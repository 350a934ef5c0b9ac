"""The three-panel picture: the trajectories on the loss surface, the loss and ‖∇L‖."""

from __future__ import annotations

from graphdraw.analyses.saddle.problem import Problem
from graphdraw.analyses.saddle.runs import Run, by_method
from graphdraw.analyses.taylor import figure_bytes, pyplot
from graphdraw.lazy import np

COLOURS = {"gd": "#0072B2", "newton": "#D55E00", "sfn": "#009E73"}   # Okabe-Ito
MARKERS = {"gd": "o", "newton": "s", "sfn": "^"}


def plot(problem: Problem, runs: list[Run], fmt: str, title: str | None = None) -> bytes:
    """One picture: the trajectories on the loss surface (for two parameters), the loss
    and the gradient norm against the step, for the three optimisers."""
    plt = pyplot()
    two = problem.start.size == 2
    fig, axes = plt.subplots(1, 3 if two else 2, figsize=(15, 4.8) if two else (10.5, 4.6),
                             dpi=130, gridspec_kw={"width_ratios": [1.15, 1, 1]
                                                   if two else [1, 1]})
    if two:
        _plot_surface(axes[0], problem, runs)
    _plot_curves(axes[-2], axes[-1], problem, runs)
    newton = by_method(runs, "newton")
    if title is None and problem.builtin:
        title = ("Near a saddle point: gradient descent slows down, Newton is attracted to "
                 f"the saddle, saddle-free Newton escapes (L = {_tidy(newton.losses[-1]):g} "
                 "at the saddle)")
    fig.suptitle(title or "Gradient descent, Newton and saddle-free Newton from the same "
                 "start", fontsize=12.5, y=0.995)
    fig.tight_layout()
    return figure_bytes(fig, fmt)


def _plot_surface(ax, problem: Problem, runs: list[Run]) -> None:
    """Panel (a): the runs on the contours of the loss over the two parameters."""
    pts = np.concatenate([np.asarray(r.points) for r in runs])
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2, 0.5) * 1.25
    xs = np.linspace(centre[0] - half, centre[0] + half, 161)
    ys = np.linspace(centre[1] - half, centre[1] + half, 161)
    newton = by_method(runs, "newton")
    _contours(ax, xs, ys, problem.surface(xs, ys), newton)
    _trajectories(ax, runs)
    ax.plot(*problem.start, "o", ms=9, mfc="white", mec="black", zorder=5, label="start")
    if newton.at_saddle():
        ax.plot(*newton.points[-1], "X", ms=12, color="black", zorder=6,
                label="the saddle")
    names = problem.entry_names()
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_aspect("equal")
    ax.set_xlabel(_math(names[0]))
    ax.set_ylabel(_math(names[1]))
    ax.set_title(f"(a) trajectories on the contours of {problem.loss_name(versioned=False)}",
                 fontsize=11)
    ax.legend(loc="best", fontsize=8.5, framealpha=0.92)


def _contours(ax, xs, ys, Z, newton: Run) -> None:
    """The loss's level sets, and the one through the saddle if Newton found it."""
    finite = Z[np.isfinite(Z)]
    if not finite.size:
        return
    # Levels evenly spaced in √(L − min): even spacing where L is quadratic.
    floor = float(finite.min())
    top = float(np.quantile(finite, 0.9)) - floor
    levels = floor + np.linspace(0.0, np.sqrt(max(top, 1e-9)), 22) ** 2
    fill = ax.contourf(xs, ys, Z, levels=levels, cmap="Greys", alpha=0.45, extend="max")
    fill.set_rasterized(True)          # keeps the SVG small; the lines stay vectors
    ax.contour(xs, ys, Z, levels=levels[1:], colors="0.55", linewidths=0.45)
    if newton.at_saddle():
        # The level set through the saddle: the two curves that cross there.
        ax.contour(xs, ys, Z, levels=[newton.losses[-1]], colors="black",
                   linewidths=0.9, linestyles="--")


def _trajectories(ax, runs: list[Run]) -> None:
    """Each run's points joined by a line, and where gradient descent is at a few steps."""
    # Gradient descent's small dots on top, so that the larger marks show beneath them.
    size, layer = {"gd": 3.2, "newton": 5.5, "sfn": 6.5}, {"gd": 5, "newton": 3, "sfn": 4}
    for r in runs:
        p = np.asarray(r.points)
        ax.plot(p[:, 0], p[:, 1], "-", color=COLOURS[r.method], lw=1.3,
                zorder=layer[r.method])
        ax.plot(p[:, 0], p[:, 1], MARKERS[r.method], color=COLOURS[r.method],
                ms=size[r.method], mec="white", mew=0.4, zorder=layer[r.method],
                label=r.label)
    gd = np.asarray(by_method(runs, "gd").points)
    for step in (10, 30, 50):          # where gradient descent is after so many steps
        if step < len(gd) - 1:
            ax.annotate(f"GD step {step}", gd[step], xytext=(14, -9),
                        textcoords="offset points", fontsize=7.5, color=COLOURS["gd"],
                        zorder=8)


def _plot_curves(ax_loss, ax_grad, problem: Problem, runs: list[Run]) -> None:
    """Panels (b) and (c): the loss and the gradient's norm against the step."""
    L = problem.loss_name()
    for r in runs:
        steps = np.arange(len(r.losses))
        style = dict(color=COLOURS[r.method], lw=1.8, marker=MARKERS[r.method], ms=3,
                     markevery=max(len(steps) // 20, 1), label=r.label)
        ax_loss.plot(steps, r.losses, "-", **style)
        ax_grad.semilogy(steps, np.maximum(r.grad_norms, 1e-18), "-", **style)
    newton = by_method(runs, "newton")
    if newton.at_saddle():
        ax_loss.axhline(newton.losses[-1], color="black", ls=":", lw=1.2,
                        label=f"{L} at the saddle")
    top = max(max(r.losses[: max(len(r.losses), 1)]) for r in runs)
    lows = [min(r.losses) for r in runs]
    ax_loss.set_ylim(min(min(lows), 0) - 0.03 * top,
                     min(top, 3 * max(r.losses[0] for r in runs)) * 1.05)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel(L)
    plateau = ": a plateau near the saddle" if problem.builtin else ""
    ax_loss.set_title(f"(b) the loss {L}{plateau}", fontsize=11)
    ax_loss.legend(fontsize=8.5, framealpha=0.92)
    ax_grad.set_xlabel("step")
    ax_grad.set_ylabel(f"‖∇{L}‖")
    ax_grad.set_title("(c) the gradient's norm (0 at a critical point)", fontsize=11)
    ax_grad.set_ylim(bottom=1e-17)
    for ax in (ax_loss, ax_grad):
        ax.grid(True, color="0.92", lw=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)


def _tidy(value: float) -> float:
    """A loss for a title: rounding noise such as 1e-209 shown as 0."""
    return 0.0 if abs(value) < 1e-12 else float(f"{value:.4g}")


def _math(name: str) -> str:
    """An axis label: w₁ as mathtext ($w_{1}$) when it is a plain subscripted name."""
    base, _, sub = name.partition("_")
    if base.isascii() and base.isalpha() and sub.isalnum() and sub.isascii():
        return f"${base}_{{{sub}}}$"
    return name
