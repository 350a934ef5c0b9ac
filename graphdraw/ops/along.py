"""Reductions along one axis: `sum(z, 1)`, `mean(z, 0)`, `max(z, 1)`, `min(z, 0)`,
`logsumexp(z, 1)` (the axis a constant integer, 0-based as in numpy and torch; negative axes
count from the last, -1 being the last).

The axis is a parameter of the row, not an operand: the parser reads the constant and asks
`along(name, axis)` for the row of that reduction along that axis, made on first use (as
sample_sum makes Σ_n's), so the shape rule (shapes.Along) knows which axis goes. The row
prints as `sum(z, 1)` (its `plain` name and its `params`; `amax(z, 1)` in plain text, which
reads back without the doubt of max(z, 1), `max(z, 1)` in pretty, HTML and LaTeX).

Its local derivative D has the operand's shape (or is a constant) and meets the adjoint ḡ
by the combine rule 'along:<axis>': ∂L/∂a = ḡ, with the reduced axis put back, ⊙ D.
D is written in the equation language with the broadcasting of the first axis (out lines up
with a's last axes); along the last axis the same formula is written on the transposes.
That is why a reduction goes along any axis of a vector or a matrix but only the first
axis (the batch) of a 3-D tensor, and why `first` (shapes.Along) is fixed by the axis as
written: 0 and -2, -3, … the first, 1, 2, … and -1 the last.
"""

from __future__ import annotations

from graphdraw.lazy import np
from graphdraw.ops import shapes
from graphdraw.ops.row import T, Op

# name -> (doc, D over {a} and {out}, whether D is a constant, latex, torch node)
KINDS: dict[str, tuple[str, str, bool, str, str]] = {
    "sum": ("sum along an axis", "1", True, r"\operatorname{sum}", "SumBackward1"),
    "mean": ("mean along an axis", "size(out) / size(a)", True, r"\operatorname{mean}",
             "MeanBackward1"),
    "amax": ("largest entries along an axis (ties share ḡ evenly)",
             "(1 - step({out} - {a})) / sum(1 - step({out} - {a}), 0)", False, r"\max",
             "AmaxBackward0"),
    "amin": ("smallest entries along an axis (ties share ḡ evenly)",
             "(1 - step({a} - {out})) / sum(1 - step({a} - {out}), 0)", False, r"\min",
             "AminBackward0"),
    "logsumexp": ("log Σ exp along an axis, without overflow", "exp({a} - {out})", False,
                  r"\operatorname{logsumexp}", "LogsumexpBackward0"),
}
NAMES = {"sum": "sum", "mean": "mean", "amax": "amax", "amin": "amin", "max": "amax",
         "min": "amin", "logsumexp": "logsumexp", "lse": "logsumexp", "LogSumExp": "logsumexp"}
_SHOWN = {"amax": "max", "amin": "min"}       # as users write them: max(z, 1)
_ROWS: dict[tuple[str, int], Op] = {}


def _expand(g, axis: int):
    """ḡ with the reduced axis put back (as a size 1), to broadcast over the operand."""
    return np.expand_dims(np.asarray(g, dtype=float), axis)


def _forward(kind: str, axis: int):
    def forward(a):
        a = np.asarray(a, dtype=float)
        if kind == "logsumexp":
            m = np.max(a, axis=axis, keepdims=True)
            m = np.where(np.isfinite(m), m, 0.0)
            return np.squeeze(m, axis) + np.log(np.sum(np.exp(a - m), axis=axis))
        fn = {"sum": np.sum, "mean": np.mean, "amax": np.max, "amin": np.min}[kind]
        return np.asarray(fn(a, axis=axis))
    return forward


def _vjp(kind: str, axis: int):
    def vjp(g, out, a):
        a = np.asarray(a, dtype=float)
        g, out = _expand(g, axis), _expand(out, axis)
        if kind == "sum":
            return (np.broadcast_to(g, a.shape).copy(),)
        if kind == "mean":
            return (np.broadcast_to(g / a.shape[axis], a.shape).copy(),)
        if kind == "logsumexp":
            return (g * np.exp(a - out),)
        hit = (a == out).astype(float)
        return (g * hit / np.sum(hit, axis=axis, keepdims=True),)
    return vjp


def _torch_forward(kind: str, axis: int):
    def forward(a):
        if kind in ("sum", "mean"):
            return getattr(a, kind)(dim=axis)
        return getattr(T, kind)(a, dim=axis)
    return forward


def derivative(template: str, axis: int) -> str:
    """D along `axis`: the template as written for the first axis, or on the transposes
    (and transposed back) for the last."""
    if shapes.Along(axis).first:
        return template.format(a="a", out="out")
    return "(" + template.format(a="a^T", out="out^T") + ")^T"


def along(name: str, axis: int) -> Op:
    """The row of the reduction `name` (sum, mean, max, min, logsumexp or an alias) along
    `axis`, made on first use and kept in ops.OPS under the name 'sum(axis=1)'."""
    from graphdraw.ops.table import OPS
    kind = NAMES[name]
    row = _ROWS.get((kind, axis))
    if row is None:
        doc, template, constant, latex, node = KINDS[kind]
        shown = _SHOWN.get(kind, kind)
        name = f"{kind}(axis={axis})"
        row = _ROWS[kind, axis] = OPS[name] = Op(
            name, 1, f"{doc} (here {axis})",
            (derivative(template, axis) if not constant else template,),
            _forward(kind, axis), _vjp(kind, axis),
            shapes.Along(axis),
            plain=kind, pretty=shown, html=shown, latex=latex,
            combine=(f"along:{axis}",), torch=(node,), torch_forward=_torch_forward(kind, axis),
            extra={"params": (str(axis),), "axis": axis})
    return row
