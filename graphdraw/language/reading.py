"""What every part of the parser shares while reading one model: its source, names and errors."""

from __future__ import annotations

import re

from graphdraw.errors import Source, SourceError
from graphdraw.language import names
from graphdraw.language.lexer import Token
from graphdraw.language.program import Program

# `Σ_n TERM` / `sum_n TERM`: the sum over the samples n of a plate (see README, "Sums over
# samples"); one letter after the underscore.
SAMPLE_SUM = re.compile(r"(?:sum|Σ)_([A-Za-z])")
# Which letter a Σ runs over decides what it sums (README, "Sums over samples and over classes"):
SAMPLES = ("n", "i", "t")        # the samples x_n (Bishop), x^{(i)} (Ng), or the time steps
ENTRIES = ("k", "c", "j")        # the entries of a vector: classes k or c, components j


class Reading:
    """One model being read: the Program so far, the scripts of its names, its sample index."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.program = Program(source)
        self.scripts: dict[str, tuple[str, Token]] = {}
        self.sample_index: str | None = None      # the index of Σ_n, when the model has one
        self.notes: dict[str, tuple[str, Token]] = {}     # rule key -> (note, first place)
        self.counts: dict[str, str] = {}   # N of Σ_n^N (or of Σ_n) -> n: 1/N is 1/(samples)
        self.names: dict[str, str] = {}    # text of a NAME token -> its canonical name
        self.entries: dict[str, str] = {}  # k of Σ_k (a sum over a vector's entries) -> K
        self.latex = False                 # read from LaTeX: `\log x` calls log on the name x
        self.noted = 0                     # calls of note(), kept or not
        self.foreign = False               # a name in letters other than Latin (or Greek)

    def error(self, msg: str, tok: Token, hint: str | None = None) -> SourceError:
        """An error at a token of the model."""
        return SourceError(msg, source=self.source, line=tok.line, col=tok.col, hint=hint)

    def size(self, tok: Token, what: str = "a size") -> int:
        """The whole number a token writes as a size, checked by limits.size (a positive
        whole number within the entries cap), or an error at the token."""
        from graphdraw import limits
        from graphdraw.errors import LimitError, SourceLimitError
        try:
            return limits.size(tok.text, what)
        except ValueError as exc:
            raise self.error(str(exc), tok) from None
        except LimitError as exc:
            raise SourceLimitError(exc.message, source=self.source, line=tok.line,
                                   col=tok.col, hint=exc.hint) from None

    def note(self, key: str, text: str, tok: Token) -> None:
        """Say how the text was read where it could be read another way (once per key)."""
        self.notes.setdefault(key, (text, tok))
        self.noted += 1         # replay.py replays no statement whose reading made a note

    def name(self, tok: Token) -> str:
        """The canonical name of a NAME token, remembering the script it is written in."""
        name = self.names.get(tok.text)
        if name is not None:        # read before (a model names the same few things often)
            return name
        name = names.canonical(tok.text)
        if not name[:1].isalpha() and not any(ch.isalpha() for ch in name):
            raise self.error(f"'{tok.text}' is not a name: a name has a letter", tok,
                             hint="for example 'x' or 'x_1'")
        if name.startswith("_"):
            raise self.error(f"'{tok.text}' is not a name: a name starts with a letter", tok,
                             hint=f"a subscript goes right after a name, with no space: "
                                  f"y{tok.text}")
        if self.entries and "_" in name:
            name = self._without_entry(name)
        if name.startswith("__"):
            raise self.error(f"'{tok.text}': names may not start with '__'", tok)
        if name not in self.scripts:
            script = self.scripts[name] = (names.script_of(tok.text), tok)
            self.foreign = self.foreign or script[0] != "Latin"
        self.names[tok.text] = name
        return name

    def _without_entry(self, name: str) -> str:
        """y_k, ŷ_k, y_{n,k}, y_{nk}: the index k of Σ_k names an entry of the vector y, so
        the name is y (y_n): Σ_k y_k log ŷ_k is the sum of y ⊙ log ŷ over its entries."""
        head, *subs = name.split("_")
        kept = []
        for sub in subs:
            if sub in self.entries:
                continue
            if len(sub) == 2 and self.sample_index in sub and (set(sub) - {self.sample_index}) \
                    <= self.entries.keys():
                sub = self.sample_index          # y_{nk}: sample n, entry k
            kept.append(sub)
        stripped = "_".join([head, *kept])
        if stripped == name:
            return name
        self.program.entry_names.add(stripped)
        return stripped

    def per_sample(self, name: str, role: str | None) -> bool:
        """Whether a leaf holds one value per sample: a subscript is the index of Σ_n.

        Declared parameters never do (W_n stays one parameter when declared `param`).
        """
        return (self.sample_index is not None and role != "param"
                and self.sample_index in name.split("_")[1:])

    def find_sample_index(self, tokens: list[Token]) -> None:
        """The index n of the sums over samples (Σ_n), read before any statement.

        Leaves whose subscripts hold it (x_n, y_n) are then values per sample.
        """
        if "sum_" not in self.source.text and "Σ_" not in self.source.text:
            return                  # no token can be a sum: spare a look at every one
        first: Token | None = None
        for at, tok in enumerate(tokens):
            match = SAMPLE_SUM.fullmatch(tok.text) if tok.kind == "NAME" else None
            if match is None:
                continue
            nxt, upper = tokens[at + 1], tokens[at + 2] if at + 2 < len(tokens) else tok
            count = upper.text if nxt.kind == "^" and upper.kind == "NAME" else \
                "T" if nxt.kind == "TRANSPOSE" and nxt.text == "^T" else match.group(1).upper()
            if not self._sample_letter(match.group(1), tok, count):
                continue
            self.counts.setdefault(count, match.group(1))
            before = _count_before(tokens, at)
            if before is not None and nxt.kind != "^":     # 1/m Σ_i: m counts the samples
                self.counts.setdefault(before, match.group(1))
                self.program.plates.setdefault(match.group(1), before)
            elif before is not None and before != count and before not in self.counts \
                    and not _declared(tokens, before):
                raise self.error(f"1/{before} stands before {tok.text}^{count}, which counts "
                                 f"{count} samples: which is the number of samples?", tok,
                                 hint=f"write 1/{count} {tok.text}^{count}, or declare "
                                      f"'param {before}' for a variable {before}")
            if first is not None and match.group(1) != self.sample_index:
                raise self.error(f"'{tok.text}' sums over '{match.group(1)}', but "
                                 f"'{first.text}' (line {first.line}) over "
                                 f"'{self.sample_index}': a model has one index of samples",
                                 tok)
            first, self.sample_index = first or tok, match.group(1)

    def _sample_letter(self, letter: str, tok: Token, count: str) -> bool:
        """Whether Σ_letter sums over samples (True) or over a vector's entries (False)."""
        if letter in ENTRIES:
            self.entries.setdefault(letter, count)
            return False
        if letter not in SAMPLES:
            raise self.error(f"'{tok.text}': graphdraw does not guess what {tok.text} sums "
                             "over", tok, hint="Σ_n, Σ_i (and Σ_t over time steps) sum over "
                             "the samples x_n; Σ_k, Σ_c, Σ_j sum over the entries of a vector "
                             "(classes: Σ_k y_k log ŷ_k); or write sum(…)")
        return True

    def check_scripts(self) -> None:
        """Refuse look-alike letters: a Cyrillic х next to Latin names makes a second name."""
        if not self.foreign:
            return
        latin = {n: t for n, (s, t) in self.scripts.items() if s == "Latin"}
        for name, (script, tok) in self.scripts.items():
            if script != "Latin" and latin:
                other = latin.get(names.latin_lookalike(name), next(iter(latin.values())))
                raise self.error(f"'{tok.text}' is written in {script} letters while "
                                 f"'{other.text}' (line {other.line}) is Latin: look-alike "
                                 "letters make different names", tok,
                                 hint="retype the name with Latin letters")


def _count_before(tokens: list[Token], at: int) -> str | None:
    """The name m of `1/m Σ_i` or `(1/m) Σ_i` right before the sum at tokens[at], if any."""
    end = at - 1 if at >= 1 and tokens[at - 1].kind == ")" else at
    if end >= 3 and tokens[end - 1].kind == "NAME" and tokens[end - 2].kind == "/" \
            and tokens[end - 3].kind == "NUMBER" and tokens[end - 3].text == "1":
        return names.canonical(tokens[end - 1].text)
    return None


def _declared(tokens: list[Token], name: str) -> bool:
    """Whether a declaration line (param m, dim m = 4, …) names `name`."""
    head = None
    for tok in tokens:
        if tok.kind == "NL":
            head = None
        elif head is None:
            head = tok.text
        elif head in ("param", "input", "target", "const", "dim") and tok.kind == "NAME" \
                and names.canonical(tok.text) == name:
            return True
    return False
