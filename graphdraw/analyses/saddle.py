"""Exercise 6.3 shown: gradient descent, Newton and saddle-free Newton started near a saddle.

Each optimiser is a small loop over graphdraw's own gradient and Hessian (hessian.Point):
gradient descent steps with g, Newton with (H + δI)⁻¹ g and saddle-free Newton with
|H|⁻¹ g = V diag(1/(|λ| + δ)) Vᵀ g (Dauphin et al. 2014). Near a saddle, g is small, so
gradient descent crawls; Newton divides by the negative eigenvalue too and so runs to the
saddle; saddle-free Newton divides by |λ| and leaves along the direction of negative
curvature.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphdraw.numeric import evaluate
from graphdraw.numeric import hessian
from graphdraw.errors import GraphdrawError
from graphdraw.lazy import np
from graphdraw.language.program import Program

# The built-in model: the smallest network with a saddle. Two linear layers of one unit
# each, as in the deep linear networks of Saxe et al. (2014) that Dauphin et al. cite: the
# loss has a saddle at w₁ = w₂ = 0 (L = ½, Hessian eigenvalues ±1) and its minima on the
# hyperbola w₁ w₂ = 1. The start lies close to the saddle's attracting direction w₁ = −w₂.
MODEL = """\
# The saddle demonstration: a two-layer linear network with one unit per layer, one sample.
# L has a saddle at w_1 = w_2 = 0 (L = 1/2) and its minima on the hyperbola w_1 w_2 = 1.
input x = 1
target y = 1
param w_1 = 1.2, w_2 = -1.195
ŷ = w_2 w_1 x
L = 1/2 (ŷ − y)²
"""
MODEL_NAME = "the built-in saddle demonstration, L = 1/2 (w₂ w₁ x − y)² with x = y = 1"

METHODS = ("gd", "newton", "sfn")
LABELS = {"gd": "gradient descent", "newton": "Newton", "sfn": "saddle-free Newton"}
COLOURS = {"gd": "#0072B2", "newton": "#D55E00", "sfn": "#009E73"}   # Okabe-Ito
MARKERS = {"gd": "o", "newton": "s", "sfn": "^"}
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


class Demo:
    """The three optimisers from one start, on one model."""

    def __init__(self, program: Program, leaf_values: dict, leaves: list[str] | None = None,
                 *, steps: int = 80, lr_gd: float = 0.1, lr: float = 1.0,
                 damping: float = 0.1) -> None:
        self.program = program
        self.values = dict(leaf_values)
        # Parameters in alphabetical order (w_1 before w_2: the axes of the picture).
        self.leaves = sorted(leaves if leaves is not None else
                             evaluate.gradient_leaves(program))
        if not self.leaves:
            raise GraphdrawError("the model has no parameters to optimise")
        self.steps = steps
        self.shapes = {leaf: np.shape(self.values[leaf]) for leaf in self.leaves}
        self.start = hessian.flatten(self.values, self.leaves)
        self.runs = [self._run("gd", lr_gd, 0.0), self._run("newton", lr, damping),
                     self._run("sfn", lr, damping)]

    def point(self, flat) -> hessian.Point:
        values = dict(self.values)
        values.update(hessian.unflatten(flat, self.leaves, self.shapes))
        return hessian.Point(self.program, values, self.leaves)

    def _run(self, method: str, lr: float, damping: float) -> Run:
        run = Run(method, lr, damping)
        w = self.start.copy()
        for step in range(self.steps + 1):
            try:
                p = self.point(w)
            except evaluate.NumericError:
                run.stopped = f"diverged at step {step}"
                break
            g = hessian.flatten(p.gradient(), self.leaves)
            H = p.hessian()
            loss = float(np.sum(p.value))
            run.points.append(w.copy())
            run.losses.append(loss)
            run.grad_norms.append(float(np.linalg.norm(g)))
            run.indices.append(hessian.index(H))
            if not np.isfinite(loss) or abs(loss) > DIVERGED:
                run.stopped = f"diverged at step {step}"
                break
            if step == self.steps:
                break
            if method == "gd":
                d = g
            else:
                d = hessian.newton_direction(H, g, damping=damping, absolute=method == "sfn")
            w = w - lr * d
        return run

    def run(self, method: str) -> Run:
        return next(r for r in self.runs if r.method == method)

    @property
    def start_loss(self) -> float:
        return self.runs[0].losses[0]

    def checkpoints(self) -> list[int]:
        marks = sorted({min(10, self.steps), self.steps // 2, self.steps})
        return [m for m in marks if m > 0] or [0]

    def format(self, name: str) -> str:
        from graphdraw.language.names import pretty
        lines = []
        start = ", ".join(f"{hessian._pretty_entry(leaf, e)} = {v:.4g}" for (leaf, e), v in
                          zip(hessian.flat_index(self.leaves, self.shapes), self.start))
        p0 = self.point(self.start)
        ev = hessian.eigenvalues(p0.hessian())
        out = self.program.nodes[self.program.output]
        L = pretty(out.name or out.id, out.version)
        lines.append(f"Near a saddle: gradient descent, Newton and saddle-free Newton on "
                     f"{name}")
        shown = ", ".join(f"{v:.3g}" for v in ev) if len(ev) <= 6 else \
            f"{ev[0]:.3g} … {ev[-1]:.3g}"
        lines.append(f"start {start}: {L} = {self.start_loss:.4g}, Hessian eigenvalues "
                     f"{shown} (index {hessian.index(p0.hessian()):.3g})")
        lines.append("")
        marks = self.checkpoints()
        header = ["", "step size"] + [f"{L} at step {m}" for m in marks] + \
                 [f"‖∇{L}‖ at the end", "index", "ends at"]
        rows = []
        for r in self.runs:
            cells = [r.label, f"{r.lr:g}" + (f", δ = {r.damping:g}" if r.method != "gd" else "")]
            for m in marks:
                cells.append(f"{r.losses[m]:.4g}" if m < len(r.losses) else "—")
            cells += [f"{r.grad_norms[-1]:.2g}", f"{r.indices[-1]:.3g}", r.ends_at()]
            rows.append(cells)
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
        lines.append("  " + "   ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
        for row in rows:
            lines.append("  " + "   ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        lines.append("")
        import textwrap
        lines += textwrap.wrap(
            f"Gradient descent steps with ∇{L}, which is small near a saddle: it crawls. "
            f"Newton steps with (H + δI)⁻¹∇{L}; along a negative eigenvalue that step climbs, "
            "so a saddle attracts it. Saddle-free Newton steps with |H|⁻¹∇"
            f"{L} (|λ| + δ for each eigenvalue λ): it descends in every direction and "
            "escapes (Dauphin et al. 2014).", width=92)
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict:
        return {"output": self.program.output, "parameters":
                [hessian.entry_name(leaf, e)
                 for leaf, e in hessian.flat_index(self.leaves, self.shapes)],
                "steps": self.steps, "runs": [r.to_json() for r in self.runs]}

    # -- the picture ------------------------------------------------------------------------

    def plot(self, fmt: str, title: str | None = None) -> bytes:
        """One picture: the trajectories on the loss surface (for two parameters), the loss
        and the gradient norm against the step, for the three optimisers."""
        from graphdraw.analyses.taylor import figure_bytes, pyplot
        plt = pyplot()
        two = self.start.size == 2
        fig, axes = plt.subplots(1, 3 if two else 2, figsize=(15, 4.8) if two else (10.5, 4.6),
                                 dpi=130, gridspec_kw={"width_ratios": [1.15, 1, 1]
                                                       if two else [1, 1]})
        if two:
            self._plot_surface(axes[0])
        self._plot_curves(axes[-2], axes[-1])
        newton = self.run("newton")
        if title is None and self.program.source.text == MODEL:
            title = ("Near a saddle point: gradient descent slows down, Newton is attracted to "
                     f"the saddle, saddle-free Newton escapes (L = {_tidy(newton.losses[-1]):g} "
                     "at the saddle)")
        fig.suptitle(title or "Gradient descent, Newton and saddle-free Newton from the same "
                     "start", fontsize=12.5, y=0.995)
        fig.tight_layout()
        return figure_bytes(fig, fmt)

    def _plot_surface(self, ax) -> None:
        from graphdraw.language.names import pretty
        pts = np.concatenate([np.asarray(r.points) for r in self.runs])
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2, 0.5) * 1.25
        xs = np.linspace(centre[0] - half, centre[0] + half, 161)
        ys = np.linspace(centre[1] - half, centre[1] + half, 161)
        Z = self._surface(xs, ys)
        finite = Z[np.isfinite(Z)]
        if finite.size:
            # Levels evenly spaced in √(L − min): even spacing where L is quadratic.
            floor = float(finite.min())
            top = float(np.quantile(finite, 0.9)) - floor
            levels = floor + np.linspace(0.0, np.sqrt(max(top, 1e-9)), 22) ** 2
            fill = ax.contourf(xs, ys, Z, levels=levels, cmap="Greys", alpha=0.45,
                               extend="max")
            fill.set_rasterized(True)          # keeps the SVG small; the lines stay vectors
            ax.contour(xs, ys, Z, levels=levels[1:], colors="0.55", linewidths=0.45)
            newton = self.run("newton")
            if newton.grad_norms[-1] < CRITICAL and newton.indices[-1] > 0:
                # The level set through the saddle: the two curves that cross there.
                ax.contour(xs, ys, Z, levels=[newton.losses[-1]], colors="black",
                           linewidths=0.9, linestyles="--")
        names = [hessian.entry_name(leaf, e)
                 for leaf, e in hessian.flat_index(self.leaves, self.shapes)]
        # Gradient descent's small dots on top, so that the larger marks show beneath them.
        size, layer = {"gd": 3.2, "newton": 5.5, "sfn": 6.5}, {"gd": 5, "newton": 3, "sfn": 4}
        for r in self.runs:
            p = np.asarray(r.points)
            ax.plot(p[:, 0], p[:, 1], "-", color=COLOURS[r.method], lw=1.3,
                    zorder=layer[r.method])
            ax.plot(p[:, 0], p[:, 1], MARKERS[r.method], color=COLOURS[r.method],
                    ms=size[r.method], mec="white", mew=0.4, zorder=layer[r.method],
                    label=r.label)
        gd = np.asarray(self.run("gd").points)
        for step in (10, 30, 50):          # where gradient descent is after so many steps
            if step < len(gd) - 1:
                ax.annotate(f"GD step {step}", gd[step], xytext=(14, -9),
                            textcoords="offset points", fontsize=7.5, color=COLOURS["gd"],
                            zorder=8)
        ax.plot(*self.start, "o", ms=9, mfc="white", mec="black", zorder=5, label="start")
        newton = self.run("newton")
        if newton.grad_norms[-1] < CRITICAL and newton.indices[-1] > 0:
            ax.plot(*newton.points[-1], "X", ms=12, color="black", zorder=6,
                    label="the saddle")
        ax.set_xlim(xs[0], xs[-1])
        ax.set_ylim(ys[0], ys[-1])
        ax.set_aspect("equal")
        ax.set_xlabel(_math(names[0]))
        ax.set_ylabel(_math(names[1]))
        out = self.program.nodes[self.program.output]
        ax.set_title(f"(a) trajectories on the contours of {pretty(out.name or out.id)}",
                     fontsize=11)
        ax.legend(loc="best", fontsize=8.5, framealpha=0.92)

    def _surface(self, xs, ys):
        """The loss on a grid of the two parameters (vectorised when every value is a
        scalar, as in the built-in model; point by point otherwise)."""
        W1, W2 = np.meshgrid(xs, ys)
        values = dict(self.values)
        values[self.leaves[0]], values[self.leaves[1]] = W1, W2
        scalar = all(np.ndim(v) == 0 for k, v in self.values.items())
        if scalar:
            try:
                with np.errstate(all="ignore"):
                    vals = hessian._forward(self.program, values)
                return np.broadcast_to(vals[self.program.output], W1.shape).astype(float)
            except (ValueError, TypeError):
                pass
        coarse_x, coarse_y = np.linspace(xs[0], xs[-1], 61), np.linspace(ys[0], ys[-1], 61)
        Z = np.full((61, 61), np.nan)
        for i, b in enumerate(coarse_y):
            for j, a in enumerate(coarse_x):
                values[self.leaves[0]], values[self.leaves[1]] = np.array(a), np.array(b)
                try:
                    Z[i, j] = float(np.sum(evaluate.forward(self.program, values)
                                           [self.program.output]))
                except evaluate.NumericError:
                    pass
        # Back onto the fine grid (nearest coarse point): contours need one grid.
        ii = np.clip(np.rint((np.asarray(ys) - ys[0]) / (ys[-1] - ys[0]) * 60).astype(int), 0, 60)
        jj = np.clip(np.rint((np.asarray(xs) - xs[0]) / (xs[-1] - xs[0]) * 60).astype(int), 0, 60)
        return Z[np.ix_(ii, jj)]

    def _plot_curves(self, ax_loss, ax_grad) -> None:
        from graphdraw.language.names import pretty
        out = self.program.nodes[self.program.output]
        L = pretty(out.name or out.id, out.version)
        newton = self.run("newton")
        for r in self.runs:
            steps = np.arange(len(r.losses))
            ax_loss.plot(steps, r.losses, "-", color=COLOURS[r.method], lw=1.8,
                         marker=MARKERS[r.method], ms=3, markevery=max(len(steps) // 20, 1),
                         label=r.label)
            ax_grad.semilogy(steps, np.maximum(r.grad_norms, 1e-18), "-",
                             color=COLOURS[r.method], lw=1.8, marker=MARKERS[r.method], ms=3,
                             markevery=max(len(steps) // 20, 1), label=r.label)
        if newton.grad_norms[-1] < CRITICAL and newton.indices[-1] > 0:
            ax_loss.axhline(newton.losses[-1], color="black", ls=":", lw=1.2,
                            label=f"{L} at the saddle")
        top = max(max(r.losses[: max(len(r.losses), 1)]) for r in self.runs)
        lows = [min(r.losses) for r in self.runs]
        ax_loss.set_ylim(min(min(lows), 0) - 0.03 * top, min(top, 3 * max(r.losses[0] for r
                                                                       in self.runs)) * 1.05)
        ax_loss.set_xlabel("step")
        ax_loss.set_ylabel(L)
        plateau = ": a plateau near the saddle" if self.program.source.text == MODEL else ""
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


__all__ = ["MODEL", "MODEL_NAME", "Demo", "Run", "METHODS"]
