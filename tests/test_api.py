"""The Python API (graphdraw.Graph): making one, its graph and numbers, pictures, notebooks."""

from __future__ import annotations

import doctest
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pytest

import graphdraw
from graphdraw import api, errors
from graphdraw import cli as cli_package
from graphdraw.language import examples
from graphdraw.core import graph
from graphdraw.language import parser
from graphdraw.formats.graphviz import draw
from graphdraw.formats.graphviz.themes import PAGE_READY

HAS_DOT = shutil.which("dot") is not None
SVG = "{http://www.w3.org/2000/svg}"
TEXT = "input x\nparam w, b\ny = tanh(w x + b)"


def test_doctests():
    assert doctest.testmod(api).failed == 0


def test_package_exports_and_lazy_import():
    assert graphdraw.Graph is api.Graph and graphdraw.load is api.load
    assert {"Graph", "load"} <= set(graphdraw.__all__)
    with pytest.raises(AttributeError):
        graphdraw.nothing_here               # noqa: B018
    # the command line does not pay for the API: importing graphdraw imports nothing heavy
    code = "import sys, graphdraw; print('networkx' in sys.modules, 'graphdraw.api' in " \
           "sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["False", "False"]


# --- making one -------------------------------------------------------------------------------

def test_from_text_example_and_load_give_the_same_graph(tmp_path):
    path = tmp_path / "model.gd"
    path.write_text(examples.text("xor"), encoding="utf-8")
    made = [graphdraw.Graph.from_text(examples.text("xor")), graphdraw.Graph.example("xor"),
            graphdraw.load(path), graphdraw.load(str(path))]
    dots = {g.dot() for g in made}
    assert len(dots) == 1
    built = graph.build(parser.parse(examples.text("xor"), "m"))
    assert dots.pop() == draw.to_dot(built, **draw.decide_rankdir(built, {"title": "",
                                                                          **PAGE_READY}))
    assert made[1].name == "<example xor>" and made[2].name == str(path)


def test_errors_are_graphdraw_errors_with_locations(tmp_path):
    with pytest.raises(errors.SourceError) as info:
        graphdraw.Graph.from_text("a = sigma(x)", name="cell 3")
    assert "cell 3:1:5" in str(info.value) and "sigmoid" in str(info.value)
    with pytest.raises(errors.GraphdrawError, match="no built-in example named 'nope'"):
        graphdraw.Graph.example("nope")
    with pytest.raises(errors.GraphdrawError, match="no such model file"):
        graphdraw.load(tmp_path / "missing.gd")


def test_nx_is_the_annotated_graph():
    g = graphdraw.Graph.example("xor")
    assert isinstance(g.nx, nx.MultiDiGraph) and g.nx is g.nx
    assert g.output == "L" and g.nx.graph["output"] == "L"
    assert g.nx.nodes["a"]["forward"] == "a = W_i^T @ x + b_a"         # plain, parseable
    assert g.nx.nodes["a"]["forward_pretty"] == "a = W_iᵀ x + b_a"
    assert "local_grad_html" in g.nx.edges["a", "z", 0]
    # what is set on .nx is drawn: a plate, a title
    g.nx.nodes["x"]["plate"] = "n = 1…N"
    g.nx.graph["title"] = "Exercise 6.2"
    source = g.dot()
    assert "cluster_plate0" in source and ">Exercise 6.2</FONT>" in source


def test_repr():
    g = graphdraw.Graph.from_text(TEXT)
    assert repr(g) == "<graphdraw.Graph <text>: 6 nodes, 5 edges, output y>"


# --- numbers ----------------------------------------------------------------------------------

def test_grads_match_the_command_line_numbers():
    g = graphdraw.Graph.from_text(TEXT)
    grads = g.grads(x=2.0, w=0.5, b=-0.25)
    t = np.tanh(0.5 * 2.0 - 0.25)
    assert set(grads) == {"w", "b"}
    assert grads["w"] == pytest.approx((1 - t ** 2) * 2.0)
    assert grads["b"] == pytest.approx(1 - t ** 2)
    assert g.value(x=2.0, w=0.5, b=-0.25) == pytest.approx(t)
    # a dict, numpy arrays, and random values from the seed for the rest
    assert g.grads({"x": np.float64(2.0), "w": 0.5}, b=-0.25)["w"] == pytest.approx(grads["w"])
    assert np.array_equal(g.grads(seed=3)["w"], g.grads(seed=3)["w"])
    assert not np.array_equal(g.grads(seed=3)["w"], g.grads(seed=4)["w"])


def test_grads_of_a_hatted_name_and_of_the_example():
    g = graphdraw.Graph.example("xor")
    grads = g.grads(x=[1, 0], y=1)
    assert set(grads) == {"W_i", "b_a", "W_o", "b_o"}
    assert grads["W_i"].shape == (2, 2) and grads["W_i"][1].tolist() == [0.0, 0.0]  # x[2] = 0
    with pytest.raises(errors.GraphdrawError, match="'q' is not a leaf"):
        g.grads(q=1)
    with pytest.raises(errors.GraphdrawError, match="declared a vector of 2 .* but the value given is"):
        g.grads(x=[1, 0, 0])


# --- pictures ---------------------------------------------------------------------------------

def test_dot_takes_the_render_options():
    g = graphdraw.Graph.example("xor")
    built = graph.build(parser.parse(examples.text("xor"), "m"))
    for options in ({"theme": "print"}, {"style": "ops", "rankdir": "TB"},
                    {"caption": "Figure 1", "title": "XOR", "font": "DejaVu Sans"},
                    {"edge_labels": False, "shapes": False}):
        wanted = draw.decide_rankdir(built, {"title": "", **PAGE_READY, **options})
        assert g.dot(**options) == draw.to_dot(built, **wanted)
    with pytest.raises(TypeError, match="unknown drawing option 'colour'"):
        g.dot(colour="red")
    with pytest.raises(ValueError):
        g.dot(theme="pastel")


@pytest.mark.parametrize("name", ["xor", "micrograd", "rnn"])
def test_the_api_draws_the_command_line_s_default_figure(name):
    # A notebook shows what `graphdraw render` draws: the named view, the direction chosen
    # for a page, the compact legend (one table of defaults, themes.PAGE_READY, for both).
    from click.testing import CliRunner

    from graphdraw import cli
    result = CliRunner().invoke(cli.cli, ["render", "--example", name, "-f", "dot", "-o", "-"])
    assert result.exit_code == 0, result.output
    g = graphdraw.Graph.example(name)
    assert g.dot() == result.stdout
    assert g.dot(**PAGE_READY) == result.stdout
    assert g.dot() != g.dot(style="textbook")              # the named view, not a node per value
    assert "cluster_legend" not in g.dot() and "shape=plain" in g.dot()   # the compact legend
    assert g._repr_mimebundle_()["image/svg+xml"] == g.svg() if HAS_DOT else True


def test_keywords_ask_for_the_drawing_before_the_page_ready_defaults():
    g = graphdraw.Graph.example("xor")
    built = graph.build(parser.parse(examples.text("xor"), "m"))
    old = g.dot(style="textbook", rankdir="LR", legend="full")
    assert old == draw.to_dot(built, title="")             # to_dot's own: a node per value
    assert old != g.dot() and "rankdir=LR" in old and "cluster_legend" in old
    assert g.dot(legend="none") == g.dot(legend=False) != g.dot()
    assert g.dot(legend="full") == g.dot(legend=True)
    with pytest.raises(ValueError, match="legend must be"):
        g.dot(legend="big")


def test_show_values_and_grads_as_the_command_line_draws_them():
    from click.testing import CliRunner

    from graphdraw import cli
    g = graphdraw.Graph.example("xor")
    result = CliRunner().invoke(cli.cli, ["render", "-f", "dot", "-o", "-", "--show",
                                          "values,grads", "--set", "x=[1,0]", "--seed", "2",
                                          "--style", "ops"])
    assert result.exit_code == 0, result.output
    assert g.dot(show="values,grads", values={"x": [1, 0]}, seed=2, style="ops") == \
        result.stdout
    assert g.dot(show=["values", "grads"], values={"x": [1, 0]}, seed=2, style="ops") == \
        result.stdout
    assert "2×2" not in g.dot(show="values") and "2×2" in g.dot(show="values,shapes")
    with pytest.raises(ValueError, match="only with show"):
        g.dot(values={"x": [1, 0]})


def test_with_options_sets_the_pictures_defaults():
    g = graphdraw.Graph.example("xor", theme="colorblind")
    ops = g.with_options(style="ops")
    assert ops.options == {"theme": "colorblind", "style": "ops"}
    assert g.options == {"theme": "colorblind"}
    assert ops.dot() == g.dot(style="ops") != g.dot()
    assert ops.dot(style="named") == g.dot()
    with pytest.raises(TypeError):
        g.with_options(bogus=1)


@pytest.mark.parametrize("fmt", ["dot", "json"])
def test_render_without_dot(tmp_path, fmt, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))             # no Graphviz
    g = graphdraw.Graph.example("xor")
    path = g.render(tmp_path / f"out.{fmt}")
    data = (tmp_path / f"out.{fmt}").read_text(encoding="utf-8")
    assert path == str(tmp_path / f"out.{fmt}")
    assert data.startswith("digraph" if fmt == "dot" else "{")
    assert g.render(tmp_path / "other.txt", format=fmt) == str(tmp_path / "other.txt")
    with pytest.raises(ValueError, match=r"no format writes \.gif files"):
        g.render(tmp_path / "x.gif")


# --- notebooks ----------------------------------------------------------------------------------

def _assert_svg(text: str) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert not [e for e in root.iter() if e.tag.lower().endswith("script")]
    return root


def test_mimebundle_without_dot_falls_back_to_text(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    g = graphdraw.Graph.example("xor")
    bundle = g._repr_mimebundle_()
    assert set(bundle) == {"text/plain"}
    text = bundle["text/plain"]
    assert text.startswith("<graphdraw.Graph <example xor>: 19 nodes")
    assert "Graphviz's dot program is not installed" in text and "apt-get install graphviz" in \
        text and ".dot()" in text
    assert g._repr_svg_() is None
    assert g.dot().startswith("digraph")                     # still works


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_mimebundle_is_valid_svg():
    g = graphdraw.Graph.example("xor", theme="print")
    bundle = g._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    root = _assert_svg(bundle["image/svg+xml"])
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "ŷ" in texts and "Legend" in texts
    assert bundle["image/svg+xml"] == g._repr_svg_() == g.svg()
    assert bundle["text/plain"] == repr(g)
    assert set(g._repr_mimebundle_(include=["image/svg+xml"])) == {"image/svg+xml"}
    assert set(g._repr_mimebundle_(exclude=["image/svg+xml"])) == {"text/plain"}


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_ipython_display_formatter_uses_the_bundle():
    # IPython (when installed) calls _repr_mimebundle_ first; emulate its contract here
    g = graphdraw.Graph.from_text(TEXT, style="ops")
    method = getattr(g, "_repr_mimebundle_")
    data = method(include=None, exclude=None)
    assert isinstance(data, dict) and all(isinstance(v, str) for v in data.values())
    _assert_svg(data["image/svg+xml"])


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG"),
                                        ("pdf", b"%PDF-")])
def test_render_pictures(tmp_path, fmt, magic):
    g = graphdraw.Graph.example("micrograd")
    path = g.render(tmp_path / f"m.{fmt}", theme="colorblind")
    with open(path, "rb") as handle:
        assert handle.read().startswith(magic)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"m.{fmt}"]   # no stray files


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_tikz_and_html_through_the_api(tmp_path):
    g = graphdraw.Graph.example("xor")
    from graphdraw.formats import tikz
    wanted = draw.decide_rankdir(g.nx, {**PAGE_READY, "theme": "print"})
    assert g.tikz(theme="print") == tikz.to_tikz(g.nx, **wanted)
    assert g.tikz(snippet=True).lstrip().startswith(("\\begin{tikzpicture}", "%"))
    path = g.render(tmp_path / "fig.tex", style="ops")
    assert (tmp_path / "fig.tex").read_text(encoding="utf-8") == g.tikz(style="ops")
    page = g.html(values={"x": [1, 0]}, caption="Figure 1")
    assert page.startswith("<!DOCTYPE html>") and "Figure 1" in page
    g.render(tmp_path / "fig.html", values={"x": [1, 0]}, caption="Figure 1")
    assert (tmp_path / "fig.html").read_text(encoding="utf-8") == page
    assert path == str(tmp_path / "fig.tex")


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_render_finds_the_format_by_name_or_extension(tmp_path):
    g = graphdraw.Graph.example("linear")
    g.render(tmp_path / "a.tex")
    g.render(tmp_path / "b.txt", format="tikz")
    g.render(tmp_path / "c.txt", format="TEX")
    texts = {(tmp_path / n).read_text(encoding="utf-8") for n in ("a.tex", "b.txt", "c.txt")}
    assert texts == {g.tikz()}
    g.render(tmp_path / "d.htm")
    assert (tmp_path / "d.htm").read_text(encoding="utf-8") == g.html()
    g.render(tmp_path / "e", show="values")              # no extension: SVG
    assert (tmp_path / "e").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_latex_models_as_the_sheet_writes_them(tmp_path):
    sheet = (r"y = \sigma(\mathbf{W_o}^T(\sigma(\mathbf{W_i}^T \mathbf{x} + b_a)) + b_o)"
             "\n" r"L = \frac{1}{2}(\hat{y} - t)^2")
    g = graphdraw.Graph.from_text(sheet)
    assert g.output == "L" and g.nx.nodes["L"]["forward_pretty"] == "L = ½ (ŷ − t)²"
    assert graphdraw.Graph.from_text(sheet, syntax="latex").dot() == g.dot()
    with pytest.raises(errors.GraphdrawError):
        graphdraw.Graph.from_text(sheet, syntax="plain")
    path = tmp_path / "sheet.tex"
    path.write_text(sheet, encoding="utf-8")
    assert graphdraw.load(path).dot() == g.dot()


# --- check() and train(), as the commands have them ------------------------------------------

@pytest.mark.torch
def test_check_is_the_command_s_report():
    from click.testing import CliRunner
    g = graphdraw.Graph.example("xor")
    report = g.check(seed=3)
    assert report.ok is True
    result = CliRunner().invoke(cli_package.cli, ["check", "--seed", "3", "--json"])
    assert json.loads(result.output) == report.to_json()


def test_train_matches_the_command():
    from click.testing import CliRunner
    args = ["train", "--steps", "300", "--seed", "2", "--dim", "H=3", "--no-files", "--json"]
    result = CliRunner().invoke(cli_package.cli, args)
    assert result.exit_code == 0, result.output
    command = json.loads(result.output)
    trained = graphdraw.Graph.example("xor").train(steps=300, seed=2, dims={"H": 3})
    assert len(trained.loss) == 301
    assert trained.loss[-1] == pytest.approx(command["loss"]["final"], rel=1e-12)
    assert trained.learned == command["learned"]
    assert trained.params["W_i"].shape == (2, 3)


def test_train_on_a_csv(tmp_path):
    data = tmp_path / "line.csv"
    data.write_text("x,y\n0,1\n1,3\n2,5\n3,7\n")
    g = graphdraw.Graph.from_text("input x\ntarget y\nparam w, b\nL = (w x + b - y)^2")
    trained = g.train(data, steps=2000, lr=0.02, reduce="mean")
    assert trained.loss[-1] < 1e-6
    assert trained.params["w"] == pytest.approx(2, abs=1e-3)
    assert trained.params["b"] == pytest.approx(1, abs=1e-3)
    assert trained.learned is None                       # not a 0/1 task


def test_train_options_are_checked():
    g = graphdraw.Graph.example("xor")
    with pytest.raises(TypeError, match="lr_rate"):
        g.train(lr_rate=1)
    with pytest.raises(errors.GraphdrawError, match="dims= needs the model's text"):
        graphdraw.Graph(g.program).train(dims={"H": 4}, steps=1)


def test_render_decides_the_format_as_the_command_line(tmp_path):
    g = graphdraw.Graph.from_text("y = tanh(w x + b)")
    with pytest.raises(ValueError, match="disagrees with .*x.png.*png"):
        g.render(tmp_path / "x.png", format="dot")
    with pytest.raises(ValueError, match=r"no format writes \.jpg files"):
        g.render(tmp_path / "x.jpg")
    assert not list(tmp_path.iterdir())
    g.render(tmp_path / "x.gv.txt", format="dot")            # a format given: any extension
    assert (tmp_path / "x.gv.txt").read_text().startswith("digraph graphdraw {")
    g.render(tmp_path / "noext", format="json")
    assert json.loads((tmp_path / "noext").read_text())["output"] == "y"


def test_rankdir_in_either_case_and_a_bad_one_said_at_once():
    g = graphdraw.Graph.from_text("y = tanh(w x + b)", rankdir="tb")
    assert "rankdir=TB" in g.dot()
    with pytest.raises(ValueError, match="rankdir must be one of"):
        graphdraw.Graph.from_text("y = w", rankdir="up")


@pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz's dot")
def test_render_takes_the_tikz_snippet_option(tmp_path):
    g = graphdraw.Graph.from_text("y = tanh(w x + b)")
    g.render(tmp_path / "fig.tex", snippet=True)
    text = (tmp_path / "fig.tex").read_text()
    assert text.lstrip().startswith("%") and "\\documentclass" not in text
    assert "\\begin{tikzpicture}" in text


def test_train_refuses_an_unknown_optimizer_or_setting():
    g = graphdraw.Graph.example("xor")
    with pytest.raises(ValueError, match="optimizer must be one of gd, momentum, newton, sfn"):
        g.train(optimizer="adam", steps=1)
    with pytest.raises(TypeError, match="train.. got an unexpected keyword argument "
                                        "'learning_rate'"):
        g.train(learning_rate=0.1)


@pytest.mark.torch
def test_check_takes_leaf_values_as_keywords_like_grads():
    g = graphdraw.Graph.from_text("input x; target y; param w; L = (w x - y)^2")
    report = g.check(x=2.0, y=1.0, w=0.5, structure=False)
    assert report.ok
    leaves = report.to_json()["leaves"]
    assert [leaf["leaf"] for leaf in leaves] == ["w"] and leaves[0]["ok"]
    with pytest.raises(errors.GraphdrawError, match="value of x"):     # the value reached the model
        g.check(x=[[1.0, 2.0], [3.0]], structure=False)
