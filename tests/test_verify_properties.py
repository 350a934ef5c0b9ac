"""Properties of graphdraw verify: grads' own formulas always verify; scaled ones are diagnosed."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphdraw.analyses.verify.report import verify
from graphdraw.errors import Source
from graphdraw.language import examples, parser
from graphdraw.numeric import backprop, values
from graphdraw.numeric.derivatives import Gradients

# The built-in models that grads --scalar expands and that have no sum over samples.
EXAMPLES = ["xor", "linear", "logistic", "tanh2", "micrograd"]
ACTIVATIONS = ["σ", "tanh", "exp", "softplus", "relu"]
LOSSES = ["1/2 (ŷ − y)²", "(ŷ − y)²", "−y log(ŷ) − (1 − y) log(1 − ŷ)", "abs(ŷ − y)"]


@st.composite
def models(draw) -> str:
    """A built-in model, or a small network: one or two layers, an activation, a loss."""
    if draw(st.booleans()):
        return examples.text(draw(st.sampled_from(EXAMPLES)))
    k, h = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    act = draw(st.sampled_from(ACTIVATIONS))
    loss = draw(st.sampled_from(LOSSES))
    if draw(st.booleans()):
        return (f"input x[{k}]\ntarget y\nparam w[{k}], b\n"
                f"a = wᵀ x + b\nŷ = σ(a)\nL = {loss}")
    return (f"input x[{k}]\ntarget y\nparam W[{k}, {h}], c, v[{h}], d\n"
            f"a = Wᵀ x + c\nz = {act}(a)\nŷ = σ(vᵀ z + d)\nL = {loss}")


def _claims(text: str, seed: int):
    program = parser.parse(text)
    leaf_values = values.leaf_values(program, {}, seed)
    result = Gradients(program, "<model>", leaf_values, backprop.gradient_leaves(program),
                       scalar=True)
    return program, result, [(f"{e.lhs} = {e.rhs}", e) for e in result.equations("pretty")]


def _verify(program, texts, seed):
    return verify(program, {}, [(t, Source(t, "<claim>"), 1, 0) for t in texts], count=8,
                  seed=seed, keep_going=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(), st.integers(0, 50))
def test_grads_own_formulas_verify(text, seed):
    program, _, claims = _claims(text, seed)
    result = _verify(program, [c for c, _ in claims], seed)
    wrong = [(v.text, v.error or v.diagnosis) for v in result.verdicts if not v.ok]
    assert not wrong, text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(), st.integers(0, 50), st.sampled_from(["−1", "2", "1/2", "3"]),
       st.data())
def test_a_scaled_formula_is_diagnosed(text, seed, factor, data):
    program, result, claims = _claims(text, seed)
    claims = [(c, e) for c, e in claims if abs(result.entries.get(e.node, 0.0)) > 1e-6]
    if not claims:
        return
    _, equation = data.draw(st.sampled_from(claims))
    claim = f"{equation.lhs} = {factor} ({equation.rhs})"
    verdict = _verify(program, [claim], seed).verdicts[0]
    assert not verdict.ok, claim
    if factor == "−1":
        assert verdict.diagnosis.startswith("the sign is wrong"), verdict.diagnosis
    else:
        right = {"2": "1/2", "1/2": "2", "3": "1/3"}[factor]
        assert verdict.diagnosis.startswith(
            f"off by a constant factor: the derivative is {right} × yours"), verdict.diagnosis


def _backward_claims(name: str, seed: int):
    program = parser.parse(examples.text(name))
    leaf_values = values.leaf_values(program, {}, seed)
    result = Gradients(program, name, leaf_values, backprop.gradient_leaves(program))
    return program, [f"{e.lhs} = {e.rhs}" for e in result.equations("pretty")]


BACKWARD = examples.names()


@pytest.mark.parametrize("name", BACKWARD)
def test_grads_backward_equations_verify(name):
    """grads' tensor equations (∂L/∂W_o = ∂L/∂ŷ · ŷ (1 − ŷ) · z) verify, derivatives and all."""
    program, claims = _backward_claims(name, 0)
    result = _verify(program, claims, 0)
    wrong = [(v.text, v.error or v.diagnosis) for v in result.verdicts if not v.ok]
    assert not wrong


# -- tensor equations that once printed ambiguously: each must read back to its value ----------

@st.composite
def tensor_models(draw) -> str:
    """Models whose backward equations hold an inner product, a ridge penalty, a transposed
    vector used again, elementwise products of vectors, or class indices."""
    k = draw(st.integers(2, 3))
    act = draw(st.sampled_from(["σ", "tanh"]))
    head = f"input x[{k}]\nparam w[{k}], u[{k}]\n"
    penalty = draw(st.sampled_from(["λ/2 wᵀ w", "λ/2 ‖w‖²", "λ/2 (w @ w)", "λ (w @ u)"]))
    body = draw(st.sampled_from([
        f"L = 1/2 (wᵀ x − 1)² + {penalty}",
        f"h = {act}(w) \nL = sum(h (1 − h) * x) + {penalty}",
        f"v = 2 wᵀ\nL = v (x + 1) + (u @ x)²",
        f"v = 2 wᵀ\nL = v (u + x) + {penalty}",
        "L = (w @ x) (u @ x) + sum(w * u * x)",
        f"target c\nparam W[3, {k}]\nz = W x + u @ w\nL = cross_entropy(z, c) + {penalty}",
    ]))
    return head + body


def _tensor_claims(text: str, seed: int, mode: str):
    program = parser.parse(text)
    leaf_values = values.leaf_values(program, {}, seed)
    result = Gradients(program, "<model>", leaf_values, backprop.gradient_leaves(program))
    return program, [f"{e.lhs} = {e.rhs}" for e in result.equations(mode)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tensor_models(), st.integers(0, 50), st.sampled_from(["pretty", "latex"]))
def test_grads_tensor_equations_read_back_to_their_values(text, seed, mode):
    """Printed (text or LaTeX) and read back by verify, each backward equation is the
    gradient: no inner product printed as `x y`, no `sum(w · wᵀ)`, no elementwise product
    of vectors juxtaposed in LaTeX."""
    program, claims = _tensor_claims(text, seed, mode)
    result = _verify(program, claims, seed)
    wrong = [(v.text, v.error or v.diagnosis) for v in result.verdicts if not v.ok]
    assert not wrong, text
