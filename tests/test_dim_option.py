"""--dim NAME=N on every command that reads a model (cli.options.model_options), and the
"draw it with" line that train prints, which must work when pasted."""

from __future__ import annotations

import json
import shlex

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.language import sizes

MODEL_COMMANDS = ["render", "grads", "check", "hessian", "saddle", "train"]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", MODEL_COMMANDS)
def test_every_model_command_has_dim(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "--dim NAME=N" in result.output


def test_grads_takes_the_size():
    data = json.loads(invoke("grads", "--example", "tanh2", "--dim", "H=3", "--json").stdout)
    assert np.shape(data["grads"]["W_1"]) == (3, 3)
    assert np.shape(data["grads"]["W_2"]) == (2, 3)


def test_render_takes_the_size():
    plain = invoke("render", "--example", "tanh2", "-f", "json", "-o", "-")
    wide = invoke("render", "--example", "tanh2", "--dim", "H=5", "-f", "json", "-o", "-")
    assert wide.exit_code == 0, wide.output
    assert plain.stdout != wide.stdout
    assert '"H": 5' in wide.stdout or "[5, 3]" in wide.stdout or "5×3" in wide.stdout


def test_hessian_takes_the_size():
    small = invoke("hessian", "--example", "xor", "--json")
    large = invoke("hessian", "--example", "xor", "--dim", "H=3", "--json")
    assert large.exit_code == 0, large.output
    size = lambda r: len(json.loads(r.stdout)["parameters"])     # noqa: E731
    assert (size(small), size(large)) == (8, 11)     # W_i 2×H, b_a, W_o H, b_o


@pytest.mark.torch
def test_check_takes_the_size():
    pytest.importorskip("torch")
    result = invoke("check", "--example", "tanh2", "--dim", "H=3", "--json")
    assert result.exit_code == 0, result.output
    shapes = {leaf["leaf"]: leaf["shape"] for leaf in json.loads(result.stdout)["leaves"]}
    assert shapes["W_1"] == [3, 3]


def test_a_size_the_model_does_not_declare():
    result = invoke("grads", "--example", "linear", "--dim", "H=3")
    assert result.exit_code == 3
    assert "--dim H=3: the model declares no size 'H' to set" in result.stderr
    assert "declare it in the model" in result.stderr


@pytest.mark.parametrize("bad", ["H", "H=0", "H=x", "=3"])
def test_a_badly_written_size_is_a_usage_error(bad):
    result = invoke("render", "--dim", bad, "-f", "dot", "-o", "-")
    assert result.exit_code == 2
    assert "write NAME=N" in result.output


def test_the_text_keeps_its_lines_and_columns():
    text = "dim H = 2; dim K = 10\nparam W[K, H]\nL = sum(W @ q)\n"
    out = sizes.with_dims(text, {"H": 12, "K": 3})
    assert out.splitlines()[1:] == text.splitlines()[1:]
    assert out.startswith("dim H = 12; dim K = 3\n")


def test_without_a_command_no_size_is_requested():
    assert sizes.requested_dims() == {}


def _hint(output: str) -> list[str]:
    """The words of the hint, the last thing printed (an inline model spans lines)."""
    words = shlex.split(output[output.index("draw it with: ") + len("draw it with: "):])
    assert words[0] == "graphdraw"
    return words[1:]


@pytest.mark.parametrize("how", [["--hidden", "8"], ["--dim", "H=3"]])
def test_the_draw_it_with_line_works_when_pasted(tmp_path, monkeypatch, how):
    monkeypatch.chdir(tmp_path)
    trained = invoke("train", *how, "--steps", "5")
    assert trained.exit_code == 0, trained.output
    words = _hint(trained.stderr)
    assert "--dim" in words
    drawn = invoke(*words, "-f", "dot", "-o", "drawn.dot")
    assert drawn.exit_code == 0, drawn.output
    assert (tmp_path / "drawn.dot").exists()


def test_the_draw_it_with_line_of_an_inline_model(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "line.csv").write_text("x,y\n0,1\n1,3\n2,5\n", encoding="utf-8")
    model = "# a line\nL = (w x + b - y)^2"
    trained = invoke("train", "-e", model, "--data", "line.csv", "--lr", "0.01",
                     "--steps", "5")
    assert trained.exit_code == 0, trained.output
    words = _hint(trained.stderr)
    assert words[:3] == ["render", "-e", model]
    drawn = invoke(*words, "-f", "dot", "-o", "-")
    assert drawn.exit_code == 0, drawn.output
    assert "digraph" in drawn.stdout
