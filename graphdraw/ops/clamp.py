"""clamp(x, lo, hi): x limited to [lo, hi] entry by entry, with constant bounds.

The bounds are parameters of the row, as the axis of sum(z, 1) is (ops/along.py): the parser
reads the constants and asks `clamp(lo, hi)` for the row, made on first use and kept in
ops.OPS as 'clamp(-1, 1)'. Its local derivative is torch's: 1 where lo ≤ x ≤ hi (the bounds
included), else 0. `TEMPLATE` is the name `clamp` with its three arguments, for the parser
and its messages; it computes nothing.
"""

from __future__ import annotations

from graphdraw.lazy import np
from graphdraw.ops import shapes
from graphdraw.ops.row import T, Op
from graphdraw.ops.table import FUNCTIONS, OPS

_ROWS: dict[tuple[str, str], Op] = {}


def _never(*args):
    raise ValueError("clamp(x, lo, hi) is made into a row by the parser (ops.clamp)")


TEMPLATE = Op("clamp", 3, "x limited to [lo, hi] with constant bounds: clamp(x, lo, hi)", (),
              _never, _never, shapes.same, aliases=("clip",), latex=r"\operatorname{clamp}")
for _alias in (TEMPLATE.name, *TEMPLATE.aliases):
    FUNCTIONS.setdefault(_alias, TEMPLATE)        # a row per pair of bounds: clamp(lo, hi)


def clamp(lo: str, hi: str, low: float, high: float) -> Op:
    """The row of clamp(·, lo, hi): the bounds as written (lo, hi: how it prints) and their
    values."""
    row = _ROWS.get((lo, hi))
    if row is None:
        name = f"clamp({lo}, {hi})"
        row = _ROWS[lo, hi] = OPS[name] = Op(
            name, 1, f"a limited to [{lo}, {hi}] (derivative 1 inside, bounds included)",
            (f"(1 - step(({lo}) - a)) * (1 - step(a - ({hi})))",),
            lambda a: np.clip(a, low, high),
            lambda g, out, a: (g * ((a >= low) & (a <= high)),),
            shapes.same, plain="clamp", pretty="clamp", html="clamp", latex=TEMPLATE.latex,
            torch=("ClampBackward1",), torch_forward=lambda a: T.clamp(a, low, high),
            extra={"params": (lo, hi)})
    return row
