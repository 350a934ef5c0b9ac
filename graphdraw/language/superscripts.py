"""Superscripts that label a name: the W^Q, W^K, W^V of attention are three matrices, not powers.

Before the statements are read, `NAME ^ E` becomes the one name NAME_E (W^Q is W_Q, shown
W_Q), with a note, when the exponent E is a name and
- a single capital letter (not T, a transpose) on a capital name (a matrix), not declared
  `param`/`input` nor a size (`dim`): in ML texts such a superscript labels the matrix;
- or a name the model assigns in this statement or a later one (`Q = X W^Q`): as a power it
  would be used before it has a value.
- or, whatever E is, when NAME_E is a declared name and NAME is not: a claim in `verify`
  writes the model's W_V as the model did, W^V (label_spelling does the same for one name).
A number, or a declared parameter or input (`param n` then `x^n`), stays a power.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import itemgetter

from graphdraw.language import names
from graphdraw.language.lexer import Token
from graphdraw.language.reading import SAMPLE_SUM

_LABELLED = re.compile(r"([^\W\d]\w*)\s*\^\s*(?:\{\s*([^\W\d_]\w*)\s*\}|([^\W\d_]\w*))")


def label_spelling(text: str) -> str | None:
    """The name `W^V` (or `W^{V}`) would be as a label, W_V; None when text is no `NAME^NAME`.

    >>> label_spelling("W^V"), label_spelling("W^{Q}"), label_spelling("x^2")
    ('W_V', 'W_Q', None)
    """
    match = _LABELLED.fullmatch(text.strip())
    if match is None:
        return None
    return f"{match.group(1)}_{match.group(2) or match.group(3)}"


_KIND = itemgetter(0)              # a token's kind, read at C speed


def label_superscripts(statements: list[list[Token]], known: set[str],
                       note: Callable[[str, str, Token], None]) -> list[list[Token]]:
    """The statements with `W ^ Q` read as the name W_Q where Q labels W (see the module)."""
    powers = [at for at, stmt in enumerate(statements) if "^" in map(_KIND, stmt)]
    if not powers:                 # most models: nothing to look at
        return statements
    last: dict[str, int] = {}      # each assigned name: the last statement assigning it
    for at, stmt in enumerate(statements):
        if stmt and stmt[0].kind == "NAME":
            last[names.canonical(stmt[0].text)] = at
    out = list(statements)
    for at in powers:
        out[at] = _statement(statements[at], known, _Later(last, at), note)
    return out


class _Later:
    """The names assigned at or after statement `at` (a set's `in`, without building it)."""

    def __init__(self, last: dict[str, int], at: int) -> None:
        self.last, self.at = last, at

    def __contains__(self, name: object) -> bool:
        return self.last.get(name, -1) >= self.at  # type: ignore[arg-type]


def _statement(stmt: list[Token], known: set[str], later,
               note: Callable[[str, str, Token], None]) -> list[Token]:
    result: list[Token] = []
    i = 0
    while i < len(stmt):
        tok = stmt[i]
        if i >= 2 and tok.kind == "^" and i + 1 < len(stmt) and _labels(
                stmt[i - 1], stmt[i + 1], stmt[i + 2] if i + 2 < len(stmt) else None,
                known, later):
            head, label = result.pop(), stmt[i + 1]
            merged = Token("NAME", f"{head.text}_{label.text}", head.line, head.col,
                           head.spaced)
            result.append(merged)
            if names.canonical(merged.text) in known:
                note(f"superscript:{merged.text}", f"read '{head.text}^{label.text}' as the "
                     f"name {merged.text}, which the model has (a superscript that labels it)",
                     head)
            else:
                _note(head, label, merged, note)
            i += 2
            continue
        result.append(tok)
        i += 1
    return result


def _labels(head: Token, exponent: Token, after: Token | None, known: set[str],
            later) -> bool:
    """Whether `head ^ exponent` labels head rather than raising it to a power."""
    if head.kind != "NAME" or exponent.kind != "NAME" or SAMPLE_SUM.fullmatch(head.text):
        return False
    if after is not None and after.kind in ("(", "^", "_"):
        return False              # W^f(x), W^a^b: an expression, not a label
    name = names.canonical(exponent.text)
    if names.canonical(head.text) not in known and \
            names.canonical(f"{head.text}_{exponent.text}") in known:
        return True               # W^V where W_V is a name and W is not (a claim on a model)
    if name in known:
        return False              # a declared parameter or input, or a size: a power
    capital = len(exponent.text) == 1 and exponent.text.isupper() and exponent.text != "T"
    return (capital and head.text[0].isupper()) or name in later


def _note(head: Token, label: Token, merged: Token,
          note: Callable[[str, str, Token], None]) -> None:
    text = (f"read '{head.text}^{label.text}' as the name {merged.text} (a superscript that "
            f"labels a matrix, as the W^Q, W^K, W^V of attention; not a power); declare "
            f"'param {label.text}' (a scalar) for a power")
    if len(head.text) > 1 and head.text.isalpha() and head.text.isascii():
        text += (f"; for the product of {' '.join(head.text[:-1])} and {head.text[-1]}"
                 f"_{label.text} write {' '.join(head.text)}^{label.text} with spaces")
    note(f"superscript:{merged.text}", text, head)
