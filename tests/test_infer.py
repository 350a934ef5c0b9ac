"""Shape inference (core/infer.py, core/unify.py, core/shape_forms.py): unification of the
constraints of every op, defaults in a documented order, contradictions at the op."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from graphdraw import ops
from graphdraw.cli.group import cli
from graphdraw.core import graph, infer, shape_forms
from graphdraw.core.unify import Contradiction, Solver
from graphdraw.errors import GraphdrawError, SourceError
from graphdraw.language.parser import parse
from graphdraw.numeric import backprop, evaluate, values
from graphdraw.ops import shapes

MLP = "h = tanh(W @ x + b)\nL = sum(h^2)"
README = "L = 1/2 (σ(wᵀ x + b) − y)²"


def shapes_of(text: str, given: dict | None = None) -> dict:
    return infer.infer(parse(text), given).shapes


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# -- the solver ----------------------------------------------------------------------------
def test_sizes_unify_and_contradict():
    s = Solver()
    a, b, c = s.size(), s.size(3), s.size()
    s.unify_sizes(a, c)
    s.unify_sizes(c, b)
    assert s.size_value(a) == 3
    with pytest.raises(Contradiction):
        s.unify_sizes(a, s.size(4))


def test_shapes_of_different_rank_do_not_unify():
    s = Solver()
    vector, matrix = s.known((2,)), s.fresh(2)
    with pytest.raises(Contradiction, match="rank"):
        s.unify(vector, matrix)


def test_unknown_rank_takes_the_other_shape_and_sizes_flow_both_ways():
    s = Solver()
    t, m = s.shape(), s.fresh(2)
    s.unify(t, m)
    s.unify(t, s.known((2, 5)))
    assert s.concrete(m) == (2, 5) and s.text(s.fresh(2)) == "?×?" and s.text(s.shape()) == "?"


# -- forms of the rules ----------------------------------------------------------------------
def test_transpose_flows_backwards_from_its_result():
    s = Solver()
    a, out = s.shape(), s.known((2, 3))
    assert shape_forms.transpose(s, out, (a,), shape_forms.FORCED)
    assert s.concrete(a) == (3, 2)


@pytest.mark.parametrize("a, b, out", [((2, 3), (3,), (2,)), ((3,), (3, 4), (4,)),
                                       ((2, 3), (3, 4), (2, 4)), ((3,), (3,), ())])
def test_matmul_form_agrees_with_the_rule(a, b, out):
    s = Solver()
    ta, tb, to = s.known(a), s.known(b), s.shape()
    assert shape_forms.matmul(s, to, (ta, tb), shape_forms.FORCED)
    assert s.concrete(to) == out == ops.OPS["matmul"].shape(a, b)


@pytest.mark.parametrize("a, b", [((2, 2, 2, 2), (2, 2)), ((2,), (2, 2, 2)), ((), (2,)),
                                  ((2, 2, 2), (3, 2, 2))])
def test_matmul_form_refuses_what_the_rule_refuses(a, b):
    # If shapes.matmul learns batched products, shape_forms.matmul must learn them too.
    with pytest.raises(shapes.ShapeMismatch):
        ops.OPS["matmul"].shape(a, b)
    s = Solver()
    with pytest.raises(Contradiction):
        shape_forms.matmul(s, s.shape(), (s.known(a), s.known(b)), shape_forms.FORCED)


@pytest.mark.parametrize("a, b", [((2, 1), (3,)), ((1,), (4, 1)), ((), (2, 2)), ((5,), (1, 5))])
def test_broadcast_form_agrees_with_numpy(a, b):
    s = Solver()
    ta, tb, to = s.known(a), s.known(b), s.shape()
    assert shape_forms.broadcast(s, to, (ta, tb), shape_forms.FORCED)
    assert s.concrete(to) == np.broadcast_shapes(a, b)


def test_broadcast_keeps_a_size_that_could_be_1_open_until_the_defaults():
    s = Solver()
    ta, tb, to = s.known((4,)), s.fresh(1), s.shape()
    assert not shape_forms.broadcast(s, to, (ta, tb), shape_forms.FORCED)
    assert s.concrete(to) == (4,) and s.concrete(tb) is None
    assert shape_forms.broadcast(s, to, (ta, tb), shape_forms.SIZES)
    assert s.concrete(tb) == (4,)


def test_the_rules_of_the_table_have_forms():
    # A rule without a form still works (its concrete rule, once the operands are known:
    # test_a_rule_without_a_form_...); with one, sizes also flow backwards. Rules seen here:
    rules = {row.shape.__name__ for row in ops.OPS.values()}
    assert {"broadcast", "matmul", "transpose", "same", "reduce", "outer"} <= rules
    assert all(shape_forms.symbolic(getattr(shapes, name)) is not None
               for name in ("broadcast", "matmul", "transpose", "same", "reduce", "outer"))


# -- whole programs ------------------------------------------------------------------------
def test_the_mlp_with_nothing_declared():
    result = infer.infer(parse(MLP))
    assert result.shapes["W"] == (3, 3) and result.shapes["x"] == (3,)
    # b is added to W x: a bias with its shape, and a note says so (step 3)
    assert result.shapes["b"] == (3,) and result.shapes["h"] == (3,) and result.shapes["L"] == ()
    assert any("b has the shape of the value it is added to" in n for n in result.notes())
    assert result.defaulted == ["W", "x", "b"]
    assert "W is 3×3, x is a vector of 3" in " ".join(result.notes())


def test_one_declaration_or_one_value_is_enough():
    assert shapes_of("param W[4, 2]\n" + MLP)["x"] == (2,)
    found = shapes_of(MLP, {"x": (5,)})
    assert found["W"] == (3, 5) and found["h"] == (3,)
    assert infer.infer(parse("param W[4, 2]\n" + MLP)).defaulted == []


def test_the_readme_model():
    found = shapes_of(README, {"x": (3,)})
    assert found["w"] == (3,) and found["b"] == found["y"] == found["L"] == ()


def test_ranks_follow_the_juxtaposition_rules():
    found = shapes_of("y = x^T A x")
    assert found["A"] == (3, 3) and found["x"] == (3,) and found["y"] == ()
    assert shapes_of("y = u @ v")["y"] == ()
    assert shapes_of("y = outer(u, v)")["y"] == (3, 3)


def test_an_elementwise_result_of_known_rank_shapes_its_operand():
    found = shapes_of("z = a + b\ny = W @ z")
    assert found["a"] == (3,) and found["b"] == (3,) and found["y"] == (3,)
    assert shapes_of("z = a * lam\ny = W @ z")["lam"] == ()      # a scaling stays a scalar


def test_a_leaf_nothing_fixes_is_a_scalar():
    found = shapes_of("param W[2, 2]\ny = sum(W) + c\nL = y * d")
    assert found["c"] == found["d"] == found["L"] == ()


def test_a_contradiction_is_reported_at_the_op_with_both_shapes():
    text = "param W[3, 2]\ny = W @ x\nz = x + v\nL = sum(z)"
    with pytest.raises(infer.ShapeError) as caught:
        infer.infer(parse(text, "m.gd"), {"v": (3,)})
    message = str(caught.value)
    assert message.startswith("m.gd:3:7: error: add cannot combine shapes 2 and 3")
    assert "  z = x + v\n        ^" in message


def test_a_value_that_contradicts_its_declaration_is_reported_at_the_leaf():
    with pytest.raises(infer.ShapeError) as caught:
        infer.infer(parse("input x[2]\ny = sum(x)", "m.gd"), {"x": (3,)})
    assert str(caught.value).startswith("m.gd:2:9: error: 'x' is declared a vector of 2 "
                                        "(`input x[2]`) but the value given is a vector of 3")
    assert "--set x=[1, 1]" in str(caught.value)


def test_plates_infer_one_sample():
    text = "L = Σ_n (W x_n - y_n)^2"
    found = shapes_of(text, {"x_n": (2,)})
    assert found["W"] == (3, 2)
    given = infer.given_shapes(parse(text), {"x_n": np.zeros((4, 2))})
    assert given == {"x_n": (2,)}


def test_the_note_suggests_a_value_for_the_data():
    note = infer.infer(parse("L = Σ_n (w^T x_n - y_n)^2")).notes()[-1]
    assert "`param w[3]`" in note and "--set x_n=[[1, 2, 3], [1, 2, 3]]" in note
    # the input x, not the bias b that has W x's shape (step 3)
    assert "--set x=[1, 2, 3]" in infer.infer(parse(MLP)).notes()[-1]


def test_a_plate_leaf_given_one_number_is_left_to_the_sample_count_error():
    result = run("grads", "-e", "L = Σ_n (W x_n - y_n)^2", "--set", "x_n=5")
    assert result.exit_code == 3 and "holds one value per sample" in result.stderr


def test_a_rule_without_a_form_is_inferred_once_its_operands_are_known(monkeypatch):
    def doubled(a):                         # a rule core/shape_forms.py does not know
        return None if a is None else tuple(2 * n for n in a)
    row = ops.OPS["exp"]
    monkeypatch.setitem(ops.OPS, "exp", row.__class__(**{**row.__dict__, "shape": doubled}))
    result = infer.infer(parse("param v[2]\ny = exp(v) + c"))
    assert result.shapes["y"] == (4,) and result.unknown_rules == ["exp"]


def test_scalar_models_skip_inference():
    program = parse("L = (w x + b - y)^2")
    assert infer.trivial(program) and not infer.trivial(program, {"x": (2,)})
    assert not infer.trivial(parse(MLP))


# -- where the shapes are used ------------------------------------------------------------
def test_leaf_values_take_the_inferred_shapes(capsys):
    program = parse(MLP)
    leaf = values.leaf_values(program, {"x": np.ones(4)}, 0)
    assert leaf["W"].shape == (3, 4) and np.shape(leaf["b"]) == (3,)
    values.leaf_values(program, {"x": np.ones(4)}, 1)
    err = capsys.readouterr().err
    assert err.count("graphdraw: note: sizes not fixed by the model: W is 3×4") == 1
    evaluate.forward(program, leaf)


def test_no_note_when_the_values_fix_every_size(capsys):
    program = parse(README)
    values.leaf_values(program, {"x": np.ones(3)}, 0)
    assert capsys.readouterr().err == ""


def test_check_shapes_names_the_op_with_a_caret():
    program = parse("y = W @ v", "m.gd")
    with pytest.raises(evaluate.NumericError) as caught:
        evaluate.check_shapes(program, {"W": np.ones((2, 3)), "v": np.ones(2)})
    assert isinstance(caught.value, SourceError)
    assert str(caught.value).startswith("m.gd:1:7: error: matmul cannot combine shapes 2×3 "
                                        "and 2")


def test_the_graph_shows_inferred_shapes_and_values_win():
    g = graph.build(parse(MLP), notations=("plain",))
    assert g.nodes["W"]["shape"] == [3, 3] and g.nodes["h"]["shape"] == [3]
    g = graph.build(parse(MLP), notations=("plain",), values={"x": np.ones(5)})
    assert g.nodes["W"]["shape"] == [3, 5]


@pytest.mark.parametrize("model", [MLP, README])
@pytest.mark.parametrize("extra", [[], ["--set", "x=[1,2,3]"]])
@pytest.mark.parametrize("command", [["grads", "--json"], ["hessian", "--json"],
                                     ["train", "--steps", "3", "--lr", "0.1"]])
def test_commands_compute_without_declarations(command, model, extra, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)          # train writes its pictures here
    result = run(*command, "-e", model, *extra)
    assert result.exit_code == 0, result.output
    if command[0] == "grads":
        grads = json.loads(result.stdout)["grads"]
        assert np.shape(grads["x" if extra else "W" if "W" in grads else "w"]) in ((3,), (3, 3))
    assert ("note: sizes not fixed" in result.stderr) == (not extra or model == MLP)


@pytest.mark.torch
@pytest.mark.parametrize("model", [MLP, README])
@pytest.mark.parametrize("extra", [[], ["--set", "x=[1,2,3]"]])
def test_check_agrees_with_torch_without_declarations(model, extra):
    result = run("check", "-e", model, *extra)
    assert result.exit_code == 0, result.output
    assert "✓ x    3" in result.stdout


def test_train_takes_the_shapes_from_the_data_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "or.csv").write_text("x_1,x_2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,1\n")
    result = run("train", "-e", "p = σ(wᵀ x + b)\nL = -(y log(p) + (1 - y) log(1 - p))",
                 "--data", "or.csv", "--steps", "5")
    assert result.exit_code == 0, result.output
    assert "3 parameters" in result.stdout and "note: sizes" not in result.stderr


def test_render_shows_the_inferred_shapes(tmp_path):
    out = tmp_path / "m.json"
    result = run("render", "-e", MLP, "-f", "json", "-o", str(out))
    assert result.exit_code == 0
    nodes = {n["id"]: n for n in json.loads(out.read_text())["nodes"]}
    assert nodes["W"]["shape"] == [3, 3] and nodes["h"]["shape"] == [3]
    shown = run("render", "-e", MLP, "--show", "values", "--set", "x=[1,2,3,4]", "-f", "dot",
                "-o", str(tmp_path / "m.dot"))
    assert shown.exit_code == 0 and "3×4" in (tmp_path / "m.dot").read_text()


def test_render_reports_a_contradiction_with_its_position():
    result = run("render", "-e", "param W[3, 2]\ny = W @ x\nz = x + v\nL = sum(z)", "-f",
                 "dot", "--show", "values", "--set", "v=[1,2,3]", "-o", "-")
    assert result.exit_code == 3
    assert "<-e>:3:7: error: add cannot combine shapes 2 and 3" in result.stderr


@pytest.mark.torch
@pytest.mark.parametrize("model", [MLP, README])
def test_gradients_with_inferred_shapes_match_torch(model):
    import torch
    program = parse(model)
    leaf = values.leaf_values(program, {}, 3)
    grads = backprop.backward(program, evaluate.forward(program, leaf))
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in leaf.items()}
    if model == MLP:
        loss = (torch.tanh(t["W"] @ t["x"] + t["b"]) ** 2).sum()
    else:
        loss = 0.5 * (torch.sigmoid(t["w"] @ t["x"] + t["b"]) - t["y"]) ** 2
    loss.backward()
    for name, tensor in t.items():
        np.testing.assert_allclose(grads[name], tensor.grad.numpy(), rtol=1e-9, atol=1e-12)


# -- property: random chains of ops with shapes left to inference ----------------------------
LEAVES = ("W", "A", "x", "v", "b", "c")
_CALLS = [row for row in ops.ROWS if row.style == "call" and row.name in ops.FUNCTIONS
          and ops.call(row, row.arity) is row]
_INFIX = [ops.OPS[name] for name in ("add", "sub", "mul", "div", "matmul")]


@st.composite
def chains(draw):
    """A program of a few statements, each one op of the table over leaves or earlier
    results; some leaves declared with a random shape, some given a value's shape."""
    lines, names = [], list(LEAVES)
    for i in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["call", "infix", "transpose"]))
        pick = st.sampled_from(names)
        if kind == "call":
            row = draw(st.sampled_from(_CALLS))
            expr = f"{row.name}({', '.join(draw(pick) for _ in range(row.arity))})"
        elif kind == "infix":
            row = draw(st.sampled_from(_INFIX))
            expr = f"{draw(pick)} {row.plain} {draw(pick)}"
        else:
            expr = f"{draw(pick)}^T"
        lines.append(f"h{i} = {expr}")
        names.append(f"h{i}")
    shape = st.lists(st.integers(1, 3), max_size=2).map(tuple)
    declared = draw(st.dictionaries(st.sampled_from(LEAVES), shape, max_size=2))
    fixed = draw(st.dictionaries(st.sampled_from(LEAVES), shape, max_size=2))
    decls = [f"param {k}[{', '.join(map(str, s))}]" if s else f"param {k}"
             for k, s in declared.items()]
    return "\n".join(decls + lines), fixed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chains())
def test_random_chains_infer_shapes_the_forward_pass_accepts(case):
    text, fixed = case
    try:
        program = parse(text, "m.gd")
    except SourceError:
        assume(False)        # e.g. a declared shape the parser already refuses
    fixed = {k: s for k, s in fixed.items() if k in program.nodes}
    try:
        found = infer.infer(program, fixed).shapes
    except infer.ShapeError as exc:
        assert exc.source is not None and exc.line > 0 and exc.col > 0
        assert "^" in str(exc) and "error:" in str(exc)
        return
    try:
        leaf = values.leaf_values(program, {k: np.ones(s) for k, s in fixed.items()}, 0)
    except GraphdrawError as exc:       # ones as class indices of a single class
        assert "holds class indices" in str(exc), str(exc)
        return
    try:
        known = evaluate.check_shapes(program, leaf)
    except GraphdrawError as exc:         # only the value count of a plate may object here
        pytest.fail(f"inferred shapes the forward pass refuses: {exc}\n{text}")
    vals = evaluate.forward(program, leaf, checked=False)
    for node_id, shape in found.items():
        assert shape is not None, node_id
        assert tuple(known[node_id]) == shape == np.shape(vals[node_id]), node_id


def test_render_takes_shapes_from_the_values_given_without_drawing_numbers():
    """render --set x=[1,2]: the figure shows the shapes that value fixes, not the defaults."""
    import json as json_mod

    from click.testing import CliRunner

    from graphdraw.cli import cli
    result = CliRunner().invoke(cli, ["render", "-e", "h = tanh(W @ x + b); L = sum(h^2)",
                                      "--set", "x=[1,2]", "-f", "json", "-o", "-"])
    assert result.exit_code == 0, result.output
    shapes = {n["id"]: n["shape"] for n in json_mod.loads(result.stdout)["nodes"]}
    assert shapes["x"] == [2] and shapes["W"] == [3, 2]
    assert "used only with --show" not in result.stderr
    bad = CliRunner().invoke(cli, ["render", "-e", "L = w", "--set", "q=1", "-f", "dot"])
    assert bad.exit_code == 3 and "'q' is not a leaf" in bad.output
