r"""TikZ output (`render --format tikz`): Graphviz's layout, every label typeset by LaTeX.

The picture is laid out by Graphviz exactly as the SVG is: `render.to_dot` writes the DOT,
`dot -Tjson` lays it out, and each node is placed at its position with its size, each edge
follows its spline (from the node it visually starts at, so constants drawn with dir=back
point the right way), and each edge label sits where dot put it. Shapes, colours and line
styles are read from the layout's drawing operations (where Graphviz has resolved every
colour to #rrggbb), so the picture follows whichever theme render drew with. Kinds of node
become TikZ styles (`gd param`, `gd output`, ...) that a document may redefine.

Text is LaTeX: names and computations come from the graph's `*_latex` notation in math mode,
made safe by `math`; every other piece of text (the title, legend words, anything read back
from the layout) goes through `escape`. The output is plain ASCII, compiles with pdflatex,
and is the same bytes for the same input.

A `--snippet` is one tikzpicture; the document that \input's it needs `PREAMBLE`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

import networkx as nx

from graphdraw.language import names
from graphdraw.formats import render

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


# --- text --------------------------------------------------------------------------------------

# Characters that have a LaTeX spelling; text mode uses them in $...$ unless marked text.
_MATH_CHARS = {
    "−": "-", "×": r"\times", "·": r"\cdot", "⋅": r"\cdot", "∂": r"\partial", "ᵀ": r"^{\top}",
    "⊤": r"\top", "′": "'", "″": "''", "‴": "'''", "½": r"\frac{1}{2}", "¼": r"\frac{1}{4}",
    "¾": r"\frac{3}{4}", "∑": r"\sum", "√": r"\surd", "≤": r"\leq", "≥": r"\geq",
    "≠": r"\neq", "≈": r"\approx", "→": r"\to", "←": r"\gets", "∞": r"\infty", "±": r"\pm",
    "∈": r"\in", "∇": r"\nabla", "⊙": r"\odot", "∘": r"\circ", "°": r"^{\circ}",
    "ε": r"\varepsilon",
}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-"))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋", "0123456789+-"))
# Combining accents: (math command, text command).
_ACCENTS = {
    "\u0300": (r"\grave", r"\`"), "\u0301": (r"\acute", r"\'"), "\u0302": (r"\hat", r"\^"),
    "\u0303": (r"\tilde", r"\~"), "\u0304": (r"\bar", r"\="), "\u0306": (r"\breve", r"\u"),
    "\u0307": (r"\dot", r"\."), "\u0308": (r"\ddot", r'\"'), "\u030a": (r"\mathring", r"\r"),
    "\u030b": (None, r"\H"), "\u030c": (r"\check", r"\v"), "\u0327": (None, r"\c"),
}
_TEXT_LETTERS = {
    "ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}", "ø": r"\o{}", "Ø": r"\O{}", "œ": r"\oe{}",
    "Œ": r"\OE{}", "ł": r"\l{}", "Ł": r"\L{}", "ı": r"\i{}", "“": "``", "”": "''", "‘": "`",
    "’": "'", "–": "--", "—": "---", "…": r"\ldots{}", "\u00a0": "~", "«": r"$\ll$", "»": r"$\gg$",
}
_TEXT_ASCII = {
    # $ in math: the text-mode dollar of OT1 comes from a TS1 font that may be missing.
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"$\$$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}


def _codepoint(ch: str) -> str:
    return f"[U+{ord(ch):04X}]"


def escape(text: object) -> str:
    r"""Any text that is not LaTeX (a title, a legend's words), safe for a LaTeX document.

    The ten characters LaTeX reserves are escaped, a newline becomes \\, and letters outside
    ASCII are spelt with LaTeX accents, Greek letters and mathematical signs in math mode;
    anything else is shown as its code point. The result is ASCII.

    >>> print(escape(r"50% of {x_1} & $y^2$ ~ #\ end"))
    50\% of \{x\_1\} \& $\$$y\textasciicircum{}2$\$$ \textasciitilde{} \#\textbackslash{} end
    >>> print(escape("ŷ − σ(é) ≤ ½"))
    \^{y} $-$ $\sigma$(\'{e}) $\leq$ $\frac{1}{2}$
    """
    out = []
    for ch in str(text).replace("\r\n", "\n").replace("\r", "\n"):
        if ch == "\n":
            out.append(r"\\")
        elif ch in _TEXT_ASCII:
            out.append(_TEXT_ASCII[ch])
        elif " " <= ch <= "~":
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Cf"):
            continue
        else:
            out.append(_text_char(ch))
    return "".join(out)


def _text_char(ch: str) -> str:
    """One non-ASCII character for text mode."""
    if ch in _TEXT_LETTERS:
        return _TEXT_LETTERS[ch]
    if ch in names.GREEK:
        return f"$\\{names.GREEK[ch]}$"
    if ch in _MATH_CHARS or ch in _SUPERSCRIPTS or ch in _SUBSCRIPTS:
        return f"${_math_char(ch)}$"
    base, *marks = unicodedata.normalize("NFD", ch)
    if marks and all(_ACCENTS.get(m, (None, None))[1] for m in marks) and (
            base.isascii() and base.isalpha() or base in _TEXT_LETTERS):
        shown = _TEXT_LETTERS.get(base, base)
        for mark in marks:
            shown = f"{_ACCENTS[mark][1]}{{{shown}}}"
        return shown
    return _codepoint(ch)


_UNESCAPED = re.compile(r"(?<!\\)([%#&$])")
_SIZED = re.compile(r"\\(left|right)(?![a-zA-Z])\s*([()\[\]|./]|\\[{}|]|\\[lr](?:angle|vert|Vert)"
                    r"(?![a-zA-Z]))")


def math(text: str) -> str:
    r"""LaTeX math (the graph's `*_latex` texts) made safe for pdflatex, as ASCII.

    An unescaped % (the id of an unnamed value, %13) would start a comment, and # & $ would
    break the picture; non-ASCII letters in names (é, Δ inside a word) become accents and
    Greek commands, anything else its code point.

    >>> print(math(r"\tanh\left(%13\right) + \mathrm{Δw} + é"))
    \tanh(\%13) + \mathrm{{\Delta}w} + \acute{e}
    """
    text = _UNESCAPED.sub(r"\\\1", str(text))
    # Plain delimiters, as one-line labels are set in print: \left( grows around Wᵀ and, as
    # an inner atom, is spaced like σ (a).
    text = _SIZED.sub(lambda m: "" if m.group(2) == "." else m.group(2), text)
    if text.isascii():
        return "".join(" " if ch < " " or ch == "\x7f" else ch for ch in text)
    return "".join(ch if ch.isascii() and ch >= " " else _math_char(ch) for ch in text)


def _math_char(ch: str) -> str:
    """One character outside printable ASCII, in math mode."""
    if ch < " " or ch == "\x7f" or unicodedata.category(ch) in ("Cc", "Cs", "Cf"):
        return " "
    if ch in _MATH_CHARS:
        return _MATH_CHARS[ch]
    if ch in names.GREEK:
        return f"{{\\{names.GREEK[ch]}}}"
    if ch in _SUPERSCRIPTS:
        return f"^{{{_SUPERSCRIPTS[ch]}}}"
    if ch in _SUBSCRIPTS:
        return f"_{{{_SUBSCRIPTS[ch]}}}"
    base, *marks = unicodedata.normalize("NFD", ch)
    if marks and base.isascii() and base.isalpha() and all(
            _ACCENTS.get(m, (None, None))[0] for m in marks):
        shown = base
        for mark in marks:
            shown = f"{_ACCENTS[mark][0]}{{{shown}}}"
        return shown
    return f"\\mbox{{{escape(_codepoint(ch))}}}"


def _num(value: float) -> str:
    """A coordinate or length: at most two decimals, no trailing zeros, never '-0'.

    >>> _num(28.991), _num(222.0), _num(-0.001), _num(7)
    ('28.99', '222', '0', '7')
    """
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _comment(text: object) -> str:
    """Text for a LaTeX comment line: no line breaks, ASCII."""
    return "".join(ch if " " <= ch <= "~" else "?" for ch in str(text))


# --- reading the layout ------------------------------------------------------------------------

_SHAPES = {"ellipse": "ellipse", "oval": "ellipse", "circle": "circle",
           "doublecircle": "circle", "point": "circle", "box": "rectangle",
           "rect": "rectangle", "rectangle": "rectangle", "square": "rectangle"}
_TEXTLESS = ("plain", "plaintext", "none")


@dataclass
class _Look:
    """How dot drew one node or edge: its shape, lines, colours (#rrggbb) and text colour."""

    shape: str | None = None          # a TikZ shape, None for text only
    line: str | None = None
    fill: str | None = None
    text: str | None = None
    width: float | None = None
    dash: str | None = None
    rounded: bool = False
    double: bool = False


def _colour(value: object) -> str | None:
    """#rrggbb from an xdot colour; None for transparent or anything else.

    >>> _colour("#D2691E"), _colour("#fffffe00"), _colour("#112233ff"), _colour("red")
    ('d2691e', None, '112233', None)
    """
    text = str(value or "").lower()
    if re.fullmatch(r"#[0-9a-f]{8}", text):
        return None if text[7:] == "00" else text[1:7]
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return text[1:]
    return None


def _ops_look(draw: list, look: _Look) -> _Look:
    """Fill `look` from xdot drawing operations (first pen and fill colour, line style)."""
    for op in draw or ():
        kind = op.get("op")
        if kind == "c" and look.line is None:
            look.line = _colour(op.get("color"))
        elif kind == "C" and look.fill is None:
            look.fill = _colour(op.get("color"))
        elif kind == "S":
            style = str(op.get("style", ""))
            width = re.fullmatch(r"setlinewidth\(([0-9.]+)\)", style)
            if width:
                look.width = float(width.group(1))
            elif style in ("dashed", "dotted"):
                look.dash = style
    return look


def _text_colour(ldraw: list) -> str | None:
    """The first text colour of a label's drawing operations."""
    for op in ldraw or ():
        if op.get("op") == "c":
            return _colour(op.get("color"))
    return None


def _label_text(ldraw: list) -> str:
    """The words of a label as dot drew them, joined (for objects graphdraw does not know)."""
    return " ".join(str(op.get("text", "")) for op in ldraw or () if op.get("op") == "T")


def _node_look(obj: dict) -> _Look:
    style = str(obj.get("style", ""))
    shape_attr = str(obj.get("shape", "ellipse"))
    look = _Look(shape=None if shape_attr in _TEXTLESS else _SHAPES.get(shape_attr, "rectangle"))
    _ops_look(obj.get("_draw_"), look)
    if look.shape is None or "invis" in style:
        look.line = look.fill = None
    if "filled" not in style:
        look.fill = None
    look.rounded = "rounded" in style and look.shape == "rectangle"
    look.double = shape_attr == "doublecircle" or _float(obj.get("peripheries"), 1) >= 2
    look.text = _text_colour(obj.get("_ldraw_"))
    return look


def _float(value: object, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _points(pos: str) -> tuple[list[tuple[float, float]], bool, bool]:
    """An edge's spline points from its `pos`, and whether it has a start and an end arrow.

    >>> _points("e,10,0 0,0 3,0 6,0 9,0")
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


# --- the picture -------------------------------------------------------------------------------

@dataclass
class _Picture:
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

    def options(self, role: str, look: _Look, *, node: bool = True) -> list[str]:
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
            opts.append(f"line width={_num(look.width)}bp")
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


def _role(kind: str) -> str:
    """gdParam for param: a colour-name prefix of letters only."""
    return "gd" + "".join(part.capitalize() for part in re.split(r"[^A-Za-z]+", kind) if part)


_TIKZ_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def tikz_name(node_id: object, index: int) -> str:
    """The TikZ name of a graph node: the user's name where TikZ takes it as it is.

    Versions become c-prime, c-prime2; generated ids %3 become 'gd 3' (user names never
    contain spaces); anything else 'gd node INDEX'.

    >>> tikz_name("W_i", 0), tikz_name("c''", 1), tikz_name("%3", 2), tikz_name("é", 3)
    ('W_i', 'c-prime2', 'gd 3', 'gd node 3')
    """
    text = str(node_id)
    base = text.rstrip("'")
    primes = len(text) - len(base)
    if _TIKZ_NAME.fullmatch(base):
        return base + ("" if not primes else "-prime" + (str(primes) if primes > 1 else ""))
    if re.fullmatch(r"%[0-9]+", text):
        return "gd " + text[1:]
    return f"gd node {index}"


def _shape_latex(shape: object) -> str | None:
    """A shape as LaTeX: $2 \\times 3$, $2$, scalar."""
    if shape is None:
        return None
    try:
        dims = [int(d) for d in shape]
    except (TypeError, ValueError):
        return None
    return "scalar" if not dims else "$" + r" \times ".join(map(str, dims)) + "$"


_REFERENCE = re.compile(r"(?<!\\)%([0-9]+)(?![0-9])")


def _referenced(graph: nx.MultiDiGraph) -> set[str]:
    """The generated ids (%7) that appear in some node's or edge's LaTeX text."""
    texts = [d.get("forward_latex") or "" for _, d in graph.nodes(data=True)]
    texts += [d.get("local_grad_latex") or "" for _, _, d in graph.edges(data=True)]
    return {"%" + m for m in _REFERENCE.findall("\n".join(texts))}


# --- numbers (render --show values,grads) ----------------------------------------------------

def _number_lines(value: object) -> list[str]:
    """A value as the lines the SVG shows, in LaTeX math: a matrix one row a line."""
    from graphdraw.lazy import np
    from graphdraw.numeric.numbers import show
    array = np.asarray(value, dtype=float) + 0.0          # + 0.0: no "-0"
    if array.ndim == 2 and array.shape[0] > 1 and array.size <= render.SHOW_LIMIT:
        lines = [show(row, render.DIGITS, render.SHOW_LIMIT) for row in array]
    else:
        lines = show(array, render.DIGITS, render.SHOW_LIMIT).split(", range ")
        if len(lines) == 2:
            lines[1] = "range " + lines[1]
    return [_number_math(line) for line in lines]


def _number_math(line: str) -> str:
    r"""One line of numbers in math mode: 1e-05 as 1\mathrm{e}{-05}, words upright.

    >>> print(_number_math("2×3 array, mean -0.5, range [1e-05, -2]"))
    2\times3\ \mathrm{array},\ \mathrm{mean}\ {-}0.5,\ \mathrm{range}\ [1\mathrm{e}{-05},{-}2]
    """
    line = re.sub(r"(\d)e([-+]\d+)", r"\1\\mathrm{e}{\2}", line)
    line = re.sub(r"(?<![\\a-zA-Z])([a-zA-Z]{2,})", r"\\mathrm{\1}", line)
    line = line.replace("×", r"\times").replace("−", "-")
    line = re.sub(r", (?!\\mathrm)", ",", line)       # [0.1, 0.2]: math spaces a comma
    line = re.sub(r"(^|[ \[,])-(?=\d)", r"\1{-}", line)  # a sign, never a binary minus
    return math(line.replace(" ", r"\ "))


def _numbers_cell(rows: list[tuple[str, list[str], str | None]]) -> str:
    r"""Labelled numbers as a tabular: the label right-aligned, its lines left-aligned."""
    body = []
    for label, lines, colour in rows:
        for i, line in enumerate(lines):
            head = f"${label}$" if i == 0 else ""
            cell = f"{head} & ${line}$"
            if colour:
                cell = f"\\color{{{colour}}}{head} & \\color{{{colour}}}${line}$"
            body.append(cell + r" \\")
    return (f"{{{SMALL_FONT}\\begin{{tabular}}{{@{{}}r@{{\\,}}l@{{}}}}"
            + " ".join(body) + r"\end{tabular}}")


# --- writing -----------------------------------------------------------------------------------

# The legend lists kinds in this order whatever the direction dot stacked them in.
_KIND_ORDER = ("input", "target", "param", "constant", "op", "intermediate", "output")
_OP_SUFFIX = "%op"        # render's ops style: the operation node of value X is 'X%op'


def from_layout(graph: nx.MultiDiGraph, layout: dict, *, title: str | None = None,
                caption: str | None = None, edge_labels: bool = True, shapes: bool = True,
                numbers: dict | None = None, style: str = "textbook", theme: str | None = None,
                **_dot_options) -> str:
    """The tikzpicture of a graph from dot's -Tjson layout of `render.to_dot(graph, ...)`.

    Takes the options `render.to_dot` was given (those that only change the DOT, such as
    rankdir, are already in the layout). Pure: no program is run.
    """
    if title is None:
        title = graph.graph.get("title") or ""
    return _Writer(graph, layout, title=title, caption=caption or "",
                   edge_labels=edge_labels, shapes=shapes, numbers=numbers or {},
                   ops_style=style == "ops", theme=theme).picture()


class _Writer:
    """Writes one tikzpicture: nodes, edges, labels, plates and legend from a layout."""

    def __init__(self, graph: nx.MultiDiGraph, layout: dict, *, title: str, caption: str,
                 edge_labels: bool, shapes: bool, numbers: dict, ops_style: bool,
                 theme: str | None) -> None:
        self.graph, self.layout, self.numbers = graph, layout, numbers
        self.title, self.caption, self.edge_labels = title, caption, edge_labels
        self.ops_style = ops_style
        self.pic = _Picture()
        objects = layout.get("objects") or []
        first = int(layout.get("_subgraph_cnt", 0))
        self.clusters, self.nodes = objects[:first], objects[first:]
        self.by_gvid = {obj.get("_gvid", first + i): obj for i, obj in enumerate(self.nodes)}
        self.ids: dict[object, str] = {}
        self.names: dict[object, str] = {}
        self.order: dict[object, int] = {}
        for index, node in enumerate(graph.nodes):
            self.ids[node] = str(render.dot_id(node, index))
            self.names[node] = tikz_name(node, index)
            self.order[node] = index
        # DOT name -> (graph node, whether it is the node's operation in the ops style)
        self.owner: dict[str, tuple[object, bool]] = {}
        for node, dot in self.ids.items():
            self.owner[dot] = (node, False)
            self.owner[dot + _OP_SUFFIX] = (node, True)
        ink, muted, grad = _theme_colours(theme)
        self.ink = self.pic.colour("gdInk", ink)
        self.muted = self.pic.colour("gdMuted", muted)
        self.grad = self.pic.colour("gdGrad", grad)
        out = graph.graph.get("output")
        out_name = (graph.nodes[out].get("label_latex") if out in graph else None) or "L"
        self.grad_of = rf"\partial {math(out_name)}/\partial "
        self.shapes = shapes and any(
            (d.get("shape") or _value_shape(numbers, n)) not in (None, [], ())
            for n, d in graph.nodes(data=True))
        self.referenced = _referenced(graph)

    # --- the whole picture

    def picture(self) -> str:
        body: list[str] = []
        legend = None
        for obj in self.clusters:
            name = str(obj.get("name", ""))
            if name == "cluster_legend":
                legend = obj
            elif name.startswith("cluster") and "bb" in obj:
                body += self._cluster(obj)
        if self.layout.get("lp") and (self.caption or self.title):
            kind = "caption" if self.caption else "title"
            body.append(self._text_at(self.layout["lp"], f"gd {kind}",
                                      escape(self.caption or self.title), f"gd {kind}"))
        body += self._nodes()
        edges, labels = self._edges()
        body += edges + labels
        if legend is not None:
            body += self._legend(legend)
        return _assemble(self.pic, self.graph, body)

    @staticmethod
    def _text_at(lp: str, style: str, text: str, name: str | None = None) -> str:
        x, y = (float(v) for v in str(lp).split(",")[:2])
        named = f" ({name})" if name else ""
        return f"\\node[{style}]{named} at ({_num(x)},{_num(y)}) {{{text}}};"

    # --- nodes

    def _nodes(self) -> list[str]:
        """One \\node per node dot placed; a style per kind, from its first node."""
        lines = []
        legend_prefix = "n" + render.LEGEND_ID
        for obj in self.nodes:
            name = str(obj.get("name", ""))
            if "pos" not in obj or name.startswith(legend_prefix):
                continue
            node, is_op = self.owner.get(name, (None, False))
            if node is None:
                kind, tikz = "other", f"gd other {obj.get('_gvid')}"
                text = escape(_label_text(obj.get("_ldraw_")))
            elif is_op:
                kind, tikz = "op", self.names[node] + " op"
                text = _op_text(self.graph.nodes[node].get("op"),
                                _label_text(obj.get("_ldraw_")))
            else:
                data = self.graph.nodes[node]
                kind, tikz = str(data.get("kind", "intermediate")), self.names[node]
                text = self._node_text(node, data)
            opts = self.pic.options(_role(kind), _node_look(obj))
            style = "gd " + kind
            if style not in self.pic.styles:
                self.pic.styles[style] = ", ".join(opts)
            extra = [o for o in opts if o not in self.pic.styles[style].split(", ")]
            lines.append(_node_line(obj, [style] + extra, tikz, text))
        return lines

    def _node_text(self, node: object, data: dict) -> str:
        """The LaTeX inside a value's node: name, computation, shape, numbers (as the SVG)."""
        kind = data.get("kind", "intermediate")
        label, forward = data.get("label_latex"), data.get("forward_latex")
        if kind == "constant":
            if not label:
                return f"${math(forward or '')}$"
            lines = [f"{{\\large${math(label)}$}}"]
            value = data.get("value", data.get("default"))
            if value is not None:
                lines.append(f"{{{SMALL_FONT}$= {_constant(value)}$}}")
            return _stack(lines, named=True)
        shape = None
        if self.shapes:
            shape = _shape_latex(data.get("shape") if data.get("shape") is not None
                                 else _value_shape(self.numbers, node))
        lines = []
        if label is None:
            if node in self.referenced:
                lines.append(f"{{{SMALL_FONT}\\color{{{self.muted}}}{escape(str(node))}}}")
            lines.append(f"${math(forward or '')}$")
        else:
            lines.append(f"{{{NAME_FONT}${math(label)}$}}")
            if data.get("op") is not None and forward and not self.ops_style:
                lines.append(f"${math(forward)}$")
            if shape:
                lines.append(f"{{{SMALL_FONT}\\color{{{self.muted}}}{shape}}}")
        rows = []
        value = (self.numbers.get("values") or {}).get(node)
        if value is not None:
            rows.append(("=", _number_lines(value), None))
        gradient = (self.numbers.get("grads") or {}).get(node)
        if gradient is not None:
            symbol = math(label) if label else r"\cdot"
            rows.append((f"{self.grad_of}{symbol} =", _number_lines(gradient), self.grad))
        if rows:
            lines.append(_numbers_cell(rows))
        return _stack(lines, named=label is not None)

    # --- edges

    def _edges(self) -> tuple[list[str], list[str]]:
        """A \\draw along each edge's spline and a \\node at each label."""
        graph = self.graph
        pending: dict[frozenset, list] = {}
        for edge in sorted(graph.edges(keys=True, data=True),
                           key=lambda e: (self.order[e[1]], e[3].get("arg", e[2]),
                                          self.order[e[0]])):
            pending.setdefault(frozenset(edge[:2]), []).append(edge)
        local = self.numbers.get("local") or {}
        lines: list[str] = []
        labels: list[str] = []
        base: dict[str, list[str]] = {}
        for obj in self.layout.get("edges") or []:
            if "invis" in str(obj.get("style", "")):
                continue
            ends = [self.by_gvid.get(obj.get("tail")), self.by_gvid.get(obj.get("head"))]
            if None in ends or any(str(e.get("name", "")).startswith("n" + render.LEGEND_ID)
                                   for e in ends):
                continue
            owners = [self.owner.get(str(e.get("name")), (None, False))[0] for e in ends]
            matches = pending.get(frozenset(owners)) if None not in owners else None
            edge = matches.pop(0) if matches and owners[0] != owners[1] else None
            constant = edge is not None and graph.nodes[edge[0]].get("kind") == "constant"
            look = _ops_look(obj.get("_draw_"), _Look())
            if look.width is None:
                look.width = _float(obj.get("penwidth"), 1.0)
            arrow = _float(obj.get("arrowsize"), 1.0)
            role, style = ("gdConstantEdge", "gd constant edge") if constant else \
                ("gdEdge", "gd edge")
            opts = self.pic.options(role, look, node=False)
            tip = (f">={{Stealth[length={_num(8 * arrow)}bp, width={_num(6 * arrow)}bp, "
                   f"inset={_num(2 * arrow)}bp]}}")
            if style not in base:
                base[style] = opts + [tip]
                self.pic.styles[style] = ", ".join(base[style])
            extra = [o for o in opts + [tip] if o not in base[style]]
            points, start, end = _points(obj.get("pos", ""))
            if len(points) < 4:
                continue
            if start and not end:                # dir=back: the arrow is at dot's tail
                points.reverse()
                ends.reverse()
                start, end = False, True
            arrows = ("<" if start else "") + "-" + (">" if end else "")
            opts = [style] + extra + ([arrows] if arrows != "-" else [])
            lines.append(self._draw(opts, ends, points))
            if "lp" in obj:
                labels.append(self._edge_label(obj, edge, local))
        return lines, labels

    def _endpoint(self, obj: dict, point: tuple[float, float]) -> str:
        node, is_op = self.owner.get(str(obj.get("name")), (None, False))
        if node is not None:
            return f"({self.names[node]}{' op' if is_op else ''})"
        if "pos" in obj:
            return f"(gd other {obj.get('_gvid')})"
        return f"({_num(point[0])},{_num(point[1])})"

    def _draw(self, opts: list[str], ends: list[dict], points: list) -> str:
        """A \\draw along dot's spline, from node to node (TikZ finds the borders)."""
        parts = [self._endpoint(ends[0], points[0])]
        segments = (len(points) - 1) // 3
        for i in range(segments):
            c1, c2, to = points[3 * i + 1: 3 * i + 4]
            target = self._endpoint(ends[1], to) if i == segments - 1 else \
                f"({_num(to[0])},{_num(to[1])})"
            parts.append(f".. controls ({_num(c1[0])},{_num(c1[1])}) and "
                         f"({_num(c2[0])},{_num(c2[1])}) .. {target}")
        return f"\\draw[{', '.join(opts)}] " + " ".join(parts) + ";"

    def _edge_label(self, obj: dict, edge: tuple | None, local: dict) -> str:
        """The local derivative at the place dot left for the label, and its value."""
        text = None
        if edge is not None and self.edge_labels:
            tail, head, key, data = edge
            grad = data.get("local_grad_latex")
            if grad:
                text = f"${math(grad)}$"
                value = local.get((tail, head, data.get("arg", key)))
                if value is not None and any(ch.isalpha() for ch in
                                             data.get("local_grad_pretty") or grad):
                    text += r"\\" + _numbers_cell([("=", _number_lines(value), None)])
        if text is None:
            text = escape(_label_text(obj.get("_ldraw_")))
        colour = self.pic.colour("gdLabel", _text_colour(obj.get("_ldraw_"))) or self.grad
        first = self.pic.styles.setdefault("gd label", f"text={colour}")
        style = "gd label" if first == f"text={colour}" else f"gd label, text={colour}"
        return self._text_at(obj["lp"], style, text)

    # --- clusters and the legend

    def _cluster(self, obj: dict) -> list[str]:
        """A cluster other than the legend: a plate's frame and label, or the title's label."""
        name = str(obj.get("name", ""))
        lines = []
        draw = obj.get("_draw_") or []
        if any(op.get("op") in ("p", "P", "b", "B", "e", "E") for op in draw):
            x0, y0, x1, y1 = (float(v) for v in str(obj["bb"]).split(","))
            look = _ops_look(draw, _Look())
            style = str(obj.get("style", ""))
            opts = []
            line = self.pic.colour("gdPlateLine", look.line)
            opts += [f"draw={line}"] if line else []
            fill = self.pic.colour("gdPlateFill", look.fill) if "filled" in style else None
            opts += [f"fill={fill}"] if fill else []
            opts += ["rounded corners=6bp"] if "rounded" in style else []
            opts += ["dashed"] if "dashed" in style or look.dash == "dashed" else []
            opts += [f"line width={_num(look.width)}bp"] if look.width is not None else []
            if "gd plate" not in self.pic.styles:
                self.pic.styles["gd plate"] = ", ".join(opts)
            extra = [o for o in opts if o not in self.pic.styles["gd plate"].split(", ")]
            lines.append(f"\\path[{', '.join(['gd plate'] + extra)}] ({_num(x0)},{_num(y0)}) "
                         f"rectangle ({_num(x1)},{_num(y1)});")
        if obj.get("lp"):
            if name == "cluster_title":
                lines.append(self._text_at(obj["lp"], "gd title", escape(self.title),
                                           "gd title"))
            else:
                colour = self.pic.colour("gdPlateText", _text_colour(obj.get("_ldraw_")))
                style = "gd plate label" + (f", text={colour}" if colour else "")
                lines.append(self._text_at(obj["lp"], style,
                                           _plate_text(_label_text(obj.get("_ldraw_")))))
        return lines

    def _legend(self, box: dict) -> list[str]:
        """The legend: a framed matrix at the top left of the box dot made room for.

        Its rows are the ones render drew: a sample of each kind (its shape, in its style),
        then the rows of render's legend table, read back from the layout, with samples
        typeset by LaTeX where the row is one graphdraw knows.
        """
        x0, _, _, y1 = (float(v) for v in str(box["bb"]).split(","))
        prefix = "n" + render.LEGEND_ID
        kinds, table = {}, None
        for obj in self.nodes:
            name = str(obj.get("name", ""))
            if name.startswith(prefix + "-"):
                kinds[name[len(prefix) + 1:]] = obj
            elif name == prefix:
                table = obj
        rows = []
        for kind in sorted(kinds, key=lambda k: (_KIND_ORDER.index(k) if k in _KIND_ORDER
                                                 else len(_KIND_ORDER), k)):
            obj = kinds[kind]
            style = "gd " + kind
            if style not in self.pic.styles:
                self.pic.styles[style] = ", ".join(self.pic.options(_role(kind),
                                                                    _node_look(obj)))
            rows.append((f"\\node[{style}, gd legend shape] {{}};",
                         escape(_label_text(obj.get("_ldraw_")) or kind)))
        notes = []
        if table is not None:
            table_rows, notes = _table_rows(table.get("_ldraw_") or [])
            rows += [(self._sample(sample, words), escape(words))
                     for sample, words in table_rows]
        if not rows and not notes:
            return []
        frame = _ops_look(box.get("_draw_"), _Look())
        opts = ["gd legend"]
        line = self.pic.colour("gdLegendLine", frame.line)
        opts += [f"draw={line}"] if line else []
        fill = self.pic.colour("gdLegendFill", frame.fill) \
            if "filled" in str(box.get("style", "")) else None
        opts += [f"fill={fill}"] if fill else []
        opts += [f"line width={_num(frame.width)}bp"] if frame.width is not None else []
        body = [r"\node[gd legend heading] {\rlap{\textbf{Legend}}}; \& \\"]
        body += [f"{sample} \\& \\node[gd legend words] {{{words}}}; \\\\"
                 for sample, words in rows]
        body += [f"\\node[gd legend heading] {{\\rlap{{\\color{{{self.muted}}}"
                 f"{escape(note)}}}}}; \\& \\\\" for note in notes]
        return ([f"\\matrix[{', '.join(opts)}] (gd legend) at ({_num(x0)},{_num(y1)}) {{"]
                + ["  " + row for row in body] + ["};"])

    def _sample(self, sample: str, words: str) -> str:
        """The LaTeX sample of one row of render's legend table, chosen by its words."""
        muted, grad = self.muted, self.grad
        if words.startswith("from a constant"):
            edge = "gd constant edge" if "gd constant edge" in self.pic.styles else "dashed"
            half = _num(SAMPLE[0] / 2)
            return f"\\draw[{edge}, ->] (-{half}bp,0) -- ({half}bp,0);"
        if words.startswith("constant"):
            text = f"\\color{{{muted}}}$\\frac{{1}}{{2}}$"
        elif words.startswith("shape"):
            text = f"{SMALL_FONT}\\color{{{muted}}}$2 \\times 3$"
        elif words.startswith("value"):
            text = f"{SMALL_FONT}\\color{{{self.ink}}}$= 0.73$"
        elif words.startswith("gradient"):
            text = f"{SMALL_FONT}\\color{{{grad}}}${self.grad_of}v$"
        elif words.startswith("arrow"):
            text = f"\\color{{{grad}}}$\\partial$"
        elif words.startswith("dashed box"):
            colour = self.pic.colours.get("gdPlateText") and "gdPlateText" or muted
            text = f"{SMALL_FONT}\\color{{{colour}}}{_plate_text(sample)}"
        else:
            text = escape(sample)
        return f"\\node[gd legend sample] {{{text}}};"


def _table_rows(ldraw: list) -> tuple[list[tuple[str, str]], list[str]]:
    """The rows of render's legend table from its text operations: ([(sample, words)], notes).

    The words column is where most texts start; a text left of it that reaches past it is
    a note across both columns; the others are samples, each in the row of the nearest words.

    >>> ops = [{"op": "T", "pt": [5, 20], "width": 4, "text": "½"},
    ...        {"op": "T", "pt": [12, 21], "width": 50, "text": "constant"},
    ...        {"op": "T", "pt": [1, 10], "width": 4, "text": "∂"},
    ...        {"op": "T", "pt": [5, 10], "width": 4, "text": "L"},
    ...        {"op": "T", "pt": [12, 10], "width": 50, "text": "gradient"},
    ...        {"op": "T", "pt": [1, 0], "width": 80, "text": "note"}]
    >>> _table_rows(ops)
    ([('½', 'constant'), ('∂L', 'gradient')], ['note'])
    """
    texts = [(float(op["pt"][0]), float(op["pt"][1]), float(op.get("width", 0)),
              str(op.get("text", ""))) for op in ldraw if op.get("op") == "T" and op.get("pt")]
    if not texts:
        return [], []
    starts: dict[float, int] = {}
    for x, _, _, _ in texts:
        starts[round(x, 1)] = starts.get(round(x, 1), 0) + 1
    column = max(starts, key=lambda x: (starts[x], x))
    words = [(y, text) for x, y, _, text in texts if round(x, 1) == column]
    samples: dict[int, list[tuple[float, str]]] = {i: [] for i in range(len(words))}
    notes = []
    for x, y, width, text in texts:
        if round(x, 1) == column:
            continue
        if x + width > column + 0.5:
            notes.append((y, text))
            continue
        nearest = min(range(len(words)), key=lambda i: abs(words[i][0] - y))
        samples[nearest].append((x, text))
    rows = sorted(((y, "".join(t for _, t in sorted(samples[i])), text)
                   for i, (y, text) in enumerate(words)), key=lambda r: -r[0])
    return [(s, w) for _, s, w in rows], [t for _, t in sorted(notes, key=lambda n: -n[0])]


_RANGE = re.compile(r"\s*([A-Za-z][A-Za-z0-9]*) = ([A-Za-z0-9]+)\s*(?:…|\.\.\.)\s*"
                    r"([A-Za-z0-9]+)\s*")


def _plate_text(text: str) -> str:
    r"""A plate's label: a range such as 'n = 1…N' in math, anything else escaped.

    >>> print(_plate_text("n = 1…N"), _plate_text("per sample #"))
    $n = 1, \dots, N$ per sample \#
    """
    match = _RANGE.fullmatch(text)
    if match is None:
        return escape(text)
    return f"${match.group(1)} = {match.group(2)}, \\dots, {match.group(3)}$"


def _stack(lines: list[str], named: bool) -> str:
    """Lines of a node, centred; a large name gets room for its descender (ŷ over Wᵀ)."""
    if named and len(lines) > 1:
        return lines[0] + NAME_GAP + r"\\".join(lines[1:])
    return r"\\".join(lines)


def _op_text(op: str | None, drawn: str) -> str:
    r"""The symbol in an operation node (--style ops): the op table's LaTeX for a function,
    else the symbol render drew, escaped.

    >>> _op_text("tanh", "tanh"), _op_text("sqrt", "sqrt"), _op_text("mul", "·")
    ('$\\tanh$', '$\\sqrt{\\cdot}$', '$\\cdot$')
    """
    from graphdraw import ops
    row = ops.OPS.get(op) if op is not None else None
    if row is not None and row.name == "pow":
        return r"$(\cdot)^{(\cdot)}$"
    if row is not None and row.style == "call" and row.latex:
        latex = row.latex.format(r"\cdot") if "{0}" in row.latex else row.latex
        return f"${latex}$"
    return escape(drawn)


def _theme_colours(theme: str | None) -> tuple[str, str, str]:
    """The ink, muted and gradient colours (rrggbb) of render's theme."""
    ink, muted, grad = (getattr(render, name, default) for name, default in
                        (("INK", "#333333"), ("MUTED", "#6b6b6b"), ("GRAD", "#9c2f2f")))
    named = getattr(render, "theme_named", None)
    if named is not None:
        try:
            look = named(theme) if theme else named(getattr(render, "DEFAULT_THEME", "default"))
            ink, muted, grad = look.ink, look.muted, look.grad
        except (KeyError, ValueError, AttributeError):
            pass
    return (_colour(ink) or "333333", _colour(muted) or "6b6b6b", _colour(grad) or "9c2f2f")


def _constant(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return _number_math(str(value))


def _value_shape(numbers: dict, node: object):
    """A node's shape from its value or gradient, when the model does not declare it."""
    for part in ("values", "grads"):
        value = ((numbers or {}).get(part) or {}).get(node)
        if value is not None:
            return tuple(getattr(value, "shape", ()))
    return None


def _node_line(obj: dict, opts: list[str], name: str, text: str) -> str:
    x, y = (float(v) for v in str(obj["pos"]).split(",")[:2])
    size = [f"minimum width={_num(_float(obj.get('width'), 0.5) * 72)}bp",
            f"minimum height={_num(_float(obj.get('height'), 0.3) * 72)}bp"]
    return f"\\node[{', '.join(opts + size)}] ({name}) at ({_num(x)},{_num(y)}) {{{text}}};"


def _assemble(pic: _Picture, graph: nx.MultiDiGraph, body: list[str]) -> str:
    """The tikzpicture: header comment, styles, colours, then the body."""
    source = graph.graph.get("source") or ""
    head = [f"% graphdraw: the computation graph of {_comment(source)} "
            f"({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges).",
            "% Needs in the preamble: " + " ".join(PREAMBLE.strip().splitlines()),
            "% Each kind of node is a style (gd input, gd param, gd output, ...) that a "
            "document may redefine.",
            "\\begin{tikzpicture}[x=1bp, y=1bp, line join=round,"]
    half = _num(SAMPLE[0] / 2)
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
                                    f"minimum width={_num(SAMPLE[0])}bp, font={LEGEND_FONT}"),
        "gd legend shape/.style": (f"anchor=center, inner sep=0pt, "
                                   f"minimum width={_num(SAMPLE[0])}bp, "
                                   f"minimum height={_num(SAMPLE[1])}bp"),
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


def document(picture: str) -> str:
    """A standalone LaTeX document around a tikzpicture (`pdflatex` makes it a PDF)."""
    return ("\\documentclass[tikz, border=4pt]{standalone}\n" + PREAMBLE
            + "\\begin{document}\n" + picture + "\\end{document}\n")


def to_tikz(graph: nx.MultiDiGraph, *, snippet: bool = False, timeout: float = 30.0,
            **options) -> str:
    """TikZ for a graph: a standalone document, or with `snippet` only the tikzpicture.

    `options` are those of `render.to_dot` (rankdir, title, caption, edge_labels, shapes,
    numbers, theme, style, ...); the layout is Graphviz's for exactly that DOT (this runs
    `dot -Tjson`, so it needs Graphviz, and gives up after `timeout` seconds).
    """
    return from_dot(graph, render.to_dot(graph, **options), snippet=snippet, timeout=timeout,
                    **options)


def from_dot(graph: nx.MultiDiGraph, dot_source: str, *, snippet: bool = False,
             timeout: float = 30.0, **options) -> str:
    """`to_tikz` for DOT already made by `render.to_dot(graph, **options)`."""
    layout = json.loads(render.layout(dot_source, "json", timeout=timeout).decode("utf-8"))
    picture = from_layout(graph, layout, **options)
    return picture if snippet else document(picture)


def example_tex(name: str, *, snippet: bool = False, **options) -> str:
    """The TikZ of a built-in example as the gallery draws it (diagrams/NAME.tex).

    `options` are those of `to_tikz`; with none, the same picture as the example's SVG.
    """
    from graphdraw.language import examples
    from graphdraw.core import graph as graph_mod
    from graphdraw.language import parser
    program = parser.parse(examples.text(name), f"<example {name}>")
    built = graph_mod.build(program, notations=graph_mod.FOR_TIKZ)
    return to_tikz(built, snippet=snippet, **options)
