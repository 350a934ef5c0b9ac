"""Gradients against torch autograd and central finite differences, leaf by leaf."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from graphdraw.analyses.check import kinks
from graphdraw.analyses.check.torchmodel import _torch, build_torch
from graphdraw.language.program import Program
from graphdraw.lazy import np
from graphdraw.numeric import backprop, evaluate

# Default tolerances. graphdraw and torch both compute in float64 with the same formulas, so
# they agree to a few ulps; central differences are accurate to about step² and eps/step.
RTOL, ATOL = 1e-7, 1e-9
FD_RTOL, FD_ATOL, FD_STEP = 1e-5, 1e-7, 1e-6
FD_MAX = 256        # finite differences for at most this many entries of each leaf
FD_LEAVES = 32      # … and of at most this many leaves, evenly spread (each walks the model)
FD_WORK = 5_000_000  # … and entries × the model's values at most this (fewer for large models)


@dataclass
class LeafReport:
    """How one gradient leaf's gradient compares: graphdraw vs torch, graphdraw vs FD."""

    leaf: str
    shape: tuple
    torch_abs: float
    torch_rel: float
    torch_ok: bool
    fd_abs: float | None = None         # None: finite differences not computed
    fd_rel: float | None = None
    fd_ok: bool | None = None
    fd_checked: int = 0                 # entries compared with finite differences
    fd_skipped: list = field(default_factory=list)  # entries at a kink, not compared
    worst: dict | None = None           # the worst entry vs torch when it fails
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.torch_ok and self.fd_ok is not False

    def to_json(self) -> dict:
        return {"leaf": self.leaf, "shape": list(self.shape), "ok": self.ok,
                "torch": {"max_abs": _num(self.torch_abs), "max_rel": _num(self.torch_rel),
                          "ok": self.torch_ok},
                "finite_differences": None if self.fd_ok is None else {
                    "max_abs": _num(self.fd_abs), "max_rel": _num(self.fd_rel),
                    "ok": self.fd_ok, "entries": self.fd_checked,
                    "skipped_at_kinks": [_skip_json(s) for s in self.fd_skipped]},
                **({"worst": self.worst} if self.worst else {}),
                **({"note": self.note} if self.note else {})}


def _skip_json(skip: dict) -> dict:
    """A skipped entry in JSON: its index (0-based, as "worst"), the op and node at a kink."""
    return {"index": skip["index"], "op": skip["op"], "node": skip["node"],
            "node_index": skip["at"], "operands": [_num(v) for v in skip["operands"]],
            "reason": "kink"}


def _num(value):
    """A float for JSON: NaN and infinity (not JSON) become strings."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else str(value)


def _errors(mine, ref, rtol: float, atol: float):
    """(max abs error, max rel error, ok, index of the worst entry) of `mine` against `ref`."""
    mine, ref = np.asarray(mine, dtype=float), np.asarray(ref, dtype=float)
    if mine.size == 0:
        return 0.0, 0.0, True, None
    diff = np.abs(mine - ref)
    scale = np.maximum(np.abs(mine), np.abs(ref))
    with np.errstate(all="ignore"):
        rel = np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), 0.0)
    rel = np.where(np.isnan(diff), np.inf, rel)
    diff = np.where(np.isnan(diff), np.inf, diff)
    ok = bool(np.all(diff <= atol + rtol * np.abs(ref)))
    worst = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    return float(diff.max()), float(rel.max()), ok, tuple(int(i) for i in worst)


def compare_gradients(program: Program, values: dict, *, rtol: float = RTOL,
                      atol: float = ATOL, fd: bool = True, fd_rtol: float = FD_RTOL,
                      fd_atol: float = FD_ATOL, fd_step: float = FD_STEP,
                      fd_max: int = FD_MAX, tensors: dict | None = None) -> list[LeafReport]:
    """Per gradient leaf: graphdraw's backprop against torch autograd and finite differences.

    A non-scalar output is differentiated as the sum of its elements on all three sides.
    Finite differences are central, of graphdraw's own forward, with step
    `fd_step * max(1, |x|)`, for at most `fd_max` entries of each leaf (evenly spread).
    `tensors` reuses a `build_torch` result (its graph is kept for `compare_structure`).
    """
    torch = _torch()
    vals = evaluate.forward(program, values)
    grads = backprop.backward(program, vals)
    for leaf in backprop.gradient_leaves(program):
        if leaf in grads and not np.all(np.isfinite(grads[leaf])):
            bad = "NaN" if np.any(np.isnan(grads[leaf])) else "infinite"
            raise evaluate.at_node(
                program, leaf, f"the gradient ∂{program.output}/∂{leaf} is {bad} at this "
                f"point (declared on line {program.nodes[leaf].line}): check compares "
                "finite gradients", hint="take another point with --set or --seed")
    tensors = build_torch(program, values) if tensors is None else tensors
    leaves = backprop.gradient_leaves(program)
    output = tensors[program.output]
    if output.requires_grad and leaves:
        total = output.sum() if output.dim() else output
        found = torch.autograd.grad(total, [tensors[leaf] for leaf in leaves],
                                    allow_unused=True, retain_graph=True)
    else:
        found = [None] * len(leaves)
    reports = []
    fd_max = max(4, min(fd_max, FD_WORK // max(1, sum(int(np.size(v)) for v in vals.values()))))
    spread = {leaves[round(k)] for k in np.linspace(0, len(leaves) - 1, FD_LEAVES)} \
        if len(leaves) > FD_LEAVES else set(leaves)
    for leaf, torch_grad in zip(leaves, found):
        shape = tuple(np.shape(vals[leaf]))
        mine = grads.get(leaf, np.zeros(shape))
        theirs = np.zeros(shape) if torch_grad is None else torch_grad.detach().numpy()
        t_abs, t_rel, t_ok, worst = _errors(mine, theirs, rtol, atol)
        report = LeafReport(leaf, shape, t_abs, t_rel, t_ok)
        if not t_ok and worst is not None:
            report.worst = {"index": list(worst), "graphdraw": _num(np.asarray(mine)[worst]),
                            "torch": _num(np.asarray(theirs)[worst])}
        if fd and leaf in spread:
            _finite_differences(program, vals, leaf, mine, report, fd_rtol, fd_atol,
                                fd_step, fd_max)
        reports.append(report)
    return reports


def _finite_differences(program: Program, vals: dict, leaf: str, mine, report: LeafReport,
                        rtol: float, atol: float, step: float, limit: int) -> None:
    """Central differences of graphdraw's forward for entries of one leaf (into `report`).

    An entry whose step moves an op across a kink (kinks.py) is not compared: the central
    difference there is the mean of the two one-sided slopes, which no autograd computes.
    Such entries are listed in `report.fd_skipped`; torch autograd still compares them.
    """
    base = np.asarray(vals[leaf], dtype=float)
    downstream = backprop.needs_grad(program, {leaf}) - {leaf}
    order = [n for n in program.nodes if n in downstream]
    size = base.size
    picks = sorted(set(np.linspace(0, size - 1, min(size, limit)).round().astype(int).tolist())) \
        if size else []
    mine_flat = np.asarray(mine, dtype=float).reshape(-1)
    got, want, finite = [], [], True
    with np.errstate(all="ignore"):
        for flat in picks:
            h = step * max(1.0, abs(float(base.reshape(-1)[flat])))
            sides = []
            for sign in (1.0, -1.0):
                moved = base.copy().reshape(-1)
                moved[flat] += sign * h
                sides.append(_moved(program, vals, leaf, moved.reshape(base.shape), order))
            slope = (_total(program, sides[0]) - _total(program, sides[1])) / (2 * h)
            crossed = kinks.kinks_crossed(program, vals, sides[0], sides[1], order)
            if crossed:
                report.fd_skipped.append(_skipped(base.shape, flat, crossed, program, vals))
                continue
            if not math.isfinite(slope):        # not compared: no number to compare with
                finite = False
                continue
            got.append(mine_flat[flat])
            want.append(slope)
    report.fd_abs, report.fd_rel, report.fd_ok, _ = _errors(got, want, rtol, atol)
    report.fd_checked = len(got)
    if not finite:
        report.note = ("finite differences are not finite here (a domain edge nearby?): "
                       "those entries are compared with torch only")


def _skipped(shape: tuple, flat: int, crossed: list, program: Program, vals: dict) -> dict:
    """One skipped entry for the report: its index and the op at a kink (the first crossed)."""
    node_id, where = crossed[0]
    node = program.nodes[node_id]
    out_shape = np.shape(vals[node_id])
    operands = []
    for arg in node.args:
        try:
            operands.append(float(np.broadcast_to(vals[arg], out_shape)[where]))
        except ValueError:       # not elementwise: no single operand entry to name
            operands.append(None)
    return {"index": [int(i) for i in np.unravel_index(flat, shape)] if shape else [],
            "node": node_id, "op": node.op, "at": list(where), "operands": operands,
            "kinks": len(crossed)}


def _moved(program: Program, vals: dict, leaf: str, value, order: list[str]) -> dict:
    """Every node's value with one leaf changed, recomputing only what depends on it."""
    changed = dict(vals)
    changed[leaf] = value
    for node_id in order:
        changed[node_id] = kinks.node_value(
            program, node_id, [changed[a] for a in program.nodes[node_id].args])
    return changed


def _total(program: Program, values: dict) -> float:
    """The summed output."""
    return float(np.sum(values[program.output]))
