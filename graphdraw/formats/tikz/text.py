"""LaTeX text for TikZ: `escape` for plain text, `math` for the graph's LaTeX, `num` for lengths.

Every function returns ASCII that pdflatex reads without a package for Unicode.
"""

from __future__ import annotations

import re
import unicodedata

from graphdraw.language import names

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


def num(value: float) -> str:
    """A coordinate or length: at most two decimals, no trailing zeros, never '-0'.

    >>> num(28.991), num(222.0), num(-0.001), num(7)
    ('28.99', '222', '0', '7')
    """
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def comment(text: object) -> str:
    """Text for a LaTeX comment line: no line breaks, ASCII."""
    return "".join(ch if " " <= ch <= "~" else "?" for ch in str(text))
