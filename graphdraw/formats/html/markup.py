"""Safe markup: Graphviz's SVG kept to a whitelist of plain drawing, and element trees as HTML.

Whatever the SVG contains, no script, event handler, link or foreign content survives
`clean_svg`; `serialize` writes a tree without namespace prefixes, for inline SVG and MathML.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
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
BAD_VALUE = re.compile(r"(?:java|vb)script:|data:text/html|url\(|expression\(", re.I)
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f]+")


def local_name(name: str) -> str:
    """A tag or attribute name without its {namespace}."""
    return name.rsplit("}", 1)[-1]


def clean_svg(svg: bytes | str) -> ET.Element:
    """Parse Graphviz's SVG and keep only plain drawing: no script, handler, link or style.

    Whitelists elements and attributes; drops comments, the DOCTYPE (whose DTD address
    would be a remote reference) and any value that could run or load something.
    """
    root = ET.fromstring(svg.encode("utf-8") if isinstance(svg, str) else svg)
    if local_name(root.tag) != "svg" or not root.tag.startswith("{" + SVG_NS):
        raise ValueError("not an SVG document")
    _clean(root)
    return root


def _clean(element: ET.Element) -> None:
    for name in list(element.attrib):
        local = local_name(name) if not name.startswith("{http://www.w3.org/XML") else "xml:space"
        value = element.attrib[name]
        if local not in _SVG_ATTRS or BAD_VALUE.search(_INVISIBLE.sub("", value)):
            del element.attrib[name]
    children = list(element)
    for child in children:
        element.remove(child)
    for child in children:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag.startswith("{" + SVG_NS + "}") and local_name(tag) == "a":
            _clean(child)                       # a link: keep what it draws, not the link
            child.attrib.clear()
            child.tag = f"{{{SVG_NS}}}g"
        elif tag.startswith("{" + SVG_NS + "}") and local_name(tag) in _SVG_TAGS:
            _clean(child)
        else:
            continue                            # comments, processing instructions, others
        element.append(child)


def serialize(element: ET.Element, *, keep_ns: str | None = None) -> str:
    """Markup for an element tree, namespace prefixes dropped (the HTML parser adds them)."""
    out: list[str] = []
    stack: list[tuple[ET.Element, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        tag = local_name(node.tag)
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
        return "xml:" + local_name(name)
    return local_name(name)
