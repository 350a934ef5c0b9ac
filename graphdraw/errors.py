"""The errors graphdraw reports to users, each with an exit code and a fix."""

from __future__ import annotations

# Exit codes (documented in the README): 0 success, 2 usage (click), these for the rest.
EXIT_INPUT = 3      # the model or its values are wrong
EXIT_TOOL = 4       # a needed program or package is missing (dot, torch)
EXIT_OUTPUT = 5     # the output could not be written
EXIT_CHECK = 6      # a check found a disagreement (graphdraw check)
EXIT_LIMIT = 7      # the input is past a size or time limit
EXIT_CLAIM = 8      # graphdraw verify: a claimed derivative does not hold


class GraphdrawError(Exception):
    """An error with a message meant for the user and an exit code."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message + (f"\n  hint: {self.hint}" if self.hint else "")


def user_message(exc: GraphdrawError) -> str:
    """The message a command prints for an error: `graphdraw: error: ...`, or for an error
    at a place in the model, `file:line:col: error: ...` with the line and a caret."""
    message = str(exc)
    if not isinstance(exc, SourceError) or ": error: " not in message:
        message = "graphdraw: error: " + message
    return message


class SourceError(GraphdrawError):
    """An error at a place in the model text: shows file:line:col, the line and a caret."""

    def __init__(self, message: str, *, source: "Source | None" = None, line: int = 0,
                 col: int = 0, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.source, self.line, self.col = source, line, col

    def __str__(self) -> str:
        if self.source is None or self.line <= 0:
            return super().__str__()
        where = f"{self.source.name}:{self.line}:{self.col}"
        text = self.source.line_text(self.line)
        shown = text.expandtabs(1)
        caret = " " * (max(self.col, 1) - 1) + "^"
        out = f"{where}: error: {self.message}\n  {shown}\n  {caret}"
        return out + (f"\n  hint: {self.hint}" if self.hint else "")


class SourceLimitError(SourceError):
    """A size in the model text past one of graphdraw's limits (shown with its place)."""

    exit_code = EXIT_LIMIT


class ToolMissing(GraphdrawError):
    """A program or package graphdraw needs is not installed."""

    exit_code = EXIT_TOOL


class OutputError(GraphdrawError):
    """The output file could not be written."""

    exit_code = EXIT_OUTPUT


class LimitError(GraphdrawError):
    """The input is beyond a size or time limit graphdraw keeps."""

    exit_code = EXIT_LIMIT


class Source:
    """Model text with a display name, split into lines for error messages."""

    def __init__(self, text: str, name: str = "<model>") -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.name = name
        self._lines = self.text.split("\n")

    def line_text(self, line: int) -> str:
        """The text of 1-based line `line`, or '' past the end."""
        return self._lines[line - 1] if 0 < line <= len(self._lines) else ""
