"""Simplifying derivatives as a teacher writes them: a rewrite pass over sums of products.

Backprop's formulas (numeric/adjoint.py) and the named view's composed edges (named.py) are
sums of terms, each a number times printed factors (language/terms.py). Multiplying the op
rows' local derivatives gives true but unteachable formulas: hand-written BCE through σ prints
`(1 − y) (1 / (1 − p)) · p (1 − p) · x[1] − y (1 / p) · p (1 − p) · x[1]`. Two rewrites, from
a table of identities, turn it into `(p − y) · x[1]`:

- `cancel`: X · (1 / X) = 1 within a term (σ′ = p (1 − p) cancelling BCE's 1/p, 1/(1 − p));
- `collect`: factors that are sums are multiplied out, equal monomials added up, and what is
  common to every monomial put in front: (1 − y) p − y (1 − p) = p − y. The result is kept
  only when it has fewer pieces than the formula it replaces (the XOR network's chains stay as
  they are).

`fuse` applies the op table's fused pairs (ops/fused.py): σ then BCE is (σ(z) − y) / size.
Everything works on printed pieces in any notation, and decides by structure (counts of terms
and factors, equal texts), never by a notation's lengths, so every notation gets the same
formula. The numbers never come from here: tests evaluate each simplified formula against
backprop.
"""

from __future__ import annotations

import itertools

from graphdraw import ops
from graphdraw.language.notation import Piece, apply, number
from graphdraw.language.terms import Term, to_piece

MOST_MONOMIALS = 64        # multiplying out past this many monomials is not tried
MOST_COLLECTED = 12        # a sum put in parentheses has at most this many terms (LaTeX
                           # cannot break a line inside \left( … \right))

_SEPARATORS = {"plain": ("-", "+"), "pretty": ("−", "+"), "html": ("−", "+"),
               "latex": ("-", "+")}
_OPEN, _CLOSE = "([{", ")]}"
_NUMBERS = {"½": 0.5, "¼": 0.25, "¾": 0.75, r"\frac{1}{2}": 0.5}


def simplify(terms: list[Term], mode: str) -> list[Term]:
    """The terms with the table's identities applied (see the module's docstring)."""
    if not terms:
        return terms
    terms = [cancel(term, mode) for term in terms]
    collected = collect(terms, mode)
    return collected if collected is not None else terms


def cancel(term: Term, mode: str) -> Term:
    """X · (1 / X) = 1: each factor X whose reciprocal is another factor of the term goes,
    with the reciprocal (one lookup per distinct factor: long products stay linear)."""
    coef, factors = term
    if len(factors) < 2:
        return term
    one = number("1", mode)
    at: dict[str, list[int]] = {}
    for i, factor in enumerate(factors):
        at.setdefault(factor[0], []).append(i)
    gone: set[int] = set()
    inverses: dict[str, str] = {}
    for i, factor in enumerate(factors):
        if i in gone:
            continue
        inverse = inverses.get(factor[0])
        if inverse is None:
            inverse = inverses[factor[0]] = apply(ops.OPS["div"], [one, factor], mode)[0]
        partner = next((j for j in at.get(inverse, ()) if j != i and j not in gone), None)
        if partner is not None:
            gone.update((i, partner))
    factors = tuple(f for i, f in enumerate(factors) if i not in gone)
    return _cancel_quotients(coef, factors, mode) if len(factors) > 1 else (coef, factors)


def _cancel_quotients(coef: float, factors: tuple, mode: str) -> Term:
    """B · (A / B) = A: a quotient whose denominator is another factor of the term gives its
    numerator (the norm's derivative: ‖v‖ · (v / ‖v‖) = v)."""
    texts = [f[0] for f in factors]
    out = list(factors)
    for i, factor in enumerate(factors):
        parts = _quotient(factor, mode)
        if parts is None or out[i] is None:
            continue
        numerator, denominator = parts
        partner = next((j for j, t in enumerate(texts)
                        if j != i and t == denominator and out[j] is not None), None)
        if partner is not None:
            out[i], out[partner] = numerator, None
    return coef, tuple(f for f in out if f is not None)


def _quotient(piece: Piece, mode: str) -> tuple[Piece, str] | None:
    """(the numerator, the denominator's text) of a piece printed as A / B, else None."""
    text = piece[0]
    if mode == "latex":
        if piece[1] != ops.ATOM or not text.startswith(r"\frac{"):
            return None
        middle = _closing(text, len(r"\frac"))
        if middle is None or text[middle + 1:middle + 2] != "{" \
                or _closing(text, middle + 1) != len(text) - 1:
            return None
        top, bottom = text[len(r"\frac{"):middle], text[middle + 2:-1]
    else:
        if piece[1] != ops.OPS["div"].prec:
            return None
        at = _last_top_level(text, " / ")
        if at is None:
            return None
        top, bottom = text[:at], text[at + 3:]
        if top.startswith("(") and _closing(top, 0) == len(top) - 1:
            top = top[1:-1]                 # the parentheses printing put round a sum
    prec = ops.ADD if len(_split((top, ops.ADD), mode)) > 1 else \
        ops.ATOM if _top_level_plain(top) else ops.MUL
    return (top, prec), bottom


def _closing(text: str, start: int) -> int | None:
    """The index of the bracket closing the one at `start`."""
    depth = 0
    for i in range(start, len(text)):
        depth += (text[i] in _OPEN) - (text[i] in _CLOSE)
        if depth == 0:
            return i
    return None


def _last_top_level(text: str, separator: str) -> int | None:
    """Where `separator` last occurs outside brackets (a / b / c divides a / b by c)."""
    depth, found = 0, None
    for i, ch in enumerate(text):
        depth += (ch in _OPEN) - (ch in _CLOSE)
        if depth == 0 and text.startswith(separator, i):
            found = i
    return found


def collect(terms: list[Term], mode: str) -> list[Term] | None:
    """The terms multiplied out, added up and their common factors put in front, or None
    when that does not make the formula shorter."""
    monomials = _expand(terms, mode)
    if monomials is None or len(monomials) > min(len(terms), MOST_COLLECTED):
        return None
    if not monomials:
        return []
    common = _common(monomials)
    coef = _common_number(monomials)
    inner = [(c / coef, _without_all(f, common)) for c, f in monomials]
    if len(inner) == 1:
        result = [(inner[0][0] * coef, common + inner[0][1])]
        size = 1 + len(result[0][1])
    else:
        result = [(coef, (to_piece(inner, mode),) + common)]
        size = 1 + len(common) + sum(1 + len(f) for _, f in inner)
    return result if size < _size(terms, mode) else None


def _expand(terms: list[Term], mode: str) -> list[Term] | None:
    """Every term multiplied out over the sums among its factors, equal monomials (the same
    factors in any order) added; None past MOST_MONOMIALS."""
    sums: dict[tuple, list] = {}
    order: list[tuple] = []
    count = 0
    for coef, factors in terms:
        parts = [_split(f, mode) for f in factors]
        count += _product_size(parts)
        if count > MOST_MONOMIALS:
            return None
        for choice in itertools.product(*parts):
            c, fs = coef, []
            for sign, value, piece in choice:
                c *= sign * value
                if piece is not None:
                    fs.append(piece)
            key = tuple(sorted(p[0] for p in fs))
            if key not in sums:
                sums[key] = [0.0, tuple(fs)]
                order.append(key)
            sums[key][0] += c
    return [(sums[k][0], sums[k][1]) for k in order if abs(sums[k][0]) > 1e-12]


def _product_size(parts: list[list]) -> int:
    size = 1
    for part in parts:
        size *= len(part)
    return size


def _split(piece: Piece, mode: str) -> list[tuple[int, float, Piece | None]]:
    """A factor as a sum: (sign, number, piece or None for a number) per top-level term."""
    if piece[1] != ops.ADD:
        return [(1, 1.0, piece)]
    minus, plus = _SEPARATORS.get(mode, ("-", "+"))
    text, depth, start, sign = piece[0], 0, 0, 1
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        elif depth == 0 and ch == " " and text[i + 1:i + 3] in (minus + " ", plus + " "):
            out.append(_chunk(text[start:i], sign, mode))
            sign = -1 if text[i + 1] == minus else 1
            i += 3
            start = i
            continue
        i += 1
    out.append(_chunk(text[start:], sign, mode))
    return out


def _chunk(text: str, sign: int, mode: str) -> tuple[int, float, Piece | None]:
    """One term of a printed sum: a number, or a piece with a sign."""
    minus = _SEPARATORS.get(mode, ("-", "+"))[0]
    if text.startswith(minus) and len(text) > len(minus) and _top_level_plain(text[1:]):
        sign, text = -sign, text[len(minus):]
    value = _number(text)
    if value is not None:
        return sign, value, None
    prec = ops.ATOM if _top_level_plain(text) else ops.MUL
    return sign, 1.0, (text, prec)


def _top_level_plain(text: str) -> bool:
    """Whether a text has no space outside brackets (a name, a call, an entry, a fraction)."""
    depth = 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        elif ch == " " and depth == 0:
            return False
    return True


def _number(text: str) -> float | None:
    if text in _NUMBERS:
        return _NUMBERS[text]
    try:
        return float(text.replace("−", "-"))
    except ValueError:
        return None


def _common(monomials: list[Term]) -> tuple[Piece, ...]:
    """The factors every monomial has (as many times as each has them at least), in the
    order of the first monomial."""
    first = list(monomials[0][1])
    common = []
    for factor in first:
        if all(_count(f, factor) > _count(common, factor) for _, f in monomials):
            common.append(factor)
    return tuple(common)


def _count(factors, piece: Piece) -> int:
    return sum(1 for f in factors if f[0] == piece[0])


def _without_all(factors: tuple, common: tuple) -> tuple:
    rest = list(factors)
    for piece in common:
        at = next(i for i, f in enumerate(rest) if f[0] == piece[0])
        del rest[at]
    return tuple(rest)


def _common_number(monomials: list[Term]) -> float:
    """The number in front of every monomial when they all have one size other than 1
    (2 (p − y)), with the first one's sign; else 1."""
    sizes = {abs(c) for c, _ in monomials}
    if len(sizes) == 1 and sizes != {1.0}:
        size = sizes.pop()
        return size if monomials[0][0] > 0 else -size
    return 1.0


def _size(terms: list[Term], mode: str) -> int:
    """How many pieces a formula has: its terms, and each factor's terms."""
    return sum(1 + sum(len(_split(f, mode)) for f in factors) for _, factors in terms)


def fuse(printer, node, terms: list[Term]) -> list[Term] | None:
    """The terms that `node` (an inner op of a fused pair, ops/fused.py) sends to its operand,
    or None when no pair applies: every term must hold the outer op's local derivative."""
    from graphdraw.ops.fused import FUSED, INNER
    if node.op not in INNER:
        return None
    program = printer.program
    for user_id in printer.users(node.id):
        user = program.nodes[user_id]
        position = user.args.index(node.id)
        row = FUSED.get((node.op, user.op, position))
        if row is None or len(user.args) != 2:
            continue
        outer = dict(zip("ab", user.args), out=user.id)
        _, (k, outer_factors) = printer.template_product(ops.OPS[user.op].derivs[position], outer)
        if not terms or k == 0 or not all(_holds(f, outer_factors) for _, f in terms):
            return None
        fused = dict(a=node.args[0], out=node.id, b=user.args[1 - position])
        _, (c, factors) = printer.template_product(row.template, fused)
        return [(coef / k * c, _without_all(f, outer_factors) + factors) for coef, f in terms]
    return None


def _holds(factors: tuple, wanted: tuple) -> bool:
    return all(_count(factors, piece) >= _count(wanted, piece) for piece in wanted)
