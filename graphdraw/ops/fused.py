"""Fused pairs: a loss of a function's result whose composed derivative textbooks write as one
formula (σ then BCE: σ(z) − y; log_softmax then NLL: softmax(z) − y).

Each row says: when `outer` takes the result of `inner` at operand `position`, the derivative
of the outer op with respect to the inner op's operand is `template`, text in the language over
`a` (the inner op's operand), `out` (the inner op's result) and `b` (the outer op's other
operand). Backprop's formulas (numeric/adjoint.py) and the named view's composed edges
(core/named.py) use the row instead of the product of the two local derivatives, where the
quotient and the factor it divides cancel. The numbers never use these rows: the tests check
each template against the product of the two rows' derivatives.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fused:
    """One pair: outer(inner(a), b) differentiated with respect to a."""

    inner: str
    outer: str
    position: int
    template: str
    note: str


ROWS: tuple[Fused, ...] = (
    Fused("sigmoid", "bce", 0, "(out - b) / size(out)",
          "σ′ = σ (1 − σ) cancels the quotient of BCE′ = (p − y) / (p (1 − p))"),
    Fused("log_softmax", "nll_loss", 0, "sum(b) * softmax(a) - b",
          "NLL′ = −y through log_softmax′: −y + softmax(a) sum(y)"),
    Fused("log_softmax", "nll_loss_index", 0, "(softmax(a) - onehot(b, a)) / size(b)",
          "NLL′ = −onehot(c) / N through log_softmax′: (softmax(a) − onehot(c)) / N"),
)

FUSED: dict[tuple[str, str, int], Fused] = {(r.inner, r.outer, r.position): r for r in ROWS}
INNER = frozenset(r.inner for r in ROWS)
