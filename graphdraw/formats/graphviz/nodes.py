"""The nodes of a picture: DOT names, the label of each value, operation nodes, plates."""

from __future__ import annotations

import html
import re

import graphviz
import networkx as nx

from graphdraw.formats.graphviz import labels
from graphdraw.formats.graphviz.labels import EXPR_SIZE, NAME_SIZE, NUMBER_SIZE, SMALL_SIZE
from graphdraw.formats.graphviz.legend import LEGEND_ID
from graphdraw.formats.graphviz.numbers_shown import number_lines, number_rows
from graphdraw.formats.graphviz.themes import DEFAULT_THEME, THEMES, Theme
from graphdraw.ops.shapes import fmt as format_shape

_SAFE_ID = re.compile(r'[^\x00-\x1f\x7f"\\:<>]+')


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


def name_markup(data: dict | None, fallback: str) -> str:
    """A node's name as markup (for ∂L/∂name), or `fallback` (already markup)."""
    if data is None or (data.get("label_html") is None and data.get("label") is None):
        return fallback
    return _name(data)


def _name(data: dict) -> str:
    """A node's name as label markup."""
    return labels.fragment(data.get("label_html"), data.get("label"))


def _forward(data: dict) -> str:
    """A node's forward computation as label markup."""
    return labels.fragment(data.get("forward_html"), data.get("forward_pretty"))


def node_label(data: dict, show_shape: bool, tag: str | None = None,
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
    shape_cell = labels.plain(shape, SMALL_SIZE, look.muted) if shape else None
    number_cell = number_rows(numbers, NUMBER_SIZE) if numbers else None
    named = data.get("label_html") is not None or data.get("label") is not None
    if kind == "constant":
        if named:
            value = data.get("value", data.get("default"))
            cells = [labels.line(_name(data), EXPR_SIZE + 2)]
            if value is not None:
                cells.append(labels.font("= " + labels.text(_number(value)), SMALL_SIZE))
            return labels.rows(cells), {}
        return f"<{labels.line(_forward(data), EXPR_SIZE)}>", {}
    if not named:                      # an unnamed intermediate: a small box, expression only
        text = labels.line(_forward(data), EXPR_SIZE)
        small = {"margin": "0.08,0.04", "height": "0.3"}
        cells = ([labels.plain(tag, SMALL_SIZE, look.muted)] if tag else []) + [text]
        cells += [number_cell] if number_cell else []
        if len(cells) == 1:
            return f"<{text}>", small
        return labels.rows(cells), small
    cells = [labels.line(_name(data), NAME_SIZE)]
    if forward and data.get("op") is not None:
        cells.append(labels.line(_forward(data), EXPR_SIZE))
    cells += [c for c in (shape_cell, number_cell) if c]
    return labels.rows(cells), {}


def node_numbers(node: object, data: dict, numbers: dict | None, grad_of: str,
                 theme: Theme | None = None) -> list[tuple[str, list[str], str | None]]:
    """The number rows of a node: '= value' and '∂L/∂name = gradient' (constants: none)."""
    if not numbers or data.get("kind") == "constant":
        return []
    look = theme or THEMES[DEFAULT_THEME]
    rows = []
    value = (numbers.get("values") or {}).get(node)
    if value is not None:
        rows.append(("=", number_lines(value), look.ink))
    grad = (numbers.get("grads") or {}).get(node)
    if grad is not None:
        rows.append((f"{grad_of}{name_markup(data, _unnamed(data))} =", number_lines(grad),
                     look.grad))
    return rows


SHORT_EXPRESSION = 16       # an unnamed node's gradient names its expression up to this long


def _unnamed(data: dict) -> str:
    """How ∂L/∂… names an unnamed node: its expression in parentheses, ∂L/∂(W_oᵀ z), when
    short, else · (this node)."""
    pretty = data.get("forward_pretty") or ""
    if not pretty or len(pretty) > SHORT_EXPRESSION:
        return "·"
    return f"({_forward(data)})"


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
        return labels.text(op or "?") if markup else str(op or "?")
    symbol = (row.symbol_pretty.strip() or row.plain.strip() or _STYLE_SYMBOL.get(row.style)
              or row.name)
    if markup:
        html_symbol = row.html.strip()
        symbol = (html_symbol if html_symbol and labels.balanced(html_symbol)
                  else labels.text(symbol))
    return f"(·){symbol}" if row.style == "postfix" else symbol


_STYLE_SYMBOL = {"copy": "="}       # `b = a` passes the value on under another name


def op_id(node_id: str, index: int = 0) -> str:
    """The DOT name of the operation node that makes `node_id` (ops style): its value's + '%op'.

    No user id contains '%', and a generated one is 'n%<digits>', so it cannot collide.

    >>> op_id("a"), op_id("%2")
    ('a%op', 'n%2%op')
    """
    return graphviz.nohtml(f"{dot_id(node_id, index)}%op")


def op_node(data: dict, theme: Theme) -> dict[str, str]:
    """The attributes of an operation node: a small circle (an ellipse for a long symbol)."""
    symbol = op_symbol(data.get("op"), markup=True)
    visible = html.unescape(re.sub(r"<[^<>]*>", "", symbol))
    attrs = dict(theme.kinds["op"])
    if len(visible) > 2:
        attrs["shape"] = "ellipse"
    return {**attrs, "label": f"<{labels.font(symbol, EXPR_SIZE + 2)}>",
            "margin": "0.02,0.02", "width": "0.3", "height": "0.3"}


def referenced_ids(graph: nx.MultiDiGraph) -> set[str]:
    """The generated ids (%7) that appear in some node's or edge's text."""
    texts = [d.get("forward_pretty") or "" for _, d in graph.nodes(data=True)]
    texts += [d.get("local_grad_pretty") or "" for _, _, d in graph.edges(data=True)]
    return set(_GENERATED_ID.findall("\n".join(texts)))


_GENERATED_ID = re.compile(r"%[0-9]+(?![0-9])")


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def node_plates(graph: nx.MultiDiGraph) -> dict[object, str | None]:
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
