"""train --data on a model with Σ_n says how to train it: its samples with --set, or the loss
of one sample with --reduce mean."""

from __future__ import annotations

from click.testing import CliRunner

from graphdraw.cli import cli

MODEL = "input x_n[2]\ntarget y_n\nparam w[2], b\nL = 1/N Σ_n (wᵀ x_n + b − y_n)^2\n"


def test_data_on_a_model_with_samples_says_how_to_train_it(tmp_path):
    model, data = tmp_path / "m.gd", tmp_path / "d.csv"
    model.write_text(MODEL, encoding="utf-8")
    data.write_text("x_n[1],x_n[2],y_n\n0,1,1\n1,0,3\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", str(model), "--data", str(data)])
    assert result.exit_code != 0
    assert "--set 'x_n=[…]' --set 'y_n=[…]'" in result.stderr
    assert "--reduce mean" in result.stderr
