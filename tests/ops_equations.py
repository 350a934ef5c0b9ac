"""A check shared by the tests of the op rows (tests/test_ops_*.py): the backward equations
graphdraw prints (plain) parse back and evaluate to the gradients it computes."""

from __future__ import annotations

import numpy as np

from graphdraw.language import parser
from graphdraw.numeric import adjoint, evaluate


def printed_equations_give_the_gradients(program, values: dict) -> dict[str, str]:
    """Assert it for every equation; the right-hand sides by node, for further checks."""
    vals = evaluate.forward(program, values)
    grads = evaluate.backward(program, vals)
    shapes = evaluate.check_shapes(program, values)
    eqs = adjoint.equations(program, shapes, "plain", wants=evaluate.needs_grad(program))
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
