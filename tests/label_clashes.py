"""Where the labels of a laid-out drawing clash, read from Graphviz's `-Tjson` (xdot) output.

Each run of text Graphviz draws (an xdot `T` operation) becomes a box: its width as Graphviz
measured it, from cap height down to the baseline, or to the descender when it has a
character that reaches below (g, y, parentheses). A label is the runs of one
node, edge or cluster. Three kinds of clash are counted, as a reader sees them:

- **text on text**: a run of one label overlapping a run of another by more than 0.5 pt;
- **text on a line**: a run of an edge's label (its derivative or its value) crossed or
  touched by any edge's line or arrowhead (its own too), with a margin of `MARGIN` points;
- **node on a border**: a node (a plate's constant) that a cluster's border runs through.

Used by tests/test_values_layout.py for every picture of the gallery.
"""

from __future__ import annotations

import json
import subprocess
from typing import NamedTuple

MARGIN = 1.0      # points of white between an edge's text and any line
DESCENDERS = frozenset("gjpqyfQ(),;[]{}|/_βγζημξρφχψ∂ŷ")    # ink below the baseline


class Box(NamedTuple):
    left: float
    bottom: float
    right: float
    top: float
    owner: str       # "node NAME", "edge TAIL->HEAD", "cluster NAME"
    text: str


def laid_out(dot: bytes | str) -> dict:
    """Graphviz's layout of a DOT source as JSON (`dot -Tjson`)."""
    data = dot.encode("utf-8") if isinstance(dot, str) else dot
    done = subprocess.run(["dot", "-Tjson"], input=data, capture_output=True, check=True)
    return json.loads(done.stdout)


def runs(ops: list[dict], owner: str) -> list[Box]:
    """The boxes of the text runs of one xdot drawing (an `_ldraw_`)."""
    boxes, size = [], 14.0
    for op in ops:
        if op["op"] == "F":
            size = float(op["size"])
        elif op["op"] == "T" and op["text"].strip():
            x, y = op["pt"]
            width = float(op["width"])
            left = {"l": x, "c": x - width / 2, "r": x - width}[op["align"]]
            low = 0.22 if set(op["text"]) & DESCENDERS else 0.0
            boxes.append(Box(left, y - low * size, left + width, y + 0.72 * size, owner,
                             op["text"]))
    return boxes


def _bezier(points: list[list[float]], steps: int = 12) -> list[tuple[float, float]]:
    """Points along a piecewise cubic Bézier (xdot's `b`/`B`: 1 + 3k control points)."""
    out = [tuple(points[0])]
    for i in range(0, len(points) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[i:i + 4]
        for k in range(1, steps + 1):
            t = k / steps
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
            out.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return out


def lines(edge: dict) -> list[list[tuple[float, float]]]:
    """An edge's drawn lines as polylines: its curve and its arrowheads' outlines."""
    out = []
    for key in ("_draw_", "_hdraw_", "_tdraw_"):
        for op in edge.get(key, []):
            if op["op"] in ("b", "B"):
                out.append(_bezier(op["points"]))
            elif op["op"] in ("p", "P", "L"):
                pts = [tuple(p) for p in op["points"]]
                out.append(pts + pts[:1] if op["op"] != "L" else pts)
    return out


def _crosses(box: Box, line: list[tuple[float, float]], margin: float) -> bool:
    """True when a polyline passes through a box grown by `margin` (sampled finely)."""
    left, bottom = box.left - margin, box.bottom - margin
    right, top = box.right + margin, box.top + margin
    for (x0, y0), (x1, y1) in zip(line, line[1:]):
        for k in range(9):
            t = k / 8
            x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            if left < x < right and bottom < y < top:
                return True
    return False


def _overlap(a: Box, b: Box) -> float:
    """How far two boxes overlap: the smaller of the two sides of their intersection."""
    return min(min(a.right, b.right) - max(a.left, b.left),
               min(a.top, b.top) - max(a.bottom, b.bottom))


def clashes(layout: dict, margin: float = MARGIN) -> list[str]:
    """Every clash of a layout, one line each (empty when the labels read cleanly)."""
    names = {obj["_gvid"]: obj.get("name", "") for obj in layout.get("objects", [])}
    labels: list[Box] = []
    for obj in layout.get("objects", []):
        kind = "cluster" if "nodes" in obj else "node"
        labels += runs(obj.get("_ldraw_", []), f"{kind} {obj.get('name', '')}")
    edges = layout.get("edges", [])
    edge_labels = []
    for edge in edges:
        owner = f"edge {names.get(edge['tail'])}->{names.get(edge['head'])}"
        for key in ("_ldraw_", "_xldraw_", "_hldraw_", "_tldraw_"):
            edge_labels += runs(edge.get(key, []), owner)
    out = []
    every = labels + edge_labels
    for i, a in enumerate(every):
        for b in every[i + 1:]:
            if a.owner != b.owner and _overlap(a, b) > 0.5:
                out.append(f"text on text: {a.text!r} ({a.owner}) and {b.text!r} ({b.owner})")
    out += on_borders(layout)
    drawn = [line for edge in edges for line in lines(edge)]
    for box in edge_labels:
        if any(_crosses(box, line, margin) for line in drawn):
            out.append(f"text on a line: {box.text!r} ({box.owner})")
    return out


def on_borders(layout: dict) -> list[str]:
    """Nodes a cluster's border (a plate's box) runs through: partly inside, partly out."""
    clusters = [(obj.get("name", ""), [float(v) for v in obj["bb"].split(",")])
                for obj in layout.get("objects", []) if "nodes" in obj and "bb" in obj]
    out = []
    for obj in layout.get("objects", []):
        if "nodes" in obj or "pos" not in obj:
            continue
        x, y = (float(v) for v in obj["pos"].split(","))
        half_w, half_h = float(obj["width"]) * 36, float(obj["height"]) * 36
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        for name, (left, bottom, right, top) in clusters:
            inside = left <= box[0] and bottom <= box[1] and box[2] <= right and box[3] <= top
            apart = box[2] <= left or box[0] >= right or box[3] <= bottom or box[1] >= top
            if not inside and not apart:
                out.append(f"node on a border: {obj.get('name', '')!r} on {name}'s")
    return out
