"""How pictures look: the themes (colours and shapes of each kind of node), styles, fonts."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Liberation Serif is a Times-metric serif with Greek, ŷ, primes and minus signs; Debian's
# graphviz package recommends fonts-liberation2, so `apt-get install graphviz` brings it.
# SVG viewers without it fall back to Times New Roman (same metrics), then any serif.
FONT = "Liberation Serif,Times New Roman,serif"
INK = "#333333"              # node borders, arrows
MUTED = "#6b6b6b"            # shapes, constants, legend words
GRAD = "#9c2f2f"             # local-derivative labels on edges

# What each kind of node means, for the legend (the same words in every theme).
KIND_WORDS = {
    "input": "input (data)",
    "target": "target",
    "param": "parameter (gets a gradient)",
    "constant": "constant (takes no gradient)",
    "op": "operation",
    "intermediate": "intermediate value",
    "output": "output",
}


@dataclass(frozen=True)
class Theme:
    """How a picture is drawn: one entry of THEMES.

    `kinds` maps each kind of node (and "op", the operation nodes of the ops style) to its
    Graphviz attributes; the legend's samples are drawn from the same table, so the legend
    always follows the theme.
    """

    kinds: dict[str, dict[str, str]]
    ink: str                 # node borders, arrows, values
    muted: str               # shapes, constants, legend words
    grad: str                # local derivatives on edges, gradients in nodes
    node: dict[str, str]     # every node (border width)
    edge: dict[str, str]     # every edge
    constant_edge: dict[str, str]    # an edge from a constant: no gradient flows
    plate: dict[str, str]    # the dashed box around the nodes repeated per sample
    legend: dict[str, str]   # the legend's frame


# One row per theme, one entry per kind. default: colour says the role (blue data, green
# targets, orange learnable parameters, gold the output); leaves are ellipses, computed values
# boxes. print: black on white with thin lines for a greyscale page; the kinds differ by
# shape and line (a target's border is dashed, a parameter is filled grey, the output has a
# double border), never by colour alone. colorblind: the Okabe–Ito palette (distinguishable
# with any colour-vision deficiency) with darker borders than fills.
THEMES: dict[str, Theme] = {
    "default": Theme(
        kinds={
            "input": {"shape": "ellipse", "style": "filled", "fillcolor": "#dbe9f6",
                      "color": "#3b73b9"},
            "target": {"shape": "ellipse", "style": "filled", "fillcolor": "#dcf0dc",
                       "color": "#3a8a3a"},
            "param": {"shape": "ellipse", "style": "filled", "fillcolor": "#fde5cc",
                      "color": "#d2691e"},
            # plain: no minimum size and no margin, so a dashed arrow starts right at the number
            "constant": {"shape": "plain", "fontcolor": MUTED},
            "op": {"shape": "circle", "style": "filled", "fillcolor": "#eeeeee",
                   "color": "#555555"},
            "intermediate": {"shape": "box", "style": "rounded,filled", "fillcolor": "white",
                             "color": INK},
            "output": {"shape": "box", "style": "rounded,filled,bold", "fillcolor": "#fff3c4",
                       "color": "#000000", "penwidth": "2.2"},
        },
        ink=INK, muted=MUTED, grad=GRAD,
        node={"color": INK, "penwidth": "1.2"},
        edge={"color": INK, "fontcolor": GRAD, "arrowsize": "0.7", "penwidth": "1.1"},
        constant_edge={"style": "dashed", "color": "#9a9a9a", "arrowsize": "0.6"},
        plate={"style": "rounded,dashed", "color": "#777777", "fontcolor": "#555555",
               "penwidth": "1.2"},
        legend={"style": "rounded,filled", "color": "#bbbbbb", "fillcolor": "#fafafa",
                "penwidth": "1"},
    ),
    "print": Theme(
        kinds={
            "input": {"shape": "ellipse", "style": "filled", "fillcolor": "white",
                      "color": "black"},
            "target": {"shape": "ellipse", "style": "filled,dashed", "fillcolor": "white",
                       "color": "black"},
            "param": {"shape": "ellipse", "style": "filled", "fillcolor": "#d9d9d9",
                      "color": "black"},
            "constant": {"shape": "plain", "fontcolor": "#404040"},
            "op": {"shape": "circle", "style": "filled", "fillcolor": "white",
                   "color": "black"},
            "intermediate": {"shape": "box", "style": "rounded,filled", "fillcolor": "white",
                             "color": "black"},
            "output": {"shape": "box", "style": "rounded,filled", "fillcolor": "#f0f0f0",
                       "color": "black", "peripheries": "2"},
        },
        ink="#000000", muted="#404040", grad="#000000",
        node={"color": "black", "penwidth": "0.7"},
        edge={"color": "black", "fontcolor": "black", "arrowsize": "0.6", "penwidth": "0.7"},
        constant_edge={"style": "dashed", "color": "#707070", "arrowsize": "0.5"},
        plate={"style": "rounded,dashed", "color": "black", "fontcolor": "black",
               "penwidth": "0.7"},
        legend={"style": "rounded", "color": "#707070", "penwidth": "0.5"},
    ),
    "colorblind": Theme(
        kinds={
            "input": {"shape": "ellipse", "style": "filled", "fillcolor": "#d9eefb",
                      "color": "#0072b2"},
            "target": {"shape": "ellipse", "style": "filled", "fillcolor": "#a6dfc9",
                       "color": "#009e73"},
            "param": {"shape": "ellipse", "style": "filled", "fillcolor": "#fbe3b3",
                      "color": "#d55e00"},
            "constant": {"shape": "plain", "fontcolor": MUTED},
            "op": {"shape": "circle", "style": "filled", "fillcolor": "#f3dceb",
                   "color": "#a8507f"},
            "intermediate": {"shape": "box", "style": "rounded,filled", "fillcolor": "white",
                             "color": "#222222"},
            "output": {"shape": "box", "style": "rounded,filled,bold", "fillcolor": "#f8f1a0",
                       "color": "#000000", "penwidth": "2.2"},
        },
        ink="#222222", muted=MUTED, grad="#0072b2",
        node={"color": "#222222", "penwidth": "1.4"},
        edge={"color": "#222222", "fontcolor": "#0072b2", "arrowsize": "0.7",
              "penwidth": "1.1"},
        constant_edge={"style": "dashed", "color": "#999999", "arrowsize": "0.6"},
        plate={"style": "rounded,dashed", "color": "#555555", "fontcolor": "#333333",
               "penwidth": "1.2"},
        legend={"style": "rounded,filled", "color": "#bbbbbb", "fillcolor": "#fafafa",
                "penwidth": "1"},
    ),
}
DEFAULT_THEME = "default"
# named: a node per name the user wrote, the unnamed steps composed into the edges'
# derivatives (core/named.py); textbook: a node per value, each showing its computation;
# ops: each operation is a small node of its own between the values it reads and the value
# it makes (torchviz, micrograd).
DRAW_STYLES = ("named", "textbook", "ops")
DEFAULT_STYLE = "textbook"           # to_digraph's own, for callers that draw the full graph
# The page-ready figure: what `graphdraw render` and the Python API (Graph.dot, .svg, the
# Jupyter display) draw unless told otherwise. The one place these defaults are set: the
# named view, the direction that keeps the larger text on a page, the compact legend.
PAGE_READY = {"style": "named", "rankdir": "auto", "legend": "compact"}

# kind -> (node attributes, legend words) of the default theme (check.py draws with these).
STYLES: dict[str, tuple[dict[str, str], str]] = {
    kind: (attrs, KIND_WORDS[kind]) for kind, attrs in THEMES[DEFAULT_THEME].kinds.items()
    if kind != "op"}
KINDS = tuple(STYLES)

_FONT_NAME = re.compile(r"[\w .,:+'-]+")


def font_name(name: str | None) -> str:
    """A font (fontconfig) name for Graphviz's fontname; None or "" is graphdraw's serif.

    Several names separated by commas are tried in turn. ValueError for a name DOT could
    misread (quotes, backslashes, control characters).

    >>> font_name(None) == FONT, font_name(" DejaVu Sans ")
    (True, 'DejaVu Sans')
    """
    text = "" if name is None else str(name).strip()
    if not text:
        return FONT
    if len(text) > 200 or not _FONT_NAME.fullmatch(text):
        raise ValueError(f"not a font name: {text!r} (use letters, digits, spaces, commas, "
                         "'-', '.', ':' and '+', e.g. 'DejaVu Sans')")
    return text


def theme_named(name: str) -> Theme:
    """THEMES[name]; ValueError names the themes."""
    if name not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {name!r}")
    return THEMES[name]
