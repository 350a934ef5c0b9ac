"""Hotspots: the shapes over the diagram that react to the pointer, placed in % of it.

Each hotspot holds a copy of a node's outline or an edge's curve, in the drawing's own
coordinates, and its tooltip, placed to grow away from the nearer edges of the diagram.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from graphdraw.formats.html.markup import SVG_NS, local_name, serialize

_PAIR = re.compile(r"(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?),(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)", re.I)


class Frame:
    """Maps the drawing's coordinates to % of the diagram, and writes hotspots."""

    PAD = 7.0                           # points around a shape that still count as on it

    def __init__(self, view: list[float], transform: str) -> None:
        self.view, self.transform = view, transform
        self.sx, self.sy, self.tx, self.ty = _translation(transform)

    def outer(self, x: float, y: float) -> tuple[float, float]:
        """A point of the graph's group in the SVG's own (viewBox) coordinates."""
        # Graphviz writes "scale(s s) rotate(0) translate(tx ty)": translate first.
        return self.sx * (x + self.tx), self.sy * (y + self.ty)

    def hotspot(self, index: int, kind: str, shapes: list[ET.Element], body: str, label: str,
                attrs: dict[str, str], anchor: tuple[float, float] | None = None) -> str:
        """One hotspot: a box around `shapes` in % of the diagram, a copy of them, the tip."""
        xs: list[float] = []
        ys: list[float] = []
        for shape in shapes:
            x0, y0, x1, y1 = _box([shape])
            xs += [x0, x1]
            ys += [y0, y1]
        if not xs:
            return ""
        (ax, ay), (bx, by) = self.outer(min(xs), min(ys)), self.outer(max(xs), max(ys))
        left, right = sorted((ax, bx))
        top, bottom = sorted((ay, by))
        left, top, right, bottom = (left - self.PAD, top - self.PAD, right + self.PAD,
                                    bottom + self.PAD)
        vx, vy, vw, vh = self.view
        width, height = right - left, bottom - top
        box = (f"left:{100 * (left - vx) / vw:.3f}%;top:{100 * (top - vy) / vh:.3f}%;"
               f"width:{100 * width / vw:.3f}%;height:{100 * height / vh:.3f}%")
        tip_id = f"tip{index + 1}"
        inner = "".join(serialize(shape) for shape in shapes)
        mini = (f'<svg viewBox="{left:.2f} {top:.2f} {width:.2f} {height:.2f}" '
                f'preserveAspectRatio="none" aria-hidden="true" focusable="false">'
                f'<g transform="{html.escape(self.transform)}">{inner}</g></svg>')
        # The tooltip grows away from the nearer edges of the diagram: below a spot in the
        # upper part, above it in the lower part; rightwards in the left half.
        if anchor is None:
            px = py = None
            cx, cy = (left + right) / 2, (top + bottom) / 2
        else:
            px, py = self.outer(*anchor)
            cx, cy = px, py
        place = []
        if (cx - vx) / vw <= 0.5:
            place.append("left:0" if px is None else f"left:{100 * (px - left) / width:.2f}%")
        else:
            place.append("right:0" if px is None else
                         f"right:{100 * (right - px) / width:.2f}%")
        if (cy - vy) / vh <= 0.55:
            place.append("top:100%" if py is None else
                         f"top:calc({100 * (py - top) / height:.2f}% + 10px)")
        else:
            place.append("bottom:100%" if py is None else
                         f"bottom:calc({100 * (bottom - py) / height:.2f}% + 10px)")
        extra = "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items())
        return (f'<div class="hot {kind}" style="{box}" tabindex="0" role="img" '
                f'aria-label="{html.escape(label)}" aria-describedby="{tip_id}"{extra}>{mini}'
                f'<div class="tip" id="{tip_id}" role="tooltip" style="{";".join(place)}">'
                f"{body}</div></div>\n")


def _translation(transform: str) -> tuple[float, float, float, float]:
    """(scale x, scale y, translate x, translate y) of Graphviz's graph transform."""
    sx = sy = 1.0
    tx = ty = 0.0
    scale = re.search(r"scale\(\s*([-\d.e]+)(?:[\s,]+([-\d.e]+))?\s*\)", transform)
    if scale:
        sx = float(scale.group(1))
        sy = float(scale.group(2)) if scale.group(2) else sx
    move = re.search(r"translate\(\s*([-\d.e]+)(?:[\s,]+([-\d.e]+))?\s*\)", transform)
    if move:
        tx, ty = float(move.group(1)), float(move.group(2) or 0)
    return sx, sy, tx, ty


def _box(elements) -> tuple[float, float, float, float]:
    """The bounding box (x0, y0, x1, y1) of some shapes, in their own coordinates."""
    xs: list[float] = []
    ys: list[float] = []
    for element in elements:
        tag = local_name(element.tag)
        if tag in ("polygon", "polyline"):
            points = _PAIR.findall(element.get("points", ""))
        elif tag == "path":
            points = _PAIR.findall(element.get("d", ""))
        elif tag == "ellipse":
            cx, cy = float(element.get("cx", 0)), float(element.get("cy", 0))
            rx, ry = float(element.get("rx", 0)), float(element.get("ry", 0))
            points = [(cx - rx, cy - ry), (cx + rx, cy + ry)]
        elif tag == "rect":
            x, y = float(element.get("x", 0)), float(element.get("y", 0))
            points = [(x, y), (x + float(element.get("width", 0)),
                               y + float(element.get("height", 0)))]
        else:
            points = []
        for x, y in points:
            xs.append(float(x))
            ys.append(float(y))
    if not xs:
        return 0.0, 0.0, 0.0, 0.0
    return min(xs), min(ys), max(xs), max(ys)


def _text_rect(group: ET.Element) -> ET.Element | None:
    """A rectangle around the text of a group (a plain node's label, an edge's label)."""
    xs: list[float] = []
    ys: list[float] = []
    for text in group.iter(f"{{{SVG_NS}}}text"):
        x, y = float(text.get("x", 0)), float(text.get("y", 0))
        size = float(text.get("font-size", 12))
        width = 0.5 * size * max(len(text.text or ""), 1)
        anchor = text.get("text-anchor", "start")
        start = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
        xs += [start, start + width]
        ys += [y - 0.8 * size, y + 0.25 * size]
    if not xs:
        return None
    return ET.Element(f"{{{SVG_NS}}}rect", {
        "x": f"{min(xs):.2f}", "y": f"{min(ys):.2f}", "width": f"{max(xs) - min(xs):.2f}",
        "height": f"{max(ys) - min(ys):.2f}"})


def _shape(element: ET.Element, role: str, extra: dict[str, str] | None = None) -> ET.Element:
    """A copy of an outline, curve or arrowhead as a hotspot shape: 'hit' (reacts to the
    pointer, invisible) or 'mark' (drawn in the accent colour while hovered)."""
    keep = {k: v for k, v in element.attrib.items() if k in ("points", "d", "cx", "cy", "rx",
                                                           "ry", "x", "y", "width", "height")}
    return ET.Element(element.tag, {**keep, "class": role, **(extra or {})})


def node_shapes(group: ET.Element) -> list[ET.Element]:
    """A node's hotspot shapes: its outline, or a box around the text of a plain node."""
    outline = [e for e in group if local_name(e.tag) in ("polygon", "ellipse", "path")]
    if not outline:                     # a plain node (a constant): its text
        rect = _text_rect(group)
        outline = [rect] if rect is not None else []
    return [_shape(e, "hit") for e in outline] + [_shape(e, "mark") for e in outline[:1]]


def edge_shapes(group: ET.Element) -> list[ET.Element]:
    """An edge's hotspot shapes: its curve, its arrowhead and its label."""
    curves = [e for e in group if local_name(e.tag) == "path"]
    heads = [e for e in group if local_name(e.tag) == "polygon"]
    shapes = [_shape(e, "hit line") for e in curves] + [_shape(e, "hit") for e in heads]
    label = _text_rect(group)
    if label is not None:
        shapes.append(_shape(label, "hit"))       # the label: what a reader looks at
    shapes += [_shape(e, "mark line") for e in curves] + [_shape(e, "mark") for e in heads]
    return shapes


def edge_anchor(group: ET.Element) -> tuple[float, float] | None:
    """Where an edge's tooltip attaches: the middle of its curve."""
    path = next((e for e in group if local_name(e.tag) == "path"), None)
    points = _PAIR.findall(path.get("d", "")) if path is not None else []
    if not points:
        return None
    x, y = points[len(points) // 2]
    return float(x), float(y)
