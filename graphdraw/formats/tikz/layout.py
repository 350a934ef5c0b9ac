"""Reading Graphviz's `-Tjson` layout: how dot drew each object (shape, colours, lines, splines)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SHAPES = {"ellipse": "ellipse", "oval": "ellipse", "circle": "circle",
           "doublecircle": "circle", "point": "circle", "box": "rectangle",
           "rect": "rectangle", "rectangle": "rectangle", "square": "rectangle"}
_TEXTLESS = ("plain", "plaintext", "none")


@dataclass
class Look:
    """How dot drew one node or edge: its shape, lines, colours (#rrggbb) and text colour."""

    shape: str | None = None          # a TikZ shape, None for text only
    line: str | None = None
    fill: str | None = None
    text: str | None = None
    width: float | None = None
    dash: str | None = None
    rounded: bool = False
    double: bool = False


def colour(value: object) -> str | None:
    """#rrggbb from an xdot colour; None for transparent or anything else.

    >>> colour("#D2691E"), colour("#fffffe00"), colour("#112233ff"), colour("red")
    ('d2691e', None, '112233', None)
    """
    text = str(value or "").lower()
    if re.fullmatch(r"#[0-9a-f]{8}", text):
        return None if text[7:] == "00" else text[1:7]
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return text[1:]
    return None


def ops_look(draw: list, look: Look) -> Look:
    """Fill `look` from xdot drawing operations (first pen and fill colour, line style)."""
    for op in draw or ():
        kind = op.get("op")
        if kind == "c" and look.line is None:
            look.line = colour(op.get("color"))
        elif kind == "C" and look.fill is None:
            look.fill = colour(op.get("color"))
        elif kind == "S":
            style = str(op.get("style", ""))
            width = re.fullmatch(r"setlinewidth\(([0-9.]+)\)", style)
            if width:
                look.width = float(width.group(1))
            elif style in ("dashed", "dotted"):
                look.dash = style
    return look


def text_colour(ldraw: list) -> str | None:
    """The first text colour of a label's drawing operations."""
    for op in ldraw or ():
        if op.get("op") == "c":
            return colour(op.get("color"))
    return None


def label_text(ldraw: list) -> str:
    """The words of a label as dot drew them, joined (for objects graphdraw does not know)."""
    return " ".join(str(op.get("text", "")) for op in ldraw or () if op.get("op") == "T")


def node_look(obj: dict) -> Look:
    """How dot drew a node: its TikZ shape, lines and fill, text colour."""
    style = str(obj.get("style", ""))
    shape_attr = str(obj.get("shape", "ellipse"))
    look = Look(shape=None if shape_attr in _TEXTLESS else _SHAPES.get(shape_attr, "rectangle"))
    ops_look(obj.get("_draw_"), look)
    if look.shape is None or "invis" in style:
        look.line = look.fill = None
    if "filled" not in style:
        look.fill = None
    look.rounded = "rounded" in style and look.shape == "rectangle"
    look.double = shape_attr == "doublecircle" or to_float(obj.get("peripheries"), 1) >= 2
    look.text = text_colour(obj.get("_ldraw_"))
    return look


def to_float(value: object, default: float) -> float:
    """A number from a layout attribute, `default` when it is missing or not one."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def spline_points(pos: str) -> tuple[list[tuple[float, float]], bool, bool]:
    """An edge's spline points from its `pos`, and whether it has a start and an end arrow.

    >>> spline_points("e,10,0 0,0 3,0 6,0 9,0")
    ([(0.0, 0.0), (3.0, 0.0), (6.0, 0.0), (9.0, 0.0)], False, True)
    """
    points, start, end = [], False, False
    for part in str(pos).split(";")[0].split():
        if part.startswith("s,"):
            start = True
        elif part.startswith("e,"):
            end = True
        else:
            x, y = part.split(",")[:2]
            points.append((float(x), float(y)))
    return points, start, end
