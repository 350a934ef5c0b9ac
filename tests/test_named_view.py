"""The named view (`--style named`): one node per name, the unnamed steps composed away."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.core import graph as graph_mod, named
from graphdraw.formats.graphviz import draw
from graphdraw.language import examples, parser

SHEET_NAMES = ["W_i", "x", "b_a", "a", "z", "W_o", "b_o", "y_hat", "y", "L"]


def _named(text: str):
    return named.view(graph_mod.build(parser.parse(text)), "named")


def _labels(g) -> dict:
    return {(t, h): d["local_grad_pretty"] for t, h, d in g.edges(data=True)}


def test_the_sheets_network_has_its_ten_names_and_nothing_else():
    g = _named(examples.text("xor"))
    assert list(g.nodes) == SHEET_NAMES
    assert g.nodes["a"]["forward_pretty"] == "a = W_iᵀ x + b_a"
    assert g.number_of_edges() == 9


def test_edges_carry_the_composed_local_derivatives():
    labels = _labels(_named(examples.text("xor")))
    assert labels == {
        ("W_i", "a"): "xᵀ", ("x", "a"): "W_iᵀ", ("b_a", "a"): "1",
        ("a", "z"): "z (1 − z)",
        ("z", "y_hat"): "ŷ (1 − ŷ) · W_oᵀ", ("W_o", "y_hat"): "ŷ (1 − ŷ) · zᵀ",
        ("b_o", "y_hat"): "ŷ (1 − ŷ)",
        ("y_hat", "L"): "ŷ − y", ("y", "L"): "−(ŷ − y)"}


def test_paths_through_unnamed_values_add_up():
    # u = x², v = 3 x: both reach L without a name in between
    labels = _labels(_named("L = x^2 + 3 x"))
    assert labels == {("x", "L"): "3 + 2 x"}
    g = _named("L = x * x")
    assert [d["via"] for _, _, d in g.edges(data=True)] == [[["x", "L", 0], ["x", "L", 1]]]


def test_the_whole_equation_in_one_line_has_only_its_leaves_and_output():
    g = _named(open("model.gd", encoding="utf-8").read())
    assert set(g.nodes) == {"W_i", "x", "b_a", "W_o", "b_o", "y", "L"}
    edge = g.edges["W_o", "L", 0]     # too long to draw: its symbol, the formula kept
    assert edge["local_grad_pretty"] == "∂L/∂W_o" and len(edge["formula_pretty"]) > 40
    assert edge["formula_latex"].startswith(r"\left(") or "W_{o}" in edge["formula_latex"]
    assert g.edges["y", "L", 0]["local_grad_pretty"].startswith("−(")      # short enough


def test_the_full_graph_is_left_as_it_was_and_the_view_is_made_once():
    g = graph_mod.build(parser.parse(examples.text("xor")))
    before = g.number_of_nodes()
    assert named.view(g, "named") is named.view(g, "named")
    assert g.number_of_nodes() == before
    assert named.view(g, "textbook") is g


def test_named_constants_stay_and_unnamed_ones_are_folded_into_labels():
    g = _named("const c = 3\nL = c x + 1/2 x^2")
    assert set(g.nodes) == {"c", "x", "L"}
    assert g.edges["x", "L", 0]["local_grad_pretty"] == "x + c"


def test_the_dot_of_the_named_style_draws_only_names():
    source = draw.to_dot(graph_mod.build(parser.parse(examples.text("xor"))), style="named")
    assert "n%" not in source.replace("n%legend", "")
    assert "(1 − <i>z</i>)" in source and "y_hat -> L" in source


def test_render_and_json_with_the_named_style():
    runner = CliRunner()
    result = runner.invoke(cli, ["render", "--style", "named", "-f", "dot", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "y_hat -> L" in result.stdout and "n%1" not in result.stdout
    result = runner.invoke(cli, ["render", "--style", "textbook", "-f", "dot", "-o", "-"])
    assert "n%1" in result.stdout


@pytest.mark.parametrize("name", examples.names())
def test_every_example_has_a_named_view_of_its_named_values(name):
    program = parser.parse(examples.text(name))
    g = named.view(graph_mod.build(program), "named")
    assert set(g.nodes) == {n.id for n in program.nodes.values()
                            if n.name is not None or n.id == program.output}
    assert all(d["local_grad"] for _, _, d in g.edges(data=True))


def test_a_derivative_of_a_usual_loss_is_drawn_as_its_formula_not_its_own_name():
    """The edge p → L of logistic regression was labelled ∂L/∂p: its own name, no help."""
    g = _named("input x[2]\ntarget y\nparam w[2], b\np = σ(wᵀ x + b)\n"
               "L = -(y log(p) + (1 - y) log(1 - p))")
    label = g.edges["p", "L", 0]["local_grad_pretty"]
    assert label == "(1 − y) / (1 − p) − y / p"        # divided, as written by hand
    soft = _named("input x[3]\ntarget y[4]\nparam W[4, 3], b[4]\nz = W x + b\n"
                  "L = cross_entropy(z, y)")
    assert soft.edges["z", "L", 0]["local_grad_pretty"] != "∂L/∂z"


def test_a_scalar_broadcast_into_a_scalar_loss_sums_and_a_softmax_is_a_symbol():
    # λ/2 wᵀ w: λ/2 scales every entry of wᵀ, so ∂L/∂λ sums over them (it printed
    # 0.5 wᵀ · wᵀ); b_a of a = W_iᵀ x + b_a still shows each entry's own derivative, 1.
    labels = _labels(_named("L = λ/2 wᵀ w"))
    assert labels[("lambda", "L")] == "0.5 sum(wᵀ · wᵀ)"
    assert _labels(_named(examples.text("xor")))[("b_a", "a")] == "1"
    # through a softmax the derivative is a Jacobian: its symbol, not the factor p
    softmax = _labels(_named("p = softmax(W x)\nL = -sum(y * log(p))"))
    assert softmax[("W", "p")] == "∂p/∂W" and softmax[("x", "p")] == "∂p/∂x"


def test_an_edge_into_a_softmax_keeps_its_jacobian_as_the_formula():
    g = named.view(graph_mod.build(parser.parse(examples.text("mlp")),
                                   notations=("plain", "pretty", "html", "latex")), "named")
    formulas = {(t, h): d.get("formula_pretty") for t, h, d in g.edges(data=True)}
    assert formulas[("h", "p")] == "(diag(p) − p pᵀ) W₂"
    assert formulas[("b_2", "p")] == "diag(p) − p pᵀ"
