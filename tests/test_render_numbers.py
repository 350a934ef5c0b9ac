"""Pictures with numbers (`render --show values,grads,shapes`, to_dot(numbers=...)), scripts."""

from __future__ import annotations

import doctest
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw import gallery
from graphdraw.numeric import backprop, evaluate
from graphdraw.language import examples
from graphdraw.core import graph
from graphdraw.language import parser
from graphdraw.formats.graphviz import draw
from graphdraw.formats.graphviz import labels
from graphdraw.numeric import values
from graphdraw.cli import cli
from test_render import (EVIL, assert_well_formed, edge_lines, hostile_graph, node_lines,
                         structure)

HAS_DOT = shutil.which("dot") is not None
SVG = "{http://www.w3.org/2000/svg}"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def dot_of(*args: str) -> str:
    result = run("render", *args, "-f", "dot", "-o", "-")
    assert result.exit_code == 0, result.output
    return result.output


def line_of(source: str, node: str) -> str:
    return next(ln for ln in node_lines(source) if ln.startswith(f"\t{node} [")
                or ln.startswith(f'\t"{node}" ['))


def shown(x: float) -> str:
    """A number as the picture writes it: 3 significant digits, a real minus sign."""
    return f"{x + 0.0:.3g}".replace("-", "−")


def xor_numbers(seed: int = 0):
    """Values and gradients of the default model computed here, not by render."""
    program = parser.parse(examples.text("xor"), "xor")
    leaf_values = values.leaf_values(program, {}, seed)
    vals = evaluate.forward(program, leaf_values)
    return program, vals, backprop.backward(program, vals)


# --- the command line -----------------------------------------------------------------------

def test_show_values_grads_puts_the_value_of_L_and_the_gradient_of_W_o_in_the_dot():
    _, vals, grads = xor_numbers()
    source = dot_of("--show", "values,grads")
    assert_well_formed(source)
    l_line = line_of(source, "L")
    assert f">{shown(float(vals['L']))}</FONT>" in l_line
    assert "∂<i>L</i>/∂<i>L</i> = </FONT>" in l_line          # the backward pass starts at 1
    w_o = grads["W_o"]
    assert w_o.shape == (2,) and np.all(w_o != 0)
    row = "[" + ", ".join(shown(float(g)) for g in w_o) + "]"
    line = line_of(source, "W_o")
    assert f'COLOR="#9c2f2f">{row}</FONT>' in line
    assert "∂<i>L</i>/∂<i>W</i><sub>" in line              # ∂L/∂W_o, in the user's names
    value = "[" + ", ".join(shown(float(v)) for v in vals["W_o"]) + "]"
    assert f'COLOR="#333333">{value}</FONT>' in line


def test_matrix_values_are_one_row_a_line():
    _, vals, grads = xor_numbers()
    line = line_of(dot_of("--show", "values,grads"), "W_i")
    rows = ["[" + ", ".join(shown(float(v)) for v in row) + "]" for row in vals["W_i"]]
    assert f">{rows[0]}<BR/>{rows[1]}</FONT>" in line
    grad_rows = ["[" + ", ".join(shown(float(v)) for v in row) + "]" for row in grads["W_i"]]
    assert f">{grad_rows[0]}<BR/>{grad_rows[1]}</FONT>" in line


def test_local_derivative_values_on_edges():
    _, vals, _ = xor_numbers()
    source = dot_of("--show", "values,grads")
    edge = next(ln for ln in source.splitlines() if ln.startswith("\ta -> z "))
    z = vals["z"]
    local = "[" + ", ".join(shown(float(v)) for v in z * (1 - z)) + "]"
    # the symbolic label first, then its value in a smaller font
    assert edge.index("(1 − <i>z</i>)") < edge.index(f'<FONT POINT-SIZE="9">{local}</FONT>')
    # a constant derivative is its own value: no "= 1" under "1"
    one = next(ln for ln in source.splitlines() if ln.startswith("\tb_a -> a "))
    assert 'POINT-SIZE="9"' not in one and ">1</FONT>" in one
    # edges from constants stay unlabelled
    assert all("label" not in ln for ln in edge_lines(source) if "dashed" in ln)


def test_micrograd_numbers_are_the_published_ones():
    # micrograd's README: g = 24.7041, a.grad = 138.8338, b.grad = 645.5773
    source = dot_of("--example", "micrograd", "--show", "values,grads")
    assert ">24.7</FONT>" in line_of(source, "g'")            # the output, g rebound
    assert ">139</FONT>" in line_of(source, "a") and ">646</FONT>" in line_of(source, "b")


def test_values_only_and_grads_only():
    values_only = dot_of("--show", "values")
    assert "∂<i>L</i>/∂" not in values_only and "value (forward pass)" in values_only
    assert "gradient of" not in values_only
    grads_only = dot_of("--show", "grads")
    assert "∂<i>L</i>/∂<i>W</i>" in grads_only and "value (forward pass)" not in grads_only
    assert "gradient of the output with respect to the value" in grads_only
    # inputs and targets take no gradient: no gradient row on them
    assert "∂<i>L</i>/∂<i>x</i>" not in grads_only
    assert "∂<i>L</i>/∂<i>y</i> " not in grads_only


def test_set_values_and_seed_are_loaded_like_grads():
    source = dot_of("--show", "values", "--set", "x=[1, 0]", "--set", "y=1")
    assert ">[1, 0]</FONT>" in line_of(source, "x") and ">1</FONT>" in line_of(source, "y")
    assert "leaf values: --set/--values, else as declared, else random from seed 0" in source
    assert dot_of("--show", "values", "--seed", "3") != dot_of("--show", "values")
    # the same leaf values as `graphdraw grads --json`
    grads = json.loads(run("grads", "--json", "--seed", "3").output)
    w_o = "[" + ", ".join(shown(v) for v in grads["grads"]["W_o"]) + "]"
    assert w_o in line_of(dot_of("--show", "grads", "--seed", "3"), "W_o")


def test_values_file(tmp_path):
    path = tmp_path / "v.json"
    path.write_text(json.dumps({"x": [0.5, -0.25]}), encoding="utf-8")
    source = dot_of("--show", "values", "--values", str(path))
    assert ">[0.5, −0.25]</FONT>" in line_of(source, "x")


def test_default_and_aliases_keep_the_old_picture():
    plain = dot_of()
    assert dot_of("--show", "shapes") == plain
    assert "2×2" in plain and "value (forward pass)" not in plain
    assert dot_of("--no-shapes") == dot_of("--show", "none") == dot_of("--show", "")
    assert "2×2" not in dot_of("--no-shapes")
    assert dot_of("--show", "values,shapes", "--no-shapes") == dot_of("--show", "values")
    both = dot_of("--show", "VALUES, shapes")
    assert "2×2" in both and "value (forward pass)" in both


def test_shapes_come_from_values_when_not_declared():
    model = "y = tanh(w x)"
    assert "scalar" not in dot_of("-e", model, "--show", "shapes,values", "--set", "w=0.5")
    source = dot_of("-e", model, "--show", "shapes,values", "--set", "w=[1, 2]",
                    "--set", "x=[[1, 0], [0, 1]]")
    assert ">2×2</FONT>" in line_of(source, "x")


@pytest.mark.parametrize("bad", ["values,grad", "shape", "values,,nope", "all"])
def test_bad_show_item_is_a_usage_error(bad, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("render", "--show", bad)
    assert result.exit_code == 2
    assert "Invalid value for '--show'" in result.output
    assert "values, grads, shapes" in result.output
    assert list(tmp_path.iterdir()) == []


def test_show_with_json_and_set_without_numbers_say_so():
    result = run("render", "--show", "values", "-f", "json", "-o", "-")
    assert result.exit_code == 0
    assert "note: --show values/grads only draw" in result.output
    plain = run("render", "-f", "json", "-o", "-").output
    assert result.output.endswith(plain)                       # the JSON itself is unchanged
    given = run("render", "--set", "x=[1,0]", "-f", "dot", "-o", "-")   # shapes from it
    assert given.exit_code == 0 and "used only with" not in given.output


def test_bad_values_are_input_errors():
    result = run("render", "--show", "values", "--set", "q=1", "-f", "dot", "-o", "-")
    assert result.exit_code == 3 and "'q' is not a leaf of the model" in result.output
    result = run("render", "--show", "values", "-e", "y = log(x)", "--set", "x=-1",
                 "-f", "dot", "-o", "-")
    assert result.exit_code == 3 and "NaN appears at 'y'" in result.output


def test_non_scalar_output_says_the_sum_is_differentiated():
    source = dot_of("--example", "tanh2", "--show", "grads")
    assert "gradient of the output with" in source and "sum" not in source  # tanh2's L: a mean
    vector = dot_of("-e", "input x[2]\nparam w[2]\ny = w * x", "--show", "grads")
    assert "gradient of the output (the sum of its entries) with respect to" in vector


def test_numbers_dot_is_deterministic_across_processes():
    code = ("import sys; from click.testing import CliRunner; from graphdraw.cli import cli; "
            "r = CliRunner().invoke(cli, ['render', '--example', 'micrograd', '--show', "
            "'values,grads', '-f', 'dot', '-o', '-']); sys.stdout.write(r.output)")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")}
    assert len(outs) == 1
    assert outs.pop().decode() == dot_of("--example", "micrograd", "--show", "values,grads")


def test_gallery_picture_is_what_the_command_draws():
    assert "xor-values.dot" in gallery.targets()
    assert gallery.targets()["xor-values.dot"] == dot_of("--show", "values,grads",
                                                         "--rankdir", "TB")


# --- the API --------------------------------------------------------------------------------

def xor_graph():
    program = parser.parse(examples.text("xor"), "xor")
    return program, graph.build(program, notations=graph.FOR_RENDER)


def test_parts_may_be_missing():
    program, g = xor_graph()
    numbers = draw.numbers_for(program, values.leaf_values(program, {}, 0))
    full = draw.to_dot(g, numbers=numbers)
    assert draw.to_dot(g, numbers={}) == draw.to_dot(g) == draw.to_dot(g, numbers=None)
    local_only = draw.to_dot(g, numbers={"local": numbers["local"]})
    assert 'POINT-SIZE="9">[0.197, 0.117]' in local_only and "∂<i>L</i>/∂" not in local_only
    grads_only = draw.to_dot(g, numbers={"grads": {"W_o": numbers["grads"]["W_o"]}})
    assert grads_only.count("∂<i>L</i>/∂<i>W</i>") == 1
    assert_well_formed(full)
    assert full == draw.to_dot(g, numbers=numbers)


def test_edge_labels_off_hides_edge_values():
    program, g = xor_graph()
    numbers = draw.numbers_for(program, values.leaf_values(program, {}, 0))
    source = draw.to_dot(g, edge_labels=False, numbers=numbers)
    assert not [ln for ln in edge_lines(source) if "label" in ln]
    assert "and its value" not in source


def test_numbers_pass_through_the_escaping_helper(monkeypatch):
    program, g = xor_graph()
    numbers = draw.numbers_for(program, values.leaf_values(program, {}, 0))
    numbers["note"] = EVIL
    source = draw.to_dot(g, numbers=numbers)
    assert_well_formed(source)
    assert "<script" not in source and "pwn" not in structure(source) and "\x07" not in source
    # every line of numbers goes through labels.text: make it mark what it escapes
    seen = []
    real = labels.text

    def spy(value):
        seen.append(str(value))
        return real(value)

    monkeypatch.setattr(labels, "text", spy)
    draw.to_dot(g, numbers={"values": {"L": np.array(0.25)},
                              "grads": {"W_o": np.array([1e-5, -2.0])}})
    assert "0.25" in seen and "[1e−05, −2]" in seen


def test_hostile_graph_with_numbers_stays_well_formed():
    g = hostile_graph()
    nodes = list(g.nodes)
    numbers = {"values": {n: np.arange(3.0) for n in nodes},
               "grads": {n: np.full((3, 3), -0.0) for n in nodes},
               "local": {(t, h, d["arg"]): np.array(2.5) for t, h, d in g.edges(data=True)},
               "note": EVIL}
    source = draw.to_dot(g, numbers=numbers)
    assert_well_formed(source)
    assert len(node_lines(source)) == 4 and len(edge_lines(source)) == 3
    assert "pwn" not in structure(source) and "<script" not in source
    assert "−0" not in source                                   # -0.0 prints as 0
    assert "3×3 array, mean 0<BR/>range [0, 0]" in source       # big tensors summarised


def test_number_lines():
    assert draw.number_lines(np.array(0.7310585786)) == ["0.731"]
    assert draw.number_lines(np.array(-0.0)) == ["0"]
    assert draw.number_lines(np.array([0.12, -0.5])) == ["[0.12, −0.5]"]
    assert draw.number_lines(np.array([[1.0, 2.0], [3.0, 4.0]])) == ["[1, 2]", "[3, 4]"]
    assert draw.number_lines(np.array([[1.0, 2.0, 3.0]])) == ["[[1, 2, 3]]"]
    assert draw.number_lines(np.arange(12.0).reshape(3, 4)) == \
        ["3×4 array, mean 5.5", "range [0, 11]"]


def test_parse_show():
    assert draw.parse_show("values,grads") == {"values", "grads"}
    assert draw.parse_show(" Shapes ,") == {"shapes"}
    assert draw.parse_show("none") == draw.parse_show("") == frozenset()
    with pytest.raises(ValueError, match="choose from values, grads, shapes"):
        draw.parse_show("values,gradients")
    with pytest.raises(ValueError, match="did you mean 'grads'"):
        draw.parse_show("grad")


@pytest.mark.parametrize("module", ["draw", "labels", "themes", "nodes", "numbers_shown",
                                    "legend", "layout"])
def test_doctests(module):
    module = importlib.import_module(f"graphdraw.formats.graphviz.{module}")
    assert doctest.testmod(module).failed == 0


# --- stacked scripts ------------------------------------------------------------------------

def test_script_pair_is_stacked_and_the_rest_stays_text():
    line = labels.line("<i>W</i><sub>o</sub><sup>T</sup> <i>z</i>", 12)
    assert "<sub>" not in line and "<sup>" not in line
    cells = re.findall(r"<TD>(<FONT[^>]*>.*?</FONT>)</TD>", line)
    assert cells == ['<FONT POINT-SIZE="12"><i>W</i></FONT>',
                     '<FONT POINT-SIZE="12"> <i>z</i></FONT>']
    assert ('<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">T</FONT></TD></TR>'
            '<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">o</FONT></TD></TR>') in line
    # no pair: exactly the old text
    assert labels.line("<i>x</i><sup>T</sup>", 11) == labels.font("<i>x</i><sup>T</sup>", 11)


def test_stacked_line_reopens_open_tags_and_merges_superscripts():
    line = labels.line("<b><i>W</i><sub>i</sub><sup>T</sup><sup>T</sup> x</b>", 10)
    assert '<FONT POINT-SIZE="8"><b>TT</b></FONT>' in line          # Wᵢᵀᵀ: one stack
    assert '<FONT POINT-SIZE="8"><b>i</b></FONT>' in line
    assert "<b><i>W</i></b>" in line and "<b> x</b>" in line
    for cell in re.findall(r'<FONT POINT-SIZE="[\d.]+">(.*?)</FONT>', line):
        assert labels.balanced(cell), cell


def test_stacked_line_fills_wide_cells_with_empty_cells():
    line = labels.line("<i>W</i><sub>o</sub><sup>T</sup>", 12)
    # twice wrapped with two empty cells each side: a wider cell's extra width goes there
    assert line.count("<TD></TD><TD></TD><TD>") == 2
    right = labels.line("<i>W</i><sub>o</sub><sup>T</sup>", 12, align="right")
    assert right.count("<TD></TD><TD></TD><TD>") == 2
    assert not right.endswith("<TD></TD><TD></TD></TR></TABLE>")


# --- with the dot binary --------------------------------------------------------------------

def plain_positions(source: str) -> dict[str, tuple[float, float]]:
    done = subprocess.run(["dot", "-Tplain"], input=source.encode(), capture_output=True,
                          check=True, timeout=60)
    assert done.stderr == b"", done.stderr.decode()
    return {ln.split(" ")[1].strip('"'): (float(ln.split(" ")[2]), float(ln.split(" ")[3]))
            for ln in done.stdout.decode().splitlines() if ln.startswith("node ")}


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("name", examples.names())
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_numbers_lay_out_without_warnings(name, rankdir):
    program = parser.parse(examples.text(name), name)
    g = graph.build(program, notations=graph.FOR_RENDER)
    numbers = draw.numbers_for(program, values.leaf_values(program, {}, 0))
    positions = plain_positions(draw.to_dot(g, rankdir=rankdir, numbers=numbers))
    assert {draw.dot_id(n) for n in g.nodes} <= set(positions)


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_legend_reads_in_order_beside_or_below_the_output(rankdir):
    positions = plain_positions(draw.to_dot(xor_graph()[1], rankdir=rankdir))
    order = ["input", "target", "param", "intermediate", "output"]
    samples = [positions[f"n%legend-{k}"] for k in order]
    out = positions["L"]
    if rankdir == "LR":          # a column right of L, top to bottom (y grows upwards)
        assert all(x > out[0] for x, _ in samples)
        assert [y for _, y in samples] == sorted((y for _, y in samples), reverse=True)
    else:                        # a row below L, left to right
        assert all(y < out[1] for _, y in samples)
        assert [x for x, _ in samples] == sorted(x for x, _ in samples)


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("name", ["xor", "micrograd", "logistic"])
def test_constants_sit_next_to_their_consumer(name):
    g = graph.build(parser.parse(examples.text(name), name), notations=graph.FOR_RENDER)
    lr = plain_positions(draw.to_dot(g, rankdir="LR"))
    tb = plain_positions(draw.to_dot(g, rankdir="TB"))
    for tail, head in g.edges():
        if g.nodes[tail]["kind"] != "constant":
            continue
        t, h = draw.dot_id(tail), draw.dot_id(head)
        assert lr[t][0] == pytest.approx(lr[h][0])             # LR: same rank, just below
        assert lr[t][1] < lr[h][1] and lr[h][1] - lr[t][1] < 1.0
        assert tb[t][1] > tb[h][1] and tb[t][1] - tb[h][1] < 1.5   # TB: the rank above


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_svg_shows_the_numbers(tmp_path):
    out = tmp_path / "xor.svg"
    result = run("render", "--show", "values,grads", "-o", str(out))
    assert result.exit_code == 0, result.output
    texts = ["".join(t.itertext()) for t in ET.parse(out).getroot().iter(f"{SVG}text")]
    _, vals, grads = xor_numbers()
    assert shown(float(vals["L"])) in texts
    assert "[" + ", ".join(shown(float(g)) for g in grads["W_o"]) + "]" in texts
    assert "[0.197, 0.117]" in texts
