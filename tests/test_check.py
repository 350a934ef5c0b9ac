"""graphdraw check: gradients against torch autograd and finite differences, structure against
torchviz, on the built-in examples and on models from well-known teaching material."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from graphdraw import errors, ops
from graphdraw.analyses import check
from graphdraw.numeric import backprop, evaluate
from graphdraw.language import examples
from graphdraw.language import parser
from graphdraw.numeric import values

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

ID_LIKE = r"(?<![\d.])\d{12,}(?![\d.e])"      # an id(): a long integer, not a float's digits


def run(text: str, given: dict | None = None, **options) -> check.CheckReport:
    program = parser.parse(text)
    leaf_values = values.leaf_values(program, {k: np.asarray(v, dtype=float)
                                               for k, v in (given or {}).items()})
    return check.run_check(program, leaf_values, **options)


def assert_full_match(report: check.CheckReport) -> None:
    assert report.ok, report.format()
    s = report.structure
    counts = s.counts()
    for key in ("op_nodes", "leaves", "edges", "graphdraw_edges", "torch_nodes"):
        assert counts[key][0] == counts[key][1], (key, counts)
    assert not s.unmatched_nodes and not s.unmatched_edges and not s.missing_edges
    assert counts["leaves"][1] == len(report.leaves)


@pytest.mark.parametrize("name", examples.names())
def test_builtin_examples_pass_with_full_structural_match(name):
    report = run(examples.text(name))
    assert_full_match(report)
    assert report.leaves and all(r.fd_ok for r in report.leaves)
    for r in report.leaves:     # float64 on both sides, same formulas: a few ulps apart
        assert r.torch_rel < 1e-12, (r.leaf, r.torch_rel)


def test_xor_structure_in_detail():
    report = run(examples.text("xor"))
    by_node = {m.node: m for m in report.structure.ops}
    assert by_node["%1"].torch in ("PermuteBackward0", "TBackward0", "TransposeBackward0")
    assert by_node["%2"].torch == "MvBackward0"             # W_iᵀ x: matrix @ vector
    assert by_node["%3"].status == "passthrough"           # W_oᵀ of a vector: no torch node
    assert by_node["%3"].via == "W_o"
    assert by_node["%4"].torch == "DotBackward0"            # vector @ vector
    assert by_node["z"].torch == by_node["y_hat"].torch == "SigmoidBackward0"
    assert by_node["%9"].torch == "PowBackward0"            # (ŷ − y)², the 2 a Python float
    assert by_node["L"].torch == "MulBackward0"             # ½ · (...)
    assert set(report.structure.leaves) == {"W_i", "b_a", "W_o", "b_o"}
    assert report.structure.summary() == "matched 11/11 op nodes, 4/4 leaves, 18/18 edges"


def test_report_text_and_json():
    report = run(examples.text("xor"))
    text = report.format()
    assert "matched 11/11 op nodes, 4/4 leaves, 18/18 edges ✓" in text
    assert re.search(r"✓ W_i\s+2×2\s+✓", text)
    assert "unmatched: none" in text and text.rstrip().endswith("agree with torch")
    data = report.to_json()
    json.dumps(data, allow_nan=False)          # plain JSON, no NaN
    assert data["ok"] is True and data["output"] == "L"
    assert [leaf["leaf"] for leaf in data["leaves"]] == ["W_i", "b_a", "W_o", "b_o"]
    assert all(leaf["torch"]["ok"] and leaf["finite_differences"]["ok"]
               for leaf in data["leaves"])
    assert data["structure"]["ok"] is True
    assert data["structure"]["counts"]["op_nodes"] == [11, 11]
    assert not re.search(ID_LIKE, json.dumps(data)), "an id() leaked into the JSON"
    assert json.dumps(run(examples.text("xor")).to_json()) == json.dumps(data)


# -- teaching material -----------------------------------------------------------------------

def test_cs231n_add_multiply():
    # cs231n "Backpropagation, Intuitions": f = (x + y) z at x = -2, y = 5, z = -4.
    report = run("f = (x + y) * z", {"x": -2.0, "y": 5.0, "z": -4.0})
    assert_full_match(report)
    program = report.program
    vals = evaluate.forward(program, {"x": -2.0, "y": 5.0, "z": -4.0})
    grads = backprop.backward(program, vals)
    assert float(vals["f"]) == -12.0
    assert (float(grads["x"]), float(grads["y"]), float(grads["z"])) == (-4.0, -4.0, 3.0)


def test_cs231n_sigmoid_neuron():
    # cs231n: w = [2, -3, -3], x = [-1, -2]; f = 0.73, dw = [-0.2, -0.39, 0.2], dx = [0.39, -0.59]
    given = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}
    report = run("f = 1 / (1 + exp(-(w0 x0 + w1 x1 + w2)))", given)
    assert_full_match(report)
    vals = evaluate.forward(report.program, given)
    grads = backprop.backward(report.program, vals)
    assert round(float(vals["f"]), 2) == 0.73
    got = [round(float(grads[k]), 2) for k in ("w0", "w1", "w2", "x0", "x1")]
    assert got == [-0.2, -0.39, 0.2, 0.39, -0.59]


def test_pytorch_tutorial_binary_cross_entropy():
    # "Automatic differentiation with torch.autograd": x = ones(5), y = zeros(3),
    # w 5×3, b 3, z = x @ w + b, loss = binary_cross_entropy_with_logits(z, y).
    text = """input x[5]
target y[3]
param w[5, 3], b[3]
z = x @ w + b
loss = mean(softplus(z) - y * z)
"""
    rng = np.random.default_rng(1)
    given = {"x": np.ones(5), "y": np.zeros(3), "w": rng.normal(size=(5, 3)),
             "b": rng.normal(size=3)}
    report = run(text, given)
    assert_full_match(report)
    matmul = next(m for m in report.structure.ops if m.op == "matmul")
    assert matmul.torch == "SqueezeBackward4" and matmul.extra == ["MmBackward0"]
    # The same loss and gradients as torch's own function.
    w = torch.tensor(given["w"], requires_grad=True)
    b = torch.tensor(given["b"], requires_grad=True)
    z = torch.ones(5, dtype=torch.float64) @ w + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.zeros(3,
                                                                dtype=torch.float64))
    loss.backward()
    vals = evaluate.forward(report.program, given)
    grads = backprop.backward(report.program, vals)
    assert np.isclose(float(vals["loss"]), loss.item(), rtol=1e-13)
    assert np.allclose(grads["w"], w.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert np.allclose(grads["b"], b.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_pytorch_tutorial_q():
    # The autograd tutorial: a = [2, 3], b = [6, 4], Q = 3a³ − b²; dQ/da = 9a², dQ/db = −2b.
    given = {"a": [2.0, 3.0], "b": [6.0, 4.0]}
    report = run("param a[2], b[2]\nQ = 3 a^3 - b^2", given)
    assert_full_match(report)
    assert "not a scalar" in report.format()
    vals = evaluate.forward(report.program, given)
    grads = backprop.backward(report.program, vals)
    assert grads["a"].tolist() == [36.0, 81.0]
    assert grads["b"].tolist() == [-12.0, -8.0]


def test_micrograd_readme_numbers():
    report = run(examples.text("micrograd"))
    assert_full_match(report)
    program = report.program
    vals = evaluate.forward(program, values.leaf_values(program, {}))
    grads = backprop.backward(program, vals)
    assert f"{float(vals[program.output]):.4f}" == "24.7041"
    assert f"{float(grads['a']):.4f}" == "138.8338"
    assert f"{float(grads['b']):.4f}" == "645.5773"
    assert "g′ = 24.7041" in report.format()
    # torch's numbers, the way micrograd's README computes them
    tensors = report.tensors
    assert f"{tensors[program.output].item():.4f}" == "24.7041"


# -- failures are loud -----------------------------------------------------------------------

def test_wrong_gradient_rule_fails_and_names_the_leaf(monkeypatch):
    wrong = dataclasses.replace(ops.OPS["sigmoid"], vjp=lambda g, out, a: (g * out,))
    monkeypatch.setitem(ops.OPS, "sigmoid", wrong)
    report = run("param w, v\ninput x\nL = sigmoid(w x) + v^2", {"x": 0.7})
    assert report.ok is False
    by_leaf = {r.leaf: r for r in report.leaves}
    assert not by_leaf["w"].ok and not by_leaf["w"].torch_ok and by_leaf["w"].fd_ok is False
    assert by_leaf["v"].ok                       # the other leaf is unaffected
    assert report.structure.ok                   # the graph itself is right
    text = report.format()
    assert "FAILED" in text and re.search(r"✗ w\s", text)
    assert any(line.startswith("∂L/∂w:") for line in report.failures)
    assert not any("∂L/∂v" in line for line in report.failures)
    assert report.to_json()["ok"] is False


def test_wrong_gradient_rule_fails_on_the_default_model(monkeypatch):
    wrong = dataclasses.replace(ops.OPS["sigmoid"], vjp=lambda g, out, a: (g * out,))
    monkeypatch.setitem(ops.OPS, "sigmoid", wrong)
    report = run(examples.text("xor"))
    assert not report.ok
    assert {r.leaf for r in report.leaves if not r.ok} == {"W_i", "b_a", "W_o", "b_o"}


def test_wrong_torch_name_fails_the_structure(monkeypatch):
    monkeypatch.setitem(ops.OPS, "sigmoid",
                        dataclasses.replace(ops.OPS["sigmoid"], torch=("WrongBackward0",)))
    report = run(examples.text("xor"))
    assert all(r.ok for r in report.leaves)
    assert report.ok is False and report.structure.ok is False
    bad = [m for m in report.structure.ops if not m.ok]
    assert {m.node for m in bad} == {"z", "y_hat"}
    assert all(m.status == "wrong_name" and m.torch == "SigmoidBackward0" for m in bad)
    assert "matched 9/11 op nodes" in report.format()
    assert any("SigmoidBackward0" in line and line.startswith("z ")
               for line in report.failures)


def test_torch_forward_that_skips_an_op_fails(monkeypatch):
    # A torch build that silently drops tanh: no node, and graphdraw's tanh changes the value.
    monkeypatch.setitem(ops.OPS, "tanh",
                        dataclasses.replace(ops.OPS["tanh"], torch_forward=lambda a: a))
    report = run(examples.text("tanh2"))
    assert not report.ok
    h = next(m for m in report.structure.ops if m.node == "h")
    assert h.status == "skipped" and not h.ok


def test_torch_forward_with_extra_nodes_fails(monkeypatch):
    # softplus built as log(1 + exp(a)): nodes the op table does not list for softplus.
    monkeypatch.setitem(ops.OPS, "softplus", dataclasses.replace(
        ops.OPS["softplus"], torch_forward=lambda a: torch.log(1 + torch.exp(a))))
    report = run("param z[3]\nL = sum(softplus(z))")
    assert all(r.ok for r in report.leaves)
    assert not report.structure.ok
    assert report.structure.unmatched_nodes or any(not m.ok for m in report.structure.ops)


def test_missing_graphdraw_edge_is_reported(monkeypatch):
    # mul built to ignore its second operand: torch draws one edge where graphdraw has two.
    monkeypatch.setitem(ops.OPS, "mul", dataclasses.replace(
        ops.OPS["mul"], torch_forward=lambda a, b: a * b.detach()))
    report = run("param p, q\nL = p * q")
    assert not report.ok
    assert report.structure.missing_edges == [("q", "L")]
    assert "graphdraw edge q → L" in report.format()


# -- torchviz's quirks -------------------------------------------------------------------------

def test_saved_tensor_merged_with_parameter_is_reported_not_failed():
    # With saved tensors shown, DotBackward0 saves W_o itself (W_oᵀ of a vector is W_o):
    # torchviz keys nodes by id() and draws the saved tensor and the parameter as one node.
    report = run(examples.text("xor"), show_saved=True)
    assert report.ok, report.format()
    merged = report.structure.merged
    assert merged
    labels = [" ".join(label.split()) for n in merged for label in n.labels]
    assert "W_o (2)" in labels
    assert "draws" in report.format() and "as one node" in report.format()
    saved = [n for n in report.structure.nodes if n.kind == "saved"]
    assert saved and all(n.role == "saved" for n in saved)


def test_non_differentiable_helper_and_copies():
    report = run("param a, b\nc = a\nL = step(c) * b + c * b", {"a": 0.5, "b": 2.0})
    assert_full_match(report)
    statuses = {m.node: m.status for m in report.structure.ops}
    assert statuses["c"] == "passthrough" and statuses["%1"] == "no_grad"


def test_outputs_without_gradient_and_constants():
    # An output no gradient leaf reaches: nothing to compare, nothing to fail.
    report = run("input x\nL = 2 x")
    assert report.ok and report.leaves == []
    # Constants on either side of every operator keep the graph torch draws for them.
    report = run("param a\nL = 2^a + a^2 + (1 - a) + 2 / a + a / 2 + 3 a")
    assert_full_match(report)
    names = {m.torch for m in report.structure.ops}
    assert {"PowBackward2", "PowBackward0", "RsubBackward1", "DivBackward0"} <= names
    assert "ReciprocalBackward0" not in {n.name for n in report.structure.nodes}


def test_tolerances_are_parameters():
    report = run(examples.text("xor"), rtol=0.0, atol=0.0, fd_rtol=0.0, fd_atol=0.0)
    assert not all(r.fd_ok for r in report.leaves)      # FD are never exact
    assert report.tolerances["fd_rtol"] == 0.0
    report = run(examples.text("xor"), fd=False)
    assert report.ok and all(r.fd_ok is None for r in report.leaves)
    assert "fd_rtol" not in report.tolerances


def test_fd_max_limits_entries():
    report = run("param W[6, 5]\nL = sum(tanh(W))", fd_max=7)
    assert report.ok
    assert report.leaves[0].fd_checked == 7
    assert "(7 of 30 entries)" in report.format()


# -- the API pieces --------------------------------------------------------------------------

def test_build_torch_leaves_and_constants():
    program = parser.parse(examples.text("xor"))
    tensors = check.build_torch(program, values.leaf_values(program, {}))
    assert all(t.dtype == torch.float64 for t in tensors.values())
    assert tensors["W_i"].requires_grad and tensors["b_o"].requires_grad
    assert not tensors["x"].requires_grad and not tensors["y"].requires_grad
    assert not tensors["%6"].requires_grad and tensors["%6"].item() == 0.5
    assert type(tensors["%9"].grad_fn).__name__ == "PowBackward0"
    assert len(tensors["%9"].grad_fn.next_functions) == 1       # the 2 is a Python float
    assert tensors["%3"] is tensors["W_o"]                       # transpose of a vector


def test_compare_gradients_alone():
    program = parser.parse(examples.text("tanh2"))
    leaves = check.compare_gradients(program, values.leaf_values(program, {}))
    assert [r.leaf for r in leaves] == ["W_1", "b_1", "W_2", "b_2"]
    assert all(r.ok and r.fd_checked == int(np.prod(r.shape)) for r in leaves)


def test_import_does_not_load_torch():
    code = ("import sys, graphdraw.analyses.check, graphdraw.cli; "
            "assert 'torch' not in sys.modules and 'torchviz' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_torch_or_torchviz_says_how_to_install(monkeypatch):
    program = parser.parse("L = a * b")
    given = values.leaf_values(program, {})
    monkeypatch.setitem(sys.modules, "torchviz", None)
    with pytest.raises(errors.ToolMissing) as caught:
        check.run_check(program, given)
    assert "torchviz" in str(caught.value) and "pip install" in str(caught.value)
    assert caught.value.exit_code == errors.EXIT_TOOL
    assert check.run_check(program, given, structure=False).ok    # gradients still work
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(errors.ToolMissing) as caught:
        check.run_check(program, given)
    assert "PyTorch" in str(caught.value) and "torch==2.13.0" in str(caught.value)


# -- the side-by-side picture ---------------------------------------------------------------

def test_side_by_side_is_deterministic_and_marks_matches():
    sources = []
    for _ in range(2):
        report = run(examples.text("xor"))
        sources.append(check.side_by_side(report.program, report.tensors, report))
    assert sources[0] == sources[1]
    source = sources[0]
    assert "cluster_graphdraw" in source and "cluster_torchviz" in source
    assert not re.search(ID_LIKE, source), "an id() leaked into the picture"
    assert "MvBackward0" in source and "AccumulateGrad" in source
    # 14 numbered pairs: 11 op nodes less one pass-through, plus 4 leaves
    for k in range(1, 15):
        assert source.count(f">{k}</FONT>") >= 2, k
    assert check.BAD not in source


def test_side_by_side_marks_mismatches(monkeypatch):
    monkeypatch.setitem(ops.OPS, "softplus", dataclasses.replace(
        ops.OPS["softplus"], torch_forward=lambda a: torch.log(1 + torch.exp(a))))
    report = run("param z[3]\nL = sum(softplus(z))")
    source = check.side_by_side(report.program, report.tensors, report)
    assert check.BAD in source and "✗" in source


@pytest.mark.dot
def test_side_by_side_renders(tmp_path):
    from graphdraw.formats.graphviz import draw
    report = run(examples.text("tanh2"))
    svg = draw.layout(check.side_by_side(report.program, report.tensors, report), "svg")
    assert svg.startswith(b"<?xml") and b"torchviz" in svg and b"MvBackward0" in svg


def test_vector_matrix_product_extra_nodes_belong_to_the_product():
    report = run("param v[2], W[2, 3]\nL = sum(v @ W)")
    assert_full_match(report)
    matmul = next(m for m in report.structure.ops if m.op == "matmul")
    assert matmul.torch == "SqueezeBackward4"
    assert sorted(matmul.extra) == ["MmBackward0", "UnsqueezeBackward0"]


def test_deep_chain_beyond_torchviz_recursion():
    # torchviz's make_dot recurses once per autograd node (design notes: ~2,600 at most).
    text = "param x\nh = tanh(x)\n" + "h = tanh(h)\n" * 3000
    report = run(text, fd_max=1)
    assert report.ok and report.structure.error is None
    assert report.structure.counts()["op_nodes"] == [3001, 3001]


def test_an_operand_torch_feeds_to_two_nodes_of_one_op_follows_its_one_edge(monkeypatch):
    """abs built as a · sign(a) (as softsign is a / (1 + |a|)): z feeds the Mul and the Sign
    torch makes for one graphdraw op, both along the one edge z → L's abs."""
    monkeypatch.setitem(ops.OPS, "abs", dataclasses.replace(
        ops.OPS["abs"], torch=("MulBackward0", "SignBackward0"),
        torch_forward=lambda a: a * torch.sign(a)))
    report = run("param z[3]\nL = sum(abs(z))", {"z": [0.5, -1.0, 2.0]})
    assert_full_match(report)
    follows = [e for e in report.structure.flow_edges if e.graphdraw == ("z", "%1")]
    assert len(follows) == 2


def test_a_second_edge_into_the_same_torch_node_needs_a_second_use(monkeypatch):
    """x · x is two edges into one Mul; x · 2 drawn with x twice is one edge too many."""
    assert_full_match(run("param x[2]\nL = sum(x * x)", {"x": [1.0, 2.0]}))
    monkeypatch.setitem(ops.OPS, "mul", dataclasses.replace(
        ops.OPS["mul"], torch_forward=lambda a, b: a * a if b.requires_grad is False else a * b))
    report = run("param x[2]\nL = sum(x * 2)", {"x": [1.0, 2.0]})
    assert not report.structure.ok
    assert [e.status for e in report.structure.flow_edges].count("unmatched") == 1
