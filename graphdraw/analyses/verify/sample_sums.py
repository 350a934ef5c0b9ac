"""A factor of the chain rule missing from (or extra in) a claim that sums over the samples.

In a model with Σ_n, ∂L/∂W_o is Σ_n (ŷ_n − y_n) ŷ_n (1 − ŷ_n) z_n: truth ÷ claim is not one
local derivative at every point, because the sum mixes the samples. A claim written as
Σ_n (summand) is tried instead against each run of consecutive local derivatives on the
paths from V to U (chain.py's windows), sample by sample: Σ_n summand_n · factor_n (a factor
missing) or Σ_n summand_n ÷ factor_n (an extra one) equals the derivative at every point,
possibly times a simple constant. The factor is named as chain.py names it; a factor of
one local derivative (σ′ written σ) is tried the same way.
"""

from __future__ import annotations

from graphdraw.errors import GraphdrawError
from graphdraw.lazy import np
from graphdraw.language.program import Program
from graphdraw.numeric import evaluate
from graphdraw.analyses.verify import chain
from graphdraw.analyses.verify.claims import Claim
from graphdraw.analyses.verify.compare import claim_leaves, close, constant_of


def missing_factor(program: Program, claim: Claim, sides, shapes: dict) -> str | None:
    """'missing the factor ŷ_n (1 − ŷ_n) = ∂ŷ_n/∂(W_oᵀ z_n + b_o)', or None (no Σ_n in the
    model or in the claim, or no window explains it)."""
    if not program.plates or claim.per_sample:
        return None
    try:
        found = [_summand(program, claim, point) for point in sides.points]
    except (GraphdrawError, evaluate.NumericError, KeyError):
        return None
    if any(f is None for f in found):
        return None
    summands = [scale * summand for scale, summand in found]
    for expanded in (False, True):
        if expanded and claim.index is None and shapes[claim.wrt] != ():
            break
        if not expanded and claim.index is not None:
            continue
        try:
            model, of, wrt, locals_, values = chain._model(program, claim, sides, shapes,
                                                           expanded)
        except GraphdrawError:
            continue
        found = (_search(model, of, wrt, locals_, summands, sides.truths)
                 or _part_search(model, of, wrt, values, summands, sides.truths))
        if found:
            return found
    return None


def _row(op: str):
    from graphdraw import ops
    return ops.OPS[op]


def _summand(program: Program, claim: Claim, point):
    """(the number in front of Σ_n, the summand with a value per sample) of the claim at a
    point: −Σ_n (…), 1/N Σ_n (…), 2 Σ_n (…); None when the claim is not such a sum."""
    vals = evaluate.forward(claim.program, claim_leaves(program, claim, point), checked=False)
    nodes, scale = claim.program.nodes, 1.0
    node = nodes[claim.program.output]
    for _ in range(len(nodes)):
        if node.op in ("neg", "id"):
            scale = -scale if node.op == "neg" else scale
            node = nodes[node.args[0]]
        elif node.op in ("mul", "div") and len(node.args) == 2:
            sums = [a for a in node.args if nodes[a].op and "plate" in _row(nodes[a].op).extra]
            other = [a for a in node.args if a not in sums]
            if len(sums) != 1 or len(other) != 1 or np.ndim(vals[other[0]]) != 0 or \
                    (node.op == "div" and node.args[0] != sums[0]):
                return None
            number = float(vals[other[0]])
            scale *= number if node.op == "mul" else 1.0 / number
            node = nodes[sums[0]]
        else:
            break
    if node.op is None or "plate" not in _row(node.op).extra:
        return None
    return scale, np.asarray(vals[node.args[0]], dtype=float)


def _search(model: Program, of: str, wrt: str, locals_: list, summands: list, truths: list):
    """The window whose product, multiplied into (or divided out of) each sample's summand,
    gives the derivative: whole factors before ones off by a constant, fewer local
    derivatives before more, named ends before unnamed ones."""
    best = None
    for window in chain._windows(model, of, wrt, locals_):
        per_sample = any(model.nodes[head].plate is not None for _, head, _ in window)
        for word in ("missing the", "an extra"):
            candidate = []
            for local, summand in zip(locals_, summands):
                try:
                    product = chain._product(local, window)
                except ValueError:
                    break
                factor = _aligned(product, summand, per_sample)
                if factor is None:
                    break
                with np.errstate(all="ignore"):
                    term = summand * factor if word == "missing the" else summand / factor
                candidate.append(np.sum(term, axis=0))
            else:
                c = _constant(candidate, truths)
                if c is None or not chain._simple(c):
                    continue
                key = chain.window_key(model, locals_, window, c)
                if best is None or key < best[0]:
                    best = (key, word, window, c)
    return chain.best_text(model, of, best)


def _part_search(model: Program, of: str, wrt: str, values: list, summands: list,
                 truths: list) -> str | None:
    """One factor of a local derivative missing or extra, sample by sample: 'missing the
    factor 1 − ŷ_n, part of ŷ_n (1 − ŷ_n) = …' (σ′ written σ)."""
    from graphdraw import ops
    seen = set()
    for path in chain.paths(model, of, wrt):
        for edge in path:
            tail, head, position = edge
            node = model.nodes[head]
            row = ops.OPS[node.op]
            if edge in seen or row.combines()[position] not in chain.ELEMENTWISE:
                continue
            seen.add(edge)
            operands = dict(zip("ab", node.args), out=head)
            per_sample = node.plate is not None
            for text, factor in chain._factors(model, row.derivs[position], operands, values):
                for word in ("missing the", "an extra"):
                    candidate = []
                    for value, summand in zip(factor, summands):
                        aligned = _aligned(value, summand, per_sample)
                        if aligned is None:
                            break
                        with np.errstate(all="ignore"):
                            term = summand * aligned if word == "missing the" \
                                else summand / aligned
                        candidate.append(np.sum(term, axis=0))
                    else:
                        if _constant(candidate, truths) == 1:
                            return (f"{word} factor {text}, part of "
                                    f"{chain._describe(model, of, (edge,))}")
    return None


def _aligned(factor, summand, per_sample: bool):
    """The factor shaped to multiply the summand (samples first), or None when it cannot."""
    factor = np.asarray(factor, dtype=float)
    if not per_sample:
        factor = factor[None, ...]              # the same for every sample
    elif factor.ndim == 0 or factor.shape[0] != summand.shape[0]:
        return None
    extra = summand.ndim - factor.ndim
    if extra > 0 and factor.shape[1:] and factor.shape[1:] != summand.shape[1:1 + factor.ndim - 1]:
        return None
    if extra > 0:                               # a value per sample across a vector's entries
        factor = factor.reshape(factor.shape + (1,) * extra)
    try:
        np.broadcast_shapes(factor.shape, summand.shape)
    except ValueError:
        return None
    if np.broadcast_shapes(factor.shape, summand.shape) != summand.shape:
        return None
    return factor


def _constant(candidate: list, truths: list) -> float | None:
    """The simple number c with truth = c × candidate at every point, if there is one."""
    if any(np.shape(c) != np.shape(t) for c, t in zip(candidate, truths)):
        return None
    if all(close(c, t).all() for c, t in zip(candidate, truths)):
        return 1.0
    with np.errstate(all="ignore"):
        ratio = [np.where(np.abs(c) > 1e-12, t / c, np.nan) for c, t in zip(candidate, truths)]
    c = constant_of(ratio)
    if c is None or not all(close(c * x, t).all() for x, t in zip(candidate, truths)):
        return None
    return c
