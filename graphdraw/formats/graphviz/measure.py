"""How large a figure's text is on a page: the smallest font size once the figure is scaled
to fit a box (16 cm × 22 cm, a report's text block, unless told), read from dot's -Tjson."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from graphdraw.formats.graphviz.layout import forget, layouts
from graphdraw.formats.graphviz.legend import LEGEND_ID
from graphdraw.formats.graphviz.themes import PAGE_READY  # noqa: F401  (render's defaults)

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


AUTO_LIMIT = 150            # nodes; a larger graph is drawn left to right without trying
CLEAR = 1.25                # TB's text this many times the estimate of LR's: no LR layout


def choose_rankdir(make_dot, drawn, box: tuple[float, float] = PAGE, *,
                   timeout: float = 30.0, ahead: tuple[str, ...] = ()) -> str:
    """'TB' or 'LR', whichever keeps the larger text when the figure fits `box`.

    `make_dot(rankdir)` (called for "LR" only when needed) is laid out top to bottom (in the same dot run also in the formats
    `ahead`, the writer's, so the winner's layout is not run again). From that layout's
    ranks the size of the figure drawn left to right is estimated (`across`): when the
    top-to-bottom text is CLEAR times larger than the estimate allows, that is the answer
    with one dot run; otherwise the figure is laid out left to right too and the two are
    measured (left to right when within 2 %). Left to right without trying when `drawn`
    (the graph drawn) has more than AUTO_LIMIT nodes, or when dot is missing or fails: the
    format that needs the layout then says why, and --format dot needs no Graphviz.
    """
    from graphdraw.errors import GraphdrawError
    if drawn.number_of_nodes() > AUTO_LIMIT:
        return "LR"
    try:
        laid_out = json.loads(layouts(make_dot("TB"), ("json",), timeout=timeout,
                                      ahead=ahead)["json"].decode("utf-8"))
        down = fit(laid_out, box)
        if down.text >= CLEAR * across(laid_out, box).text:
            return "TB"
        right = fit_dot(make_dot("LR"), box, timeout=timeout, ahead=ahead)
    except GraphdrawError:
        return "LR"
    chosen = "TB" if down.text > right.text * 1.02 else "LR"
    forget(make_dot("LR" if chosen == "TB" else "TB"), ahead)     # the loser's layout
    return chosen


def across(laid_out: dict, box: tuple[float, float] = PAGE) -> Fitted:
    """An estimate of a top-to-bottom layout drawn left to right, fitted to `box`.

    dot lays out left to right as top to bottom with each node's width and height swapped:
    the ranks (nodes and edge labels that share a y) become columns, each as wide as its
    widest member, with the same gaps between them; a column is as tall as its members'
    heights and dot's nodesep between them. Everything else (title, legend, caption) keeps
    its height. The estimate leans towards a larger text left to right: it can only make
    choose_rankdir lay the figure out both ways when one was enough.
    """
    x0, y0, x1, y1 = (float(v) for v in laid_out["bb"].split(","))
    pad = 72 * float(str(laid_out.get("pad", "0")).split(",")[0] or 0)
    nodesep = 72 * float(laid_out.get("nodesep", 0.25))
    ranks: dict[int, list[tuple[float, float]]] = {}
    low, high = y1, y0
    for item in (*_node_boxes(laid_out), *_label_boxes(laid_out)):
        x, y, width, height = item
        ranks.setdefault(round(y), []).append((width, height))
        low, high = min(low, y - height / 2), max(high, y + height / 2)
    if not ranks:
        return fit(laid_out, box)
    rows = sorted(ranks)
    thick = sum(max(h for _, h in ranks[r]) for r in rows)
    gaps = max(0.0, (high - low) - thick)          # the space dot left between the ranks
    width = sum(max(w for w, _ in ranks[r]) for r in rows) + gaps
    height = max(sum(h for _, h in ranks[r]) + nodesep * (len(ranks[r]) - 1) for r in rows)
    height += max(0.0, (y1 - y0) - (high - low))   # title, caption, the legend under it
    sizes = font_sizes(laid_out)
    width, height = width + 2 * pad, height + 2 * pad
    return Fitted(width, height, min(sizes) if sizes else 0.0,
                  min(box[0] / width, box[1] / height))


def _node_boxes(laid_out: dict) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) in pt of every node but the legend."""
    boxes = []
    for obj in laid_out.get("objects", ()):
        if "pos" not in obj or str(obj.get("name", "")).startswith("n" + LEGEND_ID):
            continue
        x, y = (float(v) for v in obj["pos"].split(",")[:2])
        boxes.append((x, y, 72 * float(obj.get("width", 0)), 72 * float(obj.get("height", 0))))
    return boxes


def _label_boxes(laid_out: dict) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) in pt of every edge label, from its text's extent."""
    boxes = []
    for edge in laid_out.get("edges", ()):
        if "lp" not in edge:
            continue
        texts = [op for op in edge.get("_ldraw_", ()) if op.get("op") == "T"]
        if not texts:
            continue
        size = max(float(op.get("size", 0)) for op in edge["_ldraw_"] if op.get("op") == "F")
        left = min(op["pt"][0] - _before(op) for op in texts)
        right = max(op["pt"][0] - _before(op) + float(op.get("width", 0)) for op in texts)
        bottom = min(op["pt"][1] for op in texts) - 0.3 * size
        top = max(op["pt"][1] for op in texts) + size
        x, y = (float(v) for v in edge["lp"].split(","))
        boxes.append((x, y, right - left + 6, top - bottom + 6))   # the label's margin
    return boxes


def _before(op: dict) -> float:
    """How far a text run starts left of its point (by its alignment)."""
    width = float(op.get("width", 0))
    return {"l": 0.0, "r": width}.get(op.get("align"), width / 2)
