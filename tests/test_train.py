"""graphdraw train: learning XOR on graphdraw's own backprop, data from CSV, the torch SGD
proof, the hidden-size sweep, the Taylor log, the files it writes and its errors."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw.language import examples
from graphdraw.language import parser
from graphdraw.analyses import train as T
from graphdraw.analyses.train import data as data_mod
from graphdraw.analyses.train import report as train_report
from graphdraw.cli import cli
from graphdraw.errors import GraphdrawError

XOR = examples.text("xor")


def run(*args):
    return CliRunner().invoke(cli, ["train", *args], catch_exceptions=False)


def summary(*args) -> dict:
    result = run(*args, "--no-files", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def write(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- learning XOR ---------------------------------------------------------------------------

def test_xor_learns_with_default_settings_and_seed_0():
    report = summary()
    assert report["optimizer"] == "gd" and report["steps"] == T.DEFAULT_STEPS
    assert report["samples"] == 4 and report["learned"] is True
    assert [p["correct"] for p in report["predictions"]] == [True] * 4
    for p in report["predictions"]:
        assert (p["prediction"] > 0.5) == (p["target"] == 1.0)
    assert report["loss"]["final"] < 1e-3 < report["loss"]["initial"]
    assert {k: np.shape(v) for k, v in report["params"].items()} == \
        {"W_i": (2, 2), "b_a": (), "W_o": (2,), "b_o": ()}


def test_loss_decreases_and_the_history_is_complete():
    report = summary("--steps", "300")
    history = report["history"]
    assert len(history["loss"]) == 301
    assert len(history["predicted_change"]) == len(history["actual_change"]) == 300
    loss = history["loss"]
    assert loss[-1] < loss[100] < loss[0]
    assert np.allclose(np.diff(loss), history["actual_change"], rtol=0, atol=1e-15)


def test_the_text_report_has_the_loss_table_predictions_and_parameters():
    result = run("--steps", "2000", "--no-files")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "gd, ε = 2, 2000 steps" in out
    assert "Predictions after 2000 steps:" in out
    assert "learned: all 4 predictions are on the right side of 0.5" in out
    assert out.count("✓") == 4
    assert "Trained parameters:" in out and "W_i = [[" in out
    assert "−ε‖g‖²" in out


def test_the_samples_are_computed_together_when_the_model_allows_it():
    setup = T.prepare(XOR, "xor")
    assert setup.objective.layout == "trailing"      # W_iᵀ x with x holding 4 columns
    looped = T.prepare(XOR, "xor", choose_layout=False)
    assert looped.objective.layout == "loop"
    a, ha = T.train(setup.objective, setup.theta, steps=200)
    b, hb = T.train(looped.objective, looped.theta, steps=200)
    assert np.allclose(ha.loss, hb.loss, rtol=1e-11, atol=0)
    for p in a:
        assert np.allclose(a[p], b[p], rtol=1e-10, atol=1e-13)


def test_a_model_that_holds_its_samples_trains_like_the_one_sample_model():
    # xor-sum declares the four samples itself and sums over them; same names, same seed
    plain = T.prepare(XOR, "xor")
    summed = T.prepare(examples.text("xor-sum"), "xor-sum")
    assert summed.data.in_model and summed.data.count == 4
    _, h1 = T.train(plain.objective, plain.theta, steps=100)
    _, h2 = T.train(summed.objective, summed.theta, steps=100)
    assert np.allclose(h1.loss, h2.loss, rtol=1e-10)
    report = summary("--example", "xor-sum", "--steps", "2000")
    assert report["learned"] is True and len(report["predictions"]) == 4


def test_mean_is_the_sum_over_the_number_of_samples():
    total = T.prepare(XOR, "xor")
    mean = T.prepare(XOR, "xor", reduce="mean")
    assert np.isclose(mean.objective(mean.theta)[0], total.objective(total.theta)[0] / 4)
    _, h1 = T.train(total.objective, total.theta, lr=0.5, steps=50)
    _, h2 = T.train(mean.objective, mean.theta, lr=2.0, steps=50)
    assert np.allclose(np.array(h1.loss) / 4, h2.loss, rtol=1e-12)


def test_momentum_learns_and_follows_its_update_rule():
    setup = T.prepare(XOR, "xor")
    theta, history = T.train(setup.objective, setup.theta, optimizer="momentum", lr=0.5,
                             steps=3, record=True)
    # v1 = g0, v2 = μ g0 + g1: θ2 = θ1 − ε (μ g0 + g1)
    g0 = setup.objective(history.params[0])[1]
    g1 = setup.objective(history.params[1])[1]
    for p in theta:
        assert np.allclose(history.params[1][p], history.params[0][p] - 0.5 * g0[p])
        assert np.allclose(history.params[2][p],
                           history.params[1][p] - 0.5 * (0.9 * g0[p] + g1[p]))
    assert summary("--optimizer", "momentum", "--steps", "1000")["learned"] is True


# -- the Taylor log -------------------------------------------------------------------------

def test_gd_logs_the_first_order_prediction_minus_eps_norm_squared():
    setup = T.prepare(XOR, "xor")
    _, history = T.train(setup.objective, setup.theta, lr=0.01, steps=20)
    norms = np.array(history.grad_norm)
    assert np.allclose(history.predicted, -0.01 * norms ** 2, rtol=1e-12)
    # a small step: the first two terms of the Taylor series are nearly the whole change
    ratios = np.array(history.actual) / np.array(history.predicted)
    assert np.all(np.abs(ratios - 1) < 0.01)


def test_a_large_step_departs_from_the_first_order_prediction():
    setup = T.prepare(XOR, "xor")
    _, history = T.train(setup.objective, setup.theta, lr=2.0, steps=10)
    ratios = np.array(history.actual) / np.array(history.predicted)
    assert np.max(np.abs(ratios - 1)) > 0.1


# -- sizes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("option", [["--hidden", "5"], ["--dim", "H=5"]])
def test_hidden_changes_the_shapes_of_the_parameters(option):
    report = summary(*option, "--steps", "1")
    assert np.shape(report["params"]["W_i"]) == (2, 5)
    assert np.shape(report["params"]["W_o"]) == (5,)
    assert report["dims"]["H"] == 5


def test_with_dims_replaces_only_the_declaration():
    text = "dim H = 2; dim N = 3\nparam W[2, H]\n# dim H = 7 in a comment is left alone\n"
    out = T.with_dims(text, {"H": 8})
    assert out.startswith("dim H = 8; dim N = 3")
    assert "dim H = 7 in a comment" in out
    with pytest.raises(GraphdrawError, match="declares no size 'K'"):
        T.with_dims(text, {"K": 2})


def test_hidden_on_a_model_without_a_hidden_size_says_so():
    result = run("--example", "linear", "--hidden", "4", "--no-files")
    assert result.exit_code == 3
    assert "declares no size 'H'" in result.stderr


# -- data from CSV --------------------------------------------------------------------------

@pytest.mark.parametrize("header", ["x1,x2,y", "x[1],x[2],y", "y,x[2],x[1]"])
def test_csv_data_gives_the_same_training_as_the_built_in_xor(tmp_path, header):
    columns = header.split(",")
    rows = []
    for (a, b), y in zip(data_mod.XOR_INPUTS, data_mod.XOR_TARGETS):
        cell = {"x1": a, "x2": b, "x[1]": a, "x[2]": b, "y": y}
        rows.append(",".join(f"{cell[c]:g}" for c in columns))
    path = write(tmp_path / "xor.csv", header + "\n" + "\n".join(rows) + "\n")
    from_csv = summary("--data", path, "--steps", "200")
    built_in = summary("--steps", "200")
    assert from_csv["samples"] == 4 and from_csv["data"] == path
    assert from_csv["history"]["loss"] == pytest.approx(built_in["history"]["loss"], rel=1e-12)


def test_csv_columns_can_name_leaves_the_model_does_not_declare(tmp_path):
    # an undeclared x and y become data: least squares for w and b
    rng = np.random.default_rng(1)
    xs = rng.uniform(-1, 1, 30)
    ys = 3 * xs - 0.5 + rng.normal(0, 0.1, 30)
    path = write(tmp_path / "line.csv", "x,y\n" + "\n".join(f"{x:.17g},{y:.17g}" for x, y in
                                                          zip(xs, ys)) + "\n")
    report = summary("-e", "L = (w x + b - y)^2", "--data", path, "--reduce", "mean",
                     "--lr", "0.3", "--steps", "600")
    slope, intercept = np.polyfit(xs, ys, 1)
    assert report["params"]["w"] == pytest.approx(slope, rel=1e-6)
    assert report["params"]["b"] == pytest.approx(intercept, abs=1e-6)
    assert report["learned"] is None            # regression: no right side of 0.5


@pytest.mark.parametrize("text, message", [
    ("x1,y\n0,0\n1,1\n", "no column for x[2]"),
    ("x1,x2\n0,0\n", "no column for y"),
    ("x1,x2,y\n0,0,0\n0,abc,1\n", "xor.csv:3: column 'x2': 'abc' is not a number"),
    ("x1,x2,y\n0,0,0\n0,,1\n", "column 'x2': an empty cell is not a number"),
    ("x1,x2,y\n0,0,nan\n", "is not a finite number"),
    ("x1,x2,y\n0,0\n", "xor.csv:2: 2 values, but the header names 3 columns"),
    ("x1,x2,y\n", "has a header but no samples"),
    ("", "is empty"),
    ("x1,x2,x[1],y\n0,0,0,0\n", "both give x[1]"),
    ("x1,x2,x3,y\n0,0,0,0\n", "past the end of x"),
    ("x1,x2,W_o[1],y\n0,0,0,0\n", "names the param 'W_o'"),
])
def test_bad_csv_files_are_clear_errors(tmp_path, text, message):
    path = write(tmp_path / "xor.csv", text)
    result = run("--data", path, "--steps", "1", "--no-files")
    assert result.exit_code == 3, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_data_file_is_an_input_error(tmp_path):
    result = run("--data", str(tmp_path / "nope.csv"), "--no-files")
    assert result.exit_code == 3 and "no such data file" in result.stderr


def test_extra_columns_are_reported_and_ignored(tmp_path):
    path = write(tmp_path / "xor.csv", "id,x1,x2,y\n1,0,0,0\n2,0,1,1\n3,1,0,1\n4,1,1,0\n")
    result = run("--data", path, "--steps", "10", "--no-files")
    assert result.exit_code == 0, result.output
    assert "ignored columns that name no leaf of the model: id" in result.stderr


def test_the_xor_data_does_not_fit_every_model():
    result = run("--example", "tanh2", "--no-files")
    assert result.exit_code == 3
    assert "built-in XOR data fits a model with one target" in result.stderr
    assert "--data FILE.csv" in result.stderr


# -- files ----------------------------------------------------------------------------------

def test_default_files_and_their_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("--steps", "50")
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path)) == ["xor-loss.svg", "xor-trained.json",
                                            "xor-trained.svg"]
    for name in ("xor-loss.svg", "xor-trained.svg", "xor-trained.json"):
        assert f"wrote {name}" in result.stderr
    assert "graphdraw render --show values,grads --values xor-trained.json " \
           "--set x=[0,0] --set y=0" in result.stderr
    assert (tmp_path / "xor-loss.svg").read_text().lstrip().startswith("<?xml")


def test_no_files_writes_nothing_and_named_files_are_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("--steps", "5", "--no-files").exit_code == 0
    assert os.listdir(tmp_path) == []
    result = run("--steps", "5", "--no-files", "--plot", "l.png", "--plot-taylor", "t.pdf",
                 "--diagram", "d.dot", "--save-params", "p.json")
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path)) == ["d.dot", "l.png", "p.json", "t.pdf"]
    assert (tmp_path / "l.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "t.pdf").read_bytes().startswith(b"%PDF")
    dot = (tmp_path / "d.dot").read_text()
    assert "trained parameters" in dot and "sample 1 of the four XOR samples" in dot


def test_plots_are_byte_identical_across_runs(tmp_path):
    setup = T.prepare(XOR, "xor")
    _, history = T.train(setup.objective, setup.theta, steps=100)
    for draw in (lambda f: T.draw_loss(history, f, "t", solved_at=5),
                 lambda f: T.draw_taylor(history, f, "t")):
        first = draw("svg")
        assert draw("svg") == first and b"<dc:date>" not in first
        assert draw("png") == draw("png")


def test_trained_parameters_load_back_with_values(tmp_path):
    params = tmp_path / "trained.json"
    report = summary("--steps", "2000", "--save-params", str(params))
    assert report["files"]["params"] == str(params)
    saved = json.loads(params.read_text())
    assert saved == report["params"]
    result = CliRunner().invoke(cli, ["grads", "--values", str(params), "--set", "x=[0,1]",
                                      "--set", "y=1", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    grads = json.loads(result.stdout)
    for name, value in saved.items():
        assert np.allclose(grads["values"][name], value)
    prediction = [p for p in report["predictions"] if p["sample"] == 2][0]["prediction"]
    assert grads["value"] == pytest.approx(0.5 * (prediction - 1) ** 2, rel=1e-9)
    # and the trained parameters are a starting point for more training
    again = summary("--values", str(params), "--steps", "1")
    assert again["loss"]["initial"] == pytest.approx(report["loss"]["final"], rel=1e-12)


def test_an_unwritable_file_fails_before_training(tmp_path):
    result = run("--plot", str(tmp_path / "missing" / "loss.svg"))
    assert result.exit_code == 5
    assert "does not exist" in result.stderr and "Training" not in result.stdout


# -- the hidden-size sweep ------------------------------------------------------------------

def test_the_sweep_reports_the_fraction_learned_per_hidden_size(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("--sweep-hidden", "2,8", "--seeds", "3", "--steps", "600", "--jobs", "1",
                 "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["sweep"] == "H" and report["seeds"] == [0, 1, 2]
    assert [r["H"] for r in report["results"]] == [2, 8]
    for row in report["results"]:
        assert row["runs"] == 3 and row["seeds"] == [0, 1, 2]
        assert row["fraction"] == row["learned"] / 3
        assert set(row["seeds_learned"]) <= {0, 1, 2} and len(row["final_loss"]) == 3
    assert report["results"][1]["learned"] == 3          # 8 hidden units: every seed
    assert os.listdir(tmp_path) == ["xor-sweep.svg"]
    # each run is the run of `graphdraw train` with that size and seed
    single = summary("--hidden", "2", "--seed", "1", "--steps", "600")
    assert (1 in report["results"][0]["seeds_learned"]) == single["learned"]
    assert report["results"][0]["final_loss"][1] == pytest.approx(single["loss"]["final"],
                                                                  rel=1e-12)


def test_the_sweep_text_and_processes_agree(tmp_path):
    args = ["--sweep-hidden", "2,3", "--seeds", "2", "--steps", "100", "--no-files"]
    one = run(*args, "--jobs", "1")
    two = run(*args, "--jobs", "2")
    assert one.exit_code == two.exit_code == 0, one.output + two.output
    assert one.stdout == two.stdout
    assert "learned   fraction" in one.stdout and "seeds 0–1 (2 per size)" in one.stdout


def test_the_sweep_picture(tmp_path):
    rows = [T.SweepRow(2, list(range(20)), list(range(13)), [0.1] * 20),
            T.SweepRow(8, list(range(20)), list(range(20)), [0.01] * 20)]
    svg = T.draw_sweep(rows, "svg", "title")
    assert svg.lstrip().startswith(b"<?xml") and svg == T.draw_sweep(rows, "svg", "title")
    assert T.draw_sweep(rows, "png", "title").startswith(b"\x89PNG")


# -- the progress bar -----------------------------------------------------------------------

def test_no_progress_bar_when_standard_error_is_not_a_terminal():
    result = run("--steps", "300", "--no-files")
    assert result.exit_code == 0
    assert "training" not in result.stderr and "\r" not in result.stderr
    assert "%" not in result.stderr


def test_a_progress_bar_on_a_terminal(monkeypatch):
    monkeypatch.setattr(train_report, "_stderr_is_terminal", lambda: True)
    import click
    shown = []
    real = click.progressbar

    def spy(*args, **kwargs):
        shown.append(kwargs)
        return real(*args, **kwargs)
    monkeypatch.setattr(click, "progressbar", spy)
    result = run("--steps", "30", "--no-files")
    assert result.exit_code == 0
    assert shown and shown[0]["length"] == 30 and shown[0]["label"] == "training"


# -- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args, code, message", [
    (["--lr", "0"], 2, "--lr"),
    (["--lr", "-1"], 2, "--lr"),
    (["--steps", "-1"], 2, "--steps"),
    (["--optimizer", "adam"], 2, "--optimizer"),
    (["--reduce", "max"], 2, "--reduce"),
    (["--dim", "H"], 2, "write NAME=N"),
    (["--dim", "H=0"], 2, "write NAME=N"),
    (["--hidden", "3", "--dim", "H=4"], 2, "disagree"),
    (["--sweep-hidden", "a,b"], 2, "give hidden sizes"),
    (["--sweep-hidden", "2", "--hidden", "3"], 2, "sets the hidden size itself"),
    (["--sweep-hidden", "2", "--diagram", "d.svg"], 2, "single run"),
    (["--seeds", "3"], 2, "--sweep-hidden"),
    (["--plot", "loss.txt"], 2, "no format writes .txt files (--plot loss.txt); use .svg, "
                                ".png or .pdf"),
    (["--diagram", "d.txt"], 2, "no format writes .txt files (--diagram d.txt); use .svg, "
                                ".png, .pdf or .dot"),
    (["--diagram", "d.html"], 2, "--diagram draws no html"),
    (["--set", "x=[1,0]"], 3, "'x' is data"),
    (["--set", "W_x=1"], 3, "not a leaf"),
    (["--predict", "nope"], 3, "no value named 'nope'"),
    (["--example", "micrograd"], 3, "training diverges at --lr 2: the loss grew from 24.7"),
    (["-e", "input u\nL = (w - u)^2"], 3, "built-in XOR data fits"),
    (["--example", "xor-sum", "--data", "x.csv"], 3, "no such data file: x.csv"),
    (["--lr", "1e6", "--example", "logistic", "--data", "LOGISTIC"], 3,
     "training diverges at --lr 1e+06: after 1 step, "),
])
def test_bad_options_are_one_clear_message(tmp_path, monkeypatch, args, code, message):
    monkeypatch.chdir(tmp_path)
    if "LOGISTIC" in args:
        lines = ["x1,x2,x3,y"] + [f"{a},{b},{c},{int(a + b > c)}" for a, b, c in
                                  np.random.default_rng(0).uniform(0, 10, (8, 3))]
        (tmp_path / "l.csv").write_text("\n".join(lines) + "\n")
        args = [a if a != "LOGISTIC" else "l.csv" for a in args]
    result = run("--steps", "50", "--no-files", *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert os.listdir(tmp_path) in ([], ["l.csv"])


def test_a_model_without_data_is_its_own_objective():
    report = summary("-e", "y_hat = w\nL = (y_hat - 1)^2 + (v + 2)^2", "--lr", "0.1",
                     "--steps", "100")
    assert report["data"].startswith("no data") and report["predictions"] == []
    assert report["params"] == {"w": pytest.approx(1), "v": pytest.approx(-2)}


def test_prediction_node_of_the_examples():
    found = {}
    for name in ("xor", "linear", "logistic", "tanh2", "xor-sum"):
        program = parser.parse(examples.text(name), name)
        found[name] = T.prediction_node(program)
    assert found == {"xor": "y_hat", "linear": "y_hat", "logistic": "p", "tanh2": "y_hat",
                     "xor-sum": "y_hat_n"}


# -- the proof against torch ----------------------------------------------------------------

@pytest.mark.torch
@pytest.mark.parametrize("reduce, lr", [("sum", 2.0), ("mean", 4.0)])
def test_gd_trajectory_equals_torch_sgd_step_by_step(reduce, lr):
    torch = pytest.importorskip("torch")
    from graphdraw.analyses import check
    setup = T.prepare(XOR, "xor", reduce=reduce)
    steps = 300
    _, history = T.train(setup.objective, setup.theta, optimizer="gd", lr=lr, steps=steps,
                         record=True)
    leaves = {name: torch.tensor(np.asarray(value, dtype=float), dtype=torch.float64)
              for name, value in setup.values.items()}
    params = [leaves[p].requires_grad_(True) for p in setup.objective.params]
    optimizer = torch.optim.SGD(params, lr=lr)
    xs = torch.tensor(data_mod.XOR_INPUTS, dtype=torch.float64)
    ys = torch.tensor(data_mod.XOR_TARGETS, dtype=torch.float64)
    program = setup.program
    worst = 0.0
    for step in range(steps + 1):
        for p, tensor in zip(setup.objective.params, params):
            mine = history.params[step][p]
            theirs = tensor.detach().numpy()
            assert np.allclose(mine, theirs, rtol=1e-12, atol=1e-14), (step, p)
            worst = max(worst, float(np.max(np.abs(mine - theirs))))
        optimizer.zero_grad()
        losses = [check.torch_values(program, {**leaves, "x": xs[k], "y": ys[k]})[
            program.output] for k in range(4)]
        loss = sum(losses) / (4 if reduce == "mean" else 1)
        assert float(loss.detach()) == pytest.approx(history.loss[step], rel=1e-12)
        loss.backward()
        optimizer.step()
    assert worst < 1e-12


@pytest.mark.torch
def test_momentum_trajectory_equals_torch_sgd_with_momentum():
    torch = pytest.importorskip("torch")
    from graphdraw.analyses import check
    setup = T.prepare(XOR, "xor")
    _, history = T.train(setup.objective, setup.theta, optimizer="momentum", lr=0.5,
                         momentum=0.9, steps=100, record=True)
    leaves = {n: torch.tensor(np.asarray(v, dtype=float), dtype=torch.float64)
              for n, v in setup.values.items()}
    params = [leaves[p].requires_grad_(True) for p in setup.objective.params]
    optimizer = torch.optim.SGD(params, lr=0.5, momentum=0.9)
    xs = torch.tensor(data_mod.XOR_INPUTS, dtype=torch.float64)
    ys = torch.tensor(data_mod.XOR_TARGETS, dtype=torch.float64)
    for step in range(101):
        for p, tensor in zip(setup.objective.params, params):
            assert np.allclose(history.params[step][p], tensor.detach().numpy(),
                               rtol=1e-11, atol=1e-13), (step, p)
        optimizer.zero_grad()
        sum(check.torch_values(setup.program, {**leaves, "x": xs[k], "y": ys[k]})["L"]
            for k in range(4)).backward()
        optimizer.step()


# -- Newton and saddle-free Newton ----------------------------------------------------------

@pytest.mark.parametrize("optimizer, absolute", [("newton", False), ("sfn", True)])
def test_newton_steps_use_the_hessian_of_the_summed_loss(optimizer, absolute):
    hessian = pytest.importorskip("graphdraw.numeric.hessian")
    setup = T.prepare(XOR, "xor")
    theta0 = setup.theta
    _, history = T.train(setup.objective, theta0, optimizer=optimizer, lr=0.5, steps=1,
                         damping=1e-2, record=True)
    H, index = setup.objective.hessian(theta0)
    assert H.shape == (8, 8) and len(index) == 8
    # the Hessian of the sum is the sum over samples, which finite differences of the
    # summed gradient confirm
    g0 = T.flatten(setup.objective(theta0)[1], index)
    d = hessian.newton_direction(H, g0, damping=1e-2, absolute=absolute)
    expected = T.flatten(theta0, index) - 0.5 * d
    assert np.allclose(T.flatten(history.params[1], index), expected, rtol=1e-12)
    h = 1e-6
    for j in range(len(index)):
        e = np.zeros(len(index))
        e[j] = h
        plus = T.flatten(setup.objective(T.unflatten(T.flatten(theta0, index) + e, index,
                                                     theta0))[1], index)
        minus = T.flatten(setup.objective(T.unflatten(T.flatten(theta0, index) - e, index,
                                                      theta0))[1], index)
        assert np.allclose((plus - minus) / (2 * h), H[:, j], rtol=1e-5, atol=1e-7)


def test_saddle_free_newton_trains_xor_from_the_command_line():
    pytest.importorskip("graphdraw.numeric.hessian")
    report = summary("--optimizer", "sfn", "--steps", "60", "--hidden", "4")
    assert report["optimizer"] == "sfn" and report["lr"] == T.DEFAULT_LR["sfn"]
    assert report["loss"]["final"] < report["loss"]["initial"]


def test_newton_logs_its_first_order_prediction_g_dot_step():
    pytest.importorskip("graphdraw.numeric.hessian")
    setup = T.prepare(XOR, "xor")
    _, history = T.train(setup.objective, setup.theta, optimizer="newton", lr=0.1, steps=3,
                         damping=1e-1, record=True)
    for step in range(3):
        g = setup.objective(history.params[step])[1]
        change = sum(float(np.sum(g[p] * (history.params[step + 1][p] -
                                          history.params[step][p]))) for p in g)
        assert history.predicted[step] == pytest.approx(change, rel=1e-9)


# -- the gallery ----------------------------------------------------------------------------

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_the_gallery_has_the_training_pictures():
    from graphdraw import gallery
    names = set(gallery.training_pictures())
    assert names == {"xor-loss.svg", "xor-taylor.svg", "xor-sweep.svg"}
    for name in names | {"xor-trained.svg", "xor-trained.png"}:
        path = os.path.join(ROOT, gallery.DIAGRAMS, name)
        assert os.path.exists(path), f"{name} is missing: run `make diagrams`"
    assert "xor-trained.dot" in gallery.sources()


def test_the_gallery_pictures_are_what_the_command_draws(tmp_path):
    loss, taylor, diagram = (str(tmp_path / n) for n in ("l.svg", "t.svg", "d.dot"))
    result = run("--no-files", "--plot", loss, "--plot-taylor", taylor, "--diagram", diagram)
    assert result.exit_code == 0, result.output
    pictures = T.gallery_pictures()
    assert open(loss, "rb").read() == pictures["xor-loss.svg"]()
    assert open(taylor, "rb").read() == pictures["xor-taylor.svg"]()
    assert open(diagram, encoding="utf-8").read() == T.gallery_sources()["xor-trained.dot"]()


def test_track_hessian_draws_index_against_loss(tmp_path):
    from click.testing import CliRunner
    from graphdraw.cli import cli
    path = tmp_path / "hessian.svg"
    result = CliRunner().invoke(cli, ["train", "--hidden", "4", "--steps", "400",
                                      "--track-hessian", str(path), "--no-files"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    line = next(l for l in result.stderr.splitlines() if "index of the Hessian" in l)
    start, end = [float(part.split(" at loss")[0].split()[-1])
                  for part in line.split("loss: ", 1)[1].split(", ")]
    assert 0 <= end < start <= 1          # saddle-like at the start, nearly convex at the end


def test_track_hessian_records_the_index_of_the_true_hessian():
    from graphdraw.language import examples
    from graphdraw.numeric import hessian
    from graphdraw.analyses.train import prepare, train
    setup = prepare(examples.text("xor"), "xor", seed=0)
    theta, history = train(setup.objective, setup.theta, steps=20, hessian_every=10)
    assert [h[0] for h in history.hessian] == [0, 10, 20]
    h, _ = setup.objective.hessian(theta)
    assert history.hessian[-1][2] == hessian.index(h)
    assert history.hessian[-1][1] == history.loss[-1]


def test_a_sum_over_samples_without_a_prediction_per_sample_trains():
    """L = Σ_n (w x_n + b − y_n)²: the only named value is L, one for all samples; training
    works and prints no table of predictions (it used to stop with an internal error)."""
    from click.testing import CliRunner

    from graphdraw.cli import cli
    args = ["train", "-e", "L = Σ_n (w x_n + b - y_n)^2", "--set", "x_n=[0,1,2,3]",
            "--set", "y_n=[1,3,5,7]", "--lr", "0.01", "--steps", "2000", "--no-files", "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["predictions"] == []
    assert report["loss"]["final"] < 1e-8
    linear = CliRunner().invoke(cli, ["train", "--steps", "5", "--no-files", "-e",
                                      "param b; L = Σ_n b y_n"])
    assert linear.exit_code == 0 and "internal error" not in linear.output


def test_a_model_written_as_one_equation_still_gets_its_predictions():
    # The README's model.gd names no ŷ: the value compared with y, σ(…) of (σ(…) − y)², is
    # the prediction (the table and "learned" were missing).
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = CliRunner().invoke(cli, [
        "train", os.path.join(root, "model.gd"), "--data", os.path.join(root, "samples.csv"),
        "--reduce", "mean", "--steps", "3000", "--json", "--no-files"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [p["target"] for p in report["predictions"]] == [0, 1, 1, 0]
    assert report["learned"] is True
    text = CliRunner().invoke(cli, ["train", os.path.join(root, "model.gd"), "--data",
                                    os.path.join(root, "samples.csv"), "--reduce", "mean",
                                    "--steps", "3000", "--no-files"])
    assert "prediction   right side of 0.5" in text.output
    assert "learned: all 4 predictions" in text.output


def test_a_stuck_run_says_so(tmp_path):
    # every ReLU dead from the start: the gradient is 0 and the loss does not move; exit 0
    # with no word looked like convergence
    data = write(tmp_path / "d.csv", "x,y\n1,1\n2,1\n")
    result = CliRunner().invoke(cli, ["train", "-e", "input x\ntarget y\nL = (relu(w x + b) - y)^2",
                                      "--data", data, "--set", "w=-5", "--set", "b=-5",
                                      "--steps", "20", "--no-files"])
    assert result.exit_code == 0, result.output
    assert "the gradient is 0 from step 0 on and the loss stays at 2" in result.output


def test_the_loss_is_never_the_prediction(tmp_path):
    # with x and y undeclared, the named values computed from the data were only L itself
    data = write(tmp_path / "d.csv", "x,y\n1,2\n2,3\n")
    result = CliRunner().invoke(cli, ["train", "-e", "L = (w x + b - y)^2", "--data", data,
                                      "--steps", "2", "--lr", "0.01", "--no-files"])
    assert result.exit_code == 0, result.output
    assert "Predictions" not in result.output
