"""Equations and numbers as MathML: LaTeX converted by latex2mathml, checked, set as TeX would."""

from __future__ import annotations

import functools
import html
import math
import re
import xml.etree.ElementTree as ET

from graphdraw.formats.graphviz import draw
from graphdraw.formats.html.markup import BAD_VALUE, local_name, serialize
from graphdraw.lazy import np

DIGITS = 4                   # significant digits of the numbers on the page
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
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
_PERCENT = re.compile(r"(?<!\\)%")


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
    it has more entries than a picture shows (draw.SHOW_LIMIT) or more than two axes.

    >>> value_tex([[1, 0], [0, 1]])
    '\\begin{bmatrix}1 & 0 \\\\ 0 & 1\\end{bmatrix}'
    """
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return _number_tex(float(array), digits)
    if array.size > draw.SHOW_LIMIT or array.ndim > 2 or array.size == 0:
        return None
    if array.ndim == 1:
        return r"\left[" + r",\ ".join(_number_tex(x, digits) for x in array) + r"\right]"
    rows = r" \\ ".join(" & ".join(_number_tex(x, digits) for x in row) for row in array)
    return r"\begin{bmatrix}" + rows + r"\end{bmatrix}"


def _summary(value: object, digits: int = DIGITS) -> str:
    """A big tensor in words: its shape, mean and range (escaped HTML)."""
    from graphdraw.numeric.numbers import show
    return html.escape(show(value, digits, draw.SHOW_LIMIT).replace("-", "−"))


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
    return serialize(root)


_TALL = frozenset({"mfrac", "mtable", "munder", "munderover", "msqrt", "mroot"})


def _polish(root: ET.Element) -> None:
    """Typographic fixes to latex2mathml's output, as TeX would set the formula.

    A \\left( \\right) pair around one line of math is drawn at normal size (browsers leave
    a gap beside a stretched parenthesis); ∂ is a symbol, not an operator, so ∂L/∂z is
    set tight; an operator name such as sum or outer is an upright identifier.
    """
    for element in root.iter():
        tag = local_name(element.tag)
        if tag == "mrow" and len(element) >= 2:
            first, last = element[0], element[-1]
            if (local_name(first.tag) == "mo" and first.get("fence") == "true"
                    and local_name(last.tag) == "mo" and last.get("fence") == "true"
                    and not any(local_name(e.tag) in _TALL for e in element.iter())):
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
        if local_name(element.tag) not in _MATHML_TAGS:
            return False
        for name, value in list(element.attrib.items()):
            if local_name(name) not in _MATHML_ATTRS or BAD_VALUE.search(value):
                del element.attrib[name]
    return True
