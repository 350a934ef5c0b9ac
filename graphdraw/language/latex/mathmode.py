r"""Math mode and equations: $...$, $$...$$, \[ \], \( \), environments, and where one ends."""

from __future__ import annotations

import re
from collections.abc import Callable

from graphdraw.errors import SourceError
from graphdraw.language.latex.groups import Groups
from graphdraw.language.latex.output import Output
from graphdraw.language.latex.table import MATH_ENVS, SUPPORTED
from graphdraw.language.latex.tokens import Tokens

_ENV_NAME = re.compile(r"\s*\{([A-Za-z*]+)\}")


class MathMode:
    """The open math ($, $$, \\[ or an environment) and the environments around it."""

    def __init__(self, tokens: Tokens, out: Output, groups: Groups,
                 error: Callable[..., SourceError]) -> None:
        self.tokens, self.out, self.groups, self.error = tokens, out, groups, error
        self.math: tuple[str, int] | None = None        # the open $, $$, \[ or environment
        self.envs: list[tuple[str, int]] = []

    def dollar(self, text: str, off: int) -> None:
        """A $ or $$: opens math, or closes the math it opened (ending an equation)."""
        if self.math is None:
            self.math = (text, off)
        elif self.math[0] == text:
            self.end_statement(off)
            self.math = None
        else:
            raise self.error(f"'{text}' does not close the {self.math[0]} opened here",
                             self.math[1])

    def bracket(self, name: str, off: int) -> None:
        r"""\[ or \( opens display math, \] or \) closes it."""
        if name in ("[", "("):
            if self.math is not None:
                raise self.error(f"\\{name} inside {self.math[0]}", off)
            self.math = ("\\" + name, off)
            return
        opening = {"]": "\\[", ")": "\\("}[name]
        if self.math is None or self.math[0] != opening:
            raise self.error(f"\\{name} without a matching {opening}", off)
        self.end_statement(off)
        self.math = None

    def end_statement(self, off: int) -> None:
        """A \\\\ or the end of display math: the equation ends here."""
        if self.groups.stack:
            raise self.error("this '{' is not closed before the equation ends",
                             self.groups.stack[-1].off)
        self.out.drop_punctuation()
        self.out.emit(" ;", off)
        self.out.last = ";"

    def environment(self, name: str, off: int) -> None:
        r"""\begin{align*} or \end{align*}: math environments hold equations."""
        env_name = self._env_name(name, off)
        if env_name not in MATH_ENVS:
            raise self.error(f"the environment {{{env_name}}} is not supported", off,
                             hint="equations may sit in equation, align, gather or multline "
                                  "environments; supported commands: " + SUPPORTED)
        if name == "begin":
            self.envs.append((env_name, off))
            if self.math is None:
                self.math = (f"\\begin{{{env_name}}}", off)
            return
        if not self.envs or self.envs[-1][0] != env_name:
            raise self.error(f"\\end{{{env_name}}} without a matching \\begin{{{env_name}}}",
                             off)
        self.envs.pop()
        if self.math is not None and self.math[0] == f"\\begin{{{env_name}}}":
            self.end_statement(off)
            self.math = None

    def _env_name(self, name: str, off: int) -> str:
        """The {name} after \\begin or \\end, read from the text and skipped."""
        pos = self.tokens.after_command()
        match = _ENV_NAME.match(self.tokens.text, pos + len(name)) if pos is not None else None
        if match is None:
            raise self.error(f"\\{name} needs an environment name: \\{name}{{align*}}", off)
        self.tokens.skip_to(match.end())
        return match.group(1)
