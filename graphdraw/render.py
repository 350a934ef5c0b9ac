"""Render a graph as Graphviz source (pure), and lay that source out with the `dot` program.

`to_digraph` / `to_dot` never run a program, so the DOT text is testable without Graphviz;
`layout` is the only place graphdraw talks to the binary. Every label is a Graphviz HTML-like
label: the graph's `*_html` fragments are embedded as they are (they are escaped by the
printer, and checked against a small tag whitelist here), and every other piece of text
(titles, shapes, numbers, legend words) goes through `_text`, the one escaping helper.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata

import graphviz
import networkx as nx

from . import errors
from .shapes import fmt as format_shape

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
SCRIPT_SCALE = 0.7           # sub- and superscripts relative to the text around them

# kind -> (node attributes, legend text). Leaves are ellipses, computed values boxes; colour
# says the role: blue data, green targets, orange learnable parameters, gold the output.
STYLES: dict[str, tuple[dict[str, str], str]] = {
    "input": ({"shape": "ellipse", "style": "filled", "fillcolor": "#dbe9f6",
               "color": "#3b73b9"}, "input (data)"),
    "target": ({"shape": "ellipse", "style": "filled", "fillcolor": "#dcf0dc",
                "color": "#3a8a3a"}, "target"),
    "param": ({"shape": "ellipse", "style": "filled", "fillcolor": "#fde5cc",
               "color": "#d2691e"}, "parameter (gets a gradient)"),
    "constant": ({"shape": "plaintext", "fontcolor": MUTED}, "constant (takes no gradient)"),
    "intermediate": ({"shape": "box", "style": "rounded,filled", "fillcolor": "white",
                      "color": INK}, "intermediate value"),
    "output": ({"shape": "box", "style": "rounded,filled,bold", "fillcolor": "#fff3c4",
                "color": "#000000", "penwidth": "2.2"}, "output"),
}
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


def _rows(cells: list[str]) -> str:
    """An HTML-like label of one centred column of cells (no borders)."""
    body = "".join(f"<TR><TD>{cell}</TD></TR>" for cell in cells)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{body}</TABLE>>'


def dot_id(node_id: str, index: int = 0) -> str:
    """The DOT name of a graph node: its own id, except that a leading '%' becomes 'n%'.

    Graphviz treats every name that starts with '%' as anonymous and renames it (%1 comes
    out as %3 in SVG titles and -Tjson), so generated ids get a prefix; user ids never
    contain '%', so the result cannot collide with one. An id that could confuse DOT
    (quotes, backslashes, ':' which DOT reads as a port) is replaced by 'n%node<index>';
    the graph builder never makes such ids.

    >>> dot_id("W_i"), dot_id("%2"), dot_id("c'"), dot_id('a"b', 7)
    ('W_i', 'n%2', "c'", 'n%node7')
    """
    text = str(node_id)
    if not _SAFE_ID.fullmatch(text) or text == LEGEND_ID:
        text = f"%node{index}"
    return graphviz.nohtml("n" + text if text.startswith("%") else text)


def _shape_text(shape: object) -> str | None:
    if shape is None:
        return None
    try:
        return format_shape(tuple(shape))
    except TypeError:
        return None


def _node_label(data: dict, show_shape: bool,
                tag: str | None = None) -> tuple[str, dict[str, str]]:
    """The label of one value node and any attributes that depend on its content.

    `tag` is the id of an unnamed value that other labels refer to (the printer writes a
    long operand as its id, e.g. tanh(%13)).
    """
    kind = data.get("kind", "intermediate")
    shape = _shape_text(data.get("shape")) if show_shape else None
    shape_cell = _font(_text(shape), SMALL_SIZE, MUTED) if shape else None
    named = data.get("label_html") is not None or data.get("label") is not None
    if kind == "constant":
        if named:
            value = data.get("value", data.get("default"))
            cells = [_font(_fragment(data.get("label_html"), data.get("label")), EXPR_SIZE + 2)]
            if value is not None:
                cells.append(_font("= " + _text(_number(value)), SMALL_SIZE))
            return _rows(cells), {}
        text = _fragment(data.get("forward_html"), data.get("forward_pretty"))
        return f"<{_font(text, EXPR_SIZE)}>", {}
    if not named:                      # an unnamed intermediate: a small box, expression only
        text = _font(_fragment(data.get("forward_html"), data.get("forward_pretty")), EXPR_SIZE)
        small = {"margin": "0.08,0.04", "height": "0.3"}
        if tag:                        # other labels call it by its id: show the id too
            return _rows([_font(_text(tag), SMALL_SIZE, MUTED), text]), small
        return f"<{text}>", small
    cells = [_font(_fragment(data.get("label_html"), data.get("label")), NAME_SIZE)]
    if data.get("op") is not None:
        cells.append(_font(_fragment(data.get("forward_html"), data.get("forward_pretty")),
                           EXPR_SIZE))
    if shape_cell:
        cells.append(shape_cell)
    return _rows(cells), {}


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


def _legend(kinds: list[str], labelled: bool, dashed: bool, shaped: bool) -> str:
    """The legend: one row per kind present, then what edge labels and dashes mean."""
    heading = _font("<B>" + _text("Legend") + "</B>", SMALL_SIZE + 1)
    rows = [f'<TR><TD COLSPAN="2" ALIGN="LEFT">{heading}</TD></TR>']
    for kind in kinds:
        attrs, words = STYLES[kind]
        if attrs["shape"] == "plaintext":
            swatch = f'<TD>{_font(_text("½"), SMALL_SIZE, MUTED)}</TD>'
        else:
            border = "2" if "bold" in attrs.get("style", "") else "1"
            swatch = (f'<TD BORDER="{border}" STYLE="rounded" BGCOLOR="{attrs["fillcolor"]}" '
                      f'COLOR="{attrs["color"]}" WIDTH="26" HEIGHT="14"></TD>')
        rows.append(f'<TR>{swatch}<TD ALIGN="LEFT">{_font(_text(words), SMALL_SIZE)}</TD></TR>')
    if shaped:
        rows.append(f'<TR><TD>{_font(_text("2×3"), SMALL_SIZE, MUTED)}</TD><TD ALIGN="LEFT">'
                    f'{_font(_text("shape: rows × columns; one number: a vector"), SMALL_SIZE)}'
                    f"</TD></TR>")
    if labelled:
        rows.append(f'<TR><TD>{_font(_text("∂"), SMALL_SIZE + 1, GRAD)}</TD><TD ALIGN="LEFT">'
                    f'{_font(_text("arrow label: local derivative ∂head / ∂tail"), SMALL_SIZE)}'
                    f"</TD></TR>")
    if dashed:
        rows.append(f'<TR><TD>{_font(_text("- - →"), SMALL_SIZE, MUTED)}</TD><TD ALIGN="LEFT">'
                    f'{_font(_text("from a constant: no gradient flows"), SMALL_SIZE)}</TD></TR>')
    return ('<<TABLE BORDER="1" COLOR="#bbbbbb" CELLBORDER="0" CELLSPACING="3" '
            f'CELLPADDING="2" BGCOLOR="#fafafa">{"".join(rows)}</TABLE>>')


def to_digraph(graph: nx.MultiDiGraph, *, rankdir: str = "LR", title: str | None = None,
               edge_labels: bool = True, shapes: bool = True) -> graphviz.Digraph:
    """The Graphviz drawing of an annotated graph (no program is run).

    `title` None uses the graph's own title, "" draws none. Nodes are styled by kind, edges
    labelled with the local derivative of their head with respect to their tail.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, not {rankdir!r}")
    if title is None:
        title = graph.graph.get("title") or ""
    dot = graphviz.Digraph(name="graphdraw")
    graph_attrs = {"charset": "UTF-8", "rankdir": rankdir, "fontname": FONT, "bgcolor": "white",
                   "pad": "0.25", "nodesep": "0.3", "ranksep": "0.3" if edge_labels else "0.4",
                   "outputorder": "edgesfirst"}
    if title:
        graph_attrs.update(label=f"<{_font(_text(title), NAME_SIZE + 2)}>", labelloc="t")
    dot.attr("graph", **graph_attrs)
    dot.attr("node", fontname=FONT, fontsize=str(EXPR_SIZE), color=INK, penwidth="1.2",
             margin="0.12,0.06")
    dot.attr("edge", fontname=FONT, fontsize=str(SMALL_SIZE), color=INK, fontcolor=GRAD,
             arrowsize="0.7", penwidth="1.1")

    # A column of "scalar" under every node of an all-scalar model says nothing.
    shapes = shapes and any(d.get("shape") not in (None, [], ())
                            for _, d in graph.nodes(data=True))
    referenced = _referenced_ids(graph)
    ids: dict[object, str] = {}
    order: dict[object, int] = {}
    present: set[str] = set()
    for index, (node, data) in enumerate(graph.nodes(data=True)):
        ids[node], order[node] = dot_id(node, index), index
        kind = data.get("kind", "intermediate")
        kind = kind if kind in STYLES else "intermediate"
        present.add(kind)
        tag = node if data.get("label") is None and node in referenced else None
        label, extra = _node_label(data, shapes, tag)
        dot.node(ids[node], label=label, **{**STYLES[kind][0], **extra})

    labelled = dashed = False
    # Edges in the order of their head, then operand position, so operands keep their order.
    edges = sorted(graph.edges(keys=True, data=True),
                   key=lambda e: (order[e[1]], e[3].get("arg", e[2]), order[e[0]]))
    for tail, head, _key, data in edges:
        if graph.nodes[tail].get("kind") == "constant":
            dashed = True
            dot.edge(ids[tail], ids[head], style="dashed", color="#9a9a9a", arrowsize="0.6")
            continue
        # Heavy edges between computed values keep the main chain straight; leaves hang off it.
        attrs = {} if graph.nodes[tail].get("op") is None else {"weight": "4"}
        if edge_labels:
            grad = _fragment(data.get("local_grad_html"), data.get("local_grad_pretty"))
            if grad:
                labelled = True
                attrs["label"] = f"<{_font(grad, SMALL_SIZE + 1)}>"
        dot.edge(ids[tail], ids[head], **attrs)

    kinds = [k for k in KINDS if k in present]
    if kinds:
        with dot.subgraph() as sink:
            sink.attr(rank="sink")
            sink.node(graphviz.nohtml("n" + LEGEND_ID), shape="plaintext", margin="0",
                      label=_legend(kinds, labelled, dashed, shapes))
    return dot


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
    r"""How many top-level node statements a DOT source has, as `to_dot` writes them.

    Used for messages only; the legend (inside a subgraph) is not counted.

    >>> count_nodes('digraph {\n\tnode [x=1]\n\ta [label=x]\n\t"n%1"\n\ta -> "n%1"\n}')
    2
    """
    return sum(1 for line in dot_source.splitlines()
               if _NODE_LINE.match(line) and line.split(" ")[0].strip() not in _KEYWORDS)


_NODE_LINE = re.compile(r'\t(?:"(?:[^"\\]|\\.)*"|[^\s"\[\]{}=-][^\s\[\]{}=]*)(?: \[.*)?$')
_KEYWORDS = ("graph", "node", "edge", "subgraph")
