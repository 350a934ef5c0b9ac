"""Graphviz's SVG made to draw in a browser as it draws with cairo (PNG, PDF).

Graphviz writes each run of a label as its own `<text>` at an x it measured, so a run such as
`" = "` keeps its spaces only where they are preserved: browsers strip leading and trailing
spaces of a `<text>` by default, and `a = b` comes out as `a=  b`. It marks sub- and
superscripts with `baseline-shift="sub"`/`"super"`, which cairo draws 1/1.2 smaller and
shifted by a fixed rise (pango's `<sub>`: 5000 pango units, 3.66 pt), while browsers keep the
size and shift by about half the line height; and a script inside a script gets the attribute
twice, which is not XML at all.

`for_browsers` runs once on every SVG Graphviz writes (`layout`): it merges repeated
attributes, then, with an XML parser, marks every `<text>` `xml:space="preserve"`, turns
each baseline shift into the explicit size and y that cairo uses, and gives each piece that
another follows on its line the width Graphviz measured (`textLength`). Deterministic: same bytes in,
same bytes out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import escape

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TEXT = f"{{{SVG_NS}}}text"
_PREFIXES = {SVG_NS: "", XLINK_NS: "xlink:", "http://www.w3.org/XML/1998/namespace": "xml:"}
RISE = 5000 / 1024 * 72 / 96     # pango's <sub>/<sup> rise, in points (3.66)
SCALE = 1 / 1.2                  # pango's <sub>/<sup> size: "smaller"
_SHIFT = {"sub": RISE, "super": -RISE}     # SVG's y grows downwards
_START_TAG = re.compile(rb"<text\b[^>]*>")
_SHIFT_ATTR = re.compile(rb'\sbaseline-shift="([^"]*)"')
_WIDTHS = ((" ,.", 0.25), ("ijlt:;/\\|'!‖", 0.28), ("()[]-frI`·\"", 0.333), ("sJz", 0.39),
           ("acev?ελ", 0.444), ("+=<>−×√≈~Σσ^", 0.564), ("EFLPTZS", 0.61),
           ("BCR", 0.667), ("ADGHKNOQUVXYw", 0.722), ("m&", 0.778), ("M%", 0.889),
           ("W@", 0.944), ("→", 1.0))     # advance widths in em; others are 0.5
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'


def for_browsers(svg: bytes) -> bytes:
    """Graphviz's SVG with spaces kept and scripts placed as cairo places them.

    >>> out = for_browsers(b'<svg xmlns="http://www.w3.org/2000/svg"><text x="1" y="-5" '
    ...     b'font-size="12.00"> = </text><text x="14" y="-5" baseline-shift="super" '
    ...     b'baseline-shift="sub" font-size="6.00">1</text></svg>')
    >>> print(out.decode().replace("><", ">\\n<").splitlines()[2:4])
    ['<text x="1" y="-5" font-size="12.00" textLength="13" lengthAdjust="spacing" \
xml:space="preserve"> = </text>', '<text x="14" y="-5" font-size="4.17" xml:space="preserve">1</text>']
    """
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    parser.feed(_merge_shifts(svg))
    root = parser.close()
    for parent in root.iter():
        line = [child for child in parent if child.tag == TEXT]
        for text, after in zip(line, line[1:]):
            _fit(text, after)
        for text in line:
            _place(text)
    out: list[str] = []
    _write(root, out, top=True)
    return _DECLARATION + "".join(out).encode("utf-8") + b"\n"


def _merge_shifts(svg: bytes) -> bytes:
    """Every `<text>` start tag with at most one baseline-shift (its values space-separated).

    Graphviz writes the attribute once per level of script (`x^{y_1}`: super, then sub).

    >>> _merge_shifts(b'<text baseline-shift="super" baseline-shift="sub" y="1">')
    b'<text y="1" baseline-shift="super sub">'
    """
    def merge(match: re.Match) -> bytes:
        tag = match.group(0)
        values = _SHIFT_ATTR.findall(tag)
        if len(values) < 2:
            return tag
        tag = _SHIFT_ATTR.sub(b"", tag)
        return tag[:-1] + b' baseline-shift="' + b" ".join(values) + b'">'
    return _START_TAG.sub(merge, svg)


def _fit(text: ET.Element, after: ET.Element) -> None:
    """A piece followed on its line by the next piece gets the width Graphviz gave it.

    Graphviz measures each piece with cairo's hinted metrics and places the next one where it
    ends; a browser's unhinted width can be a point longer ("cross_entropy(" runs into its
    "z"). `textLength` makes the browser fit the piece to Graphviz's width (by spacing, never
    by stretching glyphs). Pieces in neighbouring table cells (the legend's) are on one line
    too, with padding between them: only a piece whose room is within hinting's error of its
    estimated width (`estimate`) is fitted.
    """
    if text.get("text-anchor", "start") != "start" or after.get("text-anchor", "start") != "start" \
            or text.get("y") != after.get("y") or not text.text:
        return
    room = float(after.get("x", "0")) - float(text.get("x", "0"))
    if abs(room - estimate(text.text, float(text.get("font-size", "14")))) \
            <= min(0.6 + 0.1 * len(text.text), 3.0):
        text.set("textLength", _number(room))
        text.set("lengthAdjust", "spacing")


def estimate(text: str, size: float) -> float:
    """About how wide a piece of text is in Liberation Serif (Times' widths), in points.

    >>> round(estimate("cross_entropy(", 12), 1), estimate("2×3", 10)
    (71.4, 15.64)
    """
    return size * sum(next((width for chars, width in _WIDTHS if ch in chars), 0.5)
                      for ch in text)


def _place(text: ET.Element) -> None:
    """Keep a `<text>`'s spaces; its baseline shift as cairo draws it, in size and y."""
    text.set(XML_SPACE, "preserve")
    shifts = set(text.attrib.pop("baseline-shift", "").split()) & set(_SHIFT)
    if not shifts:
        return
    y = float(text.get("y", "0")) + sum(_SHIFT[name] for name in shifts)
    text.set("y", _number(y))
    size = text.get("font-size")
    if size is not None:
        text.set("font-size", f"{float(size) * SCALE ** len(shifts):.2f}")


def _write(element: ET.Element, out: list[str], top: bool = False) -> None:
    """XML for an element tree: SVG as the default namespace, xlink: and xml: prefixes."""
    if element.tag is ET.Comment:
        out.append(f"<!--{element.text or ''}-->")
    else:
        names = {**({"xmlns": SVG_NS, "xmlns:xlink": XLINK_NS} if top else {}),
                 **{_name(key): value for key, value in element.attrib.items()}}
        attrs = "".join(f' {key}="{escape(value, quote=True)}"' for key, value in names.items())
        if len(element) == 0 and not element.text:
            out.append(f"<{_name(element.tag)}{attrs}/>")
        else:
            out.append(f"<{_name(element.tag)}{attrs}>" + escape(element.text or "", quote=False))
            for child in element:
                _write(child, out)
            out.append(f"</{_name(element.tag)}>")
    out.append(escape(element.tail or "", quote=False))


def _name(qualified: str) -> str:
    """`{namespace}local` as written in the file: no prefix for SVG, xlink: and xml:."""
    namespace, _, local = qualified[1:].rpartition("}") if qualified[:1] == "{" \
        else ("", "", qualified)
    return f"{_PREFIXES[namespace]}{local}" if namespace in _PREFIXES else local


def _number(value: float) -> str:
    """A coordinate as Graphviz writes them: at most two decimals, no trailing zeros.

    >>> _number(-35.0), _number(-31.3359375), _number(2.5)
    ('-35', '-31.34', '2.5')
    """
    return f"{value:.2f}".rstrip("0").rstrip(".")
