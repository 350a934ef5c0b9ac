"""A self-contained HTML page: the diagram inline with CSS-only tooltips, then the math.

`page` takes the SVG that Graphviz laid out from `render.to_dot` (the same drawing as
`--format svg`), cleans it (`clean_svg`: no script, event handler, link or foreign content
can survive, whatever the SVG contains), and adds a tooltip to every node (its forward
computation, shape, value and gradient) and every edge (its local derivative and value).
Below come the forward and backward equations as MathML (from the LaTeX notation of the
printer, converted by latex2mathml) and a table of the leaves' values and gradients.

The page needs no network and runs no script: each node and edge has a hotspot, an HTML
element over the diagram holding a copy of its outline (what the pointer meets) and its
tooltip, which one CSS rule shows on :hover or keyboard focus. A Content-Security-Policy
forbids scripts and remote loads outright. The same input gives the same bytes.
"""

from __future__ import annotations

import functools
import html
import math
import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from graphdraw.formats import render
from graphdraw.lazy import np

if TYPE_CHECKING:
    import networkx as nx

    from graphdraw.language.program import Program

DIGITS = 4                   # significant digits of the numbers on the page
SVG_NS = "http://www.w3.org/2000/svg"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; "
       "base-uri 'none'; form-action 'none'")

# What a Graphviz SVG is made of. Anything else (script, foreignObject, image, animate,
# set, use, style, ...) is dropped with its content; <a> is replaced by its children.
_SVG_TAGS = frozenset({"svg", "g", "title", "desc", "polygon", "polyline", "ellipse", "path",
                       "text", "tspan", "line", "rect", "circle", "defs", "linearGradient",
                       "radialGradient", "stop"})
_SVG_ATTRS = frozenset({"id", "class", "width", "height", "viewBox", "transform", "points",
                        "d", "cx", "cy", "rx", "ry", "r", "x", "y", "x1", "y1", "x2", "y2",
                        "dx", "dy", "fill", "fill-opacity", "stroke", "stroke-opacity",
                        "stroke-width", "stroke-dasharray", "stroke-linecap",
                        "stroke-linejoin", "stroke-miterlimit", "font-family", "font-size",
                        "font-weight", "font-style", "text-anchor", "text-decoration",
                        "baseline-shift", "opacity", "offset", "stop-color",
                        "stop-opacity", "gradientUnits", "gradientTransform",
                        "preserveAspectRatio", "xml:space", "fx", "fy"})
# What latex2mathml writes; anything else means the math is shown as escaped LaTeX.
_MATHML_TAGS = frozenset({"math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub",
                          "msup", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder",
                          "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded",
                          "mphantom", "menclose", "semantics", "annotation"})
_MATHML_ATTRS = frozenset({"display", "stretchy", "fence", "form", "accent", "accentunder",
                           "mathvariant", "width", "height", "depth", "linebreak",
                           "columnalign", "rowalign", "columnspacing", "rowspacing",
                           "columnlines", "rowlines", "lspace", "rspace", "displaystyle",
                           "scriptlevel", "separator", "largeop", "movablelimits",
                           "symmetric", "minsize", "maxsize", "linethickness", "notation",
                           "encoding", "frame", "framespacing", "voffset"})
_BAD_VALUE = re.compile(r"(?:java|vb)script:|data:text/html|url\(|expression\(", re.I)
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f]+")
_PERCENT = re.compile(r"(?<!\\)%")
_PAIR = re.compile(r"(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?),(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)", re.I)

KIND_WORDS = {"input": "input (data)", "target": "target", "param": "parameter",
              "constant": "constant", "intermediate": "intermediate value",
              "output": "output"}
# How the adjoint ḡ = ∂L/∂head meets an edge's local derivative D (see `graphdraw ops`).
COMBINE_TEX = {"elementwise": r"{g} \odot D", "matmul_left": r"{g} \, D",
               "matmul_right": r"D^\top \, {g}", "transpose": r"\left({g} \odot D\right)^\top"}
COMBINE_WORDS = {"elementwise": "; ⊙ multiplies entry by entry",
                 "matmul_left": "; a matrix product", "matmul_right": "; a matrix product",
                 "transpose": "; ⊙ multiplies entry by entry"}


# --- cleaning the SVG -------------------------------------------------------------------------

def _local(name: str) -> str:
    """A tag or attribute name without its {namespace}."""
    return name.rsplit("}", 1)[-1]


def clean_svg(svg: bytes | str) -> ET.Element:
    """Parse Graphviz's SVG and keep only plain drawing: no script, handler, link or style.

    Whitelists elements and attributes; drops comments, the DOCTYPE (whose DTD address
    would be a remote reference) and any value that could run or load something.
    """
    root = ET.fromstring(svg.encode("utf-8") if isinstance(svg, str) else svg)
    if _local(root.tag) != "svg" or not root.tag.startswith("{" + SVG_NS):
        raise ValueError("not an SVG document")
    _clean(root)
    return root


def _clean(element: ET.Element) -> None:
    for name in list(element.attrib):
        local = _local(name) if not name.startswith("{http://www.w3.org/XML") else "xml:space"
        value = element.attrib[name]
        if local not in _SVG_ATTRS or _BAD_VALUE.search(_INVISIBLE.sub("", value)):
            del element.attrib[name]
    children = list(element)
    for child in children:
        element.remove(child)
    for child in children:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag.startswith("{" + SVG_NS + "}") and _local(tag) == "a":
            _clean(child)                       # a link: keep what it draws, not the link
            child.attrib.clear()
            child.tag = f"{{{SVG_NS}}}g"
        elif tag.startswith("{" + SVG_NS + "}") and _local(tag) in _SVG_TAGS:
            _clean(child)
        else:
            continue                            # comments, processing instructions, others
        element.append(child)


def _serialize(element: ET.Element, *, keep_ns: str | None = None) -> str:
    """Markup for an element tree, namespace prefixes dropped (the HTML parser adds them)."""
    out: list[str] = []
    stack: list[tuple[ET.Element, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        tag = _local(node.tag)
        if closing:
            out.append(f"</{tag}>")
            if node.tail:
                out.append(html.escape(node.tail, quote=False))
            continue
        attrs = "".join(f' {_attr_name(k)}="{html.escape(v, quote=True)}"'
                        for k, v in node.attrib.items())
        if node is element and keep_ns:
            attrs = f' xmlns="{keep_ns}"' + attrs
        if len(node) == 0 and not node.text:
            out.append(f"<{tag}{attrs}/>")
            if node.tail and node is not element:
                out.append(html.escape(node.tail, quote=False))
            continue
        out.append(f"<{tag}{attrs}>")
        if node.text:
            out.append(html.escape(node.text, quote=False))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return "".join(out)


def _attr_name(name: str) -> str:
    if name.startswith("{http://www.w3.org/XML/1998/namespace}"):
        return "xml:" + _local(name)
    return _local(name)


# --- numbers and math -------------------------------------------------------------------------

def _number_tex(x: float, digits: int = DIGITS) -> str:
    r"""One number for LaTeX: 4 significant digits, 1.2 \times 10^{-5} for small ones.

    >>> _number_tex(0.000308451), _number_tex(-1.5e-07), _number_tex(-0.0), _number_tex(2.0)
    ('0.0003085', '{-1.5 \\times 10^{-7}}', '0', '2')
    """
    x = float(x)
    if math.isnan(x):
        return r"\mathrm{NaN}"
    if math.isinf(x):
        return r"\infty" if x > 0 else r"{-\infty}"
    text = f"{x + 0.0:.{digits}g}"
    if "e" in text:
        mantissa, power = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(power)}}}"
    # A group, so that the minus is a sign (−0.5), not a binary operator after a comma.
    return "{" + text + "}" if text.startswith("-") else text


def value_tex(value: object, digits: int = DIGITS) -> str | None:
    r"""A value as LaTeX: a number, [a, b] for a vector, a bracketed matrix; None when
    it has more entries than a picture shows (render.SHOW_LIMIT) or more than two axes.

    >>> value_tex([[1, 0], [0, 1]])
    '\\begin{bmatrix}1 & 0 \\\\ 0 & 1\\end{bmatrix}'
    """
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return _number_tex(float(array), digits)
    if array.size > render.SHOW_LIMIT or array.ndim > 2 or array.size == 0:
        return None
    if array.ndim == 1:
        return r"\left[" + r",\ ".join(_number_tex(x, digits) for x in array) + r"\right]"
    rows = r" \\ ".join(" & ".join(_number_tex(x, digits) for x in row) for row in array)
    return r"\begin{bmatrix}" + rows + r"\end{bmatrix}"


def _summary(value: object, digits: int = DIGITS) -> str:
    """A big tensor in words: its shape, mean and range (escaped HTML)."""
    from graphdraw.numeric.numbers import show
    return html.escape(show(value, digits, render.SHOW_LIMIT).replace("-", "−"))


def value_html(value: object, digits: int = DIGITS, prefix: str | None = None) -> str:
    """A value as MathML (`prefix` is LaTeX put before it, e.g. 'z ='), or a summary."""
    tex = value_tex(value, digits)
    if tex is None:
        lead = mathml(prefix) + " " if prefix else ""
        return f'{lead}<span class="summary">{_summary(value, digits)}</span>'
    return mathml(f"{prefix} {tex}" if prefix else tex)


@functools.lru_cache(maxsize=4096)       # names, "=" and ∂L/∂name recur on every tooltip
def mathml(latex: str, *, display: bool = False, source: bool = False) -> str:
    """LaTeX as a MathML element, checked against a whitelist; escaped LaTeX if it fails.

    `source` keeps the LaTeX in an annotation (invisible; copied with the formula).

    >>> mathml("x^{2}")
    '<math><mrow><msup><mi>x</mi><mrow><mn>2</mn></mrow></msup></mrow></math>'
    """
    from latex2mathml.converter import convert
    tex = _PERCENT.sub(r"\\%", latex)           # a bare % would start a TeX comment
    try:
        root = ET.fromstring(convert(tex, display="block" if display else "inline"))
        ok = _mathml_ok(root)
    except Exception:  # noqa: BLE001 - any converter failure: show the LaTeX instead
        ok = False
    if not ok:
        return f'<code class="tex">{html.escape(latex)}</code>'
    _polish(root)
    root.attrib.clear()
    if display:
        root.set("display", "block")
    if source:
        body = list(root)
        for child in body:
            root.remove(child)
        semantics = ET.SubElement(root, f"{{{MATHML_NS}}}semantics")
        row = ET.SubElement(semantics, f"{{{MATHML_NS}}}mrow")
        row.extend(body)
        note = ET.SubElement(semantics, f"{{{MATHML_NS}}}annotation")
        note.set("encoding", "application/x-tex")
        note.text = latex
    return _serialize(root)


_TALL = frozenset({"mfrac", "mtable", "munder", "munderover", "msqrt", "mroot"})


def _polish(root: ET.Element) -> None:
    """Typographic fixes to latex2mathml's output, as TeX would set the formula.

    A \\left( \\right) pair around one line of math is drawn at normal size (browsers leave
    a gap beside a stretched parenthesis); ∂ is a symbol, not an operator, so ∂L/∂z is
    set tight; an operator name such as sum or outer is an upright identifier.
    """
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "mrow" and len(element) >= 2:
            first, last = element[0], element[-1]
            if (_local(first.tag) == "mo" and first.get("fence") == "true"
                    and _local(last.tag) == "mo" and last.get("fence") == "true"
                    and not any(_local(e.tag) in _TALL for e in element.iter())):
                first.set("stretchy", "false")
                last.set("stretchy", "false")
        elif tag == "mo" and element.text == "∂":
            element.tag = f"{{{MATHML_NS}}}mi"
        elif tag == "mo" and element.text == "/":
            element.set("lspace", "0")
            element.set("rspace", "0")
        elif tag == "mo" and element.text and len(element.text) > 1 and element.text.isalpha():
            element.tag = f"{{{MATHML_NS}}}mi"


def _mathml_ok(root: ET.Element) -> bool:
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{MATHML_NS}}}"):
            return False
        if _local(element.tag) not in _MATHML_TAGS:
            return False
        for name, value in list(element.attrib.items()):
            if _local(name) not in _MATHML_ATTRS or _BAD_VALUE.search(value):
                del element.attrib[name]
    return True


# --- the page ---------------------------------------------------------------------------------

class _Tex:
    """LaTeX for the nodes and edges of a program (names, computations, derivatives)."""

    def __init__(self, program: Program, shapes: dict) -> None:
        from graphdraw.language.printing import Printer
        self.program = program
        self.printer = Printer(program, "latex", shapes)
        out = program.nodes[program.output]
        self.out = self.name(out.id)
        self.out_is_named = out.name is not None

    def name(self, node_id: str, wrap: bool = True) -> str:
        """A node's name, or its expression (in parentheses, to follow a ∂) if it has none."""
        from graphdraw import ops
        from graphdraw.language.printing import name as print_name
        node = self.program.nodes[node_id]
        if node.name is not None or node.is_leaf:
            return print_name(node, "latex")[0]
        piece = self.printer.pieces[node_id]
        return piece[0] if piece[1] >= ops.ATOM or not wrap else rf"\left({piece[0]}\right)"

    def grad(self, node_id: str) -> str:
        """∂L/∂name, inline."""
        return rf"\partial {self.out} / \partial {self.name(node_id)}"

    def local(self, tail: str, head: str, position: int) -> str:
        """The local derivative ∂head/∂tail as the op table writes it."""
        from graphdraw import ops
        node = self.program.nodes[head]
        operands = dict(zip("ab", node.args), out=node.id)
        return self.printer.template(ops.OPS[node.op].derivs[position], operands)[0]


def page(program: Program, graph: nx.MultiDiGraph, svg: bytes | str, leaf_values: dict, *,
         title: str | None = None, caption: str | None = None, note: str | None = None,
         numbers: dict | None = None) -> str:
    """The HTML page of a model: the diagram `svg` (laid out from `render.to_dot(graph)`)
    with a tooltip on every node and edge, the equations, and the leaves' numbers.

    `numbers` (`render.numbers_for`, all parts) is computed from `leaf_values` when not
    given; `note` says where the values come from (`render.values_note`).
    """
    from graphdraw.numeric import evaluate
    shapes = evaluate.check_shapes(program, leaf_values)
    if numbers is None or not all(k in numbers for k in ("values", "grads", "local")):
        numbers = render.numbers_for(program, leaf_values)
    tex = _Tex(program, shapes)
    root = clean_svg(svg)
    spots = _annotate(root, program, graph, numbers, tex, shapes)
    out_node = program.nodes[program.output]
    from graphdraw.language.printing import name as print_name
    out_pretty = print_name(out_node, "pretty")[0]
    heading = html.escape(title) if title else \
        "Computation graph of " + mathml(tex.out)
    doc_title = title if title else f"Computation graph of {out_pretty}"
    source_name = program.source.name
    meta = [f"Model: {html.escape(source_name)}"]
    if note:
        meta.append(html.escape(note[:1].upper() + note[1:]))
    hint = ("Hover over a node or an arrow, or move to it with Tab. A node shows its "
            "forward computation, its shape, its value and the gradient "
            f"{mathml(_grad_header(tex))} of the output; an arrow shows its local "
            "derivative ∂head/∂tail and that derivative's value.")
    figcaption = (f'<figcaption class="column" id="caption">{html.escape(caption)}'
                  "</figcaption>") if caption else ""
    svg_markup = _serialize(root, keep_ns=SVG_NS)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="graphdraw">',
        f"<title>{html.escape(doc_title)}</title>",
        f"<style>\n{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        '<header class="column">',
        f"<h1>{heading}</h1>",
        f'<p class="meta">{" · ".join(meta)}</p>',
        "</header>",
        '<figure id="diagram">',
        f'<div class="graph">{svg_markup}\n<div class="hover">\n{"".join(spots)}</div></div>',
        figcaption,
        "</figure>",
        f'<p class="column hint">{hint}</p>',
        _forward_section(program, numbers, tex),
        _backward_section(program, numbers, tex, shapes),
        _leaves_section(program, graph, numbers, tex, shapes, leaf_values),
        _source_section(program),
        '<footer class="column">Made with graphdraw. Numbers are float64, shown to '
        f"{DIGITS} significant digits; the diagram is Graphviz's layout of the same graph "
        "as <code>graphdraw render</code> draws.</footer>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _annotate(root: ET.Element, program: Program, graph: nx.MultiDiGraph, numbers: dict,
              tex: _Tex, shapes: dict) -> list[str]:
    """The hover layer: one hotspot with a tooltip for every node and edge of the drawing.

    A hotspot is an HTML element over the diagram, placed in % of it (so it scales with
    the picture), holding a small SVG with a copy of the node's outline or the edge's curve
    (the area that reacts to the pointer, drawn in the accent colour while hovered) and
    the tooltip, shown by one generic rule (`.hot:hover > .tip`). Edges come first, so that
    nodes lie on top, as in the drawing.
    """
    view = [float(v) for v in (root.get("viewBox") or "0 0 1 1").split()]
    if len(view) != 4 or view[2] <= 0 or view[3] <= 0:
        view = [0.0, 0.0, 1.0, 1.0]
    graph_group = next((g for g in root if _local(g.tag) == "g"), root)
    transform = graph_group.get("transform") or ""
    frame = _Frame(view, transform)
    by_title = _groups_by_title(root)
    _drop_titles(root)

    order = {node: index for index, node in enumerate(graph.nodes)}
    dot_names = {render.dot_id(node, index): node for node, index in order.items()}
    # --style ops draws each operation as a node of its own (render.op_id), between the
    # operands and the value it makes: its tooltip is the value's computation.
    make_op_id = getattr(render, "op_id", None)
    op_names = {make_op_id(node, index): node for node, index in order.items()
                if graph.nodes[node].get("op") is not None} if make_op_id else {}
    pretty = {node: (data.get("label") or data.get("forward_pretty") or str(node))
              for node, data in graph.nodes(data=True)}
    spots: list[str] = []

    # Edges by the nodes they join. Graphviz numbers its edge groups (edgeN) in the order
    # of the DOT source, where edges between the same two nodes (x * x) come in operand order.
    waiting: dict[tuple[str, str], list] = {}
    for tail, head, key, data in sorted(graph.edges(keys=True, data=True),
                                        key=lambda e: e[3].get("arg", e[2])):
        waiting.setdefault((tail, head), []).append((tail, head, data.get("arg", key), data))
    names = {**op_names, **dot_names}
    for element, title in sorted(by_title.get("edge", []), key=lambda g: _seq(g[0].get("id"))):
        ends = _edge_ends(title, names)
        queue = (waiting.get(ends) or waiting.get((ends[1], ends[0]))) if ends else None
        if not queue:
            continue                    # ops style: an operation's arrow to its own value
        tail, head, position, data = queue.pop(0)
        body = _edge_tip(program, graph, tail, head, position, data, numbers, tex)
        label = f"arrow from {pretty[tail]} to {pretty[head]}"
        spots.append(frame.hotspot(len(spots), "edge", _edge_shapes(element), body, label,
                                   {"data-tail": str(tail), "data-head": str(head)},
                                   anchor=_edge_anchor(element)))
    for element, title in by_title.get("node", []):
        if title in dot_names:
            node = dot_names[title]
            body = _node_tip(program, graph, node, numbers, tex, shapes)
            attrs = {"data-node": str(node)}
            label = f"value {pretty[node]}"
        elif title in op_names:
            node = op_names[title]
            body = _op_tip(program, node, tex)
            attrs = {"data-op": str(node)}
            label = f"operation making {pretty[node]}"
        else:
            continue                    # the legend's samples
        spots.append(frame.hotspot(len(spots), "node", _node_shapes(element), body, label,
                                   attrs))
    return spots


class _Frame:
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
        inner = "".join(_serialize(shape) for shape in shapes)
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


def _seq(gid: str | None) -> int:
    match = re.search(r"\d+$", gid or "")
    return int(match.group(0)) if match else 0


def _groups_by_title(root: ET.Element) -> dict[str, list[tuple[ET.Element, str]]]:
    """The node and edge groups of the drawing with their <title> text, by class."""
    found: dict[str, list[tuple[ET.Element, str]]] = {}
    for element in root.iter(f"{{{SVG_NS}}}g"):
        kind = element.get("class")
        if kind not in ("node", "edge"):
            continue
        title = element.find(f"{{{SVG_NS}}}title")
        found.setdefault(kind, []).append((element, (title.text or "") if title is not None
                                           else ""))
    return found


def _drop_titles(root: ET.Element) -> None:
    """Remove <title>s: a browser would show them as a second, plain tooltip ('n%3')."""
    for parent in root.iter():
        for child in list(parent):
            if _local(child.tag) == "title":
                parent.remove(child)


def _edge_ends(title: str, dot_names: dict) -> tuple[str, str] | None:
    """The graph nodes an edge title 'a->b' joins (in the order written)."""
    for match in re.finditer("->", title):
        left, right = title[:match.start()], title[match.end():]
        if left in dot_names and right in dot_names:
            return dot_names[left], dot_names[right]
    return None


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
        tag = _local(element.tag)
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


def _node_shapes(group: ET.Element) -> list[ET.Element]:
    outline = [e for e in group if _local(e.tag) in ("polygon", "ellipse", "path")]
    if not outline:                     # a plain node (a constant): its text
        rect = _text_rect(group)
        outline = [rect] if rect is not None else []
    return [_shape(e, "hit") for e in outline] + [_shape(e, "mark") for e in outline[:1]]


def _edge_shapes(group: ET.Element) -> list[ET.Element]:
    curves = [e for e in group if _local(e.tag) == "path"]
    heads = [e for e in group if _local(e.tag) == "polygon"]
    shapes = [_shape(e, "hit line") for e in curves] + [_shape(e, "hit") for e in heads]
    label = _text_rect(group)
    if label is not None:
        shapes.append(_shape(label, "hit"))       # the label: what a reader looks at
    shapes += [_shape(e, "mark line") for e in curves] + [_shape(e, "mark") for e in heads]
    return shapes


def _edge_anchor(group: ET.Element) -> tuple[float, float] | None:
    """Where an edge's tooltip attaches: the middle of its curve."""
    path = next((e for e in group if _local(e.tag) == "path"), None)
    points = _PAIR.findall(path.get("d", "")) if path is not None else []
    if not points:
        return None
    x, y = points[len(points) // 2]
    return float(x), float(y)


def _node_tip(program: Program, graph: nx.MultiDiGraph, node_id: str, numbers: dict,
              tex: _Tex, shapes: dict) -> str:
    """A node's tooltip: name and kind, computation, value, gradient."""
    from graphdraw.ops.shapes import fmt
    node = program.nodes[node_id]
    data = graph.nodes[node_id]
    kind = data.get("kind", "intermediate")
    words = KIND_WORDS.get(kind, "value")
    if kind == "intermediate" and node.name is None:
        words = "intermediate value (unnamed)"
    shape = fmt(tuple(shapes.get(node_id, ()))) if node_id in shapes else None
    name = tex.name(node_id)
    heading = tex.name(node_id, wrap=False)
    rows = []
    if node.op is not None:
        rhs = tex.printer.expression(node)[0]
        formula = f"{name} = {rhs}" if node.name is not None else rhs
        rows.append(("computes", mathml(formula)))
    elif node.is_const:
        rows.append(("computes", "a constant of the model"))
    else:
        rows.append(("computes", "nothing: a leaf, given a value"))
    if shape is not None:
        rows.append(("shape", html.escape(shape)))
    value = (numbers.get("values") or {}).get(node_id)
    if value is not None:
        prefix = f"{name} =" if (node.name is not None or node.is_leaf) else "="
        rows.append(("value", value_html(value, prefix=prefix)))
    grad = (numbers.get("grads") or {}).get(node_id)
    if grad is not None:
        rows.append(("gradient", value_html(grad, prefix=f"{tex.grad(node_id)} =")))
    else:
        why = {"input": "none: inputs take no gradient",
               "target": "none: targets take no gradient",
               "constant": "none: a constant takes no gradient"}.get(
            kind, "none: no parameter flows into this value")
        rows.append(("gradient", html.escape(why)))
    head = (f'<div class="tip-head"><span class="tip-name">{mathml(heading)}</span> '
            f'<span class="tip-kind">{html.escape(words)}</span></div>')
    where = f'<div class="tip-foot">line {node.line} of the model</div>' if node.line else ""
    return head + _rows(rows) + where


def _edge_tip(program: Program, graph: nx.MultiDiGraph, tail: str, head: str, position: int,
              data: dict, numbers: dict, tex: _Tex) -> str:
    """An edge's tooltip: the local derivative ∂head/∂tail, its value, how it is used."""
    local_tex = tex.local(tail, head, position)
    symbol = rf"\partial {tex.name(head)} / \partial {tex.name(tail)}"
    rows = [("local derivative", mathml(f"{symbol} = {local_tex}"))]
    value = (numbers.get("local") or {}).get((tail, head, position))
    if value is not None:
        shown = np.asarray(value, dtype=float)
        if np.isfinite(shown).all():
            rows.append(("value", value_html(shown)))
        else:
            rows.append(("value", "not defined at these values"))
    tail_kind = graph.nodes[tail].get("kind")
    if (numbers.get("grads") or {}).get(tail) is None:
        why = {"constant": "none: no gradient flows into a constant",
               "input": "none: inputs take no gradient",
               "target": "none: targets take no gradient"}.get(
            tail_kind, "none: no parameter flows into this value")
        rows.append(("backward", html.escape(why)))
    else:
        combine = data.get("combine", "elementwise")
        pattern = COMBINE_TEX.get(combine)
        if pattern is not None:
            g = rf"\partial {tex.out} / \partial {tex.name(head)}"
            how = COMBINE_WORDS.get(combine, "")
            flow = (f"{mathml(pattern.format(g=g))} is added to {mathml(tex.grad(tail))}"
                    f'<div class="muted">D: this local derivative{how}</div>')
            rows.append(("backward", flow))
    arrow = mathml(tex.name(tail, wrap=False) + r" \to " + tex.name(head, wrap=False))
    heading = (f'<div class="tip-head"><span class="tip-name">{arrow}</span> '
               '<span class="tip-kind">arrow</span></div>')
    return heading + _rows(rows)


def _op_tip(program: Program, node_id: str, tex: _Tex) -> str:
    """The tooltip of an operation node (--style ops): what it computes, from the op table."""
    from graphdraw import ops
    node = program.nodes[node_id]
    row = ops.OPS[node.op]
    rhs = tex.printer.expression(node)[0]
    formula = f"{tex.name(node_id)} = {rhs}" if node.name is not None else rhs
    head = (f'<div class="tip-head"><span class="tip-name">{html.escape(row.name)}</span> '
            '<span class="tip-kind">operation</span></div>')
    return head + _rows([("computes", mathml(formula)), ("operation", html.escape(row.doc))])


def _rows(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<dt>{html.escape(label)}</dt><dd>{content}</dd>" for label, content in rows)
    return f"<dl>{body}</dl>"


# --- the sections below the diagram -----------------------------------------------------------

def _forward_section(program: Program, numbers: dict, tex: _Tex) -> str:
    from graphdraw.language.printing import number
    rows = []
    for node in program.nodes.values():
        if node.name is None or node.is_leaf:
            continue
        rhs = tex.printer.expression(node)[0] if node.op is not None else \
            number(node.text, "latex")[0]
        value = (numbers.get("values") or {}).get(node.id)
        rows.append(_equation_row(tex.name(node.id), rhs, value))
    if not rows:
        return ""
    return ('<section class="column" id="forward">\n<h2>Forward pass</h2>\n'
            "<p>Each named value in the order the model computes it, and its value.</p>\n"
            f'<div class="scroll"><table class="equations">{"".join(rows)}</table></div>\n'
            "</section>")


def _backward_section(program: Program, numbers: dict, tex: _Tex, shapes: dict) -> str:
    from graphdraw.numeric import adjoint
    from graphdraw.numeric import evaluate
    wants = evaluate.needs_grad(program, set(evaluate.gradient_leaves(program)))
    equations = adjoint.equations(program, shapes, "latex", wants=wants)
    grads = numbers.get("grads") or {}
    rows = [_equation_row(e.lhs, e.rhs, grads.get(e.node)) for e in equations]
    summed = tuple(shapes.get(program.output, ())) != ()
    note = (f" The output {mathml(tex.out)} is not a scalar: graphdraw differentiates the sum "
            "of its entries." if summed else "")
    return ('<section class="column" id="backward">\n<h2>Backward pass</h2>\n'
            f"<p>The gradient of {mathml(tex.out)} with respect to each value, from the output "
            "down, in the model's own names. A named value further down refers to the "
            f"gradients above it; the last column is the value at these numbers.{note}</p>\n"
            f'<div class="scroll"><table class="equations">{"".join(rows)}</table></div>\n'
            "</section>")


def _equation_row(lhs: str, rhs: str, value: object) -> str:
    shown = value_html(value) if value is not None else ""
    return (f'<tr><td class="lhs">{mathml(lhs, source=True)}</td><td class="eq">'
            f"{mathml('=')}</td>"
            f'<td class="rhs">{mathml(rhs, source=True)}</td>'
            f'<td class="value">{shown}</td></tr>')


def _leaves_section(program: Program, graph: nx.MultiDiGraph, numbers: dict, tex: _Tex,
                    shapes: dict, leaf_values: dict) -> str:
    from graphdraw.ops.shapes import fmt
    values = numbers.get("values") or {}
    grads = numbers.get("grads") or {}
    rows = []
    for node in program.nodes.values():
        if not node.is_leaf:
            continue
        kind = graph.nodes[node.id].get("kind", "param") if node.id in graph else "param"
        words = {"param": "parameter", "input": "input", "target": "target"}.get(kind, kind)
        value = values.get(node.id, leaf_values.get(node.id))
        grad = grads.get(node.id)
        rows.append(f"<tr><td>{mathml(tex.name(node.id))}</td><td>{html.escape(words)}</td>"
                    f"<td>{html.escape(fmt(tuple(shapes.get(node.id, ()))))}</td>"
                    f'<td class="value">{value_html(value) if value is not None else ""}</td>'
                    f'<td class="value">{value_html(grad) if grad is not None else "—"}</td>'
                    "</tr>")
    out_value = values.get(program.output)
    at = (f"<p>At these values {value_html(out_value, prefix=f'{tex.out} =')}.</p>\n"
          if out_value is not None else "")
    head = (f"<tr><th>leaf</th><th>role</th><th>shape</th><th>value</th>"
            f"<th>gradient {mathml(_grad_header(tex))}</th>"
            "</tr>")
    return ('<section class="column" id="leaves">\n<h2>Leaves: values and gradients</h2>\n'
            f"{at}"
            f'<div class="scroll"><table class="numbers"><thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>\n</section>')


def _grad_header(tex: _Tex) -> str:
    return rf"\partial {tex.out} / \partial \cdot"


def _source_section(program: Program) -> str:
    text = program.source.text.rstrip("\n")
    return ('<section class="column" id="model">\n<details>\n<summary>The model as written'
            f"</summary>\n<pre>{html.escape(text, quote=False)}</pre>\n</details>\n</section>")


# --- one call ---------------------------------------------------------------------------------

def to_html(program: Program, leaf_values: dict, *, title: str = "", note: str | None = None,
            caption: str | None = None, timeout: float = 30.0, **dot_options) -> str:
    """The page of a model at the given leaf values, drawn as `render.to_dot(**dot_options)`.

    Needs Graphviz's dot for the layout.
    """
    from graphdraw.core import graph as graph_mod
    graph = graph_mod.build(program, title=title, notations=graph_mod.FOR_RENDER)
    dot = render.to_dot(graph, title=title, **dot_options)
    svg = render.layout(dot, "svg", timeout=timeout)
    return page(program, graph, svg, leaf_values, title=title, caption=caption, note=note)


def example_html(name: str, seed: int = 0) -> str:
    """The page of a built-in example, as `graphdraw render --example NAME --format html`."""
    from graphdraw.language import examples
    from graphdraw.language import parser
    from graphdraw.numeric import values
    program = parser.parse(examples.text(name), f"<example {name}>")
    leaf_values = values.leaf_values(program, {}, seed)
    return to_html(program, leaf_values, note=render.values_note(seed))


_CSS = """\
:root { color-scheme: light; --ink: #1f2328; --muted: #5f6368; --rule: #d9d9d9;
  --soft: #f6f7f8; --accent: #9c2f2f; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: #ffffff; color: var(--ink);
  font: 17px/1.55 Charter, "Bitstream Charter", "Sitka Text", Cambria, "Liberation Serif",
    "Times New Roman", serif;
  font-kerning: normal; }
main { padding: 2.2rem 1.25rem 3rem; }
.column { max-width: 48rem; margin-left: auto; margin-right: auto; }
h1 { font-size: 1.85rem; line-height: 1.2; font-weight: 700; margin: 0 0 0.3rem; }
h2 { font-size: 1.3rem; line-height: 1.25; font-weight: 700; margin: 2.4rem 0 0.6rem;
  padding-bottom: 0.25rem; border-bottom: 1px solid var(--rule); }
p { margin: 0.5rem 0 0.9rem; }
.meta { color: var(--muted); font-size: 0.95rem; margin: 0; }
math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", "TeX Gyre Termes Math",
  math; font-size: 1.05em; }
math[display="block"] { margin: 0; }
code, pre, .tex { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85em; }
figure { margin: 1.6rem 0 0.5rem; }
.graph { position: relative; width: fit-content; max-width: 100%; margin: 0 auto; }
.graph > svg { display: block; max-width: 100%; height: auto; }
figcaption { margin-top: 0.8rem; color: var(--muted); font-size: 0.92rem; line-height: 1.5; }
.hover { position: absolute; inset: 0; pointer-events: none; }
.hot { position: absolute; pointer-events: none; outline: none; }
.hot > svg { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible;
  pointer-events: none; }
.hot .hit { pointer-events: all; cursor: help; fill: transparent; stroke: transparent;
  stroke-width: 4px; vector-effect: non-scaling-stroke; }
.hot .hit.line { fill: none; pointer-events: stroke; stroke-width: 14px; }
.hot .mark { pointer-events: none; fill: none; stroke: none; stroke-width: 2.4px;
  vector-effect: non-scaling-stroke; }
.hot:is(:hover, :focus-visible) { z-index: 5; }
.hot:is(:hover, :focus-visible) .mark { stroke: var(--accent); }
.hot.edge:is(:hover, :focus-visible) polygon.mark { fill: var(--accent); }
.tip { display: none; position: absolute; z-index: 10; width: max-content;
  max-width: min(26rem, 92vw); margin: 6px 0; padding: 0.55rem 0.8rem 0.6rem;
  background: #ffffff; border: 1px solid #c9ccd1; border-radius: 6px;
  box-shadow: 0 6px 20px rgba(0, 0, 0, 0.16); font-size: 0.92rem; line-height: 1.45;
  text-align: left; pointer-events: none; }
.hot:is(:hover, :focus-visible) > .tip { display: block; }
.hot.edge > .tip { margin: 0; }
.hint { color: var(--muted); font-size: 0.92rem; line-height: 1.5; margin-top: 0.8rem; }
.tip-head { display: flex; align-items: baseline; gap: 0.6rem; margin-bottom: 0.35rem;
  padding-bottom: 0.3rem; border-bottom: 1px solid var(--rule); }
.tip-name math { font-size: 1.25em; }
.tip-kind { color: var(--muted); font-size: 0.85rem; }
.tip dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.75rem;
  margin: 0; align-items: baseline; }
.tip dt { color: var(--muted); font-size: 0.8rem; font-variant: small-caps;
  letter-spacing: 0.03em; }
.tip dd { margin: 0; }
.tip-foot { margin-top: 0.35rem; color: var(--muted); font-size: 0.78rem; }
.muted { color: var(--muted); font-size: 0.85rem; }
.summary { font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; }
table.equations td { padding: 0.3rem 0.2rem; vertical-align: middle; }
table.equations math { math-style: normal; }
table.equations td.lhs { text-align: right; padding-right: 0.1rem; }
table.equations td.eq { text-align: center; width: 1.6rem; }
table.equations td.rhs { text-align: left; padding-right: 1.5rem; }
table.equations td.value { text-align: right; color: var(--muted); padding-left: 1rem;
  border-left: 1px solid var(--rule); }
table.numbers { min-width: 70%; font-variant-numeric: tabular-nums; }
table.numbers th { font-weight: 600; font-size: 0.9rem; text-align: left;
  border-bottom: 1.5px solid var(--ink); padding: 0.35rem 1rem 0.35rem 0; }
table.numbers td { padding: 0.35rem 1rem 0.35rem 0; border-bottom: 1px solid var(--rule);
  vertical-align: middle; }
table.numbers tr:last-child td { border-bottom: 1.5px solid var(--ink); }
details { margin-top: 2.2rem; }
summary { cursor: pointer; color: var(--muted); }
pre { background: var(--soft); border: 1px solid var(--rule); border-radius: 6px;
  padding: 0.8rem 1rem; overflow-x: auto; line-height: 1.45; }
footer { margin-top: 2.5rem; padding-top: 0.8rem; border-top: 1px solid var(--rule);
  color: var(--muted); font-size: 0.85rem; }
@media print {
  .tip { display: none !important; }
  main { padding: 0; }
  .hint, .hover { display: none; }
}
"""

__all__ = ["page", "to_html", "example_html", "clean_svg", "mathml", "value_tex",
           "value_html"]
