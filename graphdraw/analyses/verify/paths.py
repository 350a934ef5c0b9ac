"""Paths of the chain rule missing from a claim: ∂L/∂b_a sums over every path from b_a to L.

On the model expanded into entries, each path from V to U contributes the product of its
local derivatives, and the derivative is their sum. A claim that equals the sum over some
of the paths, at every point, forgot the others; they are named by the values they pass.
"""

from __future__ import annotations

import itertools

from graphdraw.errors import GraphdrawError
from graphdraw.lazy import np
from graphdraw.language.program import Program
from graphdraw.analyses.verify import chain
from graphdraw.analyses.verify.claims import Claim

MAX_PATHS = 12           # 2^12 subsets of paths are tried
RTOL = 1e-6


def missing_paths(program: Program, claim: Claim, sides, shapes: dict) -> str | None:
    """'the chain rule sums over the 2 paths from b_a to L; yours has 1 of them: missing
    the one through a[2], z[2]', or None."""
    if claim.index is None and shapes[claim.wrt] != ():
        return None
    try:
        model, of, wrt, locals_ = chain.expanded(program, claim, sides, shapes)
    except GraphdrawError:
        return None
    paths = chain.paths(model, of, wrt)
    if not 2 <= len(paths) <= MAX_PATHS or len(paths) >= chain.MAX_PATHS:
        return None
    # each path's product of local derivatives, summed over the samples in a model with Σ_n
    # (a local derivative per sample has a leading axis of samples)
    try:
        with np.errstate(all="ignore"):
            parts = np.array([[float(np.sum(chain._product(loc, path))) for loc in locals_]
                              for path in paths])                        # path × point
    except ValueError:
        return None
    claimed = np.array([float(c) for c in sides.claims])
    subsets = np.array(list(itertools.product((0.0, 1.0), repeat=len(paths))))[1:-1]
    with np.errstate(all="ignore"):
        sums = subsets @ parts                                           # subset × point
        scale = np.maximum(np.abs(sums), np.abs(claimed))
        match = np.all(np.abs(sums - claimed) <= RTOL * scale + 1e-300, axis=1)
    if not match.any():
        return None
    chosen = subsets[int(np.argmax(match))].astype(bool)
    kept = [p for p, keep in zip(paths, chosen) if keep]
    lost = [p for p, keep in zip(paths, chosen) if not keep]
    on_kept = {node for path in kept for edge in path for node in edge[:2]}
    through = []
    for path in lost:
        named = [chain.label(model, e[1]) for e in path if e[1] not in on_kept and
                 model.nodes[e[1]].name is not None]
        through.append(", ".join(dict.fromkeys(named)) or "another way")
    ones = "the one" if len(lost) == 1 else "the ones"
    return (f"the chain rule sums over the {len(paths)} paths from {chain.label(model, wrt)} "
            f"to {chain.label(model, of)}; yours has {len(kept)} of them: missing {ones} through "
            + "; ".join(through))
