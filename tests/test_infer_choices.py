"""Shape inference's choices where nothing fixes a shape (core/infer.py): a transpose or a
reduction marks a tensor, a bias added to a batch of rows is one row, a target multiplying
log(p) has p's shape, the data file's columns fix shapes, and the notes state the shapes used."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw.cli.group import cli
from graphdraw.core import infer
from graphdraw.language.parser import parse

SVM = r"L = \max(0, 1 - y\,\mathbf{w}^T\mathbf{x} ) + \frac{\lambda}{2}\|\mathbf{w}\|^2"
LAYERNORM = ("mu = mean(x)\nv = mean((x - mu)^2)\nxh = (x - mu) / sqrt(v + 0.00001)\n"
             "y = gamma * xh + beta\nL = sum((y - t)^2)")
MLP = ("h = relu(W1 @ x + b1)\ng = gelu(W2 @ h + b2)\np = softmax(g)\n"
       "L = -sum(y * log(p))")
BATCH = "P = softmax(X @ W + b)\nL = -sum(Y * log(P)) / 4"
LINREG = (r"\hat{y}_n = \mathbf{w}^T \mathbf{x}_n + b" "\n"
          r"L = \frac{1}{N}\sum_{n=1}^{N} (\hat{y}_n - y_n)^2")
CLASSES = ("x[1],x[2],y[1],y[2],y[3]\n1,0,1,0,0\n0,1,0,1,0\n-1,-1,0,0,1\n1.2,0.1,1,0,0\n"
           "0.1,1.3,0,1,0\n-0.9,-1.1,0,0,1\n")


def inferred(text: str, given: dict | None = None, syntax: str | None = None):
    return infer.infer(parse(text, syntax=syntax), given)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def notes(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if "note:" in line]


# -- a transpose marks a vector (or a matrix), never a scalar ---------------------------------
def test_a_transposed_leaf_is_a_vector_and_its_scaling_factor_a_scalar():
    found = inferred(SVM, syntax="latex")
    assert found.shapes["w"] == found.shapes["x"] == (3,)
    assert found.shapes["y"] == found.shapes["lambda"] == found.shapes["L"] == ()
    assert any(n.startswith("y is a scalar (it scales") for n in found.notes())


def test_a_transposed_capital_is_a_matrix():
    found = inferred("z = A^T @ v\nL = sum(z)").shapes
    assert found["A"] == (3, 3) and found["v"] == (3,)
    assert inferred("L = y * w^T").shapes["w"] == (3,)       # wᵀ alone: still a vector


def test_a_declared_scalar_can_still_be_transposed():
    assert inferred("param w\nL = w^T * 2").shapes["w"] == ()


# -- a reduction over a leaf of free size ----------------------------------------------------
@pytest.mark.parametrize("text, leaf, shape", [
    ("L = sum(x)", "x", (3,)), ("L = mean(X)", "X", (3, 3)), ("L = norm(w)", "w", (3,)),
    ("L = max(z)", "z", (3,)), ("L = logsumexp(z)", "z", (3,))])
def test_a_reduction_of_a_free_leaf_makes_it_a_tensor_with_the_size_note(text, leaf, shape):
    found = inferred(text)
    assert found.shapes[leaf] == shape and found.defaulted == [leaf]
    assert f"{leaf} is " in found.notes()[-1] and "3 is the default size" in found.notes()[-1]


def test_layernorm_normalises_a_vector_not_a_scalar():
    found = inferred(LAYERNORM)
    assert found.shapes["x"] == found.shapes["xh"] == found.shapes["t"] == (3,)
    assert found.shapes["mu"] == found.shapes["v"] == ()
    assert found.shapes["beta"] == (3,) and found.shapes["gamma"] == ()
    said = " ".join(found.notes())
    assert "x is a vector of 3" in said and "γ is a scalar (it scales" in said
    assert "(`param γ[3]`) for one number per entry" in said   # the sizes it ended with


def test_a_reduction_of_several_free_leaves_says_which_became_scalars():
    found = inferred("L = mean((w*x - y)^2)")
    assert found.shapes["w"] == found.shapes["x"] == found.shapes["y"] == ()
    assert found.notes() == [
        "mean(…) on line 1 takes a scalar: nothing in the model makes w, x and y a vector, so "
        "they are scalars; declare a shape (`param w[3]`) or give a value (--set w=[1, 2, 3]) "
        "for a mean over entries"]
    found = inferred("L = mean((w*x - y)^2)", {"x": (4,)})
    assert found.shapes["y"] == (4,) and found.shapes["w"] == ()
    assert not any("takes a scalar" in n for n in found.notes())


def test_the_note_on_a_reduction_of_many_leaves_names_the_first_few():
    note = inferred("L = sum(" + " + ".join(f"w_{i} x" for i in range(60)) + ")").notes()[0]
    assert "makes w₀, x, w₁ and 58 more a vector" in note and len(note) < 250


def test_a_reduction_keeps_a_given_scalar():
    assert inferred("L = sum(x)", {"x": ()}).shapes["x"] == ()
    assert inferred("param x\nL = mean(x)").shapes["x"] == ()
    assert inferred("param x\nL = mean(x)").notes() == []      # declared: nothing to say


# -- a bias added to a batch of rows ----------------------------------------------------------
def test_a_bias_added_to_a_batch_of_rows_is_one_row():
    found = inferred(BATCH, {"X": (4, 2)})
    assert found.shapes["W"] == (2, 3) and found.shapes["b"] == (3,)
    assert found.shapes["P"] == found.shapes["Y"] == (4, 3)
    assert any(n.startswith("b is a vector added to each row of the matrix product")
               and "(`param b[4, 3]`) for one number per entry" in n for n in found.notes())


def test_a_bias_of_a_vector_and_a_capital_bias_keep_the_whole_shape():
    assert inferred("h = W @ x + b\nL = sum(h)").shapes["b"] == (3,)
    found = inferred("H = X @ W + B\nL = sum(H)", {"X": (4, 2)}).shapes
    assert found["B"] == (4, 3)
    found = inferred("E = X @ W - t\nL = sum(E^2)", {"X": (4, 2)}).shapes
    assert found["t"] == (4, 3)            # a difference with a target: its whole shape


# -- a target multiplying a log ---------------------------------------------------------------
def test_a_target_multiplying_a_log_has_its_shape():
    found = inferred(MLP)
    assert found.shapes["y"] == found.shapes["p"] == (3,)
    assert any(n.startswith("y has the shape of the value it multiplies (a target")
               for n in found.notes())
    # a scaling leaf that is not a target stays a scalar, with its note
    assert inferred("p = softmax(z)\nL = -sum(c * log(p))\nparam c").shapes["c"] == ()


def test_a_target_follows_the_given_prediction_size():
    found = inferred(MLP, {"x": (2,), "y": (4,)}).shapes
    assert found["W2"] == (4, 3) and found["p"] == (4,)


# -- notes state the shapes that are used ---------------------------------------------------
def test_quiet_inference_says_nothing(capsys):
    program = parse("L = sum(x)")
    with infer.quiet():
        infer.shapes_for(program, {})
    assert capsys.readouterr().err == ""
    infer.shapes_for(program, {})
    assert "x is a vector of 3" in capsys.readouterr().err


# -- the command line, one test per model of the trial --------------------------------------
def test_train_data_columns_fix_an_undeclared_targets_shape(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m04.py").write_text(MLP + "\n")
    (tmp_path / "cls3.csv").write_text(CLASSES)
    result = run("train", "m04.py", "--data", "cls3.csv", "--steps", "20", "--no-files")
    assert result.exit_code == 0, result.output
    assert "on cls3.csv" in result.stdout and "6 samples" in result.stdout
    assert "W1 = [[" in result.stdout            # W1 is 3×2: x has the data's 2 entries
    said = " ".join(notes(result))
    assert "W1 is 3×2" in said and "y is" not in said.split("sizes not fixed")[-1]


def test_grads_of_the_mlp_gives_the_target_the_softmax_shape():
    result = run("grads", "-e", MLP, "--json")
    assert result.exit_code == 0, result.output
    grads = json.loads(result.stdout)["grads"]
    assert np.shape(grads["b2"]) == (3,) and "y" not in grads
    assert any("y has the shape of the value it multiplies" in n for n in notes(result))


def test_render_the_svm_makes_w_and_x_vectors(tmp_path):
    (tmp_path / "svm.tex").write_text(SVM + "\n")
    result = run("render", str(tmp_path / "svm.tex"), "-f", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    nodes = {n["id"]: n for n in json.loads(result.stdout)["nodes"]}
    assert nodes["w"]["shape"] == nodes["x"]["shape"] == [3] and nodes["y"]["shape"] == []


def test_grads_of_layernorm_is_not_a_scalar_in_disguise():
    result = run("grads", "-e", LAYERNORM, "--json")
    assert result.exit_code == 0, result.output
    grads = json.loads(result.stdout)["grads"]
    assert np.shape(grads["x"]) == (3,) and np.abs(grads["x"]).max() > 1e-6
    assert grads["gamma"] != 0
    assert any("x is a vector of 3" in n for n in notes(result))


def test_render_the_batch_gives_the_bias_one_row(tmp_path):
    result = run("render", "-e", BATCH, "--set", "X=[[1,2],[3,4],[5,6],[7,8]]", "-f", "json",
                 "-o", "-")
    assert result.exit_code == 0, result.output
    nodes = {n["id"]: n for n in json.loads(result.stdout)["nodes"]}
    assert nodes["b"]["shape"] == [3] and nodes["W"]["shape"] == [2, 3]
    assert nodes["Y"]["shape"] == [4, 3]
    assert any("b is a vector added to each row" in n for n in notes(result))


@pytest.mark.torch
def test_check_the_batch_with_a_row_bias_agrees_with_torch():
    result = run("check", "-e", BATCH, "--set", "X=[[1,2],[3,4],[5,6],[7,8]]")
    assert result.exit_code == 0, result.output
    assert "✓ b    3" in result.stdout


def test_train_notes_the_shapes_it_trains(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m03.tex").write_text(LINREG + "\n")
    result = run("train", "m03.tex", "--set", "x_n=[[1,0],[0,1],[1,1],[2,1]]",
                 "--set", "y_n=[2,3,5,7]", "--lr", "0.1", "--steps", "5", "--no-files")
    assert result.exit_code == 0, result.output
    assert "3 parameters" in result.stdout        # w of 2 and b
    assert "vector of 3" not in result.stderr and "sizes not fixed" not in result.stderr
    unset = run("train", "m03.tex", "--lr", "0.1", "--steps", "5", "--no-files")
    assert unset.exit_code == 0, unset.output
    assert "w is a vector of 3" in unset.stderr and "4 parameters" in unset.stdout


def test_train_data_columns_of_a_declared_scalar_target_are_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.py").write_text("target y\n" + MLP + "\n")
    (tmp_path / "cls3.csv").write_text(CLASSES)
    result = run("train", "m.py", "--data", "cls3.csv", "--steps", "2", "--no-files")
    assert result.exit_code == 3
    assert "column 'y[1]' does not fit the scalar y" in result.stderr
    assert "declare its shape (`target y[3]`)" in result.stderr


def test_a_target_shaped_by_a_difference_is_told_to_stay_a_target():
    found = inferred("p = softmax(z)\nL = sum((p - y)^2) - sum(y * log(p))")
    assert found.shapes["y"] == (3,)
    assert "y has the shape of the value it is subtracted from; declare `target y` (a scalar)" \
        " to broadcast one number" in found.notes()
