r"""LaTeX input: the sheet's equations, translated into graphdraw's own language.

`translate` reads LaTeX token by token with an explicit stack of open groups (no recursion,
so thousands of nested braces are fine) and writes the equation language, remembering for
every character it writes the character of the LaTeX it came from. The parser then reads
the translation, and its errors are moved back into the LaTeX as the user wrote it.

    \sigma(\mathbf{W_o}^T z + b_o)   ->  σ(W_oᵀ z + b_o)
    \frac{1}{2}(\hat{y} - y)^2       ->  (1/2)(y_hat - y)^2
    \sum_{n=1}^{N} (...)^2           ->  Σ_n^N (...)^2        (a sum over the samples n)
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from graphdraw.errors import Source, SourceError
from graphdraw.language.names import GREEK_BY_NAME

SYNTAXES = ("auto", "latex", "plain")

# Greek letters as commands; σ and Σ are also functions (sigmoid, sum) when called.
GREEK = dict(GREEK_BY_NAME)
GREEK.update({"varepsilon": "ε", "vartheta": "θ", "varphi": "φ", "varrho": "ρ",
              "varpi": "π", "ell": "ℓ"})
FUNCTIONS = {"exp": "exp", "log": "log", "ln": "log", "tanh": "tanh", "max": "max",
             "min": "min"}
FONTS = {"mathbf", "boldsymbol", "bm", "mathrm", "mathit", "mathsf", "mathnormal", "mathbfit",
         "pmb", "text", "textbf", "textit", "textrm", "vec", "mathcal"}
ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar",
           "tilde": "tilde", "widetilde": "tilde"}
FRACS = {"frac", "dfrac", "tfrac", "cfrac"}
SPACES = {",": " ", ";": " ", ":": " ", ">": " ", " ": " ", "!": "", "quad": " ",
          "qquad": " ", "enspace": " ", "thinspace": " ", "medspace": " ",
          "thickspace": " ", "negthinspace": "", "displaystyle": "", "textstyle": "",
          "limits": "", "nolimits": "", "nonumber": "", "notag": ""}
OPERATORS = {"times": " * ", "ast": " * ", "odot": " * ", "circ": " * ", "div": " / "}
TRANSPOSES = {"top", "intercal", "T"}
SIZES = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
         "big", "Big", "bigg", "Bigg", "middle"}
DELIMITERS = {"(": "(", ")": ")", "[": "(", "]": ")", ".": ""}
SKIPPED = {"label", "tag", "tag*"}        # equation labels and numbers: dropped
MATH_ENVS = {"equation", "equation*", "align", "align*", "aligned", "gather", "gather*",
             "gathered", "multline", "multline*", "split", "eqnarray", "eqnarray*",
             "displaymath", "math", "flalign", "flalign*"}
STARRED = {"operatorname", "tag"}
SUPPORTED = (r"\frac{a}{b}, \sqrt{x}, \left( \right), \cdot, \times, ^\top, ^{T}, "
             r"\sigma(...), \exp, \log, \ln, \tanh, \max, \min, \operatorname{ReLU}, "
             r"\mathbf, \boldsymbol, \mathrm, \hat{y}, \bar, \tilde, Greek letters (\alpha "
             r"... \Omega), \sum_{n=1}^{N}, spaces (\, \; \quad), $...$, $$...$$, \[ \], "
             r"align environments with & and \\")

_SPECIAL = set("\\%#${}^&~\n")
_ATOM = re.compile(r"[^\W\d]\w*|\d+(?:\.\d*)?|\.\d+|ᵀ")
_SUBSCRIPT = re.compile(r"[^\W_][\w,]*")
_DETECT = re.compile(r"\\[A-Za-z\[\](),;:! \\]|\$|[_^]\{")


def detect(text: str) -> str:
    r"""'latex' when the text has a LaTeX command, a $, or _{ or ^{ (outside # comments).

    >>> detect(r"y = \sigma(x)"), detect("y = σ(x)  # not \\sigma")
    ('latex', 'plain')
    """
    for line in text.split("\n"):
        if _DETECT.search(line.split("#", 1)[0]):
            return "latex"
    return "plain"


@dataclass
class Translation:
    """The LaTeX read as the equation language, and where each character came from."""

    text: str
    source: Source              # the LaTeX as written
    offsets: list[int]          # offsets[i]: where in source.text output character i came from

    def __post_init__(self) -> None:
        self._starts = _line_starts(self.text)
        self._source_starts = _line_starts(self.source.text)

    def position(self, line: int, col: int) -> tuple[int, int]:
        """The (line, col) in the LaTeX of (line, col) in the translation (1-based)."""
        if line < 1:
            return line, col
        line = min(line, len(self._starts))
        offset = min(self._starts[line - 1] + max(col, 1) - 1, len(self.text))
        return _line_col(self.offsets[offset], self._source_starts)

    def line_text(self, line: int) -> str:
        """A line of the translation (for hints)."""
        lines = self.text.split("\n")
        return lines[line - 1] if 0 < line <= len(lines) else ""


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def _line_col(offset: int, starts: list[int]) -> tuple[int, int]:
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def _namechar(ch: str) -> bool:
    return ch.isalnum() or ch == "ᵀ"


@dataclass
class _Frame:
    """An open group: what to do at its closing brace."""

    kind: str           # group, sub, sup, font, opname, accent, func, num, den
    start: int          # index of its placeholder piece in the output
    off: int            # where it opened in the LaTeX (for errors)
    cmd: str = ""
    extra: str = ""


class _Translator:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.text = source.text
        self.toks = _tokenize(self.text)
        self.i = 0
        self.queue: list[tuple[str, str, int]] = []     # tokens to read before toks[i]
        self.extra_close: dict[int, int] = {}           # token index -> braces to close after
        self.pieces: list[list] = []                    # [text, source offset, literal]
        self.stack: list[_Frame] = []
        self.math: tuple[str, int] | None = None        # the open $, $$, \[ or environment
        self.envs: list[tuple[str, int]] = []
        self.last = "\n"

    # -- errors --------------------------------------------------------------------------
    def error(self, msg: str, off: int, hint: str | None = None) -> SourceError:
        line, col = _line_col(off, _line_starts(self.text))
        return SourceError(msg, source=self.source, line=line, col=col, hint=hint)

    # -- output --------------------------------------------------------------------------
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

    # -- tokens --------------------------------------------------------------------------
    def next(self) -> tuple[tuple[str, str, int], int | None]:
        """The next token and its index in the main list (None for queued ones)."""
        if self.queue:
            return self.queue.pop(), None
        tok = self.toks[self.i]
        self.i += 1
        return tok, self.i - 1

    def has_next(self) -> bool:
        return bool(self.queue) or self.i < len(self.toks)

    def peek(self) -> tuple[str, str, int] | None:
        """The next token that is not white space (nothing is consumed)."""
        for tok in reversed(self.queue):
            if not _blank(tok):
                return tok
        for index in range(self.i, len(self.toks)):
            if not _blank(self.toks[index]):
                return self.toks[index]
        return None

    def skip_blank(self) -> None:
        while self.has_next():
            tok = self.queue[-1] if self.queue else self.toks[self.i]
            if not _blank(tok):
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

    # -- the run -------------------------------------------------------------------------
    def run(self) -> tuple[str, list[int]]:
        while self.has_next():
            tok, index = self.next()
            self.token(tok)
            for _ in range(self.extra_close.pop(index, 0) if index is not None else 0):
                self.close(tok[2])
        if self.stack:
            frame = self.stack[-1]
            raise self.error("this '{' is never closed", frame.off,
                             hint="every { needs a matching }")
        if self.math is not None:
            raise self.error(f"this {self.math[0]} is never closed", self.math[1])
        return self.finish()

    def finish(self) -> tuple[str, list[int]]:
        text_parts, offsets = [], []
        for text, off, literal in self.pieces:
            text_parts.append(text)
            if literal:
                offsets.extend(range(off, off + len(text)))
            else:
                offsets.extend([off] * len(text))
        offsets.append(len(self.text))
        return "".join(text_parts), offsets

    def token(self, tok: tuple[str, str, int]) -> None:
        kind, text, off = tok
        if kind == "lit":
            self.emit(text, off, literal=True)
        elif kind == "\n":
            # Inside display math or an open group a line break is only white space.
            self.emit(" " if self.math or self.stack else "\n", off)
        elif kind == "{":
            kind_ = "sub" if self.last == "_" else "group"
            self.open(kind_, off)
        elif kind == "}":
            if not self.stack:
                raise self.error("'}' without a matching '{'", off)
            self.close(off)
        elif kind == "^":
            self.argument("sup", "^", off)
        elif kind == "&":
            pass                                # alignment points of align environments
        elif kind == "~":
            self.emit(" ", off)
        elif kind == "$":
            self.dollar(text, off)
        else:
            self.command(text, off)

    # -- groups --------------------------------------------------------------------------
    def open(self, kind: str, off: int, cmd: str = "", extra: str = "") -> _Frame:
        frame = _Frame(kind, self.placeholder(off), off, cmd, extra)
        self.stack.append(frame)
        # What the placeholder will become, so that no space is put after it: W^T, \exp{a}.
        self.last = {"func": "(", "num": "(", "den": "(", "sup": "^"}.get(kind, self.last)
        return frame

    def argument(self, kind: str, cmd: str, off: int, extra: str = "") -> None:
        """Open the argument of a command: a {group}, one character, or one command."""
        self.skip_blank()
        tok = self.peek()
        if tok is None or tok[0] in ("}", "&", "$", "\n"):
            raise self.error(f"{_shown(cmd)} needs an argument, e.g. {_example(cmd)}", off)
        if tok[0] == "{":
            self.next()
            self.open(kind, tok[2], cmd, extra)
            return
        frame_off = tok[2]
        if tok[0] == "lit":
            self.open(kind, frame_off, cmd, extra)
            self.skip_space()
            ch, at = self.take_char()
            self.queue.append(("}", "", at))
            self.queue.append(("lit", ch, at))
            return
        if tok[0] == "cmd" and (tok[1] in GREEK or tok[1] in TRANSPOSES):
            self.open(kind, frame_off, cmd, extra)
            self.next()
            self.queue.append(("}", "", tok[2]))
            self.queue.append(tok)
            return
        if tok[0] == "cmd" and (tok[1] in FONTS or tok[1] == "operatorname") and not self.queue:
            # \hat\mathbf{y}, ^\mathsf{T}: the argument is the command with its group.
            self.open(kind, frame_off, cmd, extra)
            end = self.matching_brace(self.i + 1)
            if end is None:
                raise self.error(f"{_shown(tok[1])} needs an argument in braces", tok[2])
            self.extra_close[end] = self.extra_close.get(end, 0) + 1
            return
        raise self.error(f"put the argument of {_shown(cmd)} in braces: {_example(cmd)}", off)

    def matching_brace(self, index: int) -> int | None:
        """The index of the '}' that closes the '{' at toks[index] (after blanks)."""
        while index < len(self.toks) and _blank(self.toks[index]):
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

    def content(self, frame: _Frame) -> str:
        return "".join(p[0] for p in self.pieces[frame.start + 1:])

    def collapse(self, frame: _Frame, text: str) -> None:
        """Replace a group's output by `text` (one piece, at its first character)."""
        body = self.pieces[frame.start + 1:]
        first = next((p[1] for p in body if p[0].strip()), frame.off)
        spaced = bool(body) and body[0][0][:1].isspace()
        del self.pieces[frame.start:]
        if spaced:
            self.pieces.append([" ", first, False])     # a \hat{y}: keep the two names apart
        self.pieces.append([text, first, False])
        self.last = text[-1] if text else self.last

    def small(self, frame: _Frame) -> str | None:
        """A group's text when it is short enough to be one name or number, else None."""
        if len(self.pieces) - frame.start > 8:
            return None
        text = self.content(frame).strip()
        return text if _ATOM.fullmatch(text) or text == "" else None

    def wrap(self, frame: _Frame, left: str, right: str, off: int) -> None:
        self.pieces[frame.start][0] = left
        self.pieces.append([right, off, False])
        self.last = right[-1] if right else self.last

    def close(self, off: int) -> None:
        frame = self.stack.pop()
        kind = frame.kind
        atom = self.small(frame)
        if atom == "" and kind not in ("group", "font", "skip"):
            raise self.error(f"{_shown(frame.cmd or '_')} has an empty argument", frame.off)
        if kind in ("group", "font"):
            if atom is None:
                self.wrap(frame, "(", ")", off)
            else:
                self.collapse(frame, atom)
        elif kind == "sub":
            if atom is None and not _SUBSCRIPT.fullmatch(self.content(frame).strip()):
                raise self.error("a subscript is a name or a number, such as x_{n} or W_{io}",
                                 frame.off)
            self.collapse(frame, self.content(frame).strip().replace(",", "_"))
        elif kind == "sup":
            if atom in ("T", "ᵀ"):
                self.collapse(frame, "ᵀ")
            elif atom:
                self.collapse(frame, "^" + atom)
            else:
                self.wrap(frame, "^(", ")", off)
        elif kind == "opname":
            if not atom or not atom[0].isalpha():
                raise self.error(r"\operatorname takes a function's name, such as "
                                 r"\operatorname{ReLU}", frame.off)
            self.collapse(frame, atom)
        elif kind == "accent":
            if not atom or not atom[0].isalpha():
                raise self.error(f"{_shown(frame.cmd)} goes over a name, such as "
                                 f"{_shown(frame.cmd)}{{y}}", frame.off)
            head, sep, tail = atom.partition("_")
            self.collapse(frame, f"{head}_{frame.extra}{sep}{tail}")
        elif kind == "func":
            self.wrap(frame, "(", ")", off)
        elif kind == "num":
            if atom:
                self.pieces[frame.start][0] = "("
            else:
                self.wrap(frame, "((", ")", off)
            self.emit("/", off)
            self.argument("den", frame.cmd, frame.off)
        elif kind == "den":
            if atom:
                self.emit(")", off)
            else:
                self.wrap(frame, "(", "))", off)

    # -- math wrappers and statements ----------------------------------------------------
    def dollar(self, text: str, off: int) -> None:
        if self.math is None:
            self.math = (text, off)
        elif self.math[0] == text:
            self.end_statement(off)
            self.math = None
        else:
            raise self.error(f"'{text}' does not close the {self.math[0]} opened here",
                             self.math[1])

    def end_statement(self, off: int) -> None:
        """A \\\\ or the end of display math: the equation ends here."""
        if self.stack:
            raise self.error("this '{' is not closed before the equation ends",
                             self.stack[-1].off)
        # Equations in papers end with punctuation: `y = Wx + b,` — drop it.
        for piece in reversed(self.pieces):
            stripped = piece[0].rstrip()
            if not stripped:
                continue
            if stripped[-1] in ",.":
                piece[0] = stripped[:-1]
            break
        self.emit(" ;", off)
        self.last = ";"

    # -- commands ------------------------------------------------------------------------
    def command(self, name: str, off: int) -> None:
        if name in GREEK:
            self.greek(name, off)
        elif name in TRANSPOSES - {"T"}:
            self.emit("ᵀ", off)
        elif name in SPACES:
            self.emit(SPACES[name], off)
        elif name == "cdot":
            nxt = self.peek()
            # a product, decided as juxtaposition is (matrix product or scaling)
            sign = nxt is not None and nxt[0] == "lit" and nxt[1].lstrip()[:1] in ("-", "+")
            self.emit(" * " if sign else " ", off)
        elif name in OPERATORS:
            self.emit(OPERATORS[name], off)
        elif name in FRACS:
            self.argument("num", "\\" + name, off)
        elif name == "sqrt":
            nxt = self.peek()
            if nxt and nxt[0] == "lit" and nxt[1].lstrip().startswith("["):
                raise self.error(r"only square roots are supported: \sqrt{x}", nxt[2])
            self.emit("sqrt", off)
            self.argument("func", r"\sqrt", off)
        elif name in FONTS:
            self.argument("font", "\\" + name, off)
        elif name in ("operatorname", "operatorname*"):
            self.argument("opname", r"\operatorname", off)
        elif name in ACCENTS:
            self.argument("accent", "\\" + name, off, extra=ACCENTS[name])
        elif name in FUNCTIONS:
            self.function(FUNCTIONS[name], "\\" + name, off)
        elif name == "sum":
            self.sum(off)
        elif name in SIZES:
            self.delimiter(name, off)
        elif name == "\\":
            self.end_statement(off)
        elif name in ("[", "("):
            if self.math is not None:
                raise self.error(f"\\{name} inside {self.math[0]}", off)
            self.math = ("\\" + name, off)
        elif name in ("]", ")"):
            opening = {"]": "\\[", ")": "\\("}[name]
            if self.math is None or self.math[0] != opening:
                raise self.error(f"\\{name} without a matching {opening}", off)
            self.end_statement(off)
            self.math = None
        elif name in ("begin", "end"):
            self.environment(name, off)
        elif name in SKIPPED:
            end = self.matching_brace(self.i) if not self.queue else None
            if end is None:
                raise self.error(f"\\{name} needs an argument in braces", off)
            self.i = end + 1
        else:
            raise self.error(f"the LaTeX command {_shown(name)} is not supported", off,
                             hint="supported: " + SUPPORTED)

    def greek(self, name: str, off: int) -> None:
        letter = GREEK[name]
        if letter in ("σ", "Σ") and self.calls():
            self.emit(letter, off)                  # σ(x): the sigmoid; Σ(x): a sum
            self.call_argument("\\" + name, off)
        elif letter in ("σ", "Σ"):
            self.emit(name, off)                    # the letter as a name: σ alone is a call
        else:
            self.emit(letter, off)

    def calls(self) -> bool:
        """Whether the next token starts a function's argument: (, \\left(, {."""
        tok = self.peek()
        if tok is None:
            return False
        if tok[0] == "lit":
            return tok[1].lstrip()[:1] == "("
        return tok[0] == "{" or (tok[0] == "cmd" and tok[1] in SIZES)

    def call_argument(self, cmd: str, off: int) -> None:
        self.skip_blank()
        tok = self.peek()
        if tok is not None and tok[0] == "{":
            self.argument("func", cmd, off)

    def function(self, name: str, cmd: str, off: int) -> None:
        if not self.calls():
            raise self.error(f"{cmd} needs its argument in parentheses: {cmd}(x) or {cmd}{{x}}",
                             off)
        self.emit(name, off)
        self.call_argument(cmd, off)

    def delimiter(self, name: str, off: int) -> None:
        self.skip_blank()
        tok = self.peek()
        if tok is not None and tok[0] == "lit" and tok[1][0] in DELIMITERS:
            ch, _ = self.take_char()
            self.emit(DELIMITERS[ch], off)
            return
        if tok is not None and tok[0] == "lit" and tok[1][0] == "|" and name in (
                "left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr"):
            self.take_char()
            self.emit("abs(" if name.startswith("left") or name.endswith("l") else ")", off)
            return
        raise self.error(f"\\{name} works with ( ) [ ] | and . here", off,
                         hint="write \\left( ... \\right)")

    def sum(self, off: int) -> None:
        r"""\sum_{n=1}^{N} TERM: a sum over the samples n; \sum(x): the sum of x's entries."""
        if self.queue:
            raise self.error(r"write \sum_{n=1}^{N} (...) on its own", off)
        pos = self.toks[self.i - 1][2] + len("\\sum")
        bounds: dict[str, tuple[str, int]] = {}
        text = self.text
        while True:
            pos = _skip_space(text, pos)
            for word in ("\\limits", "\\nolimits", "\\displaylimits"):
                if text.startswith(word, pos):
                    pos = _skip_space(text, pos + len(word))
            if pos < len(text) and text[pos] in "_^" and text[pos] not in bounds:
                mark = text[pos]
                start = _skip_space(text, pos + 1)
                if text.startswith("{", start):
                    end = text.find("}", start)
                    if end < 0 or "{" in text[start + 1:end]:
                        raise self.error(r"write the bounds as \sum_{n=1}^{N}", off)
                    bounds[mark] = (text[start + 1:end], start + 1)
                    pos = end + 1
                elif start < len(text) and text[start].isalnum():
                    bounds[mark] = (text[start], start)
                    pos = start + 1
                else:
                    raise self.error(r"write the bounds as \sum_{n=1}^{N}", off)
                continue
            break
        if "_" not in bounds:
            if "^" in bounds or not self.calls():
                raise self.error(r"a sum over samples names its index: \sum_{n=1}^{N} (...)",
                                 off, hint=r"\sum(x) with parentheses sums the entries of x")
            self.emit("Σ", off)
            self.call_argument(r"\sum", off)
            return
        lower, at = bounds["_"]
        match = re.fullmatch(r"\s*([A-Za-z])\s*(?:=\s*(\w+)\s*)?", lower)
        if not match or (match.group(2) not in (None, "1")):
            raise self.error("a sum over samples runs over one letter from 1: "
                             r"\sum_{n=1}^{N}", at)
        index = match.group(1)
        shown = f"Σ_{index}"
        if "^" in bounds:
            upper, at = bounds["^"]
            upper = upper.strip()
            if not re.fullmatch(r"[A-Za-z]\w*|\d+", upper):
                raise self.error("the number of samples is a name or a number: "
                                 r"\sum_{n=1}^{N}", at)
            shown += f"^{upper}"
        self.emit(shown + " ", off)
        # Skip the tokens the bounds were read from.
        while self.i < len(self.toks) and self.toks[self.i][2] < pos:
            kind, tok_text, tok_off = self.toks[self.i]
            self.i += 1
            if tok_off + len(tok_text) > pos:
                self.queue.append((kind, tok_text[pos - tok_off:], pos))

    def environment(self, name: str, off: int) -> None:
        env = _env_name(self.text, self.toks[self.i - 1][2] + len(name) + 1) \
            if not self.queue else None
        if env is None:
            raise self.error(f"\\{name} needs an environment name: \\{name}{{align*}}", off)
        env_name, end = env
        while self.i < len(self.toks) and self.toks[self.i][2] < end:
            self.i += 1
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


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _env_name(text: str, pos: int) -> tuple[str, int] | None:
    match = re.compile(r"\s*\{([A-Za-z*]+)\}").match(text, pos)
    return (match.group(1), match.end()) if match else None


def _blank(tok: tuple[str, str, int]) -> bool:
    kind, text, _ = tok
    return (kind == "lit" and not text.strip(" \t")) or (kind == "cmd" and text in SPACES
                                                         and text not in ("nonumber", "notag"))


def _shown(cmd: str) -> str:
    return cmd if cmd.startswith(("\\", "^")) else "\\" + cmd


def _example(cmd: str) -> str:
    return {"^": "x^{2}", "\\frac": "\\frac{1}{2}", "\\sqrt": "\\sqrt{x}",
            "\\operatorname": "\\operatorname{ReLU}"}.get(cmd, f"{_shown(cmd)}{{x}}")


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    """LaTeX tokens (kind, text, offset): cmd, lit, {, }, ^, &, ~, $, and line breaks."""
    toks = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
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
            i = j
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


def translate(source: Source) -> Translation:
    """The LaTeX of `source` in graphdraw's language (raises SourceError into the LaTeX)."""
    text, offsets = _Translator(source).run()
    return Translation(text, source, offsets)
