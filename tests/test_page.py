"""Figures for a page: the smallest text of every example's default figure at 16 cm × 22 cm,
--fit, --no-legend, and the choice of direction."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from graphdraw.api import Graph
from graphdraw.cli import cli
from graphdraw.formats.graphviz import layout, measure
from graphdraw.formats.graphviz.themes import PAGE_READY
from graphdraw.language import examples

pytestmark = pytest.mark.dot

# bench part (g): the XOR figure keeps 9.3 pt, the worst example (rnn, two unrolled steps)
# 6.8 pt; every example keeps 6 pt or more.
XOR_FLOOR, FLOOR, BELOW = 8.0, 6.0, {}


def test_parse_box_reads_units():
    assert measure.parse_box("16cmx22cm") == pytest.approx((453.54, 623.62), abs=0.01)
    assert measure.parse_box("6in x 8in") == (432.0, 576.0)
    assert measure.parse_box("160x220mm") == pytest.approx((453.54, 623.62), abs=0.01)
    with pytest.raises(ValueError, match="WIDTHxHEIGHT"):
        measure.parse_box("16cm")


def test_font_sizes_are_read_from_the_layout():
    layout = {"bb": "0,0,100,50", "pad": "0",
              "objects": [{"_ldraw_": [{"op": "F", "size": 12.0}, {"op": "T", "text": "a"},
                                       {"op": "F", "size": 7.0}, {"op": "T", "text": " "}]}],
              "edges": [{"_ldraw_": [{"op": "F", "size": 9.0}, {"op": "T", "text": "x"}]}]}
    fitted = measure.fit(layout, (200.0, 200.0))
    assert measure.font_sizes(layout) == [12.0, 9.0]      # blank text does not count
    assert fitted.scale == 2.0 and fitted.text == 18.0


def test_the_page_ready_xor_figure_keeps_its_text_on_a_page():
    assert measure.fit_dot(Graph.example("xor").dot(**PAGE_READY)).text >= XOR_FLOOR
    # the node-per-value drawing left to right, as it was the default (2.2 pt with its
    # fonts then)
    assert measure.fit_dot(Graph.example("xor").dot(style="textbook", rankdir="LR")).text < 4


@pytest.mark.parametrize("name", examples.names())
def test_every_examples_page_ready_figure_keeps_its_text_on_a_page(name):
    assert measure.fit_dot(Graph.example(name).dot(**PAGE_READY)).text >= BELOW.get(name, FLOOR)


def test_fit_sizes_the_svg_and_reports_its_smallest_text():
    result = CliRunner().invoke(cli, ["render", "--style", "named", "--rankdir", "auto",
                                      "--legend", "compact", "--fit", "16cmx22cm", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert 'height="624pt"' in result.stdout or 'width="454pt"' in result.stdout
    line = [x for x in result.stderr.splitlines() if x.startswith("graphdraw: fit:")]
    assert len(line) == 1 and "smallest text" in line[0]
    text = float(line[0].split("smallest text ")[1].split(" pt")[0])
    assert text >= XOR_FLOOR


def test_fit_scales_a_tikz_picture_not_its_text():
    result = CliRunner().invoke(cli, ["render", "-f", "tikz", "--fit", "8cmx8cm", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "[x=0." in result.stdout and "document's sizes" in result.stderr


def test_no_legend_and_an_explicit_rankdir():
    result = CliRunner().invoke(cli, ["render", "--no-legend", "--rankdir", "LR", "-f", "dot",
                                      "-o", "-"])
    assert result.exit_code == 0
    assert "legend" not in result.stdout and "rankdir=LR" in result.stdout


def test_auto_direction_takes_the_one_with_larger_text():
    dots = {rd: Graph.example("xor").dot(rankdir=rd) for rd in ("LR", "TB")}
    assert Graph.example("xor").dot() == Graph.example("xor").dot(**PAGE_READY)   # the default
    best = max(dots, key=lambda rd: measure.fit_dot(dots[rd]).text)
    assert f"rankdir={best}" in Graph.example("xor").dot(**PAGE_READY)


SLIDE = measure.parse_box("25cmx14cm")


def _both_ways(graph, options, box):
    """The direction as laying the figure out both ways and measuring both decides it."""
    text = {rd: measure.fit_dot(graph.dot(**{**options, "rankdir": rd}), box).text
            for rd in ("LR", "TB")}
    return "TB" if text["TB"] > text["LR"] * 1.02 else "LR"


@pytest.mark.parametrize("name", examples.names())
@pytest.mark.parametrize("options", [{"style": "named"}, {"style": "ops"},
                                     {"style": "named", "show": "values,grads"}],
                         ids=["named", "ops", "values"])
def test_the_quick_direction_is_the_one_both_layouts_choose(name, options):
    # choose_rankdir lays the figure out top to bottom and estimates left to right from its
    # ranks; the estimate leans to left to right, so that a figure it settles at once is
    # one that laying out both ways and measuring would have drawn top to bottom too.
    from graphdraw.formats.graphviz import draw
    import json
    graph = Graph.example(name)
    options = {**PAGE_READY, **options}
    for box in (measure.PAGE, SLIDE):
        chosen = draw.decide_rankdir(graph.nx, graph._render_options(
            {**options, "fit": box}, decide=False))["rankdir"]
        assert chosen == _both_ways(graph, {**options, "fit": box}, box)
        down = json.loads(layout.layout(graph.dot(**{**options, "rankdir": "TB"}), "json"))
        right = measure.fit_dot(graph.dot(**{**options, "rankdir": "LR"}), box)
        assert measure.across(down, box).text >= right.text * 0.98


def test_a_clear_figure_is_laid_out_once(monkeypatch):
    runs = []
    real = measure.layouts

    def counting(source, fmts, **kwargs):
        runs.append(("rankdir=TB" in source, fmts, kwargs.get("ahead")))
        return real(source, fmts, **kwargs)
    monkeypatch.setattr(measure, "layouts", counting)
    graph = Graph.example("xor")
    svg = graph.svg()                        # the trial's svg is the one written
    assert runs == [(True, ("json",), ("svg",))]
    assert svg.startswith("<?xml") and not layout._AHEAD
    runs.clear()
    # a wide, shallow figure (two ranks) is laid out both ways, and the loser forgotten
    wide = Graph.example("linear-regression")
    wide.svg()
    assert len(runs) == 2 and "rankdir=LR" in wide.dot()
    assert not layout._AHEAD
