"""Themes as TikZ styles: named colours, a style per kind of node, fonts, the picture's header.

The colours are read from the layout (where Graphviz has resolved render's theme), so the
picture follows whichever theme render drew with; a document may redefine the styles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import networkx as nx

from graphdraw.formats.graphviz import themes
from graphdraw.formats.tikz.layout import Look, colour
from graphdraw.formats.tikz.text import comment, num

LIBRARIES = ("arrows.meta", "shapes.geometric")
PREAMBLE = ("\\usepackage{amsmath}\n\\usepackage{tikz}\n"
            f"\\usetikzlibrary{{{','.join(LIBRARIES)}}}\n")

# Sizes relative to the document's font, chosen so that Computer Modern fits the boxes dot
# measured for Liberation Serif at 20, 12, 11 and 10 pt (render's NAME_SIZE, EXPR_SIZE, ...).
NAME_FONT = r"\LARGE"            # a named value's name
EXPR_FONT = r"\normalsize"       # forward computations, unnamed values
LABEL_FONT = r"\normalsize"      # local derivatives on edges
SMALL_FONT = r"\footnotesize"    # shapes, numbers
LEGEND_FONT = r"\footnotesize"
TITLE_FONT = r"\LARGE"
CAPTION_FONT = r"\large"
OP_FONT = r"\large"              # the symbol in an operation node (--style ops)
NAME_GAP = r"\\[3bp]"            # after a name's line: \\ alone is spaced for the smaller text
SAMPLE = (18.0, 11.0)            # width and height of a legend's sample shape, bp


@dataclass
class Picture:
    """The colours and styles of a tikzpicture being written."""

    colours: dict[str, str] = field(default_factory=dict)     # name -> rrggbb
    styles: dict[str, str] = field(default_factory=dict)      # style name -> options

    def colour(self, role: str, value: str | None) -> str | None:
        """The name of a colour for a role (gdParamFill), defined once per value."""
        if value is None:
            return None
        name, n = role, 1
        while name in self.colours and self.colours[name] != value:
            n += 1
            name = f"{role}{_letters(n)}"
        self.colours[name] = value
        return name

    def options(self, role: str, look: Look, *, node: bool = True) -> list[str]:
        """TikZ options for a look; colours are named after `role`."""
        opts = []
        if node and look.shape:
            opts.append(look.shape)
        line = self.colour(role + "Line", look.line)
        if line and (look.shape or not node):
            opts.append(f"draw={line}")
        fill = self.colour(role + "Fill", look.fill)
        if fill and node:
            opts.append(f"fill={fill}")
        if look.rounded:
            opts.append("rounded corners=4bp")
        if look.width is not None and (look.shape or not node):
            opts.append(f"line width={num(look.width)}bp")
        if look.dash:
            opts.append(look.dash)
        if look.double and (look.shape or not node):
            opts.append(f"double={fill or 'white'}, double distance=1.6bp")
        text = self.colour(role + "Text", look.text) if look.text not in (None, "000000") \
            else None
        if text and node:
            opts.append(f"text={text}")
        return opts


def _letters(n: int) -> str:
    """B, C, ... for the second, third colour of a role (xcolor names take no digits well)."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def role_of(kind: str) -> str:
    """gdParam for param: a colour-name prefix of letters only."""
    return "gd" + "".join(part.capitalize() for part in re.split(r"[^A-Za-z]+", kind) if part)


def theme_colours(theme: str | None) -> tuple[str, str, str]:
    """The ink, muted and gradient colours (rrggbb) of the SVG's theme."""
    look = themes.theme_named(theme or themes.DEFAULT_THEME)
    return colour(look.ink), colour(look.muted), colour(look.grad)


def assemble(pic: Picture, graph: nx.MultiDiGraph, body: list[str]) -> str:
    """The tikzpicture: header comment, styles, colours, then the body."""
    source = graph.graph.get("source") or ""
    head = [f"% graphdraw: the computation graph of {comment(source)} "
            f"({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges).",
            "% Needs in the preamble: " + " ".join(PREAMBLE.strip().splitlines()),
            "% Each kind of node is a style (gd input, gd param, gd output, ...) that a "
            "document may redefine.",
            "\\begin{tikzpicture}[x=1bp, y=1bp, line join=round,"]
    half = num(SAMPLE[0] / 2)
    styles = {
        "gd base/.style": f"inner sep=2bp, outer sep=0pt, align=center, font={EXPR_FONT}",
        "every node/.append style": "gd base",
        "gd label/.style": f"inner sep=1bp, font={LABEL_FONT}",
        "gd title/.style": f"font={TITLE_FONT}",
        "gd caption/.style": f"font={CAPTION_FONT}",
        "gd plate label/.style": f"font={EXPR_FONT}",
        "gd op/.style": f"font={OP_FONT}",
        "gd other/.style": f"font={SMALL_FONT}",
        "gd legend/.style": ("anchor=north west, rounded corners=4bp, inner sep=6bp, "
                             "row sep=3bp, column sep=5bp, ampersand replacement=\\&"),
        "gd legend heading/.style": (f"anchor=west, inner sep=0pt, font={LEGEND_FONT}, "
                                     f"xshift=-{half}bp"),
        "gd legend words/.style": f"anchor=west, inner sep=0pt, align=left, font={LEGEND_FONT}",
        "gd legend sample/.style": (f"anchor=center, inner sep=0pt, "
                                    f"minimum width={num(SAMPLE[0])}bp, font={LEGEND_FONT}"),
        "gd legend shape/.style": (f"anchor=center, inner sep=0pt, "
                                   f"minimum width={num(SAMPLE[0])}bp, "
                                   f"minimum height={num(SAMPLE[1])}bp"),
    }
    for name, opts in pic.styles.items():
        key = name + "/.style"
        styles[key] = ", ".join(filter(None, (styles.get(key, ""), opts)))
    lines = head + [f"  {key}={{{value}}}," for key, value in styles.items()]
    lines[-1] = lines[-1][:-1] + "]"
    lines += [f"\\definecolor{{{name}}}{{HTML}}{{{value.upper()}}}"
              for name, value in pic.colours.items()]
    lines += body
    lines.append("\\end{tikzpicture}")
    return "\n".join(lines) + "\n"
