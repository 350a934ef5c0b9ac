"""A check shared by the tests of the op rows (tests/test_ops_*.py): the backward equations
graphdraw prints (plain) parse back and evaluate to the gradients it computes."""

from __future__ import annotations

import numpy as np

from graphdraw.language import parser
from graphdraw.numeric import adjoint, backprop, evaluate


def printed_equations_give_the_gradients(program, values: dict) -> dict[str, str]:
    """Assert it for every equation; the right-hand sides by node, for further checks."""
    vals = evaluate.forward(program, values)
    grads = backprop.backward(program, vals)
    shapes = evaluate.check_shapes(program, values)
    eqs = adjoint.equations(program, shapes, "plain", wants=backprop.needs_grad(program))
    bindings = {k: v for k, v in vals.items() if not k.startswith("%")}
    bindings.update({f"d{program.output}_d{k}": g for k, g in grads.items()
                     if not k.startswith("%")})
    for eq in eqs:
        formula = parser.parse("r_ = " + eq.rhs)
        given = {n.id: bindings[n.id] for n in formula.nodes.values() if n.is_leaf}
        got = evaluate.forward(formula, given)[formula.output]
        np.testing.assert_allclose(np.broadcast_to(got, np.shape(grads[eq.node])),
                                   grads[eq.node], rtol=1e-10, atol=1e-12,
                                   err_msg=f"{eq.lhs} = {eq.rhs}")
    return {eq.node: eq.rhs for eq in eqs}


def matches_torch(program, values: dict, leaves: list[str], torch_loss) -> dict:
    """Assert that the program's value, its gradients (rtol 1e-9) and its Hessian with
    respect to `leaves` (through numeric/hessian.py) are torch autograd's in float64.
    `torch_loss(torch, tensors)` computes the same loss from a dict of tensors by name.
    Returns graphdraw's values."""
    import pytest
    torch = pytest.importorskip("torch")
    from graphdraw.numeric import hessian
    vals = evaluate.forward(program, values)
    grads = backprop.backward(program, vals)
    t = {k: torch.tensor(np.asarray(v, dtype=float), dtype=torch.float64,
                         requires_grad=k in leaves) for k, v in values.items()}
    out = torch_loss(torch, t)
    np.testing.assert_allclose(vals[program.output], out.item(), rtol=1e-12)
    for leaf, g in zip(leaves, torch.autograd.grad(out, [t[k] for k in leaves])):
        np.testing.assert_allclose(grads[leaf], g.numpy(), rtol=1e-9, atol=1e-13,
                                   err_msg=leaf)
    H, _ = hessian.hessian(program, values, leaves)
    sizes = [t[k].numel() for k in leaves]

    def f(flat):
        parts = dict(zip(leaves, torch.split(flat, sizes)))
        return torch_loss(torch, {**t, **{k: parts[k].reshape(t[k].shape) for k in leaves}})

    flat = torch.cat([t[k].detach().reshape(-1) for k in leaves])
    reference = torch.autograd.functional.hessian(f, flat).numpy()
    assert H.shape == reference.shape
    assert np.abs(H - reference).max() <= 1e-9 * max(np.abs(reference).max(), 1e-300)
    return vals
