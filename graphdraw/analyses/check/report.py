"""The whole check (`run_check`) and its report: the verdict, failures, text and JSON."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from graphdraw import ops
from graphdraw.analyses.check.gradients import (ATOL, FD_ATOL, FD_MAX, FD_RTOL, FD_STEP, RTOL,
                                                LeafReport, compare_gradients)
from graphdraw.analyses.check.structure import (OpMatch, StructureReport, TorchEdge,
                                                compare_structure)
from graphdraw.analyses.check.torchmodel import _torch, build_torch
from graphdraw.language import names
from graphdraw.language.program import Program
from graphdraw.lazy import np


@dataclass
class CheckReport:
    """Everything `graphdraw check` found; `ok` is the verdict."""

    program: Program = field(repr=False)
    leaves: list[LeafReport]
    structure: StructureReport | None
    tolerances: dict
    torch_version: str = ""
    tensors: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.leaves) and (self.structure is None or self.structure.ok)

    @property
    def failures(self) -> list[str]:
        """One line per disagreement, naming the leaf or node (in the user's notation)."""
        name = lambda node_id: _pretty(self.program, node_id)    # noqa: E731
        out = name(self.program.output)
        lines = []
        for r in self.leaves:
            if not r.torch_ok:
                where = (f" at [{','.join(str(i + 1) for i in r.worst['index'])}]"
                         if r.worst and r.worst["index"] else "")     # 1-based, as printed
                seen = (f" (graphdraw {r.worst['graphdraw']}, torch {r.worst['torch']})"
                        if r.worst else "")
                lines.append(f"∂{out}/∂{name(r.leaf)}: graphdraw and torch autograd differ "
                              f"by {r.torch_abs:.3g}{where}{seen}")
            if r.fd_ok is False:
                lines.append(f"∂{out}/∂{name(r.leaf)}: graphdraw and finite differences "
                             f"differ by {r.fd_abs:.3g}")
        if self.structure is not None:
            lines += _structure_failures(self.structure, name)
        return lines

    def to_json(self) -> dict:
        """A JSON-ready dict: {"ok", "output", "leaves": [...], "structure": {...}, ...}."""
        out = self.program.output
        return {"ok": self.ok, "output": out,
                "output_shape": list(np.shape(self.tensors[out])) if self.tensors else None,
                "torch": self.torch_version, "tolerances": self.tolerances,
                "leaves": [r.to_json() for r in self.leaves],
                "structure": None if self.structure is None else self.structure.to_json(),
                "failures": self.failures}

    def format(self) -> str:
        """A readable report: per-leaf errors, the structure summary, what did not match."""
        lines = _headline(self) + _gradient_lines(self)
        if self.structure is not None:
            lines += [""] + _structure_lines(self.program, self.structure)
        lines.append("")
        if self.ok:
            lines.append("ok: graphdraw's gradients and graph agree with torch")
        else:
            lines.append("FAILED: graphdraw disagrees with torch")
            lines.extend(f"  ✗ {line}" for line in self.failures)
        return "\n".join(lines) + "\n"


def run_check(program: Program, values: dict, *, rtol: float = RTOL, atol: float = ATOL,
              fd: bool = True, fd_rtol: float = FD_RTOL, fd_atol: float = FD_ATOL,
              fd_step: float = FD_STEP, fd_max: int = FD_MAX, structure: bool = True,
              show_saved: bool = False) -> CheckReport:
    """Check graphdraw's gradients and graph against torch: the whole `graphdraw check`.

    `values` holds every leaf's value (see values.leaf_values). The report's `tensors` are
    the torch build, for `side_by_side`. A model with a sum over samples is checked written
    out sample by sample (plates.unroll: x_1 … x_N, Σ_n as additions); the report holds
    that program.
    """
    from graphdraw.core import plates
    from graphdraw.numeric.evaluate import check_shapes
    check_shapes(program, values)          # a clear message before torch sees the values
    program, values = plates.unroll(program, values)
    torch = _torch()
    tensors = build_torch(program, values)
    found = None
    if structure:
        # Before gradients: make_dot reads the graph that autograd.grad would otherwise free.
        found = compare_structure(program, tensors, show_saved=show_saved)
    leaves = compare_gradients(program, values, rtol=rtol, atol=atol, fd=fd, fd_rtol=fd_rtol,
                               fd_atol=fd_atol, fd_step=fd_step, fd_max=fd_max,
                               tensors=tensors)
    tolerances = {"rtol": rtol, "atol": atol}
    if fd:
        tolerances.update(fd_rtol=fd_rtol, fd_atol=fd_atol, fd_step=fd_step, fd_max=fd_max)
    return CheckReport(program, leaves, found, tolerances, torch.__version__, tensors)


# -- names in the user's notation ------------------------------------------------------------

def _pretty(program: Program, node_id: str) -> str:
    node = program.nodes.get(node_id)
    if node is None or node.name is None:
        return node_id
    return names.pretty(node.name, node.version)


def _op_problem(m: OpMatch) -> str:
    allowed = ", ".join(ops.OPS[m.op].torch) or "none"
    if m.status == "wrong_name":
        return f"torch made {m.torch}, which the op table does not list (allowed: {allowed})"
    if m.status == "skipped":
        return (f"torch makes no node for it and passes {m.via} through, but graphdraw's "
                f"{m.op} changes the value")
    if m.status == "missing":
        return ("torch made no autograd node for it" if m.torch is None else
                f"its {m.torch} is not in torchviz's drawing")
    return m.status


def _one_line(label: str) -> str:
    """A torchviz label on one line: 'W_i (2, 2)'."""
    return " ".join(label.split()) or "(unnamed)"


def _edge_text(s: StructureReport, e: TorchEdge) -> str:
    names_ = {n.key: n.name or n.kind for n in s.nodes}
    return f"{e.source} {names_.get(e.source, '?')} → {e.target} {names_.get(e.target, '?')}"


def _g(value) -> str:
    if value is None:
        return "—"
    if not math.isfinite(value):
        return str(value)
    return "0" if value == 0 else f"{value:.1e}"


# -- text ------------------------------------------------------------------------------------

def _structure_failures(s: StructureReport, name) -> list[str]:
    lines = []
    if s.error:
        lines.append(f"structure: {s.error}")
    for m in s.ops:
        if not m.ok:
            lines.append(f"{name(m.node)} ({m.op}): {_op_problem(m)}")
    for leaf, key in s.leaves.items():
        if key is None:
            lines.append(f"leaf {name(leaf)}: no AccumulateGrad in torch's graph")
    for n in s.unmatched_nodes:
        lines.append(f"torch node {n.key} {n.name}: no graphdraw node accounts for it")
    for e in s.unmatched_edges:
        lines.append(f"torch edge {_edge_text(s, e)}: follows no graphdraw edge")
    for a, b in s.missing_edges:
        lines.append(f"graphdraw edge {name(a)} → {name(b)}: torch draws no such edge")
    return lines


def _headline(report: CheckReport) -> list[str]:
    from graphdraw.ops.shapes import fmt
    program = report.program
    out = program.output
    value = report.tensors[out].detach().numpy() if report.tensors else None
    shape = tuple(np.shape(value)) if value is not None else ()
    shown = f" = {float(value):.6g}" if value is not None and not shape else f" ({fmt(shape)})"
    lines = [f"graphdraw check: {_pretty(program, out)}{shown}, against torch "
             f"{report.torch_version} autograd, finite differences and torchviz"]
    if shape:
        lines.append(f"  {_pretty(program, out)} is not a scalar: every gradient is of the sum "
                     "of its elements")
    return lines


def _gradient_lines(report: CheckReport) -> list[str]:
    """The gradients table: per leaf, the errors against torch and finite differences."""
    from graphdraw.ops.shapes import fmt
    program, tol = report.program, report.tolerances
    fd = "fd_rtol" in tol
    width = max([4] + [len(_pretty(program, r.leaf)) for r in report.leaves])
    lead = " " * (4 + width + 1 + 9 + 1)
    lines = ["", "gradients",
             f"{lead}{'vs torch autograd':<25}{'vs finite differences' if fd else ''}",
             f"    {'leaf':<{width}} {'shape':<9}   {'max abs':>9}  {'max rel':>9}"
             + (f"     {'max abs':>9}  {'max rel':>9}" if fd else "")]
    if not report.leaves:
        lines.append("    (no leaf gets a gradient)")
    for r in report.leaves:
        row = (f"  {'✓' if r.ok else '✗'} {_pretty(program, r.leaf):<{width}} "
               f"{fmt(r.shape):<9} {'✓' if r.torch_ok else '✗'} {_g(r.torch_abs):>9}  "
               f"{_g(r.torch_rel):>9}")
        if r.fd_ok is not None:
            row += (f"   {'✓' if r.fd_ok else '✗'} {_g(r.fd_abs):>9}  {_g(r.fd_rel):>9}"
                    + (f"  ({r.fd_checked} of {math.prod(r.shape)} entries)"
                       if r.fd_checked < math.prod(r.shape) else ""))
        lines.append(row)
        lines.extend(_kink_lines(program, r))
        if r.note:
            lines.append(f"      note: {r.note}")
    tol_text = f"  tolerances: torch rtol {tol['rtol']:g}, atol {tol['atol']:g}"
    if fd:
        tol_text += (f"; finite differences rtol {tol['fd_rtol']:g}, atol {tol['fd_atol']:g}, "
                     f"step {tol['fd_step']:g}")
    lines.append(tol_text)
    return lines


def _kink_lines(program: Program, r: LeafReport) -> list[str]:
    """Which entries of a leaf the finite differences skipped, each with the op at its kink."""
    if not r.fd_skipped:
        return []
    count = len(r.fd_skipped)
    where = "a kink" if not any(ops.OPS[s["op"]].extra.get("clamped")
                                for s in r.fd_skipped) else "a kink or a clamp"
    lines = [f"      {count} entr{'y' if count == 1 else 'ies'} at {where}, skipped by finite "
             "differences (torch autograd still compares them):"]
    for skip in r.fd_skipped[:KINKS_SHOWN]:
        lines.append(f"        {kink_text(program, r.leaf, skip)}")
    if count > KINKS_SHOWN:
        lines.append(f"        … and {count - KINKS_SHOWN} more (--json lists them all)")
    return lines


KINKS_SHOWN = 8


def kink_text(program: Program, leaf: str, skip: dict) -> str:
    """'c[1]: relu at 0 in h₁', entries 1-based as the report prints them."""
    index = f"[{','.join(str(i + 1) for i in skip['index'])}]" if skip["index"] else ""
    known = [v for v in skip["operands"] if v is not None]
    at = (f" at {', '.join(f'{v:.6g}' for v in known)}"
          if known and len(known) == len(skip["operands"]) else "")
    node = program.nodes[skip["node"]]
    line = f"line {node.line}" if node.line else ""
    where = (f" in {_pretty(program, skip['node'])}" + (f" ({line})" if line else "")
             if node.name is not None else f" on {line}" if line else "")
    more = f" (and {skip['kinks'] - 1} more)" if skip["kinks"] > 1 else ""
    clamp = (" near 0 or 1, where torch clamps its log at −100 and its gradient"
             if ops.OPS[skip["op"]].extra.get("clamped") else "")
    return f"{_pretty(program, leaf)}{index}: {skip['op']}{clamp}{at}{where}{more}"


def _structure_lines(program: Program, s: StructureReport) -> list[str]:
    """The structure section: per op node and leaf what torch made, then what is unmatched."""
    if s.error:
        return [f"structure against torchviz: ✗ {s.error}"]
    lines = [f"structure against torchviz: {s.summary()} {'✓' if s.ok else '✗'}"]
    width = max([4] + [len(_pretty(program, m.node)) for m in s.ops]
                + [len(_pretty(program, leaf)) for leaf in s.leaves])
    for m in s.ops:
        lines.append(f"  {'✓' if m.ok else '✗'} {_pretty(program, m.node):<{width}} "
                     f"{m.op:<10} {_what_torch_made(program, m)}")
    for leaf, key in s.leaves.items():
        lines.append(f"  {'✓' if key else '✗'} {_pretty(program, leaf):<{width}} "
                     f"{'leaf':<10} {'AccumulateGrad' if key else 'not in torch graph'}")
    for n in s.merged:
        both = " and ".join(_one_line(lbl) for lbl in n.labels)
        lines.append(f"  note: torchviz draws {both} as one node (it keys nodes by "
                     "id: a saved tensor that is a parameter merges with it)")
    unmatched = ([f"torch node {n.key} {n.name}" for n in s.unmatched_nodes]
                 + [f"torch edge {_edge_text(s, e)}" for e in s.unmatched_edges]
                 + [f"graphdraw edge {_pretty(program, a)} → {_pretty(program, b)}"
                    for a, b in s.missing_edges])
    lines.append("  unmatched: none" if not unmatched else "  unmatched:")
    lines.extend(f"    {u}" for u in unmatched)
    return lines


def _what_torch_made(program: Program, m: OpMatch) -> str:
    if m.status == "passthrough":
        return f"no node: torch passes {_pretty(program, m.via)} through"
    if m.status == "no_grad":
        return "no node: no gradient flows through it (as in graphdraw)"
    if m.status in ("matched", "wrong_name"):
        what = m.torch + (f" (+ {', '.join(m.extra)})" if m.extra else "")
        if m.status == "wrong_name":
            what += f" — not in the op table ({', '.join(ops.OPS[m.op].torch)})"
        return what
    return _op_problem(m)
