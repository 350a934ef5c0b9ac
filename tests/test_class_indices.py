"""cross_entropy and nll_loss of class indices, as torch's F.cross_entropy(z, c) with a long
target: the row chosen from shapes, values against torch autograd (float64, rtol 1e-9) by
grads, check and hessian, the reading notes and errors, and no gradient for the indices."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.core import class_targets
from graphdraw.language import parser
from graphdraw.numeric import backprop, evaluate, hessian, values

RTOL = 1e-9


def run(*args):
    return CliRunner().invoke(cli, list(args))


def numbers(text: str, given: dict) -> tuple[dict, dict, object]:
    """graphdraw's values and gradients of a model at the given values."""
    program = parser.parse(text)
    leaf = values.leaf_values(program, {k: np.asarray(v, dtype=float) for k, v in given.items()})
    vals = evaluate.forward(program, leaf)
    grads = backprop.backward(program, vals)
    return leaf, {n: grads.get(n) for n in backprop.gradient_leaves(program)}, program


CASES = [   # model, values, torch's loss of the same tensors
    ("L = cross_entropy(z, c)", {"z": [0.5, 2.0, -1.0, 0.3], "c": 2},
     lambda F, t: F.cross_entropy(t["z"], t["c"])),
    ("L = cross_entropy(z, 3)", {"z": [0.5, 2.0, -1.0, 0.3]},
     lambda F, t: F.cross_entropy(t["z"], __import__("torch").tensor(3))),
    ("L = cross_entropy(Z, c)", {"Z": [[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]], "c": [2, 0]},
     lambda F, t: F.cross_entropy(t["Z"], t["c"])),
    ("Z = X W + b\nL = cross_entropy(Z, c)",
     {"X": [[1.0, 0.5], [-1.0, 2.0], [0.5, -1.5], [2.0, 0.0]], "W": [[0.1, -0.2, 0.3],
      [0.4, 0.5, -0.6]], "b": [0.1, 0.0, -0.1], "c": [0, 1, 2, 0]},
     lambda F, t: F.cross_entropy(t["X"] @ t["W"] + t["b"], t["c"])),
    ("L = nll_loss(log_softmax(Z), c)", {"Z": [[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]], "c": [1, 2]},
     lambda F, t: F.nll_loss(F.log_softmax(t["Z"], dim=-1), t["c"])),
    ("L = nll_loss(p, c)", {"p": [-0.5, -2.0, -1.0], "c": 1},
     lambda F, t: F.nll_loss(t["p"], t["c"])),
]


def _tensors(torch, program, leaf):
    gradient = set(backprop.gradient_leaves(program))
    out = {}
    for name, value in leaf.items():
        if name in gradient:
            out[name] = torch.tensor(value, dtype=torch.float64, requires_grad=True)
        else:
            out[name] = torch.tensor(value, dtype=torch.float64).long()
    return out


@pytest.mark.torch
@pytest.mark.parametrize("text, given, loss", CASES)
def test_values_and_gradients_agree_with_torch(text, given, loss):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    leaf, grads, program = numbers(text, given)
    tensors = _tensors(torch, program, leaf)
    theirs = loss(F, tensors)
    vals = evaluate.forward(program, leaf)
    assert np.allclose(vals[program.output], theirs.item(), rtol=RTOL, atol=0)
    wrt = sorted(grads)
    found = torch.autograd.grad(theirs, [tensors[n] for n in wrt])
    for name, g in zip(wrt, found):
        assert np.allclose(grads[name], g.numpy(), rtol=RTOL, atol=1e-15), name
    assert "c" not in grads                         # the indices are never a parameter


@pytest.mark.torch
@pytest.mark.parametrize("text, given, loss", CASES)
def test_the_hessian_agrees_with_torch(text, given, loss):
    pytest.importorskip("torch")
    from graphdraw.analyses.check.torchmodel import torch_hessian
    leaf, grads, program = numbers(text, given)
    wrt = backprop.gradient_leaves(program)
    mine = hessian.hessian(program, leaf, wrt)
    theirs = torch_hessian(program, leaf, wrt)
    mine = np.asarray(mine[0] if isinstance(mine, tuple) else mine)
    assert np.allclose(mine, np.asarray(theirs), rtol=RTOL, atol=1e-14)


@pytest.mark.torch
def test_check_agrees_on_values_gradients_and_the_torchviz_graph():
    result = run("check", "-e", "Z = X W\nL = cross_entropy(Z, c) + nll_loss(log_softmax(Z), c)",
                 "--set", "X=[[1,2],[1,0],[0,1],[2,2]]", "--set", "c=[2,0,1,1]")
    assert result.exit_code == 0, result.output
    assert "NllLossBackward0 (+ LogSoftmaxBackward0)" in result.output
    assert "unmatched: none" in result.output
    assert "✓ c" not in result.output                # no gradient is checked for c


@pytest.mark.torch
def test_hessian_check_does_not_list_the_indices():
    result = run("hessian", "--check", "-e", "L = cross_entropy(Z, c)",
                 "--set", "Z=[[1, 2, 3], [0, -1, 1]]", "--set", "c=[2, 0]", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert len(report["parameters"]) == 6
    assert all(p.startswith("Z") for p in report["parameters"]), report["parameters"]


def test_grads_prints_softmax_minus_onehot_and_no_gradient_of_the_index():
    result = run("grads", "-e", "L = cross_entropy(z, c)", "--set", "z=[1, 2, 3]",
                 "--set", "c=2")
    assert result.exit_code == 0, result.output
    assert "∂L/∂z = softmax(z) − onehot(c, z)" in result.stdout
    assert "∂L/∂c" not in result.stdout
    batch = run("grads", "-e", "L = cross_entropy(Z, c)", "--set", "Z=[[1, 2, 3], [0, 0, 1]]",
                "--set", "c=[2, 0]", "--json")
    assert set(json.loads(batch.stdout)["grads"]) == {"Z"}


def test_grads_latex_and_the_diagram_write_the_loss_as_the_user_did():
    latex = run("grads", "-e", "L = cross_entropy(Z, c)", "--set", "c=[1, 0]", "-f", "latex")
    assert r"\operatorname{softmax}(Z) - \operatorname{onehot}(c, Z)" in latex.stdout
    dot = run("render", "-f", "json", "-e", "L = cross_entropy(Z, c)", "--set", "c=[1, 0]",
              "-o", "-")
    assert dot.exit_code == 0, dot.output
    graph = json.loads(dot.stdout)
    loss = next(n for n in graph["nodes"] if n["id"] == "L")
    assert loss["forward"] == "L = cross_entropy(Z, c)" and loss["op"] == "cross_entropy_index"
    kinds = {n["id"]: n["kind"] for n in graph["nodes"]}
    assert kinds["c"] == "target"


def test_the_printed_derivative_reads_back_to_the_same_value():
    result = run("verify", "-e", "L = cross_entropy(Z, c)", "--set", "c=[2, 0]",
                 "--claim", "∂L/∂Z = (softmax(Z) - onehot(c, Z)) / 2",
                 "--claim", "∂L/∂Z = softmax(Z) - onehot(c, Z)")
    assert result.exit_code != 0
    assert "✓ ∂L/∂Z = (softmax(Z) - onehot(c, Z)) / 2" in result.stdout
    assert "✗ ∂L/∂Z = softmax(Z) - onehot(c, Z)" in result.stdout


@pytest.mark.parametrize("value, bad", [("3", "3"), ("1.5", "1.5"), ("-1", "-1")])
def test_an_index_out_of_range_is_an_input_error(value, bad):
    result = run("grads", "-e", "L = cross_entropy(z, c)", "--set", "z=[1, 2, 3]",
                 "--set", f"c={value}")
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert f"'c' holds class indices, but {bad} is not one: z has 3 classes, numbered 0 to 2" \
        in result.output


def test_a_constant_index_out_of_range_is_a_domain_error():
    result = run("grads", "-e", "L = cross_entropy(z, 7)", "--set", "z=[1, 2, 3]")
    assert result.exit_code == 3, result.output
    assert "class indices are whole numbers from 0 to C − 1" in result.output


def test_random_values_of_declared_indices_are_classes():
    program = parser.parse("target c[5]\nL = cross_entropy(Z, c)")
    leaf = values.leaf_values(program, {"Z": np.zeros((5, 4))}, seed=3)
    assert leaf["c"].shape == (5,)
    assert np.all(leaf["c"] == np.floor(leaf["c"])) and leaf["c"].min() >= 0 \
        and leaf["c"].max() <= 3
    scalar = parser.parse("target c\nL = cross_entropy(z, c)")
    leaf = values.leaf_values(scalar, {}, seed=0)
    assert leaf["c"].shape == () and leaf["c"] in (0.0, 1.0, 2.0)
    assert program.nodes["L"].op == "cross_entropy_index"


def test_a_declared_parameter_cannot_hold_indices():
    result = run("grads", "-e", "param c\nL = cross_entropy(z, c)", "--set", "c=1")
    assert result.exit_code == 3, result.output
    assert "'c' holds class indices, which take no gradient, but is declared a parameter" \
        in result.output and "target c" in result.output


def test_wrt_refuses_the_indices():
    result = run("grads", "-e", "L = cross_entropy(z, c)", "--set", "c=1", "--wrt", "c")
    assert result.exit_code == 3 and "holds class indices, which have no gradient" \
        in result.output


def test_computed_indices_are_refused():
    result = run("grads", "-e", "k = 2 * a\nL = cross_entropy(z, k)", "--set", "z=[1, 2, 3]",
                 "--set", "a=1")
    assert result.exit_code == 3, result.output
    assert "class indices are data, not computed" in result.output


# -- which reading, and the notes ------------------------------------------------------

def test_whole_numbers_that_no_one_hot_row_holds_are_indices_with_a_note():
    result = run("grads", "-e", "L = cross_entropy(z, c)", "--set", "c=[2, 0, 1, 1]")
    assert result.exit_code == 0, result.output
    assert "read c as 4 class indices (0-based), so z holds one row of class scores per " \
        "sample (4×C)" in result.stderr
    assert "(4×3;" in result.stdout


def test_a_one_hot_vector_beside_scores_of_unknown_shape_is_one_hot_with_a_note():
    result = run("grads", "-e", "L = cross_entropy(z, c)", "--set", "c=[0, 1, 0]")
    assert result.exit_code == 0, result.output
    assert "read c as the one-hot target of one sample, so z is a vector of 3 scores; for " \
        "the class indices of 3 samples, declare z's shape (`param z[3, C]`)" in result.stderr
    declared = run("grads", "-e", "param z[3, 2]\nL = cross_entropy(z, c)",
                   "--set", "c=[0, 1, 0]")
    assert declared.exit_code == 0 and "read c as the one-hot" not in declared.stderr
    assert "∂L/∂c" not in declared.stdout


def test_shapes_decide_without_a_note_when_both_are_known():
    vector = parser.parse("L = cross_entropy(z, y)")
    values.leaf_values(vector, {"z": np.ones(3), "y": np.array([0.0, 1.0, 0.0])})
    assert vector.nodes["L"].op == "cross_entropy"                          # one-hot
    matrix = parser.parse("L = cross_entropy(Z, y)")
    values.leaf_values(matrix, {"Z": np.ones((3, 3)), "y": np.array([0.0, 1.0, 0.0])})
    assert matrix.nodes["L"].op == "cross_entropy_index"                    # indices
    result = run("grads", "-e", "L = cross_entropy(Z, y)", "--set", "Z=[[1, 2, 3], [1, 0, 0],"
                 " [0, 0, 1]]", "--set", "y=[0, 1, 0]")
    assert result.exit_code == 0 and "class indices (0-based)" not in result.stderr


def test_a_target_that_fits_neither_reading_is_an_error_at_the_op():
    result = run("grads", "-e", "L = cross_entropy(Z, y)", "--set", "Z=[[1, 2, 3], [1, 0, 0]]",
                 "--set", "y=[0, 1, 0]")
    assert result.exit_code == 3, result.output
    assert "a target holds probabilities (the scores' shape) or class indices" in result.output
    assert "^" in result.output


def test_the_row_follows_the_shapes_both_ways():
    program = parser.parse("L = cross_entropy(z, c)")
    values.leaf_values(program, {"c": np.array(1.0)})
    assert program.nodes["L"].op == "cross_entropy_index" and program.nodes["c"].role == "target"
    assert class_targets.index_targets(program) == {"c": "z"}
    values.leaf_values(program, {"c": np.array([0.2, 0.8])})
    assert program.nodes["L"].op == "cross_entropy"
    assert class_targets.index_targets(program) == {}
    declared = parser.parse("param c[2]\nL = cross_entropy(z, c)")   # a parameter again
    values.leaf_values(declared, {"c": np.array([0.2, 0.8])})
    assert declared.nodes["c"].role == "param"


@pytest.mark.torch
def test_a_batch_in_a_plate_agrees_with_torch():
    torch = pytest.importorskip("torch")
    text = "z_n = W x_n\nL = 1/N Σ_n cross_entropy(z_n, c_n)"
    given = {"x_n": [[1.0, 2.0], [1.0, 0.0], [0.5, -1.0]], "c_n": [2, 0, 1],
             "W": [[0.1, 0.2], [0.3, -0.4], [-0.5, 0.6]]}
    leaf, grads, program = numbers(text, given)
    W = torch.tensor(given["W"], dtype=torch.float64, requires_grad=True)
    x = torch.tensor(given["x_n"], dtype=torch.float64)
    loss = torch.nn.functional.cross_entropy(x @ W.T, torch.tensor(given["c_n"]))
    (g,) = torch.autograd.grad(loss, [W])
    assert np.allclose(grads["W"], g.numpy(), rtol=RTOL, atol=1e-15)
    result = run("check", "-e", text, *[f"--set={k}={json.dumps(v)}" for k, v in given.items()],
                 "--no-structure")
    assert result.exit_code == 0, result.output


def test_the_readme_example_is_the_output():
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Class-index targets"):]
    block = section.split("```\n")[1]
    command, shown = block.split("\n", 1)
    assert command.startswith("$ graphdraw grads -e 'L = cross_entropy(Z, c)'")
    result = run("grads", "-e", "L = cross_entropy(Z, c)", "--set", "Z=[[2, 1, 0.1], [0.5, 2.5, 0.3]]",
                 "--set", "c=[0, 2]")
    assert result.stdout == shown


def test_verify_draws_class_indices_at_its_random_points():
    # the class was 0 at every random point: a claim that hard-codes the given class held
    model = "input x[4]\ntarget c\nparam W[3, 4], b[3]\nz = W x + b\nL = cross_entropy(z, c)\n"
    base = ["verify", "-e", model, "--set", "c=0"]
    right = CliRunner().invoke(cli, base + ["--claim", "∂L/∂b = softmax(z) − onehot(c, z)"])
    assert right.exit_code == 0, right.output
    fixed = CliRunner().invoke(cli, base + ["--claim", "∂L/∂b = softmax(z) − onehot(0, z)"])
    assert fixed.exit_code == 8 and "wrong at" in fixed.output, fixed.output
