"""Sums over samples (plates): the graph marks the per-sample nodes, the numbers run over a
batch and equal the per-sample computation added up, gradients included."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw.numeric import adjoint
from graphdraw.numeric import backprop, evaluate
from graphdraw.language import examples
from graphdraw.core import graph
from graphdraw.language import parser
from graphdraw.core import plates
from graphdraw.numeric import values
from graphdraw.cli import cli
from graphdraw.errors import GraphdrawError, SourceError

XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_Y = [0, 1, 1, 0]
PARAMS = ("W_i", "b_a", "W_o", "b_o")
SHEET_EQ3 = (r"L = \frac{1}{2} \sum_{n=1}^{N} \left( \sigma(\boldsymbol{W_o}^T "
             r"(\sigma(\boldsymbol{W_i}^T \boldsymbol{x_n} + b_a)) + b_o) - y_n \right)^2")
PLAIN_SUM = ("a_n = W_iᵀ x_n + b_a\nz_n = σ(a_n)\nŷ_n = σ(W_oᵀ z_n + b_o)\n"
             "L = 1/2 Σ_n (ŷ_n − y_n)²")
DECLARED = "dim H = 2\ninput x_n[2]\ntarget y_n\nparam W_i[2, H], b_a, W_o[H], b_o\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


# -- the graph ---------------------------------------------------------------------------------

def test_the_example_marks_the_nodes_per_sample():
    g = graph.build(parser.parse(examples.text("xor-sum")))
    inside = {n for n, d in g.nodes(data=True) if "plate" in d}
    assert {"x_n", "y_n", "a_n", "z_n", "y_hat_n"} <= inside
    assert not inside & {"W_i", "b_a", "W_o", "b_o", "L"}
    assert {g.nodes[n]["plate"] for n in inside} == {"n = 1…N"}
    total = [n for n, d in g.nodes(data=True) if d["op"] == "sum_n"]
    assert len(total) == 1 and "plate" not in g.nodes[total[0]]
    assert list(g.successors(total[0])) == ["L"]
    assert all("plate" in g.nodes[p] for p in g.predecessors(total[0]))


def test_the_plate_is_in_the_json():
    result = run("render", "--example", "xor-sum", "-f", "json", "-o", "-")
    nodes = {n["id"]: n for n in json.loads(result.output)["nodes"]}
    assert nodes["x_n"]["plate"] == "n = 1…N" and "plate" not in nodes["W_i"]
    assert nodes["x_n"]["kind"] == "input" and nodes["x_n"]["default"] == XOR_X


@pytest.mark.parametrize("text", [
    PLAIN_SUM,
    PLAIN_SUM.replace("Σ_n", "sum_n"),
    PLAIN_SUM.replace("L = 1/2 Σ_n (ŷ_n − y_n)²", "L = 1/2 Σ_n ((ŷ_n − y_n)^2)"),
])
def test_plain_spellings_of_the_sum(text):
    g = graph.build(parser.parse(text, syntax="plain"))
    assert g.nodes["y_hat_n"]["plate"] == "n = 1…N"
    assert sum(1 for _, d in g.nodes(data=True) if d["op"] == "sum_n") == 1


def test_the_bound_labels_the_plate():
    g = graph.build(parser.parse(r"L = \sum_{i=1}^{m} (w x_i - y_i)^2"))
    assert g.nodes["x_i"]["plate"] == "i = 1…m"
    g = graph.build(parser.parse("L = Σ_t^4 w x_t"))
    assert g.nodes["x_t"]["plate"] == "t = 1…4"


def test_the_sum_binds_a_product_term():
    program = parser.parse("L = Σ_n a_n b + c")              # (Σ_n a_n b) + c
    assert program.nodes["L"].op == "add"
    total = program.nodes[program.nodes["L"].args[0]]
    assert total.op == "sum_n" and program.nodes[total.args[0]].op == "mul"
    program = parser.parse("L = 2 Σ_n (a_n - y_n)^2")        # 2 (Σ_n (...)²)
    total = program.nodes[program.nodes["L"].args[1]]
    assert total.op == "sum_n" and program.nodes[total.args[0]].op == "pow"


def test_printed_forward_text_parses_back_to_the_same_graph():
    g = graph.build(parser.parse(examples.text("xor-sum")), notations=("plain",))
    forward = g.nodes["L"]["forward"]
    assert forward.startswith("L = 1/2 * (sum_n ")
    again = parser.parse(DECLARED + "a_n = W_i^T x_n + b_a\nz_n = sigmoid(a_n)\n"
                         "y_hat_n = sigmoid(W_o^T z_n + b_o)\n" + forward, syntax="plain")
    assert again.dump() == parser.parse(DECLARED + PLAIN_SUM).dump()


# -- numbers -----------------------------------------------------------------------------------

def per_sample(params: dict) -> tuple[float, dict]:
    """The loss and gradients of the single-sample XOR model, added up sample by sample."""
    program = parser.parse(examples.text("xor"))
    total, grads = 0.0, {name: 0.0 for name in PARAMS}
    for x, y in zip(XOR_X, XOR_Y):
        vals = evaluate.forward(program, {**params, "x": np.array(x, float),
                                          "y": np.array(float(y))})
        total += float(vals["L"])
        g = backprop.backward(program, vals)
        grads = {name: grads[name] + g[name] for name in PARAMS}
    return total, grads


@pytest.mark.parametrize("text", [examples.text("xor-sum"), DECLARED + SHEET_EQ3,
                                  DECLARED + PLAIN_SUM])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batch_equals_the_samples_added_up(text, seed):
    program = parser.parse(text)
    leaf = values.leaf_values(program, {"x_n": np.array(XOR_X, float),
                                        "y_n": np.array(XOR_Y, float)}, seed)
    params = {name: leaf[name] for name in PARAMS}
    vals = evaluate.forward(program, leaf)
    grads = backprop.backward(program, vals)
    loss, expected = per_sample(params)
    assert float(vals["L"]) == pytest.approx(loss, rel=1e-12)
    for name in PARAMS:
        np.testing.assert_allclose(grads[name], expected[name], rtol=1e-12, atol=1e-15)


def test_values_per_sample_stack_the_samples():
    program = parser.parse(examples.text("xor-sum"))
    vals = evaluate.forward(program, values.leaf_values(program, {}, 0))
    assert vals["a_n"].shape == (4, 2) and vals["y_hat_n"].shape == (4,)
    assert vals["L"].shape == ()
    local = backprop.local_values(program, vals)
    assert local[("z_n", "%4", 1)].shape == (4, 2)


def test_unrolled_program_computes_the_same():
    program = parser.parse(examples.text("xor-sum"))
    leaf = values.leaf_values(program, {}, 3)
    flat, flat_values = plates.unroll(program, leaf)
    assert {"x_1", "x_4", "y_hat_3", "a_2"} <= set(flat.nodes)
    assert not any(n.plate for n in flat.nodes.values())
    a = evaluate.forward(program, leaf)
    b = evaluate.forward(flat, flat_values)
    assert float(a["L"]) == pytest.approx(float(b["L"]), rel=1e-14)
    ga, gb = backprop.backward(program, a), backprop.backward(flat, b)
    for name in PARAMS:
        np.testing.assert_allclose(ga[name], gb[name], rtol=1e-13)


def test_grads_command_gives_the_gradient_of_the_summed_loss():
    result = run("grads", "--example", "xor-sum", "--json", "--seed", "4")
    data = json.loads(result.output)
    params = {name: np.array(data["values"][name]) for name in PARAMS}
    loss, expected = per_sample(params)
    assert data["value"] == pytest.approx(loss, rel=1e-12)
    for name in PARAMS:
        np.testing.assert_allclose(data["grads"][name], expected[name], rtol=1e-12)


def test_set_gives_the_batch():
    args = ["grads", "-e", DECLARED + SHEET_EQ3, "--json", "--set", f"x_n={XOR_X}",
            "--set", f"y_n={XOR_Y}"]
    data = json.loads(run(*args).output)
    assert data["samples"] == 4
    fewer = json.loads(run("grads", "-e", DECLARED + SHEET_EQ3, "--json", "--set",
                           "x_n=[[0, 1], [1, 1]]", "--set", "y_n=[1, 0]").output)
    assert fewer["samples"] == 2 and fewer["value"] != data["value"]


def test_random_values_per_sample_take_the_declared_number_of_samples():
    program = parser.parse("dim N = 7\n" + PLAIN_SUM)
    leaf = values.leaf_values(program, {}, 0)
    # x_n is a vector (W_iᵀ x_n is a matrix product): 3 entries by default (core/infer.py)
    # y_n is subtracted from the vector ŷ_n (W_o is a matrix by its capital): a vector too
    assert leaf["x_n"].shape == (7, 3) and leaf["y_n"].shape == (7, 3)
    program = parser.parse(PLAIN_SUM)
    assert values.leaf_values(program, {}, 0)["x_n"].shape[0] == plates.DEFAULT_SAMPLES
    leaf = values.leaf_values(program, {"y_n": np.zeros(3)}, 0)
    assert leaf["x_n"].shape == (3, 3)


def test_backward_equations_name_the_sum():
    result = run("grads", "--example", "xor-sum")
    assert "∂L/∂ŷ_n = ŷ_n − y_n" in result.output
    assert "∂L/∂b_o = Σ_n ∂L/∂ŷ_n · ŷ_n (1 − ŷ_n)" in result.output


def _safe(text: str) -> str:
    return re.sub(r"\[(\d+)(?:,(\d+))?\]",
                  lambda m: "__" + m.group(1) + ("_" + m.group(2) if m.group(2) else ""), text)


@pytest.mark.parametrize("seed", [0, 5])
def test_scalar_formulas_sum_over_the_samples(seed):
    program = parser.parse(examples.text("xor-sum"))
    leaf = values.leaf_values(program, {}, seed)
    shapes = evaluate.check_shapes(program, leaf)
    vals = evaluate.forward(program, leaf)
    grads = backprop.backward(program, vals)
    bindings = {}
    for node_id, value in vals.items():
        array = np.asarray(value)
        per = program.nodes[node_id].plate is not None
        entry_shape = array.shape[1:] if per else array.shape
        for idx in np.ndindex(entry_shape):
            key = node_id + (f"[{','.join(str(i + 1) for i in idx)}]" if idx else "")
            bindings[_safe(key)] = array[(slice(None),) + idx] if per else array[idx]
    equations = adjoint.scalar_equations(program, shapes, "plain", list(PARAMS))
    assert len(equations) == 4 + 1 + 2 + 1
    for eq in equations:
        assert eq.rhs.startswith("sum_n ") or " + sum_n " in eq.rhs or eq.rhs == "0"
        formula = parser.parse("r_ = " + _safe(eq.rhs), syntax="plain")
        given = {n.id: bindings[n.id] for n in formula.nodes.values() if n.is_leaf}
        got = evaluate.forward(formula, given)[formula.output]
        leaf_id, _, rest = eq.node.partition("[")
        idx = tuple(int(i) - 1 for i in rest.rstrip("]").split(",")) if rest else ()
        assert float(got) == pytest.approx(float(np.asarray(grads[leaf_id])[idx]), rel=1e-10)


def test_render_with_values_and_gradients():
    result = run("render", "--example", "xor-sum", "--show", "values,grads", "-f", "dot",
                 "-o", "-")
    assert result.exit_code == 0, result.output
    assert "n = 1…N" in result.output


# -- declared values ---------------------------------------------------------------------------

def test_declared_lists_are_values():
    program = parser.parse("param W = [[1, 0], [0, -1/2]], b = [1, 2]\ninput x[2]\n"
                           "y = W x + b")
    assert program.nodes["W"].shape == (2, 2) and program.nodes["b"].shape == (2,)
    vals = evaluate.forward(program, values.leaf_values(program, {"x": np.ones(2)}))
    np.testing.assert_allclose(vals["y"], [2.0, 1.5])


def test_declared_values_span_lines():
    program = parser.parse("input x_n[2] = [[0, 0],\n    [1, 1]]\nL = Σ_n sum(x_n)")
    assert program.nodes["x_n"].default == [[0.0, 0.0], [1.0, 1.0]]


@pytest.mark.parametrize("text, words", [
    ("param W[2] = [1, 2, 3]\nL = sum(W)", "declared a vector of 2 but the value written is a vector of 3"),
    ("param W = [[1, 2], [3]]\nL = sum(W)", "not rectangular"),
    ("param W = [1, [2]]\nL = sum(W)", "not rectangular"),
    ("param W = []\nL = sum(W)", "empty list"),
    ("param W = [1 2]\nL = sum(W)", "expected ',' or ']'"),
    ("param W = [a]\nL = sum(W)", "a declared value is a number"),
    ("input x_n[2] = [1, 2]\nL = Σ_n sum(x_n)", "declared a vector of 2 but the value written is a scalar per sample"),
    ("target y_n = 1\nL = Σ_n y_n", "one value per sample"),
])
def test_bad_declared_values(text, words):
    with pytest.raises(SourceError) as info:
        parser.parse(text)
    assert words in info.value.message


# -- mistakes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ("L = (w x_n - y)^2 + Σ_n x_n", "has a value per sample n; sum it over the samples"),
    ("L = 1/2 Σ_n (w x - y)^2", "has no value per sample"),
    ("L = Σ_n x_n + Σ_i y_i", "a model has one index of samples"),
    ("L = Σ_n x_n + Σ_m y_m", "does not guess what Σ_m sums over"),
    ("L = Σ_n^N x_n + Σ_n^M x_n", "disagree on the number of samples"),
    ("sum_n = x", "cannot be assigned"),
    ("L = Σ_n", "sums the term after it"),
])
def test_mistakes_with_sums(text, words):
    with pytest.raises(SourceError) as info:
        parser.parse(text)
    assert words in str(info.value)


@pytest.mark.parametrize("settings, words", [
    (["--set", "x_n=[1, 2, 3]", "--set", "y_n=[1, 2]"], "'y_n' has 2 samples but 'x_n' has 3"),
    (["--set", "x_n=1"], "holds one value per sample"),
    (["--set", "x_n=[1, 2]", "--set", "y_n=[1, 2]"], "sums over N = 4 samples"),
])
def test_values_that_do_not_fit_the_plate(settings, words):
    result = run("grads", "-e", "dim N = 4\nL = Σ_n (w x_n - y_n)^2", *settings)
    assert result.exit_code == 3, result.output
    assert words in result.output


def test_a_parameter_with_the_index_in_its_name_stays_shared():
    program = parser.parse("param W_n\nL = Σ_n (W_n x_n)^2")
    assert program.nodes["W_n"].plate is None and program.nodes["x_n"].plate == "n"
    with pytest.raises(GraphdrawError):
        plates.sample_count(program, {"W_n": 1.0, "x_n": np.float64(2.0)})
