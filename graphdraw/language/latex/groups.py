"""Groups: `{...}` and command arguments, opened on a stack and rewritten when they close.

Each open group remembers what it is for (a subscript, a fraction's numerator, a font, ...);
at its closing brace its output becomes a name, a number or a parenthesised expression.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from graphdraw.errors import SourceError
from graphdraw.language.latex.output import Output
from graphdraw.language.latex.table import FONTS, GREEK, TRANSPOSES, example, shown
from graphdraw.language.latex.tokens import Tokens

_SUBSCRIPT = re.compile(r"[^\W_][\w,]*")
_SHIFTED = re.compile(r"([^\W\d_]\w*)\s*([-−+])\s*(\d+)")     # t-1, t+1: a name plus or minus
_FROM_ONE = re.compile(r"([A-Za-z])\s*=\s*1")                  # n=1 of Σ_{n=1}^N
BOLD = {"\\mathbf", "\\boldsymbol", "\\bm", "\\vec", "\\mathbfit", "\\pmb"}
# x^{(i)}, W^{(2)}: a label, not a power; w^{(2)T}, w^{(2)\top}, w^{(2)'}: a label, then a transpose
_LABEL = re.compile(r"\(\s*([^\W_]\w*)\s*\)\s*(T|ᵀ|'|′)?")
# What a group's placeholder will become, so that no space is put after it: W^T, \exp{a}.
_OPENS_AS = {"func": "(", "num": "(", "den": "(", "sup": "^"}


@dataclass
class Frame:
    """An open group: what to do at its closing brace."""

    kind: str           # group, sub, sup, font, opname, accent, func, num, den
    start: int          # index of its placeholder piece in the output
    off: int            # where it opened in the LaTeX (for errors)
    cmd: str = ""
    extra: str = ""


class Groups:
    """The stack of open groups."""

    def __init__(self, tokens: Tokens, out: Output,
                 error: Callable[..., SourceError]) -> None:
        self.tokens, self.out, self.error = tokens, out, error
        self.stack: list[Frame] = []
        self._closers = {"group": self._group, "font": self._font, "sub": self._sub,
                         "sup": self._sup, "opname": self._opname, "accent": self._accent,
                         "func": self._func, "num": self._num, "den": self._den}

    def open(self, kind: str, off: int, cmd: str = "", extra: str = "") -> Frame:
        frame = Frame(kind, self.out.placeholder(off), off, cmd, extra)
        self.stack.append(frame)
        self.out.last = _OPENS_AS.get(kind, self.out.last)
        return frame

    def argument(self, kind: str, cmd: str, off: int, extra: str = "") -> None:
        """Open the argument of a command: a {group}, one character, or one command."""
        tokens = self.tokens
        tokens.skip_blank()
        tok = tokens.peek()
        if tok is None or tok[0] in ("}", "&", "$", "\n"):
            raise self.error(f"{shown(cmd)} needs an argument, e.g. {example(cmd)}", off)
        if tok[0] == "{":
            tokens.next()
            self.open(kind, tok[2], cmd, extra)
            return
        frame_off = tok[2]
        if tok[0] == "lit":
            self.open(kind, frame_off, cmd, extra)
            tokens.skip_space()
            ch, at = tokens.take_char()
            tokens.queue.append(("}", "", at))
            tokens.queue.append(("lit", ch, at))
            return
        if tok[0] == "cmd" and (tok[1] in GREEK or tok[1] in TRANSPOSES):
            self.open(kind, frame_off, cmd, extra)
            tokens.next()
            tokens.queue.append(("}", "", tok[2]))
            tokens.queue.append(tok)
            return
        if tok[0] == "cmd" and (tok[1] in FONTS or tok[1] == "operatorname") \
                and not tokens.queue:
            # \hat\mathbf{y}, ^\mathsf{T}: the argument is the command with its group.
            self.open(kind, frame_off, cmd, extra)
            end = tokens.matching_brace(tokens.i + 1)
            if end is None:
                raise self.error(f"{shown(tok[1])} needs an argument in braces", tok[2])
            tokens.extra_close[end] = tokens.extra_close.get(end, 0) + 1
            return
        raise self.error(f"put the argument of {shown(cmd)} in braces: {example(cmd)}", off)

    def close(self, off: int) -> None:
        """The closing brace at `off` of the innermost group."""
        frame = self.stack.pop()
        atom = self.out.small(frame.start)
        if atom == "" and frame.kind not in ("group", "font"):
            raise self.error(f"{shown(frame.cmd or '_')} has an empty argument", frame.off)
        self._closers[frame.kind](frame, atom, off)

    def _collapse(self, frame: Frame, text: str) -> None:
        self.out.collapse(frame.start, frame.off, text)

    def _group(self, frame: Frame, atom: str | None, off: int) -> None:
        if atom is None:
            self.out.wrap(frame.start, "(", ")", off)
        else:
            self._collapse(frame, atom)

    def _font(self, frame: Frame, atom: str | None, off: int) -> None:
        if atom and "_" not in atom and len(atom) > 1 and atom.isalpha():
            self.out.words.add(atom)          # \mathrm{lr}: one name, not l·r
        self._group(frame, atom, off)
        if frame.cmd in BOLD and atom and atom[0].islower():
            self.out.bold = (len(self.out.pieces), atom)     # \mathbf{w}: a vector

    def _sub(self, frame: Frame, atom: str | None, off: int) -> None:
        content = self.out.content(frame.start).strip()
        sample = _FROM_ONE.fullmatch(content)
        if sample and self._before(frame).endswith(("Σ_", "sum_")):
            self._collapse(frame, sample.group(1))        # Σ_{n=1}^N: the sum over samples
            return
        shifted = _SHIFTED.fullmatch(content)
        if shifted:                                       # h_{t-1}: the name h_t_minus_1
            sign = "minus" if shifted.group(2) in "-−" else "plus"
            self._collapse(frame, f"{shifted.group(1)}_{sign}_{shifted.group(3)}")
            return
        if atom is None and not _SUBSCRIPT.fullmatch(content):
            raise self.error("a subscript is a name or a number, such as x_{n}, W_{io} or "
                             "h_{t-1}", frame.off)
        self._collapse(frame, content.replace(",", "_"))

    def _before(self, frame: Frame) -> str:
        """The last few characters written before a group."""
        tail = ""
        for piece in reversed(self.out.pieces[:frame.start]):
            tail = piece[0] + tail
            if len(tail) >= 4:
                break
        return tail

    def _sup(self, frame: Frame, atom: str | None, off: int) -> None:
        label = _LABEL.fullmatch(self.out.content(frame.start).strip())
        if label:
            self._label(frame, label.group(1), bool(label.group(2)))
        elif atom in ("T", "ᵀ"):
            self._collapse(frame, "ᵀ")
        elif atom:
            self._collapse(frame, "^" + atom)
        else:
            self.out.wrap(frame.start, "^(", ")", off)

    def _label(self, frame: Frame, label: str, transposed: bool = False) -> None:
        """x^{(i)}, W^{(2)}: in ML notation a superscript in parentheses labels the name (the
        sample i, the layer 2); it becomes a subscript, so x^{(i)} is x_i. Never a power.
        A transpose after the label (w^{(2)T}, w^{(2)\top}) transposes the labelled name."""
        before = self._before(frame)
        if not re.search(r"\w$", before):
            raise self.error(f"^{{({label})}} labels a name, as in x^{{({label})}}; for a power "
                             f"write ^{{{label}}}", frame.off)
        head = re.search(r"\w+$", before).group(0)
        self._collapse(frame, f"_{label}" + ("ᵀ" if transposed else ""))
        if transposed:
            self.out.note(f"label:{label}T", f"read '{head}^{{({label})T}}' as the transpose of "
                          f"the name {head}_{label}: ({head}_{label})ᵀ (a label, then a "
                          f"transpose; never a power)", frame.off)
            return
        self.out.note(f"label:{label}", f"read '{head}^{{({label})}}' as the name {head}_{label} "
                      f"(a label such as a sample or a layer, not a power); write "
                      f"{head}^{{{label}}} for a power", frame.off)

    def _opname(self, frame: Frame, atom: str | None, off: int) -> None:
        if not atom or not atom[0].isalpha():
            raise self.error(r"\operatorname takes a function's name, such as "
                             r"\operatorname{ReLU}", frame.off)
        self._collapse(frame, atom)

    def _accent(self, frame: Frame, atom: str | None, off: int) -> None:
        if not atom or not atom[0].isalpha():
            raise self.error(f"{shown(frame.cmd)} goes over a name, such as "
                             f"{shown(frame.cmd)}{{y}}", frame.off)
        head, sep, tail = atom.partition("_")
        self._collapse(frame, f"{head}_{frame.extra}{sep}{tail}")

    def _func(self, frame: Frame, atom: str | None, off: int) -> None:
        self.out.wrap(frame.start, "(", ")", off)

    def _num(self, frame: Frame, atom: str | None, off: int) -> None:
        """A fraction's numerator closed: (a/ or ((a + b)/, then its denominator opens."""
        if atom:
            self.out.pieces[frame.start][0] = "("
        else:
            self.out.wrap(frame.start, "((", ")", off)
        self.out.emit("/", off)
        self.argument("den", frame.cmd, frame.off)

    def _den(self, frame: Frame, atom: str | None, off: int) -> None:
        if atom:
            self.out.emit(")", off)
        else:
            self.out.wrap(frame.start, "(", "))", off)
