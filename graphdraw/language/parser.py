"""Parse model text into a Program: declarations, then statements turned into single-op nodes.

Expressions are read with an operator-precedence (shunting-yard) parser that keeps its own
stacks, so thousands of nested parentheses or tens of thousands of terms never touch Python's
recursion limit. Nothing the user writes is ever evaluated as Python.
"""

from __future__ import annotations

import difflib
import math
import re
import warnings
from dataclasses import dataclass

from graphdraw import ops
from graphdraw.language import names
from graphdraw.ops import shapes
from graphdraw.errors import LimitError, Source, SourceError
from graphdraw.lazy import gc_paused, scalar_op
from graphdraw.language.lexer import SUPERSCRIPTS, Token, tokenize
from graphdraw.language.program import ROLES, Node, Program

MAX_TOKENS = 2_000_000
JUXT = "juxt"   # implicit product: matmul or mul, decided from shapes (see README)
SUPERSCRIPT_DIGITS = str.maketrans(SUPERSCRIPTS)
BINARY = {"+": "add", "-": "sub", "*": "mul", "/": "div", "@": "matmul", "^": "pow"}
# `Σ_n TERM` / `sum_n TERM`: the sum over the samples n of a plate (see README, "Sums over
# samples"); one letter after the underscore.
SAMPLE_SUM = re.compile(r"(?:sum|Σ)_([A-Za-z])")
MAX_LIST_DEPTH = 32


@dataclass
class _Info:
    """What the parser knows of a value while reading: enough to decide juxtaposition."""

    shape: shapes.Shape | None
    matrix: bool        # looks like a matrix (declared 2-D, transposed, or a capital name)
    scalar: bool        # known to be a scalar


@dataclass
class _Frame:
    """An open parenthesis on the operator stack."""

    tok: Token
    call: ops.Op | None
    out_len: int
    argc: int = 1


class Parser:
    """Reads one model; use `parse(text)`."""

    def __init__(self, source: Source, *, allow_ids: bool = False, latex: bool = False) -> None:
        self.source = source
        self.latex = latex          # read from LaTeX (latex.py): a few sheet habits are allowed
        self.program = Program(source)
        self.allow_ids = allow_ids
        self.bound: dict[str, str] = {}           # user name -> id of its newest version
        self.versions: dict[str, int] = {}
        self.leaf_use: dict[str, Token] = {}      # leaf name -> first use
        self.assigned_at: dict[str, Token] = {}
        self.declared: dict[str, tuple[str, shapes.Shape | None, Token]] = {}
        self.info: dict[str, _Info] = {}
        self.counter = 0
        self.output_decl: Token | None = None
        self.scripts: dict[str, tuple[str, Token]] = {}
        self.defaults: dict[str, object] = {}
        self.sample_index: str | None = None      # the index of Σ_n, when the model has one

    # -- errors ------------------------------------------------------------------------------
    def error(self, msg: str, tok: Token, hint: str | None = None) -> SourceError:
        return SourceError(msg, source=self.source, line=tok.line, col=tok.col, hint=hint)

    # -- statements --------------------------------------------------------------------------
    def parse(self) -> Program:
        tokens = tokenize(self.source)
        if len(tokens) > MAX_TOKENS:
            raise LimitError(f"the model has {len(tokens):,} tokens; graphdraw reads at most "
                             f"{MAX_TOKENS:,}")
        self._find_sample_index(tokens)
        statements = list(self._split(tokens))
        decls = [s for s in statements if self._is_declaration(s)]
        for stmt in sorted(decls, key=lambda s: s[0].text != "dim"):
            self._declaration(stmt)
        for stmt in statements:
            if not self._is_declaration(stmt):
                self._assignment(stmt)
        if not any(n.op is not None or n.name for n in self.program.nodes.values()
                   if not n.is_leaf):
            raise SourceError("the model has no equations",
                              source=self.source, hint="write at least one line such as "
                              "'L = 1/2 (y_hat - y)^2'")
        self._finish()
        return self.program

    def _find_sample_index(self, tokens: list[Token]) -> None:
        """The index n of the sums over samples (Σ_n), read before any statement.

        Leaves whose subscripts hold it (x_n, y_n) are then values per sample.
        """
        first: Token | None = None
        for tok in tokens:
            match = SAMPLE_SUM.fullmatch(tok.text) if tok.kind == "NAME" else None
            if match is None:
                continue
            if first is not None and match.group(1) != self.sample_index:
                raise self.error(f"'{tok.text}' sums over '{match.group(1)}', but "
                                 f"'{first.text}' (line {first.line}) over "
                                 f"'{self.sample_index}': a model has one index of samples",
                                 tok)
            first, self.sample_index = first or tok, match.group(1)

    def _split(self, tokens: list[Token]):
        """Statements: runs of tokens ended by a newline (outside parentheses) or ';'."""
        current: list[Token] = []
        depth = 0
        for tok in tokens:
            if tok.kind in "([":
                depth += 1
            elif tok.kind in ")]":
                depth = max(depth - 1, 0)
            if tok.kind == ";" or tok.kind == "END" or (tok.kind == "NL" and depth == 0):
                if current:
                    yield current + [Token("NL", "", tok.line, tok.col)]
                current, depth = [], 0 if tok.kind != "NL" or depth == 0 else depth
                continue
            if tok.kind != "NL":
                current.append(tok)

    @staticmethod
    def _is_declaration(stmt: list[Token]) -> bool:
        head = stmt[0]
        return (head.kind == "NAME" and head.text in (*ROLES, "dim", "output")
                and stmt[1].kind != "=")

    def _declaration(self, stmt: list[Token]) -> None:
        role = stmt[0].text
        if role == "dim":
            if len(stmt) != 5 or stmt[2].kind != "=" or stmt[3].kind != "NUMBER" \
                    or not stmt[3].text.isdigit():
                raise self.error("a size is declared as 'dim H = 4'", stmt[0])
            self.program.dims[stmt[1].text] = int(stmt[3].text)
            return
        if role == "output":
            if len(stmt) != 3:
                raise self.error("name one output: 'output L'", stmt[0])
            self.output_decl = stmt[1]
            return
        i = 1
        while True:
            tok = stmt[i]
            if tok.kind != "NAME":
                raise self.error(f"expected a name to declare as {role}", tok)
            name = self._name(tok)
            i += 1
            shape: shapes.Shape | None = ()
            explicit = stmt[i].kind == "["
            if explicit:
                shape, i = self._shape(stmt, i + 1)
            if name in self.declared:
                raise self.error(f"'{tok.text}' is declared twice (first on line "
                                 f"{self.declared[name][2].line})", tok)
            if stmt[i].kind == "=":
                at = stmt[i + 1]
                self.defaults[name], i = self._default(stmt, i + 1)
                shape = self._default_shape(name, role, tok, at, shape, explicit)
            self.declared[name] = (role, shape, tok)
            if stmt[i].kind == "NL":
                return
            if stmt[i].kind != ",":
                raise self.error("separate declared names with ','", stmt[i],
                                 hint=f"for example: '{role} W[2, 2], b'")
            i += 1

    def _default(self, stmt: list[Token], i: int) -> tuple[object, int]:
        """A declared leaf's value: `param a = -4.0`, `const k = 1/2`, `input x = [1, 0]`.

        Lists nest (`[[0, 0], [0, 1]]`) and are read with an explicit stack.
        """
        if stmt[i].kind != "[":
            return self._default_number(stmt, i)
        outer: list = []
        stack: list[list] = [outer]
        i += 1
        while True:
            tok = stmt[i]
            if tok.kind == "[":
                if len(stack) >= MAX_LIST_DEPTH:
                    raise self.error(f"a declared value nests at most {MAX_LIST_DEPTH} lists",
                                     tok)
                inner: list = []
                stack[-1].append(inner)
                stack.append(inner)
                i += 1
                continue
            if tok.kind == "]" and not stack[-1]:
                raise self.error("an empty list is not a value", tok)
            if tok.kind != "]":
                value, i = self._default_number(stmt, i)
                stack[-1].append(value)
                tok = stmt[i]
            if tok.kind == ",":
                i += 1
                continue
            if tok.kind != "]":
                raise self.error("expected ',' or ']' in the declared list", tok)
            stack.pop()
            i += 1
            if not stack:
                return outer, i
            if stmt[i].kind == ",":
                i += 1
            elif stmt[i].kind != "]":
                raise self.error("expected ',' or ']' in the declared list", stmt[i])

    def _default_shape(self, name: str, role: str, tok: Token, at: Token,
                       shape: shapes.Shape, explicit: bool) -> shapes.Shape:
        """The shape a declared value gives (per sample for x_n); it must fit the declared one."""
        value = self.defaults[name]
        found: list[int] = []
        item = value
        while isinstance(item, list):
            found.append(len(item))
            item = item[0]
        # Rectangular? Every list at one depth has the same length, and numbers only at the end.
        level = [value]
        for size in found:
            if any(not isinstance(x, list) or len(x) != size for x in level):
                raise self.error("the declared value's lists are not rectangular", at)
            level = [y for x in level for y in x]
        if any(isinstance(x, list) for x in level):
            raise self.error("the declared value's lists are not rectangular", at)
        per_sample = self._per_sample(name, role)
        if per_sample:
            if not found:
                raise self.error(f"'{tok.text}' holds one value per sample {self.sample_index}: "
                                 "declare a list, one entry per sample", at)
            found = found[1:]
        if explicit and tuple(found) != shape:
            raise self.error(f"'{tok.text}' is declared {shapes.fmt(shape)} but its value is "
                             f"{shapes.fmt(tuple(found))}"
                             + (" per sample" if per_sample else ""), at)
        return tuple(found)

    def _per_sample(self, name: str, role: str | None) -> bool:
        """Whether a leaf holds one value per sample: a subscript is the index of Σ_n.

        Declared parameters never do (W_n stays one parameter when declared `param`).
        """
        return (self.sample_index is not None and role != "param"
                and self.sample_index in name.split("_")[1:])

    def _default_number(self, stmt: list[Token], i: int) -> tuple[float, int]:
        sign = 1.0
        if stmt[i].kind in ("-", "+"):
            sign, i = (-1.0 if stmt[i].kind == "-" else 1.0), i + 1
        tok = stmt[i]
        if tok.kind != "NUMBER":
            raise self.error("a declared value is a number: 'param a = -4.0'", tok)
        num, _, den = tok.text.partition("/")
        if not den and stmt[i + 1].kind == "/" and stmt[i + 2].kind == "NUMBER" \
                and "/" not in stmt[i + 2].text:
            den, i = stmt[i + 2].text, i + 2
        value = sign * float(num) / float(den or 1) if float(den or 1) else math.inf
        if not math.isfinite(value):
            raise self.error("a declared value is a finite number", tok)
        return value, i + 1

    def _shape(self, stmt: list[Token], i: int) -> tuple[shapes.Shape, int]:
        dims: list[int] = []
        while True:
            tok = stmt[i]
            if tok.kind == "NUMBER" and tok.text.isdigit():
                dims.append(int(tok.text))
            elif tok.kind == "NAME" and tok.text in self.program.dims:
                dims.append(self.program.dims[tok.text])
            elif tok.kind == "NAME":
                raise self.error(f"unknown size '{tok.text}'", tok,
                                 hint=f"declare it first: 'dim {tok.text} = 4'")
            else:
                raise self.error("a shape lists whole numbers or sizes: [2, H]", tok)
            i += 1
            if stmt[i].kind == "]":
                return tuple(dims), i + 1
            if stmt[i].kind != ",":
                raise self.error("expected ',' or ']' in the shape", stmt[i])
            i += 1

    def _name(self, tok: Token) -> str:
        name = names.canonical(tok.text)
        if name.startswith("__"):
            raise self.error(f"'{tok.text}': names may not start with '__'", tok)
        self.scripts.setdefault(name, (names.script_of(tok.text), tok))
        return name

    def _assignment(self, stmt: list[Token]) -> None:
        head = stmt[0]
        if self.latex and head.kind == "NAME" and stmt[1].kind == "(":
            stmt = self._drop_arguments(stmt)
        if head.kind != "NAME" or len(stmt) < 2 or stmt[1].kind != "=":
            if head.kind == "NAME" and len(stmt) > 1 and stmt[1].kind == "(":
                raise self.error("write a statement as 'NAME = expression'", head,
                                 hint="definitions such as 'f(x) = ...' are not supported")
            raise self.error("a statement is 'NAME = expression'", head if head.kind != "NAME"
                             else stmt[1])
        target = self._name(head)
        if len(stmt) == 3:
            raise self.error("missing expression after '='", stmt[2])
        ref = self._expression(stmt[2:])
        self._bind(target, head, ref)

    @staticmethod
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

    def _bind(self, target: str, tok: Token, ref: str) -> None:
        if SAMPLE_SUM.fullmatch(tok.text):
            raise self.error(f"'{tok.text}' is the sum over samples and cannot be assigned", tok,
                             hint="choose another name")
        if target in self.leaf_use:
            use = self.leaf_use[target]
            raise self.error(f"'{tok.text}' is assigned on line {tok.line} but already used as "
                             f"a leaf (a value given from outside) on line {use.line}", tok,
                             hint="assign a name before its first use, or use another name")
        if target in self.declared:
            role, _, decl = self.declared[target]
            raise self.error(f"'{tok.text}' is declared as {role} on line {decl.line}, so it "
                             "cannot be assigned", tok)
        version = self.versions.get(target, -1) + 1
        new_id = target + "'" * version
        node = self.program.nodes.get(ref)
        fresh = node is not None and node.name is None and ref.startswith("%") \
            and ref == next(reversed(self.program.nodes))
        if not fresh:
            # `b = a` or a constant used before: keep a named copy of it.
            node = self._add(Node(new_id, op=None if ref.startswith("%") and
                                  self.program.nodes[ref].is_const else "id",
                                  line=tok.line, col=tok.col), ref_info=self.info[ref])
            src = self.program.nodes[ref]
            node.plate = src.plate
            if node.op is None:
                node.value, node.text, node.shape = src.value, src.text, src.shape
            else:
                node.args, node.shape = (ref,), src.shape
        else:
            del self.program.nodes[ref]
            node.id = new_id
            self.program.nodes[new_id] = node
            self.info[new_id] = self.info.pop(ref)
        node.name, node.version = target, version
        self.versions[target] = version
        self.bound[target] = new_id
        self.assigned_at[target] = tok

    # -- expressions -------------------------------------------------------------------------
    def _expression(self, toks: list[Token]) -> str:
        """Shunting-yard over the tokens of one right-hand side; returns the result's id."""
        out: list[tuple[str, Token]] = []
        stack: list = []          # entries: _Frame, or (op_key, tok, prec, right_assoc, arity)
        expect = True             # expecting an operand
        i = 0
        last_op: Token | None = None
        while i < len(toks):
            tok = toks[i]
            kind = tok.kind
            if expect:
                if kind == "NAME" and SAMPLE_SUM.fullmatch(tok.text):
                    i = self._sample_sum(toks, i, stack)
                    last_op = tok
                    continue
                if kind == "NAME":
                    nxt = toks[i + 1]
                    row = ops.FUNCTIONS.get(tok.text)
                    if nxt.kind == "(" and (row is not None or
                                            (not nxt.spaced and self._looks_like_call(tok))):
                        if row is None:
                            self._unknown_function(tok)
                        stack.append(_Frame(nxt, row, len(out)))
                        i += 2
                        continue
                    if row is not None and names.canonical(tok.text) not in self.bound:
                        raise self.error(f"'{tok.text}' is a function: write {tok.text}(...)",
                                         tok)
                    out.append((self._operand(tok), tok))
                    expect = False
                elif kind == "NUMBER":
                    out.append((self._number(tok), tok))
                    expect = False
                elif kind == "(":
                    stack.append(_Frame(tok, None, len(out)))
                elif kind == "√":
                    if toks[i + 1].kind != "(":
                        raise self.error("write √ with parentheses: √(x)", tok)
                    stack.append(_Frame(toks[i + 1], ops.OPS["sqrt"], len(out)))
                    i += 2
                    continue
                elif kind == "-":
                    stack.append(("neg", tok, ops.NEG, True, 1))
                    last_op = tok
                elif kind == "+":
                    pass
                elif kind == "NL":
                    after = f" after '{last_op.text}'" if last_op else ""
                    raise self.error(f"the expression ends{after}; an operand is missing",
                                     last_op or tok)
                elif kind == ")" and stack and isinstance(stack[-1], _Frame) \
                        and stack[-1].out_len == len(out):
                    frame = stack[-1]
                    what = f"{frame.call.name}() needs an argument" if frame.call \
                        else "empty parentheses"
                    raise self.error(what, tok)
                else:
                    raise self.error(f"expected a name, a number or '(' before '{tok.text}'",
                                     tok)
                i += 1
                continue
            # An operand was just read.
            if kind in BINARY:
                prec = ops.OPS[BINARY[kind]].prec
                right = kind == "^"
                self._pop_while(stack, out, prec, right)
                stack.append((BINARY[kind], tok, prec, right, 2))
                expect, last_op = True, tok
            elif kind == "TRANSPOSE":
                ref, at = out.pop()
                out.append((self._apply("transpose", [ref], tok), at))
            elif kind == "SUPER":
                ref, at = out.pop()
                digits = tok.text.translate(SUPERSCRIPT_DIGITS)
                exponent = self._number(Token("NUMBER", digits, tok.line, tok.col))
                out.append((self._apply("pow", [ref, exponent], tok), at))
            elif kind in (")", ","):
                self._pop_while(stack, out, 0, False)
                if not stack:
                    raise self.error(f"'{tok.text}' without a matching '('", tok)
                frame = stack[-1]
                if kind == ",":
                    if frame.call is None:
                        raise self.error("',' outside a function's argument list", tok)
                    frame.argc += 1
                    expect, last_op = True, tok
                else:
                    stack.pop()
                    if frame.call is not None:
                        if frame.argc != frame.call.arity:
                            raise self.error(f"{frame.call.name}() takes {frame.call.arity} "
                                             f"argument{'s' * (frame.call.arity > 1)}, "
                                             f"not {frame.argc}", frame.tok)
                        args = [r for r, _ in out[len(out) - frame.argc:]]
                        del out[len(out) - frame.argc:]
                        out.append((self._apply(frame.call.name, args, frame.tok), frame.tok))
            elif kind in ("NAME", "NUMBER", "(", "√"):
                self._pop_while(stack, out, ops.MUL, False)
                stack.append((JUXT, tok, ops.MUL, False, 2))
                expect = True
                continue       # read the same token again as an operand
            elif kind == "NL":
                break
            elif kind == "=":
                frames = [f for f in stack if isinstance(f, _Frame)]
                if frames and frames[-1].tok.line < tok.line:
                    # An open '(' ran on into the next statement: that '(' is the mistake.
                    raise self.error("this '(' is never closed", frames[-1].tok)
                raise self.error("only one '=' per statement", tok,
                                 hint="write 'x = y' and 'y = z' on separate lines; '==' is "
                                      "not an equation")
            else:
                raise self.error(f"unexpected '{tok.text}' after an operand", tok)
            i += 1
        self._pop_while(stack, out, 0, False)
        if stack:
            frame = stack[-1]
            raise self.error("this '(' is never closed", frame.tok)
        return out[-1][0]

    def _sample_sum(self, toks: list[Token], i: int, stack: list) -> int:
        """`Σ_n` or `Σ_n^N` before a term: push the sum over samples as a prefix operator.

        It binds looser than products and tighter than + and −, as in mathematics:
        `Σ_n (ŷ_n − y_n)²` sums the squares and `Σ_n a_n + b` is (Σ_n a_n) + b.
        """
        tok = toks[i]
        index = SAMPLE_SUM.fullmatch(tok.text).group(1)
        upper, i = index.upper(), i + 1
        if toks[i].kind == "^" and toks[i + 1].kind in ("NAME", "NUMBER"):
            upper, i = toks[i + 1].text, i + 2
        elif toks[i].kind == "TRANSPOSE" and toks[i].text == "^T":
            upper, i = "T", i + 1             # Σ_t^T: T samples, not a transpose
        if upper.isdigit() and int(upper) < 1 or not (upper.isdigit() or upper.isidentifier()):
            raise self.error(f"the number of samples of {tok.text} is a name or a positive "
                             "whole number", tok)
        known = self.program.plates.get(index)
        if known is not None and known != upper:
            raise self.error(f"{tok.text}^{upper} and {tok.text}^{known} disagree on the number "
                             "of samples", tok)
        self.program.plates[index] = upper
        if toks[i].kind in ("NL", ")", ",", "+", "*", "/", "@", "^", "="):
            raise self.error(f"{tok.text} sums the term after it: write {tok.text} (...)", tok)
        row = ops.sample_sum(index)
        stack.append((row.name, tok, row.prec, True, 1))
        return i

    def _pop_while(self, stack: list, out: list, prec: int, right: bool) -> None:
        while stack and not isinstance(stack[-1], _Frame):
            op_key, tok, top_prec, _, arity = stack[-1]
            if top_prec < prec or (top_prec == prec and right):
                return
            stack.pop()
            args = [r for r, _ in out[len(out) - arity:]]
            at = out[len(out) - arity][1]
            del out[len(out) - arity:]
            if op_key == JUXT:
                op_key = self._juxtaposition(args)
            out.append((self._apply(op_key, args, tok), at))

    def _juxtaposition(self, args: list[str]) -> str:
        left, right = self.info[args[0]], self.info[args[1]]
        return "matmul" if left.matrix and not right.scalar else "mul"

    def _looks_like_call(self, tok: Token) -> bool:
        """`name(` is a call of an unknown function unless `name` reads as a variable.

        Known variables and short or subscripted names (W(x + 1), z(1 - z), W_i(x)) are
        products; a word such as `sigma(` or `softmax(` is a function the table lacks.
        """
        name = names.canonical(tok.text)
        if name in self.bound or name in self.program.nodes or name in self.declared:
            return False
        if difflib.get_close_matches(tok.text, ops.function_names(), n=1, cutoff=0.6):
            return True
        return len(tok.text) > 2 and "_" not in tok.text and tok.text.isascii()

    def _unknown_function(self, tok: Token) -> None:
        # Aliases spelt out as names are (`sigma` for σ) lead to their function's own name.
        spelt = {names.canonical(alias): row.name for alias, row in ops.FUNCTIONS.items()}
        spelt.update({alias: row.name for alias, row in ops.FUNCTIONS.items()})
        close = difflib.get_close_matches(tok.text, spelt, n=1, cutoff=0.5)
        close = [spelt[c] for c in close]
        hint = f"did you mean '{close[0]}'?" if close else \
            f"for a product write '{tok.text} (...)' or '{tok.text} * (...)'; " \
            f"functions: {', '.join(r.name for r in ops.ROWS if r.style == 'call')}"
        raise self.error(f"unknown function '{tok.text}'", tok, hint=hint)

    def _operand(self, tok: Token) -> str:
        if self.allow_ids and (tok.text in self.program.nodes):
            return tok.text
        name = self._name(tok)
        if name in self.bound:
            return self.bound[name]
        if name in self.program.nodes:      # a leaf seen before
            return name
        role, shape, _ = self.declared.get(name, (None, None, None))
        plate = self.sample_index if self._per_sample(name, role) else None
        if plate is not None and role is None:
            role = "input"              # data given per sample: no gradient unless asked
        node = self._add(Node(name, role=role, shape=shape, name=name, line=tok.line,
                              col=tok.col, default=self.defaults.get(name), plate=plate))
        self.info[name] = _Info(shape, matrix=(len(shape) == 2) if shape is not None
                                else name[:1].isupper(), scalar=shape == ())
        self.leaf_use[name] = tok
        return node.id

    def _number(self, tok: Token) -> str:
        if "/" in tok.text:                       # ½ and friends
            num, den = tok.text.split("/")
            value = float(num) / float(den)
        else:
            try:
                value = float(tok.text)
            except ValueError:
                raise self.error(f"'{tok.text}' is not a number", tok) from None
        if not math.isfinite(value):
            raise self.error(f"the number {tok.text} is too large for 64-bit floats", tok)
        node = self._add(Node(self._tmp(), value=value, text=tok.text, shape=(),
                              line=tok.line, col=tok.col))
        return node.id

    def _tmp(self) -> str:
        self.counter += 1
        return f"%{self.counter}"

    def _add(self, node: Node, ref_info: _Info | None = None) -> Node:
        self.program.nodes[node.id] = node
        if ref_info is not None:
            self.info[node.id] = ref_info
        elif node.is_const:
            self.info[node.id] = _Info((), matrix=False, scalar=True)
        return node

    def _apply(self, op_name: str, args: list[str], tok: Token) -> str:
        row = ops.OPS[op_name]
        nodes = [self.program.nodes[a] for a in args]
        infos = [self.info[a] for a in args]
        try:
            shape = row.shape(*[i.shape for i in infos])
        except shapes.ShapeMismatch as exc:
            both = " and ".join(shapes.fmt(i.shape) for i in infos)
            raise self.error(f"{row.name} cannot combine shapes {both}: {exc}", tok) from None
        if all(n.is_const and n.name is None for n in nodes):
            folded = self._fold(row, nodes, tok)
            if folded is not None:
                return folded
        plate = next((n.plate for n in nodes if n.plate is not None), None)
        if "plate" in row.extra:
            if plate != row.extra["plate"]:
                index = row.extra["plate"]
                raise self.error(f"{tok.text} sums over the samples {index}, but the term after "
                                 f"it has no value per sample", tok,
                                 hint=f"values per sample have {index} in their subscript: "
                                      f"x_{index}, y_{index}")
            plate = None
        node = self._add(Node(self._tmp(), op=op_name, args=tuple(args), shape=shape,
                              line=tok.line, col=tok.col, plate=plate))
        if op_name == "transpose":
            info = _Info(shape, matrix=shape != (), scalar=shape == ())
        elif row.shape is shapes.reduce:
            info = _Info((), matrix=False, scalar=True)
        elif op_name == "matmul":
            info = _Info(shape, matrix=len(shape) == 2 if shape is not None
                         else infos[0].matrix and infos[1].matrix, scalar=shape == ())
        else:
            info = _Info(shape, matrix=len(shape) == 2 if shape is not None
                         else any(i.matrix for i in infos), scalar=all(i.scalar for i in infos))
        self.info[node.id] = info
        return node.id

    def _fold(self, row: ops.Op, nodes: list[Node], tok: Token) -> str | None:
        """Compute an op on constants now, in float64 (never exact big integers).

        None when the op does not work on plain numbers (a transpose): it stays a node.
        """
        from graphdraw.language.printing import constant_text
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")     # a non-finite result is reported below
                value = scalar_op(row.forward, *[n.value for n in nodes])
        except (AttributeError, TypeError):
            return None
        text = constant_text(row, nodes)
        if not math.isfinite(value):
            raise self.error(f"the constant {text} is not a finite 64-bit number", tok)
        for n in nodes:
            del self.program.nodes[n.id]
        node = self._add(Node(self._tmp(), value=value, text=text, shape=(), line=tok.line,
                              col=tok.col))
        return node.id

    # -- the end -----------------------------------------------------------------------------
    def _finish(self) -> None:
        program = self.program
        if self.output_decl is not None:
            tok = self.output_decl
            name = names.canonical(tok.text)
            if name not in self.bound and name not in program.nodes:
                known = sorted(self.bound)
                close = difflib.get_close_matches(name, known, n=1)
                raise self.error(f"the output '{tok.text}' is not a name in the model", tok,
                                 hint=f"did you mean '{close[0]}'?" if close else
                                 f"names: {', '.join(known)}")
            program.output = self.bound.get(name, name)
        else:
            last = max(self.assigned_at.values(), key=lambda t: (t.line, t.col))
            program.output = self.bound[names.canonical(last.text)]
        out = program.nodes[program.output]
        if out.plate is not None:
            tok = self.assigned_at.get(out.name or "", self.output_decl)
            index = out.plate
            raise self.error(f"the output '{names.pretty(out.name or out.id)}' has a value per "
                             f"sample {index}; sum it over the samples", tok,
                             hint=f"for example: L = 1/2 Σ_{index} (ŷ_{index} − y_{index})²")
        self._check_scripts()
        self._renumber()

    def _renumber(self) -> None:
        """Give unnamed nodes the ids %1, %2, ... in definition order (stable golden files)."""
        program = self.program
        new_ids: dict[str, str] = {}
        for node_id in program.nodes:
            if node_id.startswith("%"):
                new_ids[node_id] = f"%{len(new_ids) + 1}"
        nodes: dict[str, Node] = {}
        for node in program.nodes.values():
            node.id = new_ids.get(node.id, node.id)
            node.args = tuple(new_ids.get(a, a) for a in node.args)
            nodes[node.id] = node
        program.nodes = nodes
        program.output = new_ids.get(program.output, program.output)

    def _check_scripts(self) -> None:
        latin = {n: t for n, (s, t) in self.scripts.items() if s == "Latin"}
        for name, (script, tok) in self.scripts.items():
            if script != "Latin" and latin:
                other = latin.get(names.latin_lookalike(name), next(iter(latin.values())))
                raise self.error(f"'{tok.text}' is written in {script} letters while "
                                 f"'{other.text}' (line {other.line}) is Latin: look-alike "
                                 "letters make different names", tok,
                                 hint="retype the name with Latin letters")


def parse(text: str, name: str = "<model>", *, allow_ids: bool = False,
          syntax: str | None = None) -> Program:
    """Parse model text into a Program (raises SourceError with line:col on bad input).

    `syntax` is 'plain' (graphdraw's language), 'latex' (translated by latex.py first; errors
    point into the LaTeX) or 'auto' (LaTeX when the text has a LaTeX command or a $). None
    means what the command line asked for with --syntax, else 'auto'.
    """
    from graphdraw.language import latex
    from graphdraw.language.source import requested_syntax
    source = Source(text, name)
    syntax = syntax or requested_syntax()
    if syntax == "auto":
        syntax = latex.detect(source.text)
    with gc_paused():
        if syntax == "plain":
            return Parser(source, allow_ids=allow_ids).parse()
        translation = latex.translate(source)
        inner = Source(translation.text, name)
        try:
            program = Parser(inner, allow_ids=allow_ids, latex=True).parse()
        except SourceError as exc:
            raise _into_latex(exc, inner, translation) from None
        program.source = source
        for node in program.nodes.values():
            node.line, node.col = translation.position(node.line, node.col)
        return program


def _into_latex(exc: SourceError, inner: Source, translation) -> SourceError:
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
