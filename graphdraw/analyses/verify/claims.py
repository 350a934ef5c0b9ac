r"""Reading a claim `∂U/∂V = EXPR` against a model: the two names and EXPR as a small program.

The left side is read here (∂L/∂b_o, dL/db_o, \frac{\partial L}{\partial b_o}, entries
∂L/∂W_i[1,2] numbered as `grads --scalar` numbers them). EXPR is read by graphdraw's own
parser (LaTeX through its translator): the model's names are declared with their shapes
before it, so juxtaposition reads them as the model does, and entries (z[1]) and later
versions (c′) become leaves of their own. Nothing is evaluated as Python. Errors point into
the claim as the person wrote it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from graphdraw.errors import Source, SourceError
from graphdraw.language import latex, names, parser
from graphdraw.lazy import np
from graphdraw.numeric import evaluate
from graphdraw.language.lexer import _is_name_char, _is_name_start
from graphdraw.language.program import Program
from graphdraw.ops.shapes import fmt

TARGET = "verify_claim_"           # the claim's own name in its small program
PRIMES = "′'″‴"
_PRIME_COUNT = {"′": 1, "'": 1, "″": 2, "‴": 3}
_INDEX = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
_PARTIAL = ("∂", "𝜕", r"\partial")
EXAMPLE = "∂L/∂b_o = (ŷ − y) ŷ (1 − ŷ)"


class ClaimError(SourceError):
    """A claim that cannot be read: not a derivative, an unknown name, a parse error."""


@dataclass
class Claim:
    """One claim, read: ∂of/∂wrt (at `index` of wrt, 0-based) = the program's output."""

    text: str                     # as written (one line)
    where: str                    # 'the claim' or 'answers.txt:4'
    of: str                       # node id of U
    wrt: str                      # node id of V
    index: tuple[int, ...] | None
    program: Program              # EXPR: leaves are the model's names
    leaves: dict = field(default_factory=dict)   # claim leaf id -> (model node id, index)

    @property
    def lhs_pretty(self) -> str:
        return f"∂{_pretty_id(self.of)}/∂{_pretty_id(self.wrt)}{entry_text(self.index)}"

    @property
    def wrt_entry(self) -> str:
        """V as grads --scalar names it: W_i[1,2]."""
        return f"{self.wrt}{entry_text(self.index)}"


def describe(shape: tuple) -> str:
    """'a scalar', 'a vector of 2', 'a matrix 2×3'."""
    if not shape:
        return "a scalar"
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    return ("a matrix " if len(shape) == 2 else "a tensor ") + fmt(shape)


def entry_text(index: tuple[int, ...] | None) -> str:
    return "" if not index else f"[{','.join(str(i + 1) for i in index)}]"


def _pretty_id(node_id: str) -> str:
    base = node_id.rstrip("'")
    return names.pretty(base, len(node_id) - len(base))


class _Text:
    """A piece of one line of a Source: errors at an offset into the piece point into it."""

    def __init__(self, source: Source, line: int, start: int, text: str) -> None:
        self.source, self.line, self.start, self.text = source, line, start, text

    def error(self, message: str, offset: int, hint: str | None = None) -> ClaimError:
        col = self.start + max(offset, 0) + 1
        return ClaimError(message, source=self.source, line=self.line, col=col, hint=hint)


def read_claim(model: Program, shapes: dict, text: str, source: Source, line: int = 1,
               start: int = 0) -> Claim:
    """A claim on `line` of `source`, starting at column `start` (0-based), read against the
    model (its shapes at the given values)."""
    piece = _Text(source, line, start, text)
    equals = _top_level(text, "=")
    if equals < 0:
        raise piece.error("a claim is '∂U/∂V = expression'; this one has no '='", 0,
                          hint=f"for example: {EXAMPLE}")
    of, wrt, index = _lhs(model, shapes, piece, equals)
    expr_start = equals + 1
    while expr_start < len(text) and text[expr_start].isspace():
        expr_start += 1
    if expr_start >= len(text):
        raise piece.error("the claim has no expression after '='", equals,
                          hint=f"for example: {EXAMPLE}")
    program, leaves = _expression(model, shapes, piece, expr_start)
    where = "the claim" if source.name.startswith("<") else f"{source.name}:{line}"
    return Claim(text.strip(), where, of, wrt, index, program, leaves)


def _top_level(text: str, char: str, start: int = 0, end: int | None = None) -> int:
    """The offset of the first `char` outside braces and brackets, or -1."""
    depth = 0
    for i in range(start, len(text) if end is None else end):
        ch = text[i]
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
        elif ch == char and depth == 0:
            return i
    return -1


# -- the left side ---------------------------------------------------------------------------

def _lhs(model: Program, shapes: dict, piece: _Text, end: int):
    """(U's id, V's id, V's entry or None) from text[:end]."""
    text = piece.text
    begin = len(text[:end]) - len(text[:end].lstrip())
    frac = re.match(r"\\[dt]?frac\s*\{", text[begin:end])
    if frac:
        num_start = begin + frac.end()
        num_end = _closing(text, num_start - 1, end)
        den_open = _skip_space(text, num_end + 1)
        if num_end < 0 or den_open >= end or text[den_open] != "{":
            raise piece.error(r"write the derivative as \frac{\partial U}{\partial V}", begin)
        den_end = _closing(text, den_open, end)
        if den_end < 0:
            raise piece.error("this '{' is never closed", den_open)
        parts = [(num_start, num_end), (den_open + 1, den_end)]
    else:
        slash = _top_level(text, "/", begin, end)
        if slash < 0:
            raise _not_derivative(piece, begin)
        parts = [(begin, slash), (slash + 1, end)]
    (of, of_index), (wrt, index) = (_side(model, shapes, piece, a, b) for a, b in parts)
    if of_index is not None:
        raise piece.error("verify checks derivatives of a whole value: write ∂U/∂V with U "
                          "a scalar name of the model", parts[0][0])
    if shapes.get(of, ()) != ():
        raise piece.error(f"∂{_pretty_id(of)}/∂… is a Jacobian: {_pretty_id(of)} is "
                          f"{describe(shapes[of])}, and verify checks derivatives of a scalar",
                          parts[0][0], hint=f"check the derivatives of the model's output "
                          f"{_pretty_id(model.output)}")
    return of, wrt, index


def _closing(text: str, open_at: int, end: int) -> int:
    depth = 0
    for i in range(open_at, end):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _not_derivative(piece: _Text, at: int) -> ClaimError:
    return piece.error("the left side is not a derivative: a claim is '∂U/∂V = expression'",
                       at, hint=f"for example: {EXAMPLE} (also dL/db_o, "
                                r"\frac{\partial L}{\partial b_o}, ∂L/∂W_i[1,2])")


def _side(model: Program, shapes: dict, piece: _Text, start: int, end: int):
    """One side of the fraction: ∂NAME, dNAME or \\partial NAME, maybe with an entry."""
    text = piece.text
    i = _skip_space(text, start)
    mark = next((m for m in _PARTIAL + (r"\mathrm{d}", r"\text{d}", r"\operatorname{d}", "d")
                 if text.startswith(m, i)), None)
    if mark is None:
        raise _not_derivative(piece, i)
    i = _skip_space(text, i + len(mark))
    name_text = text[i:end].rstrip()
    index = None
    match = _INDEX.search(name_text)
    if match and match.end() == len(name_text):
        index = tuple(int(k) - 1 for k in match.group(1).split(","))
        name_text = name_text[:match.start()].rstrip()
    node_id = _node_of(model, piece, name_text, i)
    if index is not None:
        _check_index(piece, node_id, index, shapes.get(node_id, ()), i + match.start())
    return node_id, index


def _lookup(model: Program, name_text: str) -> str | None:
    """The model node a name written in a claim means (c: the first c, c′ the next), or None."""
    primes = 0
    while name_text and name_text[-1] in PRIMES:
        primes += _PRIME_COUNT[name_text[-1]]
        name_text = name_text[:-1]
    if "\\" in name_text or "{" in name_text:
        try:
            name_text = latex.translate(Source(name_text)).text.strip()
        except SourceError:
            return None
    if not name_text:
        return None
    for spelling in _spellings(name_text):
        node_id = names.canonical(spelling) + "'" * primes
        node = model.nodes.get(node_id)
        if node is not None and (node.name or node.is_leaf):
            return node_id
    return None


_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"


def _spellings(name_text: str) -> list[str]:
    """A name as written, then as graphdraw prints it back: W₁ is W_1, h_t₋₁ is h_t_minus_1."""
    out = [name_text]
    if any(ch in _SUBSCRIPTS for ch in name_text):
        plain = re.sub(f"[{_SUBSCRIPTS}]+", lambda m: "_" + "".join(
            str(_SUBSCRIPTS.index(ch)) for ch in m.group(0)), name_text)
        out.append(plain)
    return out


def model_names(model: Program) -> list[str]:
    return [n.id for n in model.nodes.values() if n.name or n.is_leaf]


def _node_of(model: Program, piece: _Text, name_text: str, at: int) -> str:
    if not name_text:
        raise piece.error("a name of the model is missing here", at,
                          hint=f"for example: {EXAMPLE}")
    node_id = _lookup(model, name_text)
    if node_id is None:
        known = model_names(model)
        close = difflib.get_close_matches(names.canonical(name_text), known, n=1)
        raise piece.error(f"'{name_text}' is not a name of the model", at,
                          hint=f"did you mean '{_pretty_id(close[0])}'?" if close else
                          f"names: {', '.join(map(_pretty_id, known))}")
    return node_id


def _check_index(piece: _Text, node_id: str, index: tuple, shape: tuple, at: int) -> None:
    if len(index) != len(shape) or any(not 0 <= k < n for k, n in zip(index, shape)):
        what = "a scalar, which has no entries" if not shape else describe(shape)
        raise piece.error(f"{_pretty_id(node_id)}{entry_text(index)} is not an entry of "
                          f"{_pretty_id(node_id)}: it is {what}", at,
                          hint="entries are numbered from 1, as grads --scalar numbers them")


# -- the right side --------------------------------------------------------------------------

def _expression(model: Program, shapes: dict, piece: _Text, start: int):
    """EXPR as a program whose leaves are the model's names, and what each leaf stands for."""
    expr = piece.text[start:]
    translation = None
    if latex.detect(expr) == "latex":
        try:
            translation = latex.translate(Source(expr))
        except SourceError as exc:
            raise piece.error(exc.message, start + max(exc.col, 1) - 1, hint=exc.hint) from None
        plain, to_expr = translation.text, list(translation.offsets)
    else:
        plain, to_expr = expr, list(range(len(expr)))
    to_expr.append(len(expr))
    text, to_plain, leaves = _entries(model, shapes, piece, plain,
                                      lambda k: start + to_expr[min(k, len(to_expr) - 1)])
    head = _declarations(model, shapes, leaves)
    body = f"{TARGET} = "
    try:
        program = parser.parse(head + body + text, "<claim>", syntax="plain")
    except SourceError as exc:
        raise _moved(exc, piece, head, body, to_plain, to_expr, start) from None
    declared = set(names.canonical(n) for n in model_names(model)) | set(leaves)
    for node in program.nodes.values():
        if node.is_leaf and node.id not in declared:
            offset = _offset(node.line, node.col, head, body, to_plain, to_expr, start)
            raise _unknown(model, piece, node.id, offset)
    out = {}
    for node in program.nodes.values():
        if node.is_leaf:
            out[node.id] = leaves.get(node.id, (node.id, None))
    zeros = {leaf: np.zeros(() if index is not None else shapes.get(node_id, ()))
             for leaf, (node_id, index) in out.items()}
    try:
        evaluate.check_shapes(program, zeros)
    except SourceError as exc:
        raise _moved(exc, piece, head, body, to_plain, to_expr, start) from None
    return program, out


def _entries(model: Program, shapes: dict, piece: _Text, plain: str, where):
    """Entries (z[1]) and later versions (c′) replaced by names of their own: the new text,
    where each of its characters came from in `plain`, and {new name: (node id, index)}."""
    out, origin, leaves = [], [], {}
    i, n = 0, len(plain)
    while i < n:
        if not _is_name_start(plain[i]) or (i > 0 and _is_name_char(plain[i - 1])):
            out.append(plain[i])
            origin.append(i)
            i += 1
            continue
        j = i + 1
        while j < n and (_is_name_char(plain[j]) or plain[j] in _SUBSCRIPTS):
            j += 1
        k = j
        while k < n and plain[k] in PRIMES:
            k += 1
        match = _INDEX.match(plain, k)
        if k > j and match is None and _lookup(model, plain[i:k]) is None:
            base = _lookup(model, plain[i:j])
            if base is not None:
                versions = [n for n in model_names(model) if n.rstrip("'") == base]
                raise piece.error(f"'{plain[i:k]}' is not a name of the model: "
                                  f"{_pretty_id(base)} has no such version", where(j),
                                  hint="its versions: " + ", ".join(map(_pretty_id, versions)))
            k = j                       # 'os' in __import__('os'): a quote, left to the parser
        if k == j and match is None and not _respelled(model, plain[i:j]):
            out.append(plain[i:j])
            origin.extend(range(i, j))
            i = j
            continue
        node_id = _node_of(model, piece, plain[i:k], where(i))
        index = None
        end = k
        if match is not None:
            index = tuple(int(x) - 1 for x in match.group(1).split(","))
            _check_index(piece, node_id, index, shapes.get(node_id, ()), where(k))
            end = match.end()
        leaf = f"verify_leaf_{len(leaves) + 1}"
        leaves[leaf] = (node_id, index)
        out.append(leaf)
        origin.extend([i] * len(leaf))
        i = end
    origin.append(n)
    return "".join(out), origin, leaves


def _respelled(model: Program, name_text: str) -> bool:
    """Whether a name means a model name only as graphdraw prints it (W₁ for W_1)."""
    return (names.canonical(name_text) not in model.nodes
            and _lookup(model, name_text) is not None)


def _declarations(model: Program, shapes: dict, leaves: dict) -> str:
    """The model's sizes and names (first versions) with their shapes, then the entries'."""
    lines = [f"dim {name} = {size}" for name, size in model.dims.items()]
    decl = []
    for node_id in model_names(model):
        if "'" in node_id or node_id.startswith("%") or node_id not in shapes:
            continue
        decl.append(_declared(node_id, shapes[node_id]))
    for leaf, (node_id, index) in leaves.items():
        decl.append(_declared(leaf, () if index is not None else shapes.get(node_id, ())))
    if decl:
        lines.append("param " + ", ".join(decl))
    return "".join(line + "\n" for line in lines)


def _declared(name: str, shape: tuple) -> str:
    return name if not shape else f"{name}[{', '.join(map(str, shape))}]"


def _offset(line: int, col: int, head: str, body: str, to_plain, to_expr, start) -> int:
    """Where in the claim line a position in the parsed text came from (-1: not in EXPR)."""
    if line != head.count("\n") + 1:
        return -1
    k = max(col - 1 - len(body), 0)
    k = to_plain[min(k, len(to_plain) - 1)]
    return start + to_expr[min(k, len(to_expr) - 1)]


def _moved(exc: SourceError, piece: _Text, head, body, to_plain, to_expr, start):
    offset = _offset(exc.line, exc.col, head, body, to_plain, to_expr, start)
    hint = exc.hint
    if offset < 0:
        offset = start
    return piece.error(_renamed(exc.message), offset, hint=hint and _renamed(hint))


def _renamed(text: str) -> str:
    return text.replace(TARGET, "the claim")


def _unknown(model: Program, piece: _Text, leaf: str, offset: int) -> ClaimError:
    known = model_names(model)
    close = difflib.get_close_matches(leaf, known, n=1)
    return piece.error(f"'{names.pretty(leaf)}' is not a name of the model", max(offset, 0),
                       hint=f"did you mean '{_pretty_id(close[0])}'?" if close else
                       f"the claim may use the model's names: "
                       f"{', '.join(map(_pretty_id, known))}")
