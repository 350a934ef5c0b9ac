"""How large a figure's text is on a page: the smallest font size once the figure is scaled
to fit a box (16 cm × 22 cm, a report's text block, unless told), read from dot's -Tjson."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from graphdraw.formats.graphviz.layout import layouts

POINTS = {"pt": 1.0, "bp": 1.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4}
PAGE = (16 * POINTS["cm"], 22 * POINTS["cm"])      # 453.5 × 623.6 pt
_LENGTH = r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(pt|bp|in|cm|mm)?\s*"
_BOX = re.compile(_LENGTH + r"[x×*]" + _LENGTH, re.IGNORECASE)


def parse_box(text: str) -> tuple[float, float]:
    """A box 'WIDTHxHEIGHT' in points: '16cmx22cm', '6.3in x 8.7in', '453x624' (pt).

    A width without a unit takes the height's unit ('16x22cm' is 16 cm × 22 cm).

    >>> [round(v, 1) for v in parse_box("16cmx22cm")], parse_box("453x624")
    ([453.5, 623.6], (453.0, 624.0))
    """
    found = _BOX.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"--fit takes WIDTHxHEIGHT with a unit of {', '.join(POINTS)} "
                         f"(e.g. 16cmx22cm), not {text!r}")
    width, w_unit, height, h_unit = found.groups()
    w_unit = (w_unit or h_unit or "pt").lower()
    h_unit = (h_unit or w_unit).lower()
    box = float(width) * POINTS[w_unit], float(height) * POINTS[h_unit]
    if min(box) <= 0:
        raise ValueError(f"--fit needs a box larger than zero, not {text!r}")
    return box


@dataclass(frozen=True)
class Fitted:
    """A figure laid out by dot and scaled to fit a box."""

    width: float            # the drawing as dot makes it, pad included, in pt
    height: float
    smallest: float         # the smallest font size at that size, in pt
    scale: float            # the factor that makes it fit the box (> 1 enlarges)

    @property
    def text(self) -> float:
        """The smallest text once scaled, in pt."""
        return self.smallest * self.scale

    @property
    def size(self) -> tuple[float, float]:
        return self.width * self.scale, self.height * self.scale

    def report(self) -> str:
        """One line for stderr."""
        width, height = self.size
        return (f"{width / POINTS['cm']:.1f} cm × {height / POINTS['cm']:.1f} cm "
                f"({width:.0f} × {height:.0f} pt), smallest text {self.text:.1f} pt")


def font_sizes(laid_out: dict) -> list[float]:
    """The size of every piece of text dot draws (nodes, edges, clusters, the graph)."""
    sizes = []
    items = [laid_out, *laid_out.get("objects", ()), *laid_out.get("edges", ())]
    for item in items:
        for key, ops in item.items():
            if not (key.startswith("_") and key.endswith("draw_")) or not isinstance(ops, list):
                continue
            size = None
            for op in ops:
                if op.get("op") == "F":
                    size = float(op.get("size", 14.0))
                elif op.get("op") == "T" and str(op.get("text", "")).strip() and size:
                    sizes.append(size)
    return sizes


def fit(laid_out: dict, box: tuple[float, float] = PAGE) -> Fitted:
    """The figure of a -Tjson layout scaled to fit `box` (pt): its smallest text and size.

    dot's bounding box leaves out the pad, which dot's `size` (and an SVG's size) count.
    """
    x0, y0, x1, y1 = (float(v) for v in laid_out["bb"].split(","))
    pad = 72 * float(str(laid_out.get("pad", "0")).split(",")[0] or 0)
    width, height = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    sizes = font_sizes(laid_out)
    smallest = min(sizes) if sizes else 0.0
    scale = min(box[0] / width, box[1] / height) if width > 0 and height > 0 else 1.0
    return Fitted(width, height, smallest, scale)


def fit_dot(dot_source: str, box: tuple[float, float] = PAGE, *,
            timeout: float = 30.0, ahead: tuple[str, ...] = ()) -> Fitted:
    """`fit` for DOT source (runs dot -Tjson; a `size` in the source does not change it).
    The same dot run also lays the source out in the formats `ahead` (layout.layouts)."""
    laid_out = layouts(dot_source, ("json",), timeout=timeout, ahead=ahead)["json"]
    return fit(json.loads(laid_out.decode("utf-8")), box)


def size_attribute(box: tuple[float, float]) -> str:
    """dot's graph attribute `size` that scales a drawing, pad included, to fit `box`."""
    return f"{box[0] / 72:.4f},{box[1] / 72:.4f}!"


PAGE_READY = {"style": "named", "rankdir": "auto", "legend": "compact"}   # render's defaults
AUTO_LIMIT = 150            # nodes; a larger graph is drawn left to right without trying


def choose_rankdir(make_dot, nodes: int, box: tuple[float, float] = PAGE, *,
                   timeout: float = 30.0, ahead: tuple[str, ...] = ()) -> str:
    """'TB' or 'LR', whichever keeps the larger text when the figure fits `box`:
    `make_dot(rankdir)` is laid out both ways (left to right when equal, when the graph
    has more than AUTO_LIMIT nodes, or when dot is missing or fails: the format that
    needs the layout then says why, and --format dot needs no Graphviz). Each trial also
    lays its figure out in the formats `ahead` (the writer's), so the winner's layout is
    not run again."""
    from graphdraw.errors import GraphdrawError as ToolMissing
    if nodes > AUTO_LIMIT:
        return "LR"
    from concurrent.futures import ThreadPoolExecutor
    sources = {rankdir: make_dot(rankdir) for rankdir in ("LR", "TB")}
    try:        # the two layouts are two dot processes, run at the same time
        with ThreadPoolExecutor(max_workers=2) as pool:
            found = dict(zip(sources, pool.map(
                lambda source: fit_dot(source, box, timeout=timeout, ahead=ahead).text, sources.values())))
    except ToolMissing:
        return "LR"
    sizes = found
    return "TB" if sizes["TB"] > sizes["LR"] * 1.02 else "LR"
