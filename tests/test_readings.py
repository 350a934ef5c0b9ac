"""Where the text could be read two ways, graphdraw reads it one documented way and says so
(a note on stderr, once per model), or refuses: e^x, the sample count N of 1/N Σ_n, matrix
products guessed from a capital letter, and LaTeX subscripts such as h_{t-1}."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.errors import EXIT_INPUT, SourceError
from graphdraw.language import names
from graphdraw.language.parser import parse


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def grads_json(text: str, *sets: str):
    args = ["grads", "--json", "-e", text]
    for s in sets:
        args += ["--set", s]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def ops_of(text: str) -> list[str]:
    return [n.op for n in parse(text).nodes.values() if n.op is not None]


# -- e^x ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["y = e^x", "y = e**x", "y = e^{x}", "y = e^(x)",
                                  r"y = \mathrm{e}^{x}"])
def test_e_to_a_power_is_exp(text):
    program = parse(text)
    assert program.nodes["y"].op == "exp" and "e" not in program.nodes
    assert any("exp(x)" in note and "param e" in note for note in program.notes)


def test_e_to_a_power_binds_like_a_power():
    assert ops_of("y = 2 e^x^2") == ["pow", "exp", "mul"]          # 2·exp(x²)
    assert ops_of("y = -e^x") == ["exp", "neg"]
    assert ops_of(r"y = e^{-x}") == ["neg", "exp"]
    assert parse("y = e^2").nodes["y"].value == pytest.approx(math.exp(2))


@pytest.mark.parametrize("text", ["param e\ny = e^x", "e = 2 x\ny = e^x", "const e = 3\ny = e^x"])
def test_a_declared_or_assigned_e_stays_a_variable(text):
    program = parse(text)
    assert program.nodes["y"].op == "pow" and not program.notes


@pytest.mark.parametrize("text, col", [("y = e + e^x", 9), ("y = e^x + e", 11),
                                       ("a = e * 2\ny = e^x", 5)])
def test_e_both_a_leaf_and_eulers_number_is_refused(text, col):
    with pytest.raises(SourceError) as info:
        parse(text)
    assert "Euler's number" in info.value.message and "param e" in info.value.hint
    assert info.value.col == col


@pytest.mark.torch
def test_e_to_the_x_agrees_with_torch_exp():
    import torch
    data, err = grads_json("y = e^(2x) + e**x", "x=0.3")
    x = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    y = torch.exp(2 * x) + torch.exp(x)
    y.backward()
    assert data["value"] == pytest.approx(y.item(), rel=1e-12)
    assert data["grads"]["x"] == pytest.approx(x.grad.item(), rel=1e-12)
    assert err.count("graphdraw: note: read 'e^x' as exp(x)") == 1      # once, not twice


# -- the sample count N -------------------------------------------------------------------------

MEAN_FORMS = [
    r"L = \frac{1}{N}\sum_{n=1}^{N}(w^T x_n - y_n)^2",
    "L = 1/N Σ_n (wᵀ x_n - y_n)^2",
    "L = (1/N) Σ_{n=1}^N (w^T x_n - y_n)^2",
    "L = 1/N sum_n (w.T @ x_n - y_n)**2",
]


@pytest.mark.parametrize("text", MEAN_FORMS)
def test_n_next_to_a_sum_over_samples_is_the_number_of_samples(text):
    program = parse(text)
    node = program.nodes["N"]
    assert node.is_leaf and node.role == "const" and node.counts == "n"
    assert any("number of samples" in note for note in program.notes)


@pytest.mark.torch
@pytest.mark.parametrize("text", MEAN_FORMS)
def test_the_mean_over_samples_divides_by_the_samples_as_torch(text):
    import torch
    xs, ys, w0 = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [1.0, 2.0, 3.0], [0.5, -1.0]
    data, err = grads_json(text, f"x_n={xs}", f"y_n={ys}", f"w={w0}")
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    loss = ((torch.tensor(xs, dtype=torch.float64) @ w - torch.tensor(ys, dtype=torch.float64))
            ** 2).mean()
    loss.backward()
    assert data["value"] == pytest.approx(loss.item(), rel=1e-12)
    assert data["grads"]["w"] == pytest.approx(w.grad.tolist(), rel=1e-12)
    assert "N" not in data["grads"]                     # no ∂L/∂N
    assert err.count("number of samples") == 1


def test_dim_n_is_the_number_of_samples():
    data, _ = grads_json("dim N = 4\nL = 1/N Σ_n (w x_n - y_n)^2", "w=1",
                         "x_n=[1, 2, 3, 4]", "y_n=[0, 0, 0, 0]")
    assert data["value"] == pytest.approx((1 + 4 + 9 + 16) / 4)
    result = run("grads", "-e", "dim N = 4\nL = 1/N Σ_n (w x_n - y_n)^2",
                 "--set", "x_n=[1, 2, 3]", "--set", "y_n=[0, 0, 0]")
    assert result.exit_code == EXIT_INPUT and "4 samples" in result.stderr


def test_random_values_take_the_number_of_samples_from_dim():
    from graphdraw.numeric.values import leaf_values
    for text, count in [("dim N = 3\nL = 1/N Σ_n w x_n", 3), ("L = 1/N Σ_n w x_n", 4),
                        ("input x_n = [1, 2]\nL = 1/N Σ_n w x_n", 2)]:
        values = leaf_values(parse(text), {})
        assert len(values["x_n"]) == count and values["N"] == count


def test_the_number_of_samples_cannot_be_set_by_hand():
    result = run("grads", "-e", "L = 1/N Σ_n x_n w", "--set", "N=3")
    assert result.exit_code == EXIT_INPUT
    assert "'N' is the number of samples" in result.stderr and "Traceback" not in result.output


def test_a_declared_n_stays_a_parameter():
    program = parse("param N\nL = 1/N Σ_n x_n")
    assert program.nodes["N"].role == "param" and program.nodes["N"].counts is None
    assert not program.notes


def test_the_upper_bound_names_the_count():
    program = parse(r"L = \frac{1}{M}\sum_{n=1}^{M} x_n")
    assert program.nodes["M"].counts == "n"
    with pytest.raises(SourceError, match="which is the number of samples"):
        parse("L = 1/N Σ_n^M x_n")                   # N or M: refused rather than a guess
    assert parse("param N\nL = 1/N Σ_n^M x_n").nodes["N"].role == "param"
    assert parse("L = 1/m Σ_i x_i").nodes["m"].counts == "i"       # Ng's m, without a bound


# -- matrix products guessed from a capital letter ----------------------------------------------

def test_a_capital_letter_guess_is_noted_once_per_model_on_stderr_only():
    text = "a = W x\nb = W (x + 1)\nc = U a"
    quiet = run("render", "-f", "json", "-o", "-", "-e", "param W[2, 2], U[2, 2]\n" + text)
    noisy = run("render", "-f", "json", "-o", "-", "-e", "input x[2]\n" + text)
    assert noisy.exit_code == 0 and quiet.exit_code == 0
    assert noisy.stderr.count("read 'W x' as a matrix product because W looks like a matrix "
                              "(capital letter); write W * x for a scaling") == 1
    assert noisy.stderr.count("because U looks like a matrix") == 1
    assert "graphdraw: note:" not in noisy.stdout and "note" not in quiet.stderr
    assert json.loads(noisy.stdout)["output"] == "c"


def test_notes_do_not_change_stdout():
    plain = run("render", "-f", "json", "-o", "-", "-e", "param e\ny = e^x")
    noted = run("render", "-f", "json", "-o", "-", "-e", "y = exp(x)")
    euler = run("render", "-f", "json", "-o", "-", "-e", "y = e^x")
    assert euler.stdout == noted.stdout != plain.stdout
    assert "note" in euler.stderr and "note" not in noted.stderr


@pytest.mark.parametrize("example", ["xor", "linear", "logistic", "tanh2", "micrograd",
                                     "xor-sum"])
def test_the_examples_read_without_notes(example):
    result = run("render", "--example", example, "-f", "json", "-o", "-")
    assert result.exit_code == 0 and "note" not in result.stderr


# -- LaTeX subscripts -----------------------------------------------------------------------------

def test_latex_subscript_expressions_are_names():
    program = parse(r"h_{t} = \tanh(W_{hh} h_{t-1} + U x_{t+1} + b)")
    assert {"W_hh", "h_t_minus_1", "x_t_plus_1"} <= set(program.nodes)
    assert names.pretty("h_t_minus_1") == "h_{t−1}"      # never h_t − 1
    assert names.html_name("x_t_plus_1") == "<i>x</i><sub>t+1</sub>"
    assert names.latex_name("h_t_minus_1") == "h_{t-1}"


def test_a_subscript_expression_renders():
    result = run("render", "-f", "json", "-o", "-", "-e",
                 r"param W[2, 2]" + "\n" + r"h_{t} = \tanh(W h_{t-1} + x_{t})")
    assert result.exit_code == 0, result.stderr
    labels = {n["id"]: n["label"] for n in json.loads(result.stdout)["nodes"]}
    assert labels["h_t_minus_1"] == "h_{t−1}"


# -- smaller breaks: x^0, a leaf rebound by a statement that reads it ---------------------------

POWERS_OF_ZERO = [
    ("y = x^0", 0.0, lambda x: x ** 0),
    ("y = x^0 + 3 x^2", [0.0, 1.0, -2.0], lambda x: x ** 0 + 3 * x ** 2),
    ("y = (x - 1)^0 * x", 1.0, lambda x: (x - 1) ** 0 * x),
]


@pytest.mark.torch
@pytest.mark.parametrize("text, value, torch_form", POWERS_OF_ZERO)
def test_a_power_zero_at_a_zero_base_is_one_with_gradient_zero_as_torch(text, value,
                                                                        torch_form):
    import torch
    data, _ = grads_json(text, f"x={value}")
    x = torch.tensor(value, dtype=torch.float64, requires_grad=True)
    y = torch_form(x)
    y.sum().backward()
    assert data["value"] == pytest.approx(y.detach().squeeze().tolist(), rel=1e-12)
    assert data["grads"]["x"] == pytest.approx(x.grad.squeeze().tolist(), rel=1e-12)


def test_check_passes_at_a_power_zero_of_zero():
    result = run("check", "-e", "y = x^0 + x^2", "--set", "x=0")
    assert result.exit_code == 0, result.output


@pytest.mark.torch
def test_a_rebound_leaf_agrees_with_torch():
    import torch
    data, _ = grads_json("a = a*3/(a-1)\nb = a + a^2", "a=-4")
    a = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    a1 = a * 3 / (a - 1)
    b = a1 + a1 ** 2
    b.backward()
    assert data["value"] == pytest.approx(b.item(), rel=1e-12)
    assert data["grads"]["a"] == pytest.approx(a.grad.item(), rel=1e-12)
    result = run("check", "-e", "a = a*3/(a-1)", "--set", "a=-4")
    assert result.exit_code == 0, result.output


def test_assigning_a_used_leaf_without_reading_it_is_an_error_on_the_cli():
    result = run("render", "-f", "json", "-o", "-", "-e", "a = b + 1\nb = a * 2")
    assert result.exit_code == EXIT_INPUT and result.stdout == ""
    assert "<-e>:2:1:" in result.stderr and "line 1" in result.stderr


# -- other readings among several ----------------------------------------------------------------

@pytest.mark.parametrize("text, fragment", [
    ("y = 1/2x", "read '1/2x' as (1/2)·x, left to right; write 1/(2 x)"),
    ("y = a/2b + a/2b", "read 'a/2b' as (a/2)·b"),
    ("dim T = 3\ny = x^T x", "read '^T' as a transpose although T is also a name"),
    ("sum = a + b\nc = sum(x)", "read 'sum(' as the function sum although sum is also a "
                                "variable; write sum * (…) for a product"),
])
def test_other_readings_among_several_are_noted_once(text, fragment):
    result = run("render", "-f", "json", "-o", "-", "-e", text)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count(fragment) == 1
    assert json.loads(result.stdout)["nodes"]


@pytest.mark.parametrize("text", ["y = 1/2 x", "y = 1/2 (x - t)^2", "y = a/(2b)", "y = x^T x",
                                  "c = sum(x)", "y = 2x + 3 y_hat"])
def test_readings_with_one_meaning_print_no_note(text):
    assert not parse(text).notes


def test_a_variable_named_e_prints_in_parentheses_as_a_power():
    from graphdraw.language import printer
    program = parse("r = (e)^x")
    text = printer.Printer(program, "plain").forward(program.nodes["r"])
    assert "(e)^x" in text and parse(text).nodes["r"].op == "pow"


@pytest.mark.parametrize("model", [
    "L = λ/2 ‖W‖_F²", "L = λ/2 ||W||_2^2", "L = λ/2 norm(W)_F^2",
    r"L = \frac{\lambda}{2}\lVert W \rVert_F^2",
])
def test_a_norm_s_subscript_names_the_norm_and_makes_no_leaf(model):
    """‖W‖_F was read as ‖W‖ times a random parameter named _F: the weight decay came out
    wrong with exit 0. The subscripts of the Euclidean/Frobenius norm are read and dropped."""
    from click.testing import CliRunner

    from graphdraw.cli import cli
    result = CliRunner().invoke(cli, ["grads", "--json", "-e", model,
                                      "--set", "W=[[1,0,1],[0,1,-1]]", "--set", "λ=0.1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["value"] == pytest.approx(0.2)
    assert sorted(report["grads"]) == ["W", "lambda"]
    assert sum(report["grads"]["W"], []) == pytest.approx([0.1, 0, 0.1, 0, 0.1, -0.1])


def test_another_norm_s_subscript_is_refused():
    from click.testing import CliRunner

    from graphdraw.cli import cli
    result = CliRunner().invoke(cli, ["grads", "-e", "L = ‖x‖_1"])
    assert result.exit_code == 3
    assert "the norm 1 is not one graphdraw knows" in result.output and "sum(abs(x))" in result.output


def test_a_printed_shifted_subscript_reads_back_in_plain_text():
    program = parse("param W[2, 2]\nh_t = tanh(W h_{t−1} + x_{t+1})", syntax="plain")
    assert {"h_t_minus_1", "x_t_plus_1"} <= set(program.nodes)
    result = run("grads", "--syntax", "plain", "-e", "param W[2, 2]\nh_t = tanh(W h_{t-1})\n"
                 "L = sum(h_t)")
    assert result.exit_code == 0, result.stderr
    assert "∂L/∂h_{t−1} = " in result.stdout and "h_t−1" not in result.stdout + result.stderr
