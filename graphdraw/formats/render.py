"""Render a graph as Graphviz source (pure), and lay that source out with the `dot` program.

`to_digraph` / `to_dot` never run a program, so the DOT text is testable without Graphviz;
`layout` is the only place graphdraw talks to the binary. Every label is a Graphviz HTML-like
label: the graph's `*_html` fragments are embedded as they are (they are escaped by the
printer, and checked against a small tag whitelist here), and every other piece of text
(titles, captions, plate labels, shapes, numbers, legend words) goes through `_text`, the one
escaping helper. `numbers_for` computes what `to_digraph(numbers=...)` draws for
`render --show values,grads`: forward values and gradients on the nodes, local-derivative
values on the edges. THEMES is the one table of how each kind of node looks in each theme;
the ops style (`style="ops"`) adds an operation node per computed value, named `op_id`;
nodes sharing a `plate` attribute are drawn in a cluster `cluster_plate<i>`.
"""

from __future__ import annotations

import difflib
import html
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import graphviz
import networkx as nx

from graphdraw import errors
from graphdraw.ops.shapes import fmt as format_shape

if TYPE_CHECKING:
    from graphdraw.language.program import Program

FORMATS = ("svg", "png", "pdf", "dot", "json")      # what `graphdraw render --format` offers
LAYOUT_FORMATS = ("svg", "png", "pdf")              # the ones that need the dot program
RANKDIRS = ("LR", "TB", "RL", "BT")
ENGINES = ("dot", "neato", "fdp", "sfdp", "circo", "twopi")
LEGEND_ID = "%legend"       # user ids never contain '%', generated ones are '%<digits>'

# Liberation Serif is a Times-metric serif with Greek, ŷ, primes and minus signs; Debian's
# graphviz package recommends fonts-liberation2, so `apt-get install graphviz` brings it.
# SVG viewers without it fall back to Times New Roman (same metrics), then any serif.
FONT = "Liberation Serif,Times New Roman,serif"
INK = "#333333"              # node borders, arrows
MUTED = "#6b6b6b"            # shapes, constants, legend words
GRAD = "#9c2f2f"             # local-derivative labels on edges
NAME_SIZE = 20               # a named value's name
EXPR_SIZE = 12               # forward computations, unnamed values
SMALL_SIZE = 10              # shapes, edge labels, legend
NUMBER_SIZE = 10             # values and gradients in nodes
EDGE_NUMBER_SIZE = 9         # local-derivative values, under the edge label
SCRIPT_SCALE = 0.7           # sub- and superscripts relative to the text around them
DIGITS = 3                   # significant digits of the numbers in a picture
SHOW_LIMIT = 6               # tensors with more entries than this are summarised
SHOW_ITEMS = ("values", "grads", "shapes")   # what `render --show` can add to the nodes

# --- themes and styles --------------------------------------------------------------------------

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
# textbook: a node per value, each showing its computation; ops: each operation is a small
# node of its own between the values it reads and the value it makes (torchviz, micrograd).
DRAW_STYLES = ("textbook", "ops")
DEFAULT_STYLE = "textbook"

# kind -> (node attributes, legend words) of the default theme (check.py draws with these).
STYLES: dict[str, tuple[dict[str, str], str]] = {
    kind: (attrs, KIND_WORDS[kind]) for kind, attrs in THEMES[DEFAULT_THEME].kinds.items()
    if kind != "op"}
KINDS = tuple(STYLES)

_SAFE_ID = re.compile(r'[^\x00-\x1f\x7f"\\:<>]+')
_TAG = re.compile(r"<(/?)(i|b|u|o|s|sub|sup)>|<br/>|&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);",
                  re.IGNORECASE)


def _text(value: object) -> str:
    r"""Any text that is not already an HTML fragment, made safe for an HTML-like label.

    Escapes markup and backslashes, turns newlines into line breaks, and replaces characters
    that have no place in a label (control characters and lone surrogates break SVG and dot).

    >>> print(_text('a <b> & "c"\n\\N ]{|:'))
    a &lt;b&gt; &amp; &quot;c&quot;<BR/>\\N ]{|:
    """
    out = []
    for ch in str(value).replace("\r\n", "\n").replace("\r", "\n"):
        if ch == "\n":
            out.append("<BR/>")
        elif ch == "\t":
            out.append(" ")
        elif ch == "\\":
            out.append("\\\\")     # dot expands \N, \G, \l even in HTML labels; \\ is a \
        elif unicodedata.category(ch) in ("Cc", "Cs"):
            out.append("\ufffd")
        else:
            out.append(html.escape(ch))
    return "".join(out)


def _fragment(trusted: str | None, plain: str | None) -> str:
    """A graph's `*_html` fragment, or `plain` escaped if the fragment is not plain markup.

    The printer escapes its fragments; this check makes sure a bug there can never close the
    label early (a stray `>`) or smuggle in attributes.

    >>> _fragment("<i>W</i><sub>i</sub>", "W_i"), _fragment("a>b", "a>b")
    ('<i>W</i><sub>i</sub>', 'a&gt;b')
    """
    if trusted is not None and _balanced(trusted):
        return trusted.replace("\\", "\\\\")
    return _text(plain if plain is not None else trusted or "")


def _balanced(fragment: str) -> bool:
    """True when a fragment has only whitelisted, properly nested tags and entities."""
    stack: list[str] = []
    rest = _TAG.sub(lambda m: _push(m, stack), fragment)
    return "<" not in rest and ">" not in rest and "&" not in rest and stack == [] \
        and not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in rest)


def _push(match: re.Match, stack: list[str]) -> str:
    """Track open tags for `_balanced`; a mismatched closing tag leaves a '<' behind."""
    closing, tag = match.group(1), (match.group(2) or "").lower()
    if not tag:                          # an entity or <br/>
        return ""
    if not closing:
        stack.append(tag)
        return ""
    if stack and stack[-1] == tag:
        stack.pop()
        return ""
    return "<"


def _font(content: str, size: float, color: str | None = None) -> str:
    """Content at a point size; sub- and superscripts in it are set smaller, as in print.

    Graphviz only shifts <sub>/<sup> off the baseline, at full size; each level of
    script here is 70% of the level around it.

    >>> _font("<i>W</i><sub>i</sub>", 20)
    '<FONT POINT-SIZE="20"><i>W</i><sub><FONT POINT-SIZE="14">i</FONT></sub></FONT>'
    """
    color_attr = f' COLOR="{color}"' if color else ""
    sizes = [size]

    def resize(match: re.Match) -> str:
        closing, tag = match.group(1), (match.group(2) or "").lower()
        if tag not in ("sub", "sup"):
            return match.group(0)
        if closing:
            sizes.pop()
            return f"</FONT></{tag}>"
        sizes.append(sizes[-1] * SCRIPT_SCALE)
        return f'<{tag}><FONT POINT-SIZE="{sizes[-1]:.3g}">'

    return f'<FONT POINT-SIZE="{size:.3g}"{color_attr}>{_TAG.sub(resize, content)}</FONT>'


_STACK = re.compile(r"<sub>((?:(?!</?su[bp]>).)*)</sub>((?:<sup>(?:(?!</?su[bp]>).)*</sup>)+)",
                    re.IGNORECASE | re.DOTALL)
_SUP = re.compile(r"<sup>(.*?)</sup>", re.IGNORECASE | re.DOTALL)
_PLAIN_TABLE = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
_FILLERS = "<TD></TD>" * 2      # empty cells take no width until a table is stretched
_WRAPS = 2                       # each wrap passes on 1/5 of any stretch: 1/25 reaches the line


def _line(content: str, size: float, color: str | None = None, align: str = "center") -> str:
    """One line of label markup at a size, with a script pair such as W_oᵀ stacked.

    Graphviz sets <sub> and <sup> one after the other, so W_oᵀ comes out as "W o ᵀ". Where a
    subscript carries a superscript, the line becomes a row of cells and the pair a cell of two
    rows, the superscript above the subscript, as in print. Other lines are `_font` text.

    Graphviz stretches a table to fill a wider cell, sharing the extra width equally among
    its columns, which would pull the line apart. So the line is wrapped twice in a table with
    two empty cells on the side(s) given by `align`: they take 24/25 of any stretch, and
    empty cells take no width otherwise.

    >>> _line("<i>W</i><sub>i</sub>", 20) == _font("<i>W</i><sub>i</sub>", 20)
    True
    >>> "<sup>" in _line("<i>W</i><sub>o</sub><sup>T</sup> <i>z</i>", 12)
    False
    """
    matches = [m for m in _STACK.finditer(content)
               if not {"sub", "sup"} & set(_open_tags(content[:m.start()]))]
    if not matches:
        return _font(content, size, color)
    cells, start = [], 0
    for match in matches:
        cells.append(_segment(content, start, match.start()))
        sup = "".join(_SUP.findall(match.group(2)))
        pair = [_segment(content, match.start(), match.start(), inner)
                for inner in (sup, match.group(1))]
        cells.append(("pair", pair))
        start = match.end()
    cells.append(_segment(content, start, len(content)))
    out = []
    for cell in cells:
        if isinstance(cell, tuple):
            top, bottom = (_font(part, size * SCRIPT_SCALE, color) for part in cell[1])
            out.append(f'<TD>{_PLAIN_TABLE}<TR><TD ALIGN="LEFT">{top}</TD></TR>'
                       f'<TR><TD ALIGN="LEFT">{bottom}</TD></TR></TABLE></TD>')
        elif cell:
            out.append(f"<TD>{_font(cell, size, color)}</TD>")
    table = f"{_PLAIN_TABLE}<TR>{''.join(out)}</TR></TABLE>"
    left = _FILLERS if align in ("center", "right") else ""
    right = _FILLERS if align in ("center", "left") else ""
    for _ in range(_WRAPS):
        table = f"{_PLAIN_TABLE}<TR>{left}<TD>{table}</TD>{right}</TR></TABLE>"
    return table


def _open_tags(markup: str) -> list[str]:
    """The formatting tags still open at the end of a piece of trusted markup."""
    stack: list[str] = []
    for match in _TAG.finditer(markup):
        closing, tag = match.group(1), (match.group(2) or "").lower()
        if tag and not closing:
            stack.append(tag)
        elif tag and stack and stack[-1] == tag:
            stack.pop()
    return stack


def _segment(content: str, start: int, end: int, inner: str | None = None) -> str:
    """content[start:end] (or `inner`) with the tags open around it closed and reopened."""
    before, after = _open_tags(content[:start]), _open_tags(content[:end])
    body = content[start:end] if inner is None else inner
    if not body:
        return ""
    return ("".join(f"<{t}>" for t in before) + body
            + "".join(f"</{t}>" for t in reversed(after)))


def _rows(cells: list[str]) -> str:
    """An HTML-like label of one centred column of cells (no borders)."""
    body = "".join(f"<TR><TD>{cell}</TD></TR>" for cell in cells)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{body}</TABLE>>'


def dot_id(node_id: str, index: int = 0) -> str:
    """The DOT name of a graph node: its own id, except that a leading '%' becomes 'n%'.

    Graphviz treats every name that starts with '%' as anonymous and renames it (%1 comes
    out as %3 in SVG titles and -Tjson), so generated ids get a prefix; user ids never
    contain '%', so the result cannot collide with one. An id that could confuse DOT
    (quotes, backslashes, ':' which DOT reads as a port) or that looks like one of the
    legend's (%legend...) is replaced by 'n%node<index>'; the graph builder never makes such ids.

    >>> dot_id("W_i"), dot_id("%2"), dot_id("c'"), dot_id('a"b', 7)
    ('W_i', 'n%2', "c'", 'n%node7')
    """
    text = str(node_id)
    if not _SAFE_ID.fullmatch(text) or text.startswith(LEGEND_ID):
        text = f"%node{index}"
    return graphviz.nohtml("n" + text if text.startswith("%") else text)


def _shape_text(shape: object) -> str | None:
    if shape is None:
        return None
    try:
        return format_shape(tuple(shape))
    except TypeError:
        return None


# --- numbers ----------------------------------------------------------------------------------

def parse_show(text: str) -> frozenset[str]:
    """The items of a `--show` list such as 'values,grads'; ValueError names the valid ones.

    >>> sorted(parse_show(" Grads, values,"))
    ['grads', 'values']
    >>> parse_show("none")
    frozenset()
    """
    items = [item.strip().lower() for item in str(text).split(",")]
    items = [item for item in items if item and item != "none"]
    for item in items:
        if item not in SHOW_ITEMS:
            close = difflib.get_close_matches(item, SHOW_ITEMS, n=1)
            guess = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"unknown item {item!r}{guess}: choose from "
                             f"{', '.join(SHOW_ITEMS)} (comma-separated, e.g. values,grads), "
                             "or none")
    return frozenset(items)


def numbers_for(program: Program, leaf_values: dict, *, values: bool = True,
                grads: bool = True, local: bool = True) -> dict:
    """The `numbers` that `to_digraph` draws, computed from the leaves' values.

    {"values": {node: array}, "grads": {node: ∂output/∂node}, "local": {(tail, head, position):
    the local derivative's value}}, each part only when asked for.
    """
    from graphdraw.numeric import evaluate
    vals = evaluate.forward(program, leaf_values)
    numbers: dict = {}
    if values:
        numbers["values"] = vals
    if grads:
        numbers["grads"] = evaluate.backward(program, vals)
    if local:
        numbers["local"] = evaluate.local_values(program, vals)
    return numbers


def values_note(seed: int, given: bool = False) -> str:
    """The legend's line on where the numbers come from (numbers["note"]).

    >>> values_note(0)
    'leaf values: as declared, else random from seed 0'
    """
    return (f"leaf values: {'--set/--values, else ' if given else ''}as declared, "
            f"else random from seed {seed}")


def _number_lines(value: object) -> list[str]:
    """A value as the lines a picture shows: 0.731; [0.12, 0.5]; a matrix one row a line;
    a summary (shape, mean, range) on two lines for big tensors. Plain text, not yet escaped.
    """
    from graphdraw.lazy import np
    from graphdraw.numeric.numbers import show
    array = np.asarray(value, dtype=float) + 0.0          # + 0.0: no "-0"
    if array.ndim == 2 and array.shape[0] > 1 and array.size <= SHOW_LIMIT:
        lines = [show(row, DIGITS, SHOW_LIMIT) for row in array]
    else:
        lines = show(array, DIGITS, SHOW_LIMIT).split(", range ")
        if len(lines) == 2:
            lines[1] = "range " + lines[1]
    return [line.replace("-", "−") for line in lines]


def _value_shape(numbers: dict | None, node: object) -> tuple | None:
    """A node's shape from its value or gradient, when the model does not declare it."""
    for part in ("values", "grads"):
        value = ((numbers or {}).get(part) or {}).get(node)
        if value is not None:
            return tuple(getattr(value, "shape", ()))
    return None


def _number_rows(rows: list[tuple[str, list[str], str | None]], size: float) -> str:
    """Labelled numbers as a table: the label (markup) right-aligned, the lines left-aligned.

    Every line of numbers goes through `_text`.
    """
    body = []
    for label, lines, color in rows:
        text = "<BR/>".join(_text(line) for line in lines)
        label = _line(label + " ", size, color, "right")
        body.append(f'<TR><TD ALIGN="RIGHT" VALIGN="TOP">{label}</TD>'
                    f'<TD ALIGN="LEFT" BALIGN="LEFT" VALIGN="TOP">{_font(text, size, color)}'
                    f"</TD></TR>")
    return ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
            f'{"".join(body)}</TABLE>')


def _symbol(data: dict | None, fallback: str) -> str:
    """A node's name as markup (for ∂L/∂name), or `fallback` (already markup)."""
    if data is None or (data.get("label_html") is None and data.get("label") is None):
        return fallback
    return _fragment(data.get("label_html"), data.get("label"))


# --- nodes ------------------------------------------------------------------------------------

def _node_label(data: dict, show_shape: bool, tag: str | None = None,
                shape: object = None,
                numbers: list[tuple[str, list[str], str | None]] | None = None,
                theme: Theme | None = None, *, forward: bool = True
                ) -> tuple[str, dict[str, str]]:
    """The label of one value node and any attributes that depend on its content.

    `tag` is the id of an unnamed value that other labels refer to (the printer writes a
    long operand as its id, e.g. tanh(%13)); `shape` overrides the graph's shape (known
    from values); `numbers` are rows (label, lines, colour) drawn under the rest; `forward`
    False leaves a named value's computation out (the ops style draws it as nodes).
    """
    look = theme or THEMES[DEFAULT_THEME]
    kind = data.get("kind", "intermediate")
    shape = _shape_text(data.get("shape") if shape is None else shape) if show_shape else None
    shape_cell = _font(_text(shape), SMALL_SIZE, look.muted) if shape else None
    number_cell = _number_rows(numbers, NUMBER_SIZE) if numbers else None
    named = data.get("label_html") is not None or data.get("label") is not None
    if kind == "constant":
        if named:
            value = data.get("value", data.get("default"))
            cells = [_line(_fragment(data.get("label_html"), data.get("label")), EXPR_SIZE + 2)]
            if value is not None:
                cells.append(_font("= " + _text(_number(value)), SMALL_SIZE))
            return _rows(cells), {}
        text = _fragment(data.get("forward_html"), data.get("forward_pretty"))
        return f"<{_line(text, EXPR_SIZE)}>", {}
    if not named:                      # an unnamed intermediate: a small box, expression only
        text = _line(_fragment(data.get("forward_html"), data.get("forward_pretty")), EXPR_SIZE)
        small = {"margin": "0.08,0.04", "height": "0.3"}
        cells = ([_font(_text(tag), SMALL_SIZE, look.muted)] if tag else []) + [text]
        cells += [number_cell] if number_cell else []
        if len(cells) == 1:
            return f"<{text}>", small
        return _rows(cells), small
    cells = [_line(_fragment(data.get("label_html"), data.get("label")), NAME_SIZE)]
    if forward and data.get("op") is not None:
        cells.append(_line(_fragment(data.get("forward_html"), data.get("forward_pretty")),
                           EXPR_SIZE))
    cells += [c for c in (shape_cell, number_cell) if c]
    return _rows(cells), {}


def _node_numbers(node: object, data: dict, numbers: dict | None, grad_of: str,
                  theme: Theme | None = None) -> list[tuple[str, list[str], str | None]]:
    """The number rows of a node: '= value' and '∂L/∂name = gradient' (constants: none)."""
    if not numbers or data.get("kind") == "constant":
        return []
    look = theme or THEMES[DEFAULT_THEME]
    rows = []
    value = (numbers.get("values") or {}).get(node)
    if value is not None:
        rows.append(("=", _number_lines(value), look.ink))
    grad = (numbers.get("grads") or {}).get(node)
    if grad is not None:
        rows.append((f"{grad_of}{_symbol(data, '·')} =", _number_lines(grad), look.grad))
    return rows


def op_symbol(op: str | None, markup: bool = False) -> str:
    """The symbol an operation node of the ops style shows, read from the op table.

    An operator's printed symbol (+, −, ·, σ, Σₙ), else its symbol in the language (@ for
    juxtaposition), else its name (tanh, exp). A postfix symbol is a superscript, so it is
    set on a placeholder: (·)ᵀ. Plain text, or with `markup` the HTML-like label markup
    (the row's `html` symbol when it is one, e.g. Σ<sub>n</sub>; else the text escaped).

    >>> [op_symbol(op) for op in ("add", "mul", "matmul", "transpose", "sigmoid", "tanh")]
    ['+', '·', '@', '(·)ᵀ', 'σ', 'tanh']
    >>> op_symbol("transpose", markup=True), op_symbol("matmul", markup=True)
    ('(·)<sup>T</sup>', '@')
    """
    from graphdraw.ops import OPS
    row = OPS.get(op) if op is not None else None
    if row is None:
        return _text(op or "?") if markup else str(op or "?")
    symbol = (row.symbol_pretty.strip() or row.plain.strip() or _STYLE_SYMBOL.get(row.style)
              or row.name)
    if markup:
        html_symbol = row.html.strip()
        symbol = html_symbol if html_symbol and _balanced(html_symbol) else _text(symbol)
    return f"(·){symbol}" if row.style == "postfix" else symbol


_STYLE_SYMBOL = {"copy": "="}       # `b = a` passes the value on under another name


def op_id(node_id: str, index: int = 0) -> str:
    """The DOT name of the operation node that makes `node_id` (ops style): its value's + '%op'.

    No user id contains '%', and a generated one is 'n%<digits>', so it cannot collide.

    >>> op_id("a"), op_id("%2")
    ('a%op', 'n%2%op')
    """
    return graphviz.nohtml(f"{dot_id(node_id, index)}%op")


def _op_node(data: dict, theme: Theme) -> dict[str, str]:
    """The attributes of an operation node: a small circle (an ellipse for a long symbol)."""
    symbol = op_symbol(data.get("op"), markup=True)
    visible = html.unescape(re.sub(r"<[^<>]*>", "", symbol))
    attrs = dict(theme.kinds["op"])
    if len(visible) > 2:
        attrs["shape"] = "ellipse"
    return {**attrs, "label": f"<{_font(symbol, EXPR_SIZE + 2)}>",
            "margin": "0.02,0.02", "width": "0.3", "height": "0.3"}


def _referenced_ids(graph: nx.MultiDiGraph) -> set[str]:
    """The generated ids (%7) that appear in some node's or edge's text."""
    texts = [d.get("forward_pretty") or "" for _, d in graph.nodes(data=True)]
    texts += [d.get("local_grad_pretty") or "" for _, _, d in graph.edges(data=True)]
    return set(_GENERATED_ID.findall("\n".join(texts)))


_GENERATED_ID = re.compile(r"%[0-9]+(?![0-9])")


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _plates(graph: nx.MultiDiGraph) -> dict[object, str | None]:
    """The plate (e.g. 'n = 1…N') each node is drawn in, or None.

    A node's own `plate` attribute; a constant without one joins the plate of its
    consumers when they all share one (the ½ of a per-sample loss is drawn with it).
    """
    plates = {}
    for node, data in graph.nodes(data=True):
        plate = data.get("plate")
        plates[node] = None if plate is None or str(plate) == "" else str(plate)
    for node, data in graph.nodes(data=True):
        if data.get("kind") == "constant" and plates[node] is None:
            around = {plates[head] for head in graph.successors(node)}
            if len(around) == 1:
                plates[node] = around.pop()
    return plates


# --- legend -----------------------------------------------------------------------------------

def _legend_rows(*, constant: bool, shaped: bool, labelled: bool, dashed: bool,
                 valued: bool, graded: bool, local: bool, grad_of: str, summed: bool,
                 note: str | None, theme: Theme | None = None, ops: bool = False,
                 plates: tuple[str, ...] = ()) -> str | None:
    """The legend's table of what is not a kind of node: constants, shapes, labels, numbers."""
    look = theme or THEMES[DEFAULT_THEME]
    rows = []

    def row(sample: str, words: str) -> None:
        rows.append(f'<TR><TD ALIGN="RIGHT">{sample}</TD><TD ALIGN="LEFT">'
                    f"{_font(_text(words), SMALL_SIZE)}</TD></TR>")

    if constant:
        row(_font(_text("½"), EXPR_SIZE, look.muted), KIND_WORDS["constant"])
    if shaped:
        row(_font(_text("2×3"), SMALL_SIZE, look.muted),
            "shape: rows × columns; one number: a vector")
    if valued:
        row(_font(_text("= 0.73"), NUMBER_SIZE, look.ink), "value (forward pass)")
    if graded:
        of = "the output (the sum of its entries)" if summed else "the output"
        row(_line(grad_of + "<i>v</i>", NUMBER_SIZE, look.grad),
            f"gradient of {of} with respect to the value v (backward pass)")
    if labelled:
        value = ", and its value" if local else ""
        words = ("arrow into an operation: local derivative ∂result / ∂operand" if ops
                 else "arrow label: local derivative ∂head / ∂tail")
        row(_font(_text("∂"), SMALL_SIZE + 1, look.grad), words + value)
    if dashed:
        row(_font(_text("- - →"), SMALL_SIZE, look.muted), "from a constant: no gradient flows")
    for plate in plates:
        row(_font(_text(plate), SMALL_SIZE, look.plate.get("fontcolor", look.muted)),
            "dashed box (plate): what is inside is repeated for each sample")
    if note:
        rows.append(f'<TR><TD COLSPAN="2" ALIGN="LEFT">'
                    f"{_font(_text(note), SMALL_SIZE, look.muted)}</TD></TR>")
    if not rows:
        return None
    return ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
            f'{"".join(rows)}</TABLE>>')


def _add_legend(dot: graphviz.Digraph, kinds: list[str], table: str | None, rankdir: str,
                anchor: str | None, theme: Theme | None = None) -> None:
    """The legend: a framed box of one sample node per kind present, then `table`.

    The samples are real nodes, so an input looks exactly like an input (an ellipse); HTML
    table cells can only be rectangles. The box takes the last rank, after the output, and an
    invisible edge from `anchor` (the output) to its middle entry centres it there: a column
    at the right for LR, a row at the bottom for TB.
    """
    look = theme or THEMES[DEFAULT_THEME]
    entries: list[tuple[str, dict[str, str]]] = []
    for kind in kinds:
        if kind == "constant":
            continue
        attrs = dict(look.kinds[kind])
        if kind == "op":                # a circle around the words would be a big one
            attrs["shape"] = "ellipse"
        entries.append((f"{LEGEND_ID}-{kind}",
                        {**attrs, "label": f"<{_font(_text(KIND_WORDS[kind]), SMALL_SIZE)}>",
                         "margin": "0.08,0.02", "height": "0.25", "width": "0"}))
    if table is not None:
        entries.append((LEGEND_ID, {"shape": "plain", "label": table}))
    if not entries:
        return
    # dot stacks a rank's unconnected nodes in the reverse of their order in the file:
    # right to left for TB/BT, top to bottom for LR/RL (where the internal left is the bottom).
    if rankdir in ("TB", "BT"):
        entries.reverse()
    heading = _font("<B>" + _text("Legend") + "</B>", SMALL_SIZE + 1)
    with dot.subgraph(name="cluster_legend") as box:
        # labelloc: a cluster's label otherwise follows the root's, at the bottom with a caption
        box.attr(label=f"<{heading}>", labeljust="l", labelloc="t", margin="8", **look.legend)
        for name, attrs in entries:
            box.node(graphviz.nohtml("n" + name), **attrs)
    with dot.subgraph() as last:
        last.attr(rank="max")
        for name, _ in entries:
            last.node(graphviz.nohtml("n" + name))
    if anchor is not None:
        middle = entries[(len(entries) - 1) // 2][0]
        dot.edge(anchor, graphviz.nohtml("n" + middle), style="invis")


# --- the drawing ------------------------------------------------------------------------------

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


def to_digraph(graph: nx.MultiDiGraph, *, rankdir: str = "LR", title: str | None = None,
               edge_labels: bool = True, shapes: bool = True,
               numbers: dict | None = None, theme: str = DEFAULT_THEME,
               style: str = DEFAULT_STYLE, font: str | None = None,
               caption: str | None = None) -> graphviz.Digraph:
    """The Graphviz drawing of an annotated graph (no program is run).

    `title` None uses the graph's own title, "" draws none; `caption` is drawn below the
    graph. Nodes are styled by kind in the colours of `theme` (see THEMES), edges labelled
    with the local derivative of their head with respect to their tail. `style` "ops" draws
    each operation as a node of its own, with the local derivatives on the edges into it.
    Nodes that share a `plate` attribute are drawn in one dashed box labelled with it.
    `numbers` (see `numbers_for`) adds values and gradients to the nodes and the value of
    each local derivative under its label: {"values": {node: array}, "grads": {node: array},
    "local": {(tail, head, position): array}, "note": text for the legend}; any part may
    be missing.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, not {rankdir!r}")
    if style not in DRAW_STYLES:
        raise ValueError(f"style must be one of {', '.join(DRAW_STYLES)}, not {style!r}")
    look, fontname, ops_style = theme_named(theme), font_name(font), style == "ops"
    if title is None:
        title = graph.graph.get("title") or ""
    numbers = numbers or {}
    dot = graphviz.Digraph(name="graphdraw")
    graph_attrs = {"charset": "UTF-8", "rankdir": rankdir, "fontname": fontname,
                   "bgcolor": "white", "pad": "0.25", "nodesep": "0.3",
                   "ranksep": "0.3" if edge_labels and style != "ops" else "0.4",
                   "outputorder": "edgesfirst", "newrank": "true"}
    title_label = f"<{_font(_text(title), NAME_SIZE + 2)}>" if title else None
    if caption:
        # The root graph has one label: the caption takes it, and a title goes on a frameless
        # cluster around everything else.
        graph_attrs.update(label=f"<{_font(_text(caption), EXPR_SIZE + 2)}>", labelloc="b")
    elif title_label:
        graph_attrs.update(label=title_label, labelloc="t")
    dot.attr("graph", **graph_attrs)
    dot.attr("node", fontname=fontname, fontsize=str(EXPR_SIZE), margin="0.12,0.06",
             **look.node)
    dot.attr("edge", fontname=fontname, fontsize=str(SMALL_SIZE), **look.edge)
    if caption and title_label:
        with dot.subgraph(name="cluster_title") as canvas:
            canvas.attr(label=title_label, labelloc="t", peripheries="0", margin="0")
            _draw(canvas, graph, rankdir, edge_labels, shapes, numbers, look, ops_style)
    else:
        _draw(dot, graph, rankdir, edge_labels, shapes, numbers, look, ops_style)
    return dot


def _draw(dot: graphviz.Digraph, graph: nx.MultiDiGraph, rankdir: str, edge_labels: bool,
          shapes: bool, numbers: dict, look: Theme, ops_style: bool) -> None:
    """The nodes, edges, plates and legend of `to_digraph`, added to `dot`."""
    output = graph.graph.get("output")
    out_data = graph.nodes[output] if output in graph else None
    grad_of = f"∂{_symbol(out_data, 'L')}/∂"
    value_shapes = {node: _value_shape(numbers, node) for node in graph.nodes} \
        if numbers else {}
    # A column of "scalar" under every node of an all-scalar model says nothing.
    shapes = shapes and any((d.get("shape") or value_shapes.get(n)) not in (None, [], ())
                            for n, d in graph.nodes(data=True))
    referenced = _referenced_ids(graph)
    ids: dict[object, str] = {}
    ops: dict[object, str] = {}         # ops style: value -> the DOT name of its op node
    order: dict[object, int] = {}
    present: set[str] = set()
    statements: list[tuple[str | None, str, dict[str, str]]] = []    # (plate, name, attrs)
    plate_of = _plates(graph)
    for index, (node, data) in enumerate(graph.nodes(data=True)):
        ids[node], order[node] = dot_id(node, index), index
        kind = data.get("kind", "intermediate")
        kind = kind if kind in STYLES else "intermediate"
        present.add(kind)
        if ops_style and data.get("op") is not None:
            ops[node] = op_id(node, index)
            present.add("op")
            statements.append((plate_of[node], ops[node], _op_node(data, look)))
        tag = node if data.get("label") is None and node in referenced else None
        shape = value_shapes.get(node) if data.get("shape") is None else None
        label, extra = _node_label(data, shapes, tag, shape,
                                   _node_numbers(node, data, numbers, grad_of, look), look,
                                   forward=not ops_style)
        statements.append((plate_of[node], ids[node], {"label": label, **look.kinds[kind],
                                                     **extra}))
    plates = _add_nodes(dot, statements, look)

    labelled = dashed = local_shown = False
    local = numbers.get("local") or {}
    for node, name in ops.items():      # op -> the value it makes: the main chain, unlabelled
        dot.edge(name, ids[node], weight="4")
    # Edges in the order of their head, then operand position, so operands keep their order.
    edges = sorted(graph.edges(keys=True, data=True),
                   key=lambda e: (order[e[1]], e[3].get("arg", e[2]), order[e[0]]))
    for tail, head, key, data in edges:
        target = ops.get(head, ids[head])
        if graph.nodes[tail].get("kind") == "constant":
            dashed = True
            style = look.constant_edge
            if rankdir in ("LR", "RL"):
                # The constant shares its consumer's rank and sits right under it. Written
                # head -> tail with dir=back, because dot puts the tail of an edge within a
                # rank above its head, where the consumer's other operands usually are.
                dot.edge(target, ids[tail], dir="back", minlen="0", **style)
            else:
                # Across ranks: a short flat arrow would look like a minus sign (- 3).
                dot.edge(ids[tail], target, **style)
            continue
        # Heavy edges between computed values keep the main chain straight; leaves hang off it.
        attrs = {} if graph.nodes[tail].get("op") is None else {"weight": "4"}
        if edge_labels:
            grad = _fragment(data.get("local_grad_html"), data.get("local_grad_pretty"))
            if grad:
                labelled = True
                symbolic = _line(grad, SMALL_SIZE + 1)
                value = local.get((tail, head, data.get("arg", key)))
                # A constant derivative (1, −1, ½) is its own value: no second line.
                if value is not None and any(ch.isalpha() for ch in
                                             data.get("local_grad_pretty") or grad):
                    local_shown = True
                    numbers_cell = _number_rows([("=", _number_lines(value), None)],
                                                EDGE_NUMBER_SIZE)
                    symbolic = (f"{_PLAIN_TABLE}<TR><TD>{symbolic}</TD></TR>"
                                f"<TR><TD>{numbers_cell}</TD></TR></TABLE>")
                attrs["label"] = f"<{symbolic}>"
        dot.edge(ids[tail], target, **attrs)

    kinds = [k for k in (*KINDS[:-2], "op", *KINDS[-2:]) if k in present]
    out_shape = _value_shape(numbers, output)
    summed = out_shape is not None and any(n != 1 for n in out_shape)
    table = _legend_rows(constant="constant" in present, shaped=shapes, labelled=labelled,
                         dashed=dashed, valued=bool(numbers.get("values")),
                         graded=bool(numbers.get("grads")), local=local_shown,
                         grad_of=grad_of, summed=summed, note=numbers.get("note"),
                         theme=look, ops=ops_style, plates=plates)
    anchor = ids.get(output) if output in ids else (ids[next(reversed(ids))] if ids else None)
    _add_legend(dot, kinds, table, rankdir, anchor, look)


def _add_nodes(dot: graphviz.Digraph, statements: list[tuple[str | None, str, dict]],
               look: Theme) -> tuple[str, ...]:
    """Write the node statements; those of a plate together, in a cluster labelled with it.

    A plate's cluster (cluster_plate0, cluster_plate1, ... in order of first appearance)
    is written where its first node would be. Edges stay outside: an edge statement inside
    a cluster would pull its other end in too. Returns the plates drawn.
    """
    members: dict[str, list[tuple[str, dict]]] = {}
    for plate, name, attrs in statements:
        if plate is not None:
            members.setdefault(plate, []).append((name, attrs))
    written: set[str] = set()
    for plate, name, attrs in statements:
        if plate is None:
            dot.node(name, **attrs)
            continue
        if plate in written:
            continue
        written.add(plate)
        with dot.subgraph(name=f"cluster_plate{len(written) - 1}") as box:
            # The label in the bottom-right corner, as plates are drawn in the literature.
            box.attr(label=f"<{_font(_text(plate), EXPR_SIZE + 1)}>", labeljust="r",
                     labelloc="b", margin="10", **look.plate)
            for member, member_attrs in members[plate]:
                box.node(member, **member_attrs)
    return tuple(members)


def to_dot(graph: nx.MultiDiGraph, **options) -> str:
    """The DOT source of `to_digraph(graph, **options)`: the same bytes for the same graph."""
    return to_digraph(graph, **options).source


def layout(dot_source: str, fmt: str, *, timeout: float = 30.0, engine: str = "dot") -> bytes:
    """Run Graphviz (`dot -T<fmt>`, no shell) on DOT source and return the output bytes."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if not re.fullmatch(r"[a-z0-9]+(:[a-z0-9]+)*", fmt):
        raise ValueError(f"not a Graphviz output format: {fmt!r}")
    program = shutil.which(engine)
    if program is None:
        raise _missing(engine)
    try:
        done = subprocess.run([program, f"-T{fmt}"], input=dot_source.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise _missing(engine) from None
    except subprocess.TimeoutExpired:
        nodes = count_nodes(dot_source)
        raise errors.LimitError(
            f"{engine} did not finish laying out {nodes} nodes within {timeout:g} s",
            hint="allow more time with --layout-timeout, write --format dot or --format json "
                 "(no layout needed; sfdp lays out big .dot files faster), or draw a smaller "
                 "model") from None
    except OSError as exc:
        raise errors.ToolMissing(f"could not run Graphviz's {engine} program: {exc.strerror}",
                                 hint="check that Graphviz is installed and working") from None
    if done.returncode != 0 or not done.stdout:
        lines = [ln.strip() for ln in done.stderr.decode("utf-8", "replace").splitlines()]
        first = next((ln for ln in lines if ln), f"exit status {done.returncode}")
        raise errors.GraphdrawError(f"Graphviz's {engine} failed: {first}",
                                    hint="write --format dot to see the source it was given")
    return done.stdout


def _missing(engine: str) -> errors.ToolMissing:
    return errors.ToolMissing(
        f"Graphviz's {engine} program is not installed",
        hint="install it with 'sudo apt-get install graphviz' (Debian/Ubuntu); "
             "--format dot and --format json work without it")


def count_nodes(dot_source: str) -> int:
    r"""How many node statements a DOT source has, as `to_dot` writes them, at any depth.

    Used for messages only; the legend's nodes are not counted.

    >>> count_nodes('digraph {\n\tnode [x=1]\n\ta [label=x]\n\t"n%1"\n\ta -> "n%1"\n'
    ...             '\tsubgraph cluster_plate0 {\n\t\tb [label=y]\n\t}\n'
    ...             '\tsubgraph cluster_legend {\n\t\t"n%legend" [label=z]\n\t}\n}')
    3
    """
    count = 0
    for line in dot_source.splitlines():
        match = _NODE_LINE.match(line)
        if match and match.group(1) not in _KEYWORDS \
                and not match.group(1).startswith(f'"n{LEGEND_ID}'):
            count += 1
    return count


_NODE_LINE = re.compile(r'\t+("(?:[^"\\]|\\.)*"|[^\s"\[\]{}=-][^\s\[\]{}=]*)(?: \[.*)?$')
_KEYWORDS = ("graph", "node", "edge", "subgraph")
