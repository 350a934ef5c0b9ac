"""The LaTeX read as the equation language, and where in the LaTeX each character came from."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from graphdraw.errors import Source, SourceError


@dataclass
class Translation:
    """The LaTeX read as the equation language, and where each character came from."""

    text: str
    source: Source              # the LaTeX as written
    offsets: list[int]          # offsets[i]: where in source.text output character i came from
    notes: list[tuple[str, int]] = field(default_factory=list)   # (note, offset in the LaTeX)
    words: set[str] = field(default_factory=set)   # names written in \mathrm{..}, \text{..}

    def __post_init__(self) -> None:
        self._starts = line_starts(self.text)
        self._source_starts = line_starts(self.source.text)

    def position(self, line: int, col: int) -> tuple[int, int]:
        """The (line, col) in the LaTeX of (line, col) in the translation (1-based)."""
        if line < 1:
            return line, col
        line = min(line, len(self._starts))
        offset = min(self._starts[line - 1] + max(col, 1) - 1, len(self.text))
        return line_col(self.offsets[offset], self._source_starts)

    def note_lines(self) -> list[str]:
        """The translator's notes, each with the line of the LaTeX it is about."""
        return [f"{text} (line {line_col(off, self._source_starts)[0]})"
                for text, off in self.notes]

    def line_text(self, line: int) -> str:
        """A line of the translation (for hints)."""
        lines = self.text.split("\n")
        return lines[line - 1] if 0 < line <= len(lines) else ""


def line_starts(text: str) -> list[int]:
    """The offset where each line of text starts."""
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def line_col(offset: int, starts: list[int]) -> tuple[int, int]:
    """The 1-based (line, col) of an offset, given line_starts."""
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def error_at(source: Source, msg: str, off: int, hint: str | None = None) -> SourceError:
    """An error at an offset of the LaTeX as written."""
    line, col = line_col(off, line_starts(source.text))
    return SourceError(msg, source=source, line=line, col=col, hint=hint)
