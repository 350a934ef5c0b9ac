"""Labels that can be read: no text on other text, no line through an edge's text, no node
on a plate's border, in every picture of the gallery, measured from Graphviz's `-Tjson`.

The clashes are counted by tests/label_clashes.py from the boxes Graphviz gives each run of
text and the curves it gives each edge. Edge labels carry a margin (`EDGE_LABEL_MARGIN`), as
Graphviz otherwise sets them against their own line; with the margin taken away, the same
pictures clash again, which shows the count can fail.
"""

from __future__ import annotations

import shutil

import pytest

import label_clashes
from graphdraw import gallery
from graphdraw.formats.graphviz import draw

pytestmark = [pytest.mark.dot,
              pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")]

PICTURES = sorted(name for name in gallery.sources() if name.endswith(".dot"))
# Every picture of the gallery reads cleanly. rnn's shared weights once had a clash: dot ran
# U -> h_2 through the label of W -> h_1 (draw.skip_edges now lifts such a leaf a rank).
KNOWN: dict[str, list[str]] = {}


@pytest.fixture(scope="module")
def sources():
    return gallery.sources()


@pytest.mark.parametrize("name", PICTURES)
def test_no_label_of_the_gallery_clashes(sources, name):
    layout = label_clashes.laid_out(sources[name]())
    assert label_clashes.clashes(layout) == KNOWN.get(name, [])


def test_a_leaf_that_skips_a_step_is_lifted_clear_of_the_labels(monkeypatch):
    """rnn's W, U and b feed h_1 and h_2: without lifting them (draw.skip_edges), dot runs
    U -> h_2 through the label of W -> h_1; with it, no clash, and larger text on a page."""
    from graphdraw.api import Graph
    from graphdraw.formats.graphviz import measure
    graph = Graph.example("rnn")
    assert draw.skip_edges(draw.named_view(graph.nx, "named")) == {
        ("W", "h_2"), ("U", "h_2"), ("b", "h_2")}
    lifted = graph.dot(rankdir="TB")
    assert label_clashes.clashes(label_clashes.laid_out(lifted)) == []
    monkeypatch.setattr(draw, "skip_edges", lambda graph: frozenset())
    straight = graph.dot(rankdir="TB")
    assert "minlen=3" in lifted and "minlen" not in straight
    found = label_clashes.clashes(label_clashes.laid_out(straight))
    assert found and all("(edge W->h_1)" in clash for clash in found)
    assert measure.fit_dot(lifted).text > measure.fit_dot(straight).text


def test_without_the_margin_edge_values_touch_their_lines(sources, monkeypatch):
    """The count sees what the margin cures: xor-values without it has a few clashes."""
    monkeypatch.setattr(draw, "EDGE_LABEL_MARGIN", 0)
    found = label_clashes.clashes(label_clashes.laid_out(sources["xor-values.dot"]()))
    assert len(found) >= 3 and all(c.startswith("text on a line") for c in found)
    assert "text on a line: 'W' (edge x->a)" in found           # a derivative on its line


def test_an_edge_value_sits_apart_under_its_derivative(sources):
    """In `--show values` an edge label is two lines: the derivative, and its value smaller
    and at least VALUE_GAP points under it."""
    layout = label_clashes.laid_out(sources["xor-values.dot"]())
    pairs = 0
    for edge in layout["edges"]:
        boxes = label_clashes.runs(edge.get("_ldraw_", []), "")
        values = [box for box in boxes if box.text.startswith("=")]
        if not values:
            continue
        pairs += 1
        derivative = [box for box in boxes if box.top > values[0].top]
        assert derivative, boxes
        gap = min(box.bottom for box in derivative) - max(box.top for box in values)
        assert gap >= draw.VALUE_GAP, (boxes, gap)
    assert pairs >= 1


def test_a_constant_on_a_plate_border_is_found():
    """`on_borders` sees a node the plate's box runs through, and none in the gallery's plate."""
    dot = ('digraph { subgraph cluster_p { a; b } c [label="2" shape=plain pos="0,0"] '
           'a -> b; c -> b [constraint=false] }')
    layout = label_clashes.laid_out(dot)
    cluster = next(obj for obj in layout["objects"] if obj.get("name") == "cluster_p")
    left, bottom, right, top = (float(v) for v in cluster["bb"].split(","))
    node = next(obj for obj in layout["objects"] if obj.get("name") == "c")
    node["pos"] = f"{right},{(bottom + top) / 2}"                 # moved onto the border
    assert label_clashes.on_borders(layout) == ["node on a border: 'c' on cluster_p's"]


def _skips_by_definition(graph) -> frozenset:
    """skip_edges as its docstring defines it, pair by pair (quadratic in a leaf's uses)."""
    found = []
    for tail, data in graph.nodes(data=True):
        heads = set(graph.successors(tail))
        skipping = [h for h in heads if any(h in graph.succ[o] for o in heads - {h})]
        if data.get("op") is None and len(skipping) == 1:
            found.append((tail, skipping[0]))
    return frozenset(found)


@pytest.mark.parametrize("text", [
    "h_1 = tanh(W x + b)\nh_2 = tanh(W h_1 + b)\nL = sum(h_2)",
    "a = w x\nb = a + w\nc = b w\nL = c + a",
    "\n".join(["h0 = x"] + [f"h{i} = tanh(w h{i - 1} + b)" for i in range(1, 300)])])
def test_skip_edges_asks_each_head_of_its_operands_as_the_definition_says(text):
    """A weight shared by many steps is found from each step's few operands: the same edges
    as the definition, without comparing every pair of its uses (2,000 steps: 4 million)."""
    from graphdraw.core import graph as graph_mod
    from graphdraw.language import parser
    built = graph_mod.build(parser.parse(text), notations=("pretty",))
    for graph in (built, draw.named_view(built, "named")):
        assert draw.skip_edges(graph) == _skips_by_definition(graph)
    from graphdraw.api import Graph
    for name in ("rnn", "micrograd", "attention", "weight-decay"):
        graph = draw.named_view(Graph.example(name).nx, "named")
        assert draw.skip_edges(graph) == _skips_by_definition(graph)
