"""graphdraw grads: every printed formula, evaluated at random points, equals the numeric
gradient from graphdraw's backprop (which tests/test_check.py compares with torch)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw.numeric import adjoint
from graphdraw.numeric import backprop, evaluate
from graphdraw.language import examples
from graphdraw.language import parser
from graphdraw.numeric import values
from graphdraw.cli import cli

MODELS = {name: examples.text(name) for name in examples.names()}
MODELS.update({
    "shared use": "e = x * x * x + x",
    "broadcast bias": "param W[3, 2], b\ninput v[2]\nL = sum(tanh(W v + b))",
    "vector output": "param w[3]\ny = w * w",
    "max and relu": "param p, q\nL = max(p, q) * relu(p - q) + min(p, q)",
    "matrix product": "param A[2, 3], B[3, 2]\nL = mean(A @ B)",
    "vector-matrix": "param u[2], M[2, 3]\nL = sum(exp(u @ M))",
    "mean of squares": "param w[3]\ninput x[3]\ntarget y\nL = mean((w * x - y)^2)",
    "transposed matrix": "param W[2, 3], v[2]\nL = sum(tanh(W^T v))",
    # a bias added to each row of a batch: its gradient sums over the rows
    "batch bias": "param W[2, 3], b[3]\ninput X[4, 2]\nZ = X @ W + b\nL = sum(Z^2)",
    # the operand of step(…) is longer than a diagram's inline limit: written out, never %s16
    "relu layer": "param W[3, 3], b[3]\ninput x[3]\nh = relu(W x + b)\nL = sum(h^2)",
    "long operand": "param weight_one, weight_two, bias_term\ninput x_input\n"
                    "L = relu(weight_one x_input + weight_two x_input^2 + bias_term)^2",
})


def _safe(text: str) -> str:
    """Turn ids that the language cannot spell (c', W_i[1,2]) into plain names."""
    text = re.sub(r"\[(\d+)(?:,(\d+))?\]",
                  lambda m: "__" + m.group(1) + ("_" + m.group(2) if m.group(2) else ""), text)
    return text.replace("'", "_p")


def _evaluate(formula: str, bindings: dict) -> np.ndarray:
    program = parser.parse("r_ = " + _safe(formula))
    given = {}
    for node in program.nodes.values():
        if node.is_leaf:
            given[node.id] = bindings[node.id]
    return evaluate.forward(program, given)[program.output]


def _setup(text: str, seed: int):
    program = parser.parse(text)
    leaf_values = values.leaf_values(program, {}, seed)
    shapes = evaluate.check_shapes(program, leaf_values)
    vals = evaluate.forward(program, leaf_values)
    grads = backprop.backward(program, vals)
    return program, shapes, vals, grads


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("model", sorted(MODELS))
def test_backward_equations_evaluate_to_the_gradients(model, seed):
    program, shapes, vals, grads = _setup(MODELS[model], seed)
    wants = backprop.needs_grad(program)
    bindings = {_safe(k): v for k, v in vals.items()}
    out = program.output
    bindings.update({_safe(f"d{out}_d{k}"): g for k, g in grads.items()})
    eqs = adjoint.equations(program, shapes, "plain", wants=wants)
    assert eqs, model
    # Values per sample (a plate, xor-sum) carry a leading axis of samples; an equation of
    # such a value holds for each sample, so it is evaluated sample by sample.
    per_sample = {_safe(k) for k, n in program.nodes.items() if n.plate}
    per_sample |= {_safe(f"d{out}_d{k}") for k, n in program.nodes.items() if n.plate}
    for eq in eqs:
        expected = grads.get(eq.node, np.zeros_like(vals[eq.node]))
        if program.nodes[eq.node].plate:
            got = np.stack([_evaluate(eq.rhs, {k: v[i] if k in per_sample else v
                                               for k, v in bindings.items()})
                            for i in range(len(expected))])
        else:
            got = _evaluate(eq.rhs, bindings)
        got = np.broadcast_to(got, np.shape(expected))
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12,
                                   err_msg=f"{model}: {eq.lhs} = {eq.rhs}")


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("model", ["xor", "linear", "logistic", "tanh2", "micrograd",
                                   "broadcast bias", "matrix product", "vector-matrix",
                                   "mean of squares"])
def test_scalar_formulas_evaluate_to_each_entry(model, seed):
    program, shapes, vals, grads = _setup(MODELS[model], seed)
    leaves = backprop.gradient_leaves(program)
    bindings = {}
    for node_id, value in vals.items():
        array = np.asarray(value)
        if array.ndim == 0:
            bindings[_safe(node_id)] = array
        for idx in np.ndindex(array.shape):
            if idx:
                key = f"{node_id}[{','.join(str(i + 1) for i in idx)}]"
                bindings[_safe(key)] = np.asarray(array[idx])
    eqs = adjoint.scalar_equations(program, shapes, "plain", leaves)
    assert len(eqs) == sum(np.size(vals[leaf]) for leaf in leaves)
    for eq in eqs:
        leaf, _, rest = eq.node.partition("[")
        idx = tuple(int(i) - 1 for i in rest.rstrip("]").split(",")) if rest else ()
        expected = np.asarray(grads[leaf])[idx]
        np.testing.assert_allclose(_evaluate(eq.rhs, bindings), expected, rtol=1e-10,
                                   atol=1e-12, err_msg=f"{model}: {eq.lhs} = {eq.rhs}")


def test_exercise_62b_in_one_command():
    result = CliRunner().invoke(cli, ["grads", "--scalar"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.strip().startswith("∂L/∂")]
    entries = [line.split("=")[0].strip() for line in lines[:8]]
    assert entries == ["∂L/∂W_i[1,1]", "∂L/∂W_i[1,2]", "∂L/∂W_i[2,1]", "∂L/∂W_i[2,2]",
                       "∂L/∂b_a", "∂L/∂W_o[1]", "∂L/∂W_o[2]", "∂L/∂b_o"]
    assert "(ŷ − y) · ŷ (1 − ŷ) · W_o[1] · z[1] (1 − z[1]) · x[1]" in result.stdout


def test_default_backward_equations_in_the_users_names():
    result = CliRunner().invoke(cli, ["grads"], catch_exceptions=False)
    out = result.stdout
    assert result.exit_code == 0
    order = [out.index(s) for s in ("∂L/∂L ", "∂L/∂ŷ ", "∂L/∂z ", "∂L/∂a ", "∂L/∂W_i ")]
    assert order == sorted(order)
    assert "∂L/∂ŷ   = ŷ − y" in out


def test_grads_json_contract_and_micrograd_numbers():
    result = CliRunner().invoke(cli, ["grads", "--example", "micrograd", "--json"],
                                catch_exceptions=False)
    data = json.loads(result.stdout)
    assert data["output"] == "g'"
    assert data["value"] == pytest.approx(24.7041, abs=1e-4)
    assert data["grads"]["a"] == pytest.approx(138.8338, abs=1e-4)
    assert data["grads"]["b"] == pytest.approx(645.5773, abs=1e-4)


def test_repeated_use_accumulates():
    result = CliRunner().invoke(cli, ["grads", "-e", "e = x * x * x + x", "--set", "x=3",
                                      "--json"], catch_exceptions=False)
    data = json.loads(result.stdout)
    assert data["value"] == 30 and data["grads"]["x"] == 28


def test_non_scalar_output_says_it_is_summed():
    result = CliRunner().invoke(cli, ["grads", "-e", "y = w * w", "--set", "w=[1, 2]"],
                                catch_exceptions=False)
    assert "not a scalar" in result.stdout and "sum of its entries" in result.stdout


def test_wrt_chooses_leaves_and_rejects_unknown_names():
    ok = CliRunner().invoke(cli, ["grads", "--wrt", "W_o,b_o", "--json"])
    assert set(json.loads(ok.stdout)["grads"]) == {"W_o", "b_o"}
    bad = CliRunner().invoke(cli, ["grads", "--wrt", "W_x"])
    assert bad.exit_code == 3
    assert "did you mean" in bad.stderr


@pytest.mark.parametrize("args, message", [
    (["--set", "W_i=[1, 2, 3]"], "declared a 2×2 matrix"),
    (["-e", "y = W @ v", "--set", "W=[[1, 2, 3], [4, 5, 6]]", "--set", "v=[1, 2]"],
     "<-e>:1:7: error: matmul cannot combine shapes 2×3 and 2"),
    (["--set", "x=NaN"], "NaN"),
    (["--set", "x=[1, \"a\"]"], "not a number"),
    (["--set", "x=[[1], [1, 2]]"], "rectangular"),
    (["--set", "q=1"], "not a leaf"),
    (["-e", "y = log(x)", "--set", "x=-1"], "line 1"),
    (["-e", "y = 1 / x", "--set", "x=0"], "infinity"),
    (["-e", "y = exp(x)", "--set", "x=1000"], "infinity"),
])
def test_bad_values_are_reported(args, message):
    result = CliRunner().invoke(cli, ["grads", *args], catch_exceptions=False)
    assert result.exit_code == 3
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("text", ["L = 3", "input x\nL = 2 x", "param w\ninput x\nL = 2 x"])
def test_nothing_to_differentiate_is_a_clear_error(text):
    result = CliRunner().invoke(cli, ["grads", "-e", text], catch_exceptions=False)
    assert result.exit_code == 3       # a declared but unused parameter is not in the graph
    assert "no leaf of this model gets a gradient" in result.stderr


def test_a_transposed_matrix_is_not_transposed_twice():
    program, shapes, vals, grads = _setup(MODELS["transposed matrix"], 0)
    eqs = adjoint.equations(program, shapes, "pretty", wants=backprop.needs_grad(program))
    text = " ".join(e.rhs for e in eqs)
    assert "ᵀᵀ" not in text
    assert "∂L/∂v = W (1 − tanh(Wᵀ v)²)" in [f"{e.lhs} = {e.rhs}" for e in eqs]


@pytest.mark.parametrize("model, expected", [
    ("param w[2]; L = 2 w", ["∂L/∂w[1] = 2", "∂L/∂w[2] = 2"]),
    ("param w[1]; L = 3 w", ["∂L/∂w[1] = 3"]),
])
def test_scalar_formulas_of_a_non_scalar_output_are_of_the_sum(model, expected):
    from click.testing import CliRunner

    from graphdraw.cli import cli
    result = CliRunner().invoke(cli, ["grads", "--scalar", "-e", model])
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output
    for line in expected:
        assert line in result.output
