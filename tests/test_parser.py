"""The parser: statements, names and versions, juxtaposition, precedence, and bad input."""

from __future__ import annotations

import os
import subprocess
import warnings

import pytest

from graphdraw import ops
from graphdraw.language import parser
from graphdraw.errors import SourceError
from graphdraw.language.program import Program


def parse(text: str) -> Program:
    return parser.parse(text)


def err(text: str) -> SourceError:
    with pytest.raises(SourceError) as info:
        parser.parse(text)
    return info.value


def nodes(text: str) -> list[tuple]:
    """(id, op, args) of the op nodes of a model, in definition order."""
    return [(n.id, n.op, n.args) for n in parse(text).nodes.values() if n.op is not None]


def op_of(text: str, name: str = "a") -> tuple:
    """The (op, arg ops) of one named node: ('matmul', ('transpose', None))."""
    program = parse(text)
    node = program.nodes[name]
    return node.op, tuple(program.nodes[a].op for a in node.args)


def tree(program: Program, node_id: str | None = None):
    """A node as a nested tuple: ('sub', 'x', ('neg', 'y')); constants as their value."""
    node = program.nodes[node_id or program.output]
    if node.is_leaf:
        return node.id
    if node.is_const and node.op is None:
        return node.value
    return (node.op, *(tree(program, a) for a in node.args))


def rhs(text: str):
    return tree(parse("a = " + text))


# -- statements ----------------------------------------------------------------------------------

def test_the_exercise_equation_in_one_line():
    program = parse("L = 1/2 (σ(W_oᵀ σ(W_iᵀ x + b_a) + b_o) − y)²")
    assert program.output == "L"
    assert tree(program) == (
        "mul", 0.5, ("pow", ("sub", ("sigmoid", ("add", ("matmul", ("transpose", "W_o"),
                                                         ("sigmoid", ("add", ("matmul", (
                                                             "transpose", "W_i"), "x"),
                                                             "b_a"))), "b_o")), "y"), 2.0))


def test_statements_by_line_and_semicolon_give_the_same_program():
    by_line = parse("a = x + 1\nb = a * 2\n").dump()
    assert parse("a = x + 1; b = a * 2").dump() == by_line.replace("# line 2", "# line 1")
    assert parse("a = x + 1;\nb = a * 2;").dump() == by_line
    assert parse("a = x + 1;; ;b = a * 2").dump() == by_line.replace("# line 2", "# line 1")


def test_comments_and_blank_lines_are_ignored():
    program = parse("# a model\n\n   \na = x + 1   # the sum\n\n# end\n")
    assert [n.id for n in program.nodes.values()] == ["x", "%1", "a"]
    assert program.nodes["a"].line == 4


def test_a_statement_continues_inside_parentheses():
    program = parse("a = (x +\n     y)\nb = a")
    assert tree(program, "a") == ("add", "x", "y")
    assert program.output == "b"


def test_the_last_assignment_is_the_output():
    assert parse("a = x\nb = a + 1\nc = b * 2").output == "c"


def test_output_declaration_picks_the_output_wherever_it_is_written():
    assert parse("a = x + 1\nb = a * 2\noutput a").output == "a"
    assert parse("output a\na = x + 1\nb = a * 2").output == "a"


def test_output_declaration_of_a_rebound_name_is_its_newest_version():
    assert parse("output c\nc = x + 1\nc = c * 2\nd = c").output == "c'"


def test_output_that_does_not_exist_suggests_the_closest_name():
    e = err("loss = (y_hat - y)^2\noutput los")
    assert (e.line, e.col) == (2, 8)
    assert "'los'" in e.message and "not a name" in e.message
    assert "loss" in e.hint


def test_output_with_nothing_close_lists_the_names():
    e = err("loss = x + 1\noutput zzz")
    assert "loss" in e.hint


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment", "# one\n   # two\n",
                                  "\ufeff", "\ufeff# c\r\n"])
def test_no_equations_is_an_error(text):
    e = err(text)
    assert "no equations" in e.message
    assert "L = " in e.hint


def test_declarations_alone_are_no_equations():
    assert "no equations" in err("param W[2, 2]\ninput x[2]").message


# -- names, versions, leaves ---------------------------------------------------------------------

def test_rebinding_makes_versions_and_later_lines_see_the_newest():
    program = parse("c = a + b\nc = c * 2\nc = c + 1\nd = c")
    assert [n.id for n in program.nodes.values() if n.name == "c"] == ["c", "c'", "c''"]
    assert [program.nodes[i].version for i in ("c", "c'", "c''")] == [0, 1, 2]
    assert program.nodes["c'"].args[0] == "c"
    assert program.nodes["c''"].args[0] == "c'"
    assert program.nodes["d"].args == ("c''",)


def test_micrograd_style_self_reference_uses_the_old_version_twice():
    program = parse("c = a + b\nc = c + c + 1")
    inner = program.nodes[program.nodes["c'"].args[0]]
    assert inner.op == "add" and inner.args == ("c", "c")
    assert program.output == "c'"


def test_x_times_x_keeps_both_operands():
    assert nodes("y = x * x") == [("y", "mul", ("x", "x"))]


def test_a_leaf_assigned_later_names_both_lines():
    e = err("b = a + 1\n\nc = b\na = 2")
    assert (e.line, e.col) == (4, 1)
    assert "line 4" in e.message and "line 1" in e.message and "'a'" in e.message


@pytest.mark.parametrize("text, name", [("a = a*3/(a-1)", "a"),
                                        ("param a = -4\na = a*3/(a-1)", "a"),
                                        ("y = 2 x\nx = x + 1\nz = x + y", "x")])
def test_a_statement_that_reads_a_leaf_and_assigns_it_makes_a_new_version(text, name):
    program = parse(text)
    leaf, new = program.nodes[name], program.nodes[name + "'"]
    assert leaf.is_leaf and new.op is not None and new.version == 1 and new.name == name


def test_later_lines_see_the_new_version_of_a_rebound_leaf():
    program = parse("y = 2 x\nx = x + 1\nx = x * 2\nz = x + y\nx = 3")
    assert program.nodes["z"].args == ("x''", "y")
    assert program.nodes["y"].args[1] == "x" and program.nodes["x" + "'" * 3].value == 3


@pytest.mark.parametrize("text, line", [("a = b + 1\nb = a * 2", 2), ("y = x\nx = 5", 2),
                                        ("param a\nb = 1\na = b", 3)])
def test_assigning_a_used_leaf_without_reading_it_names_both_lines(text, line):
    e = err(text)
    assert (e.line, e.col) == (line, 1) and "line 1" in e.message


def test_a_declared_leaf_cannot_be_assigned():
    e = err("input x[2]\nparam W[2, 2]\n\nW = x + 1")
    assert (e.line, e.col) == (4, 1)
    assert "param" in e.message and "line 2" in e.message


def test_copy_of_a_name_is_an_id_node():
    program = parse("b = a\nc = b")
    assert nodes("b = a\nc = b") == [("b", "id", ("a",)), ("c", "id", ("b",))]
    assert program.nodes["a"].is_leaf


def test_a_named_constant_is_a_constant():
    program = parse("k = 2\ny = k x")
    assert program.nodes["k"].is_const and program.nodes["k"].value == 2.0
    assert program.nodes["y"].args == ("k", "x")


def test_unnamed_ids_never_collide_with_user_names_and_are_renumbered_in_order():
    program = parse("a = x * 2 + y\nb = a^3")
    unnamed = [i for i, n in program.nodes.items() if n.name is None and not n.is_leaf]
    assert unnamed == [f"%{k}" for k in range(1, len(unnamed) + 1)]
    assert all(not i.startswith("%") for i, n in program.nodes.items() if n.name)


@pytest.mark.parametrize("math, python", [
    ("a = α x", "a = alpha x"), ("y = ŷ", "y = y_hat"), ("y = y\u0302", "y = y_hat"),
    ("a = W_α x", "a = W_alpha x"), ("a = 𝑥 + 1", "a = x + 1"),
])
def test_spellings_of_the_same_name(math, python):
    assert parse(math).dump() == parse(python).dump()


def test_greek_ids_are_spelt_out_and_shown_as_greek():
    program = parse("η = 1/2\nw = η g")
    assert "eta" in program.nodes and "w" in program.nodes


def test_names_may_not_start_with_two_underscores():
    e = err("a = __class__ + 1")
    assert (e.line, e.col) == (1, 5) and "__" in e.message


# -- declarations ---------------------------------------------------------------------------------

def test_declarations_give_roles_shapes_sizes_and_values():
    program = parse("dim H = 3\ninput x[2]\ntarget y\nparam W[H, 2], b[H] , c = -4.0\n"
                    "const k = 1/2\nL = k (c + y) + sum(W x + b)")
    n = program.nodes
    assert (n["x"].role, n["x"].shape) == ("input", (2,))
    assert (n["y"].role, n["y"].shape) == ("target", ())
    assert (n["W"].role, n["W"].shape) == ("param", (3, 2))
    assert n["b"].shape == (3,) and n["c"].default == -4.0 and n["k"].default == 0.5
    assert n["k"].role == "const"
    assert program.dims == {"H": 3}


@pytest.mark.parametrize("text, value", [("-4.0", -4.0), ("+2", 2.0), ("1/2", 0.5), ("½", 0.5),
                                         ("-3/4", -0.75), ("1e-3", 0.001)])
def test_declared_values(text, value):
    assert parse(f"param k = {text}\na = 2 k").nodes["k"].default == value


@pytest.mark.parametrize("text", ["1/0", "1e400", "x", "2 + 1"])
def test_declared_values_that_are_not_finite_numbers(text):
    e = err(f"param k = {text}\na = 2 k")
    assert e.line == 1 and e.col >= 11


def test_declarations_may_come_after_their_use():
    program = parse("a = W x\nparam W[2, 3]\ninput x[3]")
    assert program.nodes["a"].shape == (2,)


def test_undeclared_leaves_are_params_with_unknown_shape():
    node = parse("a = x + 1").nodes["x"]
    assert node.role is None and node.shape is None


@pytest.mark.parametrize("text, line, col, fragment", [
    ("param W[2, 2], W\na = W", 1, 16, "declared twice"),
    ("param W[H]\na = W", 1, 9, "unknown size 'H'"),
    ("param W[2.5]\na = W", 1, 9, "whole numbers"),
    ("dim H = x\na = 1", 1, 1, "dim H = 4"),
    ("param W b\na = W", 1, 9, "separate declared names"),
    ("param x = y\na = x", 1, 11, "is a number"),
    ("output\na = x", 1, 1, "output L"),
    ("output a b\na = x", 1, 1, "output L"),
    ("param\na = x", 1, 6, "expected a name"),
])
def test_bad_declarations(text, line, col, fragment):
    e = err(text)
    assert (e.line, e.col) == (line, col)
    assert fragment in e.message + (e.hint or "")


def test_shape_mismatch_names_the_operation_its_line_and_both_shapes():
    e = err("param W[2, 3]\ninput x[4]\n\na = W x")
    assert e.line == 4
    assert "matmul" in e.message and "2×3" in e.message and "4" in e.message


def test_shapes_follow_the_ops():
    program = parse("param W[2, 3]\ninput x[3]\na = Wᵀ\nb = W x\nc = sum(b)\nd = b + 1")
    shapes = {k: n.shape for k, n in program.nodes.items() if n.name}
    assert shapes["a"] == (3, 2) and shapes["b"] == (2,) and shapes["c"] == ()
    assert shapes["d"] == (2,)


# -- juxtaposition --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2x", ("mul", 2.0, "x")),
    ("2 x", ("mul", 2.0, "x")),
    ("x 2", ("mul", "x", 2.0)),
    ("½ x", ("mul", 0.5, "x")),
    ("1/2 (y - t)^2", ("mul", 0.5, ("pow", ("sub", "y", "t"), 2.0))),
    ("W x", ("matmul", "W", "x")),
    ("W_iᵀ x", ("matmul", ("transpose", "W_i"), "x")),
    ("W_iᵀx", ("matmul", ("transpose", "W_i"), "x")),
    ("W (x + 1)", ("matmul", "W", ("add", "x", 1.0))),
    ("W 2", ("mul", "W", 2.0)),
    ("2 W", ("mul", 2.0, "W")),
    ("z (1 − z)", ("mul", "z", ("sub", 1.0, "z"))),
    ("W_i (x)", ("matmul", "W_i", "x")),
    ("uv (x)", ("mul", "uv", "x")),
    ("uv * (x)", ("mul", "uv", "x")),
    ("xᵀ y", ("matmul", ("transpose", "x"), "y")),
    ("x y z", ("mul", ("mul", "x", "y"), "z")),
    ("(x)(y)", ("mul", "x", "y")),
    ("σ(q)(1 − σ(q))", ("mul", ("sigmoid", "q"), ("sub", 1.0, ("sigmoid", "q")))),
    ("2 W x", ("matmul", ("mul", 2.0, "W"), "x")),
    ("x^2 y", ("mul", ("pow", "x", 2.0), "y")),
    ("-x y", ("mul", ("neg", "x"), "y")),
    ("W x + b", ("add", ("matmul", "W", "x"), "b")),
])
def test_juxtaposition(text, expected):
    assert rhs(text) == expected


def test_juxtaposition_with_a_bound_name_before_parentheses_is_a_product():
    program = parse("z = σ(q)\nzz = z(1 - z)")
    assert tree(program, "zz") == ("mul", ("sigmoid", "q"), ("sub", 1.0, ("sigmoid", "q")))
    program = parse("hidden = σ(q)\nd = hidden(1 - hidden)")
    assert program.nodes["d"].op == "mul"


def test_juxtaposition_follows_declared_shapes_over_the_capital_letter_rule():
    assert op_of("param W\ninput x[2]\na = W x") == ("mul", (None, None))
    assert op_of("param w[2, 2]\ninput x[2]\na = w x") == ("matmul", (None, None))
    assert op_of("input x[3], y[3]\na = xᵀ y")[0] == "matmul"
    assert parse("input x[3], y[3]\na = xᵀ y").nodes["a"].shape == ()


def test_juxtaposition_of_a_known_scalar_is_a_scaling():
    assert op_of("param W[2, 2], s\na = W s") == ("mul", (None, None))
    assert op_of("param W[2, 2]\na = W sum(W)") == ("mul", (None, "sum"))


def test_a_transposed_scalar_stays_a_scalar_in_juxtaposition():
    assert op_of("a = 2ᵀ x")[0] == "mul"


def test_unknown_long_names_before_parentheses_are_unknown_functions():
    e = err("a = frobnicate(x)")
    assert (e.line, e.col) == (1, 5) and "unknown function 'frobnicate'" in e.message


@pytest.mark.parametrize("text", [
    "p = my_softmax(z)", "y = leaky_rectifier(z)", "L = nll_loss_fn(p)", "r = l2_normal(w)",
    "y = z(1 - z)", "y = W_i(x)", "y = uv(x)", "y = f(x)", "y = W(x + 1)",
    "y = 2 + g(x)", "z = 1\ny = w(z)",
])
def test_an_unknown_name_before_parentheses_is_an_error_never_a_product(text):
    e = err(text)
    assert "unknown function" in e.message and e.col > 1
    assert "with a space" in e.hint and "* (…)" in e.hint and "param " in e.hint


def test_an_unknown_function_names_the_closest_functions():
    assert "'sigmoid'" in err("a = sigmoidd(x)").hint
    assert "'tanh'" in err("a = tahn(x)").hint
    assert "functions: sigmoid" in err("a = q(x)").hint


@pytest.mark.parametrize("text, target, expected", [
    ("z = 2 x\ny = z(1 - z)", "y", ("mul", ("mul", 2.0, "x"), ("sub", 1.0, ("mul", 2.0, "x")))),
    ("param w\ny = w(x + 1)", "y", ("mul", "w", ("add", "x", 1.0))),
    ("param W[2, 2]\ny = W(x)", "y", ("matmul", "W", "x")),
    ("y = x + 1\nq = x(y)", "q", ("mul", "x", ("add", "x", 1.0))),   # x: a leaf seen before
    ("y = W_o (a - t)", "y", ("matmul", "W_o", ("sub", "a", "t"))),
    ("y = z (1 - z)", "y", ("mul", "z", ("sub", 1.0, "z"))),
])
def test_products_written_on_purpose_before_parentheses(text, target, expected):
    assert tree(parse(text), target) == expected


def test_a_function_name_with_a_space_before_parentheses_is_still_a_call():
    assert rhs("sigmoid (x)") == ("sigmoid", "x")


def test_a_function_name_before_more_than_one_name_is_an_error():
    e = err("a = exp x y")
    assert (e.line, e.col) == (1, 5) and "exp(...)" in e.message
    assert rhs("exp x") == ("exp", "x")          # before one name: exp(x), as LaTeX reads it


def test_a_variable_may_share_a_functions_name():
    assert tree(parse("sum = a + b\nc = 2 sum")) == ("mul", 2.0, ("add", "a", "b"))
    assert tree(parse("σ = 2\nc = σ x")) == ("mul", 2.0, "x")


# -- precedence -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("-x^2", ("neg", ("pow", "x", 2.0))),
    ("(-x)^2", ("pow", ("neg", "x"), 2.0)),
    ("-x²", ("neg", ("pow", "x", 2.0))),
    ("p^-q*r", ("mul", ("pow", "p", ("neg", "q")), "r")),
    ("p**-q**2", ("pow", "p", ("neg", ("pow", "q", 2.0)))),
    ("p^q^r", ("pow", "p", ("pow", "q", "r"))),
    ("p - q - r", ("sub", ("sub", "p", "q"), "r")),
    ("p / q / r", ("div", ("div", "p", "q"), "r")),
    ("p / q * r", ("mul", ("div", "p", "q"), "r")),
    ("p - q + r", ("add", ("sub", "p", "q"), "r")),
    ("p + q * r", ("add", "p", ("mul", "q", "r"))),
    ("p * -q", ("mul", "p", ("neg", "q"))),
    ("p - -q", ("sub", "p", ("neg", "q"))),
    ("--p", ("neg", ("neg", "p"))),
    ("+p", ("id", "p")),
    ("-p * q", ("mul", ("neg", "p"), "q")),
    ("Wᵀ^2", ("pow", ("transpose", "W"), 2.0)),
    ("-Wᵀ", ("neg", ("transpose", "W"))),
    ("(p + q)ᵀ", ("transpose", ("add", "p", "q"))),
    ("p^qᵀ", ("pow", "p", ("transpose", "q"))),
    ("p @ q * r", ("mul", ("matmul", "p", "q"), "r")),
    ("p.T @ q", ("matmul", ("transpose", "p"), "q")),
    ("p^T", ("transpose", "p")),
    ("p^Tq", ("pow", "p", "Tq")),
])
def test_precedence(text, expected):
    assert rhs(text) == expected


@pytest.mark.parametrize("text, value, shown", [
    ("2^3^2", 512.0, "2^3^2"), ("2**3**2", 512.0, "2^3^2"), ("1/2", 0.5, "1/2"),
    ("½", 0.5, "1/2"), ("-1", -1.0, "-1"), ("2 3", 6.0, "2 * 3"), ("(2 + 3) 4", 20.0, None),
    ("-2^2", -4.0, "-2^2"), ("(-2)^2", 4.0, "(-2)^2"), ("2^-1", 0.5, "2^(-1)"),
    ("sigmoid(0)", 0.5, "sigmoid(0)"), ("1e-3", 0.001, "1e-3"), ("2²", 4.0, "2^2"),
])
def test_constants_fold_in_float64_and_keep_their_text(text, value, shown):
    node = parse("a = " + text).nodes["a"]
    assert node.is_const and node.value == pytest.approx(value)
    if shown is not None:
        assert node.text == shown


@pytest.mark.parametrize("text", ["3**3**3**50", "10^400", "9^9^9^9^9", "2^2^2^2^2^2"])
def test_huge_constant_exponents_answer_fast_with_a_clear_error(text):
    e = err("a = " + text + " x")
    assert "not a finite 64-bit number" in e.message
    assert e.line == 1


@pytest.mark.parametrize("text", ["1/0", "0^-1", "log(0)", "log(-1)", "sqrt(-1)", "exp(1000)",
                                  "(-8)^(1/3)", "1e400"])
def test_constants_that_are_not_finite_are_errors_without_warnings(text):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e = err("a = " + text)
    assert "finite" in e.message or "too large" in e.message
    assert e.line == 1 and e.col >= 5


def test_a_transposed_constant_is_kept_not_folded():
    program = parse("a = 2ᵀ")
    assert program.nodes["a"].op == "transpose"


# -- functions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, op", [
    ("σ(x)", "sigmoid"), ("sigmoid(x)", "sigmoid"), ("logistic(x)", "sigmoid"),
    ("tanh(x)", "tanh"), ("relu(x)", "relu"), ("ReLU(x)", "relu"), ("exp(x)", "exp"),
    ("log(x)", "log"), ("ln(x)", "log"), ("sqrt(x)", "sqrt"), ("√(x)", "sqrt"),
    ("abs(x)", "abs"), ("softplus(x)", "softplus"), ("sum(x)", "sum"), ("Σ(x)", "sum"),
    ("mean(x)", "mean"),
])
def test_functions_and_their_aliases(call, op):
    assert rhs(call) == (op, "x")


def test_every_call_style_row_can_be_called_by_its_name():
    for row in ops.ROWS:
        args = ", ".join(["x", "y"][:row.arity])
        if row.style == "call" and row.plain in ("", row.name):
            assert rhs(f"{row.name}({args})") == (row.name, *["x", "y"][:row.arity])
        elif row.style == "call":       # cross_entropy of class indices: chosen from shapes
            assert rhs(f"{row.plain}({args})") == (row.plain, *["x", "y"][:row.arity])
            assert ops.OPS[row.plain].shape(None, None) == ()


@pytest.mark.parametrize("text, suggestion", [
    ("sigma(x)", "sigmoid"), ("sigmod(x)", "sigmoid"), ("tanhh(x)", "tanh"),
    ("Sigma(x)", "sum"), ("expp(x)", "exp"),
])
def test_unknown_functions_suggest_the_closest_known_one(text, suggestion):
    e = err("a = " + text)
    assert (e.line, e.col) == (1, 5)
    assert "unknown function" in e.message
    assert f"'{suggestion}'" in e.hint


@pytest.mark.parametrize("text, col, fragment", [
    ("sigmoid(x, y)", 12, "takes 1 argument, not 2"),
    ("tanh(x, y, z)", 9, "takes 1 argument, not 3"),
    ("sigmoid()", 13, "needs an argument"),
    ("x, y", 6, "without a matching '('"),
    ("(x, y)", 7, "outside a function's argument list"),
    ("√x", 5, "√(x)"),
])
def test_wrong_numbers_of_arguments(text, col, fragment):
    e = err("a = " + text)
    assert (e.line, e.col) == (1, col)
    assert fragment in e.message


# -- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line, col, fragment", [
    ("a = x +", 1, 7, "operand is missing"),
    ("a = x +\nb = 1", 1, 7, "after '+'"),
    ("a = x + * y", 1, 9, "before '*'"),
    ("a = x ** ** y", 1, 10, "before '**'"),
    ("a = (x + y", 1, 5, "never closed"),
    ("a = ((x + y)", 1, 5, "never closed"),
    ("a = sigmoid(x", 1, 12, "never closed"),
    ("a = x + y)", 1, 10, "without a matching '('"),
    ("a = )", 1, 5, "before ')'"),
    ("a = ()", 1, 6, "empty parentheses"),
    ("a = x § y", 1, 7, "unexpected character"),
    ("x = y = z", 1, 7, "only one '='"),
    ("a = a == b", 1, 7, "only one '='"),
    ("a = lambda: 1", 1, 5, "Python"),
    ("a = [x for x in y]", 1, 8, "Python"),
    ("a = x if c else y", 1, 7, "Python"),
    ('a = "text"', 1, 5, "unexpected character"),
    ("a = x.foo", 1, 6, "only '.T'"),
    ("a = x[0]", 1, 6, "unexpected '['"),
    ("a = ", 1, 5, "missing expression"),
    ("= x", 1, 1, "NAME = expression"),
    ("a b = c", 1, 3, "NAME = expression"),
    ("1 = x", 1, 1, "NAME = expression"),
    ("f(x) = x^2", 1, 1, "f(x) = ..."),
    ("x + 1", 1, 3, "NAME = expression"),
    ("a = -", 1, 5, "after '-'"),
    ("a = ²", 1, 5, "before '²'"),
    ("a = ᵀx", 1, 5, "before 'ᵀ'"),
    ("a = x ^", 1, 7, "after '^'"),
    ("a = x\n+ y", 2, 1, "NAME = expression"),
])
def test_syntax_errors_point_at_the_place(text, line, col, fragment):
    e = err(text)
    assert (e.line, e.col) == (line, col), str(e)
    assert fragment in e.message + (e.hint or ""), str(e)
    shown = str(e)
    assert f"<model>:{line}:{col}: error:" in shown
    assert shown.splitlines()[2].strip() == "^"


@pytest.mark.parametrize("text, col", [("a = (x + y\nb = 2\nc = 3", 5),
                                       ("a = sigmoid(x\n\nb = 2", 12),
                                       ("a = (x + (y)\nb = 2", 5)])
def test_an_unclosed_parenthesis_running_into_the_next_statement_is_blamed(text, col):
    e = err(text)
    assert (e.line, e.col) == (1, col)
    assert "never closed" in e.message


@pytest.mark.parametrize("text", ["a = W @ 2", "a = 2 @ x", "param s\na = s @ x",
                                  "param s\na = x @ s"])
def test_a_matrix_product_with_a_known_scalar_is_an_error(text):
    e = err(text)
    assert "matmul" in e.message and "scalar" in e.message


def test_equality_hint_mentions_double_equals():
    assert "==" in err("a = a == b").hint


def test_error_text_has_the_source_line_and_a_caret_under_the_column():
    e = err("a = x\nb = (y +\n")
    lines = str(e).splitlines()
    assert lines[0] == "<model>:2:8: error: the expression ends after '+'; an operand is missing"
    assert lines[1] == "  b = (y +"
    assert lines[2].index("^") == lines[1].index("+")


def test_file_name_is_shown():
    with pytest.raises(SourceError) as info:
        parser.parse("a = x +", "model.gd")
    assert str(info.value).startswith("model.gd:1:7:")


@pytest.mark.parametrize("text, line, col", [
    ("a = x\r\nb = (y +\r\n", 2, 8),
    ("\ufeffa = x\r\nb = (y +\r\n", 2, 8),
    ("\ufeffa = x\n\n\tb = (y +", 3, 9),
    ("a = x\r\r\n\tb\t=\t(y\t+", 3, 9),
    ("# comment\r\n\r\nb = (y", 3, 5),
    ("a = (x\r\n + y\r\n c = ", 1, 5),
    ("a = x\r\n\tb = (y,\r\n", 2, 8),
])
def test_crlf_bom_and_tabs_keep_line_numbers_right(text, line, col):
    e = err(text)
    assert (e.line, e.col) == (line, col), str(e)


def test_injection_is_a_syntax_error_and_nothing_runs(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a))
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: calls.append(a))
    for text in ["a = __import__('os').system('true')", "__import__('os').system('true')",
                 "a = x.__class__.__base__", "a = __builtins__", "a = eval(x)",
                 "a = exec(x)", "a = (lambda: 1)()", "import os", "a = x; import os"]:
        with pytest.raises(SourceError):
            parser.parse(text)
    assert calls == []


def test_cyrillic_next_to_latin_names_the_scripts_and_both_names():
    e = err("x = 1\n\ny = 2 х")
    assert (e.line, e.col) == (3, 7)
    assert "Cyrillic" in e.message and "Latin" in e.message
    assert "'х'" in e.message and "'x' (line 1)" in e.message


def test_a_name_mixing_cyrillic_and_latin_is_an_error():
    e = err("a = 1\nbх = a")
    assert "mixed" in e.message


def test_a_model_entirely_in_cyrillic_is_fine():
    assert parse("у = 2 х").output == "у"


def test_greek_mixes_with_latin():
    assert parse("a = W_α x + σ_b").output == "a"


# -- size -----------------------------------------------------------------------------------------

def test_thousands_of_nested_parentheses():
    program = parse("a = " + "(" * 5000 + "x" + ")" * 5000)
    assert tree(program) == ("id", "x")


def test_thousands_of_nested_calls_and_signs():
    program = parse("a = " + "sigmoid(" * 3000 + "x" + ")" * 3000)
    assert len(program.nodes) == 3001
    program = parse("a = " + "-" * 5000 + "x")
    assert len(program.nodes) == 5001


def test_a_long_power_tower_is_right_associative_without_recursion():
    program = parse("a = " + "^".join(["x"] * 3000))
    node = program.nodes["a"]
    assert node.op == "pow" and node.args[0] == "x"
    assert program.nodes[node.args[1]].op == "pow"


def test_a_sum_of_fifty_thousand_terms():
    program = parse("a = " + " + ".join(f"x{i}" for i in range(50_000)))
    assert sum(1 for n in program.nodes.values() if n.is_leaf) == 50_000
    assert sum(1 for n in program.nodes.values() if n.op == "add") == 49_999


def test_a_chain_of_ten_thousand_statements():
    text = "a0 = x\n" + "\n".join(f"a{i} = a{i - 1} * 2 + 1" for i in range(1, 10_000))
    program = parse(text)
    assert program.output == "a9999"
    assert program.nodes["a9999"].line == 10_000


def test_ten_thousand_rebindings(monkeypatch):
    monkeypatch.setenv("GRAPHDRAW_MAX_VERSIONS", "10000")     # past the default limit
    program = parse("c = x\n" + "c = c + 1\n" * 10_000)
    assert program.output == "c'10000"      # ids grow by the version's digits
    assert program.nodes[program.output].version == 10_000


def test_an_unclosed_parenthesis_deep_inside_is_reported_at_the_right_place():
    e = err("a = " + "(" * 3000 + "x" + ")" * 2999)
    assert (e.line, e.col) == (1, 5)


def test_node_of_op_sets_the_fields_it_names():
    from graphdraw.language.program import Node
    made = Node.of_op("%3", "mul", ("a", "b"), (2,), 4, 7, "n")
    assert made == Node("%3", op="mul", args=("a", "b"), shape=(2,), line=4, col=7, plate="n")
