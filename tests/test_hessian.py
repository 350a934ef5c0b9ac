"""graphdraw hessian: forward-over-reverse Hessians against torch, the index, Newton and
saddle-free Newton directions, and the saddle demonstration."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib

import numpy as np
import pytest
from click.testing import CliRunner

from graphdraw import ops
from graphdraw.numeric import backprop, evaluate
from graphdraw.numeric import hessian
from graphdraw.analyses.check import torch_hessian
from graphdraw.language import source as model
from graphdraw.language import parser
from graphdraw.analyses import saddle
from graphdraw.ops import shapes
from graphdraw.numeric import values
from graphdraw.cli import cli

EXAMPLES = ["xor", "linear", "logistic", "tanh2", "micrograd", "xor-sum"]


def example(name: str, seed: int = 0):
    source = model.read_model(None, None, name)
    program = parser.parse(source.text, source.name)
    return program, values.leaf_values(program, {}, seed)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# -- the combine rules, both ways, for every row (no torch needed) ------------------------

CASES = {
    shapes.broadcast: [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((3,), ()), ((), (2, 3)),
                       ((2, 3), (3,)), ((2, 1), (1, 3))],
    shapes.same: [((),), ((3,),), ((2, 3),)],
    shapes.reduce: [((),), ((3,),), ((2, 3),)],
    shapes.transpose: [((),), ((3,),), ((2, 3),)],
    shapes.matmul: [((2, 3), (3, 4)), ((2, 3), (3,)), ((3,), (3, 4)), ((3,), (3,))],
    shapes.outer: [((3,), (4,))],
    shapes.vector: [((3,),)],
    shapes.class_indices: [((3,), ()), ((2, 3), (2,))],
    shapes.one_hot: [((), (3,))],
}
POSITIVE = {("log", 0), ("sqrt", 0), ("pow", 0), ("log1p", 0)}
INTERVAL = {("bce", 0): (0.05, 0.95), ("bce", 1): (0.0, 1.0)}     # probabilities


def row_cases():
    for row in ops.ROWS:
        for shape in CASES.get(row.shape, [((),) * row.arity]):
            yield pytest.param(row.name, shape, id=f"{row.name}-{shape}")


def operands(row, shape, rng):
    args = []
    for position, s in enumerate(shape):
        if (row.name, position) in INTERVAL:
            args.append(rng.uniform(*INTERVAL[row.name, position], size=s).astype(float))
            continue
        if position == row.extra.get("classes", (None,))[0]:          # class indices
            classes = shape[row.extra["classes"][1]][-1]
            args.append(rng.integers(0, classes, size=s).astype(float))
            continue
        magnitude = rng.uniform(0.3, 2.0, size=s)
        sign = 1.0 if (row.name, position) in POSITIVE else rng.choice([-1.0, 1.0], size=s)
        args.append(np.asarray(magnitude * sign, dtype=float))
    return args


@pytest.mark.parametrize("name, shape", list(row_cases()))
def test_combine_rules_give_the_rows_vjp_and_their_transpose(name, shape):
    """vjp_combine(ḡ, D) is the row's own VJP; jvp_combine is its exact transpose:
    ⟨ḡ, jvp(ṫ)⟩ = ⟨vjp(ḡ), ṫ⟩ for random ḡ and ṫ."""
    row = ops.OPS[name]
    rng = np.random.default_rng(zlib.crc32(repr((name, shape)).encode()))
    args = operands(row, shape, rng)
    out = np.asarray(row.forward(*args), dtype=float)
    g = rng.normal(size=out.shape)
    expected = row.vjp(g, out, *args)
    bindings = dict(zip("ab", args), out=out)
    for position, (template, kind) in enumerate(zip(row.derivs, row.combines())):
        d = backprop.local_derivative(template, bindings)
        got = hessian.vjp_combine(kind, g, d, args[position].shape)
        assert got.shape == args[position].shape
        np.testing.assert_allclose(got, expected[position], rtol=1e-12, atol=1e-14)
        t = rng.normal(size=args[position].shape)
        forward = hessian.jvp_combine(kind, d, t, out.shape)
        assert forward.shape == out.shape
        assert np.sum(g * forward) == pytest.approx(np.sum(got * t), rel=1e-12, abs=1e-13)


def test_jvp_through_a_program_matches_finite_differences():
    program, vals = example("tanh2")
    leaves = backprop.gradient_leaves(program)
    forward = evaluate.forward(program, vals)
    local = hessian._local_values(program, forward)
    rng = np.random.default_rng(1)
    v = {leaf: rng.normal(size=np.shape(vals[leaf])) for leaf in leaves}
    tangent = hessian._tangents(program, forward, local, v)[program.output]
    step = 1e-6
    plus = {k: vals[k] + step * v[k] if k in v else vals[k] for k in vals}
    minus = {k: vals[k] - step * v[k] if k in v else vals[k] for k in vals}
    fd = (evaluate.forward(program, plus)[program.output]
          - evaluate.forward(program, minus)[program.output]) / (2 * step)
    assert float(tangent) == pytest.approx(float(fd), rel=1e-7)


# -- the Hessian against torch ------------------------------------------------------------

def assert_matches_torch(program, vals, leaves=None, rtol=1e-8):
    leaves = leaves or backprop.gradient_leaves(program)
    H, index = hessian.hessian(program, vals, leaves)
    reference = torch_hessian(program, vals, leaves)
    assert H.shape == reference.shape == (len(index), len(index))
    scale = max(np.abs(reference).max(), 1e-300)
    assert np.abs(H - reference).max() <= 1e-14 + rtol * scale, (H, reference)
    return H, index


@pytest.mark.torch
@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("seed", [0, 3])
def test_examples_match_torch_autograd_hessian(name, seed):
    pytest.importorskip("torch")
    program, vals = example(name, seed)
    H, _ = assert_matches_torch(program, vals)
    assert np.abs(H - H.T).max() <= 1e-12 * max(np.abs(H).max(), 1.0)


# Building blocks for random models: domain-safe (log and sqrt of positive values only).
UNARY = ["tanh({})", "σ({})", "softplus({})", "exp({} / 4)", "log(1 + ({})^2)",
         "sqrt(({})^2 + 1)", "relu({})", "abs({})", "({})^3", "-({})", "({}) * ({})"]
BINARY = ["{} + {}", "{} - {}", "{} * {}", "{} / (1 + ({})^2)", "max({}, {})", "min({}, {})"]


def random_model(seed: int) -> str:
    """A small random model: a tanh layer W v + b, then elementwise ops and a reduction."""
    rng = np.random.default_rng(seed)
    lines = ["dim H = 3", "input v[3]", "param W[H, 3], b[H], c, u[H]",
             "h = tanh(W v + b)"]
    terms = ["h", "u", "c", "h * u"]
    for k in range(int(rng.integers(2, 5))):
        if rng.random() < 0.5:
            a = terms[int(rng.integers(len(terms)))]
            text = UNARY[int(rng.integers(len(UNARY)))].format(a, a)
        else:
            a, b = (terms[int(i)] for i in rng.integers(len(terms), size=2))
            text = BINARY[int(rng.integers(len(BINARY)))].format(a, b, b)
        lines.append(f"t_{k} = {text}")
        terms.append(f"t_{k}")
    reduce = "sum" if rng.random() < 0.5 else "mean"
    lines.append(f"L = {reduce}({terms[-1]} * {terms[-2]}) + c^2 {terms[-1]}ᵀ u")
    return "\n".join(lines)


@pytest.mark.torch
@pytest.mark.parametrize("seed", range(24))
def test_random_models_match_torch(seed):
    pytest.importorskip("torch")
    program = parser.parse(random_model(seed), f"<random {seed}>")
    vals = values.leaf_values(program, {}, seed)
    assert_matches_torch(program, vals)


@pytest.mark.torch
def test_hessian_with_respect_to_inputs_and_a_subset():
    pytest.importorskip("torch")
    program, vals = example("xor")
    H, index = assert_matches_torch(program, vals, ["x", "W_o"])
    assert index == [("x", (0,)), ("x", (1,)), ("W_o", (0,)), ("W_o", (1,))]


@pytest.mark.torch
def test_a_constant_exponent_on_a_negative_base_stays_finite():
    """pow's derivative with respect to its exponent, log(a) · out, is NaN for a < 0; the
    exponent here is a constant, so that edge must never be used."""
    pytest.importorskip("torch")
    program = parser.parse("param w = -1.5, v = 0.5\nL = (w - 2)^3 v + w^2 / v")
    vals = values.leaf_values(program, {}, 0)
    H, _ = assert_matches_torch(program, vals)
    assert np.all(np.isfinite(H))
    assert H[0, 0] == pytest.approx(6 * (-1.5 - 2) * 0.5 + 2 / 0.5)


def test_known_hessian_by_hand():
    """L = x² y + y³ at (1, 2): H = [[2y, 2x], [2x, 6y]] = [[4, 2], [2, 12]]."""
    program = parser.parse("param x = 1, y = 2\nL = x^2 y + y^3")
    H, index = hessian.hessian(program, values.leaf_values(program, {}, 0), ["x", "y"])
    assert index == [("x", ()), ("y", ())]
    np.testing.assert_allclose(H, [[4.0, 2.0], [2.0, 12.0]], rtol=1e-15)


def test_a_value_used_twice_and_a_non_scalar_output_summed():
    program = parser.parse("param w[2]\nL = w * w * w + w")       # summed: Σ w³ + w
    vals = {"w": np.array([2.0, -3.0])}
    H, _ = hessian.hessian(program, vals, ["w"])
    np.testing.assert_allclose(H, np.diag(6 * vals["w"]), rtol=1e-15)


def test_gradient_agrees_with_backprop():
    program, vals = example("xor")
    leaves = backprop.gradient_leaves(program)
    value, g, index = hessian.gradient(program, vals, leaves)
    grads = backprop.backward(program, evaluate.forward(program, vals))
    np.testing.assert_array_equal(g, hessian.flatten(grads, leaves))
    assert [hessian.entry_name(*e) for e in index][:2] == ["W_i[1,1]", "W_i[1,2]"]


def test_flatten_and_unflatten_round_trip():
    arrays = {"A": np.arange(6.0).reshape(2, 3), "b": np.array(7.0)}
    shapes_ = {k: np.shape(v) for k, v in arrays.items()}
    flat = hessian.flatten(arrays, ["A", "b"])
    np.testing.assert_array_equal(flat, [0, 1, 2, 3, 4, 5, 7])
    back = hessian.unflatten(flat, ["A", "b"], shapes_)
    np.testing.assert_array_equal(back["A"], arrays["A"])
    assert back["b"].shape == ()


# -- index, Newton and saddle-free Newton ---------------------------------------------------

def test_index_at_a_known_saddle():
    """L = ½ (w₂ w₁ − 1)² at the origin: H = [[0, −1], [−1, 0]], eigenvalues ±1, index ½."""
    program = parser.parse(saddle.MODEL, saddle.MODEL_NAME)
    vals = values.leaf_values(program, {"w_1": np.array(0.0), "w_2": np.array(0.0)}, 0)
    H, index = hessian.hessian(program, vals, ["w_1", "w_2"])
    np.testing.assert_allclose(H, [[0.0, -1.0], [-1.0, 0.0]], atol=1e-15)
    np.testing.assert_allclose(hessian.eigenvalues(H), [-1.0, 1.0])
    assert hessian.index(H) == 0.5


def test_index_counts_negative_eigenvalues_and_ignores_rounding():
    assert hessian.index(np.diag([1.0, 2.0, 3.0])) == 0.0
    assert hessian.index(np.diag([-1.0, -2.0, 3.0, 4.0])) == 0.5
    assert hessian.index(-np.eye(3)) == 1.0
    assert hessian.index(np.diag([-1e-20, 1.0])) == 0.0     # rounding, not curvature
    assert hessian.index(np.diag([-1e-20, 1.0]), tol=0.0) == 0.5
    rotation = np.array([[np.cos(0.3), -np.sin(0.3)], [np.sin(0.3), np.cos(0.3)]])
    assert hessian.index(rotation @ np.diag([-2.0, 5.0]) @ rotation.T) == 0.5


def test_newton_and_saddle_free_newton_on_a_diagonal_hessian():
    H, g = np.diag([2.0, -4.0]), np.array([2.0, 4.0])
    np.testing.assert_allclose(hessian.newton_direction(H, g, damping=0.0), [1.0, -1.0])
    np.testing.assert_allclose(hessian.newton_direction(H, g, damping=0.0, absolute=True),
                               [1.0, 1.0])
    # damping: (H + δI)⁻¹ g and g / (|λ| + δ)
    np.testing.assert_allclose(hessian.newton_direction(H, g, damping=1.0),
                               [2 / 3, 4 / -3])
    np.testing.assert_allclose(hessian.newton_direction(H, g, damping=1.0, absolute=True),
                               [2 / 3, 4 / 5])


def test_saddle_free_newton_always_descends_and_newton_need_not():
    rng = np.random.default_rng(0)
    for _ in range(20):
        Q, _ = np.linalg.qr(rng.normal(size=(5, 5)))
        H = Q @ np.diag(rng.uniform(-3, 3, size=5)) @ Q.T
        g = rng.normal(size=5)
        d = hessian.newton_direction(H, g, absolute=True)
        assert g @ d > 0                   # −d is a descent direction
        lam, V = np.linalg.eigh(H)
        np.testing.assert_allclose(d, V @ np.diag(1 / (np.abs(lam) + 1e-3)) @ V.T @ g)
        np.testing.assert_allclose(hessian.newton_direction(H, g),
                                   np.linalg.solve(H + 1e-3 * np.eye(5), g))


def test_newton_direction_checks_shapes():
    with pytest.raises(ValueError):
        hessian.newton_direction(np.eye(2), np.ones(3))


# -- the saddle demonstration ---------------------------------------------------------------

@pytest.fixture(scope="module")
def demo():
    program = parser.parse(saddle.MODEL, saddle.MODEL_NAME)
    return saddle.Demo(program, values.leaf_values(program, {}, 0))


def test_demo_behaves_as_the_paper_describes(demo):
    gd, newton, sfn = demo.run("gd"), demo.run("newton"), demo.run("sfn")
    saddle_loss = 0.5
    # Newton converges to the saddle at the origin: L → ½, index ½, gradient → 0.
    assert np.linalg.norm(newton.points[-1]) < 1e-10
    assert newton.losses[-1] == pytest.approx(saddle_loss, abs=1e-12)
    assert newton.indices[-1] == 0.5 and newton.ends_at().startswith("a saddle")
    # Saddle-free Newton escapes to a minimum, far below the saddle's loss, within 15 steps.
    assert sfn.losses[15] < 1e-6 < saddle_loss
    assert sfn.ends_at() == "a minimum" and sfn.indices[-1] == 0.0
    # Gradient descent slows down on the plateau: near the saddle's loss from step 9 to 47,
    # long after saddle-free Newton has left, and it escapes only later.
    assert all(abs(loss - saddle_loss) < 0.1 for loss in gd.losses[9:48])
    assert gd.losses[-1] < 1e-3
    # Every step of saddle-free Newton went downhill.
    assert all(b <= a + 1e-12 for a, b in zip(sfn.losses, sfn.losses[1:]))


def test_demo_text_json_and_picture(demo):
    text = demo.format("the demo")
    assert "saddle-free Newton" in text and "a saddle (index 0.5)" in text
    data = demo.to_json()
    assert data["parameters"] == ["w_1", "w_2"]
    assert [r["method"] for r in data["runs"]] == ["gd", "newton", "sfn"]
    assert len(data["runs"][0]["losses"]) == demo.steps + 1
    png = demo.plot("png")
    assert png.startswith(b"\x89PNG")


def test_saddle_command_writes_the_picture(tmp_path):
    path = tmp_path / "saddle.svg"
    result = run("saddle", "--plot", str(path), "--steps", "40")
    assert result.exit_code == 0, result.output
    assert "Newton" in result.output and f"wrote {path}" in result.output
    assert path.read_text().lstrip().startswith("<?xml")
    result = run("saddle", "--json", "--steps", "5")
    assert json.loads(result.output)["steps"] == 5


def test_saddle_command_with_a_model_of_more_parameters():
    result = run("saddle", "-e", "param u = 0.9, v = 0.01, s = 1\nL = u^2 - v^2 + v^4 + s^2",
                 "--steps", "30", "--lr-gd", "0.05")
    assert result.exit_code == 0, result.output
    assert "a minimum" in result.output


def test_saddle_command_refuses_a_bad_plot_name(tmp_path):
    result = run("saddle", "--plot", str(tmp_path / "x.gif"))
    assert result.exit_code == 2                      # a usage error, as render -o x.gif
    assert "no format writes .gif files" in result.output and ".svg, .png or .pdf" in result.output


# -- the hessian command ------------------------------------------------------------------

def test_hessian_command_prints_matrix_eigenvalues_and_index():
    result = run("hessian")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Hessian of L — <example xor>, values from seed 0" in out
    assert "W_i[1,1]" in out and "b_o" in out
    assert "eigenvalues, ascending:" in out
    H, _ = hessian.hessian(*example("xor"), backprop.gradient_leaves(example("xor")[0]))
    expected = hessian.index(H)
    assert f"index {expected:.4g}:" in out


def test_hessian_command_json():
    result = run("hessian", "--example", "tanh2", "--json", "--seed", "2")
    data = json.loads(result.output)
    assert len(data["parameters"]) == 26 and np.shape(data["hessian"]) == (26, 26)
    assert data["negative"] + data["zero"] + data["positive"] == 26
    assert data["index"] == data["negative"] / 26
    assert data["eigenvalues"] == sorted(data["eigenvalues"])
    assert data["torch"] is None


def test_hessian_command_summarises_large_matrices_unless_full():
    short = run("hessian", "--example", "tanh2").output
    assert "the 26×26 matrix is not shown" in short and "…" in short
    full = run("hessian", "--example", "tanh2", "--full").output
    assert "W₁[4,3]" in full and "…" not in full


def test_hessian_command_wrt_and_values():
    result = run("hessian", "--wrt", "W_o,b_o", "--set", "x=[1,0]", "--set", "y=1")
    assert result.exit_code == 0
    assert "3 parameter entries" in result.output and "W_i" not in result.output


def test_hessian_command_refuses_too_many_entries():
    result = run("hessian", "-e", "param W[50, 50]\nL = sum(W * W)")
    assert result.exit_code == 7
    assert "--wrt" in result.output


@pytest.mark.torch
def test_hessian_command_check_against_torch():
    pytest.importorskip("torch")
    result = run("hessian", "--example", "xor-sum", "--check")
    assert result.exit_code == 0, result.output
    assert "✓ vs torch.autograd.functional.hessian" in result.output
    data = json.loads(run("hessian", "--check", "--json").output)
    assert data["torch"]["ok"] is True and data["torch"]["max_rel"] < 1e-12


def test_hessian_command_imports_no_torch_sympy_or_matplotlib():
    code = ("import sys\nfrom graphdraw.cli import cli\n"
            "try:\n    cli(['hessian'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('torch', 'sympy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_the_gallery_has_the_saddle_picture_the_command_draws(tmp_path):
    import os

    from graphdraw import gallery
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    assert os.path.exists(os.path.join(root, gallery.DIAGRAMS, "saddle.svg")), \
        "diagrams/saddle.svg is missing: run `make diagrams`"
    path = tmp_path / "saddle.svg"
    assert run("saddle", "--plot", str(path)).exit_code == 0
    assert path.read_bytes() == gallery.analysis_pictures()["saddle.svg"]()


def test_hessian_command_explains_what_has_no_hessian():
    result = run("hessian", "-e", "input x\nL = x^2")
    assert result.exit_code == 3 and "no leaf of this model gets a gradient" in result.output
    assert "index 0:" in run("hessian", "-e", "input x\nL = x^2", "--wrt", "x").output
    result = run("hessian", "--example", "xor-sum", "--wrt", "x_n")
    assert result.exit_code == 3 and "one value per sample" in result.output


@pytest.mark.parametrize("model, settings", [
    ("L = λ/2 ‖W‖²", ["--set", "W=[[0,0],[0,0]]", "--set", "λ=0.1", "--wrt", "W"]),
    ("L = x^0 + w x", ["--set", "x=0", "--wrt", "w,x"]),
])
def test_a_hessian_that_is_not_finite_is_an_error_not_nan(model, settings):
    """At a point where an op is not twice differentiable the Hessian has NaN entries: the
    command says so (exit 3) instead of an internal error or printing nan."""
    result = run("hessian", "-e", model, *settings)
    assert result.exit_code == 3, result.output
    assert "the Hessian is not finite at this point" in result.output
    assert "internal error" not in result.output and "= nan" not in result.output


def test_undeclared_leaves_in_the_hessian_are_named():
    # an undeclared x is a parameter: logistic regression's H then looks like a saddle
    from graphdraw.cli import cli
    note = "H includes w, x, b, which the model does not declare"
    found = CliRunner().invoke(cli, ["hessian", "-e", "L = (w x + b)^2"])
    assert found.exit_code == 0 and note in found.output, found.output
    declared = CliRunner().invoke(cli, ["hessian", "-e", "input x\nL = (w x + b)^2"])
    assert "H includes w, b, which" in declared.output, declared.output
    chosen = CliRunner().invoke(cli, ["hessian", "-e", "L = (w x + b)^2", "--wrt", "w,b"])
    assert "H includes" not in chosen.output, chosen.output
