"""A claim's right side, EXPR, read by graphdraw's own parser into a small program.

The model's names are declared before it with their shapes, so juxtaposition reads them as
the model does; entries (z[1]), later versions (c′) and names as graphdraw prints them (W₁)
become leaves of their own. LaTeX goes through the language's translator. Nothing is
evaluated as Python, and errors are moved back into the claim as the person wrote it.
"""

from __future__ import annotations

import difflib
import re

from graphdraw.core.class_targets import index_targets
from graphdraw.errors import Source, SourceError
from graphdraw.language import latex, names, parser
from graphdraw.language.lexer import _is_name_char, _is_name_start
from graphdraw.language.program import Program
from graphdraw.lazy import np
from graphdraw.numeric import evaluate
from graphdraw.analyses.verify.lookup import (INDEX, PRIMES, SUBSCRIPTS, ClaimError, Piece,
                                              check_index, lookup, model_names, node_of,
                                              pretty_id)

TARGET = "verify_claim_"           # the claim's own name in its small program
PARTIALS = "∂𝜕"


def expression(model: Program, shapes: dict, piece: Piece, start: int, claimed: tuple,
               samples: int | None = None):
    """EXPR as a program whose leaves are the model's names, and what each leaf stands for;
    `claimed` is (U, V, entry) of the claim, which EXPR may not use.

    In a model with a sum over samples (`samples` of them), values per sample (ŷ_n) are
    values per sample in EXPR too when it sums over them (Σ_n …); otherwise EXPR is computed
    for one sample at a time (compare.claimed), its values stacked.
    """
    expr = piece.text[start:]
    translation = None
    # W_{o}[1]: a claim's braces are LaTeX's, translated before its entries are found
    if latex.detect(expr) == "latex" or "_{" in expr or "^{" in expr:
        try:
            # \partial (a derivative, as grads --format latex writes one) as ∂ and spaces:
            # the same length, so the translation's offsets still point into the claim
            translation = latex.translate(Source(expr.replace("\\partial", "∂       ")))
        except SourceError as exc:
            raise piece.error(exc.message, start + max(exc.col, 1) - 1, hint=exc.hint) from None
        plain, to_expr = _unwrapped(translation.text), list(translation.offsets)
    else:
        plain, to_expr = expr, list(range(len(expr)))
    to_expr.append(len(expr))
    plated = samples is not None and any(mark in plain for mark in ("Σ_", "sum_"))
    suffix = "_" + next(iter(model.plates)) if plated else ""
    text, to_plain, leaves = _entries(model, shapes, piece, plain,
                                      lambda k: start + to_expr[min(k, len(to_expr) - 1)],
                                      claimed, suffix)
    head = _declarations(model, shapes, leaves, plated)
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
    zeros = {leaf: np.zeros((samples,) * (plated and per_sample(model, ref))
                            + leaf_shape(shapes, ref, index))
             for leaf, (ref, index) in out.items()}
    try:
        evaluate.check_shapes(program, zeros)
    except SourceError as exc:
        raise _moved(exc, piece, head, body, to_plain, to_expr, start) from None
    return program, out, samples is not None and not plated and any(
        per_sample(model, ref) for ref, _ in out.values())


def _entries(model: Program, shapes: dict, piece: Piece, plain: str, where, claimed,
             suffix: str = ""):
    """Entries (z[1]), later versions (c′) and derivatives (∂L/∂ŷ) replaced by names of their
    own: the new text, where each of its characters came from in `plain`, and {new name:
    (what it stands for, index)}: a node id, or ('∂', U, V) for a derivative."""
    out, origin, leaves = [], [], {}
    i, n = 0, len(plain)
    while i < n:
        found = None
        if plain[i] in PARTIALS:
            found = _derivative(model, shapes, piece, plain, i, where, claimed)
        elif _is_name_start(plain[i]) and not (i > 0 and _is_name_char(plain[i - 1])):
            found = _name(model, shapes, piece, plain, i, where)
        if found is None or found[1] is None:
            end = i + 1 if found is None else found[0]
            out.append(plain[i:end])
            origin.extend(range(i, end))
            i = end
            continue
        end, ref, index = found
        leaf = f"verify_leaf_{len(leaves) + 1}" + (suffix if per_sample(model, ref) else "")
        leaves[leaf] = (ref, index)
        out.append(leaf)
        origin.extend([i] * len(leaf))
        i = end
    origin.append(n)
    return "".join(out), origin, leaves


_FRACTION = re.compile(r"\(?\(∂[^()]*\)/\(∂[^()]*\)\)?")


def _unwrapped(plain: str) -> str:
    r"""\frac{\partial L}{\partial \hat{y}} translates to ((∂ L)/(∂ y_hat)): its parentheses
    become spaces (the same length, so offsets stay), and it reads as ∂L/∂ŷ does."""
    return _FRACTION.sub(lambda m: m.group(0).replace("(", " ").replace(")", " "), plain)


def _name_end(plain: str, i: int) -> tuple[int, int]:
    """Where the name at plain[i] ends, without and with its primes."""
    j, n = i + 1, len(plain)
    while j < n and (_is_name_char(plain[j]) or plain[j] in SUBSCRIPTS):
        j += 1
    k = j
    while k < n and plain[k] in PRIMES:
        k += 1
    return j, k


def _name(model: Program, shapes: dict, piece: Piece, plain: str, i: int, where):
    """(end, node id or None to leave the name as written, entry or None)."""
    j, k = _name_end(plain, i)
    match = INDEX.match(plain, k)
    if k > j and match is None and lookup(model, plain[i:k]) is None:
        base = lookup(model, plain[i:j])
        if base is not None:
            versions = [n for n in model_names(model) if names.split_id(n)[0] == base]
            raise piece.error(f"'{plain[i:k]}' is not a name of the model: "
                              f"{pretty_id(base)} has no such version", where(j),
                              hint="its versions: " + ", ".join(map(pretty_id, versions)))
        k = j                       # 'os' in __import__('os'): a quote, left to the parser
    if k == j and match is None and not _respelled(model, plain[i:j]):
        return j, None, None
    node_id = node_of(model, piece, plain[i:k], where(i))
    if match is None:
        return k, node_id, None
    index = tuple(int(x) - 1 for x in match.group(1).split(","))
    check_index(piece, node_id, index, shapes.get(node_id, ()), where(k))
    return match.end(), node_id, index


def _derivative(model: Program, shapes: dict, piece: Piece, plain: str, i: int, where,
                claimed):
    """∂U/∂V (or an entry ∂U/∂V[1,2]) inside EXPR, as grads prints a backward equation; None
    when the text at plain[i] is not one (the parser then says so)."""
    n, names_at = len(plain), []
    k = i
    for step in range(2):
        if k >= n or plain[k] not in PARTIALS:
            return None
        k = _skip(plain, k + 1)
        if k >= n or not _is_name_start(plain[k]):
            return None
        start, (_, k) = k, _name_end(plain, k)
        names_at.append((start, k))
        k = _skip(plain, k)
        if step == 0:
            if k >= n or plain[k] != "/":
                return None
            k = _skip(plain, k + 1)
    (u0, u1), (v0, v1) = names_at
    of = node_of(model, piece, plain[u0:u1], where(u0))
    if shapes.get(of, ()) != ():
        raise piece.error(f"∂{pretty_id(of)}/∂… is a Jacobian: a claim may use derivatives of "
                          "a scalar", where(u0))
    wrt = node_of(model, piece, plain[v0:v1], where(v0))
    match, index = INDEX.match(plain, v1), None
    if match is not None:
        index = tuple(int(x) - 1 for x in match.group(1).split(","))
        check_index(piece, wrt, index, shapes.get(wrt, ()), where(v1))
        v1 = match.end()
    if (of, wrt, index) == claimed:
        raise piece.error("a claim cannot use the derivative it claims", where(i),
                          hint="write it out in the model's names")
    return v1, ("∂", of, wrt), index


def _skip(text: str, k: int) -> int:
    while k < len(text) and text[k] in " \t":
        k += 1
    return k


def leaf_shape(shapes: dict, ref, index) -> tuple:
    """The shape of what a leaf of EXPR stands for (a node, an entry, a derivative)."""
    if index is not None:
        return ()
    return shapes.get(ref[2] if isinstance(ref, tuple) else ref, ())


def _respelled(model: Program, name_text: str) -> bool:
    """Whether a name means a model name only as graphdraw prints it (W₁ for W_1)."""
    return (names.canonical(name_text) not in model.nodes
            and lookup(model, name_text) is not None)


def _declarations(model: Program, shapes: dict, leaves: dict, plated: bool = False) -> str:
    """The model's sizes and names (first versions) with their shapes, then the entries'.

    Values per sample are inputs per sample when EXPR sums over the samples, else values of
    one sample."""
    lines = [f"dim {name} = {size}" for name, size in model.dims.items()]
    decl, per, indices = [], [], []
    classes = index_targets(model)       # class indices take no gradient: targets
    for node_id in model_names(model):
        if "'" in node_id or node_id.startswith("%") or node_id not in shapes:
            continue
        if node_id in classes and not per_sample(model, node_id):
            indices.append(_declared(node_id, shapes[node_id]))
            continue
        _declare(decl, per, node_id, shapes[node_id], per_sample(model, node_id), plated)
    for leaf, (ref, index) in leaves.items():
        _declare(decl, per, leaf, leaf_shape(shapes, ref, index), per_sample(model, ref),
                 plated)
    if decl:
        lines.append("param " + ", ".join(decl))
    if per:
        lines.append("input " + ", ".join(per))
    if indices:
        lines.append("target " + ", ".join(indices))
    return "".join(line + "\n" for line in lines)


def _declare(decl: list, per: list, name: str, shape: tuple, sampled: bool, plated: bool):
    (per if sampled and plated else decl).append(_declared(name, shape))


def per_sample(model: Program, ref) -> bool:
    """Whether what a leaf of EXPR stands for has a value per sample (ŷ_n, ∂L/∂ŷ_n)."""
    node_id = ref[2] if isinstance(ref, tuple) else ref
    return model.nodes[node_id].plate is not None


def _declared(name: str, shape: tuple) -> str:
    return name if not shape else f"{name}[{', '.join(map(str, shape))}]"


def _offset(line: int, col: int, head: str, body: str, to_plain, to_expr, start) -> int:
    """Where in the claim line a position in the parsed text came from (-1: not in EXPR)."""
    if line != head.count("\n") + 1:
        return -1
    k = max(col - 1 - len(body), 0)
    k = to_plain[min(k, len(to_plain) - 1)]
    return start + to_expr[min(k, len(to_expr) - 1)]


def _moved(exc: SourceError, piece: Piece, head, body, to_plain, to_expr, start):
    offset = _offset(exc.line, exc.col, head, body, to_plain, to_expr, start)
    hint = exc.hint
    if offset < 0:
        offset = start
    return piece.error(_renamed(exc.message), offset, hint=hint and _renamed(hint))


def _renamed(text: str) -> str:
    return text.replace(TARGET, "the claim")


def _unknown(model: Program, piece: Piece, leaf: str, offset: int) -> ClaimError:
    known = model_names(model)
    close = difflib.get_close_matches(leaf, known, n=1)
    return piece.error(f"'{names.pretty(leaf)}' is not a name of the model", max(offset, 0),
                       hint=f"did you mean '{pretty_id(close[0])}'?" if close else
                       f"the claim may use the model's names: "
                       f"{', '.join(map(pretty_id, known))}")
