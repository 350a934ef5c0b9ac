"""Both sides of a claim at many points: the truth from graphdraw's backprop, the claim from
its own small program, with shapes checked and the points where either side has no value set
aside."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from graphdraw.lazy import np
from graphdraw.language.program import Program
from graphdraw.numeric import backprop, evaluate, values as values_mod
from graphdraw.analyses.verify.claims import Claim
from graphdraw.analyses.verify.expression import per_sample

RTOL = 1e-6          # an entry agrees when |claim − truth| ≤ RTOL · max(|claim|, |truth|) + …
TINY = 1e-12         # … TINY · the largest entry of the truth at that point


@dataclass
class Point:
    """The model at one point: the leaves' values, every node's value, and (cached) the
    adjoints of each U and the local derivatives of every edge."""

    leaves: dict
    vals: dict
    grads: dict = field(default_factory=dict)       # U -> {node: ∂U/∂node}
    _local: dict | None = None

    def local(self, program: Program) -> dict:
        if self._local is None:
            self._local = backprop.local_values(program, self.vals)
        return self._local


WIDENED = ("param", "input")     # kinds of leaves drawn from a wider range at some points


def points(program: Program, given: dict, count: int, seed: int) -> tuple[list[Point], int]:
    """The given point and `count` random ones (every leaf drawn again, declared values too,
    within the domain its op's row gives: a cross_entropy target is a probability vector;
    where the model has no value, the same point with every leaf made positive); (the points
    where the model has a value, how many were set aside for NaN or infinity)."""
    first = values_mod.leaf_values(program, given, seed)
    shapes = evaluate.check_shapes(program, first)
    out = [Point(first, evaluate.forward(program, first, shapes_checked=True))]
    skipped = 0
    domains = values_mod.leaf_domains(program)
    for k in range(count):
        leaves = {}
        for node in program.nodes.values():
            if not node.is_leaf:
                continue
            value = first[node.id]
            if node.role == "const" or node.counts is not None:
                leaves[node.id] = value
                continue
            kind = values_mod.leaf_kind(program, node, domains)
            leaves[node.id] = values_mod.random_value(
                node.id, np.shape(value), kind, 1_000_003 * (seed + 1) + k,
                values_mod.classes_of(program, shapes, node.id))
            if kind in WIDENED and k % 3 == 2:
                # every third point draws from [−4, 4]: a kink (max(0, 1 − y wᵀ x)) that
                # [−1, 1] never crosses is crossed, so a claim without its step fails
                leaves[node.id] = leaves[node.id] * 4.0
        point = _point(program, leaves)
        if point is None:                     # log, sqrt, …: try the same point made positive
            point = _point(program, {k: np.abs(v) for k, v in leaves.items()})
        if point is None:
            skipped += 1
        else:
            out.append(point)
    return out, skipped


def adjoint(program: Program, point: Point, of: str, wrt: str):
    """∂of/∂wrt at a point, from graphdraw's generic backprop walk (cached per `of`)."""
    grads = point.grads.get(of)
    if grads is None:
        every_leaf = {n.id for n in program.nodes.values() if n.is_leaf}
        try:
            grads = backprop.backward(program, point.vals, output=of, wrt=every_leaf)
        except evaluate.NumericError:
            grads = {}
        point.grads[of] = grads
    value = grads.get(wrt)
    if value is None:
        value = np.zeros_like(point.vals[wrt])
    return np.asarray(value, dtype=float)


def _point(program: Program, leaves: dict) -> Point | None:
    """The model at these leaves' values, or None where it has no value (NaN, infinity)."""
    try:
        return Point(leaves, evaluate.forward(program, leaves, shapes_checked=True))
    except evaluate.NumericError:
        return None


def truth(program: Program, point: Point, claim: Claim):
    """∂U/∂V (or its entry) at a point."""
    value = adjoint(program, point, claim.of, claim.wrt)
    return entry(program, claim.wrt, value, claim.index)


def entry(program: Program, node_id: str, value, index):
    """An entry of a node's value; of each sample's value for a value per sample (z_n[1])."""
    if index is None:
        return value
    if program.nodes[node_id].plate is not None:
        return value[(slice(None),) + tuple(index)]
    return value[index]


def claim_leaves(program: Program, claim: Claim, point: Point) -> dict:
    """The values of the claim's leaves at a point: the model's values it names, and the
    derivatives (∂L/∂ŷ) it uses, from backprop."""
    leaves = {}
    for leaf, (ref, index) in claim.leaves.items():
        if isinstance(ref, tuple):                   # ('∂', U, V): a derivative in EXPR
            value = adjoint(program, point, ref[1], ref[2])
        else:
            value = np.asarray(point.vals[ref], dtype=float)
        leaves[leaf] = entry(program, ref[2] if isinstance(ref, tuple) else ref, value, index)
    return leaves


def claimed(program: Program, claim: Claim, point: Point):
    """The claim's value at a point (NaN where it has none)."""
    leaves = claim_leaves(program, claim, point)
    if not claim.per_sample:
        vals = evaluate.forward(claim.program, leaves, checked=False)
        return np.asarray(vals[claim.program.output], dtype=float)
    sampled = {leaf for leaf, (ref, _) in claim.leaves.items() if per_sample(program, ref)}
    count = len(next(leaves[leaf] for leaf in sampled))
    out = []
    for k in range(count):                          # EXPR about one sample, sample by sample
        one = {leaf: v[k] if leaf in sampled else v for leaf, v in leaves.items()}
        vals = evaluate.forward(claim.program, one, checked=False)
        out.append(np.asarray(vals[claim.program.output], dtype=float))
    return np.stack(out)


@dataclass
class Sides:
    """Both sides of one claim at the points where the truth has a value."""

    truths: list
    claims: list
    points: list           # the Points used (same order)

    def agree(self) -> "np.ndarray":
        """Per point and entry: whether the claim agrees with the truth (truth's shape)."""
        return np.stack([close(c, t) for c, t in zip(self.claims, self.truths)])

    def max_rel_error(self) -> float | None:
        worst = 0.0
        for c, t in zip(self.claims, self.truths):
            if not np.all(np.isfinite(c)):
                return None
            scale = np.maximum(np.abs(c), np.abs(t))
            diff = np.abs(c - t)
            with np.errstate(all="ignore"):
                rel = np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), 0.0)
            worst = max(worst, float(np.max(rel, initial=0.0)))
        return worst


def close(c, t, rtol: float = RTOL) -> "np.ndarray":
    """Entry by entry: |c − t| ≤ rtol · max(|c|, |t|) + TINY · max |t| (NaN never agrees)."""
    with np.errstate(all="ignore"):
        scale = float(np.max(np.abs(t), initial=0.0))
        ok = np.abs(c - t) <= rtol * np.maximum(np.abs(c), np.abs(t)) + TINY * scale
    return ok & np.isfinite(c)


def sides(program: Program, pts: list[Point], claim: Claim) -> tuple[Sides, tuple | None]:
    """Both sides at every point; the second item is (claim's shape, truth's shape) when
    they differ (a vector claimed for a matrix is never broadcast)."""
    truths, claims, used = [], [], []
    mismatch = None
    for point in pts:
        t = truth(program, point, claim)
        if not np.all(np.isfinite(t)):
            continue
        c = claimed(program, claim, point)
        if c is None:
            c = np.full(t.shape, np.nan)
        if c.shape != t.shape:
            mismatch = mismatch or (c.shape, t.shape)
        truths.append(t)
        claims.append(c)
        used.append(point)
    return Sides(truths, claims, used), mismatch


def ratios(sides: Sides):
    """truth / claim at every point and entry where the claim is not 0; (ratios, whether the
    claim is 0 where the truth is not somewhere)."""
    parts, zero_wrong = [], False
    for c, t in zip(sides.claims, sides.truths):
        scale = float(np.max(np.abs(t), initial=0.0))
        with np.errstate(all="ignore"):
            usable = np.isfinite(c) & (np.abs(c) > TINY * max(scale, 1e-300))
            zero_wrong |= bool(np.any(~usable & (np.abs(t) > TINY * scale)))
            parts.append(np.where(usable, t / np.where(usable, c, 1.0), np.nan))
    return parts, zero_wrong


def constant_of(values: list) -> float | None:
    """The one number every finite entry of `values` equals, if there is one."""
    flat = np.concatenate([np.ravel(v) for v in values]) if values else np.array([])
    flat = flat[np.isfinite(flat)]
    if flat.size == 0:
        return None
    c = float(np.median(flat))
    if not np.all(np.abs(flat - c) <= RTOL * np.abs(c) + 1e-300):
        return None
    simple = float(Fraction(c).limit_denominator(64))      # −1 rather than −0.9999999999
    return simple if abs(simple - c) <= 1e-9 * abs(c) else c


def factor_text(c: float) -> str:
    """A constant as a person writes it: 2, 1/2, −3/4, 0.3183."""
    frac = Fraction(c).limit_denominator(64)
    if abs(float(frac) - c) <= 1e-9 * abs(c):
        text = str(frac)
    else:
        text = f"{c:.4g}"
    return text.replace("-", "−")
