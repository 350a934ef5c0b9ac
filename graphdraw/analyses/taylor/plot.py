"""The function against its Taylor polynomials (matplotlib), and the figure helpers that
the saddle and train pictures share: pyplot, plot_format, figure_bytes."""

from __future__ import annotations

from graphdraw.analyses.taylor.notation import join, num
from graphdraw.analyses.taylor.series import Series
from graphdraw.analyses.taylor.text import polynomial_text, term_text, variable
from graphdraw.errors import GraphdrawError, ToolMissing
from graphdraw.lazy import np

# Okabe-Ito colours, told apart by dashes too (for print and colour blindness)
COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2", "#F0E442"]
STYLES = ["--", "-.", ":", (0, (5, 1.5, 1, 1.5)), (0, (1, 1)), (0, (8, 2))]


def plot(series: Series, path: str, xlim: tuple[float, float] | None = None) -> bytes:
    """The function against its truncations after 1, 2, … N terms; bytes in the format of
    the path's extension (png, svg or pdf)."""
    fmt = plot_format(path)
    plt = pyplot()
    f = series.function
    x0 = series.x0_float
    lo, hi = xlim if xlim else (x0 - 4.0, x0 + 4.0)
    xs = np.linspace(lo, hi, 801)
    ys = np.asarray(f.numeric(xs), dtype=float)
    finite = np.isfinite(ys)
    if not finite.any():
        raise GraphdrawError(f"{f.pretty} is not defined anywhere on [{lo:g}, {hi:g}]",
                             hint="choose another range with --xlim")
    y_lo, y_hi = float(ys[finite].min()), float(ys[finite].max())
    span = max(y_hi - y_lo, 0.5)
    fig, ax = plt.subplots(figsize=(9.6, 4.8), dpi=150)
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(x0, color="0.85", lw=0.8, zorder=0)
    _plot_truncations(ax, series, xs)
    ax.plot(xs[finite], ys[finite], color="black", lw=2.4, label=f"${f.latex}$", zorder=5)
    ax.plot([x0], [float(series.terms[0].value) if series.terms and series.terms[0].power == 0
                   else float(f.numeric(np.array([x0]))[0])], "o", color="black", ms=5,
            zorder=6)
    ax.set_xlim(lo, hi)
    ax.set_ylim(y_lo - 0.35 * span, y_hi + 0.35 * span)
    ax.set_xlabel(f"${f.variable}$" if f.variable.isascii() else f.variable)
    where = num(series.x0).replace("−", "-")
    ax.set_title(f"Taylor polynomials of ${f.latex}$ about ${f.variable} = {where}$",
                 fontsize=12)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=10, frameon=False,
              labelspacing=1.1)
    ax.grid(True, color="0.93", lw=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return figure_bytes(fig, fmt)


def _plot_truncations(ax, series: Series, xs) -> None:
    """One curve per truncation, after 1, 2, … N terms, labelled with its polynomial."""
    x0 = series.x0_float
    for count in range(1, len(series.terms) + 1):
        poly = np.zeros_like(xs)
        for t in series.terms[:count]:
            poly += t.value * (xs - x0) ** t.power
        label = polynomial_text(series, "latex", count)
        if count >= 4:          # long sums: the last two terms say which truncation it is
            tail = join([term_text(t, variable(series, "latex"), "latex")
                         for t in series.terms[count - 2:count]], "latex")
            label = r"\ldots " + (tail if tail.startswith("-") else "+ " + tail)
        ax.plot(xs, poly, color=COLOURS[(count - 1) % len(COLOURS)], lw=1.8,
                ls=STYLES[(count - 1) % len(STYLES)],
                label=f"{count} term{'s' if count > 1 else ''}: ${label}$")


def plot_format(path: str, option: str = "--plot") -> str:
    """svg, png or pdf from a file name's extension (svg without one), as render's -o."""
    from graphdraw.formats.picture_files import PLOTS, PictureError, picture_format
    try:
        return picture_format(path, PLOTS, option)
    except PictureError as exc:
        raise GraphdrawError(str(exc)) from None


def pyplot():
    """matplotlib.pyplot on the Agg backend, imported on first use."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ToolMissing(f"plots need matplotlib, which could not be imported ({exc})",
                          hint="pip install matplotlib (make demo installs it)") from None
    return plt


def figure_bytes(fig, fmt: str) -> bytes:
    """The figure's bytes; SVG and PDF without dates or random ids, for stable files."""
    import io
    plt = pyplot()
    buffer = io.BytesIO()
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None},
                "png": {}}[fmt]
    with plt.rc_context({"svg.hashsalt": "graphdraw"}):
        fig.savefig(buffer, format=fmt, metadata=metadata, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
