"""Label markup for Graphviz HTML-like labels: escaping, fonts, sizes, stacked scripts.

Every label is a Graphviz HTML-like label: the graph's `*_html` fragments are embedded as
they are (the printer escapes them; `fragment` checks them against a small tag whitelist),
and every other piece of text (titles, captions, plate labels, shapes, numbers, legend
words) goes through `text`, the one escaping helper.
"""

from __future__ import annotations

import html
import re
import unicodedata

NAME_SIZE = 20               # a named value's name
EXPR_SIZE = 12               # forward computations, unnamed values
SMALL_SIZE = 10              # shapes, legend
EDGE_SIZE = 12               # the local derivatives on edges
NUMBER_SIZE = 10             # values and gradients in nodes
EDGE_NUMBER_SIZE = 9         # local-derivative values, under the edge label
SCRIPT_SCALE = 0.8           # sub- and superscripts relative to the text around them


def script_size(size: float) -> int:
    """The size of a sub- or superscript in text of `size`: a whole number of points, as
    dot draws only those (it would draw 8.4 as 8).

    >>> script_size(12), script_size(11), script_size(20)
    (10, 9, 16)
    """
    return max(1, round(size * SCRIPT_SCALE))

TAG = re.compile(r"<(/?)(i|b|u|o|s|sub|sup)>|<br/>|&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);",
                 re.IGNORECASE)


def text(value: object) -> str:
    r"""Any text that is not already an HTML fragment, made safe for an HTML-like label.

    Escapes markup and backslashes, turns newlines into line breaks, and replaces characters
    that have no place in a label (control characters and lone surrogates break SVG and dot).

    >>> print(text('a <b> & "c"\n\\N ]{|:'))
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
    joined = "".join(out)
    # dot rejects text between two tags that is exactly ']' or ']]' (a syntax error in
    # <FONT>]</FONT>); as character references it reads them.
    return joined.replace("]", "&#93;") if joined and not joined.strip("]") else joined


def fragment(trusted: str | None, plain: str | None) -> str:
    """A graph's `*_html` fragment, or `plain` escaped if the fragment is not plain markup.

    The printer escapes its fragments; this check makes sure a bug there can never close the
    label early (a stray `>`) or smuggle in attributes.

    >>> fragment("<i>W</i><sub>i</sub>", "W_i"), fragment("a>b", "a>b")
    ('<i>W</i><sub>i</sub>', 'a&gt;b')
    """
    if trusted is not None and balanced(trusted):
        return trusted.replace("\\", "\\\\")
    return text(plain if plain is not None else trusted or "")


def balanced(fragment: str) -> bool:
    """True when a fragment has only whitelisted, properly nested tags and entities."""
    stack: list[str] = []
    rest = TAG.sub(lambda m: _push(m, stack), fragment)
    return "<" not in rest and ">" not in rest and "&" not in rest and stack == [] \
        and not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in rest)


def _push(match: re.Match, stack: list[str]) -> str:
    """Track open tags for `balanced`; a mismatched closing tag leaves a '<' behind."""
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


def font(content: str, size: float, color: str | None = None) -> str:
    """Content at a point size; sub- and superscripts in it are set smaller, as in print.

    Graphviz only shifts <sub>/<sup> off the baseline, at full size; each level of
    script here is 70% of the level around it.

    >>> font("<i>W</i><sub>i</sub>", 20)
    '<FONT POINT-SIZE="20"><i>W</i><sub><FONT POINT-SIZE="16">i</FONT></sub></FONT>'
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
        sizes.append(script_size(sizes[-1]))
        return f'<{tag}><FONT POINT-SIZE="{sizes[-1]:.3g}">'

    return f'<FONT POINT-SIZE="{size:.3g}"{color_attr}>{TAG.sub(resize, content)}</FONT>'


_STACK = re.compile(r"<sub>((?:(?!</?su[bp]>).)*)</sub>((?:<sup>(?:(?!</?su[bp]>).)*</sup>)+)",
                    re.IGNORECASE | re.DOTALL)
_SUP = re.compile(r"<sup>(.*?)</sup>", re.IGNORECASE | re.DOTALL)
PLAIN_TABLE = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
_FILLERS = "<TD></TD>" * 2      # empty cells take no width until a table is stretched
_WRAPS = 2                       # each wrap passes on 1/5 of any stretch: 1/25 reaches the line


def line(content: str, size: float, color: str | None = None, align: str = "center") -> str:
    """One line of label markup at a size, with a script pair such as W_oᵀ stacked.

    Graphviz sets <sub> and <sup> one after the other, so W_oᵀ comes out as "W o ᵀ". Where a
    subscript carries a superscript, the line becomes a row of cells and the pair a cell of two
    rows, the superscript above the subscript, as in print. Other lines are `font` text.

    Graphviz stretches a table to fill a wider cell, sharing the extra width equally among
    its columns, which would pull the line apart. So the line is wrapped twice in a table with
    two empty cells on the side(s) given by `align`: they take 24/25 of any stretch, and
    empty cells take no width otherwise.

    >>> line("<i>W</i><sub>i</sub>", 20) == font("<i>W</i><sub>i</sub>", 20)
    True
    >>> "<sup>" in line("<i>W</i><sub>o</sub><sup>T</sup> <i>z</i>", 12)
    False
    """
    matches = [m for m in _STACK.finditer(content)
               if not {"sub", "sup"} & set(_open_tags(content[:m.start()]))]
    if not matches:
        return font(content, size, color)
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
            top, bottom = (font(part, script_size(size), color) for part in cell[1])
            out.append(f'<TD>{PLAIN_TABLE}<TR><TD ALIGN="LEFT">{top}</TD></TR>'
                       f'<TR><TD ALIGN="LEFT">{bottom}</TD></TR></TABLE></TD>')
        elif cell:
            out.append(f"<TD>{font(cell, size, color)}</TD>")
    table = f"{PLAIN_TABLE}<TR>{''.join(out)}</TR></TABLE>"
    left = _FILLERS if align in ("center", "right") else ""
    right = _FILLERS if align in ("center", "left") else ""
    for _ in range(_WRAPS):
        table = f"{PLAIN_TABLE}<TR>{left}<TD>{table}</TD>{right}</TR></TABLE>"
    return table


def _open_tags(markup: str) -> list[str]:
    """The formatting tags still open at the end of a piece of trusted markup."""
    stack: list[str] = []
    for match in TAG.finditer(markup):
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


def rows(cells: list[str]) -> str:
    """An HTML-like label of one centred column of cells (no borders)."""
    body = "".join(f"<TR><TD>{cell}</TD></TR>" for cell in cells)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{body}</TABLE>>'



def plain(value: object, size: float, color: str | None = None) -> str:
    """Plain text (not markup), escaped and set at a point size.

    >>> plain("a < b", 10)
    '<FONT POINT-SIZE="10">a &lt; b</FONT>'
    """
    return font(text(value), size, color)
