"""The names a claim may use: the model's, their entries (W_i[1,2]) and versions (c′), and
errors that point into the claim as the person wrote it."""

from __future__ import annotations

import difflib
import re

from graphdraw.errors import Source, SourceError
from graphdraw.language import latex, names
from graphdraw.language.program import Program
from graphdraw.language.superscripts import label_spelling
from graphdraw.ops.shapes import fmt

PRIMES = "′'″‴"
_PRIME_COUNT = {"′": 1, "'": 1, "″": 2, "‴": 3}
INDEX = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
EXAMPLE = "∂L/∂b_o = (ŷ − y) ŷ (1 − ŷ)"


class ClaimError(SourceError):
    """A claim that cannot be read: not a derivative, an unknown name, a parse error."""


def describe(shape: tuple) -> str:
    """'a scalar', 'a vector of 2', 'a matrix 2×3'."""
    if not shape:
        return "a scalar"
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    return ("a matrix " if len(shape) == 2 else "a tensor ") + fmt(shape)


def entry_text(index: tuple[int, ...] | None) -> str:
    return "" if not index else f"[{','.join(str(i + 1) for i in index)}]"


def pretty_id(node_id: str) -> str:
    return names.pretty(*names.split_id(node_id))


class Piece:
    """A piece of one line of a Source: errors at an offset into the piece point into it."""

    def __init__(self, source: Source, line: int, start: int, text: str) -> None:
        self.source, self.line, self.start, self.text = source, line, start, text

    def error(self, message: str, offset: int, hint: str | None = None) -> ClaimError:
        col = self.start + max(offset, 0) + 1
        return ClaimError(message, source=self.source, line=self.line, col=col, hint=hint)


def lookup(model: Program, name_text: str) -> str | None:
    """The model node a name written in a claim means (c: the first c, c′ the next), or None."""
    primes = 0
    while name_text and name_text[-1] in PRIMES:
        primes += _PRIME_COUNT[name_text[-1]]
        name_text = name_text[:-1]
    if "\\" in name_text or "{" in name_text:
        try:
            name_text = latex.translate(Source(name_text)).text.strip()
        except SourceError:
            return None
    if not name_text:
        return None
    for spelling in _spellings(name_text):
        node_id = names.version_id(names.canonical(spelling), primes)
        node = model.nodes.get(node_id)
        if node is not None and (node.name or node.is_leaf):
            return node_id
    return None
SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"


def _spellings(name_text: str) -> list[str]:
    """A name as written, then as graphdraw prints it back: W₁ is W_1, h_t₋₁ is h_t_minus_1."""
    out = [name_text]
    label = label_spelling(name_text)        # W^V: the model's W_V, as attention writes it
    if label is not None:
        out.append(label)
    if any(ch in SUBSCRIPTS for ch in name_text):
        plain = re.sub(f"[{SUBSCRIPTS}]+", lambda m: "_" + "".join(
            str(SUBSCRIPTS.index(ch)) for ch in m.group(0)), name_text)
        out.append(plain)
    return out


def model_names(model: Program) -> list[str]:
    return [n.id for n in model.nodes.values() if n.name or n.is_leaf]


def node_of(model: Program, piece: Piece, name_text: str, at: int) -> str:
    if not name_text:
        raise piece.error("a name of the model is missing here", at,
                          hint=f"for example: {EXAMPLE}")
    node_id = lookup(model, name_text)
    if node_id is None:
        known = model_names(model)
        close = difflib.get_close_matches(names.canonical(name_text), known, n=1)
        raise piece.error(f"'{name_text}' is not a name of the model", at,
                          hint=f"did you mean '{pretty_id(close[0])}'?" if close else
                          f"names: {', '.join(map(pretty_id, known))}")
    return node_id


def check_index(piece: Piece, node_id: str, index: tuple, shape: tuple, at: int) -> None:
    if len(index) != len(shape) or any(not 0 <= k < n for k, n in zip(index, shape)):
        what = "a scalar, which has no entries" if not shape else describe(shape)
        raise piece.error(f"{pretty_id(node_id)}{entry_text(index)} is not an entry of "
                          f"{pretty_id(node_id)}: it is {what}", at,
                          hint="entries are numbered from 1, as grads --scalar numbers them")
