"""Property tests: random expression trees over the op table, written as model text, parsed,
and differentiated by graphdraw's backprop, agree with torch autograd (float64, relative
error ≤ 1e-9) and pass torch's gradcheck on the torch build of the same program.

Trees are domain-safe by construction: log, sqrt and division see softplus(...) + c > 0;
exp sees a tanh; relu, abs, max and min see leaves only, whose values keep away from 0 and
from each other (so no kink or tie is ever hit, and finite differences are meaningful).

Two places where 1e-9 is beyond what float64 can promise are kept out with `assume`:
- tanh and sigmoid far out in their tails: both sides compute the derivative from the result,
  1 − out², and a one-ulp difference between numpy's and torch's tanh near ±1 is a relative
  error of ulp / (1 − out²) in the gradient (1e-8 at tanh(9));
- softplus beyond 20: torch returns x itself there (its `threshold=20`) and a derivative of
  exactly 1, where graphdraw keeps log1p(exp(-x)) and sigmoid(x): 2e-9 apart at x = 20.
`graphdraw check`'s default rtol of 1e-7 covers both.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from graphdraw import ops
from graphdraw.analyses import check
from graphdraw.numeric import backprop, evaluate
from graphdraw.language import parser
from graphdraw.ops import shapes

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

SCALARS = ("s0", "s1")
VECTORS = ("v0", "v1")          # length 3
MATRICES = ("M0",)              # 3×3
LEAVES = SCALARS + VECTORS + MATRICES
HEADER = "param v0[3], v1[3], M0[3, 3]\ntarget k0[3]\n"    # k0: class indices of M0's rows
INDICES = np.array([2.0, 0.0, 1.0])
RANK = {"s": 0, "v": 1, "m": 2}


def leaf(kind: str):
    names = {"s": SCALARS, "v": VECTORS, "m": MATRICES}[kind]
    return st.sampled_from(names).map(lambda n: (n, kind))


LEAF = st.one_of(leaf("s"), leaf("v"), leaf("m"))


def widest(*kinds: str) -> str:
    return max(kinds, key=RANK.get)


def _extend(children):
    """One more level of the tree over `children` ((text, kind) pairs)."""
    pos = lambda e: f"(softplus({e[0]}) + 0.5)"       # noqa: E731 - a positive operand
    return st.one_of(
        st.tuples(st.sampled_from(["+", "-", "*"]), children, children).map(
            lambda t: (f"({t[1][0]} {t[0]} {t[2][0]})", widest(t[1][1], t[2][1]))),
        st.tuples(st.sampled_from(["+", "-", "*"]), children, children).map(
            lambda t: (f"({t[1][0]} {t[0]} {t[2][0]})", widest(t[1][1], t[2][1]))),
        st.tuples(children, children).filter(lambda t: "s" not in (t[0][1], t[1][1])).map(
            lambda t: (f"({t[0][0]} @ {t[1][0]})",
                       {("v", "v"): "s", ("v", "m"): "v", ("m", "v"): "v",
                        ("m", "m"): "m"}[(t[0][1], t[1][1])])),
        st.tuples(children, children).filter(lambda t: t[0][1] == t[1][1] == "v").map(
            lambda t: (f"outer({t[0][0]}, {t[1][0]})", "m")),
        st.tuples(children, children).map(
            lambda t: (f"({t[0][0]} / {pos(t[1])})", widest(t[0][1], t[1][1]))),
        st.tuples(st.sampled_from(["sum", "mean"]), children)
          .map(lambda t: (f"{t[0]}({t[1][0]})", "s")),
        st.tuples(st.sampled_from(["max", "min"]), LEAF, LEAF)
          .filter(lambda t: t[1][0] != t[2][0])
          .map(lambda t: (f"{t[0]}({t[1][0]}, {t[2][0]})", widest(t[1][1], t[2][1]))),
        st.tuples(st.sampled_from(["relu", "abs"]), LEAF)
          .map(lambda t: (f"{t[0]}({t[1][0]})", t[1][1])),
        st.tuples(st.sampled_from(["sigmoid", "tanh", "softplus"]), children)
          .map(lambda t: (f"{t[0]}({t[1][0]})", t[1][1])),
        st.tuples(children, children).map(lambda t: (f"({pos(t[0])}^tanh({t[1][0]}))",
                                                     widest(t[0][1], t[1][1]))),
        children.map(lambda e: (f"(-{e[0]})", e[1])),
        children.map(lambda e: (f"exp(tanh({e[0]}))", e[1])),
        st.tuples(st.sampled_from(["log", "sqrt"]), children)
          .map(lambda t: (f"{t[0]}{pos(t[1])}", t[1][1])),
        st.tuples(children, st.sampled_from(["2", "3"]))
          .map(lambda t: (f"({t[0][0]})^{t[1]}", t[0][1])),
        children.filter(lambda e: e[1] != "s").map(lambda e: (f"({e[0]})ᵀ", e[1])),
    )


# The rows above are written out by hand; every other differentiable row of the table joins
# the trees through the rules below, read from the row itself, so a new row is drawn here
# without editing this file: a kink (a derivative with step or sign) sees leaves only, a
# domain (row.domain) sees tanh(...) + 1.5 in (0.5, 2.5), probabilities are sigmoid(...).
WRITTEN = {"add", "sub", "mul", "div", "matmul", "outer", "sum", "mean", "max", "min", "relu",
           "abs", "sigmoid", "tanh", "softplus", "pow", "neg", "exp", "log", "sqrt",
           "transpose", "id", "ones", "step", "sign", "size"}
TABLE_ROWS = [row for row in ops.ROWS if row.name not in WRITTEN and row.differentiable
              and row.style == "call"]


def _kinked(row) -> bool:
    return any("step(" in d or "sign(" in d for d in row.derivs)


def _operand(row, e):
    """An operand for `row`: the expression itself, or one kept inside the row's domain."""
    if "probabilit" in row.domain:
        return f"sigmoid({e[0]})"
    return f"(tanh({e[0]}) + 1.5)" if row.domain else e[0]


def _table_rule(row, children):
    """Trees through one row of the table, by its shape rule; None if it has no rule here."""
    source = LEAF if _kinked(row) else children
    if row.arity == 1 and row.shape in (shapes.same, shapes.reduce, shapes.vector):
        kinds = {shapes.vector: {"v"}}.get(row.shape, {"s", "v", "m"})
        result = "s" if row.shape is shapes.reduce else None
        return source.filter(lambda e: e[1] in kinds).map(
            lambda e: (f"{row.name}({_operand(row, e)})", result or e[1]))
    if row.arity == 2 and row.shape in (shapes.same_pair, shapes.classes):
        kinds = {"v"} if row.shape is shapes.classes else {"s", "v", "m"}
        return st.tuples(source, source).filter(
            lambda t: t[0][1] == t[1][1] and t[0][1] in kinds).map(
            lambda t: (f"{row.name}({_operand(row, t[0])}, {_operand(row, t[1])})", "s"))
    if row.arity == 2 and row.shape is shapes.class_indices:    # as written: cross_entropy
        return st.one_of(
            st.tuples(source.filter(lambda e: e[1] == "v"), st.sampled_from("012")).map(
                lambda t: (f"{row.plain}({_operand(row, t[0])}, {t[1]})", "s")),
            source.filter(lambda e: e[1] == "m").map(
                lambda e: (f"{row.plain}({_operand(row, e)}, k0)", "s")))
    return None


def _extend_all(children):
    rules = [_table_rule(row, children) for row in TABLE_ROWS]
    return st.one_of(_extend(children), *[r for r in rules if r is not None])


def test_every_differentiable_row_is_drawn_by_the_trees():
    missing = [row.name for row in TABLE_ROWS if _table_rule(row, LEAF) is None]
    assert not missing, f"give these rows a rule in _table_rule: {missing}"


TREES = st.recursive(LEAF, _extend_all, max_leaves=8)


def leaf_values(seed: int) -> dict:
    """Leaf k's entries have magnitudes in [0.3 + 0.3k, 0.5 + 0.3k] and random signs: never
    near 0 (relu, abs) and never within 0.1 of another leaf's entries (max, min)."""
    rng = np.random.default_rng(seed)
    shapes = {"s0": (), "s1": (), "v0": (3,), "v1": (3,), "M0": (3, 3)}
    out = {}
    for k, name in enumerate(LEAVES):
        size = shapes[name]
        out[name] = rng.uniform(0.3, 0.5, size=size) + 0.3 * k
        out[name] = out[name] * rng.choice([-1.0, 1.0], size=size)
        out[name] = np.asarray(out[name], dtype=float)
    out["k0"] = INDICES
    return out


def well_conditioned(program, vals) -> bool:
    """No tanh or sigmoid deep in its tail, no softplus past torch's threshold (see above)."""
    for node in program.nodes.values():
        arg = vals[node.args[0]] if node.args else None
        if node.op in ("tanh", "sigmoid") and np.max(np.abs(arg)) > 7:
            return False
        if node.op == "softplus" and np.max(arg) > 20:
            return False
    return True


def model(tree) -> str:
    return HEADER + f"L = {tree[0]}\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=TREES, seed=st.integers(0, 2**16))
def test_backprop_matches_torch_autograd_and_gradcheck(tree, seed):
    program = parser.parse(model(tree))
    given_values = {n: v for n, v in leaf_values(seed).items() if n in program.nodes}
    vals = evaluate.forward(program, given_values)
    assume(well_conditioned(program, vals))
    grads = backprop.backward(program, vals)
    tensors = check.build_torch(program, given_values)
    leaves = backprop.gradient_leaves(program)
    out = tensors[program.output]
    assert np.allclose(vals[program.output], out.detach().numpy(), rtol=1e-12, atol=1e-300)
    if not out.requires_grad:
        return
    found = torch.autograd.grad(out.sum(), [tensors[n] for n in leaves], allow_unused=True,
                                retain_graph=True)
    theirs = {n: (np.zeros(np.shape(vals[n])) if f is None else f.numpy())
              for n, f in zip(leaves, found)}
    mine = {n: np.asarray(grads.get(n, np.zeros(np.shape(vals[n])))) for n in leaves}
    scale = max(float(np.max(np.abs(t), initial=0.0)) for t in theirs.values())
    for n in leaves:
        err = float(np.max(np.abs(mine[n] - theirs[n]), initial=0.0))
        # relative to the largest gradient; the floor is for terms that cancel exactly
        # (x − x), where both sides add the same rounded terms in different orders
        assert err <= 1e-9 * scale + 1e-12, (tree[0], n, err, scale)

    # torch's own check of the torch build (its finite differences vs its autograd)
    inputs = tuple(tensors[n].detach().clone().requires_grad_(True) for n in leaves)
    fixed = {n: tensors[n].detach() for n, node in program.nodes.items()
             if node.is_leaf and n not in leaves}          # targets, class indices: no gradient

    def function(*xs):
        return check.torch_values(program, {**fixed, **dict(zip(leaves, xs))})[program.output]

    assert torch.autograd.gradcheck(function, inputs, eps=1e-6, atol=1e-5, rtol=1e-4)

    # and the whole check, structure included (outer's table row lacks a name torch 2.13
    # uses; see test_labels_vs_torch.NAME_GAPS)
    report = check.run_check(program, given_values, fd=False)
    assert all(r.ok for r in report.leaves), report.format()
    if "outer" not in tree[0] or "ViewBackward0" in ops.OPS["outer"].torch:
        assert report.structure.ok, report.format()


@settings(max_examples=30, deadline=None)
@given(tree=TREES)
def test_printed_trees_parse_to_the_expected_shape(tree):
    """The generator's idea of each tree's rank is the parser's (the test's own sanity)."""
    program = parser.parse(model(tree))
    shape = evaluate.check_shapes(program, leaf_values(0))[program.output]
    assert len(shape) == RANK[tree[1]]
