r"""LaTeX's letters: `Wx` in math mode is W times x, each letter a symbol of its own.

The translation keeps runs of letters as they are; before the statements are read, a run of
two or more Latin letters in a right-hand side is split into a product of one-letter names
(`Wx_n` is `W x_n`), with a note, unless it is a name of the model (assigned or declared), a
function (`softmax`), written in \mathrm{..} or \text{..}, a Greek letter's name, or written
directly before `(` (an unknown function is an error there, never a product).
"""

from __future__ import annotations

from collections.abc import Callable

from graphdraw import ops
from graphdraw.language import names
from graphdraw.language.lexer import Token


def split_runs(stmt: list[Token], keep: set[str],
               note: Callable[[str, str, Token], None]) -> list[Token]:
    """The tokens of a statement with runs of letters split into one-letter names."""
    out: list[Token] = []
    for at, tok in enumerate(stmt):
        run = _run(tok, stmt[at + 1] if at + 1 < len(stmt) else None, keep)
        if run is None:
            out.append(tok)
            continue
        base, rest = run
        letters = list(base[:-1]) + [base[-1] + rest]
        pieces = [Token("NAME", text, tok.line, tok.col + k, tok.spaced if k == 0 else True)
                  for k, text in enumerate(letters)]
        out.extend(pieces)
        note(f"letters:{tok.text}", f"read '{tok.text}' as the product "
             f"{' '.join(p.text for p in pieces)} (LaTeX writes one-letter names side by side); "
             f"write \\mathrm{{{base}}}{rest} or declare 'param {tok.text}' for one name", tok)
    return out


def _run(tok: Token, nxt: Token | None, keep: set[str]) -> tuple[str, str] | None:
    """(letters, rest) of a name to split, else None."""
    if tok.kind != "NAME":
        return None
    base, sep, rest = tok.text.partition("_")
    if len(base) < 2 or not (base.isascii() and base.isalpha()):
        return None
    if names.canonical(tok.text) in keep or base in keep or base in names.GREEK_BY_NAME \
            or base in ops.FUNCTIONS or base in ("hat", "bar", "tilde"):
        return None
    if nxt is not None and nxt.kind == "(" and not nxt.spaced:
        return None
    return base, sep + rest


def note_plain_runs(leaves: dict[str, Token], known: set[str],
                    note: Callable[[str, str, Token], None]) -> None:
    """Plain text keeps `Wx` one name (names have several letters: lr, loss); when W and x
    are each names of the model too, say so: the product was likely meant."""
    for name, tok in leaves.items():
        base, _, rest = name.partition("_")
        if len(base) > 1 and base.isascii() and base.isalpha() and not rest \
                and all(letter in known for letter in base):
            note(f"letters:{name}", f"read '{tok.text}' as one name, although "
                 f"{', '.join(base)} are also names of the model; write "
                 f"{' '.join(base)} for their product", tok)
