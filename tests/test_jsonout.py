"""jsonout writes exactly the text of json.dumps for each object, whatever the attributes hold."""

import json
from json.encoder import encode_basestring

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from graphdraw.core import graph
from graphdraw.formats import jsonout
from graphdraw.language import examples, parser

TEXTS = st.one_of(
    st.text(max_size=8),
    st.text(alphabet='"\\\x00\x08\t\n\x1f\x7f ab%{}·−²\u2028\U0001f600', max_size=6),
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=2),
    st.sampled_from(['}, {"', '", "', ",\n  ", "null", "1", ""]))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-2**70, 2**70),
                    st.floats(), st.sampled_from([-0.0, 0.0, 1e300, 1e-7, float("inf"),
                                                  float("-inf"), float("nan")]), TEXTS)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=3) | st.integers(), inner, max_size=2),
                      max_leaves=5)
# How a field's values are drawn: the same for every object, or each of some kind
COLUMNS = {"same": None, "plain": st.text("abc·−", max_size=4), "text": TEXTS,
           "int": st.integers(0, 3), "str or None": st.none() | st.text("ab\"", max_size=2),
           "equal": st.sampled_from([1, True, 1.0, 0, False, 0.0, -0.0]), "any": VALUES}


def reference(g: nx.MultiDiGraph) -> str:
    """The documented layout, each object written by json.dumps."""
    def line(head: dict, attrs: dict, keys: tuple) -> str:
        return json.dumps({**head, **{k: attrs[k] for k in keys if k in attrs}},
                          ensure_ascii=False)

    def listed(lines: list[str]) -> str:
        return "[\n  " + ",\n  ".join(lines) + "\n ]" if lines else "[]"

    nodes = [line({"id": n}, d, jsonout.NODE_KEYS) for n, d in g.nodes(data=True)]
    edges = [line({"source": s, "target": t}, d, jsonout.EDGE_KEYS)
             for s, t, d in g.edges(data=True)]
    head = json.dumps({"output": g.graph["output"], "title": g.graph.get("title", "")},
                      ensure_ascii=False)
    return head[:-1] + ',\n "nodes": ' + listed(nodes) + ',\n "edges": ' + listed(edges) + "\n}\n"


@st.composite
def attribute_dicts(draw, count: int, keys: tuple[str, ...]) -> list[dict]:
    """`count` dicts, most with one set of keys (in varying orders), fields drawn a column
    at a time so that whole columns are plain text, the same value, ints, or anything."""
    layout = draw(st.lists(st.sampled_from(keys + ("label_html", "extra")), unique=True))
    columns = {}
    for key in layout:
        kind = draw(st.sampled_from(sorted(COLUMNS)))
        same = draw(VALUES)
        columns[key] = (lambda: same) if kind == "same" else (lambda s=COLUMNS[kind]: draw(s))
    dicts = []
    for _ in range(count):
        own = layout if draw(st.integers(0, 4)) else draw(st.permutations(layout))
        attrs = {key: columns[key]() for key in own}
        if not draw(st.integers(0, 5)):     # now and then another set of keys
            attrs.update(draw(st.dictionaries(st.sampled_from(keys), VALUES, max_size=2)))
            attrs.pop(draw(st.sampled_from(("kind", *layout))), None)
        dicts.append(attrs)
    return dicts


@st.composite
def graphs(draw) -> nx.MultiDiGraph:
    """Graphs with str ids (plain or needing escapes) or other ids, multi-edges and loops."""
    ids = draw(st.lists(st.text("xyz%'", min_size=1, max_size=3), min_size=1, max_size=8,
                        unique=True)
               | st.lists(TEXTS, min_size=1, max_size=6, unique=True)
               | st.lists(TEXTS | st.integers() | st.tuples(st.integers()), min_size=1,
                          max_size=6, unique=True))
    g = nx.MultiDiGraph(output=draw(st.sampled_from(ids)), title=draw(TEXTS))
    for node, attrs in zip(ids, draw(attribute_dicts(len(ids), jsonout.NODE_KEYS))):
        g.add_node(node, **attrs)
    pairs = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=10))
    for (source, target), attrs in zip(pairs, draw(attribute_dicts(len(pairs),
                                                                   jsonout.EDGE_KEYS))):
        g.add_edge(source, target, **attrs)
    return g


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_json_is_json_dumps_of_each_object(g):
    assert jsonout.to_json(g) == reference(g)


@settings(max_examples=400, deadline=None)
@given(TEXTS | st.text())
def test_plain_text_is_text_the_encoder_leaves_as_it_is(text):
    assert jsonout._plain(text) == (encode_basestring(text) == f'"{text}"')


@pytest.mark.parametrize("name", examples.names())
def test_examples_json_is_json_dumps_of_each_object(name):
    g = graph.build(parser.parse(examples.text(name)), notations=graph.FOR_JSON)
    assert jsonout.to_json(g) == reference(g)


def test_a_long_chain_is_json_dumps_of_each_object():
    text = "\n".join(["h0 = x"] + [f"h{i} = tanh(w h{i - 1} + b)" for i in range(1, 300)])
    g = graph.build(parser.parse(text + "\nc = h299 * h299 + 2"), notations=graph.FOR_JSON)
    assert jsonout.to_json(g) == reference(g)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_bytes_are_the_utf8_of_the_text(g):
    """to_bytes (what render writes) converts pieces to UTF-8 one by one: the same bytes as
    encoding to_json's text, and the same error for a lone surrogate."""
    try:
        expected = jsonout.to_json(g).encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            jsonout.to_bytes(g)
    else:
        assert jsonout.to_bytes(g) == expected


@pytest.mark.parametrize("name", examples.names())
def test_examples_bytes_are_the_utf8_of_the_text(name):
    g = graph.build(parser.parse(examples.text(name)), notations=graph.FOR_JSON)
    assert jsonout.to_bytes(g) == jsonout.to_json(g).encode("utf-8")
