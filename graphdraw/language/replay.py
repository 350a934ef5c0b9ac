"""Statements of one shape, read once: the builder calls of the first, replayed for the others.

Large models are written by loops, so their statements repeat in shape (`h5 = tanh(w h4 + b)`,
`h6 = tanh(w h5 + b)`). The reader's decisions (expressions.py) depend on the kinds of the
tokens, their spacing and the texts of a few names (functions, `e`, `^T`), and, in a few places,
on what the builder knows. A statement's shape keeps all that depends on the tokens; what
depends on the builder either makes the statement's reading unfit to replay (a note, `knows`,
`e^x`, a function's name used as a value) or is checked again before each replay. A replay
makes the same builder calls with the new statement's tokens: the same nodes, shapes, notes
and errors (juxtaposition is still decided from the operands, by Builder.juxtaposed).
tests/test_replay.py checks that a parse with replays and one without give the same Program.
"""

from __future__ import annotations

from graphdraw import ops
from graphdraw.language import names
from graphdraw.language.builder import names_t
from graphdraw.language.lexer import SUPERSCRIPTS, Token

ENABLED = True      # tests turn it off to compare
TRIAL = 200         # replay goes on past this many statements if it read half of them
# The names and texts whose reading differs from that of a plain name or mark: in the shape
# by their text; any other token by its kind.
_TEXTS = {**{name: name for name in ops.FUNCTIONS}, "e": "e", "^T": "^T"}
# Tokens after which a name without a space is a product `(a)b` or a subscript `(a)_k`.
_ENDS_OPERAND = frozenset((")", "NUMBER", "SUPER", "TRANSPOSE", "NAME"))
# Statements with these are read without replay: their calls (`sum(x, dim=0)`, `‖x‖_F`) change
# the builder's nodes outside its calls.
_NOT_REPLAYED = frozenset((",", "=", "NORM", "[", "]"))
_DIGITS = str.maketrans(SUPERSCRIPTS)
_NORM = ops.OPS["norm"]
_SEEN, _UNFIT = "seen", "unfit"
OPERAND, NUMBER, SUPER, APPLY1, APPLY2, JUXT = range(6)


class Shapes:
    """The statements of a model read so far, by shape."""

    def __init__(self) -> None:
        self.seen: dict[tuple, object] = {}     # shape -> _SEEN, _UNFIT or its Trace
        self.left = TRIAL                       # statements until the replays are counted
        self.replays = 0

    def read(self, reader, toks: list[Token]) -> str:
        """Read a statement with reader._read, or replay the reading of one of its shape;
        a shape is recorded the second time it comes (most shapes of a small model come once)."""
        # the shape: what the reading depends on in the tokens (see the module's docstring)
        kinds, texts, _, _, spaced = zip(*toks)
        key = tuple(map(_TEXTS.get, texts, kinds)), spaced
        trace = self.seen.get(key)
        self.left -= 1
        if not self.left and self.replays * 2 < TRIAL:
            reader.shapes = None        # a model whose statements seldom repeat: no more shapes
        if trace.__class__ is Trace:
            ref = trace.replay(reader.builder, toks)
            if ref is not None:
                self.replays += 1
                return ref
        elif trace is None:
            self.seen[key] = _SEEN
        elif trace is _SEEN:
            return self._record(reader, key, toks)
        return reader._read(toks)

    def _record(self, reader, key: tuple, toks: list[Token]) -> str:
        builder = reader.builder
        recorder = reader.builder = _Recorder(builder, toks)
        try:
            ref = reader._read(toks)
        finally:
            reader.builder = builder
        trace = recorder.trace(ref, toks)
        self.seen[key] = _UNFIT if trace is None or not _NOT_REPLAYED.isdisjoint(key[0]) \
            else trace
        return str(ref)         # a plain str, not the recorder's _Ref


class _Ref(str):
    """A node id the recorder handed to the reader, with the step that made it."""

    step: int


class _Recorder:
    """Stands in for the builder while a statement is read: passes every call on and records
    those a replay makes again; any other use of what the builder knows makes it unfit."""

    def __init__(self, builder, toks: list[Token]) -> None:
        self.builder = builder
        self.reading = builder.reading
        self.toks = toks
        self.at = {id(tok): i for i, tok in enumerate(toks)}
        self.steps: list[tuple] = []
        self.checks: list[int] = []       # names that must not start with "_" (see Trace)
        self.fit = True
        self.noted = self.reading.noted   # notes the reader made (the builder's are replayed)

    def __getattr__(self, name: str):
        return getattr(self.builder, name)

    def knows(self, tok: Token) -> bool:
        self.fit = False
        return self.builder.knows(tok)

    def euler(self, tok: Token) -> bool:
        self.fit = False
        return self.builder.euler(tok)

    def operand(self, tok: Token) -> str:
        i = self.at.get(id(tok))
        if i is None or tok.text in ops.FUNCTIONS:     # σ as a value: `param σ` decided it
            self.fit = False
        elif i and not tok.spaced and self.toks[i - 1].kind in _ENDS_OPERAND:
            self.checks.append(i)
        return self._step(OPERAND, i, None, (), self.builder.operand, tok)

    def number(self, tok: Token) -> str:
        i = self.at.get(id(tok))
        if i is not None:
            return self._step(NUMBER, i, None, (), self.builder.number, tok)
        return self._step(SUPER, self._super(tok), None, (), self.builder.number, tok)

    def apply(self, op_name: str, args: list[str], tok: Token) -> str:
        if tok.kind == "NAME":      # Σ_n, `log σ(z)`, `log x`: decided on what is bound
            self.fit = False
        return self._step(APPLY2 if len(args) == 2 else APPLY1, self.at.get(id(tok)), op_name,
                          args, self.builder.apply, op_name, list(map(str, args)), tok)

    def juxtaposed(self, args: list[str], tok: Token) -> str:
        return self._step(JUXT, self.at.get(id(tok)), None, args, self.builder.juxtaposed,
                          list(map(str, args)), tok)

    def _super(self, tok: Token) -> int | None:
        """The index of the superscript (x²) a number token was made from, if any."""
        i = next((i for i, t in enumerate(self.toks) if t.kind == "SUPER" and
                  (t.line, t.col) == (tok.line, tok.col)), None)
        return i if i is not None and tok.text == self.toks[i].text.translate(_DIGITS) else None

    def _step(self, what: int, i: int | None, op: str | None, args, call, *call_args) -> str:
        before = self.reading.noted
        ref = _Ref(call(*call_args))
        self.noted += self.reading.noted - before
        slots = [arg.step if type(arg) is _Ref else -1 for arg in args]
        if i is None or -1 in slots or len(slots) > 2:
            self.fit = False
        ref.step = len(self.steps)
        self.steps.append((what, i, op, *slots, *(0,) * (2 - len(slots))))
        return ref

    def trace(self, ref: str, toks: list[Token]) -> Trace | None:
        """The trace to replay, or None when the reading was not made of replayable steps."""
        if not self.fit or type(ref) is not _Ref or self.reading.noted != self.noted:
            return None
        rows = [ops.FUNCTIONS[tok.text] for tok in toks
                if tok.kind == "NAME" and tok.text in ops.FUNCTIONS]
        if _NORM in rows:       # norm(x)_F, norm(x)_1, norm(x)y: read on the next name's text
            return None
        calls = frozenset(names.canonical(tok.text) for tok in toks
                          if tok.kind == "NAME" and tok.text in ops.FUNCTIONS)
        transposes = any(tok.kind == "TRANSPOSE" and tok.text == "^T" for tok in toks)
        return Trace(tuple(self.steps), ref.step, tuple(self.checks), calls, transposes)


class Trace:
    """The builder calls of a statement's reading, by token index and step index."""

    def __init__(self, steps: tuple, last: int, checks: tuple, calls: frozenset,
                 transposes: bool) -> None:
        self.steps = steps
        self.last = last
        self.checks = checks            # `(a)b` read as a product: `(a)_k` would be a subscript
        self.calls = calls              # f( noted when f is also a variable
        self.transposes = transposes    # ^T noted when T is also a name

    def replay(self, builder, toks: list[Token]) -> str | None:
        """The node id of the statement, or None (and no call made) when it reads otherwise."""
        for i in self.checks:
            if toks[i].text[:1] == "_":
                return None
        bound = builder.bound
        for name in self.calls:       # (not isdisjoint, which would run over all of bound)
            if name in bound:
                return None
        if self.transposes and (names_t(builder) or any(
                tok.text == "T" and tok.kind == "NAME" for tok in toks)):
            return None         # ^T noted as a transpose: T a name, or one this statement makes
        refs: list[str] = []
        push = refs.append
        for what, i, op, x, y in self.steps:
            if what == APPLY2:
                push(builder.apply(op, [refs[x], refs[y]], toks[i]))
            elif what == APPLY1:
                push(builder.apply(op, [refs[x]], toks[i]))
            elif what == OPERAND:
                push(builder.operand(toks[i]))
            elif what == JUXT:
                push(builder.juxtaposed([refs[x], refs[y]], toks[i]))
            elif what == NUMBER:
                push(builder.number(toks[i]))
            else:
                tok = toks[i]
                push(builder.number(Token("NUMBER", tok.text.translate(_DIGITS), tok.line,
                                          tok.col)))
        return refs[self.last]
