"""--data on a model over samples (`L = 1/N Σ_n (wᵀ x_n + b − y_n)²`): each CSV row is one sample
n, the columns name x_n and y_n, N is the row count, and the parameters' shapes follow from the
columns. train's result against least squares (numpy.linalg.lstsq), grads and hessian against
their closed forms, check against torch; every mismatch of the file is one clear error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from graphdraw.cli import cli
from graphdraw.errors import EXIT_INPUT, EXIT_LIMIT

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "graphdraw" / "examples" / "linear-regression.gd"
SAMPLES = ROOT / "graphdraw" / "examples" / "linear-regression.csv"
LINE = "L = 1/N Σ_n (wᵀ x_n + b − y_n)^2"


def documented_rows() -> str:
    """The rule the shipped CSV is made by (README, train: data for a model over samples):
    for k = 0 … 19, x₁ = (k mod 5) − 2, x₂ = ((3k mod 7) − 3)/2 and
    y = 1.5 x₁ − 0.5 x₂ + 0.25 + ((k mod 3) − 1)/10."""
    lines = ["x1,x2,y"]
    for k in range(20):
        x1, x2 = k % 5 - 2, ((3 * k) % 7 - 3) / 2
        y = 1.5 * x1 - 0.5 * x2 + 0.25 + ((k % 3) - 1) / 10
        lines.append(f"{x1:g},{x2:g},{round(y, 10):g}")
    return "\n".join(lines) + "\n"


def table(path: Path = SAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """X (with a column of ones) and y of a CSV x1,x2,…,y."""
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return np.c_[data[:, :-1], np.ones(len(data))], data[:, -1]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def as_json(*args: str) -> dict:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_shipped_samples_follow_their_documented_rule():
    assert SAMPLES.read_text(encoding="utf-8") == documented_rows()


def test_train_reaches_least_squares():
    X, y = table()
    best, *_ = np.linalg.lstsq(X, y, rcond=None)
    report = as_json("train", str(MODEL), "--data", str(SAMPLES), "--lr", "0.2",
                     "--steps", "1500", "--no-files")
    assert report["samples"] == 20 and report["data"] == str(SAMPLES)
    params = report["params"]
    assert np.allclose(params["w"], best[:2], rtol=0, atol=1e-10)
    assert abs(params["b"] - best[2]) < 1e-10
    residual = X @ best - y
    assert abs(report["loss"]["final"] - np.mean(residual ** 2)) < 1e-12
    predicted = [row["prediction"] for row in report["predictions"]]
    assert np.allclose(predicted, X @ best, rtol=0, atol=1e-9)
    assert [row["target"] for row in report["predictions"]] == list(y)


def test_the_parameters_take_their_shape_from_the_columns(tmp_path):
    # x_n and w are declared nowhere: three columns x1..x3 make x_n, and so w, vectors of 3.
    rng = np.random.default_rng(4)
    X = rng.uniform(-1, 1, (12, 3))
    y = X @ [0.5, -2.0, 1.0] + 0.3 + rng.normal(0, 0.05, 12)
    rows = ["x[1],x[2],x[3],y_n"] + [",".join(repr(float(v)) for v in (*x, t))
                                     for x, t in zip(X, y)]
    path = write(tmp_path / "d.csv", "\n".join(rows) + "\n")
    report = as_json("train", "-e", LINE, "--data", path, "--lr", "0.5", "--steps", "3000",
                     "--no-files")
    best, *_ = np.linalg.lstsq(np.c_[X, np.ones(12)], y, rcond=None)
    assert np.shape(report["params"]["w"]) == (3,)
    assert np.allclose(report["params"]["w"], best[:3], atol=1e-8)
    assert abs(report["params"]["b"] - best[3]) < 1e-8


def test_one_column_is_a_number_per_sample(tmp_path):
    path = write(tmp_path / "line.csv", "x,y\n0,1\n1,3.1\n2,4.9\n3,7\n")
    report = as_json("train", "-e", "L = 1/N Σ_n (w x_n + b - y_n)^2", "--data", path,
                     "--lr", "0.1", "--steps", "3000", "--no-files")
    slope, intercept = np.polyfit([0, 1, 2, 3], [1, 3.1, 4.9, 7], 1)
    assert np.shape(report["params"]["w"]) == ()
    assert abs(report["params"]["w"] - slope) < 1e-8
    assert abs(report["params"]["b"] - intercept) < 1e-8


@pytest.mark.parametrize("header", ["x1,x2,y", "x[1],x[2],y", "x_n[1],x_n[2],y_n",
                                    "y,x2,x1", " x_1 , x_2 , y "])
def test_header_spellings_give_the_same_gradients(tmp_path, header):
    names = [h.strip() for h in header.split(",")]
    X, y = table()
    columns = {"y": y, "y_n": y, "x1": X[:, 0], "x[1]": X[:, 0], "x_n[1]": X[:, 0],
               "x_1": X[:, 0], "x2": X[:, 1], "x[2]": X[:, 1], "x_n[2]": X[:, 1],
               "x_2": X[:, 1]}
    body = [",".join(repr(float(columns[n][k])) for n in names) for k in range(len(y))]
    path = write(tmp_path / "d.csv", "\n".join([header, *body]) + "\n")
    report = as_json("grads", str(MODEL), "--data", path, "--set", "w=[0.3,-0.2]",
                     "--set", "b=0.1")
    # ∂/∂θ of 1/N ‖X θ − y‖² is 2/N Xᵀ (X θ − y).
    theta = np.array([0.3, -0.2, 0.1])
    expected = 2 / len(y) * X.T @ (X @ theta - y)
    assert report["samples"] == len(y)
    assert np.allclose(report["grads"]["w"], expected[:2], rtol=1e-12, atol=1e-14)
    assert abs(report["grads"]["b"] - expected[2]) < 1e-13


def test_hessian_at_the_data_is_two_over_n_xtx():
    X, _ = table()
    report = as_json("hessian", str(MODEL), "--data", str(SAMPLES))
    assert np.allclose(report["hessian"], 2 / len(X) * X.T @ X, rtol=1e-12, atol=1e-14)


def test_grads_text_says_where_the_samples_come_from():
    result = invoke("grads", str(MODEL), "--data", str(SAMPLES))
    assert result.exit_code == 0, result.output
    assert f"samples from {SAMPLES}" in result.stdout
    assert "here N = 20 samples" in result.stdout


@pytest.mark.torch
def test_check_at_the_data_agrees_with_torch():
    pytest.importorskip("torch")
    result = invoke("check", str(MODEL), "--data", str(SAMPLES), "--no-structure", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True and len(report["leaves"]) == 2


def test_train_through_a_subprocess(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "graphdraw", "train", str(MODEL), "--data",
                           str(SAMPLES), "--lr", "0.2", "--steps", "1500", "--no-files"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"on {SAMPLES}" in done.stdout and "over its 20 samples" in done.stdout
    assert "w = [1.503, -0.5031]" in done.stdout and "b = 0.2449" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_bad_file_through_a_subprocess_is_one_message(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    path = write(tmp_path / "d.csv", "x1,x2,y\n1,2,3\n4,five,6\n")
    done = subprocess.run([sys.executable, "-m", "graphdraw", "train", str(MODEL), "--data",
                           path, "--no-files"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == EXIT_INPUT
    assert f"{path}:3: column 'x2': 'five' is not a number" in done.stderr
    assert "Traceback" not in done.stderr


BAD = [
    ("x1,y\n1,2\n2,3\n", "no column for x_n[2] (x_n is a vector of 2 per sample in the "
                         "model)", "'x1', 'x2'"),
    ("x1,x2,y,z\n1,2,3,4\n2,3,4,5\n", "column 'z' names no value per sample",
     "remove the column or rename it"),
    ("x1,x2\n1,2\n2,3\n", "no column for y_n", "add 'y' to the header"),
    ("x1,x2,y\n1,2,3\n2,a,4\n", ":3: column 'x2': 'a' is not a number", "write numbers"),
    ("x1,x2,y\n1,2,3\n2,,4\n", ":3: column 'x2': an empty cell is not a number", None),
    ("x1,x2,y\n1,2,3\n2,3\n", ":3: 2 values, but the header names 3 columns", None),
    ("x1,x2,y\n1,2,3\n2,3,4,5\n", ":3: 4 values, but the header names 3 columns", None),
    ("", "is empty: the first line names the columns", None),
    ("\n\n", "is empty", None),
    ("x1,x2,y\n", "has a header but no samples", "add one row"),
    ("x1,x2,y\n1,2,3\n", "has one sample; training a model over samples", "grads"),
    ("x1,x2,x3,y\n1,2,3,4\n2,3,4,5\n", "column 'x3' does not fit x_n, a vector of 2", None),
    ("x,x1,y\n1,2,3\n2,3,4\n", "give x_n both whole and by entries", None),
    ("x1,x1,x2,y\n1,1,2,3\n2,2,3,4\n", "columns 'x1' and 'x1' both give x_n[1]", None),
    ("x[0],x2,y\n1,2,3\n2,3,4\n", "an index is a positive whole number, not 0", None),
    ("x1,x2,b,y\n1,2,0,3\n2,3,0,4\n", "column 'b' names the parameter 'b', which is not "
                                     "per sample", "--set b="),
    ("x1,x2,N,y\n1,2,2,3\n2,3,2,4\n", "column 'N' names N, the number of samples of Σ_n: "
                                     "it is the number of rows", "remove the column"),
    ("x1,x2,y\n1,2,nan\n2,3,4\n", "nan is not a finite number", None),
    ("x1,x2,y\n1,2,1e400\n2,3,4\n", "too large for 64-bit floats", None),
]


@pytest.mark.parametrize("text, message, hint", BAD)
def test_a_file_that_does_not_fit_is_one_clear_error(tmp_path, text, message, hint):
    path = write(tmp_path / "d.csv", text)
    result = invoke("train", str(MODEL), "--data", path, "--no-files", "--steps", "5",
                    "--lr", "0.1")
    assert result.exit_code == EXIT_INPUT, result.output
    error = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(error) == 1 and message in error[0], result.stderr
    if hint is not None:
        assert "hint:" in result.stderr and hint in result.stderr.split("hint:")[1]


def test_a_missing_file_and_a_directory(tmp_path):
    for path, message in ((tmp_path / "none.csv", "no such data file"),
                          (tmp_path, "is a directory")):
        result = invoke("grads", str(MODEL), "--data", str(path))
        assert result.exit_code == EXIT_INPUT and message in result.stderr


def test_one_row_is_enough_for_the_gradient(tmp_path):
    path = write(tmp_path / "d.csv", "x1,x2,y\n1,2,3\n")
    report = as_json("grads", str(MODEL), "--data", path, "--set", "w=[1,1]", "--set", "b=0")
    assert report["samples"] == 1
    assert np.allclose(report["grads"]["w"], [0.0, 0.0]) and report["grads"]["b"] == 0.0


def test_rows_past_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHDRAW_MAX_ROWS", "10")
    result = invoke("train", str(MODEL), "--data", str(SAMPLES), "--no-files")
    assert result.exit_code == EXIT_LIMIT
    assert "past the limit of 10 (GRAPHDRAW_MAX_ROWS)" in result.stderr


def test_entries_past_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHDRAW_MAX_ENTRIES", "30")
    result = invoke("grads", str(MODEL), "--data", str(SAMPLES))
    assert result.exit_code == EXIT_LIMIT
    assert "'x_n' of 20 samples: 40 entries" in result.stderr


def test_data_and_set_may_not_both_give_the_samples():
    result = invoke("grads", str(MODEL), "--data", str(SAMPLES), "--set", "y_n=[1,2]")
    assert result.exit_code == EXIT_INPUT
    assert "'y_n' is given both by --data" in result.stderr
    result = invoke("train", str(MODEL), "--data", str(SAMPLES), "--set", "y_n=[1,2]",
                    "--no-files")
    assert result.exit_code == EXIT_INPUT and "'y_n' is data" in result.stderr


def test_data_on_a_model_without_samples_says_what_it_is_for():
    result = invoke("grads", "-e", "L = (w x - y)^2", "--data", str(SAMPLES))
    assert result.exit_code == EXIT_INPUT
    assert "this model has no values per sample" in result.stderr
    assert "L = 1/N Σ_n" in result.stderr


CELLS = st.sampled_from(["0", "1", "-2.5", "1e-3", "", "a", " 3 ", "nan", "1e400", "0x10"])
HEADERS = st.lists(st.sampled_from(["x1", "x2", "x3", "x[1]", "x[2]", "x", "x_n", "x_n[1]",
                                    "y", "y_n", "ŷ", "w", "b", "N", "z", "", "x[0]", "x[1,1]"]),
                   min_size=0, max_size=5)


@settings(max_examples=60, derandomize=True, deadline=None, database=None)
@given(HEADERS, st.lists(st.lists(CELLS, min_size=0, max_size=6), max_size=4),
       st.sampled_from([str(MODEL), "-e L = 1/N Σ_n (w x_n + b - y_n)^2"]))
def test_any_file_is_a_result_or_one_error(tmp_path_factory, header, rows, model):
    path = tmp_path_factory.mktemp("csv") / "d.csv"
    path.write_text("\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n",
                    encoding="utf-8")
    args = ["-e", model[3:]] if model.startswith("-e ") else [model]
    result = CliRunner().invoke(cli, ["grads", *args, "--data", str(path), "--json"])
    assert result.exit_code in (0, EXIT_INPUT, EXIT_LIMIT), result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                      SystemExit)
    if result.exit_code == 0:
        assert json.loads(result.stdout)["samples"] == len([r for r in rows if any(
            c.strip() for c in r)])
    else:
        assert result.stderr.count("error:") == 1 and "Traceback" not in result.output


def test_many_samples_are_stacked_and_give_the_model_s_own_numbers(tmp_path):
    """Past 64 rows (the samples the stacked layout is checked on), the stacked loss and
    gradient are still the model's own, summed sample by sample."""
    from graphdraw.analyses.train.setup import prepare
    from graphdraw.numeric import backprop, evaluate
    rng = np.random.default_rng(2)
    X, y = rng.uniform(-1, 1, (150, 2)), rng.uniform(-1, 1, 150)
    path = write(tmp_path / "d.csv", "x1,x2,y\n" + "".join(
        f"{a!r},{b!r},{t!r}\n" for (a, b), t in zip(X.tolist(), y.tolist())))
    setup = prepare(MODEL.read_text(encoding="utf-8"), "m", data_path=path)
    assert setup.objective.layout == "trailing"
    theta = {"w": np.array([0.4, -1.1]), "b": np.array(0.3)}
    loss, grads = setup.objective(theta)
    vals = evaluate.forward(setup.program, setup.objective.values(theta))
    own = backprop.backward(setup.program, vals)
    assert setup.objective.values(theta)["x_n"].shape == (150, 2)
    assert loss == pytest.approx(float(vals["L"]), rel=1e-12)
    for p in theta:
        assert np.allclose(grads[p], own[p], rtol=1e-11, atol=1e-14)
    residual = X @ theta["w"] + theta["b"] - y
    assert loss == pytest.approx(np.mean(residual ** 2), rel=1e-12)


def test_a_model_that_cannot_be_stacked_is_summed_as_written(tmp_path):
    # W x_n + b with a vector b: neither stacking broadcasts (W x_n is 3×N, b is 3), so the
    # samples are computed one by one, as the model sums them.
    from graphdraw.analyses.train.setup import prepare
    text = "param W[3, 2], b[3]\nL = 1/N Σ_n sum((W x_n + b - y_n)^2)\n"
    path = write(tmp_path / "d.csv", "x1,x2,y[1],y[2],y[3]\n1,2,0,1,0\n0,1,1,0,0\n"
                                     "2,2,0,0,1\n1,0,0,1,0\n")
    setup = prepare(text, "m", data_path=path)
    assert setup.objective.layout == "model"
    assert setup.data.per_sample["y_n"].shape == (4, 3)
    loss, grads = setup.objective(setup.theta)
    W, b = setup.theta["W"], setup.theta["b"]
    Xs, Ys = setup.data.per_sample["x_n"], setup.data.per_sample["y_n"]
    expected = np.mean([np.sum((W @ x + b - t) ** 2) for x, t in zip(Xs, Ys)])
    assert loss == pytest.approx(expected, rel=1e-12)
    assert grads["W"].shape == (3, 2) and grads["b"].shape == (3,)


def test_the_python_api_trains_on_the_samples_too():
    import graphdraw
    X, y = table()
    best, *_ = np.linalg.lstsq(X, y, rcond=None)
    trained = graphdraw.load(MODEL).train(SAMPLES, lr=0.2, steps=1500)
    assert np.allclose(trained.params["w"], best[:2], atol=1e-10)
    assert abs(float(trained.params["b"]) - best[2]) < 1e-10


def test_a_matrix_per_sample_from_quoted_columns(tmp_path):
    model = "L = 1/N Σ_n sum((A_n w - y_n)^2)"
    path = write(tmp_path / "d.csv", '"A[1,1]","A[1,2]","A[2,1]","A[2,2]",y[1],y[2]\n'
                                     "1,0,0,1,1,2\n2,1,0,1,3,1\n1,1,1,0,3,1\n")
    report = as_json("grads", "-e", model, "--data", path, "--set", "w=[1,1]")
    A = np.array([[[1, 0], [0, 1]], [[2, 1], [0, 1]], [[1, 1], [1, 0]]], dtype=float)
    Y = np.array([[1, 2], [3, 1], [3, 1]], dtype=float)
    residual = A @ [1.0, 1.0] - Y
    assert report["value"] == pytest.approx(np.mean(np.sum(residual ** 2, axis=1)))
    expected = 2 / 3 * np.einsum("nij,ni->j", A, residual)
    assert np.allclose(report["grads"]["w"], expected, rtol=1e-12)
    # Unquoted, csv cuts A[1,1] at its comma: the error says to quote it.
    path = write(tmp_path / "e.csv", "A[1,1],A[1,2],A[2,1],A[2,2],y1,y2\n1,0,0,1,1,2\n"
                                     "2,1,0,1,3,1\n")
    result = invoke("grads", "-e", model, "--data", path)
    assert result.exit_code == EXIT_INPUT
    assert "a comma cut in two" in result.stderr and '"A[1,1]"' in result.stderr
    path = write(tmp_path / "f.csv", '"A[1,1]","A[1,2]","A[2,2]",y1,y2\n1,0,1,1,2\n2,1,1,3,1\n')
    result = invoke("grads", "-e", model, "--data", path)
    assert result.exit_code == EXIT_INPUT
    assert "no column for A_n[2,1] (A_n is 2×2 per sample by its columns)" in result.stderr
    assert '"A[2,1]"' in result.stderr


def test_the_latex_model_of_the_issue_reads_the_same_file():
    latex = r"L = \frac{1}{m}\sum_{i=1}^{m}(w^T x^{(i)} + b - y^{(i)})^2"
    plain = as_json("grads", str(MODEL), "--data", str(SAMPLES), "--set", "w=[1,2]",
                    "--set", "b=-1")
    typed = as_json("grads", "-e", latex, "--data", str(SAMPLES), "--set", "w=[1,2]",
                    "--set", "b=-1")
    assert typed["samples"] == plain["samples"] == 20
    assert typed["value"] == pytest.approx(plain["value"], rel=1e-14)
    for p in ("w", "b"):
        assert np.allclose(typed["grads"][p], plain["grads"][p], rtol=1e-13)


def test_the_printed_draw_line_shows_zero_gradients_at_the_trained_point(tmp_path,
                                                                          monkeypatch):
    import shlex
    monkeypatch.chdir(tmp_path)
    result = invoke("train", str(MODEL), "--data", str(SAMPLES), "--lr", "0.2", "--steps",
                    "1500", "--no-files", "--save-params", "p.json")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stderr.splitlines()
                if line.startswith("draw it with: graphdraw render "))
    args = shlex.split(line.split("graphdraw ", 1)[1])
    assert args[:2] == ["render", str(MODEL)] and "--data" in args
    drawn = invoke(*args, "-f", "dot", "-o", "-")
    assert drawn.exit_code == 0, drawn.output
    assert f"samples from {SAMPLES}" in drawn.stdout
    # The same values through grads: the gradients vanish at the trained parameters.
    report = as_json("grads", *[a for a in args[1:] if a not in ("--show", "values,grads")])
    assert report["samples"] == 20
    assert np.allclose(report["grads"]["w"], 0, atol=1e-12)
    assert abs(report["grads"]["b"]) < 1e-12


def test_render_takes_the_shapes_and_the_legend_note_from_the_data(tmp_path):
    path = write(tmp_path / "d.csv", "x[1],x[2],x[3],y\n1,2,3,4\n0,1,0,1\n")
    drawn = invoke("render", "-e", LINE, "--data", path, "-f", "json", "-o", "-")
    assert drawn.exit_code == 0, drawn.output
    shapes = {n["id"]: n["shape"] for n in json.loads(drawn.stdout)["nodes"]}
    assert shapes["w"] == [3] and shapes["x_n"] == [3] and shapes["y_n"] == []
    dot = invoke("render", "-e", LINE, "--data", path, "--show", "values", "-f", "dot",
                 "-o", "-")
    assert dot.exit_code == 0 and f"samples from {path}" in dot.stdout
    bad = invoke("render", "-e", LINE, "--data", write(tmp_path / "e.csv", "x1,z\n1,2\n"),
                 "-f", "json", "-o", "-")
    assert bad.exit_code == EXIT_INPUT and "column 'z' names no value per sample" in bad.stderr


@pytest.mark.torch
def test_softmax_regression_on_one_hot_columns_trains_and_agrees_with_torch(tmp_path):
    torch = pytest.importorskip("torch")
    model = ROOT / "graphdraw" / "examples" / "softmax-regression.gd"
    X = np.array([[1, .5, -.5], [-1, 2, 0], [.5, -1.5, 1], [2, 0, -1], [0, 1, 1]])
    labels = np.array([0, 1, 2, 0, 1])
    rows = ["x1,x2,x3,y1,y2,y3"] + [",".join(map(str, [*x, *np.eye(3)[c].astype(int)]))
                                    for x, c in zip(X, labels)]
    path = write(tmp_path / "d.csv", "\n".join(rows) + "\n")
    report = as_json("train", str(model), "--data", path, "--lr", "0.5", "--steps", "50",
                     "--no-files")
    W = torch.tensor(report["params"]["W"], dtype=torch.float64)
    b = torch.tensor(report["params"]["b"], dtype=torch.float64)
    logits = torch.tensor(X, dtype=torch.float64) @ W.T + b
    expected = torch.nn.functional.cross_entropy(logits, torch.tensor(labels))
    assert report["loss"]["final"] == pytest.approx(float(expected), rel=1e-10)
    result = invoke("check", str(model), "--data", path, "--no-structure")
    assert result.exit_code == 0, result.output


def test_reduce_mean_on_a_model_over_samples_is_refused():
    # the model's own Σ_n (1/N Σ_n) is its loss: --reduce mean divided it by N once more
    result = CliRunner().invoke(cli, ["train", "graphdraw/examples/linear-regression.gd", "--data",
                                     "graphdraw/examples/linear-regression.csv", "--reduce",
                                     "mean", "--no-files"])
    assert result.exit_code == 3, result.output
    assert "--reduce mean: this model sums over its samples itself" in result.output
    assert "Traceback" not in result.output
