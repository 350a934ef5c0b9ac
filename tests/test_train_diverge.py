"""graphdraw train stops a run that diverges in its first steps with one message that names a
step size to try, and no raw warning of numpy ever reaches the user, from any command."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw.analyses.train import optimizers
from graphdraw.analyses.train.setup import prepare
from graphdraw.cli import cli
from graphdraw.errors import EXIT_INPUT

LINE = "L = (w x + b - y)^2"


def line_csv(folder) -> str:
    """x = 0 … 10, y = 2x + 1: the gradient's curvature is ≈ 786, so gd needs ε < 0.0025."""
    path = folder / "line.csv"
    path.write_text("x,y\n" + "".join(f"{x},{2 * x + 1}\n" for x in range(11)),
                    encoding="utf-8")
    return str(path)


def train_cli(*args: str):
    return CliRunner().invoke(cli, ["train", "--no-files", *args], catch_exceptions=False)


def line_setup(tmp_path):
    return prepare(LINE, "<-e>", data_path=line_csv(tmp_path))


def test_diverging_run_names_the_step_size_to_try(tmp_path):
    result = train_cli("-e", LINE, "--data", line_csv(tmp_path))
    assert result.exit_code == EXIT_INPUT
    assert result.output.startswith("graphdraw: error: training diverges at --lr 2: the loss "
                                    "grew from 872.2 to ")
    assert "in 1 step\n" in result.output
    assert "hint: try --lr 0.002, the largest of --lr/10, --lr/100" in result.output
    assert "Warning" not in result.output and "Traceback" not in result.output
    learned = train_cli("-e", LINE, "--data", line_csv(tmp_path), "--lr", "0.002")
    assert learned.exit_code == 0, learned.output
    assert "  w = 2\n  b = 1\n" in learned.output          # the suggestion works as pasted


def test_the_suggestion_is_the_largest_power_of_ten_below_that_does_not_diverge(tmp_path):
    setup = line_setup(tmp_path)
    with pytest.raises(optimizers.Diverged) as caught:
        optimizers.train(setup.objective, setup.theta, lr=2.0, steps=100)
    assert caught.value.suggested == 0.002 and caught.value.step == 1
    for lr in (0.2, 0.02):
        with pytest.raises(optimizers.Diverged):
            optimizers.train(setup.objective, setup.theta, lr=lr,
                             steps=optimizers.DIVERGE_STEPS)
    _, history = optimizers.train(setup.objective, setup.theta, lr=0.002,
                                  steps=optimizers.DIVERGE_STEPS)
    assert history.loss[-1] < history.loss[0]


def test_momentum_gets_its_own_suggestion(tmp_path):
    setup = line_setup(tmp_path)
    with pytest.raises(optimizers.Diverged) as caught:
        optimizers.train(setup.objective, setup.theta, optimizer="momentum", lr=0.5, steps=50)
    suggested = caught.value.suggested
    assert suggested is not None and suggested < 0.5
    optimizers.train(setup.objective, setup.theta, optimizer="momentum", lr=suggested,
                     steps=optimizers.DIVERGE_STEPS)                    # does not raise
    with pytest.raises(optimizers.Diverged):
        optimizers.train(setup.objective, setup.theta, optimizer="momentum",
                         lr=suggested * 10, steps=optimizers.DIVERGE_STEPS)


def test_a_slowly_falling_loss_is_not_divergence(tmp_path):
    setup = line_setup(tmp_path)
    theta, history = optimizers.train(setup.objective, setup.theta, lr=0.0001, steps=30)
    assert history.loss[-1] < history.loss[0]


def test_no_suggestion_when_no_step_size_helps(monkeypatch, tmp_path):
    setup = line_setup(tmp_path)
    monkeypatch.setattr(optimizers, "SUGGEST_TRIES", 1)
    with pytest.raises(optimizers.Diverged) as caught:
        optimizers.train(setup.objective, setup.theta, lr=2.0, steps=5)
    assert caught.value.suggested is None
    assert "no step size down to --lr 0.2" in caught.value.hint


def test_the_api_raises_the_same_error(tmp_path):
    from graphdraw.api import Graph
    graph = Graph.from_text(LINE)
    with pytest.raises(optimizers.Diverged, match="training diverges at --lr 2"):
        graph.train(data=line_csv(tmp_path))


def test_a_warning_that_escapes_becomes_one_note(monkeypatch):
    """The click group's last guard: numpy's warning text in a note, never the raw warning."""
    import graphdraw.cli.info as info

    def overflowing(*args, **kwargs):
        np.array([1e308]) * 10                       # RuntimeWarning: overflow
        return "x"
    monkeypatch.setattr(info, "_usage", overflowing)
    monkeypatch.delenv("GRAPHDRAW_DEBUG", raising=False)
    result = CliRunner().invoke(cli, ["ops"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "graphdraw: note: a computation reported 'overflow encountered in multiply'" \
        in result.stderr
    assert result.stderr.count("graphdraw: note:") == 1
    assert "RuntimeWarning" not in result.output


@pytest.mark.parametrize("args", [
    ["train", "-e", LINE, "--data", "LINE", "--no-files"],
    ["train", "-e", LINE, "--data", "LINE", "--no-files", "--optimizer", "momentum"],
    ["train", "--example", "micrograd", "--no-files"],
    ["grads", "-e", "L = exp(x) + log(y) + 1/z", "--set", "x=800", "--set", "y=0"],
    ["hessian", "-e", "L = exp(x) * x", "--set", "x=800"],
    ["render", "-f", "dot", "-o", "-", "--show", "values,grads", "-e", "L = log(x) / x",
     "--set", "x=0"],
])
def test_no_raw_warning_reaches_the_user(tmp_path, args):
    """Each command run as a user runs it, with Python's -W error: a warning would be a
    traceback (GRAPHDRAW_DEBUG lets it through instead of the last guard)."""
    args = [line_csv(tmp_path) if a == "LINE" else a for a in args]
    env = {**os.environ, "GRAPHDRAW_DEBUG": "1"}
    done = subprocess.run([sys.executable, "-W", "error", "-m", "graphdraw", *args],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == EXIT_INPUT, done.stderr
    assert done.stderr.startswith(("graphdraw: error: ", "<-e>:"))   # at the statement
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr


def test_the_error_survives_a_worker_process():
    """A sweep's runs train in other processes: the error comes back whole."""
    import pickle
    error = optimizers.Diverged("training diverges", hint="try --lr 0.1", lr=1.0, step=2,
                                suggested=0.1)
    back = pickle.loads(pickle.dumps(error))
    assert (str(back), back.lr, back.step, back.suggested) == \
        ("training diverges\n  hint: try --lr 0.1", 1.0, 2, 0.1)


def test_a_sweep_that_diverges_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = "dim H = 2\ninput x[2]\ntarget y\nparam W[2, H], v[H]\nŷ = vᵀ (Wᵀ x)\nL = (ŷ - y)^2"
    result = train_cli("-e", model, "--sweep-hidden", "2,3", "--seeds", "2", "--lr", "100",
                       "--steps", "10", "--jobs", "2")
    assert result.exit_code == EXIT_INPUT, result.output
    assert "training diverges at --lr 100" in result.output
    assert "hint: try --lr " in result.output and "internal error" not in result.output


def test_a_run_of_a_sweep_that_diverges_is_a_seed_that_did_not_learn(tmp_path, monkeypatch):
    """One diverging seed (gd at a large step size often has some) does not end the sweep:
    the seed is counted as not learned, marked diverged, and its final loss is inf."""
    import json

    from graphdraw.analyses.train import sweep as sweep_mod
    real, calls = sweep_mod.train, []

    def train(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:                  # the second run: seed 1 of the first size
            raise optimizers.Diverged("training diverges at --lr 2", lr=2.0, step=30)
        return real(*args, **kwargs)
    monkeypatch.setattr(sweep_mod, "train", train)
    monkeypatch.chdir(tmp_path)
    result = train_cli("--sweep-hidden", "2", "--seeds", "3", "--steps", "50", "--jobs", "1",
                       "--no-files")
    assert result.exit_code == 0, result.output
    assert "1 (diverged)" in result.stdout
    calls.clear()
    result = train_cli("--sweep-hidden", "2", "--seeds", "3", "--steps", "50", "--jobs", "1",
                       "--no-files", "--json")
    row = json.loads(result.stdout)["results"][0]
    assert row["seeds_diverged"] == [1] and 1 not in row["seeds_learned"]
    assert row["final_loss"][1] == "inf" and row["runs"] == 3


def test_another_warning_becomes_a_plain_note(monkeypatch):
    import warnings

    import graphdraw.cli.info as info

    def warning(*args, **kwargs):
        warnings.warn("the old name is going away", UserWarning)
        return "x"
    monkeypatch.setattr(info, "_usage", warning)
    monkeypatch.delenv("GRAPHDRAW_DEBUG", raising=False)
    result = CliRunner().invoke(cli, ["ops"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "graphdraw: note: the old name is going away\n" in result.stderr
    assert "UserWarning" not in result.output and "NaN" not in result.stderr


def test_a_run_that_ends_above_its_start_is_reported_as_diverged(tmp_path):
    """ε = 1.02 on L = w²: |w| grows by 4% a step, too slowly for the first 20 steps' test,
    but the run ends higher than it started: never a silent exit 0."""
    result = train_cli("-e", "param w = 1\nL = w^2", "--lr", "1.02", "--steps", "50")
    assert result.exit_code == EXIT_INPUT, result.output
    assert "training diverges at --lr 1.02: the loss grew from 1 to 50.5 in 50 steps" \
        in result.output and "try --lr 0.102" in result.output


def test_the_zoo_mlp_on_its_data_says_it_diverges_at_the_default_step_size(tmp_path):
    result = train_cli("graphdraw/examples/mlp.gd", "--data", "graphdraw/examples/mlp.csv")
    assert result.exit_code == EXIT_INPUT, result.output
    assert "training diverges at --lr 2" in result.output and "try --lr 0.2" in result.output
    result = train_cli("graphdraw/examples/mlp.gd", "--data", "graphdraw/examples/mlp.csv",
                       "--lr", "0.2", "--steps", "300")
    assert result.exit_code == 0, result.output
