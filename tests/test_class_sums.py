r"""Σ_k over the entries of a vector (classes) versus Σ_n over samples, a bias that takes the
shape it is added to, and backward equations a student can read (λ W for λ/2 ‖W‖²)."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.core import infer
from graphdraw.errors import SourceError
from graphdraw.language import parser
from graphdraw.numeric import backprop, evaluate, values
from tests.ops_equations import printed_equations_give_the_gradients

Z, Y = [0.3, -1.2, 2.0], [0.0, 1.0, 0.0]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("text, syntax", [
    (r"\hat{y} = \operatorname{softmax}(z) \\ L = -\sum_k y_k \log \hat{y}_k", "latex"),
    (r"\hat{y} = \operatorname{softmax}(z) \\ L = -\sum_{k=1}^{K} y_k \log(\hat{y}_k)", "latex"),
    ("ŷ = softmax(z)\nL = -Σ_k y_k log(ŷ_k)", "plain"),
    ("ŷ = softmax(z)\nL = -sum_c y_c * log(ŷ_c)", "plain"),
])
def test_a_sum_over_classes_is_cross_entropy(text, syntax):
    program = parser.parse(text, syntax=syntax)
    assert not program.plates                    # no sum over samples
    vals = evaluate.forward(program, {"z": np.array(Z), "y": np.array(Y)})
    p = np.exp(Z) / np.exp(Z).sum()
    assert vals[program.output] == pytest.approx(-np.log(p[1]), rel=1e-12)


@pytest.mark.torch
def test_class_and_sample_sums_together_match_torch():
    torch = pytest.importorskip("torch")
    text = r"\hat{y}_n = \operatorname{softmax}(W x_n) \\ " \
           r"L = \frac{1}{N} \sum_{n=1}^{N} -\sum_k y_{nk} \log \hat{y}_{n,k}"
    program = parser.parse(text, syntax="latex")
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(5, 4)), rng.normal(size=(3, 4))
    y = np.eye(3)[[0, 2, 1, 1, 0]]
    vals = evaluate.forward(program, values.leaf_values(program, {"x_n": x, "y_n": y, "W": w},
                                                        0))
    grads = backprop.backward(program, vals)
    tw = torch.tensor(w, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(torch.tensor(x) @ tw.T, torch.tensor(y))
    loss.backward()
    assert vals[program.output] == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(grads["W"], tw.grad.numpy(), rtol=1e-9)


def test_check_agrees_on_a_sum_over_classes():
    result = run("check", "-e", "ŷ = softmax(z)\nL = -Σ_k y_k log(ŷ_k)", "--set",
                 "y=[0, 1, 0]", "--no-structure")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("text, words", [
    ("L = Σ_s x_s", "does not guess what Σ_s sums over"),
    (r"L = \sum_m x_m", "does not guess what Σ_m sums over"),
])
def test_a_sum_over_an_unknown_index_is_an_error(text, words):
    with pytest.raises(SourceError, match=words):
        parser.parse(text)


def test_a_sum_over_samples_still_has_its_plate():
    program = parser.parse(r"L = \frac{1}{m}\sum_{i=1}^{m} (w^T x^{(i)} - y^{(i)})^2")
    assert program.plates == {"i": "m"} and program.nodes["x_i"].plate == "i"


def test_latex_log_of_a_name_and_what_it_refuses():
    program = parser.parse(r"L = \log x + \exp \hat{y}", syntax="latex")
    assert {n.op for n in program.nodes.values()} >= {"log", "exp"}
    for text in (r"L = \log x^2", r"L = \log 2x", r"L = \log x y", r"L = \log \sum_n x_n"):
        with pytest.raises(SourceError, match="in parentheses"):
            parser.parse(text, syntax="latex")


# -- a bias takes the shape it is added to ---------------------------------------------------

def test_a_bias_has_the_shape_of_what_it_is_added_to_and_a_note_says_so():
    result = infer.infer(parser.parse("h = tanh(W x + b)\nL = sum(h^2) + λ sum(W^2)"),
                         {"x": (2,)})
    assert result.shapes["b"] == (3,) and result.shapes["lambda"] == ()
    assert any("b has the shape of the value it is added to" in n for n in result.notes())
    declared = infer.infer(parser.parse("param b\nh = tanh(W x + b)\nL = sum(h^2)"))
    assert declared.shapes["b"] == ()


def test_a_scalar_that_scales_a_vector_is_noted():
    result = run("grads", "-e", "L = sum(λ * x)", "--set", "x=[1, 2]")
    assert result.exit_code == 0, result.output
    assert "λ is a scalar (it scales a value entry by entry)" in result.stderr


# -- backward equations a student can read ---------------------------------------------------

def test_weight_decay_differentiates_to_lambda_w():
    text = "ŷ = W x + b\nL = 1/2 ‖ŷ − y‖² + λ/2 ‖W‖²"
    values = {"x": np.array([1.0, -2.0]), "y": np.array([0.5, 1.0]), "b": np.zeros(2),
              "W": np.array([[1.0, 2.0], [3.0, -1.0]]), "lambda": np.array(0.1)}
    shown = printed_equations_give_the_gradients(parser.parse(text), values)
    assert shown["W"].startswith(("lambda * W +", "lambda W +")), shown["W"]
    assert shown["y_hat"] == "y_hat - y"
    assert not any("norm" in shown[k] or "ones(" in shown[k] for k in ("W", "y_hat", "b"))


def test_a_sum_of_a_vector_sends_its_adjoint_as_it_is():
    shown = printed_equations_give_the_gradients(
        parser.parse("ŷ = softmax(z)\nL = -Σ_k y_k log(ŷ_k)"),
        {"z": np.array(Z), "y": np.array(Y)})
    assert not any("ones(" in rhs for rhs in shown.values())


@pytest.mark.parametrize("name", ["attention", "weight-decay", "rnn", "mlp", "tanh2",
                                  "softmax-regression", "linear-regression"])
def test_no_example_prints_junk_in_its_backward_equations(name):
    result = run("grads", f"graphdraw/examples/{name}.gd")
    assert result.exit_code == 0, result.output
    equations = result.stdout.split("At these values")[0]
    assert "ones(" not in equations and "norm(" not in equations, equations


# -- bce near 0 and 1, random targets, class indices, messages about declared shapes -------

@pytest.mark.torch
def test_bce_at_its_clamp_agrees_with_torch_and_skips_finite_differences_there():
    result = run("check", "-e", "L = bce(p, y)", "--set", "p=[1e-50, 0.6, 0.9999999999999]",
                 "--set", "y=[1, 0, 0]", "--no-structure")
    assert result.exit_code == 0, result.output
    assert "clamps its log at −100" in result.output


@pytest.mark.torch
def test_bce_with_random_values_draws_probabilities_and_never_crashes():
    result = run("check", "-e", "p = σ(w x)\nL = bce(p, y)", "--no-structure")
    assert result.exit_code == 0, result.output
    result = run("check", "-e", "L = bce(p, y)", "--set", "p=[0.2, 0.6]", "--set", "y=[2, 0]")
    assert result.exit_code == 3 and "internal error" not in result.output
    assert "refuses these values" in result.output and "[0, 1]" in result.output


def test_a_value_of_another_shape_than_declared_names_both_and_the_fix():
    result = run("grads", "-e", "param b\nL = sum(b * x)", "--set", "b=[1, 2]")
    assert result.exit_code == 3
    assert "'b' is declared a scalar (`param b`) but the value given is a vector of 2" \
        in result.output
    assert "--set b=0.5" in result.output and "`param b[2]`" in result.output


def test_bce_of_a_sigmoid_prints_p_minus_y():
    from graphdraw.language import examples
    program = parser.parse(examples.text("logistic-bce"))
    shown = printed_equations_give_the_gradients(
        program, values.leaf_values(program, {"w": np.array([0.3, -0.2]), "b": np.array(0.1)}))
    assert shown["b"] == "sum_n (sigmoid(w^T @ x_n + b) - y_n) / N", shown["b"]


def test_a_scaling_leaf_is_decided_before_the_bias_and_the_target():
    result = run("grads", "-e", "p = σ(w x + b); L = bce(p, y)", "--set", "x=[1, 2, 3]")
    assert result.exit_code == 0, result.output
    assert "w is a scalar" in result.stderr and "b has the shape" in result.stderr
