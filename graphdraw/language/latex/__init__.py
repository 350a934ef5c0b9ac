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

_DETECT = re.compile(r"\\[A-Za-z\[\](),;:!| \\]|\$|[_^]\{")

__all__ = ["SYNTAXES", "Translation", "detect", "translate"]


def detect(text: str) -> str:
    r"""'latex' when the text has a LaTeX command, a $, or _{ or ^{ (outside # comments).

    >>> detect(r"y = \sigma(x)"), detect("y = σ(x)  # not \\sigma")
    ('latex', 'plain')
    """
    for line in text.split("\n"):
        if _DETECT.search(line.split("#", 1)[0]):
            return "latex"
    return "plain"


def translate(source: Source) -> Translation:
    """The LaTeX of `source` in graphdraw's language (raises SourceError into the LaTeX)."""
    translator = Translator(source)
    text, offsets = translator.run()
    out = translator.out
    return Translation(text, source, offsets, list(out.notes.values()), out.words)
