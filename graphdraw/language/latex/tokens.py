"""LaTeX tokens (kind, text, offset) and the stream the translator reads them from."""

from __future__ import annotations

from graphdraw.language.latex.table import SPACES, STARRED

Tok = tuple[str, str, int]      # kind: cmd, lit, {, }, ^, &, ~, $ or a line break

_SPECIAL = set("\\%#${}^&~\n")


def tokenize(text: str) -> list[Tok]:
    """LaTeX tokens (kind, text, offset): cmd, lit, {, }, ^, &, ~, $, and line breaks."""
    toks = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i = _command(text, i, toks)
        elif ch in "%#":                       # comments, LaTeX's and graphdraw's
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif ch == "$":
            width = 2 if text.startswith("$$", i) else 1
            toks.append(("$", text[i:i + width], i))
            i += width
        elif ch in "{}^&~\n":
            toks.append((ch, ch, i))
            i += 1
        else:
            j = i + 1
            while j < n and text[j] not in _SPECIAL:
                j += 1
            toks.append(("lit", text[i:j], i))
            i = j
    return toks


def _command(text: str, i: int, toks: list[Tok]) -> int:
    """The command at text[i] (a backslash): \\name, \\name* or \\ and one character."""
    n = len(text)
    j = i + 1
    if j < n and text[j].isascii() and text[j].isalpha():
        while j < n and text[j].isascii() and text[j].isalpha():
            j += 1
        if j < n and text[j] == "*" and text[i + 1:j] in STARRED:
            j += 1
        toks.append(("cmd", text[i + 1:j], i))
    elif j < n and text[j] != "\n":
        j += 1
        toks.append(("cmd", text[i + 1:j], i))
    else:
        toks.append(("cmd", "", i))
    return j


def blank(tok: Tok) -> bool:
    """White space, or a spacing command such as \\, or \\quad."""
    kind, text, _ = tok
    return (kind == "lit" and not text.strip(" \t")) or (kind == "cmd" and text in SPACES
                                                         and text not in ("nonumber", "notag"))


class Tokens:
    """The tokens of the LaTeX, read in order; some are pushed back (queued) to read first."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokenize(text)
        self.i = 0
        self.queue: list[Tok] = []                      # tokens to read before toks[i]
        self.extra_close: dict[int, int] = {}           # token index -> braces to close after

    def next(self) -> tuple[Tok, int | None]:
        """The next token and its index in the main list (None for queued ones)."""
        if self.queue:
            return self.queue.pop(), None
        tok = self.toks[self.i]
        self.i += 1
        return tok, self.i - 1

    def has_next(self) -> bool:
        return bool(self.queue) or self.i < len(self.toks)

    def peek(self) -> Tok | None:
        """The next token that is not white space (nothing is consumed)."""
        for tok in reversed(self.queue):
            if not blank(tok):
                return tok
        for index in range(self.i, len(self.toks)):
            if not blank(self.toks[index]):
                return self.toks[index]
        return None

    def skip_blank(self) -> None:
        while self.has_next():
            tok = self.queue[-1] if self.queue else self.toks[self.i]
            if not blank(tok):
                return
            self.next()

    def skip_space(self) -> None:
        """Drop the white space at the start of the next (literal) token."""
        kind, text, off = self.queue[-1] if self.queue else self.toks[self.i]
        stripped = text.lstrip(" \t")
        if stripped != text:
            self.next()
            self.queue.append((kind, stripped, off + len(text) - len(stripped)))

    def take_char(self) -> tuple[str, int]:
        """The first character of the next (literal) token, leaving the rest to read."""
        tok, _ = self.next()
        kind, text, off = tok
        if text[1:]:
            self.queue.append((kind, text[1:], off + 1))
        return text[0], off

    def matching_brace(self, index: int) -> int | None:
        """The index of the '}' that closes the '{' at toks[index] (after blanks)."""
        while index < len(self.toks) and blank(self.toks[index]):
            index += 1
        if index >= len(self.toks) or self.toks[index][0] != "{":
            return None
        depth = 0
        for j in range(index, len(self.toks)):
            kind = self.toks[j][0]
            depth += (kind == "{") - (kind == "}")
            if depth == 0:
                return j
        return None

    def after_command(self) -> int | None:
        """The offset just after the backslash of the command just read; None if it was queued.

        Commands that read their arguments from the text itself (\\sum, \\begin) need it.
        """
        return None if self.queue else self.toks[self.i - 1][2] + 1

    def skip_to(self, pos: int) -> None:
        """Skip the tokens before offset pos; what of the last one reaches past pos is read next."""
        while self.i < len(self.toks) and self.toks[self.i][2] < pos:
            kind, text, off = self.toks[self.i]
            self.i += 1
            if off + len(text) > pos:
                self.queue.append((kind, text[pos - off:], pos))
