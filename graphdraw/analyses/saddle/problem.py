"""The model the optimisers start on: its parameters as one flat vector, the loss anywhere."""

from __future__ import annotations

from graphdraw.errors import GraphdrawError
from graphdraw.language.program import Program
from graphdraw.lazy import np
from graphdraw.numeric import backprop, evaluate
from graphdraw.numeric import hessian

# The built-in model: the smallest network with a saddle. Two linear layers of one unit
# each, as in the deep linear networks of Saxe et al. (2014) that Dauphin et al. cite: the
# loss has a saddle at w₁ = w₂ = 0 (L = ½, Hessian eigenvalues ±1) and its minima on the
# hyperbola w₁ w₂ = 1. The start lies close to the saddle's attracting direction w₁ = −w₂.
MODEL = """\
# The saddle demonstration: a two-layer linear network with one unit per layer, one sample.
# L has a saddle at w_1 = w_2 = 0 (L = 1/2) and its minima on the hyperbola w_1 w_2 = 1.
input x = 1
target y = 1
param w_1 = 1.2, w_2 = -1.195
ŷ = w_2 w_1 x
L = 1/2 (ŷ − y)²
"""
MODEL_NAME = "the built-in saddle demonstration, L = 1/2 (w₂ w₁ x − y)² with x = y = 1"


class Problem:
    """A program, the values of its leaves, and the parameters (`leaves`) that move."""

    def __init__(self, program: Program, leaf_values: dict,
                 leaves: list[str] | None = None) -> None:
        self.program = program
        self.values = dict(leaf_values)
        # Parameters in alphabetical order (w_1 before w_2: the axes of the picture).
        self.leaves = sorted(leaves if leaves is not None else
                             backprop.gradient_leaves(program))
        if not self.leaves:
            raise GraphdrawError("the model has no parameters to optimise")
        self.shapes = {leaf: np.shape(self.values[leaf]) for leaf in self.leaves}
        self.start = hessian.flatten(self.values, self.leaves)

    @property
    def builtin(self) -> bool:
        """Whether this is the built-in demonstration (its picture says more)."""
        return self.program.source.text == MODEL

    def point(self, flat) -> hessian.Point:
        """The gradient and Hessian at the flat parameter vector `flat`."""
        values = dict(self.values)
        values.update(hessian.unflatten(flat, self.leaves, self.shapes))
        return hessian.Point(self.program, values, self.leaves)

    def entries(self) -> list[tuple]:
        """(leaf, index) of each entry of the flat vector."""
        return hessian.flat_index(self.leaves, self.shapes)

    def entry_names(self) -> list[str]:
        return [hessian.entry_name(leaf, e) for leaf, e in self.entries()]

    def loss_name(self, versioned: bool = True) -> str:
        """The output's name for people: L."""
        from graphdraw.language.names import pretty
        out = self.program.nodes[self.program.output]
        return pretty(out.name or out.id, out.version) if versioned else \
            pretty(out.name or out.id)

    def surface(self, xs, ys):
        """The loss on a grid of the first two parameters (vectorised when every value is a
        scalar, as in the built-in model; point by point otherwise)."""
        W1, W2 = np.meshgrid(xs, ys)
        values = dict(self.values)
        values[self.leaves[0]], values[self.leaves[1]] = W1, W2
        scalar = all(np.ndim(v) == 0 for k, v in self.values.items())
        if scalar:
            try:
                with np.errstate(all="ignore"):
                    vals = hessian.forward_values(self.program, values)
                return np.broadcast_to(vals[self.program.output], W1.shape).astype(float)
            except (ValueError, TypeError):
                pass
        return self._coarse_surface(xs, ys, values)

    def _coarse_surface(self, xs, ys, values: dict):
        """The loss point by point on a 61 × 61 grid, spread back onto the fine one."""
        coarse_x, coarse_y = np.linspace(xs[0], xs[-1], 61), np.linspace(ys[0], ys[-1], 61)
        Z = np.full((61, 61), np.nan)
        for i, b in enumerate(coarse_y):
            for j, a in enumerate(coarse_x):
                values[self.leaves[0]], values[self.leaves[1]] = np.array(a), np.array(b)
                try:
                    Z[i, j] = float(np.sum(evaluate.forward(self.program, values)
                                           [self.program.output]))
                except evaluate.NumericError:
                    pass
        # Back onto the fine grid (nearest coarse point): contours need one grid.
        ii = np.clip(np.rint((np.asarray(ys) - ys[0]) / (ys[-1] - ys[0]) * 60).astype(int), 0, 60)
        jj = np.clip(np.rint((np.asarray(xs) - xs[0]) / (xs[-1] - xs[0]) * 60).astype(int), 0, 60)
        return Z[np.ix_(ii, jj)]
