"""The diagram's labels are verified: every op's local-derivative text, parsed back and
evaluated, combined with an adjoint as its row says, equals torch's vector-Jacobian product.

Parametrised over the op table, so a new row is tested without writing anything here (give
it a domain below only if it needs one, like log's positive operand).
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from graphdraw import ops
from graphdraw.analyses import check
from graphdraw.numeric import backprop, evaluate
from graphdraw.language import parser
from graphdraw.ops import shapes

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

ROWS = [row for row in ops.ROWS if row.style != "copy"]
POINTS = 3

# Operands that must be positive (the rest are drawn away from 0, and a from b, so that
# relu, abs, sign, step, max and min are evaluated away from their kinks and ties).
POSITIVE = {("log", 0), ("sqrt", 0), ("pow", 0), ("log1p", 0)}
# Operands drawn from an interval of their own: probabilities (bce's prediction, and its
# target, which torch checks lies in [0, 1]).
INTERVAL = {("bce", 0): (0.05, 0.95), ("bce", 1): (0.0, 1.0)}

# Shapes to try, by the row's shape rule (numpy's conventions for vectors).
CASES = {
    shapes.broadcast: [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((3,), ()), ((), (2, 3)),
                       ((2, 3), (3,))],
    shapes.same: [((),), ((3,),), ((2, 3),)],
    shapes.reduce: [((),), ((3,),), ((2, 3),)],
    shapes.transpose: [((),), ((3,),), ((2, 3),)],
    shapes.matmul: [((2, 3), (3, 4)), ((2, 3), (3,)), ((3,), (3, 4)), ((3,), (3,))],
    shapes.outer: [((3,), (4,))],
    shapes.same_pair: [((), ()), ((3,), (3,)), ((2, 3), (2, 3))],
    shapes.classes: [((3,), (3,)), ((5,), (5,))],
    shapes.vector: [((1,),), ((3,),), ((5,),)],
    shapes.class_indices: [((3,), ()), ((2, 3), (2,)), ((4, 5), (4,))],
    # onehot is not differentiable; its label 0 meets ḡ elementwise, which reaches a
    # vector of indices only through a matrix ḡ: one index is drawn
    shapes.one_hot: [((), (3,)), ((), (5,))],
}


def cases(row):
    return CASES.get(row.shape, [((),) * row.arity])


def params():
    for row in ROWS:
        for shape in cases(row):
            tag = "@".join("x".join(map(str, s)) or "scalar" for s in shape)
            yield pytest.param(row.name, shape, id=f"{row.name}-{tag}")


def operands(row, shape, rng):
    """Domain-safe random operand values for one row."""
    while True:
        args = []
        for position, s in enumerate(shape):
            if position == row.extra.get("classes", (None,))[0]:      # class indices
                classes = shape[row.extra["classes"][1]][-1]
                args.append(rng.integers(0, classes, size=s).astype(float))
                continue
            if (row.name, position) in INTERVAL:
                args.append(rng.uniform(*INTERVAL[row.name, position], size=s).astype(float))
                continue
            magnitude = rng.uniform(0.3, 2.0, size=s)
            sign = 1.0 if (row.name, position) in POSITIVE else rng.choice([-1.0, 1.0], size=s)
            args.append(np.asarray(magnitude * sign, dtype=float))
        if len(args) < 2 or row.shape is not shapes.broadcast \
                or np.all(np.abs(np.subtract(*args)) > 0.1):
            return args


def promoted(row, a, b):
    """The 2-D shapes a matrix-style product works with: a vector is a row on the left and a
    column on the right of `@`; an outer product is a column times a row."""
    if row.name == "outer":
        return (a.size, 1), (1, b.size)
    return ((1, a.size) if a.ndim == 1 else a.shape), ((b.size, 1) if b.ndim == 1 else b.shape)


def as_2d(d, shape):
    """A derivative as the matrix it stands for: a vector is promoted, a matrix must fit."""
    d = np.asarray(d, dtype=float)
    if d.ndim == 2:
        assert d.shape == shape, f"the derivative is {d.shape}, the product needs {shape}"
        return d
    return d.reshape(shape)


def combine(row, position, d, g, args):
    """∂L/∂operand from the local derivative D and the adjoint ḡ, as the row's combine says."""
    kind = row.combines()[position]
    target = args[position].shape
    if kind == "elementwise":
        return ops.unbroadcast(g * d, target)
    if kind == "transpose":
        return np.asarray(g * d).T
    # over the last axis: a matrix's softmax is each row's
    total = (lambda x: np.sum(x, axis=-1, keepdims=True)) if np.ndim(d) else np.sum
    if kind == "softmax":                        # D ⊙ (ḡ − ⟨ḡ, D⟩)
        return d * (g - total(g * d))
    if kind == "log_softmax":                    # ḡ − D ⟨ḡ, 1⟩
        return g - d * total(g)
    a2, b2 = promoted(row, *args)
    g2 = np.reshape(g, (a2[0], b2[1]))
    if kind == "matmul_left":                    # ḡ D, D = Bᵀ
        return (g2 @ as_2d(d, (b2[1], b2[0]))).reshape(target)
    if kind == "matmul_right":                   # Dᵀ ḡ, D = A
        return (as_2d(d, a2).T @ g2).reshape(target)
    raise AssertionError(f"unknown combine {kind!r}")


def torch_vjp(row, args, g):
    """torch's ∂L/∂operands for L = ⟨ḡ, op(operands)⟩ (zeros where torch has no gradient)."""
    ts = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in args]
    out = (row.torch_forward or row.forward)(*ts)
    if not out.requires_grad:
        return [np.zeros_like(a) for a in args], out
    found = torch.autograd.grad(out, ts, grad_outputs=torch.tensor(g, dtype=torch.float64),
                                allow_unused=True)
    return [np.zeros_like(a) if f is None else f.numpy() for a, f in zip(args, found)], out


def template_value(template: str, bindings: dict):
    program = parser.parse("t_ = " + template)
    leaves = {n.id: bindings[n.id] for n in program.nodes.values() if n.is_leaf}
    return evaluate.forward(program, leaves)[program.output]


@pytest.mark.parametrize("name, shape", list(params()))
def test_local_derivative_labels_match_torch(name, shape):
    row = ops.OPS[name]
    rng = np.random.default_rng(zlib.crc32(repr((name, shape)).encode()))
    for _ in range(POINTS):
        args = operands(row, shape, rng)
        out = np.asarray(row.forward(*args), dtype=float)
        g = rng.normal(size=out.shape)
        expected, torch_out = torch_vjp(row, args, g)
        assert np.allclose(out, torch_out.detach().numpy(), rtol=1e-13, atol=1e-15)
        bindings = dict(zip("ab", args), out=out)
        for position, template in enumerate(row.derivs):
            d = template_value(template, bindings)
            got = combine(row, position, d, g, args)
            assert got.shape == args[position].shape, (template, got.shape)
            assert np.allclose(got, expected[position], rtol=1e-10, atol=1e-12), (
                f"∂{name}/∂{'ab'[position]} = {template} gives {got}, torch {expected[position]}")


@pytest.mark.parametrize("name, shape", list(params()))
def test_vjp_rows_match_torch(name, shape):
    row = ops.OPS[name]
    rng = np.random.default_rng(zlib.crc32(repr((name, shape, "vjp")).encode()))
    for _ in range(POINTS):
        args = operands(row, shape, rng)
        out = np.asarray(row.forward(*args), dtype=float)
        g = rng.normal(size=out.shape)
        expected, _ = torch_vjp(row, args, g)
        got = row.vjp(g, out, *args)
        assert len(got) == row.arity
        for position, (mine, theirs) in enumerate(zip(got, expected)):
            mine = np.asarray(mine, dtype=float)
            assert mine.shape == args[position].shape
            assert np.allclose(mine, theirs, rtol=1e-10, atol=1e-12), (name, position)


def autograd_names(tensor) -> set[str]:
    """The names of the autograd nodes behind a tensor, leaves' AccumulateGrad excluded."""
    found, stack, seen = set(), [tensor.grad_fn], set()
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        if type(fn).__name__ != "AccumulateGrad":
            found.add(type(fn).__name__)
        stack.extend(u for u, _ in fn.next_functions)
    return found


# torch 2.13 builds outer(a, b) as a.view(-1, 1) * b: a ViewBackward0 the table lacks.
NAME_GAPS: dict[str, str] = {}     # op -> why its autograd names are known to be incomplete


@pytest.mark.parametrize("name, shape", [
    pytest.param(*p.values, id=p.id, marks=[pytest.mark.xfail(reason=NAME_GAPS[p.values[0]],
                                                              strict=True)]
                 if p.values[0] in NAME_GAPS else []) for p in params()])
def test_autograd_node_names_are_in_the_op_table(name, shape):
    row = ops.OPS[name]
    args = operands(row, shape, np.random.default_rng(0))
    ts = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in args]
    out = (row.torch_forward or row.forward)(*ts)
    names = autograd_names(out) if out.requires_grad else set()
    assert names <= set(row.torch), f"{name}: torch made {sorted(names - set(row.torch))}"
    if row.differentiable and row.name not in ("transpose",):
        assert names, f"{name}: torch made no autograd node"


@pytest.mark.parametrize("text, expected", [
    ("L = a^2", "PowBackward0"), ("L = 2^a", "PowBackward2"), ("L = a^b", "PowBackward1"),
    ("L = 1 - a", "RsubBackward1"), ("L = a - 1", "SubBackward0"),
    ("L = 2 / a", "DivBackward0"), ("L = a / 2", "DivBackward0"),
    ("L = 1 + a", "AddBackward0"), ("L = 2 a", "MulBackward0"),
])
def test_constant_operands_build_the_named_nodes(text, expected):
    program = parser.parse(text)
    given = {n.id: np.array(1.5) for n in program.nodes.values() if n.is_leaf}
    tensors = check.build_torch(program, given)
    names = autograd_names(tensors["L"])
    assert names == {expected}
    assert expected in ops.OPS[program.nodes["L"].op].torch


# --- the named view: each edge's derivative composed through the unnamed steps -------------

def _named_edges(name):
    """(program, named graph, values of every node) of a built-in example without plates."""
    from graphdraw.core import graph as graph_mod, named
    from graphdraw.language import examples
    from graphdraw.numeric import values as values_mod
    program = parser.parse(examples.text(name))
    vals = evaluate.forward(program, values_mod.leaf_values(program, {}, 0))
    return program, named.view(graph_mod.build(program), "named"), vals


def _torch_vjp_of_edge(program, vals, tail, head, via, g):
    """torch's ∂⟨ḡ, head⟩/∂tail with every other named value held fixed: head recomputed
    from the tail through exactly the unnamed steps the edge stands for."""
    inside = {v for _, v, _ in via}
    t = {tail: torch.tensor(np.asarray(vals[tail], dtype=float), requires_grad=True)}
    for node_id, node in program.nodes.items():
        if node_id not in inside:
            continue
        row = ops.OPS[node.op]
        args = [t[a] if a in t else torch.tensor(np.asarray(vals[a], dtype=float))
                for a in node.args]
        t[node_id] = (row.torch_forward or row.forward)(*args)
    (found,) = torch.autograd.grad(t[head], [t[tail]], torch.tensor(g), allow_unused=True)
    return np.zeros_like(vals[tail]) if found is None else found.numpy()


def _chain_vjp(program, vals, tail, head, via, g):
    """The edge's derivative applied to ḡ step by step: each full-graph edge's own label,
    evaluated and combined as its op row says (the check above), summed over the paths."""
    adjoint = {head: g}
    for u, v, position in sorted(via, key=lambda e: -list(program.nodes).index(e[1])):
        node = program.nodes[v]
        row = ops.OPS[node.op]
        args = [np.asarray(vals[a], dtype=float) for a in node.args]
        operands = dict(zip("ab", args), out=np.asarray(vals[v], dtype=float))
        d = backprop.local_derivative(row.derivs[position], operands)
        sent = combine(row, position, d, adjoint[v], args)
        adjoint[u] = adjoint.get(u, 0) + sent
    return adjoint[tail]


def _without_plates():
    from graphdraw.language import examples
    return [name for name in examples.names()
            if all(n.plate is None for n in parser.parse(examples.text(name)).nodes.values())]


# (A model with a sum over samples holds a leading axis of samples in its values.)
NAMED_EXAMPLES = _without_plates()


@pytest.mark.parametrize("name", NAMED_EXAMPLES)
def test_named_view_derivatives_match_torch(name):
    """Every edge of the named view (∂a/∂W_i, ∂L/∂ŷ = ŷ − y, ...) against torch, and its
    printed formula, parsed back and evaluated, wherever the formula is the derivative
    itself (elementwise, a gradient of a scalar, or a Jacobian matrix)."""
    program, named, vals = _named_edges(name)
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    env = {n: np.asarray(v, dtype=float) for n, v in vals.items()}
    formulas = 0
    for tail, head, data in named.edges(data=True):
        via = [tuple(e) for e in data["via"]]
        g = rng.normal(size=np.shape(vals[head]))
        expected = _torch_vjp_of_edge(program, vals, tail, head, via, g)
        got = _chain_vjp(program, vals, tail, head, via, g)
        assert np.allclose(got, expected, rtol=1e-9, atol=1e-12), (name, tail, head)
        label = parser.parse("t_ = " + data["local_grad"])
        try:
            d = np.asarray(evaluate.forward(label, {n.id: env[n.id] for n in
                                                    label.nodes.values() if n.is_leaf}
                                            )[label.output], dtype=float)
        except evaluate.ShapeMismatchError:   # (1 − h²) xᵀ: a column times a row, read
            continue                          # by the language as elementwise
        tail_shape, head_shape = np.shape(vals[tail]), np.shape(vals[head])
        elementwise = all(ops.OPS[program.nodes[v].op].combines()[p] == "elementwise"
                          for _, v, p in via)
        if elementwise or (head_shape == () and d.shape == tail_shape):
            shown = ops.unbroadcast(g * d, tail_shape)
        elif d.shape == (int(np.prod(head_shape)), int(np.prod(tail_shape))) \
                and len(head_shape) == len(tail_shape) == 1 and all(
                    ops.OPS[program.nodes[v].op].derivs[p] in ("1", "-1")
                    for _, v, p in via if ops.OPS[program.nodes[v].op].combines()[p]
                    == "elementwise"):
            shown = d.T @ g                  # a Jacobian: ∂a/∂x = W_iᵀ
        else:
            continue
        assert np.allclose(shown, expected, rtol=1e-9, atol=1e-12), (
            f"{name}: ∂{head}/∂{tail} = {data['local_grad']} gives {shown}, torch {expected}")
        formulas += 1
    if name == "xor":        # all but ∂a/∂W_i = xᵀ (a row that an outer product reads)
        assert formulas == named.number_of_edges() - 1 == 8
