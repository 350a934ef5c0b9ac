"""Rendering: DOT source structure, escaping, determinism, legend; the dot binary (marked)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from graphdraw import errors
from graphdraw.language import examples
from graphdraw.core import graph
from graphdraw.language import parser
from graphdraw.formats.graphviz import draw
from graphdraw.formats.graphviz import labels
from graphdraw.formats.graphviz import layout as layout_mod

HAS_DOT = shutil.which("dot") is not None

EVIL = ('evil" ]; pwn [label="x"]; \\ <b>&amp; > & ] { | : \n second \\N \\G \\l '
        "<script>alert(1)</script> ' \x07 end")


def build(name: str, title: str | None = None) -> nx.MultiDiGraph:
    return graph.build(parser.parse(examples.text(name), name), title=name if title is None
                       else title)


def model(text: str, title: str = "t") -> nx.MultiDiGraph:
    return graph.build(parser.parse(text, "test"), title=title)


def structure(source: str) -> str:
    """The DOT source with every quoted string replaced by S and every HTML string by H."""
    out, i = [], 0
    while i < len(source):
        ch = source[i]
        if ch == '"':
            j = i + 1
            while source[j] != '"':
                j += 2 if source[j] == "\\" else 1
            out.append("S")
            i = j + 1
        elif ch == "<":
            depth, j = 0, i
            while True:
                depth += {"<": 1, ">": -1}.get(source[j], 0)
                j += 1
                if depth == 0:
                    break
            out.append("H")
            i = j
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def html_strings(source: str) -> list[str]:
    """The HTML-like label strings of a DOT source, outer brackets removed."""
    found, i = [], 0
    while (i := source.find("=<", i)) != -1:
        depth, j = 0, i + 1
        while True:
            depth += {"<": 1, ">": -1}.get(source[j], 0)
            j += 1
            if depth == 0:
                break
        found.append(source[i + 2:j - 1])
        i = j
    return found


STATEMENT = re.compile(r"\t*(?:(graph|node|edge|\w[\w']*|S)(?: -> (\w[\w']*|S))? "
                       r"\[(\w+=(?:S|H|[\w.#-]+) ?)+\]|\w[\w']*|S|rank=max|"
                       r"(\w+=(?:S|H|[\w.#-]+) ?)+|"
                       r"subgraph cluster_(?:legend|title|plate[0-9]+) \{|\{|\})$")
ALLOWED_TAGS = {"table", "tr", "td", "font", "br", "b", "i", "sub", "sup"}


def assert_well_formed(source: str) -> None:
    """Every line is one statement of the kinds to_dot writes; labels use known tags only."""
    lines = structure(source).splitlines()
    assert lines[0] == "digraph graphdraw {" and lines[-1] == "}"
    for line in lines[1:-1]:
        assert STATEMENT.fullmatch(line), f"unexpected DOT statement: {line!r}"
    for label in html_strings(source):
        for tag in re.findall(r"</?([A-Za-z]+)", label):
            assert tag.lower() in ALLOWED_TAGS, (tag, label)


def node_lines(source: str) -> list[str]:
    """The drawn nodes' statements, at any depth (plates nest them), not the legend's."""
    return [ln for ln in source.splitlines()
            if re.match(r'\t+(?!graph |node |edge |"n%legend)("[^"]*"|\S+) \[', ln)
            and " -> " not in ln]


def edge_lines(source: str) -> list[str]:
    """The drawn edges (not the legend's invisible anchor)."""
    return [ln for ln in source.splitlines() if " -> " in ln and "style=invis" not in ln]


# --- structure ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", examples.names())
def test_every_node_and_edge_appears_once(name):
    g = build(name)
    source = draw.to_dot(g)
    assert_well_formed(source)
    assert len(node_lines(source)) == g.number_of_nodes()
    assert len(edge_lines(source)) == g.number_of_edges()
    assert source.count(" -> ") == g.number_of_edges() + 1     # + the legend's anchor
    for node in g.nodes:
        assert sum(ln.lstrip("\t").startswith((f"{draw.dot_id(node)} [",
                                                 f'"{draw.dot_id(node)}" ['))
                   for ln in node_lines(source)) == 1


def test_generated_ids_never_start_with_percent():
    # Graphviz renames every node whose name starts with '%' (it reads them as anonymous).
    source = draw.to_dot(build("micrograd"))
    assert not re.search(r'(^\t|-> )"%', source, re.M)
    assert '"n%1"' in source and '"n%legend"' in source


def test_dot_id_keeps_user_names_and_cannot_collide():
    g = build("micrograd")
    ids = [draw.dot_id(n, i) for i, n in enumerate(g.nodes)]
    assert len(set(ids)) == len(ids)
    assert "c''" in ids and "a" in ids
    assert draw.dot_id("%legend") != "n%legend"


def test_to_dot_is_deterministic_across_processes():
    code = ("import sys; from graphdraw.language import examples, parser; from graphdraw.core import graph; from graphdraw.formats.graphviz import draw; "
            "g = graph.build(parser.parse(examples.text('micrograd'), 'm')); "
            "sys.stdout.buffer.write(draw.to_dot(g).encode())")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")}
    assert len(outs) == 1
    assert outs.pop().decode() == draw.to_dot(build("micrograd", title="")) == \
        draw.to_dot(build("micrograd", title=""))


def test_golden_xor(golden):
    # tests/conftest.py's golden(): GRAPHDRAW_UPDATE_GOLDEN=1 rewrites tests/golden/xor.dot
    golden("xor.dot", draw.to_dot(build("xor")))


def test_named_node_shows_name_forward_and_shape():
    source = draw.to_dot(build("xor"))
    line = next(ln for ln in node_lines(source) if ln.startswith("\ta ["))
    assert '<FONT POINT-SIZE="20"><i>a</i></FONT>' in line
    # W_iᵀ is stacked (T above i) between the cells "a = W" and " x + b_a"
    assert '<FONT POINT-SIZE="12"><i>a</i> = <i>W</i></FONT>' in line
    assert ('<FONT POINT-SIZE="12"> <i>x</i> + <i>b</i><sub><FONT POINT-SIZE="10">a</FONT>'
            '</sub></FONT>') in line
    assert "2</FONT>" in line
    w = next(ln for ln in node_lines(source) if ln.startswith("\tW_i ["))
    assert "2×2" in w and "fillcolor=" in w


def test_scripts_are_set_smaller():
    source = draw.to_dot(build("xor"))
    assert '<sub><FONT POINT-SIZE="16">i</FONT></sub>' in source   # W_i as a name (20 pt)
    assert '<sup><FONT POINT-SIZE="10">T</FONT></sup>' in source   # xᵀ on an edge (12 pt)
    # W_iᵀ in a 12 pt expression: T stacked above i, both at 70%, no <sub>/<sup> shift
    assert ('<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">T</FONT></TD></TR>'
            '<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">i</FONT></TD></TR>') in source
    assert "<sub><FONT POINT-SIZE=\"10\">i</FONT></sub><sup>" not in source


def test_unnamed_and_constant_nodes():
    source = draw.to_dot(build("xor"))
    lines = {ln.split(" ")[0].strip('\t"'): ln for ln in node_lines(source)}
    assert "TABLE" not in lines["n%7"] and "shape=box" in lines["n%7"]      # ŷ − y
    assert "<i>W</i>" in lines["n%2"] and "<i>x</i>" in lines["n%2"]
    # plain: no minimum size or margin, so its dashed arrow starts at the number
    assert "shape=plain]" in lines["n%6"] and "½" in lines["n%6"]


def test_unnamed_value_referred_to_by_id_shows_its_id():
    terms = " + ".join(f"w_{i} * x * x * x * x" for i in range(1, 5))
    g = model(f"input x\nparam w_1, w_2, w_3, w_4\ny = tanh({terms})")
    referred = {n for n, d in g.nodes(data=True) if d["label"] is None
                for other in [d2.get("forward_pretty", "") for _, d2 in g.nodes(data=True)]
                if re.search(re.escape(n) + r"(?!\d)", other) and n.startswith("%")}
    assert referred, "the printer no longer writes long operands by id; drop this test"
    source = draw.to_dot(g)
    for node in referred:
        line = next(ln for ln in node_lines(source) if ln.startswith(f'\t"n{node}" ['))
        assert f'COLOR="#6b6b6b">{node}</FONT>' in line
    plain = next(ln for ln in node_lines(source) if ln.startswith('\t"n%1" ['))
    assert "TABLE" not in plain


def test_named_constant_shows_name_and_value():
    source = draw.to_dot(model("const eps = 0.001\ninput x\ny = x + eps"))
    line = next(ln for ln in node_lines(source) if ln.startswith("\teps ["))
    assert "<i>eps</i>" in line and "= 0.001" in line and "shape=plain" in line


def test_styles_differ_by_kind():
    source = draw.to_dot(build("xor"))
    lines = {ln.split(" ")[0].strip('\t"'): ln for ln in node_lines(source)}
    style = {name: re.search(r'fillcolor="?([#\w]+)', lines[name]).group(1)
             for name in ("x", "y", "W_i", "a", "L")}
    assert len(set(style.values())) == 5
    assert "penwidth=2.2" in lines["L"] and "penwidth" not in lines["a"]


def test_shapes_toggle_and_all_scalar_models():
    g = build("xor")
    assert "2×2" in draw.to_dot(g) and "scalar" in draw.to_dot(g)
    off = draw.to_dot(g, shapes=False)
    assert "2×2" not in off and "scalar" not in off
    assert "scalar" not in draw.to_dot(build("micrograd"))


# --- edges ----------------------------------------------------------------------------------

def test_edges_carry_local_derivatives():
    g = build("xor")
    source = draw.to_dot(g)
    edge = next(ln for ln in source.splitlines() if ln.startswith("\ta -> z "))
    grad = g.edges["a", "z", 0]["local_grad_html"]
    assert "<i>z</i>" in grad and "(1 − <i>z</i>)" in grad
    assert f'<TD><FONT POINT-SIZE="12">{grad}</FONT></TD>' in edge and "label=<<TABLE" in edge


def test_edges_from_constants_are_dashed_without_label():
    g = build("xor")
    for rankdir in ("LR", "TB"):
        source = draw.to_dot(g, rankdir=rankdir)
        const_edges = [ln for ln in source.splitlines() if " -> " in ln and
                       ('"n%6"' in ln or '"n%8"' in ln)]
        assert len(const_edges) == 2
        for line in const_edges:
            assert "style=dashed" in line and "label" not in line
        # the exponent's local derivative exists in the graph but is not drawn
        assert "log(" not in source
    lr = draw.to_dot(g, rankdir="LR")
    # LR: written consumer -> constant, drawn backwards, so that the constant sits in its
    # consumer's rank just below it
    assert '\t"n%9" -> "n%8" [arrowsize=0.6 color="#9a9a9a" dir=back minlen=0' in lr
    assert '\tL -> "n%6" [arrowsize=0.6 color="#9a9a9a" dir=back minlen=0' in lr
    tb = draw.to_dot(g, rankdir="TB")
    assert '\t"n%8" -> "n%9" [arrowsize=0.6 color="#9a9a9a" style=dashed]' in tb


def test_edge_labels_off():
    source = draw.to_dot(build("xor"), edge_labels=False)
    assert not [ln for ln in edge_lines(source) if "label" in ln]
    assert "local derivative" not in source


def test_operands_keep_their_order():
    source = draw.to_dot(build("xor"))
    edges = [ln.split(" [")[0].strip() for ln in edge_lines(source)]
    assert edges.index('"n%1" -> "n%2"') < edges.index('x -> "n%2"')


def test_repeated_operand_gets_two_edges():
    source = draw.to_dot(model("input x\ny = x * x"))
    assert source.count("\tx -> y [") == 2


# --- legend ---------------------------------------------------------------------------------

def legend(source: str) -> str:
    """The legend's block: the cluster with its sample nodes and its table."""
    start = source.index("\tsubgraph cluster_legend {")
    return source[start:source.index("\n\t}\n", start)]


def test_legend_lists_only_kinds_present():
    full = legend(draw.to_dot(build("xor")))
    for words in ("input (data)", "target", "parameter", "constant", "intermediate", "output",
                  "local derivative", "no gradient flows"):
        assert words in full
    scalar = legend(draw.to_dot(build("micrograd")))
    assert "input (data)" not in scalar and "target" not in scalar
    assert "parameter" in scalar and "constant" in scalar
    bare = legend(draw.to_dot(model("input x\ny = tanh(x)")))
    assert "constant" not in bare and "no gradient flows" not in bare
    assert "parameter" not in bare and "input (data)" in bare


def test_legend_samples_are_drawn_like_the_nodes():
    # An input, a target and a parameter are ellipses in the picture, so their legend
    # entries are small nodes of the same style (a table cell cannot be an ellipse).
    block = legend(draw.to_dot(build("xor")))
    for kind in ("input", "target", "param", "intermediate", "output"):
        line = next(ln for ln in block.splitlines() if f'"n%legend-{kind}" [' in ln)
        attrs, _ = draw.STYLES[kind]
        for key, value in attrs.items():
            assert f"{key}={value}" in line or f'{key}="{value}"' in line, (kind, key)
    assert "shape=ellipse" in next(ln for ln in block.splitlines() if "legend-input" in ln)
    assert "shape=box" in next(ln for ln in block.splitlines() if "legend-output" in ln)


def test_legend_takes_the_last_rank_anchored_at_the_output():
    source = draw.to_dot(build("xor"))
    lines = source.splitlines()
    at = lines.index("\t\trank=max")
    members = []
    for line in lines[at + 1:]:
        if line == "\t}":
            break
        members.append(line.strip())
    assert members == ['"n%legend-input"', '"n%legend-target"', '"n%legend-param"',
                       '"n%legend-intermediate"', '"n%legend-output"', '"n%legend"']
    assert '\tL -> "n%legend-param" [style=invis]' in lines
    # TB lists the samples backwards: dot lays a rank's unconnected nodes out right to left
    tb = draw.to_dot(build("xor"), rankdir="TB").splitlines()
    at = tb.index("\t\trank=max")
    assert tb[at + 1].strip() == '"n%legend"' and tb[at + 6].strip() == '"n%legend-input"'


# --- options --------------------------------------------------------------------------------

@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_rankdir(rankdir):
    assert f"rankdir={rankdir}" in draw.to_dot(build("xor"), rankdir=rankdir)


def test_bad_rankdir():
    with pytest.raises(ValueError):
        draw.to_dot(build("xor"), rankdir="XY")


def test_title_default_override_and_none():
    g = build("xor", title="Exercise 6.2")
    assert ">Exercise 6.2</FONT>" in draw.to_dot(g)
    assert ">Other</FONT>" in draw.to_dot(g, title="Other")
    no_title = draw.to_dot(g, title="")
    assert "labelloc" not in no_title.splitlines()[1] and "Exercise" not in no_title
    assert len([ln for ln in no_title.splitlines() if ln.startswith("\tgraph [")]) == 1


def test_graph_attributes():
    source = draw.to_dot(build("xor"))
    first = source.splitlines()[1]
    assert 'charset="UTF-8"' in first and 'fontname="Liberation Serif,' in first


def test_no_record_shapes_and_no_plain_string_labels():
    for name in examples.names():
        source = draw.to_dot(build(name))
        assert "record" not in source
        assert 'label="' not in source


# --- escaping -------------------------------------------------------------------------------

def test_title_is_escaped_in_one_label():
    source = draw.to_dot(build("xor"), title=EVIL)
    assert_well_formed(source)
    assert len(node_lines(source)) == build("xor").number_of_nodes()
    assert "pwn [" not in structure(source)
    title = next(s for s in html_strings(source) if "evil" in s)
    assert "&lt;script&gt;" in title and "<script" not in source
    assert "&amp;amp;" in title and "&quot;" in title and "<BR/>" in title
    assert "\\\\N \\\\G \\\\l" in title          # dot would expand a single backslash
    assert "\x07" not in source


def hostile_graph() -> nx.MultiDiGraph:
    """A graph whose every text field tries to break out of its label."""
    g = nx.MultiDiGraph(output="out", title=EVIL, source=EVIL)
    bad_html = '<b>x</b>> ]; pwn [label="y"]; <'
    g.add_node('in"]; pwn [x', kind="input", op=None, name="in", version=0,
               shape=['2"]', "<x>", 3], line=1, label=EVIL, label_html=bad_html,
               forward=EVIL, forward_pretty=EVIL, forward_html=bad_html)
    g.add_node("k\\", kind="constant", op=None, name=None, version=0, shape=[], line=1,
               label=None, label_html=None, forward=EVIL, forward_pretty=EVIL,
               forward_html="<i>unclosed", value=EVIL)
    g.add_node("%legend", kind="nonsense", op="add", name="mid", version=0, shape=None,
               line=1, label="m", label_html="<sub>m</sup>", forward=EVIL,
               forward_pretty=EVIL, forward_html="<script>alert(1)</script>")
    g.add_node("out", kind="output", op="add", name="out", version=0, shape=[], line=1,
               label="out", label_html="<i>out</i>", forward=EVIL, forward_pretty=EVIL,
               forward_html="&bogus <i>out</i>")
    g.add_edge('in"]; pwn [x', "%legend", key=0, arg=0, local_grad=EVIL,
               local_grad_pretty=EVIL, local_grad_html=bad_html)
    g.add_edge("k\\", "%legend", key=1, arg=1, local_grad=EVIL, local_grad_pretty=EVIL,
               local_grad_html=EVIL)
    g.add_edge("%legend", "out", key=0, arg=0, local_grad=EVIL, local_grad_pretty=EVIL,
               local_grad_html="\\N<sup>2</sup>")
    return g


def test_hostile_graph_cannot_add_nodes_or_attributes():
    g = hostile_graph()
    source = draw.to_dot(g)
    assert_well_formed(source)
    assert len(node_lines(source)) == 4
    assert len(edge_lines(source)) == 3
    assert "pwn" not in structure(source) and "<script" not in source
    assert len({draw.dot_id(n, i) for i, n in enumerate(g.nodes)}) == 4
    assert "\\\\N<sup>" in source                 # a trusted fragment's backslash is literal


def test_bad_fragment_falls_back_to_escaped_text():
    assert labels.fragment("<i>a</i>", "a") == "<i>a</i>"
    assert labels.fragment("<i>a", "a<") == "a&lt;"
    assert labels.fragment("<sub>a</sup>", "a") == "a"
    assert labels.fragment("a & b", "a & b") == "a &amp; b"
    assert labels.fragment("&amp; &#8722; &#x2212;", "x") == "&amp; &#8722; &#x2212;"
    assert labels.fragment("<img src=x>", "x") == "x"


# --- imports --------------------------------------------------------------------------------

def test_render_imports_nothing_heavy():
    code = ("import sys, graphdraw.formats.graphviz.draw, graphdraw.formats.output; "
            "print(sorted(m for m in ('torch', 'sympy', 'matplotlib', 'numpy.testing') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


# --- layout without dot ---------------------------------------------------------------------

def test_missing_dot_is_tool_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(errors.ToolMissing) as info:
        draw.layout(draw.to_dot(build("xor")), "svg")
    assert info.value.message == "Graphviz's dot program is not installed"
    assert "apt-get install graphviz" in info.value.hint
    assert "--format dot" in info.value.hint and "json" in info.value.hint
    assert info.value.exit_code == errors.EXIT_TOOL


def test_vanished_dot_is_tool_missing(monkeypatch):
    monkeypatch.setattr(layout_mod.shutil, "which", lambda name: "/nonexistent/dot")
    with pytest.raises(errors.ToolMissing):
        draw.layout("digraph {}", "svg")


def test_timeout_is_limit_error(monkeypatch):
    monkeypatch.setattr(layout_mod.shutil, "which", lambda name: "/usr/bin/dot")

    def slow(cmd, **kwargs):
        assert kwargs["timeout"] == 2.5 and "shell" not in kwargs
        raise subprocess.TimeoutExpired(cmd, kwargs["timeout"])

    monkeypatch.setattr(layout_mod.subprocess, "run", slow)
    with pytest.raises(errors.LimitError) as info:
        draw.layout(draw.to_dot(build("xor")), "png", timeout=2.5)
    text = str(info.value)
    assert "laying out 19 nodes within 2.5 s" in text
    assert "--layout-timeout" in text and "--format dot" in text and "smaller" in text
    assert info.value.exit_code == errors.EXIT_LIMIT


def test_layout_command_line(monkeypatch):
    seen = {}

    def fake(cmd, **kwargs):
        seen.update(cmd=cmd, **kwargs)
        return subprocess.CompletedProcess(cmd, 0, b"PNG", b"")

    monkeypatch.setattr(layout_mod.shutil, "which", lambda name: f"/bin/{name}")
    monkeypatch.setattr(layout_mod.subprocess, "run", fake)
    assert draw.layout("digraph { a }", "png", timeout=7) == b"PNG"
    assert seen["cmd"] == ["/bin/dot", "-Tpng"] and seen["input"] == b"digraph { a }"
    assert seen["timeout"] == 7 and not seen.get("shell")


@pytest.mark.parametrize("fmt, engine", [("svg; rm -rf /", "dot"), ("-o/tmp/x", "dot"),
                                         ("svg", "sh"), ("svg", "/bin/dot")])
def test_layout_rejects_bad_format_or_engine(fmt, engine):
    with pytest.raises(ValueError):
        draw.layout("digraph {}", fmt, engine=engine)


def test_count_nodes():
    g = build("micrograd")
    assert draw.count_nodes(draw.to_dot(g)) == g.number_of_nodes()


# --- with the dot binary --------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def svg_text(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def assert_no_active_content(data: bytes) -> None:
    root = ET.fromstring(data)
    for element in root.iter():
        assert not element.tag.lower().endswith("script")
        for key, value in element.attrib.items():
            assert not key.lower().split("}")[-1].startswith("on"), key
            assert "javascript:" not in value.lower()
    assert b"<script" not in data.lower()


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-"),
                                        ("svg", b"<?xml")])
def test_layout_formats(fmt, magic):
    data = draw.layout(draw.to_dot(build("xor")), fmt)
    assert data.startswith(magic)


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_svg_has_names_scripts_and_no_active_content():
    data = draw.layout(draw.to_dot(build("xor")), "svg")
    texts = svg_text(data)
    for piece in ("ŷ", "W", "i", "o", "T", "L", "½", "2×2", "Legend"):
        assert piece in texts, piece                     # a whole text element
    for piece in ("σ(", "(1 − ", "local derivative"):
        assert any(piece in t for t in texts), piece
    assert b'font-family="Liberation Serif,Times New Roman,serif"' in data
    assert_no_active_content(data)


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_svg_of_hostile_title_is_literal():
    title = "a <script>alert(1)</script> \\N \\G & \" ] { | : end\nline two"
    data = draw.layout(draw.to_dot(build("xor"), title=title), "svg")
    texts = svg_text(data)
    assert 'a <script>alert(1)</script> \\N \\G & " ] { | : end' in texts
    assert "line two" in texts
    assert_no_active_content(data)


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_svg_of_hostile_graph_is_safe():
    data = draw.layout(draw.to_dot(hostile_graph()), "svg")
    assert_no_active_content(data)
    root = ET.fromstring(data)
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    titles = ["".join(g.find(f"{SVG}title").itertext()) for g in nodes]
    assert len([t for t in titles if not t.startswith("n%legend")]) == 4
    assert len(nodes) == 4 + 4           # + the legend: 3 samples (output, intermediate) + table


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("name", examples.names())
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_examples_lay_out_cleanly_with_names_kept(name, rankdir):
    g = build(name)
    source = draw.to_dot(g, rankdir=rankdir)
    done = subprocess.run(["dot", "-Tplain"], input=source.encode(), capture_output=True,
                          check=True, timeout=60)
    assert done.stderr == b"", done.stderr.decode()        # no warnings (cell sizes, fonts)
    names = {ln.split(" ")[1].strip('"') for ln in done.stdout.decode().splitlines()
             if ln.startswith("node ")}
    legend_ids = {f"n%legend-{d['kind']}" for _, d in g.nodes(data=True)
                  if d["kind"] != "constant"} | {"n%legend"}
    assert names == {draw.dot_id(n) for n in g.nodes} | legend_ids


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_dot_failure_reports_its_first_line():
    with pytest.raises(errors.GraphdrawError) as info:
        draw.layout("digraph { a -> }", "svg")
    assert "Graphviz's dot failed:" in info.value.message
    assert "syntax error" in info.value.message and "\n" not in info.value.message


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_real_timeout_on_a_big_graph(monkeypatch):
    # past GRAPHDRAW_MAX_LAYOUT's estimate too: lifted, so that dot runs into the time limit
    monkeypatch.setenv("GRAPHDRAW_MAX_LAYOUT", "100000000")
    text = "input x0\n" + "\n".join(f"x{i + 1} = tanh(x{i}) + x{i // 2}" for i in range(1500))
    source = draw.to_dot(model(text))
    with pytest.raises(errors.LimitError) as info:
        draw.layout(source, "svg", timeout=0.2)
    assert "within 0.2 s" in info.value.message


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_layout_leaves_no_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    draw.layout(draw.to_dot(build("xor")), "svg")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.dot
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("fmt", ["svg", "html"])
def test_a_script_inside_a_script_gives_well_formed_output(tmp_path, fmt):
    """x^y_1 (y_1 in the exponent): Graphviz writes baseline-shift twice on one <text>."""
    from click.testing import CliRunner
    from graphdraw.cli import cli
    out = tmp_path / f"fig.{fmt}"
    result = CliRunner().invoke(cli, ["render", "-e", "L = x^y_1", "-f", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "svg":
        root = ET.fromstring(data)                       # a duplicate attribute would raise
        runs = [[float(t.get("font-size")) for t in group[i:i + 3]]
                for group in (list(g) for g in root.iter()) for i in range(len(group) - 2)
                if [t.text for t in group[i:i + 3]] == ["x", "y", "1"]]
        assert runs and all(a > b > c for a, b, c in runs)    # each level of script smaller
    assert b"baseline-shift" not in data
