"""Derivatives as a teacher prints them (core/simplify.py, ops/fused.py), each simplified
formula checked against backprop (which `check` proves against torch) by verify."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphdraw import ops
from graphdraw.analyses.verify.report import verify
from graphdraw.cli import cli
from graphdraw.core.simplify import cancel, collect, simplify
from graphdraw.errors import Source
from graphdraw.language import parser
from graphdraw.language.notation import apply
from graphdraw.numeric import backprop, evaluate, values
from graphdraw.numeric.derivatives import Gradients
from graphdraw.ops.fused import ROWS as FUSED_ROWS


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _equations(text: str, scalar: bool, seed: int = 0, mode: str = "pretty"):
    program = parser.parse(text)
    leaf_values = values.leaf_values(program, {}, seed)
    result = Gradients(program, "<model>", leaf_values, backprop.gradient_leaves(program),
                       scalar=scalar)
    return program, result.equations(mode)


def _all_hold(program, claims: list[str], seed: int = 0) -> list:
    result = verify(program, {}, [(t, Source(t, "<claim>"), 1, 0) for t in claims], count=8,
                    seed=seed, keep_going=True)
    return [(v.text, v.error or v.diagnosis) for v in result.verdicts if not v.ok]


def test_hand_written_bce_through_sigmoid_prints_p_minus_y():
    out = _run("grads", "--example", "logistic", "--scalar")
    assert "∂L/∂w[1] = (p − y) · x[1]" in out
    assert "∂L/∂b    = p − y" in out
    assert "1 / p" not in out and "1 / (1 − p)" not in out


def test_the_exercise_key_of_hand_written_bce_prints_p_minus_y():
    out = _run("exercise", "--example", "logistic", "--solutions")
    key = [line for line in out.splitlines() if line.startswith(r"$$\frac{\partial L}")]
    assert r"$$\frac{\partial L}{\partial w[1]} = \left(p - y\right) \, x[1]$$" in key
    assert r"$$\frac{\partial L}{\partial b} = p - y$$" in key
    assert not any(r"\frac{1}{p}" in line for line in key)


def test_softmax_cross_entropy_prints_softmax_minus_y():
    out = _run("grads", "--example", "softmax-regression")
    assert "∂L/∂z_n = (softmax(z_n) − y_n) / N" in out
    assert "logsumexp" not in out.split("At these values")[0]


def test_a_named_softmax_prints_by_its_name():
    out = _run("grads", "-e", "target y = [0, 1, 0]\nŷ = softmax(z)\nL = cross_entropy(z, y)")
    assert "∂L/∂z = ŷ − y" in out


def test_a_target_without_one_hot_values_keeps_its_sum():
    """sum(y) = 1 only for a target declared with probability values: otherwise kept."""
    out = _run("grads", "-e", "L = cross_entropy(z, y)")
    assert "∂L/∂z = sum(y) · softmax(z) − y" in out
    out = _run("grads", "-e", "target y = [0.5, 1, 0]\nL = cross_entropy(z, y)")
    assert "sum(y)" in out


@pytest.mark.parametrize("text", [
    "L = cross_entropy(z, y)",
    "target y = [0.5, 1, 0]\nL = cross_entropy(z, y)",
    "target y = [0, 1, 0]\nL = cross_entropy(z, y)",
    "target y = [0, 1, 0]\nŷ = softmax(z)\nL = cross_entropy(z, y)",
    "target y = [0.2, 0.3, 0.5]\nL = nll_loss(log_softmax(z), y)",
    "L = nll_loss(log_softmax(z), y)",
    "param z[3]\ntarget y = [1, 0, 1]\nL = bce(σ(z), y)",
    "input x[3]\ntarget y\nparam w[3], b\np = σ(wᵀ x + b)\nL = -(y log(p) + (1 - y) log(1 - p))",
])
def test_simplified_tensor_formulas_hold(text):
    """Each printed equation, read back by verify, equals backprop's numbers at 9 points."""
    program, equations = _equations(text, scalar=False)
    assert not _all_hold(program, [f"{e.lhs} = {e.rhs}" for e in equations])


def test_log_softmax_then_nll_is_one_formula():
    _, equations = _equations("target y = [0, 1, 0]\nL = nll_loss(log_softmax(z), y)", False)
    assert {e.lhs: e.rhs for e in equations}["∂L/∂z"] == "softmax(z) − y"


@st.composite
def bce_models(draw) -> str:
    """Hand-written BCE (or the bce op) of σ of a linear model, with a scale and names."""
    k = draw(st.integers(1, 3))
    scale = draw(st.sampled_from(["", "1/2 ", "2 ", "3 "]))
    inner = draw(st.sampled_from(["wᵀ x + b", "wᵀ x", "wᵀ tanh(x) + b"]))
    loss = draw(st.sampled_from([
        "-(y log(p) + (1 - y) log(1 - p))", "-y log(p) - (1 - y) log(1 - p)",
        "-((1 - y) log(1 - p) + y log(p))", "bce(p, y)"]))
    # an unnamed σ of a long argument prints by its id (%s18) in entries' formulas
    named = draw(st.booleans()) or "bce(" not in loss
    head = f"input x[{k}]\ntarget y\nparam w[{k}], b\n"
    if named:
        return head + f"p = σ({inner})\nL = {scale}({loss})"
    return head + f"L = {scale}({loss.replace('p', f'σ({inner})')})"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bce_models(), st.integers(0, 40))
def test_bce_through_sigmoid_simplifies_and_holds(text, seed):
    """Per entry, σ′ cancels BCE's quotients: no 1/p is left, and every formula holds."""
    if "bce(" in text:          # grads --scalar cannot expand the bce op: its equations
        program, equations = _equations(text, scalar=False, seed=seed)
    else:
        program, equations = _equations(text, scalar=True, seed=seed)
        assert not any("1 / p" in e.rhs or "1 / (1 − p)" in e.rhs for e in equations), text
    assert not _all_hold(program, [f"{e.lhs} = {e.rhs}" for e in equations], seed), text


def _piece(text: str) -> tuple:
    return text, ops.ATOM


def test_cancel_takes_a_factor_and_its_reciprocal():
    term = (2.0, (("1 − y", ops.ADD), ("1 / (1 − p)", ops.MUL), _piece("p"),
                  ("1 − p", ops.ADD), _piece("x[1]")))
    assert cancel(term, "pretty") == (2.0, (("1 − y", ops.ADD), _piece("p"), _piece("x[1]")))
    assert cancel((1.0, (_piece("p"),)), "pretty") == (1.0, (_piece("p"),))


def test_cancel_takes_a_quotient_s_denominator_that_is_another_factor():
    """‖v‖ · (v / ‖v‖) = v, the norm's derivative under a squared norm, in each notation."""
    def norm_term(mode):
        v = apply(ops.OPS["sub"], [_named("h", mode), _named("y", mode)], mode)
        size = apply(ops.OPS["norm"], [v], mode)
        return v, (1.0, (size, apply(ops.OPS["div"], [v, size], mode)))
    for mode in ("plain", "pretty", "html", "latex"):
        v, term = norm_term(mode)
        assert cancel(term, mode) == (1.0, (v,)), mode
    a, b, c = _piece("a"), _piece("b"), _piece("c")
    left = apply(ops.OPS["div"], [apply(ops.OPS["div"], [a, b], "pretty"), c], "pretty")
    assert cancel((2.0, (c, left)), "pretty") == (2.0, (("a / b", ops.OPS["div"].prec),))
    assert cancel((1.0, (b, left)), "pretty") == (1.0, (b, left))     # b divides inside only


def test_the_key_of_a_squared_norm_is_the_difference():
    """½‖ŷ − y‖²: the named view's edge ŷ → L reads ŷ − y, not ‖ŷ − y‖ ((ŷ − y) / ‖ŷ − y‖)."""
    from graphdraw.core import graph as graph_mod
    from graphdraw.core.named import view
    program = parser.parse("input x[3]\ntarget y[2]\nparam W[2, 3]\nŷ = W x\n"
                           "L = 1/2 ‖ŷ − y‖²")
    graph = view(graph_mod.build(program, notations=("pretty",)), "named")
    assert graph.edges["y_hat", "L", 0]["local_grad_pretty"] == "ŷ − y"


def test_collect_keeps_chains_that_would_grow():
    """(ŷ − y) ŷ (1 − ŷ) z multiplied out has more pieces: kept as it is."""
    chain = [(1.0, (("ŷ − y", ops.ADD), _piece("ŷ"), ("1 − ŷ", ops.ADD), _piece("z")))]
    assert collect(chain, "pretty") is None
    assert simplify(chain, "pretty") == chain


@pytest.mark.parametrize("mode,minus", [("plain", "-"), ("pretty", "−"), ("latex", "-")])
def test_collect_adds_up_and_factors(mode, minus):
    """(1 − y) p x − y (1 − p) x = (p − y) x, in every notation."""
    terms = [(1.0, ((f"1 {minus} y", ops.ADD), _piece("p"), _piece("x"))),
             (-1.0, (_piece("y"), (f"1 {minus} p", ops.ADD), _piece("x")))]
    result = collect(terms, mode)
    assert result == [(1.0, ((f"p {minus} y", ops.ADD), _piece("x")))]


def _fused_numbers(row, z, y):
    """The fused template's value, and the product of the two rows' derivatives (their VJPs)."""
    inner, outer = ops.OPS[row.inner], ops.OPS[row.outer]
    out = inner.forward(z)
    (g_out, _) = outer.vjp(np.asarray(1.0), outer.forward(out, y), out, y)
    (g_z,) = inner.vjp(g_out, out, z)
    program = parser.parse("t_ = " + row.template, syntax="plain")
    given = {"a": z, "out": out, "b": y}
    leaf = {k: v for k, v in given.items() if k in program.nodes}
    fused = evaluate.forward(program, leaf)[program.output]
    return fused, g_z


@pytest.mark.parametrize("row", FUSED_ROWS, ids=lambda r: f"{r.inner}+{r.outer}")
@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6))
def test_fused_templates_equal_the_product_of_the_two_rows(row, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=4) * 3
    y = rng.uniform(0, 1, size=4)
    if row.outer == "nll_loss_index":        # a class index, 0 … 3
        y = np.asarray(float(seed % 4))
    if row.outer == "nll_loss" and seed % 2:
        y = y / y.sum()
    fused, product = _fused_numbers(row, z, y)
    np.testing.assert_allclose(fused, product, rtol=1e-9, atol=1e-12)


def test_the_key_of_bce_over_samples_prints_sigma_minus_y_on_its_edges():
    """The named view: σ then BCE fused, and size(·) of a value per sample folded (1)."""
    out = _run("exercise", "--example", "logistic-bce", "--solutions")
    edges = [line for line in out.splitlines() if line.startswith("| $w \\to L$")]
    assert edges == [r"| $w \to L$ | $\partial L/\partial w = \frac{\left(\sigma(w^\top \, x_{n} "
                     r"+ b) - y_{n}\right) \odot x_{n}^\top}{N}$ |"], edges
    assert "size" not in out


def test_the_named_view_folds_the_size_of_a_mean():
    """tanh2's L = mean((ŷ − y)²) over 2 entries: ∂L/∂ŷ is ŷ − y (2 · 1/2 multiplied out)."""
    from graphdraw.core import graph as graph_mod
    from graphdraw.core.named import view
    from graphdraw.language import examples
    program = parser.parse(examples.text("tanh2"))
    graph = view(graph_mod.build(program, notations=("pretty",)), "named")
    assert graph.edges["y_hat", "L", 0]["local_grad_pretty"] == "ŷ − y"


def _named(text: str, mode: str):
    return (f"<i>{text}</i>" if mode == "html" else text), ops.ATOM
