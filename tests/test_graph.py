"""The graph builder: node ids and kinds, one edge per operand use, local derivative labels."""

from __future__ import annotations

import os
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

from graphdraw import ops
from graphdraw.language import examples
from graphdraw.core import graph
from graphdraw.formats import jsonout
from graphdraw.language import parser
from graphdraw.language import notation, printer
from graphdraw.language.program import Program

MATH = "a = W_iᵀ x + b_a; z = σ(a); ŷ = σ(W_oᵀ z + b_o); L = 1/2 (ŷ − y)²"
PYTHON = ("a = W_i.T @ x + b_a; z = sigmoid(a); y_hat = sigmoid(W_o.T @ z + b_o); "
          "L = 0.5 * (y_hat - y)**2")


def build(text: str, **kw):
    return graph.build(parser.parse(text), **kw)


def structure(g) -> tuple:
    """Everything about a graph's shape but how constants were written (1/2 vs 0.5)."""
    node_part = []
    for node_id, d in g.nodes(data=True):
        node_part.append((node_id, d["kind"], d["op"], d["name"], d["version"], d.get("value")))
    edge_part = sorted((u, v, k, d["arg"], d["combine"]) for u, v, k, d in
                       g.edges(keys=True, data=True))
    return g.graph["output"], node_part, edge_part


def edge(g, source: str, target: str, key: int = 0) -> dict:
    return g.edges[source, target, key]


# -- both notations -------------------------------------------------------------------------------

def test_math_and_python_notation_give_the_same_graph():
    math_graph, python_graph = build(MATH), build(PYTHON)
    assert structure(math_graph) == structure(python_graph)
    assert {"x", "W_i", "b_a", "a", "z", "W_o", "b_o", "y_hat", "y", "L"} <= set(math_graph)
    # The same local derivatives too, but for how the constant 1/2 is written.
    for u, v, k, d in math_graph.edges(keys=True, data=True):
        other = python_graph.edges[u, v, k]["local_grad"]
        assert d["local_grad"].replace("1/2", "0.5") == other


def test_the_structure_helper_sees_differences():
    assert structure(build("a = x + y")) != structure(build("a = x - y"))
    assert structure(build("a = x + y")) != structure(build("a = y + x"))
    assert structure(build("a = 2 x")) != structure(build("a = 3 x"))


@pytest.mark.parametrize("variant", [
    "a = W_i^T x + b_a; z = σ(a); ŷ = σ(W_o^T z + b_o); L = ½ (ŷ - y)^2",
    "a = W_i.T x + b_a; z = sigmoid(a); y_hat = sigmoid(W_o.T z + b_o); L = 1/2*(y_hat-y)**2",
    "a = W_i⊤ ⋅ x + b_a\nz = logistic(a)\nŷ = σ(W_oᵀ @ z + b_o)\nL = 0.5 (ŷ − y) ^ 2",
    "# the exercise\r\na = W_iᵀ x + b_a   # hidden\r\n\tz = σ(a)\r\nŷ = σ(W_oᵀ z + b_o)\r\n"
    "L = 1/2 (ŷ − y)²\r\n",
    "\ufeffa = W_iᵀx+b_a;z=σ(a);ŷ=σ(W_oᵀz+b_o);L=1/2(ŷ−y)²",
    "a = W_iᵀ x + b_a; z = σ(a); y\u0302 = σ(W_oᵀ z + b_o); L = (1/2) (ŷ – y)²",
])
def test_notation_variants_give_the_same_graph(variant):
    assert structure(build(variant)) == structure(build(MATH))


@pytest.mark.parametrize("one, other", [
    ("a = α x", "a = alpha x"), ("a = x²", "a = x^2"), ("a = x²", "a = x**2"),
    ("a = x − y", "a = x - y"), ("a = Wᵀ", "a = W.T"), ("a = Wᵀ", "a = W^T"),
    ("a = ½ x", "a = 0.5 * x"), ("a = x × y", "a = x * y"), ("a = x ÷ y", "a = x / y"),
])
def test_spellings_give_the_same_graph(one, other):
    assert structure(build(one)) == structure(build(other))


# -- nodes ----------------------------------------------------------------------------------------

def test_kinds_come_from_roles_and_position():
    g = build("input x\ntarget t\nconst k\nparam w\nr = k w x - t + b + 2")
    kinds = {n: d["kind"] for n, d in g.nodes(data=True)}
    assert kinds["x"] == "input" and kinds["t"] == "target" and kinds["k"] == "constant"
    assert kinds["w"] == "param" and kinds["b"] == "param" and kinds["r"] == "output"
    assert sorted(k for n, k in kinds.items() if n.startswith("%")) == [
        "constant", "intermediate", "intermediate", "intermediate", "intermediate"]
    assert graph.leaves(g) == ["w", "b"]


def test_graph_attributes():
    g = graph.build(parser.parse("a = x + 1", "m.gd"), title="My model")
    assert g.graph == {"output": "a", "title": "My model", "source": "m.gd"}


def test_versions_are_separate_nodes_with_primed_labels():
    g = build("c = a + b\nc = c + c + 1\nc = c * 2")
    assert [g.nodes[n]["label"] for n in ("c", "c'", "c''")] == ["c", "c′", "c″"]
    assert [g.nodes[n]["version"] for n in ("c", "c'", "c''")] == [0, 1, 2]
    assert g.nodes["c''"]["kind"] == "output" and g.nodes["c'"]["kind"] == "intermediate"
    assert g.nodes["c'"]["forward_pretty"] == "c′ = c + c + 1"
    assert g.nodes["c''"]["label_html"] == "<i>c</i>″"


def test_forward_text_in_three_notations():
    g = build(MATH)
    assert g.nodes["a"]["forward"] == "a = W_i^T @ x + b_a"
    assert g.nodes["a"]["forward_pretty"] == "a = W_iᵀ x + b_a"
    assert g.nodes["L"]["forward_pretty"] == "L = ½ (ŷ − y)²"
    assert g.nodes["L"]["forward_html"] == "<i>L</i> = ½ (<i>ŷ</i> − <i>y</i>)<sup>2</sup>"
    assert g.nodes["y_hat"]["label"] == "ŷ"


def test_shapes_are_lists_or_none():
    g = build("param W[2, 3]\ninput x[3]\na = W x + b")
    # b is not declared: added to W x, it is a bias of W x's shape (core/infer.py, step 3)
    assert g.nodes["W"]["shape"] == [2, 3] and g.nodes["a"]["shape"] == [2]
    assert g.nodes["b"]["shape"] == [2] and g.nodes[next(iter(g.predecessors("a")))]["shape"] == [2]
    assert build("a = w * b").nodes["a"]["shape"] is None      # all scalars: unknown, as before


def test_declared_values_are_kept_on_the_leaf():
    g = build("param a = -4.0\nb = a^2")
    assert g.nodes["a"]["default"] == -4.0 and "default" not in g.nodes["b"]


# -- edges ----------------------------------------------------------------------------------------

def test_x_times_x_has_two_edges():
    g = build("y = x * x")
    assert g.number_of_edges("x", "y") == 2
    assert sorted(d["arg"] for _, _, d in g.edges(data=True)) == [0, 1]
    assert [edge(g, "x", "y", k)["local_grad"] for k in (0, 1)] == ["x", "x"]


def test_micrograd_rebinding_keeps_both_uses_of_the_old_version():
    g = build("c = a + b\nc = c + c + 1")
    inner = next(iter(g.predecessors("c'")))
    if inner == "c":            # order of predecessors is not part of the contract
        inner = [p for p in g.predecessors("c'") if p != "c"][0]
    assert g.number_of_edges("c", inner) == 2


def test_edges_run_from_operand_to_result_keyed_by_position():
    g = build("d = a - b")
    assert edge(g, "a", "d")["arg"] == 0 and edge(g, "b", "d", 1)["arg"] == 1
    assert edge(g, "a", "d")["local_grad"] == "1" and edge(g, "b", "d", 1)["local_grad"] == "-1"


def _one_op_model(row: ops.Op) -> str:
    pieces = [("x", ops.ATOM), ("y", ops.ATOM)][:row.arity]
    head = ""
    if "classes" in row.extra:      # class indices (a scalar) and a vector of scores
        index, scores = row.extra["classes"]
        head = f"target {'xy'[index]}\nparam {'xy'[scores]}[3]\n"
    return head + "r = " + notation.apply(row, pieces, "plain")[0]


ROWS = [row for row in ops.ROWS if row.style != "copy"]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_every_op_has_a_labelled_edge_per_operand(row):
    g = build(_one_op_model(row))
    assert g.nodes["r"]["op"] == row.name
    edges = sorted(g.in_edges("r", keys=True, data=True), key=lambda e: e[3]["arg"])
    assert [d["arg"] for *_, d in edges] == list(range(row.arity))
    for (_, _, _, d), combine in zip(edges, row.combines()):
        assert d["combine"] == combine
        for key in ("local_grad", "local_grad_pretty", "local_grad_html"):
            assert d[key], (row.name, key)
        parser.parse("t = " + d["local_grad"])      # the plain label is the language again


def _evaluate(program: Program, values: dict) -> dict:
    env = {}
    for node in program.nodes.values():
        if node.is_leaf:
            env[node.id] = np.float64(values[node.id])
        elif node.op is None:
            env[node.id] = np.float64(node.value)
        else:
            env[node.id] = ops.OPS[node.op].forward(*[env[a] for a in node.args])
    return env


def _check_local_grads_numerically(text: str, values: dict) -> int:
    """Evaluate every edge's plain label and compare with a central difference."""
    program = parser.parse(text)
    env = _evaluate(program, values)
    g = graph.build(program)
    checked = 0
    for u, v, k, d in g.edges(keys=True, data=True):
        row = ops.OPS[g.nodes[v]["op"]]
        if not row.differentiable:
            continue
        label = parser.parse("t_ = " + d["local_grad"])
        got = _evaluate(label, env)[label.output]
        args = [env[a] for a in program.nodes[v].args]
        h = 1e-6
        up, down = list(args), list(args)
        up[k], down[k] = args[k] + h, args[k] - h
        want = (row.forward(*up) - row.forward(*down)) / (2 * h)
        assert float(got) == pytest.approx(float(want), rel=1e-4, abs=1e-6), (u, v, d)
        checked += 1
    return checked


# softmax's and log_softmax's D is not a derivative alone but a factor of their Jacobian
# (their combine rules; test_labels_vs_torch checks them against torch).
@pytest.mark.parametrize("row", [r for r in ROWS if r.name not in ("matmul",)
                                 and not {"softmax", "log_softmax"} & set(r.combines())
                                 and "classes" not in r.extra],     # scalars only here
                         ids=lambda r: r.name)
def test_each_ops_plain_label_is_its_derivative(row, monkeypatch):
    monkeypatch.setattr(printer, "INLINE_LIMIT", 10**6)
    checked = _check_local_grads_numerically(_one_op_model(row), {"x": 0.7, "y": 1.3})
    assert checked == (row.arity if row.differentiable else 0)


def test_labels_of_a_whole_model_are_its_derivatives(monkeypatch):
    monkeypatch.setattr(printer, "INLINE_LIMIT", 10**6)
    text = ("a = w x + b\nz = σ(a)\nh = tanh(2 z - 1)\np = h^3 / (1 + exp(-a)) + 1/4\n"
            "L = -(t log(p) + (1 - t) log(1 - p)) + sqrt(z) + abs(a - 1) + relu(a)"
            " + softplus(b) - z / a + 3^a + a^z + mean(h) * sum(z) + x^-2 + 2^3 a")
    checked = _check_local_grads_numerically(
        text, {"w": 0.3, "x": 1.2, "b": 0.1, "t": 1.0})
    assert checked > 40


@pytest.mark.parametrize("text, source, target, key, label, pretty", [
    ("z = σ(a)", "a", "z", 0, "z * (1 - z)", "z (1 − z)"),
    ("b = σ(a) + 1", "a", "%1", 0, "sigmoid(a) * (1 - sigmoid(a))", "σ(a) (1 − σ(a))"),
    ("h = tanh(a)", "a", "h", 0, "1 - h^2", "1 − h²"),
    ("L = (y_hat - y)^2", "%1", "L", 0, "2 * (y_hat - y)", "2 (ŷ − y)"),
    ("L = (y_hat - y)**3", "%1", "L", 0, "3 * (y_hat - y)^2", "3 (ŷ − y)²"),
    ("L = x^0.5", "x", "L", 0, "0.5 * x^(-0.5)", "0.5 x^(−0.5)"),
    ("L = 1/2 (y_hat - y)^2", "%4", "L", 1, "1/2", "½"),
    ("q = a / b", "a", "q", 0, "1 / b", "1 / b"),
    ("q = a / b", "b", "q", 1, "-a / b^2", "−a / b²"),
    ("q = a / 2", "a", "q", 0, "0.5", "0.5"),
    ("q = 3 / b", "b", "q", 1, "-3 / b^2", "−3 / b²"),
    ("m = W @ x", "W", "m", 0, "x^T", "xᵀ"),
    ("m = W @ x", "x", "m", 1, "W", "W"),
    ("m = W_iᵀ x", "x", "m", 1, "W_i^T", "W_iᵀ"),
    ("t = Wᵀ", "W", "t", 0, "1", "1"),
    ("e = exp(a)", "a", "e", 0, "e", "e"),
    ("l = log(a)", "a", "l", 0, "1 / a", "1 / a"),
    ("r = relu(a)", "a", "r", 0, "step(a)", "step(a)"),
    ("s = abs(a)", "a", "s", 0, "sign(a)", "sign(a)"),
    ("s = mean(a)", "a", "s", 0, "1 / size(a)", "1 / size(a)"),
    ("n = -a", "a", "n", 0, "-1", "−1"),
    ("p = a * b", "a", "p", 0, "b", "b"),
    ("p = 2 a", "a", "p", 1, "2", "2"),
    ("p = a^b", "b", "p", 1, "log(a) * p", "log(a) · p"),
    ("c = a\nd = c", "a", "c", 0, "1", "1"),
])
def test_local_derivative_labels(text, source, target, key, label, pretty):
    d = edge(build(text), source, target, key)
    assert d["local_grad"] == label
    assert d["local_grad_pretty"] == pretty


def test_matmul_operands_combine_as_left_and_right():
    g = build("m = W @ x")
    assert edge(g, "W", "m")["combine"] == "matmul_left"
    assert edge(g, "x", "m", 1)["combine"] == "matmul_right"
    assert edge(build("t = Wᵀ"), "W", "t")["combine"] == "transpose"
    assert edge(build("s = σ(a)"), "a", "s")["combine"] == "elementwise"


def test_local_derivative_html_is_escaped_markup():
    d = edge(build("h = tanh(a)"), "a", "h")
    assert d["local_grad_html"] == "1 − <i>h</i><sup>2</sup>"


# -- examples, goldens, determinism ---------------------------------------------------------------

def _graph_text(g) -> str:
    lines = []
    for node_id, d in g.nodes(data=True):
        lines.append(f"{node_id} [{d['kind']}] {d['forward_pretty']}")
    for u, v, k, d in g.edges(keys=True, data=True):
        lines.append(f"{u} -> {v} #{k} {d['combine']}: {d['local_grad']}  |  "
                     f"{d['local_grad_pretty']}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", examples.names())
def test_examples_match_their_golden_files(name, golden):
    program = parser.parse(examples.text(name), f"<example {name}>")
    golden(f"{name}.program.txt", program.dump())
    golden(f"{name}.graph.txt", _graph_text(graph.build(program)))


@pytest.mark.parametrize("name", examples.names())
def test_examples_build_into_connected_graphs_ending_at_the_output(name):
    g = graph.build(parser.parse(examples.text(name)))
    output = g.graph["output"]
    assert g.nodes[output]["kind"] == "output" and g.out_degree(output) == 0
    assert nx.is_directed_acyclic_graph(g)
    assert set(nx.ancestors(g, output)) | {output} == set(g)


@pytest.mark.parametrize("name", examples.names())
def test_same_text_gives_the_same_json(name):
    text = examples.text(name)
    assert jsonout.to_json(build(text)) == jsonout.to_json(build(text))


def test_same_json_across_processes_with_different_hash_seeds():
    code = ("import sys; from graphdraw.language import parser, examples; from graphdraw.core import graph; from graphdraw.formats import jsonout; "
            "sys.stdout.write(''.join(jsonout.to_json(graph.build(parser.parse("
            "examples.text(n)))) for n in examples.names()))")
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outputs.append(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                      capture_output=True, text=True).stdout)
    assert outputs[0] == outputs[1] and len(outputs[0]) > 1000


# -- size -----------------------------------------------------------------------------------------

def test_build_a_sum_of_fifty_thousand_terms():
    g = build("a = " + " + ".join(["x"] * 50_000))
    assert g.out_degree("x") == 50_000
    assert all(len(d["forward_pretty"]) < 300 for _, d in g.nodes(data=True))


def test_build_ten_thousand_statements_and_deep_nesting():
    g = build("a0 = x\n" + "\n".join(f"a{i} = a{i - 1} + x" for i in range(1, 10_000)))
    assert g.number_of_nodes() == 10_001
    g = build("a = " + "(" * 5000 + "x + 1" + ")" * 5000)
    assert g.nodes["a"]["forward"] == "a = x + 1"
    g = build("a = " + "sigmoid(" * 3000 + "x" + ")" * 3000)
    assert len(g.nodes["a"]["forward_pretty"]) < 300


def test_build_a_long_power_tower():
    g = build("a = " + "^".join(["x"] * 2000))
    assert g.number_of_nodes() == 2000


def test_json_is_the_encoder_text_of_each_object():
    """jsonout writes the attributes a field at a time, plain strings as they are: each
    node and edge still gets the encoder's own bytes, whatever its strings hold (quotes,
    '}, {"', backslashes, control characters, non-ASCII), in the keys' order."""
    import json
    import networkx as nx
    from hypothesis import given, settings, strategies as st
    value = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                      st.text(), st.sampled_from(['}, {"', '\\', '"', ', ', '%s', '\x00']),
                      st.lists(st.integers(), max_size=3))
    node_attrs = st.dictionaries(st.sampled_from(jsonout.NODE_KEYS + ("label_html",)), value)

    def line(head: dict, attrs: dict, keys: tuple) -> str:
        return json.dumps({**head, **{k: attrs[k] for k in keys if k in attrs}},
                          ensure_ascii=False)

    @settings(max_examples=200, deadline=None)
    @given(st.lists(node_attrs, min_size=1, max_size=6), st.lists(value, max_size=6))
    def check(nodes, grads):
        g = nx.MultiDiGraph(output="n0", title='a "title"')
        for i, attrs in enumerate(nodes):
            g.add_node(f"n{i}", **attrs)
        for i, grad in enumerate(grads):
            g.add_edge(f"n{i % len(nodes)}", "n0", key=i, arg=i, local_grad=grad)
        node_lines = [line({"id": n}, d, jsonout.NODE_KEYS) for n, d in g.nodes(data=True)]
        edge_lines = [line({"source": s, "target": t}, d, jsonout.EDGE_KEYS)
                      for s, t, d in g.edges(data=True)]
        listed = (lambda lines: "[\n  " + ",\n  ".join(lines) + "\n ]" if lines else "[]")
        assert jsonout.to_json(g) == (
            '{"output": "n0", "title": "a \\"title\\"",\n "nodes": ' + listed(node_lines)
            + ',\n "edges": ' + listed(edge_lines) + "\n}\n")

    check()
