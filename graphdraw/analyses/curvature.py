"""`graphdraw hessian`'s report: the Hessian at a point, its eigenvalues, index and verdict.

The mathematics is numeric/hessian.py's; this module adds what the command prints (text
and JSON) and the comparison with torch's Hessian (`--check`, through check's torch build).
"""

from __future__ import annotations

from graphdraw import limits
from graphdraw.language.program import Program
from graphdraw.lazy import np
from graphdraw.numeric import backprop
from graphdraw.numeric.hessian import (Point, pretty_entry, eigenvalues, entry_name, flatten,
                                       tolerance)

SHOW_MATRIX = 12         # the matrix is printed up to this many entries (--full: always)
SHOW_EIGENVALUES = 16


class Report:
    """The Hessian at a point with what the command prints: eigenvalues, index, gradient."""

    def __init__(self, program: Program, leaf_values: dict, leaves: list[str]) -> None:
        backprop.require_leaves(program, leaves)
        size = sum(int(np.size(leaf_values[leaf])) for leaf in leaves)
        for name, count in (("hessian", size), ("hessian_work", size * len(program.nodes))):
            limits.check(name, count, "the Hessian", hint="choose fewer leaves with --wrt, or "
                         f"set {limits.LIMITS[name].variable}=N to raise the limit")
        point = Point(program, leaf_values, leaves)
        self.entries = point.index()
        self.program, self.leaves, self.values = program, list(leaves), leaf_values
        self.output = program.output
        self.value = np.asarray(point.value, dtype=float)
        self.shapes = point.shapes
        self.gradient = flatten(point.gradient(), self.leaves)
        self.H = point.hessian()
        self.eigenvalues = eigenvalues(self.H)
        self.tol = tolerance(self.eigenvalues)
        self.negative = int(np.count_nonzero(self.eigenvalues < -self.tol))
        self.positive = int(np.count_nonzero(self.eigenvalues > self.tol))
        self.zero = len(self.eigenvalues) - self.negative - self.positive
        self.index = self.negative / len(self.eigenvalues) if len(self.eigenvalues) else 0.0
        self.asymmetry = float(np.abs(self.H - self.H.T).max()) if self.H.size else 0.0
        self.torch: dict | None = None

    @property
    def names(self) -> list[str]:
        return [entry_name(leaf, entry) for leaf, entry in self.entries]

    def compare_torch(self, rtol: float = 1e-8, atol: float = 1e-12) -> dict:
        """The Hessian against torch.autograd.functional.hessian (imports torch)."""
        from graphdraw.analyses.check import _torch, torch_hessian
        reference = torch_hessian(self.program, self.values, self.leaves)
        diff = np.abs(self.H - reference)
        scale = max(float(np.abs(reference).max()) if reference.size else 0.0, 1e-300)
        ok = bool(np.all(diff <= atol + rtol * scale))
        self.torch = {"version": str(_torch().__version__),
                      "max_abs": float(diff.max()) if diff.size else 0.0,
                      "max_rel": float(diff.max() / scale) if diff.size else 0.0,
                      "rtol": rtol, "atol": atol, "ok": ok}
        return self.torch

    def verdict(self) -> str:
        P = len(self.eigenvalues)
        flat = f", {self.zero} flat direction{'s' if self.zero != 1 else ''}" if self.zero else ""
        if P == 0:
            return "there are no parameter entries"
        if self.negative == 0 and self.zero == 0:
            return ("H is positive definite: the output curves upwards in every direction "
                    "(where the gradient is 0, a minimum)")
        if self.positive == 0 and self.zero == 0:
            return "H is negative definite: the output curves downwards in every direction"
        if self.negative == 0:
            return f"H is positive semi-definite{flat}"
        if self.positive == 0:
            return f"H is negative semi-definite{flat}"
        return (f"H is indefinite: the output curves downwards along {self.negative} "
                f"direction{'s' if self.negative != 1 else ''}{flat} (where the gradient is 0, "
                "a saddle)")

    def to_json(self) -> dict:
        from graphdraw.numeric.numbers import to_json as num
        return {"output": self.output, "value": num(self.value),
                "summed": self.value.ndim > 0, "wrt": self.leaves,
                "parameters": self.names, "hessian": self.H.tolist(),
                "eigenvalues": self.eigenvalues.tolist(), "index": self.index,
                "negative": self.negative, "zero": self.zero, "positive": self.positive,
                "zero_tolerance": self.tol, "gradient": self.gradient.tolist(),
                "gradient_norm": float(np.linalg.norm(self.gradient)),
                "symmetry_error": self.asymmetry, "torch": self.torch,
                "values": {k: num(v) for k, v in self.values.items()}}

    def format(self, name: str, note: str, full: bool = False) -> str:
        from graphdraw.language.names import pretty
        node = self.program.nodes[self.output]
        out_name = pretty(node.name or node.id, node.version)
        lines = ([f"Hessian of {out_name} — {name}, {note}", "", self._sizes(out_name), ""]
                 + self._matrix_lines(out_name, full) + [""]
                 + self._eigenvalue_lines(full) + self._checks(out_name))
        return "\n".join(lines) + "\n"

    def _sizes(self, out_name: str) -> str:
        """The output's value and the parameter entries, leaf by leaf."""
        from graphdraw.language.names import pretty
        from graphdraw.ops.shapes import fmt
        P = len(self.entries)
        value = (f"{float(self.value):.6g}" if self.value.ndim == 0 else
                 f"sum of {self.value.size} entries = {float(self.value.sum()):.6g}")
        parts = ", ".join(pretty(leaf) + (f" ({fmt(self.shapes[leaf])})" if self.shapes[leaf]
                                          else "") for leaf in self.leaves)
        return (f"{out_name} = {value}; {P} parameter entr{'ies' if P != 1 else 'y'}: "
                f"{parts}")

    def _matrix_lines(self, out_name: str, full: bool) -> list[str]:
        """The matrix when it is small (or --full), else its diagonal's range and largest entry."""
        P = len(self.entries)
        labels = [pretty_entry(leaf, entry) for leaf, entry in self.entries]
        if P and (P <= SHOW_MATRIX or full):
            return [f"∂²{out_name}/∂row ∂column:"] + _matrix(self.H, labels)
        if not P:
            return []
        k, l = np.unravel_index(int(np.abs(self.H).argmax()), self.H.shape)
        diag = np.diag(self.H)
        return [f"the {P}×{P} matrix is not shown (--full prints it, --json gives it); "
                f"its diagonal runs from {diag.min():.4g} to {diag.max():.4g}, its "
                f"largest entry is {self.H[k, l]:.4g} at ({labels[k]}, {labels[l]})"]

    def _eigenvalue_lines(self, full: bool) -> list[str]:
        P = len(self.entries)
        ev = self.eigenvalues
        if P <= SHOW_EIGENVALUES or full:
            shown = "  ".join(_g(v) for v in ev)
        else:
            shown = ("  ".join(_g(v) for v in ev[:5]) + "  …  " +
                     "  ".join(_g(v) for v in ev[-5:]))
        return ["eigenvalues, ascending:", "  " + shown,
                f"index {self.index:.4g}: {self.negative} negative, {self.zero} zero, "
                f"{self.positive} positive of {P} (|λ| ≤ {self.tol:.1e} counts as zero)",
                self.verdict()]

    def _checks(self, out_name: str) -> list[str]:
        """The gradient's norm, the symmetry error, and torch's verdict when asked for."""
        norm = float(np.linalg.norm(self.gradient))
        lines = [f"‖∇{out_name}‖ = {norm:.4g}" + (" here: a critical point" if norm < 1e-8
                 else " here: not a critical point, the eigenvalues describe the "
                      "curvature at this point"),
                 f"symmetry: max |H − Hᵀ| = {self.asymmetry:.1e} (H is computed exactly by "
                 "forward-over-reverse products, so only rounding is left)"]
        if self.torch is not None:
            t = self.torch
            mark = "✓" if t["ok"] else "✗"
            lines.append(f"{mark} vs torch.autograd.functional.hessian (torch {t['version']}): "
                         f"max abs {t['max_abs']:.1e}, max rel {t['max_rel']:.1e} "
                         f"(rtol {t['rtol']:g})")
        return lines


def _g(v: float) -> str:
    return f"{v:.4g}"


def _matrix(H, labels: list[str]) -> list[str]:
    cells = [[_g(v) if v != 0 else "0" for v in row] for row in H]
    width = max([len(s) for s in labels] + [len(c) for row in cells for c in row])
    left = max(len(s) for s in labels)
    lines = ["  " + " " * left + "  " + " ".join(s.rjust(width) for s in labels)]
    for label, row in zip(labels, cells):
        lines.append("  " + label.ljust(left) + "  " + " ".join(c.rjust(width) for c in row))
    return lines
