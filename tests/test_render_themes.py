"""Themes, fonts, captions, the ops style and plates: DOT structure, escaping, layout (marked)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys

import graphviz
import networkx as nx
import pytest
from click.testing import CliRunner

from graphdraw import cli, ops
from graphdraw.language import examples
from graphdraw.core import graph
from graphdraw.core.named import view as named_view
from graphdraw.language import parser
from graphdraw.formats.graphviz import draw
from graphdraw.formats.graphviz import labels
from test_render import (EVIL, assert_well_formed, build, edge_lines, hostile_graph,
                         html_strings, node_lines)

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
THEMES = tuple(draw.THEMES)
STYLES = draw.DRAW_STYLES
PLATE = "n = 1…N"


def lines_of(source: str) -> dict[str, str]:
    """Node statements (at any depth) by DOT name."""
    found = {}
    for line in source.splitlines():
        match = re.match(r'\t+("(?:[^"\\]|\\.)*"|[^\s"\[\]{}=]+) \[', line)
        if match and " -> " not in line and match.group(1) not in ("graph", "node", "edge"):
            found[match.group(1).strip('"')] = line
    return found


def block(source: str, name: str) -> str:
    """The text of `subgraph NAME { ... }` (its own lines, nested ones included)."""
    lines = source.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip() == f"subgraph {name} {{")
    indent = lines[start][:len(lines[start]) - len(lines[start].lstrip("\t"))]
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == indent + "}")
    return "\n".join(lines[start:end + 1])


def plated(text: str | None = None, plate: str = PLATE) -> nx.MultiDiGraph:
    """A per-sample loss summed over samples, marked by hand as graph.build will mark it:
    the data and everything computed from it, up to the sum, carry `plate`."""
    text = text or ("input x[2]\ntarget y\nparam W_i[2, 2], b_a, W_o[2], b_o\n"
                    "a = W_iᵀ x + b_a\nz = σ(a)\nŷ = σ(W_oᵀ z + b_o)\n"
                    "l = 1/2 (ŷ − y)²\nL = sum(l)\n")
    g = graph.build(parser.parse(text, "plate"))
    data = {n for n, d in g.nodes(data=True) if d["kind"] in ("input", "target")}
    per_sample = set(data).union(*(nx.descendants(g, n) for n in data))
    per_sample.discard(g.graph["output"])
    for node in per_sample:
        g.nodes[node]["plate"] = plate
    return g


def hex_colours(source: str) -> set[str]:
    return {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", source)}


# --- themes -----------------------------------------------------------------------------------

def test_one_table_of_themes_with_every_kind():
    assert THEMES == ("default", "print", "colorblind")
    for name, theme in draw.THEMES.items():
        assert set(theme.kinds) == set(draw.KINDS) | {"op"}, name
        for kind, attrs in theme.kinds.items():
            assert "shape" in attrs, (name, kind)
    # the command line offers exactly these
    assert cli.THEMES == THEMES and cli.DRAW_STYLES == draw.DRAW_STYLES


def test_default_theme_is_the_default():
    g = build("xor")
    assert draw.to_dot(g) == draw.to_dot(g, theme="default", style="textbook", font=None,
                                              caption=None)
    assert draw.STYLES["param"][0] == draw.THEMES["default"].kinds["param"]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", examples.names())
def test_every_theme_and_style_is_well_formed(theme, style, name):
    g = build(name)
    source = draw.to_dot(g, theme=theme, style=style)
    assert_well_formed(source)
    assert source == draw.to_dot(build(name), theme=theme, style=style)
    nodes = lines_of(source)
    for index, node in enumerate(named_view(g, style).nodes):     # the nodes the style draws
        assert str(draw.dot_id(node, index)) in nodes


@pytest.mark.parametrize("theme", THEMES)
def test_nodes_and_legend_follow_the_theme(theme):
    look = draw.THEMES[theme]
    for style in STYLES:
        source = draw.to_dot(build("xor"), theme=theme, style=style)
        nodes = lines_of(source)
        for kind in ("input", "target", "param", "intermediate", "output"):
            for line in (nodes[{"input": "x", "target": "y", "param": "W_i",
                                "intermediate": "a", "output": "L"}[kind]],
                         nodes[f"n%legend-{kind}"]):
                for key, value in look.kinds[kind].items():
                    assert f"{key}={value}" in line or f'{key}="{value}"' in line, \
                        (theme, kind, key)
        legend = block(source, "cluster_legend")
        for key, value in look.legend.items():
            assert f"{key}={value}" in legend or f'{key}="{value}"' in legend
        edge_defaults = source.splitlines()[3]
        assert edge_defaults.startswith("\tedge [")
        for key, value in look.edge.items():
            assert f"{key}={value}" in edge_defaults or f'{key}="{value}"' in edge_defaults


def test_print_theme_has_no_colour_and_thin_lines():
    g = plated()
    for style in STYLES:
        source = draw.to_dot(g, theme="print", style=style, numbers=_numbers_of_xor_like(g))
        for colour in hex_colours(source):
            r, gr, b = (colour[i:i + 2] for i in (1, 3, 5))
            assert r == gr == b, colour                 # grey, black or white only
        named = set(re.findall(r'(?:color|fillcolor|fontcolor)=("?)([a-z]+)\1[ \]]', source))
        assert {name for _, name in named} <= {"black", "white"}
    look = draw.THEMES["print"]
    assert float(look.node["penwidth"]) < 1 and float(look.edge["penwidth"]) < 1
    assert float(draw.THEMES["default"].node["penwidth"]) > float(look.node["penwidth"])


def _numbers_of_xor_like(g: nx.MultiDiGraph) -> dict:
    """Fake numbers for every node (the colours of values and gradients are what matters)."""
    import numpy as np
    return {"values": {n: np.array(0.5) for n in g.nodes},
            "grads": {n: np.array(0.25) for n in g.nodes}, "note": "note"}


def test_print_theme_tells_kinds_apart_without_colour():
    # On a greyscale page the kinds differ by shape, line style, border count or grey fill.
    kinds = draw.THEMES["print"].kinds
    looks = {kind: tuple(kinds[kind].get(key) for key in ("shape", "style", "peripheries",
                                                           "fillcolor"))
             for kind in ("input", "target", "param", "intermediate", "output", "op")}
    assert len(set(looks.values())) == len(looks)
    # two leaves of different kinds never differ by fill alone when both are white
    assert "dashed" in kinds["target"]["style"] and kinds["output"].get("peripheries") == "2"


def test_colorblind_theme_uses_the_okabe_ito_palette():
    okabe_ito = {"#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7"}
    kinds = draw.THEMES["colorblind"].kinds
    borders = {kinds[k]["color"].lower() for k in ("input", "target", "param")}
    assert borders <= okabe_ito and len(borders) == 3
    assert draw.THEMES["colorblind"].grad.lower() in okabe_ito
    source = draw.to_dot(build("xor"), theme="colorblind")
    assert draw.THEMES["default"].kinds["param"]["fillcolor"] not in source


def test_numbers_take_the_theme_colours():
    g = build("xor")
    numbers = _numbers_of_xor_like(g)
    for theme in THEMES:
        source = draw.to_dot(g, theme=theme, numbers=numbers)
        look = draw.THEMES[theme]
        assert f'COLOR="{look.grad}"' in source and f'COLOR="{look.ink}"' in source


def test_unknown_theme_or_style():
    with pytest.raises(ValueError, match="default, print, colorblind"):
        draw.to_dot(build("xor"), theme="pastel")
    with pytest.raises(ValueError, match="named, textbook, ops"):
        draw.to_dot(build("xor"), style="fancy")


# --- font and caption -------------------------------------------------------------------------

def test_font_goes_to_graph_nodes_and_edges():
    source = draw.to_dot(build("xor"), font="DejaVu Sans")
    head = source.splitlines()[1:4]
    assert all('fontname="DejaVu Sans"' in line for line in head)
    assert draw.FONT not in source
    assert draw.font_name("  ") == draw.FONT


@pytest.mark.parametrize("bad", ['a"b', "a\\b", "x\ny", "<b>", "a;b", "x" * 300])
def test_font_names_that_dot_could_misread_are_refused(bad):
    with pytest.raises(ValueError, match="not a font name"):
        draw.to_dot(build("xor"), font=bad)


def test_caption_below_and_title_above():
    g = build("xor")
    only = draw.to_dot(g, title="", caption="Figure 1: XOR")
    first = only.splitlines()[1]
    assert "labelloc=b" in first and ">Figure 1: XOR</FONT>" in first
    assert "cluster_title" not in only
    both = draw.to_dot(g, title="Exercise 6.2", caption="Figure 1")
    assert_well_formed(both)
    assert "labelloc=b" in both.splitlines()[1] and "Exercise" not in both.splitlines()[1]
    title = block(both, "cluster_title")
    assert ">Exercise 6.2</FONT>" in title and "peripheries=0" in title
    assert "labelloc=t" in title
    # everything is inside the frameless title cluster, so nothing is lost
    assert len(node_lines(only)) == len(lines_of(both)) - len(lines_of(block(both,
                                                                            "cluster_legend")))
    # a cluster's label would follow the root's to the bottom: the legend's stays on top
    assert "labelloc=t" in block(both, "cluster_legend")


def test_caption_is_escaped_like_the_title():
    source = draw.to_dot(build("xor"), title=EVIL, caption=EVIL)
    assert_well_formed(source)
    assert len(lines_of(source)) == len(lines_of(draw.to_dot(build("xor"))))
    captions = [s for s in html_strings(source) if "evil" in s]
    assert len(captions) == 2
    for text in captions:
        assert "&lt;script&gt;" in text and "<BR/>" in text and "\\\\N" in text
    assert "<script" not in source and "\x07" not in source


def test_command_line_options(tmp_path):
    runner = CliRunner()
    out = tmp_path / "x.dot"
    result = runner.invoke(cli.cli, ["render", "-f", "dot", "-o", str(out), "--theme", "print",
                                     "--style", "ops", "--font", "DejaVu Serif",
                                     "--caption", "Figure <1>", "--rankdir", "LR",
                                     "--legend", "full"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == draw.to_dot(
        graph.build(parser.parse(examples.text("xor"), "<example xor>")), theme="print",
        style="ops", font="DejaVu Serif", caption="Figure <1>", title="")
    bad = runner.invoke(cli.cli, ["render", "-f", "dot", "-o", "-", "--font", 'x"y'])
    assert bad.exit_code == 2 and "--font" in bad.output and "not a font name" in bad.output
    bad = runner.invoke(cli.cli, ["render", "-f", "dot", "-o", "-", "--theme", "pastel"])
    assert bad.exit_code == 2 and "colorblind" in bad.output
    helped = runner.invoke(cli.cli, ["render", "--help"])
    for word in ("--theme", "--style", "--font", "--caption", "Okabe-Ito", "torchviz"):
        assert word in helped.output


# --- the ops style ----------------------------------------------------------------------------

def test_op_symbols_come_from_the_op_table():
    assert [draw.op_symbol(op) for op in ("add", "sub", "mul", "matmul", "transpose",
                                             "sigmoid", "tanh", "pow", "id")] == \
        ["+", "−", "·", "@", "(·)ᵀ", "σ", "tanh", "^", "="]
    assert draw.op_symbol("transpose", markup=True) == "(·)<sup>T</sup>"
    assert draw.op_symbol("no such op", markup=True) == "no such op"
    assert draw.op_symbol("<b>", markup=True) == "&lt;b&gt;"
    for row in ops.ROWS:
        symbol = draw.op_symbol(row.name)
        assert symbol and symbol.strip() == symbol, row.name
        markup = draw.op_symbol(row.name, markup=True)
        assert markup and labels.balanced(markup), row.name
        # the markup's text is the symbol, a subscript (Σ_n) and a superscript (ᵀ) set as such;
        # an underscore inside a function's name (leaky_relu) stays as it is
        assert html.unescape(re.sub(r"<[^>]*>", "", markup)).replace(" ", "") in (
            re.sub(r"[ᵀ_]", lambda m: "T" if m.group() == "ᵀ" else "", symbol).replace(" ", ""),
            symbol.replace(" ", ""))
        if row.style in ("infix", "prefix") and row.pretty.strip():
            assert symbol == row.pretty.strip()
        if row.style == "call" and not row.pretty:
            assert symbol == row.name


@pytest.mark.parametrize("name", examples.names())
def test_ops_style_draws_each_operation_between_values(name):
    g = build(name)
    source = draw.to_dot(g, style="ops")
    nodes = lines_of(source)
    computed = [(i, n) for i, (n, d) in enumerate(g.nodes(data=True)) if d["op"] is not None]
    op_names = {str(draw.op_id(n, i)): n for i, n in computed}
    for op_name, node in op_names.items():
        assert op_name in nodes
        symbol = draw.op_symbol(g.nodes[node]["op"], markup=True)
        assert f"label=<{labels.font(symbol, draw.EXPR_SIZE + 2)}>" in nodes[op_name]
        assert re.search(r"shape=(circle|ellipse)", nodes[op_name])
    value_names = {str(draw.dot_id(n, i)) for i, n in enumerate(g.nodes)}
    assert not value_names & set(op_names)                       # no collisions
    edges = [ln.split(" [")[0].strip() for ln in edge_lines(source)]
    assert len(edges) == g.number_of_edges() + len(computed)
    q = graphviz.quoting.quote
    for index, node in computed:
        # op -> value: unlabelled
        line = next(ln for ln in edge_lines(source) if ln.strip().startswith(
            f"{q(draw.op_id(node, index))} -> {q(draw.dot_id(node, index))} "))
        assert "label" not in line
    # every operand edge ends at (or, for a constant drawn backwards, starts from) an op node
    for tail, head, data in g.edges(data=True):
        op_name = q(draw.op_id(head, list(g.nodes).index(head)))
        assert any(op_name in e for e in edges), (tail, head)
    # a named value shows its name, not its computation (the op nodes show that)
    named = next(i for i, (n, d) in enumerate(g.nodes(data=True)) if d["op"] and d["label"])
    line = nodes[str(draw.dot_id(list(g.nodes)[named], named))]
    assert " = " not in line and line.count("<TR>") <= 2            # name (and shape) only
    assert " = " in lines_of(draw.to_dot(g))[str(draw.dot_id(list(g.nodes)[named],
                                                                 named))]


def test_ops_style_puts_local_derivatives_on_the_edges_into_operations():
    g = build("xor")
    source = draw.to_dot(g, style="ops")
    line = next(ln for ln in edge_lines(source) if ln.startswith('\ta -> "a%op"') or
                ln.startswith('\ta -> "z%op"'))
    assert "z</i> (1 − <i>z</i>)" in line or "(1 − <i>z</i>)" in line
    legend = block(source, "cluster_legend")
    assert "local derivative ∂result / ∂operand" in legend and "operation" in legend
    assert "arrow label: local derivative ∂head" not in legend
    textbook = block(draw.to_dot(g), "cluster_legend")
    assert "n%legend-op" not in textbook and "n%legend-op" in legend


def test_ops_style_with_numbers_and_hostile_graph():
    g = build("xor")
    numbers = _numbers_of_xor_like(g)
    numbers["local"] = {(t, h, d["arg"]): 0.5 for t, h, d in g.edges(data=True)}
    source = draw.to_dot(g, style="ops", numbers=numbers)
    assert_well_formed(source)
    assert "∂<i>L</i>/∂<i>a</i> =" in source
    hostile = hostile_graph()
    for node in hostile.nodes:
        hostile.nodes[node]["plate"] = EVIL
    for theme in THEMES:
        evil = draw.to_dot(hostile, style="ops", theme=theme, caption=EVIL)
        assert_well_formed(evil)
        assert "<script" not in evil
        assert len([n for n in lines_of(evil) if not n.startswith("n%legend")]) == 4 + 2


def test_ops_style_is_deterministic_across_processes():
    code = ("import sys; from graphdraw.language import examples, parser; from graphdraw.core import graph; from graphdraw.formats.graphviz import draw; "
            "g = graph.build(parser.parse(examples.text('micrograd'), 'm')); "
            "sys.stdout.buffer.write(draw.to_dot(g, style='ops', theme='colorblind')"
            ".encode())")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")}
    assert len(outs) == 1


# --- plates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("style", STYLES)
def test_nodes_of_a_plate_are_drawn_in_one_labelled_cluster(theme, style):
    source = draw.to_dot(plated(), theme=theme, style=style)
    g = named_view(plated(), style)                                # the nodes the style draws
    assert_well_formed(source)
    box = block(source, "cluster_plate0")
    assert "cluster_plate1" not in source
    inside = set(lines_of(box))
    order = list(g.nodes)
    for node, data in g.nodes(data=True):
        name = str(draw.dot_id(node, order.index(node)))
        expected = data.get("plate") == PLATE or (
            data["kind"] == "constant" and all(g.nodes[h].get("plate") == PLATE
                                               for h in g.successors(node)))
        assert (name in inside) == expected, node
        if style == "ops" and data["op"] is not None:
            assert (str(draw.op_id(node, order.index(node))) in inside) == expected
    assert "x" in inside and "W_i" not in inside and "L" not in inside
    first = box.splitlines()[1]
    assert f">{PLATE}</FONT>" in first and 'style="rounded,dashed"' in first
    assert "labeljust=r" in first and "labelloc=b" in first
    for key, value in draw.THEMES[theme].plate.items():
        assert f"{key}={value}" in first or f'{key}="{value}"' in first
    assert " -> " not in box              # an edge in the cluster would pull its ends in
    assert "dashed box (plate)" in block(source, "cluster_legend")
    assert draw.count_nodes(source) == g.number_of_nodes() + (
        sum(1 for _, d in g.nodes(data=True) if d["op"]) if style == "ops" else 0)


def test_two_plates_and_hostile_plate_labels():
    g = plated()
    for node in ("a", "z"):
        g.nodes[node]["plate"] = EVIL
    source = draw.to_dot(g)
    assert_well_formed(source)
    first, second = block(source, "cluster_plate0"), block(source, "cluster_plate1")
    assert ("x" in lines_of(first)) != ("x" in lines_of(second))
    evil = first if "a" in lines_of(first) else second
    assert set(lines_of(evil)) == {"a", "z"}
    assert "&lt;script&gt;" in evil and "<script" not in source
    assert draw.to_dot(build("xor")).count("cluster_plate") == 0
    for empty in ("", None):
        g2 = build("xor")
        g2.nodes["x"]["plate"] = empty
        assert "cluster_plate" not in draw.to_dot(g2)


# --- with the dot binary --------------------------------------------------------------------

def _json_layout(source: str) -> dict:
    done = subprocess.run(["dot", "-Tjson"], input=source.encode(), capture_output=True,
                          check=True, timeout=60)
    assert done.stderr == b"", done.stderr.decode()
    return json.loads(done.stdout)


@pytest.mark.dot
@needs_dot
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("what", ["xor", "micrograd", "plated"])
def test_lays_out_cleanly_and_keeps_names(theme, style, rankdir, what):
    g = plated() if what == "plated" else build(what)
    source = draw.to_dot(g, theme=theme, style=style, rankdir=rankdir,
                           caption="Figure 1", title="t")
    layout = _json_layout(source)
    names = {o["name"] for o in layout["objects"] if "pos" in o}     # nodes, not clusters
    g = named_view(g, style)                                         # the nodes the style draws
    order = list(g.nodes)
    for node in g.nodes:                      # tikz and html find graph nodes by dot_id
        assert str(draw.dot_id(node, order.index(node))) in names
    if what == "plated":
        plate = next(o for o in layout["objects"] if o["name"] == "cluster_plate0")
        inside = {layout["objects"][i]["name"] for i in plate["nodes"]}
        assert "x" in inside and "y" in inside and "L" not in inside


@pytest.mark.dot
@needs_dot
@pytest.mark.parametrize("theme", THEMES)
def test_plate_box_encloses_its_nodes(theme):
    layout = _json_layout(draw.to_dot(plated(), theme=theme, style="ops"))
    plate = next(o for o in layout["objects"] if o["name"] == "cluster_plate0")
    x0, y0, x1, y1 = map(float, plate["bb"].split(","))
    for index in plate["nodes"]:
        x, y = map(float, layout["objects"][index]["pos"].split(","))
        assert x0 < x < x1 and y0 < y < y1
    outside = next(o for o in layout["objects"] if o.get("name") == "L")
    x, y = map(float, outside["pos"].split(","))
    assert not (x0 < x < x1 and y0 < y < y1)


SUM_MODEL = """dim N = 4
input x_n[2]
target y_n
param W_i[2, 2], b_a, W_o[2], b_o
a_n = W_iᵀ x_n + b_a
z_n = σ(a_n)
ŷ_n = σ(W_oᵀ z_n + b_o)
L = 1/2 Σ_n^N (ŷ_n − y_n)²
"""


@pytest.mark.parametrize("style", STYLES)
def test_the_parsers_sum_over_samples_is_drawn_in_a_plate(style):
    # eq. (3) of exercise 6.2 as the parser reads it: graph.build marks the per-sample nodes
    g = graph.build(parser.parse(SUM_MODEL, "eq3"))
    plates = {d.get("plate") for _, d in g.nodes(data=True)} - {None}
    if not plates:
        pytest.skip("graph.build does not mark plates yet")
    source = draw.to_dot(g, style=style)
    assert_well_formed(source)
    box = block(source, "cluster_plate0")
    inside = set(lines_of(box))
    assert {"x_n", "y_n", "a_n", "z_n", "y_hat_n"} <= inside
    assert not {"W_i", "b_a", "W_o", "b_o", "L"} & inside
    assert f">{labels.text(plates.pop())}</FONT>" in box.splitlines()[1]
