"""The models a student writes after XOR, each in plain and in LaTeX (tests/students/): both
notations give the same graph, render/grads exit 0, and `check` agrees with torch. Plus the
readings that must be refused rather than guessed (O_{ij} under Σ_i, 1/m before Σ_i^N)."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.core import graph
from graphdraw.errors import SourceError
from graphdraw.language import parser

HERE = os.path.join(os.path.dirname(__file__), "students")
MODELS = ["softmax_ce", "mse_mean", "rnn", "logreg_l2", "mlp", "attn"]


def read(name: str, ext: str) -> str:
    with open(os.path.join(HERE, f"{name}.{ext}"), encoding="utf-8") as handle:
        return handle.read()


def shape(text: str, syntax: str):
    g = graph.build(parser.parse(text, syntax=syntax), notations=("plain",))
    return (sorted((n, d["op"], d["forward"], d.get("plate")) for n, d in g.nodes(data=True)),
            sorted(g.edges()))


# logreg_l2: LaTeX's -\frac{1}{m} is −(1/m) where plain's -1/m is (−1)/m, the same number
@pytest.mark.parametrize("name", [m for m in MODELS if m not in ("attn", "logreg_l2")])
def test_plain_and_latex_give_the_same_graph(name):
    assert shape(read(name, "tex"), "latex") == shape(read(name, "gd"), "plain")


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("ext", ["gd", "tex"])
def test_render_and_grads_read_each_model(name, ext):
    path = os.path.join(HERE, f"{name}.{ext}")
    if (name, ext) == ("attn", "tex"):       # Σ_i Σ_j O_{ij}: refused, see below
        return
    for command in (["render", "-f", "json", "-o", "-"], ["grads"]):
        result = CliRunner().invoke(cli, [*command, path])
        assert result.exit_code == 0, result.output


@pytest.mark.torch
@pytest.mark.parametrize("name", MODELS)
def test_check_agrees_with_torch(name):
    pytest.importorskip("torch")
    result = CliRunner().invoke(cli, ["check", os.path.join(HERE, f"{name}.gd"),
                                      "--no-structure"])
    assert result.exit_code == 0, result.output


def test_entries_of_a_value_under_a_sum_over_samples_are_refused():
    with pytest.raises(SourceError, match="O is also a value of the model"):
        parser.parse(read("attn", "tex"), syntax="latex")


def test_the_target_subtracted_is_not_called_a_bias():
    result = CliRunner().invoke(cli, ["grads", os.path.join(HERE, "rnn.gd")])
    assert "y has the shape of the value it is subtracted from" in result.stderr
    assert "b has the shape of the value it is added to (a bias)" in result.stderr


def test_one_over_m_before_a_sum_over_i_counts_the_samples():
    program = parser.parse(read("logreg_l2", "gd"))
    assert program.nodes["m"].counts == "i" and program.plates == {"i": "m"}
    result = CliRunner().invoke(cli, ["grads", os.path.join(HERE, "logreg_l2.gd")])
    assert "∂L/∂m" not in result.stdout and "(1 − y_i) / (m · (1 − p_i))" in result.stdout


def test_a_per_sample_leaf_beside_a_parameter_of_the_same_name_is_refused():
    text = r"L = \frac{1}{2}\|X w - y\|^2 + \frac{\lambda}{2}\sum_i w_i^2"
    with pytest.raises(SourceError, match="'w_i' reads as data per sample i"):
        parser.parse(text, syntax="latex")
    fixed = parser.parse(text.replace(r"\sum_i w_i", r"\sum_j w_j"), syntax="latex")
    assert "w_i" not in fixed.nodes and not fixed.plates
