"""The right-hand side of a statement, read by operator precedence (shunting-yard).

The reader keeps its own stacks, so thousands of nested parentheses or tens of thousands of
terms never touch Python's recursion limit. Nothing the user writes is evaluated as Python.
"""

from __future__ import annotations

from graphdraw import ops
from graphdraw.language import axes, names
from graphdraw.language.builder import Builder, names_t
from graphdraw.language.calls import function_power, keyword, last_axis, value_subscript
from graphdraw.language.juxtaposition import unknown_function
from graphdraw.language.lexer import SUPERSCRIPTS, Token
from graphdraw.language.reading import SAMPLE_SUM
from graphdraw.language.replay import Shapes
from graphdraw.ops import shapes

JUXT = "juxt"   # implicit product: matmul or mul, decided from shapes (see README)
EULER = "%e"    # Euler's number as the base of e^x: the power becomes exp(x)
SUPERSCRIPT_DIGITS = str.maketrans(SUPERSCRIPTS)
BINARY = {"+": "add", "-": "sub", "*": "mul", "/": "div", "@": "matmul", "^": "pow"}
# A binary operator's entry on the operator stack, before its token: (op_key, precedence,
# right-associative, arity); _Frames mark open brackets.
_BINARY = {kind: (key, ops.OPS[key].prec, kind == "^", 2) for kind, key in BINARY.items()}
# A name before one of these is no plain operand: a call f(…), e^x (exp), dim= in a call
_NOT_AN_OPERAND = ("(", "^", "=")
# What may follow an operand and start another one: a product written by juxtaposition.
OPERAND_START = ("NAME", "NUMBER", "(", "√", "NORM")


class _Frame:
    """An open parenthesis on the operator stack."""

    __slots__ = ("tok", "call", "out_len", "argc", "closer", "power", "keyword")

    def __init__(self, tok: Token, call: ops.Op | None, out_len: int, *, closer: str = ")",
                 power: Token | None = None) -> None:
        self.tok = tok
        self.call = call
        self.out_len = out_len
        self.argc = 1
        self.closer = closer           # NORM for ‖x‖ and ||x||
        self.power = power             # σ^2(z): the whole-number power of the call's value
        self.keyword: Token | None = None   # sum(x, dim=0): the keyword of the last argument


def _norm_subscript(toks: list[Token], i: int, error) -> int:
    """After a norm (‖x‖, ||x||, norm(x) as LaTeX's \\lVert reads): ‖W‖_F and ‖x‖_2 name the
    norm graphdraw computes (Euclidean, Frobenius for a matrix), so the subscript is read and
    dropped. Any other (‖x‖_1) is refused, never read as a product with a leaf named _1."""
    tok = toks[i]
    if tok.kind != "NAME" or tok.spaced or not tok.text.startswith("_"):
        return i
    if tok.text in ("_F", "_2", "_fro"):
        return i + 1
    raise error(f"the norm {tok.text[1:]} is not one graphdraw knows", tok,
                hint="‖x‖ (also ‖x‖_2, ‖W‖_F) is the Euclidean norm, Frobenius for a matrix; "
                     "write sum(abs(x)) for the 1-norm, max(abs(x)) for ∞")


def _norm_open(stack: list) -> bool:
    """Whether the innermost open bracket is a norm's ‖ (which a ‖ then closes)."""
    frames = [f for f in stack if isinstance(f, _Frame)]
    return bool(frames) and frames[-1].closer == "NORM"


class ExpressionReader:
    """Reads right-hand sides into nodes of the builder, one statement at a time."""

    def __init__(self, builder: Builder, *, replay: bool = False) -> None:
        self.builder = builder
        self.shapes = Shapes() if replay else None     # statements of one shape: replay.py
        self.error = builder.error
        self.out: list[tuple[str, Token]] = []   # operands read: (node id, where it starts)
        self.stack: list = []      # entries: _Frame, or (op_key, prec, right_assoc, arity, tok)
        self.last_op: Token | None = None
        self.last_closed: _Frame | None = None      # the bracket _close closed last

    def read(self, toks: list[Token]) -> str:
        """The id of the node of an expression (its tokens end with NL)."""
        reading = self.builder.reading
        if self.shapes is None or reading.sample_index is not None or reading.entries:
            return self._read(toks)         # (Σ_n reads a name by what the model has)
        return self.shapes.read(self, toks)

    def _read(self, toks: list[Token]) -> str:
        """read() without replay."""
        out, stack = [], []
        self.out, self.stack, self.last_op = out, stack, None
        expect = True             # expecting an operand
        builder = self.builder
        reading = builder.reading
        sums = reading.sample_index is not None or bool(reading.entries)   # else no Σ in it
        i = 0
        # The common tokens of large models (a name used as a value, a binary operator) are
        # read here; the methods below read the others.
        while i < len(toks):
            tok = toks[i]
            kind = tok.kind
            if not expect:
                if kind == "NL":
                    break
                binary = _BINARY.get(kind)
                if binary is not None:
                    if stack and type(stack[-1]) is tuple:     # else nothing to apply yet
                        self._pop_while(binary[1], binary[2])
                    stack.append(binary + (tok,))
                    self.last_op = tok
                    i, expect = i + 1, True
                elif kind == "NAME" and tok.spaced:     # `w h`: juxtaposed, see _after_operand
                    if stack and type(stack[-1]) is tuple:
                        self._pop_while(ops.MUL, False)
                    stack.append((JUXT, ops.MUL, False, 2, tok))
                    expect = True       # the same token again, as an operand
                elif kind == ")":
                    expect = self._close(tok)
                    norm = self.last_closed.call is ops.OPS["norm"]      # ‖x‖_2 as norm(x)_2
                    i = _norm_subscript(toks, i + 1, self.error) if norm else i + 1
                else:
                    i, expect = self._after_operand(toks, i)
            elif kind != "NAME" or (sums and SAMPLE_SUM.fullmatch(tok.text)):
                i, expect = self._operand(toks, i)
            elif toks[i + 1].kind in _NOT_AN_OPERAND or tok.text in ops.FUNCTIONS:
                i, expect = self._name(toks, i)
            else:                   # a name used as a value (see _name)
                out.append((builder.operand(tok), tok))
                i, expect = i + 1, False
        if stack and type(stack[-1]) is tuple:
            self._pop_while(0, False)
        if stack:
            raise self.error(f"this '{stack[-1].tok.text}' is never closed", stack[-1].tok)
        return out[-1][0]

    # -- expecting an operand ----------------------------------------------------------------
    def _operand(self, toks: list[Token], i: int) -> tuple[int, bool]:
        """Read at toks[i] where an operand is due (not a name); returns (next index, still
        expecting an operand)."""
        tok = toks[i]
        kind = tok.kind
        if kind == "NAME":                      # names are read by _name; this one is Σ_n
            self.last_op = tok
            return _sample_sum(self, toks, i), True
        if kind == "NUMBER":
            self.out.append((self.builder.number(tok), tok))
            return i + 1, False
        if kind == "(":
            self.stack.append(_Frame(tok, None, len(self.out)))
        elif kind == "NORM":                   # ‖x‖, ||x||: the Euclidean norm
            self.stack.append(_Frame(tok, ops.OPS["norm"], len(self.out), closer="NORM"))
        elif kind == "√":
            if toks[i + 1].kind != "(":
                raise self.error("write √ with parentheses: √(x)", tok)
            self.stack.append(_Frame(toks[i + 1], ops.OPS["sqrt"], len(self.out)))
            return i + 2, True
        elif kind == "-":
            self.stack.append(("neg", ops.NEG, True, 1, tok))
            self.last_op = tok
        elif kind != "+":
            raise _missing_operand(self, tok)
        return i + 1, True

    def _name(self, toks: list[Token], i: int) -> tuple[int, bool]:
        """A name: a call `f(` (a function, or a word that looks like one), else an operand.

        read() reads a name that is no function and comes before none of _NOT_AN_OPERAND as
        an operand itself: a new reading of such a name needs its next token listed there."""
        tok, nxt = toks[i], toks[i + 1]
        builder = self.builder
        row = ops.FUNCTIONS.get(tok.text)
        if nxt.kind == "(" and row is not None:         # f(…): the common case
            if names.canonical(tok.text) in builder.bound:
                builder.reading.note(f"call:{tok.text}", f"read '{tok.text}(' as the function "
                                     f"{row.name} although {tok.text} is also a variable; "
                                     f"write {tok.text} * (…) for a product", tok)
            self.stack.append(_Frame(nxt, row, len(self.out)))
            return i + 2, True
        if tok.text == "e" and nxt.kind == "^" and builder.euler(tok):
            self.out.append((EULER, tok))       # e^x: exp(x), made when the power is
            return i + 1, False
        if nxt.kind == "=" and self.stack and isinstance(self.stack[-1], _Frame):
            return keyword(self, toks, i), True           # sum(x, dim=0)
        if row is not None and nxt.kind in ("^", "SUPER") and not builder.knows(tok):
            power = function_power(builder.reading, toks, i)      # σ^2(z): (σ(z))²
            if power is not None:
                exponent, at = power
                self.stack.append(_Frame(toks[at], row, len(self.out), power=exponent))
                return at + 1, True
        if nxt.kind == "(" and not nxt.spaced and not builder.knows(tok):
            unknown_function(builder.reading, tok)    # never a silent product (juxtaposition.py)
        if row is not None and names.canonical(tok.text) not in builder.bound \
                and names.canonical(tok.text) not in builder.declarations.declared:
            return _uncalled(self, toks, i, row)      # `param σ` makes σ a variable
        self.out.append((builder.operand(tok), tok))
        return i + 1, False

    # -- after an operand --------------------------------------------------------------------
    def _after_operand(self, toks: list[Token], i: int) -> tuple[int, bool]:
        """Read at toks[i] after an operand; returns (next index, expecting an operand)."""
        tok = toks[i]
        kind = tok.kind
        out = self.out
        if kind == "TRANSPOSE":
            if tok.text == "^T" and names_t(self.builder):
                self.builder.reading.note("T", "read '^T' as a transpose although T is also a "
                                          "name in the model; write ^(T) for a power", tok)
            ref, at = out.pop()
            out.append((self.builder.apply("transpose", [ref], tok), at))
        elif kind == "SUPER":
            ref, at = out.pop()
            digits = tok.text.translate(SUPERSCRIPT_DIGITS)
            exponent = self.builder.number(Token("NUMBER", digits, tok.line, tok.col))
            out.append((self.builder.apply("pow", [ref, exponent], tok), at))
        elif kind == ")" or kind == "," or (kind == "NORM" and _norm_open(self.stack)):
            expect = self._close(tok)
            closed = self.last_closed
            norm = tok.kind != "," and closed is not None and closed.call is ops.OPS["norm"]
            return (_norm_subscript(toks, i + 1, self.error) if norm else i + 1), expect
        elif kind == "NAME" and tok.text.startswith("_") and not tok.spaced:
            closed = self.last_closed
            start = closed.tok if toks[i - 1].kind == ")" and closed else out[-1][1]
            value_subscript(self.builder.reading, toks, i, start)      # softmax(z)_k
        elif kind in OPERAND_START:
            _note_division(self, toks, i)
            self._pop_while(ops.MUL, False)
            self.stack.append((JUXT, ops.MUL, False, 2, tok))
            return i, True       # read the same token again as an operand
        else:
            raise _unexpected(self, tok)
        return i + 1, False

    def _close(self, tok: Token) -> bool:
        """A ')' or ',' after an operand; returns whether an operand is expected next."""
        if self.stack and type(self.stack[-1]) is tuple:
            self._pop_while(0, False)
        if not self.stack:
            raise _unmatched(self, tok)
        frame = self.stack[-1]
        if frame.closer == "NORM" and tok.kind != "NORM":
            raise self.error(f"this '{frame.tok.text}' is never closed", frame.tok,
                             hint=f"a norm is written {frame.tok.text}x{frame.tok.text}")
        if tok.kind == ",":
            if frame.call is None:
                raise self.error("',' outside a function's argument list", tok)
            frame.argc += 1
            self.last_op = tok
            return True
        self.stack.pop()
        self.last_closed = frame
        call = frame.call
        if call is not None:
            call = ops.call(call, frame.argc)       # max(z) is a reduction, max(a, b) is not
            given, out = self.out[len(self.out) - frame.argc:], self.out
            if frame.argc == 2 and call.shape is shapes.last_axis:     # softmax(z, dim=-1)
                given = last_axis(self.builder, call, given, frame.keyword)
                frame.argc, call = 1, ops.call(call, 1)
            node = axes.along(self.builder, frame.call, given, frame.tok) \
                if frame.argc > 1 else None                                   # sum(z, 1)
            if node is None and frame.argc != call.arity:
                raise self.error(f"{call.name}() takes {call.arity} argument"
                                 f"{'s' * (call.arity > 1)}, not {frame.argc}", frame.tok,
                                 hint="for one bound write max(x, lo) or min(x, hi)"
                                 if call.name == "clamp" else None)
            del out[len(out) - frame.argc:]
            node = node or self.builder.apply(call.name, [r for r, _ in given], frame.tok)
            if frame.power is not None:             # σ^2(z): the power of the call's value
                exponent = self.builder.number(frame.power)
                node = self.builder.apply("pow", [node, exponent], frame.power)
            out.append((node, frame.tok))
        return False

    def _pop_while(self, prec: int, right: bool) -> None:
        """Apply the operators on the stack that bind at least as tightly as `prec`."""
        stack, out, builder = self.stack, self.out, self.builder
        while stack and type(stack[-1]) is tuple:       # not a _Frame
            op_key, top_prec, _, arity, tok = stack[-1]
            if top_prec < prec or (top_prec == prec and right):
                return
            stack.pop()
            if arity == 2:
                right_ref, _ = out.pop()
                left_ref, at = out.pop()
                args = [left_ref, right_ref]
            else:
                ref, at = out.pop()
                args = [ref]
            if op_key == "pow" and args[0] == EULER:
                op_key, args = "exp", args[1:]
            elif op_key == JUXT:
                out.append((builder.juxtaposed(args, tok), at))
                continue
            out.append((builder.apply(op_key, args, tok), at))


def _missing_operand(reader: ExpressionReader, tok: Token) -> Exception:
    """The error for a token where an operand should be."""
    if tok.kind == "NL":
        last_op = reader.last_op
        after = f" after '{last_op.text}'" if last_op else ""
        return reader.error(f"the expression ends{after}; an operand is missing",
                            last_op or tok)
    stack = reader.stack
    if tok.kind == ")" and stack and isinstance(stack[-1], _Frame) \
            and stack[-1].out_len == len(reader.out):
        frame = stack[-1]
        what = f"{frame.call.name}() needs an argument" if frame.call \
            else "empty parentheses"
        return reader.error(what, tok)
    return reader.error(f"expected a name, a number or '(' before '{tok.text}'", tok)


def _unexpected(reader: ExpressionReader, tok: Token) -> Exception:
    """The error for a token that cannot follow an operand."""
    if tok.kind == "=":
        frames = [f for f in reader.stack if isinstance(f, _Frame)]
        if frames and frames[-1].tok.line < tok.line:
            # An open '(' ran on into the next statement: that '(' is the mistake.
            return reader.error("this '(' is never closed", frames[-1].tok)
        return reader.error("only one '=' per statement", tok,
                            hint="write 'x = y' and 'y = z' on separate lines; '==' is "
                                 "not an equation")
    hint = ("the language takes no entries of a value (x[1], softmax(z)[k]): write the "
            "whole vector, or Σ_k y_k log p_k for a sum over entries") if tok.kind == "[" \
        else None
    return reader.error(f"unexpected '{tok.text}' after an operand", tok, hint=hint)


def _note_division(reader: ExpressionReader, toks: list[Token], i: int) -> None:
    """`a/2b`: a product written right after a quotient, with no space, reads (a/2)·b."""
    top = reader.stack[-1] if reader.stack else None
    tok, den = toks[i], toks[i - 1]
    if tok.spaced or tok.kind not in ("NAME", "NUMBER") or i < 3 or \
            toks[i - 2].kind != "/" or not isinstance(top, tuple) or top[0] != "div":
        return
    num = toks[i - 3].text if toks[i - 3].kind in ("NAME", "NUMBER") else "…"
    reader.builder.reading.note(
        "division", f"read '{num}/{den.text}{tok.text}' as ({num}/{den.text})·{tok.text}, "
        f"left to right; write {num}/({den.text} {tok.text}) to divide by the product", tok)


def _unmatched(reader: ExpressionReader, tok: Token) -> Exception:
    """A ')' or ',' outside any bracket: a ',' often separates two equations."""
    hint = "write two equations on separate lines or separate them with ';'" \
        if tok.kind == "," else None
    return reader.error(f"'{tok.text}' without a matching '('", tok, hint=hint)


def _entry_sum(reader: ExpressionReader, toks: list[Token], i: int) -> int:
    """`Σ_k TERM`: the sum over the entries k of a vector (the classes), i.e. the sum of
    TERM along its last axis; it binds as Σ_n does. Its bound (Σ_k^K) is only a label."""
    tok = toks[i]
    i += 1
    if toks[i].kind == "^" and toks[i + 1].kind in ("NAME", "NUMBER"):
        i += 2
    if toks[i].kind in ("NL", ")", ",", "+", "*", "/", "@", "^", "="):
        raise reader.error(f"{tok.text} sums the term after it: write {tok.text} (...)", tok)
    row = ops.along("sum", -1)
    reader.stack.append((row.name, ops.SUM, True, 1, tok))
    return i


def _uncalled(reader: ExpressionReader, toks: list[Token], i: int,
              row: ops.Op) -> tuple[int, bool]:
    r"""A function's name not followed by `(`: an error, except a function written before one
    name (`log ŷ_k`, LaTeX's `\log \hat{y}_k`), which is the function of that name, and before
    a call (`\log \sigma(z)`), which is the function of the call. Anything longer
    (`\log x^2`, `\log 2x`) is refused."""
    tok = toks[i]
    latex = reader.builder.reading.latex
    arg, after = toks[i + 1], toks[i + 2] if i + 2 < len(toks) else toks[i + 1]
    call = ops.call(row, 1)
    inner = ops.FUNCTIONS.get(arg.text) if arg.kind == "NAME" else None
    if call.arity == 1 and inner is not None and after.kind == "(" \
            and names.canonical(arg.text) not in reader.builder.bound:
        # \log \sigma(z): log of the call, applied as soon as the call is read.
        reader.stack.append((call.name, ops.OPS["pow"].prec + 1, True, 1, tok))
        reader.last_op = tok
        return i + 1, True
    if arg.kind in ("^", "SUPER"):              # \tanh^2 z: the argument needs parentheses
        power = "^" + toks[i + 2].text if arg.kind == "^" else arg.text
        f = "\\" * latex + tok.text
        raise reader.error(f"write the argument of {f}{power} in parentheses: {f}{power}(x), "
                           f"which is {f}(x){power}", tok)
    if arg.kind != "NAME" or SAMPLE_SUM.fullmatch(arg.text) or call.arity != 1 or \
            after.kind in ("^", "SUPER", "TRANSPOSE", *OPERAND_START) or inner is not None:
        if not latex:
            raise reader.error(f"'{tok.text}' is a function: write {tok.text}(...)", tok,
                               hint=f"without parentheses only one name is read: "
                                    f"{tok.text} x")
        raise reader.error(f"write the argument of \\{tok.text} in parentheses: "
                           f"\\{tok.text}(x) or \\{tok.text}{{x}}", tok,
                           hint=f"without them only one name is read: \\{tok.text} x")
    if not latex:
        reader.builder.reading.note(f"uncalled:{tok.text}", f"read '{tok.text} {arg.text}' as "
                                    f"{tok.text}({arg.text}) (a function before one name)", tok)
    node = reader.builder.apply(call.name, [reader.builder.operand(arg)], tok)
    reader.out.append((node, tok))
    return i + 2, False


def _sample_sum(reader: ExpressionReader, toks: list[Token], i: int) -> int:
    """`Σ_n` or `Σ_n^N` before a term: push the sum over samples as a prefix operator.

    It binds looser than products and tighter than + and −, as in mathematics:
    `Σ_n (ŷ_n − y_n)²` sums the squares and `Σ_n a_n + b` is (Σ_n a_n) + b.
    """
    tok, index = toks[i], SAMPLE_SUM.fullmatch(toks[i].text).group(1)
    if index in reader.builder.reading.entries:
        return _entry_sum(reader, toks, i)
    plates = reader.builder.reading.program.plates
    upper, i = plates.get(index, index.upper()), i + 1      # 1/m Σ_i: m (reading.py)
    if toks[i].kind == "^" and toks[i + 1].kind in ("NAME", "NUMBER"):
        upper, i = toks[i + 1].text, i + 2
    elif toks[i].kind == "TRANSPOSE" and toks[i].text == "^T":
        upper, i = "T", i + 1             # Σ_t^T: T samples, not a transpose
    if upper.isdigit():
        reader.builder.reading.size(toks[i - 1], f"the number of samples of {tok.text}")
    elif not upper.isidentifier():
        raise reader.error(f"the number of samples of {tok.text} is a name or a positive "
                         "whole number", tok)
    known = plates.get(index)
    if known is not None and known != upper:
        raise reader.error(f"{tok.text}^{upper} and {tok.text}^{known} disagree on the number "
                         "of samples", tok)
    plates[index] = upper
    if toks[i].kind in ("NL", ")", ",", "+", "*", "/", "@", "^", "="):
        raise reader.error(f"{tok.text} sums the term after it: write {tok.text} (...)", tok)
    row = ops.sample_sum(index)
    reader.stack.append((row.name, row.prec, True, 1, tok))
    return i
