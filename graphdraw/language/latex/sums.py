r"""`\sum_{n=1}^{N} TERM`: the sum over the samples n, read from its bounds."""

from __future__ import annotations

import re
from collections.abc import Callable

from graphdraw.errors import SourceError

Bounds = dict[str, tuple[str, int]]     # '_' or '^' -> (text, offset)
_LIMITS = ("\\limits", "\\nolimits", "\\displaylimits")


def read_bounds(text: str, pos: int, off: int,
                error: Callable[..., SourceError]) -> tuple[Bounds, int]:
    r"""The bounds after \sum at text[pos] (`_{n=1}`, `^N`, either order), and where they end."""
    bounds: Bounds = {}
    while True:
        pos = _skip_space(text, pos)
        for word in _LIMITS:
            if text.startswith(word, pos):
                pos = _skip_space(text, pos + len(word))
        if pos >= len(text) or text[pos] not in "_^" or text[pos] in bounds:
            return bounds, pos
        mark = text[pos]
        start = _skip_space(text, pos + 1)
        if text.startswith("{", start):
            end = text.find("}", start)
            if end < 0 or "{" in text[start + 1:end]:
                raise error(r"write the bounds as \sum_{n=1}^{N}", off)
            bounds[mark] = (text[start + 1:end], start + 1)
            pos = end + 1
        elif start < len(text) and text[start].isalnum():
            bounds[mark] = (text[start], start)
            pos = start + 1
        else:
            raise error(r"write the bounds as \sum_{n=1}^{N}", off)


def sample_sum(bounds: Bounds, error: Callable[..., SourceError]) -> str:
    r"""The sum in the equation language: \sum_{n=1}^{N} is Σ_n^N."""
    lower, at = bounds["_"]
    match = re.fullmatch(r"\s*([A-Za-z])\s*(?:=\s*(\w+)\s*)?", lower)
    if not match or (match.group(2) not in (None, "1")):
        raise error("a sum over samples runs over one letter from 1: "
                    r"\sum_{n=1}^{N}", at)
    text = f"Σ_{match.group(1)}"
    if "^" in bounds:
        upper, at = bounds["^"]
        upper = upper.strip()
        if not re.fullmatch(r"[A-Za-z]\w*|\d+", upper):
            raise error("the number of samples is a name or a number: "
                        r"\sum_{n=1}^{N}", at)
        text += f"^{upper}"
    return text


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos
