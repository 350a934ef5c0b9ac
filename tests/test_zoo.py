"""The model zoo (graphdraw/examples): each model's value and gradients against a torch
implementation written here independently (float64, rtol 1e-9), `graphdraw check`, `grads`,
`hessian` and `render` on it, and the same model in plain, Python and LaTeX notation giving the
same numbers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw.api import Graph
from graphdraw.cli import cli
from graphdraw.language import examples, parser
from graphdraw.numeric import backprop, evaluate, values

torch = pytest.importorskip("torch")
F = torch.nn.functional

RTOL = 1e-9
DECLARATIONS = ("dim", "input", "target", "param", "const")

# The zoo's equations in each notation; the example's declarations go first. Python: `@`, `.T`,
# `**`, `*`, `sum_n(...)`; LaTeX: as a paper writes them.
MODELS: dict[str, dict[str, str]] = {
    "softmax-regression": {
        "plain": "z_n = W x_n + b\nL = 1/N Σ_n cross_entropy(z_n, y_n)\n",
        "python": "z_n = W @ x_n + b\nL = 1/N * sum_n(cross_entropy(z_n, y_n))\n",
        "latex": "\\begin{align*}\n  z_n &= \\mathbf{W} \\mathbf{x}_n + b \\\\\n"
                 "  L &= \\frac{1}{N} \\sum_{n=1}^{N} \\operatorname{CE}(z_n, y_n)\n"
                 "\\end{align*}\n",
    },
    "linear-regression": {
        "plain": "L = 1/N Σ_n (wᵀ x_n + b − y_n)²\n",
        "python": "L = 1/N * sum_n((w.T @ x_n + b - y_n)**2)\n",
        "latex": "L = \\frac{1}{N}\\sum_{n=1}^{N} \\left(\\mathbf{w}^T \\mathbf{x}_n + b - y_n\\right)^2\n",
    },
    "mlp": {
        "plain": "h = relu(W_1 x + b_1)\np = softmax(W_2 h + b_2)\nL = -sum(y log(p))\n",
        "python": "h = relu(W_1 @ x + b_1)\np = softmax(W_2 @ h + b_2)\nL = -sum(y * log(p))\n",
        "latex": "\\mathbf{h} = \\operatorname{ReLU}(W_1 \\mathbf{x} + b_1) \\\\\n"
                 "\\mathbf{p} = \\operatorname{softmax}(W_2 \\mathbf{h} + b_2) \\\\\n"
                 "L = -\\operatorname{sum}(\\mathbf{y} \\odot \\log(\\mathbf{p}))\n",
    },
    "rnn": {
        "plain": "h_1 = tanh(W h_0 + U x_1 + b)\nh_2 = tanh(W h_1 + U x_2 + b)\n"
                 "L = 1/2 ‖h_2 − y‖²\n",
        "python": "h_1 = tanh(W @ h_0 + U @ x_1 + b)\nh_2 = tanh(W @ h_1 + U @ x_2 + b)\n"
                  "L = 0.5 * norm(h_2 - y)**2\n",
        "latex": "\\begin{align*}\n  h_1 &= \\tanh(W h_0 + U x_1 + b) \\\\\n"
                 "  h_2 &= \\tanh(W h_1 + U x_2 + b) \\\\\n"
                 "  L   &= \\frac{1}{2} \\lVert h_2 - y \\rVert^2\n\\end{align*}\n",
    },
    "logistic-bce": {
        "plain": "L = 1/N Σ_n bce(σ(wᵀ x_n + b), y_n)\n",
        "python": "L = 1/N * sum_n(bce(sigmoid(w.T @ x_n + b), y_n))\n",
        "latex": "L = \\frac{1}{N}\\sum_{n=1}^{N} "
                 "\\operatorname{bce}(\\sigma(\\mathbf{w}^T \\mathbf{x}_n + b), y_n)\n",
    },
    "weight-decay": {
        "plain": "ŷ = W x + b\nL = 1/2 ‖ŷ − y‖² + λ/2 ‖W‖²\n",
        "python": "y_hat = W @ x + b\nL = 0.5 * norm(y_hat - y)**2 + λ/2 * norm(W)**2\n",
        "latex": "\\hat{y} = \\mathbf{W} \\mathbf{x} + b \\\\\n"
                 "L = \\frac{1}{2} \\lVert \\hat{y} - y \\rVert^2 "
                 "+ \\frac{\\lambda}{2} \\lVert \\mathbf{W} \\rVert^2\n",
    },
    "attention": {
        "plain": "Q = X W_q\nK = X W_k\nV = X W_v\nA = softmax(Q Kᵀ / √(d))\nL = 1/2 ‖A V‖²\n",
        "python": "Q = X @ W_q\nK = X @ W_k\nV = X @ W_v\nA = softmax(Q @ K.T / sqrt(d))\n"
                  "L = 0.5 * norm(A @ V)**2\n",
        "latex": "\\begin{align*}\n  Q &= X W_q \\\\ K &= X W_k \\\\ V &= X W_v \\\\\n"
                 "  A &= \\operatorname{softmax}\\left(\\frac{Q K^\\top}{\\sqrt{d}}\\right) \\\\\n"
                 "  L &= \\frac{1}{2} \\lVert A V \\rVert^2\n\\end{align*}\n",
    },
}


# --- independent torch implementations (batches as matrices, torch's own losses) ------------

def torch_softmax_regression(v):
    logits = v["x_n"] @ v["W"].T + v["b"]
    return F.cross_entropy(logits, v["y_n"])          # probability targets, mean over samples


def torch_linear_regression(v):
    return F.mse_loss(v["x_n"] @ v["w"] + v["b"], v["y_n"])


def torch_mlp(v):
    hidden = torch.relu(v["W_1"] @ v["x"] + v["b_1"])
    logits = v["W_2"] @ hidden + v["b_2"]
    return F.cross_entropy(logits[None], v["y"][None])


def torch_rnn(v):
    state = v["h_0"]
    for step in (v["x_1"], v["x_2"]):                 # h_t = tanh(W h_{t-1} + U x_t + b)
        state = torch.tanh(F.linear(state, v["W"]) + F.linear(step, v["U"], v["b"]))
    return 0.5 * torch.sum((state - v["y"]) ** 2)


def torch_logistic_bce(v):
    return F.binary_cross_entropy(torch.sigmoid(v["x_n"] @ v["w"] + v["b"]), v["y_n"])


def torch_weight_decay(v):
    error = v["W"] @ v["x"] + v["b"] - v["y"]
    return 0.5 * error.dot(error) + 0.01 / 2 * torch.sum(v["W"] ** 2)      # λ = 0.01


def torch_attention(v):
    tokens = v["X"]                                        # one token per row
    queries, keys, vals = tokens @ v["W_q"], tokens @ v["W_k"], tokens @ v["W_v"]
    weights = torch.softmax(queries @ keys.T / math.sqrt(keys.shape[1]), dim=-1)
    return 0.5 * torch.sum((weights @ vals) ** 2)


TORCH = {"softmax-regression": torch_softmax_regression, "linear-regression": torch_linear_regression,
         "mlp": torch_mlp, "rnn": torch_rnn, "logistic-bce": torch_logistic_bce,
         "weight-decay": torch_weight_decay, "attention": torch_attention}
ZOO = list(MODELS)


def header(name: str) -> str:
    """The example's declarations (its lines that declare), for the other notations."""
    lines = examples.text(name).splitlines()
    return "".join(line + "\n" for line in lines
                   if line.split(" ", 1)[0] in DECLARATIONS or line.startswith("#"))


def graphdraw_numbers(text: str, leaf_values: dict | None = None, seed: int = 0):
    """(program, leaf values, L, {leaf: ∂L/∂leaf}) as graphdraw computes them."""
    program = parser.parse(text, "<zoo>")
    if leaf_values is None:
        leaf_values = values.leaf_values(program, {}, seed)
    computed = evaluate.forward(program, leaf_values)
    leaves = backprop.gradient_leaves(program)
    grads = backprop.backward(program, computed, wrt=set(leaves))
    return (program, leaf_values, np.asarray(computed[program.output], dtype=float),
            {leaf: np.asarray(grads.get(leaf, 0.0 * computed[leaf]), dtype=float)
             for leaf in leaves})


def relative_error(mine, theirs) -> float:
    """max |mine − theirs| / max |theirs| (the absolute error where theirs is all 0)."""
    mine, theirs = np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float)
    assert mine.shape == theirs.shape
    scale = float(np.max(np.abs(theirs))) if theirs.size else 0.0
    diff = float(np.max(np.abs(mine - theirs))) if mine.size else 0.0
    return diff / scale if scale > 0 else diff


def zoo_errors(name: str, seed: int = 0) -> dict[str, float]:
    """Relative error of graphdraw against torch for L and every gradient of a zoo model."""
    _, leaf_values, loss, grads = graphdraw_numbers(examples.text(name), seed=seed)
    tensors = {leaf: torch.tensor(np.asarray(value, dtype=float), dtype=torch.float64,
                                  requires_grad=leaf in grads)
               for leaf, value in leaf_values.items()}
    expected = TORCH[name](tensors)
    expected.backward()
    errors = {"L": relative_error(loss, expected.detach().numpy())}
    for leaf in grads:
        errors[f"∂L/∂{leaf}"] = relative_error(grads[leaf], tensors[leaf].grad.numpy())
    return errors


@pytest.mark.torch
@pytest.mark.parametrize("seed", [0, 1, 7])
@pytest.mark.parametrize("name", ZOO)
def test_value_and_gradients_match_torch(name, seed):
    errors = zoo_errors(name, seed)
    assert len(errors) > 2, "the model has parameters to differentiate"
    assert max(errors.values()) <= RTOL, errors


def test_every_zoo_model_is_an_example_with_a_torch_twin():
    assert set(ZOO) <= set(examples.names())
    assert set(TORCH) == set(ZOO)
    for name in ZOO:
        assert examples.text(name).startswith("# "), name    # the line `graphdraw examples` shows


@pytest.mark.torch
@pytest.mark.parametrize("name", ZOO)
def test_graphdraw_check_passes(name):
    result = CliRunner().invoke(cli, ["check", "--example", name], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "ok: graphdraw's gradients and graph agree with torch" in result.stdout


@pytest.mark.parametrize("command", [["render", "-f", "dot", "-o", "-"], ["grads"], ["hessian"]])
@pytest.mark.parametrize("name", ZOO)
def test_commands_run(name, command):
    result = CliRunner().invoke(cli, [*command, "--example", name], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("notation", ["plain", "python", "latex"])
@pytest.mark.parametrize("name", ZOO)
def test_notations_give_the_same_numbers(name, notation):
    _, leaf_values, loss, grads = graphdraw_numbers(examples.text(name), seed=3)
    _, _, other_loss, other_grads = graphdraw_numbers(header(name) + MODELS[name][notation],
                                                      leaf_values)
    np.testing.assert_allclose(other_loss, loss, rtol=1e-12, atol=0)
    assert set(other_grads) == set(grads)
    for leaf, grad in grads.items():
        np.testing.assert_allclose(other_grads[leaf], grad, rtol=1e-12, atol=1e-15, err_msg=leaf)


@pytest.mark.parametrize("name", ZOO)
def test_no_shape_needs_declaring_beyond_the_example(name):
    """Each form infers every shape from the example's declarations and data alone."""
    program, leaf_values, _, _ = graphdraw_numbers(header(name) + MODELS[name]["python"], seed=0)
    assert program.output == "L"
    assert leaf_values


def test_the_api_reads_a_zoo_model():
    graph = Graph.example("linear-regression")
    grads = graph.grads(w=[1.0, 1.0], b=0.5)
    # the data lie on y = x₁ + x₂ + 0.5 exactly: the gradient vanishes there
    np.testing.assert_allclose(grads["w"], [0.0, 0.0], atol=1e-12)
    assert float(grads["b"]) == pytest.approx(0.0, abs=1e-12)


def test_lambda_as_the_plain_printer_spells_it_parses_back():
    """λ's id is `lambda`; `graphdraw grads` prints `2 (lambda / 2) · …` in plain notation."""
    graph = Graph.from_text("L = lambda / 2 * w^2 + 3 * lambda * w")
    grads = graph.grads(w=2.0, **{"lambda": 0.5})
    assert float(grads["w"]) == pytest.approx(0.5 * 2.0 + 3 * 0.5)
    for python in ("f = lambda x: x", "f = lambda y", "f = lambda: 1"):
        with pytest.raises(Exception, match="Python"):
            Graph.from_text(python)


ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_model_gd_and_samples_csv_are_shipped():
    """`graphdraw train model.gd --data samples.csv --reduce mean` runs as the README writes it."""
    model, samples = str(ROOT / "model.gd"), str(ROOT / "samples.csv")
    result = CliRunner().invoke(cli, ["train", model, "--data", samples, "--reduce", "mean",
                                      "--steps", "50", "--json", "--no-files"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert '"samples": 4' in result.stdout
    rendered = CliRunner().invoke(cli, ["render", model, "-f", "dot", "-o", "-"])
    assert rendered.exit_code == 0 and "W_i" in rendered.stdout


def test_line_csv_fits_the_line_it_samples():
    """line.csv holds y = 2x + 1 at x = 0…10, as the README's train and API examples say."""
    line = Graph.from_text("input x; target y; L = (w x + b - y)^2")
    params = line.train(str(ROOT / "line.csv"), lr=0.02, reduce="mean").params
    assert float(params["w"]) == pytest.approx(2.0, abs=1e-6)
    assert float(params["b"]) == pytest.approx(1.0, abs=1e-6)


def data_only(name: str) -> str:
    """The example's data (its inputs, targets and constants given a value), no shape declared."""
    lines = examples.text(name).splitlines()
    return "".join(line + "\n" for line in lines
                   if line.split(" ", 1)[0] in ("input", "target", "const") and "=" in line)


@pytest.mark.torch
@pytest.mark.parametrize("notation", ["plain", "python", "latex"])
@pytest.mark.parametrize("name", ZOO)
def test_typed_with_only_the_data_every_command_works(name, notation):
    """As a new user types it: the equations and the data, no shape declared (issue 9)."""
    text = data_only(name) + MODELS[name][notation]
    assert "param" not in text and "dim" not in text
    for command in (["render", "-f", "dot", "-o", "-"], ["grads"], ["check"], ["hessian"]):
        result = CliRunner().invoke(cli, [*command, "-e", text], catch_exceptions=False)
        assert result.exit_code == 0, (command, result.output)


def test_a_size_used_in_an_equation_is_its_value():
    """`dim d = 4` then `/ √(d)`: d is the constant 4 (and --dim changes it), not a parameter."""
    text = "dim d = 4\nparam K[3, d]\ninput q = [1, 2, 3, 4]\nL = sum(K q) / √(d)\n"
    program = parser.parse(text)
    assert program.nodes["d"].role == "const"
    assert "d" not in backprop.gradient_leaves(program)
    graph = Graph.from_text(text)
    assert float(graph.value(K=np.ones((3, 4)))) == pytest.approx(30 / 2)
    nine = "q=[" + ", ".join(["1"] * 9) + "]"
    result = CliRunner().invoke(cli, ["grads", "-e", text.replace("q = [1, 2, 3, 4]", "q[d]"),
                                      "--dim", "d=9", "--set", nine, "--json"])
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.stdout)["grads"]) == ["K"]


def test_linear_regression_trains_on_its_own_samples_to_the_line_they_lie_on():
    run = Graph.example("linear-regression").train(lr=0.2, steps=500)
    np.testing.assert_allclose(run.params["w"], [1.0, 1.0], atol=1e-9)
    assert float(run.params["b"]) == pytest.approx(0.5, abs=1e-9)
