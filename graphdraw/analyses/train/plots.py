"""The pictures of `graphdraw train` (loss curve, Taylor check, Hessian index, sweep), drawn
with matplotlib, which is imported only when a picture is drawn."""

from __future__ import annotations

import io

from graphdraw.analyses.taylor.plot import plot_format  # noqa: F401 - train.plot_format
from graphdraw.analyses.train.optimizers import History
from graphdraw.analyses.train.setup import HIDDEN
from graphdraw.analyses.train.sweep import SweepRow
from graphdraw.errors import ToolMissing
from graphdraw.lazy import np

PLOT_FORMATS = ("svg", "png", "pdf")


def _pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ToolMissing(f"the training plots need matplotlib, which could not be imported "
                          f"({exc})", hint="pip install matplotlib") from None
    matplotlib.rcParams.update({"svg.hashsalt": "graphdraw", "font.size": 10,
                                "axes.spines.top": False, "axes.spines.right": False,
                                "axes.grid": True, "grid.alpha": 0.3,
                                "figure.dpi": 100, "savefig.dpi": 150})
    return plt


def _figure_bytes(fig, fmt: str) -> bytes:
    """A figure as svg/png/pdf bytes, without the date so that the same run gives the
    same bytes."""
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None},
                "png": {}}[fmt]
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata=metadata, bbox_inches="tight")
    import matplotlib.pyplot as plt
    plt.close(fig)
    return buffer.getvalue()


def draw_loss(history: History, fmt: str, title: str, *, solved_at: int | None = None,
              ylabel: str = "loss") -> bytes:
    """The loss against the step, on a logarithmic axis."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    steps = np.arange(len(history.loss))
    ax.plot(steps, history.loss, color="#1f5fa8", linewidth=1.6)
    positive = all(v > 0 for v in history.loss)
    if positive:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    ax.set_xlim(0, max(len(history.loss) - 1, 1))
    ax.set_title(title, fontsize=10, loc="left")
    first, last = history.loss[0], history.loss[-1]
    ax.text(0.98, 0.95, f"{first:.3g} at the start, {last:.3g} after step {len(steps) - 1}",
            transform=ax.transAxes, ha="right", va="top", fontsize=9, color="#1f5fa8")
    if solved_at is not None:
        ax.axvline(solved_at, color="#2a9d4b", linestyle=":", linewidth=1.2)
        ax.text(0.98, 0.86, f"all predictions on the right side of 0.5 from step {solved_at}"
                " on (dotted)", transform=ax.transAxes, ha="right", va="top", fontsize=9,
                color="#2a7d3b")
    return _figure_bytes(fig, fmt)


def draw_taylor(history: History, fmt: str, title: str, *, gd: bool = True) -> bytes:
    """Each step's first-order prediction of the change in loss against the actual change:
    both decreases on log axes (top) and their ratio (bottom; 1 where the first two terms of
    the Taylor series are exact). Steps on a log axis, so the first steps show."""
    plt = _pyplot()
    predicted = -np.asarray(history.predicted)
    actual = -np.asarray(history.actual)
    steps = np.arange(1, len(predicted) + 1)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 5.6), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2], "hspace": 0.08})
    formula = "ε‖g‖²" if gd else "−g·Δθ"
    top.plot(steps, np.where(actual > 0, actual, np.nan), color="#1f5fa8", linewidth=2.6,
             alpha=0.55, label="actual decrease L(θₙ) − L(θₙ₊₁)")
    top.plot(steps, np.where(predicted > 0, predicted, np.nan), color="#c0392b",
             linestyle=(0, (4, 2)), linewidth=1.2,
             label=f"first-order prediction {formula}")
    rises = actual < 0
    if rises.any():
        top.plot(steps[rises], -actual[rises], linestyle="none", marker="^", markersize=3.5,
                 color="#e67e22", label="a step where the loss rose (by this much)")
    top.set_yscale("log")
    top.set_xscale("log")
    top.set_ylabel("decrease of the loss in one step")
    top.legend(fontsize=8.5, loc="lower left", frameon=False)
    top.set_title(title, fontsize=10, loc="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(predicted != 0, actual / predicted, np.nan)
    bottom.axhline(1.0, color="#888888", linewidth=1.0)
    bottom.plot(steps, ratio, color="#6c3483", linewidth=1.3)
    finite = ratio[np.isfinite(ratio)]
    if finite.size:
        low, high = max(float(finite.min()), -1.0), min(float(finite.max()), 3.0)
        pad = 0.08 * max(high - low, 0.1)
        bottom.set_ylim(min(low, 0.95) - pad, max(high, 1.05) + pad)
    bottom.set_ylabel("actual ÷ predicted")
    bottom.set_xlabel("step (log scale)")
    bottom.set_xlim(1, max(len(steps), 2))
    return _figure_bytes(fig, fmt)


def draw_hessian(history: History, fmt: str, title: str) -> bytes:
    """The index of the Hessian against the loss along training (Dauphin et al. 2014, fig. 1)."""
    plt = _pyplot()
    steps = [h[0] for h in history.hessian]
    losses = [h[1] for h in history.hessian]
    indices = [h[2] for h in history.hessian]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(losses, indices, color="#bbbbbb", linewidth=0.8, zorder=1)
    points = ax.scatter(losses, indices, c=steps, cmap="viridis", s=14, zorder=2)
    fig.colorbar(points, ax=ax, label="step")
    if min(losses) > 0:
        ax.set_xscale("log")
    ax.set_xlabel("loss")
    ax.set_ylabel("index: fraction of negative eigenvalues of H")
    ax.set_ylim(-0.02, max(0.5, max(indices) + 0.05))
    ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return _figure_bytes(fig, fmt)


def draw_sweep(rows: list[SweepRow], fmt: str, title: str, dim: str = HIDDEN,
               task: str = "XOR") -> bytes:
    """A bar per size: the fraction of seeds that learned the task."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.6, 3.6))
    labels = [str(r.size) for r in rows]
    fractions = [r.fraction for r in rows]
    bars = ax.bar(labels, fractions, color="#1f5fa8", width=0.6)
    for bar, row in zip(bars, rows):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.02,
                f"{len(row.learned)}/{len(row.seeds)}", ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, 1.12)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_yticklabels(["0", "25%", "50%", "75%", "100%"])
    ax.set_xlabel(f"hidden units ({dim})" if dim == HIDDEN else dim)
    ax.set_ylabel(f"seeds that learn {task}")
    ax.grid(axis="x", visible=False)
    ax.set_title(title, fontsize=10, loc="left")
    return _figure_bytes(fig, fmt)
