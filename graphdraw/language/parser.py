"""Parse model text into a Program: declarations, then statements turned into single-op nodes.

The statements are split here; declarations.py reads the declarations, expressions.py each
right-hand side (by operator precedence, without recursion), builder.py adds the nodes.
Nothing the user writes is ever evaluated as Python.
"""

from __future__ import annotations

import difflib

from graphdraw.errors import GraphdrawError, LimitError, Source, SourceError
from graphdraw.language import latex, names, notes, replay
from graphdraw.language.builder import Builder, not_an_entry
from graphdraw.language.declarations import Declarations, is_declaration
from graphdraw.language.expressions import ExpressionReader
from graphdraw.language.latex.letters import note_plain_runs, split_runs
from graphdraw.language.lexer import Token, _token, tokenize
from graphdraw.language.program import Node, Program
from graphdraw.language.reading import Reading
from graphdraw.language.source import requested_syntax
from graphdraw.language.superscripts import label_superscripts
from graphdraw.language.targets import mark_targets
from graphdraw.lazy import gc_paused

MAX_TOKENS = 2_000_000
_NOT_MODELS = ("<claim>", "<FUNCTION>")


class Parser:
    """Reads one model; use `parse(text)`."""

    def __init__(self, source: Source, *, allow_ids: bool = False, latex: bool = False,
                 words: set[str] | None = None, targets: bool = True,
                 by_braces: bool = False) -> None:
        self.by_braces = by_braces  # LaTeX only for a ^{ or _{: a run of letters is refused
        self.targets = targets      # read y of −Σ_k y_k log ŷ_k as a target (targets.py)
        self.latex = latex          # read from LaTeX (latex.py): a few sheet habits are allowed
        self.words = words or set()     # LaTeX: \mathrm{lr}, kept as one name
        self.reading = Reading(source)
        self.reading.latex = latex
        self.program = self.reading.program
        self.error = self.reading.error
        self.declarations = Declarations(self.reading)
        self.builder = Builder(self.reading, self.declarations, allow_ids=allow_ids)
        self.expressions = ExpressionReader(self.builder, replay=replay.ENABLED)

    # -- statements --------------------------------------------------------------------------
    def parse(self) -> Program:
        """The Program of the model (raises SourceError at the first mistake)."""
        tokens = tokenize(self.reading.source)
        if len(tokens) > MAX_TOKENS:
            raise LimitError(f"the model has {len(tokens):,} tokens; graphdraw reads at most "
                             f"{MAX_TOKENS:,}")
        self.reading.find_sample_index(tokens)
        decls: list[list[Token]] = []
        assignments: list[list[Token]] = []
        for stmt in _split(tokens):
            (decls if is_declaration(stmt) else assignments).append(stmt)
        for stmt in sorted(decls, key=lambda s: s[0].text != "dim"):
            self.declarations.read(stmt)
        if self.latex:
            keep = self.words | self.declarations.declared.keys() | self.program.dims.keys() \
                | {names.canonical(s[0].text) for s in assignments if s[0].kind == "NAME"}
            note = self._refuse_letters if self.by_braces else self.reading.note
            assignments = [s[:2] + split_runs(s[2:], keep, note) for s in assignments]
        known = {names.canonical(n) for n in self.declarations.declared} | self.program.dims.keys()
        text = self.reading.source.text
        if self.latex or "^" in text or "**" in text:   # else no token is a '^' (lexer.py)
            assignments = label_superscripts(assignments, known, self.reading.note)
        for stmt in assignments:
            self._assignment(stmt)
        if not any(n.op is not None or (n.name and n.value is not None)     # no leaf
                   for n in self.program.nodes.values()):
            raise SourceError("the model has no equations",
                              source=self.reading.source, hint="write at least one line such "
                              "as 'L = 1/2 (y_hat - y)^2'")
        self._finish()
        return self.program

    def _refuse_letters(self, key: str, text: str, tok: Token) -> None:
        """A run of letters in a text read as LaTeX only for its ^{ or _{: no silent split."""
        base = tok.text.partition("_")[0]
        raise self.error(f"'{base}' would be the product {' '.join(base)} in LaTeX, which this "
                         "model is read as only for a ^{…} or _{…}", tok,
                         hint=f"for one name write \\mathrm{{{base}}} or declare it, or read the "
                              "model as plain notation with --syntax plain (x^2, not x^{2}); "
                              f"for the product write {' '.join(base)}")

    def _assignment(self, stmt: list[Token]) -> None:
        head = stmt[0]
        if self.latex and head.kind == "NAME" and stmt[1].kind == "(":
            stmt = _drop_arguments(stmt)
        if head.kind != "NAME" or len(stmt) < 2 or stmt[1].kind != "=":
            if head.kind == "NAME" and len(stmt) > 1 and stmt[1].kind == "(":
                raise self.error("write a statement as 'NAME = expression'", head,
                                 hint="definitions such as 'f(x) = ...' are not supported")
            raise self.error("a statement is 'NAME = expression'", head if head.kind != "NAME"
                             else stmt[1])
        target = self.reading.name(head)
        if len(stmt) == 3:
            raise self.error("missing expression after '='", stmt[2])
        self.builder.reads.clear()
        ref = self.expressions.read(stmt[2:])
        self.builder.bind(target, head, ref)

    # -- the end -----------------------------------------------------------------------------
    def _finish(self) -> None:
        program = self.program
        program.output = self._output()
        out = program.nodes[program.output]
        if out.plate is not None:
            tok = self.builder.assigned_at.get(out.name or "", self.declarations.output)
            index = out.plate
            raise self.error(f"the output '{names.pretty(out.name or out.id)}' has a value per "
                             f"sample {index}; sum it over the samples", tok,
                             hint=f"for example: L = 1/2 Σ_{index} (ŷ_{index} − y_{index})²")
        self.reading.check_scripts()
        if self.reading.sample_index is not None:      # else no node has a plate (builder.py)
            for node in list(program.nodes.values()):
                if node.plate and node.is_leaf and node.id not in self.declarations.declared:
                    not_an_entry(self.builder, node.id, self.builder.leaf_use[node.id],
                                 node.plate)
        if self.targets:
            mark_targets(program, set(self.declarations.declared), self._target_note)
        if not self.latex:
            # (op and value rather than is_leaf: the property costs a call for every node)
            leaves = {n.id: self.builder.leaf_use[n.id] for n in program.nodes.values()
                      if n.op is None and n.value is None and n.role is None
                      and n.id in self.builder.leaf_use}
            known = set(self.builder.bound) | {n.id for n in program.nodes.values()
                                               if n.op is None and n.value is None}
            note_plain_runs(leaves, known, self.reading.note)
        _renumber(program)

    def _target_note(self, leaf_id: str, node: Node, why: str, domain: str | None) -> None:
        shown = names.pretty(leaf_id)
        drawn = ", values drawn as probabilities" if domain else ""
        self.reading.note(f"target:{leaf_id}", f"read {shown} as a target ({why}): no "
                          f"gradient{drawn}; declare 'param {shown}' for a parameter",
                          self.builder.leaf_use.get(leaf_id) or self.builder.assigned_at.get(
                              leaf_id, Token("NAME", leaf_id, node.line, node.col)))

    def _output(self) -> str:
        """The output's id: the one named by `output`, else the last name assigned."""
        bound, tok = self.builder.bound, self.declarations.output
        if tok is None:
            last = max(self.builder.assigned_at.values(), key=lambda t: (t.line, t.col))
            return bound[names.canonical(last.text)]
        name = names.canonical(tok.text)
        if name not in bound and name not in self.program.nodes:
            known = sorted(bound)
            close = difflib.get_close_matches(name, known, n=1)
            raise self.error(f"the output '{tok.text}' is not a name in the model", tok,
                             hint=f"did you mean '{close[0]}'?" if close else
                             f"names: {', '.join(known)}")
        return bound.get(name, name)


def _split(tokens: list[Token]):
    """Statements: runs of tokens ended by a newline (outside parentheses) or ';'."""
    current: list[Token] = []
    append = current.append
    depth = 0
    for tok in tokens:
        kind = tok[0]                   # tok.kind, without an attribute lookup per token
        if kind not in _SPLITTING:      # most tokens
            append(tok)
        elif kind == "(" or kind == "[":
            depth += 1
            append(tok)
        elif kind == ")" or kind == "]":
            depth = max(depth - 1, 0)
            append(tok)
        elif kind == "NL":              # inside parentheses a newline only continues the line
            if depth == 0 and current:
                current.append(_token(("NL", "", tok.line, tok.col, False)))
                yield current
                current = []
                append = current.append
        else:                           # ';' or the end
            if current:
                current.append(_token(("NL", "", tok.line, tok.col, False)))
                yield current
            current, depth = [], 0
            append = current.append


_SPLITTING = frozenset(("(", "[", ")", "]", "NL", ";", "END"))


def _drop_arguments(stmt: list[Token]) -> list[Token]:
    """`L(W_i, W_o, b) = ...` as sheets write it: the names L depends on, only a comment.

    Only in LaTeX input; in the plain language `f(x) = ...` stays an error.
    """
    j = 2
    while stmt[j].kind == "NAME" and stmt[j + 1].kind == ",":
        j += 2
    if stmt[j].kind == "NAME" and stmt[j + 1].kind == ")" and stmt[j + 2].kind == "=":
        return stmt[:1] + stmt[j + 2:]
    return stmt


def _renumber(program: Program) -> None:
    """Give unnamed nodes the ids %1, %2, ... in definition order (stable golden files)."""
    unnamed = [node_id for node_id in program.nodes if node_id[0] == "%"]
    numbered = list(map("%{}".format, range(1, len(unnamed) + 1)))
    if unnamed == numbered:         # numbered so already (the builder reuses freed ids)
        return
    new_ids = {old: new for old, new in zip(unnamed, numbered) if old != new}
    nodes: dict[str, Node] = {}
    for node in program.nodes.values():
        node.id = new_ids.get(node.id, node.id)
        node.args = tuple(map(new_ids.get, node.args, node.args))
        nodes[node.id] = node
    program.nodes = nodes
    program.output = new_ids.get(program.output, program.output)


def parse(text: str, name: str = "<model>", *, allow_ids: bool = False,
          syntax: str | None = None, targets: bool = True) -> Program:
    """Parse model text into a Program (raises SourceError with line:col on bad input).

    `syntax` is 'plain' (graphdraw's language), 'latex' (translated by latex.py first; errors
    point into the LaTeX) or 'auto' (LaTeX when the text has a LaTeX command or a $). None
    means what the command line asked for with --syntax, else 'auto'.
    """
    source = Source(text, name)
    # Derivative templates (`t_ = out · log(a)`), claims and --function texts are graphdraw's
    # own or a formula, not a model: their names are never read as targets.
    targets = targets and not text.startswith("t_ = ") and name not in _NOT_MODELS
    syntax = syntax or requested_syntax()
    if syntax not in ("auto", "plain", "latex"):
        raise GraphdrawError(f"syntax={syntax!r}: give 'plain', 'latex' or 'auto'")
    by_braces = False
    if syntax == "auto":
        syntax = latex.detect(source.text)
        by_braces = syntax == "latex" and latex.by_braces(source.text)
    with gc_paused():
        if syntax == "plain":
            reader = Parser(source, allow_ids=allow_ids, targets=targets)
            program = reader.parse()
            program.notes = [f"{text} (line {tok.line})"
                             for text, tok in reader.reading.notes.values()]
        else:
            program = _parse_latex(source, allow_ids, by_braces)
    notes.report(source.name, source.text, program.notes)
    return program


def _parse_latex(source: Source, allow_ids: bool, by_braces: bool = False) -> Program:
    """Parse LaTeX: translate, parse the translation, move positions back into the LaTeX."""
    translation = latex.translate(source)
    inner = Source(translation.text, source.name)
    try:
        reader = Parser(inner, allow_ids=allow_ids, latex=True, words=translation.words,
                        by_braces=by_braces)
        program = reader.parse()
    except SourceError as exc:
        raise _into_latex(exc, inner, translation) from None
    program.source = source
    for node in program.nodes.values():
        node.line, node.col = translation.position(node.line, node.col)
    program.notes = translation.note_lines() + [
        f"{text} (line {translation.position(tok.line, tok.col)[0]})"
        for text, tok in reader.reading.notes.values()]
    return program


def _into_latex(exc: SourceError, inner: Source, translation: latex.Translation) -> SourceError:
    """An error found in the translation, moved to the LaTeX the user wrote."""
    if exc.source is not inner or exc.line <= 0:
        return exc
    line = translation.line_text(exc.line)
    start = max(0, min(exc.col - 40, len(line) - 80))        # long lines: around the error
    read_as = " ".join(line[start:start + 80].split())
    read_as = ("…" if start > 0 else "") + read_as + ("…" if start + 80 < len(line) else "")
    note = f"graphdraw read the LaTeX as: {read_as}"
    exc.hint = f"{exc.hint}\n  {note}" if exc.hint else note
    exc.line, exc.col = translation.position(exc.line, exc.col)
    exc.source = translation.source
    return exc
