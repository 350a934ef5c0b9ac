"""The translation being written: pieces of text, each with the LaTeX offset it came from."""

from __future__ import annotations

import re

_ATOM = re.compile(r"[^\W\d]\w*|\d+(?:\.\d*)?|\.\d+|ᵀ")


def _namechar(ch: str) -> bool:
    return ch.isalnum() or ch == "ᵀ"


class Output:
    """Pieces [text, offset in the LaTeX, literal]; a literal piece maps character by character.

    A group's output starts at a placeholder piece (its index is `start`), so that closing
    the group can rewrite it: collapse it to a name, or wrap it in parentheses.
    """

    def __init__(self) -> None:
        self.pieces: list[list] = []
        self.last = "\n"                # the last character written
        self.notes: dict[str, tuple[str, int]] = {}      # how a LaTeX habit was read (once each)
        self.words: set[str] = set()     # \mathrm{lr}, \text{loss}: one name of several letters
        self.bold: tuple[int, str] = (-1, "")    # where the last bold lowercase name ended

    def note(self, key: str, text: str, off: int) -> None:
        """Say how the LaTeX was read where it could be read another way (once per key)."""
        self.notes.setdefault(key, (text, off))

    def emit(self, text: str, off: int, literal: bool = False) -> None:
        if not text:
            return
        if _namechar(self.last) and _namechar(text[0]):
            self.pieces.append([" ", off, False])     # \alpha x, \mathbf{W}x: two names
        self.pieces.append([text, off, literal])
        self.last = text[-1]

    def placeholder(self, off: int) -> int:
        self.pieces.append(["", off, False])
        return len(self.pieces) - 1

    def content(self, start: int) -> str:
        """What was written after the placeholder at `start`."""
        return "".join(p[0] for p in self.pieces[start + 1:])

    def small(self, start: int) -> str | None:
        """A group's text when it is short enough to be one name or number, else None."""
        if len(self.pieces) - start > 8:
            return None
        text = self.content(start).strip()
        return text if _ATOM.fullmatch(text) or text == "" else None

    def collapse(self, start: int, off: int, text: str) -> None:
        """Replace a group's output by `text` (one piece, at its first character, else off)."""
        body = self.pieces[start + 1:]
        first = next((p[1] for p in body if p[0].strip()), off)
        spaced = bool(body) and body[0][0][:1].isspace()
        del self.pieces[start:]
        if spaced:
            self.pieces.append([" ", first, False])     # a \hat{y}: keep the two names apart
        self.pieces.append([text, first, False])
        self.last = text[-1] if text else self.last

    def wrap(self, start: int, left: str, right: str, off: int) -> None:
        """Put `left` in the placeholder at `start` and `right` after the group."""
        self.pieces[start][0] = left
        self.pieces.append([right, off, False])
        self.last = right[-1] if right else self.last

    def drop_punctuation(self) -> None:
        """Equations in papers end with punctuation: `y = Wx + b,` — drop it."""
        for piece in reversed(self.pieces):
            stripped = piece[0].rstrip()
            if not stripped:
                continue
            if stripped[-1] in ",.":
                piece[0] = stripped[:-1]
            break

    def finish(self, end: int) -> tuple[str, list[int]]:
        """The text and, for each character and one past the end, its offset in the LaTeX."""
        text_parts, offsets = [], []
        for text, off, literal in self.pieces:
            text_parts.append(text)
            if literal:
                offsets.extend(range(off, off + len(text)))
            else:
                offsets.extend([off] * len(text))
        offsets.append(end)
        return "".join(text_parts), offsets
