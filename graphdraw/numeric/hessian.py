"""The Hessian of a model's output: forward-mode differentiation of graphdraw's own backprop.

A Hessian-vector product H v is the derivative of the gradient along v. The gradient is the
generic backprop walk of backprop.py: every node sends each operand combine(ḡ, D), the
adjoint ḡ of its result meeting the row's local derivative D (README, "Edges"). Along v,
every quantity of that walk gets a tangent (written with a dot), and by the product rule

    d/dt combine(ḡ, D) = combine(ġ, D) + combine(ḡ, Ḋ)

(softmax's and log_softmax's rules are not linear in D: their second term is
`vjp_combine_tangent`.)

The first term is the row's own VJP applied to the adjoint's tangent ġ, which flows back
exactly like the adjoint. The second needs Ḋ, the tangent of the local derivative. D is
text in the equation language over `a`, `b` and `out`, so it is a small program of its own,
and Ḋ is its forward-mode derivative, from the tangents ȧ, ḃ, ȯut that a forward tangent
pass over the model gives. Both forward passes use the same rule for every op: a tangent
is pushed through an edge by the transpose of the edge's combine rule (`jvp_combine`).

Everything is exact: no finite differences. The Hessian is H e_j for each unit vector e_j,
one forward-over-reverse pass per parameter entry. torch.autograd.functional.hessian is the
reference in the tests; this module never imports torch.
"""

from __future__ import annotations

from typing import Iterable

from graphdraw import ops
from graphdraw.numeric import backprop, evaluate
from graphdraw.core import plates
from graphdraw.errors import GraphdrawError
from graphdraw.lazy import np
from graphdraw.language.program import Program
from graphdraw.ops import matmul as batched

Index = list[tuple[str, tuple[int, ...]]]


# -- combine rules, both ways ------------------------------------------------------------

def _batched_vjp(kind: str, g, d, target_shape: tuple[int, ...]):
    """matmul's rules with a batch (3-D) on either side: D = Bᵀ (each matrix transposed)
    on the left, D = A on the right; a shared operand collects the sum over the batch."""
    if kind == "matmul_left":
        return batched.grad_left(g, batched.mT(d), target_shape)
    return batched.grad_right(g, d, target_shape)


def _row_sum(x):
    """softmax's ⟨·,·⟩: a sum over the last axis (row by row), kept to broadcast back."""
    return np.sum(x, axis=-1, keepdims=True)


def vjp_combine(kind: str, g, d, target_shape: tuple[int, ...]):
    """What an edge sends back to its operand: the adjoint ḡ of the result meets the local
    derivative D as the edge's combine rule says (elementwise, matmul_left, matmul_right,
    transpose, softmax, log_softmax, along:<axis>), giving an array of the operand's shape."""
    g = np.asarray(g, dtype=float)
    d = np.asarray(d, dtype=float)
    if kind == "elementwise":
        return ops.unbroadcast(g * d, tuple(target_shape))
    if kind.startswith("along:"):          # ḡ with the reduced axis put back, ⊙ D
        g = np.expand_dims(g, int(kind[6:]))
        return np.broadcast_to(g * d, tuple(target_shape)).copy()
    if kind == "transpose":
        return batched.mT(g * d)
    if kind.startswith("matmul") and max(g.ndim, d.ndim, len(target_shape)) >= 3:
        return _batched_vjp(kind, g, d, tuple(target_shape))
    if kind == "matmul_left":              # ∂L/∂A = ḡ D with D = Bᵀ (outer: D = b)
        if g.ndim == 0 or d.ndim == 0:
            result = g * d
        elif g.ndim == 1 and d.ndim == 1 and len(target_shape) == 2:
            result = np.multiply.outer(g, d)
        else:
            result = g @ d
    elif kind == "matmul_right":           # ∂L/∂B = Dᵀ ḡ with D = A (outer: D = a)
        if g.ndim == 0 or d.ndim == 0:
            result = d * g
        elif g.ndim == 1 and d.ndim == 1 and len(target_shape) == 2:
            result = np.multiply.outer(d, g)
        else:
            result = d.T @ g
    elif kind == "softmax":                # D ⊙ (ḡ − ⟨ḡ, D⟩), D = softmax(a)
        result = d * (g - _row_sum(g * d))
    elif kind == "log_softmax":            # ḡ − D ⟨ḡ, 1⟩, D = softmax(a)
        result = g - d * _row_sum(g)
    else:
        raise ValueError(f"unknown combine rule {kind!r}")
    return np.reshape(result, target_shape)


def vjp_combine_tangent(kind: str, g, d, d_dot, target_shape: tuple[int, ...]):
    """How an edge's message moves when its local derivative moves by Ḋ (ḡ held): for the
    rules linear in D, vjp_combine(ḡ, Ḋ); softmax's and log_softmax's are not linear in D."""
    g = np.asarray(g, dtype=float)
    d, d_dot = np.asarray(d, dtype=float), np.asarray(d_dot, dtype=float)
    if kind == "softmax":
        moved = d_dot * (g - _row_sum(g * d)) - d * _row_sum(g * d_dot)
        return np.reshape(moved, target_shape)
    if kind == "log_softmax":
        return np.reshape(-d_dot * _row_sum(g), target_shape)
    return vjp_combine(kind, g, d_dot, target_shape)


def jvp_combine(kind: str, d, t, out_shape: tuple[int, ...]):
    """How a tangent ṫ of an operand moves the result: the transpose of `vjp_combine`.

    For every kind, ⟨ḡ, jvp_combine(D, ṫ)⟩ = ⟨vjp_combine(ḡ, D), ṫ⟩ (a test checks it for
    every row of the op table).
    """
    d = np.asarray(d, dtype=float)
    t = np.asarray(t, dtype=float)
    if kind == "elementwise":
        return _fit(d * t, tuple(out_shape))
    if kind.startswith("along:"):          # Σ along the axis of D ⊙ ṫ
        return np.reshape(np.sum(d * t, axis=int(kind[6:])), out_shape)
    if kind == "transpose":
        return batched.mT(d * t)
    if kind == "matmul_left":              # Ȧ B, with D = Bᵀ (of each matrix of a batch)
        if d.ndim >= 2:
            result = t @ batched.mT(d)
        elif len(out_shape) == 2 and t.ndim == 1:      # outer(ȧ, b)
            result = np.multiply.outer(t, d)
        else:
            result = t @ d
    elif kind == "matmul_right":           # A Ḃ, with D = A
        if len(out_shape) == 2 and d.ndim == 1 and t.ndim == 1:   # outer(a, ḃ)
            result = np.multiply.outer(d, t)
        else:
            result = d @ t
    elif kind == "softmax":                # (diag(D) − D Dᵀ) ṫ: the Jacobian is symmetric
        result = d * (t - _row_sum(t * d))
    elif kind == "log_softmax":            # (I − 1 Dᵀ) ṫ
        result = t - _row_sum(d * t)
    else:
        raise ValueError(f"unknown combine rule {kind!r}")
    return np.reshape(result, out_shape)


def _fit(x, shape: tuple[int, ...]):
    """An elementwise tangent brought to the result's shape: broadcast up, or summed to a
    scalar (the reductions sum and mean, whose local derivative is elementwise)."""
    if x.shape == shape:
        return x
    if shape == ():
        return np.asarray(x.sum())
    return np.broadcast_to(x, shape).copy()


# -- forward-mode tangents through a program ---------------------------------------------

def _tangents(program: Program, vals: dict, local: dict, seeds: dict) -> dict:
    """The tangent of every node, from the tangents of (some of) its leaves.

    `local[(operand, node, position)]` is the value of each edge's local derivative. A
    tangent that is zero by structure is None, so that an edge whose local derivative is
    undefined there (log of a negative base, for a constant exponent) is never touched.
    """
    tan: dict = {}
    for node in program.nodes.values():
        if node.op is None:
            tan[node.id] = seeds.get(node.id) if node.is_leaf else None
            continue
        row = ops.OPS[node.op]
        total = None
        if row.differentiable:
            kinds = row.combines()
            out_shape = np.shape(vals[node.id])
            for position, arg in enumerate(node.args):
                t = tan.get(arg)
                if t is None:
                    continue
                part = jvp_combine(kinds[position], local[(arg, node.id, position)], t,
                                   out_shape)
                total = part if total is None else total + part
        tan[node.id] = total
    return tan


_TEMPLATES: dict[str, Program] = {}


def _template_program(template: str) -> Program:
    program = _TEMPLATES.get(template)
    if program is None:
        from graphdraw.language.parser import parse
        program = _TEMPLATES[template] = parse("t_ = " + template, syntax="plain")
    return program


def _local_values(program: Program, vals: dict, keep=None) -> dict:
    """The value of the local derivative on every edge (into a node of `keep`, if given)."""
    local = {}
    for node in program.nodes.values():
        if node.op is None:
            continue
        row = ops.OPS[node.op]
        operands = dict(zip("ab", (vals[a] for a in node.args)), out=vals[node.id])
        for position, arg in enumerate(node.args):
            if keep is None or arg in keep:
                local[(arg, node.id, position)] = backprop.local_derivative(
                    row.derivs[position], operands)
    return local


class _Template:
    """One edge's local derivative as a program, evaluated at the edge's operands: all that
    its tangent needs besides the operands' tangents."""

    def __init__(self, template: str, operands: dict) -> None:
        self.program = _template_program(template)
        self.leaves = [n.id for n in self.program.nodes.values() if n.is_leaf]
        values = {name: operands[name] for name in self.leaves}
        self.vals = forward_values(self.program, values)
        self.local = _local_values(self.program, self.vals)

    def tangent(self, seeds: dict):
        """Ḋ from the tangents of a, b and out (None: zero)."""
        seeds = {k: v for k, v in seeds.items() if k in self.leaves and v is not None}
        if not seeds:
            return None
        return _tangents(self.program, self.vals, self.local, seeds)[self.program.output]


def forward_values(program: Program, values: dict) -> dict:
    """A template's forward pass (no shape checks: its operands come from a checked model)."""
    out: dict = {}
    with np.errstate(all="ignore"):
        for node in program.nodes.values():
            if node.is_leaf:
                out[node.id] = np.asarray(values[node.id], dtype=float)
            elif node.is_const:
                out[node.id] = np.asarray(node.value, dtype=float)
            else:
                out[node.id] = np.asarray(ops.OPS[node.op].forward(
                    *[out[a] for a in node.args]), dtype=float)
    return out


# -- the model at one point --------------------------------------------------------------

class Point:
    """A model at one point, ready for Hessian-vector products with respect to `leaves`.

    The forward values, the adjoints of the first backward pass and the local derivatives
    do not depend on the direction v, so they are computed once here.
    """

    def __init__(self, program: Program, leaf_values: dict, leaves: Iterable[str]) -> None:
        from graphdraw.errors import GraphdrawError
        self.leaves = list(leaves)
        for leaf in self.leaves:
            node = program.nodes.get(leaf)
            if node is None or not node.is_leaf:
                raise GraphdrawError(f"'{leaf}' is not a leaf of the model")
            if node.plate is not None:
                raise GraphdrawError(f"'{leaf}' holds one value per sample {node.plate}; the "
                                     "Hessian is taken with respect to leaves that all samples "
                                     "share", hint="choose other leaves with --wrt")
        # Plates (values per sample, Σ_n) become plain nodes, sample by sample.
        program, leaf_values = plates.unroll(program, leaf_values)
        self.program = program
        self.vals = evaluate.forward(program, leaf_values)
        self.wants = backprop.needs_grad(program, set(self.leaves))
        self.adjoints = backprop.backward(program, self.vals, wrt=set(self.leaves))
        self.local = _local_values(program, self.vals, keep=self.wants)
        self._templates: dict = {}
        self.shapes = {leaf: np.shape(self.vals[leaf]) for leaf in self.leaves}

    @property
    def value(self):
        """The output at this point (an array; summed by the derivatives if not scalar)."""
        return self.vals[self.program.output]

    def gradient(self) -> dict:
        """∂output/∂leaf for each leaf (zeros where the output does not depend on it)."""
        return {leaf: np.asarray(self.adjoints.get(leaf, np.zeros(self.shapes[leaf])),
                                 dtype=float) for leaf in self.leaves}

    def _template(self, node, position: int) -> _Template:
        key = (node.id, position)
        found = self._templates.get(key)
        if found is None:
            operands = dict(zip("ab", (self.vals[a] for a in node.args)),
                            out=self.vals[node.id])
            found = self._templates[key] = _Template(ops.OPS[node.op].derivs[position],
                                                     operands)
        return found

    def hvp(self, direction: dict, trace: bool = False) -> dict:
        """H v: the derivative of the gradient along v = {leaf: array of its shape}.
        `trace`: a NumericError at the first node whose part of H v is not finite."""
        program, vals = self.program, self.vals
        seeds = {leaf: np.asarray(direction[leaf], dtype=float)
                 for leaf in self.leaves if leaf in direction}
        tan = _tangents(program, vals, self.local, seeds)
        adj_t: dict = {}                   # tangents of the adjoints
        with np.errstate(all="ignore"):
            for node in reversed(program.nodes.values()):
                if node.op is None or node.id not in self.adjoints:
                    continue
                row = ops.OPS[node.op]
                if not row.differentiable:
                    continue
                g_dot = adj_t.get(node.id)
                args = [vals[a] for a in node.args]
                first = row.vjp(g_dot, vals[node.id], *args) if g_dot is not None else None
                kinds = row.combines()
                for position, arg in enumerate(node.args):
                    if arg not in self.wants:
                        continue
                    part = None if first is None else np.asarray(first[position], dtype=float)
                    seeds_d = dict(zip("ab", (tan.get(a) for a in node.args)),
                                   out=tan.get(node.id))
                    d_dot = (self._template(node, position).tangent(seeds_d)
                             if any(v is not None for v in seeds_d.values()) else None)
                    if d_dot is not None:
                        extra = vjp_combine_tangent(
                            kinds[position], self.adjoints[node.id],
                            self.local[(arg, node.id, position)], d_dot, np.shape(vals[arg]))
                        part = extra if part is None else part + extra
                    if part is not None:
                        if trace and not np.isfinite(part).all():
                            raise _not_twice_differentiable(program, node.id)
                        adj_t[arg] = adj_t[arg] + part if arg in adj_t else part
        return {leaf: np.asarray(adj_t.get(leaf, np.zeros(self.shapes[leaf])), dtype=float)
                for leaf in self.leaves}

    def index(self) -> Index:
        """(leaf, entry) for each flattened parameter entry, in order (C order per leaf)."""
        return flat_index(self.leaves, self.shapes)

    def hessian(self):
        """The P×P Hessian, one Hessian-vector product per column."""
        index = self.index()
        size = len(index)
        H = np.zeros((size, size))
        for j, (leaf, entry) in enumerate(index):
            e = {leaf: np.zeros(self.shapes[leaf])}
            e[leaf][entry] = 1.0
            H[:, j] = flatten(self.hvp(e), self.leaves)
            if not np.isfinite(H[:, j]).all():      # again, to name the node
                self.hvp(e, trace=True)
        return H


def _not_twice_differentiable(program: Program, node_id: str):
    node = program.nodes[node_id]
    shown = f"'{node.name}'" if node.name else "the value"
    return evaluate.at_node(
        program, node_id, f"the Hessian is not finite at this point: the second derivative "
        f"through {shown} ({node.op}, line {node.line}) is infinite or NaN, where {node.op} "
        "is not twice differentiable (as ‖x‖ at x = 0)",
        hint="take another point with --set or --seed, or write ‖W‖² as sum(W^2)")


def flat_index(leaves: list[str], shapes: dict) -> Index:
    """The flattened entries of the leaves: [(leaf, (i, j, …)), …], 0-based, C order."""
    return [(leaf, tuple(int(i) for i in entry)) for leaf in leaves
            for entry in np.ndindex(*shapes[leaf])]


def flatten(arrays: dict, leaves: list[str]):
    """The leaves' arrays as one vector, in the order of `flat_index`."""
    parts = [np.ravel(np.asarray(arrays[leaf], dtype=float)) for leaf in leaves]
    return np.concatenate(parts) if parts else np.zeros(0)


def unflatten(vector, leaves: list[str], shapes: dict) -> dict:
    """The inverse of `flatten`: {leaf: array of its shape}."""
    out, start = {}, 0
    for leaf in leaves:
        size = int(np.prod(shapes[leaf], dtype=int))
        out[leaf] = np.reshape(np.asarray(vector[start:start + size], dtype=float),
                               shapes[leaf])
        start += size
    return out


def entry_name(leaf: str, entry: tuple[int, ...]) -> str:
    """An entry as the grads command names it, 1-based: W_i[1,2], b (a scalar)."""
    return leaf if not entry else f"{leaf}[{','.join(str(i + 1) for i in entry)}]"


def pretty_entry(leaf: str, entry: tuple[int, ...]) -> str:
    """An entry as the reports print it: 1-based, the leaf named by names.pretty."""
    from graphdraw.language.names import pretty
    return pretty(leaf) + (f"[{','.join(str(i + 1) for i in entry)}]" if entry else "")


# -- the public interface -----------------------------------------------------------------

def hessian(program: Program, leaf_values: dict, leaves: Iterable[str]):
    """(H, index): the Hessian of the output (summed if not a scalar) with respect to the
    flattened entries of `leaves`, at `leaf_values` (as values.leaf_values gives them).

    index[k] = (leaf, entry) names row and column k (entry 0-based, C order within a leaf).
    H comes from exact forward-over-reverse products, not symmetrised: its asymmetry is
    rounding only (max |H − Hᵀ| is a check worth printing).
    """
    point = Point(program, leaf_values, leaves)
    return point.hessian(), point.index()


def gradient(program: Program, leaf_values: dict, leaves: Iterable[str]):
    """(output value, flattened gradient, index) at `leaf_values`."""
    point = Point(program, leaf_values, leaves)
    return point.value, flatten(point.gradient(), point.leaves), point.index()


def eigenvalues(H):
    """The eigenvalues of the symmetric part of H, ascending; an error when H is not finite."""
    H = np.asarray(H, dtype=float)
    bad = int(H.size - np.isfinite(H).sum())
    if bad:
        raise GraphdrawError(
            f"the Hessian is not finite at this point ({bad} of its {H.size} entries are "
            "infinite or NaN): an op is not twice differentiable here, such as ‖x‖ at x = 0",
            hint="take another point with --set or --seed, or write ‖W‖² as sum(W^2)")
    return np.linalg.eigvalsh((H + H.T) / 2)


def tolerance(values) -> float:
    """Eigenvalues within this of 0 count as zero: P · ε · max |λ| (as numpy's matrix_rank)."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return 0.0
    return float(values.size * np.finfo(float).eps * np.abs(values).max())


def index(H, tol: float | None = None) -> float:
    """The index of a critical point (Dauphin et al. 2014): the fraction of H's eigenvalues
    that are negative. Eigenvalues within `tol` of zero (default `tolerance`) do not count.

    >>> index([[1.0, 0.0], [0.0, -2.0]]), index([[2.0, 0.0], [0.0, 3.0]])
    (0.5, 0.0)
    """
    values = eigenvalues(H)
    if values.size == 0:
        return 0.0
    tol = tolerance(values) if tol is None else tol
    return float(np.count_nonzero(values < -tol)) / values.size


def newton_direction(H, g, *, damping: float = 1e-3, absolute: bool = False):
    """The step direction d of a Newton method; the caller steps params -= lr * d.

    Newton (absolute=False) solves (H + damping I) d = g: near a saddle it moves towards
    it, since along a direction of negative curvature it climbs. Saddle-free Newton
    (absolute=True, Dauphin et al. 2014) divides by |λ| instead of λ,
    d = V diag(1/(|λ| + damping)) Vᵀ g with H = V diag(λ) Vᵀ, so it always descends,
    faster along directions of small curvature.

    >>> newton_direction([[2.0, 0.0], [0.0, -4.0]], [2.0, 4.0], damping=0.0)
    array([ 1., -1.])
    >>> newton_direction([[2.0, 0.0], [0.0, -4.0]], [2.0, 4.0], damping=0.0, absolute=True)
    array([1., 1.])
    """
    H = np.asarray(H, dtype=float)
    g = np.asarray(g, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] != g.size:
        raise ValueError(f"newton_direction: H is {H.shape}, g has {g.size} entries")
    if absolute:
        lam, V = np.linalg.eigh((H + H.T) / 2)
        return V @ ((V.T @ g.ravel()) / (np.abs(lam) + damping))
    A = H + damping * np.eye(H.shape[0])
    try:
        return np.linalg.solve(A, g.ravel())
    except np.linalg.LinAlgError:           # singular: the least-squares step
        return np.linalg.lstsq(A, g.ravel(), rcond=None)[0]


__all__ = ["Point", "hessian", "gradient", "eigenvalues", "index", "newton_direction",
           "vjp_combine", "vjp_combine_tangent", "jvp_combine", "flat_index", "flatten",
           "unflatten", "entry_name", "tolerance"]
