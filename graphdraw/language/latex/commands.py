r"""LaTeX commands: what each one the reader knows writes (\frac, \sigma, \mathbf, \left, ...)."""

from __future__ import annotations

import re
from collections.abc import Callable

from graphdraw import ops
from graphdraw.errors import SourceError
from graphdraw.language.latex.groups import BOLD, Groups
from graphdraw.language.latex.mathmode import MathMode
from graphdraw.language.latex.output import Output
from graphdraw.language.latex.sums import read_bounds, sample_sum
from graphdraw.language.latex.table import (ACCENTS, DELIMITERS, FONTS, FRACS, FUNCTIONS,
                                            GREEK, OPERATORS, SIZES, SKIPPED, SPACES,
                                            SUPPORTED, TRANSPOSES, shown)
from graphdraw.language.latex.tokens import Tokens

NORM_BARS = {"lVert": "norm(", "rVert": ")"}      # ‖x‖: the Euclidean norm
_POWERED_CALL = re.compile(r"\s*\^\s*(?:\{[^{}]*\}|[^\s{\\])\s*(?:\\left\s*)?\(")


class Commands:
    """Writes each command; `handlers` is the table from a command's name to its handler."""

    def __init__(self, tokens: Tokens, out: Output, groups: Groups, math: MathMode,
                 error: Callable[..., SourceError]) -> None:
        self.tokens, self.out, self.groups, self.math = tokens, out, groups, math
        self.error = error
        self.handlers = self._table()

    def _table(self) -> dict[str, Callable[[str, int], None]]:
        emit = self.out.emit
        table: dict[str, Callable[[str, int], None]] = {}
        for names, handler in [
                (GREEK, self.greek),
                (TRANSPOSES - {"T"}, lambda name, off: emit("ᵀ", off)),
                (SPACES, lambda name, off: emit(SPACES[name], off)),
                (("quad", "qquad"), self.quad),
                (OPERATORS, lambda name, off: emit(OPERATORS[name], off)),
                (FRACS, lambda name, off: self.groups.argument("num", "\\" + name, off)),
                (FONTS, lambda name, off: self.groups.argument("font", "\\" + name, off)),
                (("operatorname", "operatorname*"),
                 lambda name, off: self.groups.argument("opname", r"\operatorname", off)),
                (ACCENTS, lambda name, off: self.groups.argument(
                    "accent", "\\" + name, off, extra=ACCENTS[name])),
                (FUNCTIONS, lambda name, off: self.function(FUNCTIONS[name], "\\" + name, off)),
                (SIZES, self.delimiter),
                (("\\",), lambda name, off: self.math.end_statement(off)),
                (("[", "(", "]", ")"), self.math.bracket),
                (("begin", "end"), self.math.environment),
                (SKIPPED, self.skipped),
                (("cdot",), self.cdot), (("sqrt",), self.sqrt), (("sum",), self.sum),
                (("lVert", "rVert"), lambda name, off: emit(NORM_BARS[name], off)),
                (("|", "Vert"), lambda name, off: emit("‖", off))]:      # \|x\|: the norm
            table.update(dict.fromkeys(names, handler))
        return table

    def command(self, name: str, off: int) -> None:
        """The command \\name at `off`."""
        handler = self.handlers.get(name)
        if handler is None and name.isascii() and name.isalpha() and name in ops.FUNCTIONS:
            handler = self.op_function      # \tan, \softplus: a function of the op table
        if handler is None:
            raise self.error(f"the LaTeX command {shown(name)} is not supported", off,
                             hint="supported: " + SUPPORTED)
        handler(name, off)

    def quad(self, name: str, off: int) -> None:
        r"""`Q = XW^Q, \quad K = XW^K`: after a comma outside any bracket, \quad separates
        two equations on one line; elsewhere it is a space."""
        if not self.groups.stack and _after_top_level_comma(self.out.content(-1)):
            self.math.end_statement(off)
        else:
            self.out.emit(" ", off)

    def greek(self, name: str, off: int) -> None:
        letter = GREEK[name]
        if letter in ("σ", "Σ") and self.calls():
            self.out.emit(letter, off)                  # σ(x): the sigmoid; Σ(x): a sum
            self.call_argument("\\" + name, off)
        elif letter == "σ" and self._powered_call(name):
            self.out.emit(letter, off)          # \sigma^2(z): (σ(z))², language/calls.py
        elif letter in ("σ", "Σ"):
            self.out.emit(name, off)                    # the letter as a name: σ alone is a call
        else:
            self.out.emit(letter, off)

    def _powered_call(self, name: str) -> bool:
        """Whether a superscript then `(` follow the command just read: \\sigma^2(z)."""
        pos = self.tokens.after_command()
        return pos is not None and _POWERED_CALL.match(self.tokens.text, pos + len(name)) \
            is not None

    def cdot(self, name: str, off: int) -> None:
        nxt = self.tokens.peek()
        after, left = self.out.bold
        if after >= 0 and not "".join(p[0] for p in self.out.pieces[after:]).strip() \
                and nxt is not None and nxt[0] == "cmd" \
                and "\\" + nxt[1] in BOLD and _bold_lowercase(self.tokens.text, nxt[2]):
            # \mathbf{w} \cdot \mathbf{x}: two vectors (bold, lowercase): their dot product
            self.out.emit("ᵀ ", off)
            self.out.note("dot", f"read '\\mathbf{{{left}}} \\cdot \\mathbf{{…}}' as the dot "
                          f"product {left}ᵀ … (bold lowercase letters are vectors); write "
                          "\\odot for the elementwise product", off)
            return
        # a product, decided as juxtaposition is (matrix product or scaling)
        sign = nxt is not None and nxt[0] == "lit" and nxt[1].lstrip()[:1] in ("-", "+")
        self.out.emit(" * " if sign else " ", off)

    def sqrt(self, name: str, off: int) -> None:
        nxt = self.tokens.peek()
        if nxt and nxt[0] == "lit" and nxt[1].lstrip().startswith("["):
            raise self.error(r"only square roots are supported: \sqrt{x}", nxt[2])
        self.out.emit("sqrt", off)
        self.groups.argument("func", r"\sqrt", off)

    def skipped(self, name: str, off: int) -> None:
        r"""\label{...} and \tag{...}: dropped with their argument."""
        tokens = self.tokens
        end = tokens.matching_brace(tokens.i) if not tokens.queue else None
        if end is None:
            raise self.error(f"\\{name} needs an argument in braces", off)
        tokens.i = end + 1

    def calls(self) -> bool:
        """Whether the next token starts a function's argument: (, \\left(, {."""
        tok = self.tokens.peek()
        if tok is None:
            return False
        if tok[0] == "lit":
            return tok[1].lstrip()[:1] == "("
        return tok[0] == "{" or (tok[0] == "cmd" and tok[1] in SIZES)

    def call_argument(self, cmd: str, off: int) -> None:
        self.tokens.skip_blank()
        tok = self.tokens.peek()
        if tok is not None and tok[0] == "{":
            self.groups.argument("func", cmd, off)

    def op_function(self, name: str, off: int) -> None:
        """\\name of a function of the op table with no LaTeX rule of its own: that function."""
        self.function(name, "\\" + name, off)

    def function(self, name: str, cmd: str, off: int) -> None:
        if not self.calls():          # \log \hat{y}_k: the parser takes the one name after it
            self.out.emit(name + " ", off)
            return
        self.out.emit(name, off)
        self.call_argument(cmd, off)

    def delimiter(self, name: str, off: int) -> None:
        r"""\left( \right) and the other sizes; \left| ... \right| is abs(...)."""
        self.tokens.skip_blank()
        tok = self.tokens.peek()
        if tok is not None and tok[0] == "cmd" and tok[1] in NORM_BARS:   # \left\lVert x
            self.tokens.skip_blank()
            self.tokens.next()
            self.out.emit(NORM_BARS[tok[1]], off)
            return
        if tok is not None and tok[0] == "cmd" and tok[1] in ("|", "Vert"):     # \left\| x
            self.tokens.skip_blank()
            self.tokens.next()
            self.out.emit("‖", off)
            return
        if tok is not None and tok[0] == "lit" and tok[1][0] in DELIMITERS:
            ch, _ = self.tokens.take_char()
            self.out.emit(DELIMITERS[ch], off)
            return
        if tok is not None and tok[0] == "lit" and tok[1][0] == "|" and name in (
                "left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr"):
            self.tokens.take_char()
            self.out.emit("abs(" if name.startswith("left") or name.endswith("l") else ")", off)
            return
        raise self.error(f"\\{name} works with ( ) [ ] | and . here", off,
                         hint="write \\left( ... \\right)")

    def sum(self, name: str, off: int) -> None:
        r"""\sum_{n=1}^{N} TERM: a sum over the samples n; \sum(x): the sum of x's entries."""
        pos = self.tokens.after_command()
        if pos is None:
            raise self.error(r"write \sum_{n=1}^{N} (...) on its own", off)
        bounds, pos = read_bounds(self.tokens.text, pos + len(name), off, self.error)
        if "_" not in bounds:
            if "^" in bounds or not self.calls():
                raise self.error(r"a sum over samples names its index: \sum_{n=1}^{N} (...)",
                                 off, hint=r"\sum(x) with parentheses sums the entries of x")
            self.out.emit("Σ", off)
            self.call_argument(r"\sum", off)
            return
        self.out.emit(sample_sum(bounds, self.error) + " ", off)
        self.tokens.skip_to(pos)        # the tokens the bounds were read from


def _bold_lowercase(text: str, off: int) -> bool:
    """Whether the bold command at text[off] holds a lowercase name: \\mathbf{x}, \\bm x."""
    brace = text.find("{", off)
    rest = text[brace + 1:].lstrip() if brace >= 0 else ""
    return rest[:1].isalpha() and rest[:1].islower()


def _after_top_level_comma(text: str) -> bool:
    """Whether the statement written so far ends with a comma outside parentheses."""
    statement = re.split(r"[;\n]", text)[-1].rstrip()
    if not statement.endswith(","):
        return False
    depth = 0
    for ch in statement:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(ch, 0)
    return depth <= 0
