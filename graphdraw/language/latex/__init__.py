r"""LaTeX input: the sheet's equations, translated into graphdraw's own language.

`translate` reads LaTeX token by token with an explicit stack of open groups (no recursion,
so thousands of nested braces are fine) and writes the equation language, remembering for
every character it writes the character of the LaTeX it came from. The parser then reads
the translation, and its errors are moved back into the LaTeX as the user wrote it.

    \sigma(\mathbf{W_o}^T z + b_o)   ->  σ(W_oᵀ z + b_o)
    \frac{1}{2}(\hat{y} - y)^2       ->  (1/2)(y_hat - y)^2
    \sum_{n=1}^{N} (...)^2           ->  Σ_n^N (...)^2        (a sum over the samples n)

The modules, from the bottom: table (the commands known), tokens (LaTeX tokens and the stream
of them), output (the pieces written, with their offsets), groups ({...} and arguments),
mathmode ($, \[ \], environments, ends of equations), sums (\sum's bounds), commands (what
each command writes), translator (the loop), translation (the result and its positions).
"""

from __future__ import annotations

import re

from graphdraw.errors import Source
from graphdraw.language.latex.translation import Translation
from graphdraw.language.latex.translator import Translator

SYNTAXES = ("auto", "latex", "plain")

_COMMAND = re.compile(r"\\[A-Za-z\[\](),;:!| \\]|\$")
_BRACES = re.compile(r"[_^]\{")
# h_{1}, h_{t-1}: a subscript in braces that the plain language reads too (lexer._BRACED)
_PLAIN_SUBSCRIPT = re.compile(r"(?<=[^\W_])_\{\s*[^\W_]\w*\s*(?:[-−+]\s*\d+\s*)?\}")

__all__ = ["SYNTAXES", "Translation", "detect", "translate", "by_braces"]


def detect(text: str) -> str:
    r"""'latex' when the text has a LaTeX command, a $, or a ^{ or a _{ that the plain
    language does not read (outside # comments); h_{1} and h_{t-1} alone stay plain.

    >>> detect(r"y = \sigma(x)"), detect("y = σ(x)  # not \\sigma"), detect("y = h_{1} + bias")
    ('latex', 'plain', 'plain')
    """
    return "latex" if _evidence(text) else "plain"


def by_braces(text: str) -> bool:
    """Whether the text reads as LaTeX only for a ^{ or _{ (no command, no $): then a run of
    letters, a product in LaTeX, is more likely one name (parser.py refuses to split it)."""
    return _evidence(text) == "braces"


def _evidence(text: str) -> str:
    """'command' (a LaTeX command or a $), 'braces' (only ^{ or _{), or ''."""
    if "\\" not in text and "$" not in text and "{" not in text:
        return ""           # most models: no line can hold either (read at C speed)
    found = ""
    for line in text.split("\n"):
        line = line.split("#", 1)[0]
        if _COMMAND.search(line):
            return "command"
        if _BRACES.search(_PLAIN_SUBSCRIPT.sub("_1", line)):
            found = "braces"
    return found


def translate(source: Source) -> Translation:
    """The LaTeX of `source` in graphdraw's language (raises SourceError into the LaTeX)."""
    translator = Translator(source)
    text, offsets = translator.run()
    out = translator.out
    return Translation(text, source, offsets, list(out.notes.values()), out.words)
