"""The translator: reads the LaTeX tokens in order and hands each to its part."""

from __future__ import annotations

import functools

from graphdraw.errors import Source
from graphdraw.language.latex.commands import Commands
from graphdraw.language.latex.groups import Groups
from graphdraw.language.latex.mathmode import MathMode
from graphdraw.language.latex.output import Output
from graphdraw.language.latex.tokens import Tok, Tokens
from graphdraw.language.latex.translation import error_at


class Translator:
    """One translation: tokens in, pieces of the equation language out."""

    def __init__(self, source: Source) -> None:
        self.error = functools.partial(error_at, source)
        self.tokens = Tokens(source.text)
        self.out = Output()
        self.groups = Groups(self.tokens, self.out, self.error)
        self.math = MathMode(self.tokens, self.out, self.groups, self.error)
        self.commands = Commands(self.tokens, self.out, self.groups, self.math, self.error)

    def run(self) -> tuple[str, list[int]]:
        """The translated text and, for each of its characters, the offset in the LaTeX."""
        tokens = self.tokens
        while tokens.has_next():
            tok, index = tokens.next()
            self.token(tok)
            for _ in range(tokens.extra_close.pop(index, 0) if index is not None else 0):
                self.groups.close(tok[2])
        if self.groups.stack:
            frame = self.groups.stack[-1]
            raise self.error("this '{' is never closed", frame.off,
                             hint="every { needs a matching }")
        if self.math.math is not None:
            raise self.error(f"this {self.math.math[0]} is never closed", self.math.math[1])
        return self.out.finish(len(tokens.text))

    def token(self, tok: Tok) -> None:
        kind, text, off = tok
        out = self.out
        if kind == "lit":
            out.emit(text, off, literal=True)
        elif kind == "\n":
            # Inside display math or an open group a line break is only white space.
            out.emit(" " if self.math.math or self.groups.stack else "\n", off)
        elif kind == "{":
            self.groups.open("sub" if out.last == "_" else "group", off)
        elif kind == "}":
            if not self.groups.stack:
                raise self.error("'}' without a matching '{'", off)
            self.groups.close(off)
        elif kind == "^":
            self.groups.argument("sup", "^", off)
        elif kind == "&":
            pass                                # alignment points of align environments
        elif kind == "~":
            out.emit(" ", off)
        elif kind == "$":
            self.math.dollar(text, off)
        else:
            self.commands.command(text, off)
