"""Proof against torch: gradients vs autograd and finite differences, structure vs torchviz.

The only module that imports torch and torchviz, and only inside functions, so every other
command runs without them. `run_check` is the whole check; its parts are usable alone:

- `build_torch`: the model built from torch ops (each op table row's `torch_forward`, or its
  `forward` written with operators), float64, gradient leaves with `requires_grad`;
- `compare_gradients`: per gradient leaf, graphdraw's backprop vs torch autograd vs central
  finite differences of graphdraw's own forward;
- `compare_structure`: graphdraw's graph vs the autograd graph that torchviz's `make_dot`
  draws, node by node and edge by edge;
- `side_by_side`: one DOT picture of both graphs, matched nodes numbered and coloured alike.
"""

from __future__ import annotations

import collections
import math
import re
import sys
import warnings
from dataclasses import dataclass, field

from graphdraw import ops
from graphdraw.numeric import evaluate
from graphdraw.language import names
from graphdraw.errors import ToolMissing
from graphdraw.lazy import np
from graphdraw.language.program import Program

INSTALL_HINT = ("install them with 'pip install torch==2.13.0 torchviz' (and setuptools on "
                "Python 3.12+); graphdraw render and graphdraw grads work without them")

# Default tolerances. graphdraw and torch both compute in float64 with the same formulas, so
# they agree to a few ulps; central differences are accurate to about step² and eps/step.
RTOL, ATOL = 1e-7, 1e-9
FD_RTOL, FD_ATOL, FD_STEP = 1e-5, 1e-7, 1e-6
FD_MAX = 256        # finite differences for at most this many entries of each leaf
MAX_NODES = 200_000  # make_dot recurses per node: past this, the structure is not compared

# Operand positions where a constant must stay a tensor: torch computes `10.0 / f` as
# reciprocal(f) * 10 (two autograd nodes, neither a DivBackward0).
_TENSOR_OPERANDS = {("div", 0)}

# torchviz's fill colours say what kind of node it drew (see torchviz/dot.py).
_VARIABLE, _SAVED, _OUTPUT, _BASE = "lightblue", "orange", "darkolivegreen1", "darkolivegreen3"


# -- imports ---------------------------------------------------------------------------------

def _torch():
    try:
        import torch
    except ImportError as exc:
        raise ToolMissing(f"graphdraw check needs PyTorch, which could not be imported ({exc})",
                          hint=INSTALL_HINT) from None
    return torch


def _torchviz():
    _torch()
    try:
        with warnings.catch_warnings():
            # torchviz 0.0.3 imports distutils, deprecated in 3.10 and gone from 3.12 on.
            warnings.simplefilter("ignore")
            import torchviz
    except Exception as exc:  # noqa: BLE001 - any import failure means the same fix
        raise ToolMissing(f"graphdraw check needs torchviz, which could not be imported "
                          f"({type(exc).__name__}: {exc})", hint=INSTALL_HINT) from None
    return torchviz


# -- the torch build -------------------------------------------------------------------------

def build_torch(program: Program, values: dict) -> dict:
    """The value of every node as a float64 torch tensor, built from torch ops.

    Leaves that get a gradient (undeclared or `param`) have `requires_grad=True`; inputs,
    targets and constants do not. Unnamed constants enter operator rows as Python floats,
    as a user would write them (`x**2` is one PowBackward0 with one input); the dict still
    holds a 0-d tensor for each.
    """
    torch = _torch()
    gradient = set(evaluate.gradient_leaves(program))
    leaves = {}
    for node in program.nodes.values():
        if node.is_leaf:
            array = np.array(values[node.id], dtype=float)
            leaves[node.id] = torch.tensor(array, dtype=torch.float64,
                                           requires_grad=node.id in gradient)
    return torch_values(program, leaves)


def torch_values(program: Program, leaves: dict) -> dict:
    """Every node's tensor computed from given leaf tensors (usable under gradcheck)."""
    torch = _torch()
    out: dict = {}
    for node in program.nodes.values():
        if node.is_leaf:
            out[node.id] = leaves[node.id]
        elif node.is_const:
            out[node.id] = torch.tensor(node.value, dtype=torch.float64)
        else:
            row = ops.OPS[node.op]
            args = [_operand(program, row, node, i, out) for i in range(len(node.args))]
            result = (row.torch_forward or row.forward)(*args)
            if not torch.is_tensor(result):
                result = torch.as_tensor(result, dtype=torch.float64)
            out[node.id] = result
    return out


def _operand(program: Program, row: ops.Op, node, position: int, out: dict):
    arg = program.nodes[node.args[position]]
    others = [program.nodes[a] for i, a in enumerate(node.args) if i != position]
    if (arg.is_const and row.torch_forward is None and others
            and not all(o.is_const for o in others)
            and (row.name, position) not in _TENSOR_OPERANDS):
        return float(arg.value)
    return out[arg.id]


# -- gradients -------------------------------------------------------------------------------

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
                    "ok": self.fd_ok, "entries": self.fd_checked},
                **({"worst": self.worst} if self.worst else {}),
                **({"note": self.note} if self.note else {})}


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
    grads = evaluate.backward(program, vals)
    tensors = build_torch(program, values) if tensors is None else tensors
    leaves = evaluate.gradient_leaves(program)
    output = tensors[program.output]
    if output.requires_grad and leaves:
        total = output.sum() if output.dim() else output
        found = torch.autograd.grad(total, [tensors[leaf] for leaf in leaves],
                                    allow_unused=True, retain_graph=True)
    else:
        found = [None] * len(leaves)
    reports = []
    for leaf, torch_grad in zip(leaves, found):
        shape = tuple(np.shape(vals[leaf]))
        mine = grads.get(leaf, np.zeros(shape))
        theirs = np.zeros(shape) if torch_grad is None else torch_grad.detach().numpy()
        t_abs, t_rel, t_ok, worst = _errors(mine, theirs, rtol, atol)
        report = LeafReport(leaf, shape, t_abs, t_rel, t_ok)
        if not t_ok and worst is not None:
            report.worst = {"index": list(worst), "graphdraw": _num(np.asarray(mine)[worst]),
                            "torch": _num(np.asarray(theirs)[worst])}
        if fd:
            _finite_differences(program, vals, leaf, mine, report, fd_rtol, fd_atol,
                                fd_step, fd_max)
        reports.append(report)
    return reports


def _finite_differences(program: Program, vals: dict, leaf: str, mine, report: LeafReport,
                        rtol: float, atol: float, step: float, limit: int) -> None:
    """Central differences of graphdraw's forward for entries of one leaf (into `report`)."""
    base = np.asarray(vals[leaf], dtype=float)
    downstream = evaluate.needs_grad(program, {leaf}) - {leaf}
    order = [n for n in program.nodes if n in downstream]
    size = base.size
    picks = sorted(set(np.linspace(0, size - 1, min(size, limit)).round().astype(int).tolist())) \
        if size else []
    mine_flat = np.asarray(mine, dtype=float).reshape(-1)
    got, want = [], []
    with np.errstate(all="ignore"):
        for flat in picks:
            h = step * max(1.0, abs(float(base.reshape(-1)[flat])))
            sides = []
            for sign in (1.0, -1.0):
                moved = base.copy().reshape(-1)
                moved[flat] += sign * h
                sides.append(_output_sum(program, vals, leaf, moved.reshape(base.shape), order))
            got.append(mine_flat[flat])
            want.append((sides[0] - sides[1]) / (2 * h))
    report.fd_abs, report.fd_rel, report.fd_ok, _ = _errors(got, want, rtol, atol)
    report.fd_checked = len(picks)
    if not all(math.isfinite(w) for w in want):
        report.note = "finite differences are not finite here (a domain edge nearby?)"


def _output_sum(program: Program, vals: dict, leaf: str, value, order: list[str]) -> float:
    """The summed output with one leaf changed, recomputing only what depends on it."""
    changed = dict(vals)
    changed[leaf] = value
    for node_id in order:
        node = program.nodes[node_id]
        changed[node_id] = np.asarray(ops.OPS[node.op].forward(
            *[changed[a] for a in node.args]), dtype=float)
    return float(np.sum(changed[program.output]))


# -- structure -------------------------------------------------------------------------------

@dataclass
class OpMatch:
    """A graphdraw op node and the autograd node(s) torch made for it."""

    node: str
    op: str
    status: str     # matched | passthrough | no_grad (ok) | wrong_name | skipped | missing
    torch: str | None = None            # the name of the node of the tensor it produced
    key: str | None = None              # that node's key in the torchviz graph (t1, t2, ...)
    extra: list[str] = field(default_factory=list)   # further nodes torch made for it
    via: str | None = None              # passthrough: the value torch passes on

    @property
    def ok(self) -> bool:
        return self.status in ("matched", "passthrough", "no_grad")

    def to_json(self) -> dict:
        item = {"node": self.node, "op": self.op, "status": self.status, "ok": self.ok,
                "torch": self.torch, "allowed": list(ops.OPS[self.op].torch)}
        if self.extra:
            item["extra"] = self.extra
        if self.via:
            item["via"] = self.via
        return item


@dataclass
class TorchNode:
    """One node torchviz drew, under a stable key (t1, t2, ... in drawing order)."""

    key: str
    label: str              # first statement's label: 'MvBackward0', 'W_i\n (2, 2)'
    kind: str               # function | variable | saved | output | base
    role: str = "unmatched"  # op | extra | accumulate | leaf | output | saved | base | unmatched
    owner: str | None = None             # the graphdraw node it belongs to
    labels: list[str] = field(default_factory=list)   # >1: torchviz merged several nodes

    @property
    def name(self) -> str:
        return self.label.split("\n")[0].strip()

    def to_json(self) -> dict:
        item = {"key": self.key, "label": self.label.replace("\n", " ").strip(),
                "kind": self.kind, "role": self.role, "owner": self.owner}
        if len(self.labels) > 1:
            item["merged"] = [lbl.replace("\n", " ").strip() for lbl in self.labels]
        return item


@dataclass
class TorchEdge:
    """One edge torchviz drew, and what it corresponds to in graphdraw's graph."""

    source: str
    target: str
    kind: str               # flow | saved (dir=none) | view (dotted)
    status: str             # follows | internal | saved | view | unmatched
    graphdraw: tuple[str, str] | None = None

    def to_json(self) -> dict:
        return {"source": self.source, "target": self.target, "kind": self.kind,
                "status": self.status,
                "graphdraw": list(self.graphdraw) if self.graphdraw else None}


@dataclass
class StructureReport:
    """graphdraw's graph against the autograd graph drawn by torchviz's make_dot."""

    ops: list[OpMatch] = field(default_factory=list)
    leaves: dict[str, str | None] = field(default_factory=dict)   # leaf -> its torch key
    nodes: list[TorchNode] = field(default_factory=list)
    edges: list[TorchEdge] = field(default_factory=list)
    missing_edges: list[tuple[str, str]] = field(default_factory=list)   # graphdraw side
    graphdraw_edges: int = 0
    error: str | None = None

    @property
    def unmatched_nodes(self) -> list[TorchNode]:
        return [n for n in self.nodes if n.role == "unmatched"]

    @property
    def unmatched_edges(self) -> list[TorchEdge]:
        return [e for e in self.edges if e.status == "unmatched"]

    @property
    def merged(self) -> list[TorchNode]:
        return [n for n in self.nodes if len(n.labels) > 1]

    @property
    def flow_edges(self) -> list[TorchEdge]:
        return [e for e in self.edges if e.kind == "flow"]

    @property
    def ok(self) -> bool:
        return (self.error is None and all(m.ok for m in self.ops)
                and all(k is not None for k in self.leaves.values())
                and not self.unmatched_nodes and not self.unmatched_edges
                and not self.missing_edges)

    def counts(self) -> dict:
        flow = self.flow_edges
        return {"op_nodes": [sum(m.ok for m in self.ops), len(self.ops)],
                "leaves": [sum(k is not None for k in self.leaves.values()), len(self.leaves)],
                "edges": [sum(e.status in ("follows", "internal") for e in flow), len(flow)],
                "graphdraw_edges": [self.graphdraw_edges - len(self.missing_edges),
                                    self.graphdraw_edges],
                "torch_nodes": [len(self.nodes) - len(self.unmatched_nodes), len(self.nodes)]}

    def summary(self) -> str:
        """'matched 11/11 op nodes, 4/4 leaves, 15/15 edges'."""
        c = self.counts()
        return (f"matched {c['op_nodes'][0]}/{c['op_nodes'][1]} op nodes, "
                f"{c['leaves'][0]}/{c['leaves'][1]} leaves, "
                f"{c['edges'][0]}/{c['edges'][1]} edges")

    def to_json(self) -> dict:
        return {"ok": self.ok, "summary": self.summary(), "counts": self.counts(),
                "error": self.error,
                "op_nodes": [m.to_json() for m in self.ops],
                "leaves": [{"leaf": leaf, "torch": key, "ok": key is not None}
                           for leaf, key in self.leaves.items()],
                "unmatched_torch_nodes": [n.to_json() for n in self.unmatched_nodes],
                "unmatched_torch_edges": [e.to_json() for e in self.unmatched_edges],
                "unmatched_graphdraw_edges": [list(e) for e in self.missing_edges],
                "merged": [n.to_json() for n in self.merged],
                "torch_nodes": [n.to_json() for n in self.nodes],
                "torch_edges": [e.to_json() for e in self.edges]}


_STATEMENT = re.compile(r"\t(\S+?)(?: -> (\S+?))?(?: \[(.*)\])?\s*\Z", re.S)
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"\]]+)', re.S)


def _attrs(text: str | None) -> dict[str, str]:
    out = {}
    for key, value in _ATTR.findall(text or ""):
        if value.startswith('"'):
            value = re.sub(r'\\(["\\])', r"\1", value[1:-1])
        out[key] = value
    return out


def _parse_make_dot(body: list[str]):
    """torchviz's DOT body as ({id: [attrs of each node statement]}, [(src, dst, attrs)])."""
    nodes: dict[str, list[dict]] = {}
    edges = []
    for statement in body:
        match = _STATEMENT.match(statement)
        if not match:
            continue
        first, second, attrs = match.group(1), match.group(2), _attrs(match.group(3))
        if second is None:
            nodes.setdefault(first, []).append(attrs)
        else:
            edges.append((first, second, attrs))
    return nodes, edges


def _pin_functions(output) -> list:
    """Hold every autograd function of the graph, so ids stay theirs while make_dot runs.

    torch makes a Python object for an autograd node when one is asked for and drops it when
    no one holds it; ids of dropped objects are reused. Holding them all (as make_dot's own
    `seen` set does while it runs) makes `id(tensor.grad_fn)` the id make_dot draws.
    """
    keep, stack, seen = [], [output.grad_fn], set()
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        keep.append(fn)
        stack.extend(u for u, _ in getattr(fn, "next_functions", ()))
    return keep


def _passthrough(program: Program, tensors: dict) -> dict[str, str]:
    """Op nodes whose torch value is one of their operands' tensors (no autograd node)."""
    through = {}
    for node in program.nodes.values():
        if node.op is not None:
            for arg in node.args:
                if tensors[node.id] is tensors[arg]:
                    through[node.id] = arg
                    break
    return through


def _unchanged(row: ops.Op, node, tensors: dict) -> bool:
    """Whether graphdraw's forward of `node` returns its operand's value unchanged."""
    args = [tensors[a].detach().numpy() for a in node.args]
    with np.errstate(all="ignore"):
        mine = np.asarray(row.forward(*args), dtype=float)
    theirs = tensors[node.id].detach().numpy()
    return mine.shape == theirs.shape and bool(np.array_equal(mine, theirs))


def _scope(program: Program, tensors: dict) -> set[str]:
    """The nodes a gradient of the output flows through, as torch sees it."""
    wants = evaluate.needs_grad(program)
    scope = {program.output} if program.output in wants else set()
    for node_id in reversed(list(program.nodes)):
        node = program.nodes[node_id]
        if node_id in scope and node.op is not None and tensors[node_id].requires_grad:
            scope.update(a for a in node.args if a in wants)
    return scope


def compare_structure(program: Program, tensors: dict, *,
                      show_saved: bool = False) -> StructureReport:
    """graphdraw's graph against the autograd graph torchviz's make_dot draws for the output.

    Every graphdraw op node a gradient flows through maps to the make_dot node of the tensor
    it produced (make_dot names nodes by `id(grad_fn)`), whose name must be one its op row
    allows; ops torch skips (the transpose of a vector, a copy) pass through. Gradient leaves
    must meet AccumulateGrad. Further nodes torch makes for one op (the unsqueeze/squeeze
    around a vector-matrix product) belong to that op when its row names them. Every
    make_dot edge must follow a graphdraw edge, and every graphdraw edge must be drawn.
    With `show_saved` make_dot also draws saved tensors; one that is a parameter is merged
    with it (make_dot keys nodes by id): reported in `merged`, not a failure.
    """
    torchviz = _torchviz()
    report = StructureReport()
    output = tensors[program.output]
    scope = _scope(program, tensors)
    through = _passthrough(program, tensors)

    def resolve(node_id: str) -> str:
        while node_id in through:
            node_id = through[node_id]
        return node_id

    keep = _pin_functions(output) if output.grad_fn is not None else []
    if len(keep) > MAX_NODES:
        report.error = (f"the autograd graph has {len(keep):,} nodes; the structure check "
                        f"walks at most {MAX_NODES:,} (torchviz recurses once per node)")
        return report
    params = {n: tensors[n] for n in evaluate.gradient_leaves(program)
              if tensors[n].requires_grad}
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 4 * len(keep) + 1000))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dot = torchviz.make_dot(output, params=params, show_saved=show_saved)
    except RecursionError:
        report.error = (f"torchviz's make_dot cannot walk an autograd graph of {len(keep)} "
                        "nodes (it recurses once per node)")
        return report
    finally:
        sys.setrecursionlimit(limit)
    raw_nodes, raw_edges = _parse_make_dot(dot.body)

    # graphdraw's side: the dot ids its nodes should have.
    owner: dict[str, str] = {}            # dot id -> graphdraw node
    role: dict[str, str] = {}
    for node_id in program.nodes:
        if node_id not in scope:
            continue
        node = program.nodes[node_id]
        tensor = tensors[node_id]
        if node.is_leaf:
            owner[str(id(tensor))], role[str(id(tensor))] = node_id, "leaf"
            report.leaves[node_id] = None
            continue
        if node.op is None:
            continue
        row = ops.OPS[node.op]
        match = OpMatch(node_id, node.op, "missing")
        report.ops.append(match)
        if node_id in through:
            match.via = resolve(node_id)
            # Legitimate only where graphdraw's own op leaves the value as it is (the
            # transpose of a vector, a copy): a torch forward that skips a real op is caught.
            match.status = "passthrough" if _unchanged(row, node, tensors) else "skipped"
        elif tensor.grad_fn is None:
            match.status = "no_grad" if not row.differentiable else "missing"
        else:
            key = str(id(tensor.grad_fn))
            owner[key], role[key] = node_id, "op"
            match.torch = type(tensor.grad_fn).__name__
            if key in raw_nodes:
                match.status = "matched" if match.torch in row.torch else "wrong_name"
    out_key = str(id(output))
    if out_key not in owner:
        owner[out_key], role[out_key] = resolve(program.output), "output"
    for node_id in scope:      # tensors make_dot draws besides leaves: an output's view base
        key = str(id(tensors[node_id]))
        if key not in owner:
            owner[key], role[key] = resolve(node_id), "value"

    # torchviz's side: key its nodes, and find who each belongs to.
    keys = {dot_id: f"t{i + 1}" for i, dot_id in enumerate(raw_nodes)}
    flow = [(s, t) for s, t, a in raw_edges if a.get("dir") != "none" and "style" not in a]
    for source, target in flow:          # AccumulateGrad belongs to the variable feeding it
        if role.get(source) == "leaf" and target not in owner and any(
                st.get("label") == "AccumulateGrad" for st in raw_nodes.get(target, ())):
            owner[target], role[target] = owner[source], "accumulate"
    consumers = collections.defaultdict(list)
    for source, target in flow:
        consumers[source].append(target)
    by_node = {m.node: m for m in report.ops}
    nodes: dict[str, TorchNode] = {}
    for dot_id, statements in raw_nodes.items():
        labels = list(dict.fromkeys(s.get("label", "") for s in statements))
        colors = {s.get("fillcolor") for s in statements}
        # A merged node is what it is in graphdraw's terms first: a variable, the output.
        kind = next((k for c, k in ((_VARIABLE, "variable"), (_OUTPUT, "output"),
                                    (_BASE, "base"), (_SAVED, "saved")) if c in colors),
                    "function")
        item = TorchNode(keys[dot_id], labels[0], kind, labels=labels)
        if dot_id in owner and not (kind == "saved" and role[dot_id] == "value"):
            item.role, item.owner = role[dot_id], owner[dot_id]
        elif kind in ("saved", "base"):
            item.role = kind
        nodes[dot_id] = item
    for dot_id, item in nodes.items():   # extra nodes: upstream of exactly one op's node
        if item.role != "unmatched" or item.kind != "function":
            continue
        owners, stack, seen = set(), list(consumers[dot_id]), set()
        while stack:
            nxt = stack.pop()
            if nxt in seen:
                continue
            seen.add(nxt)
            if role.get(nxt) == "op":
                owners.add(owner[nxt])
            elif nxt not in owner:
                stack.extend(consumers[nxt])
        if len(owners) == 1:
            head = owners.pop()
            if item.name in ops.OPS[program.nodes[head].op].torch:
                item.role, item.owner = "extra", head
                by_node[head].extra.append(item.name)
    accumulated = {n.owner for n in nodes.values() if n.role == "accumulate"}
    for leaf in report.leaves:
        var = str(id(tensors[leaf]))
        if var in nodes and (leaf in accumulated or var == out_key):
            report.leaves[leaf] = nodes[var].key
    for match in report.ops:
        if match.status in ("matched", "wrong_name"):
            match.key = nodes[str(id(tensors[match.node].grad_fn))].key
    report.nodes = list(nodes.values())

    # Edges: the expected ones, operand -> result, with torch's skipped nodes looked through.
    expected = collections.Counter()
    for node_id in scope:
        node = program.nodes[node_id]
        if node.op is None or node_id in through or tensors[node_id].grad_fn is None:
            continue
        for arg in node.args:
            if arg in scope and tensors[arg].requires_grad:
                expected[(resolve(arg), node_id)] += 1
    report.graphdraw_edges = sum(expected.values())
    remaining = expected.copy()
    for source, target, attrs in raw_edges:
        kind = "saved" if attrs.get("dir") == "none" else "view" if "style" in attrs else "flow"
        edge = TorchEdge(keys.get(source, source), keys.get(target, target), kind, kind)
        if kind == "flow":
            a, b = nodes.get(source), nodes.get(target)
            if a is None or b is None or a.owner is None or b.owner is None:
                edge.status = "unmatched"
            elif a.owner == b.owner:
                edge.status = "internal"
            elif remaining[(a.owner, b.owner)] > 0:
                remaining[(a.owner, b.owner)] -= 1
                edge.status, edge.graphdraw = "follows", (a.owner, b.owner)
            else:
                edge.status = "unmatched"
        report.edges.append(edge)
    report.missing_edges = sorted(remaining.elements(), key=_order(program))
    del keep
    return report


def _order(program: Program):
    index = {n: i for i, n in enumerate(program.nodes)}
    return lambda edge: (index.get(edge[1], -1), index.get(edge[0], -1))


# -- the whole check -------------------------------------------------------------------------

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
        s = self.structure
        if s is not None:
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
        return _format(self)


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


# -- text ------------------------------------------------------------------------------------

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


def _format(report: CheckReport) -> str:
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
    tol = report.tolerances
    fd = "fd_rtol" in tol
    width = max([4] + [len(_pretty(program, r.leaf)) for r in report.leaves])
    lead = " " * (4 + width + 1 + 9 + 1)
    lines += ["", "gradients",
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
        if r.note:
            lines.append(f"      note: {r.note}")
    tol_text = f"  tolerances: torch rtol {tol['rtol']:g}, atol {tol['atol']:g}"
    if fd:
        tol_text += (f"; finite differences rtol {tol['fd_rtol']:g}, atol {tol['fd_atol']:g}, "
                     f"step {tol['fd_step']:g}")
    lines.append(tol_text)
    s = report.structure
    if s is not None:
        lines.append("")
        if s.error:
            lines.append(f"structure against torchviz: ✗ {s.error}")
        else:
            lines.append(f"structure against torchviz: {s.summary()} {'✓' if s.ok else '✗'}")
            width = max([4] + [len(_pretty(program, m.node)) for m in s.ops]
                        + [len(_pretty(program, leaf)) for leaf in s.leaves])
            for m in s.ops:
                if m.status == "passthrough":
                    what = f"no node: torch passes {_pretty(program, m.via)} through"
                elif m.status == "no_grad":
                    what = "no node: no gradient flows through it (as in graphdraw)"
                elif m.status in ("matched", "wrong_name"):
                    what = m.torch + (f" (+ {', '.join(m.extra)})" if m.extra else "")
                    if m.status == "wrong_name":
                        what += f" — not in the op table ({', '.join(ops.OPS[m.op].torch)})"
                else:
                    what = _op_problem(m)
                lines.append(f"  {'✓' if m.ok else '✗'} {_pretty(program, m.node):<{width}} "
                             f"{m.op:<10} {what}")
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
    lines.append("")
    if report.ok:
        lines.append("ok: graphdraw's gradients and graph agree with torch")
    else:
        lines.append("FAILED: graphdraw disagrees with torch")
        lines.extend(f"  ✗ {line}" for line in report.failures)
    return "\n".join(lines) + "\n"


# -- the picture -----------------------------------------------------------------------------

# Ten distinct colours (Tableau's, without its red: red marks what does not match).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#393b79")
BAD = "#cc0000"
OFF = "#b0b0b0"


def side_by_side(program: Program, tensors: dict, report=None) -> str:
    """DOT source of graphdraw's graph (left) and torchviz's graph (right), matched alike.

    Each graphdraw node a gradient flows through and the torch nodes it accounts for carry
    the same number and colour; what does not match is red. `report` is a CheckReport or
    StructureReport (computed when None). Labels hold no ids; DOT names are g1.., t1...
    """
    import graphviz

    from graphdraw.core import graph as graph_mod
    from graphdraw.formats import render

    if getattr(report, "program", None) is not None:
        program = report.program        # as checked: a plate written out sample by sample
    structure = getattr(report, "structure", report)
    if structure is None:
        structure = compare_structure(program, tensors)
    numbers: dict[str, int] = {}
    for n in structure.nodes:
        if n.owner is not None and n.owner not in numbers:
            numbers[n.owner] = 0
    order = [n for n in program.nodes if n in numbers]
    numbers = {n: i + 1 for i, n in enumerate(order)}
    bad_ops = {m.node for m in structure.ops if not m.ok}
    bad_leaves = {leaf for leaf, key in structure.leaves.items() if key is None}
    through = {m.node: m.via for m in structure.ops if m.status == "passthrough"}
    in_scope = {m.node for m in structure.ops} | set(structure.leaves)
    missing = set(structure.missing_edges)

    def colour(k: int) -> str:
        return PALETTE[(k - 1) % len(PALETTE)]

    def tag(k: int | None, text: str | None = None) -> str:
        """A number cell in the pair's colour; a red ✗ for what did not match."""
        shown = text or ("✗" if k is None else str(k))
        background = BAD if k is None else colour(k)
        return (f'<TD BGCOLOR="{background}">'
                f'{render._font(render._text(shown), 10, "white")}</TD>')

    def wrap(inner: str, cell: str | None) -> str:
        inner = inner[1:-1] if inner.startswith("<") and inner.endswith(">") else inner
        head = f"<TR>{cell}</TR>" if cell else ""
        return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{head}'
                f"<TR><TD>{inner}</TD></TR></TABLE>>")

    dot = graphviz.Digraph(name="check")
    dot.attr("graph", charset="UTF-8", rankdir="TB", fontname=render.FONT, bgcolor="white",
             pad="0.25", nodesep="0.3", ranksep="0.35", newrank="true",
             label=f"<{render._font(render._text(_caption(structure)), 12)}>", labelloc="b")
    dot.attr("node", fontname=render.FONT, fontsize="12", color=render.INK, penwidth="1.2",
             margin="0.1,0.05")
    dot.attr("edge", color=render.INK, arrowsize="0.7")

    g = graph_mod.build(program, notations=graph_mod.FOR_RENDER)
    gd_ids = {node: f"g{i + 1}" for i, node in enumerate(g.nodes)}
    with dot.subgraph(name="cluster_graphdraw") as left:
        left.attr(label=f"<{render._font('<B>graphdraw</B>', 16)}>", color="#999999",
                  style="rounded")
        for node, data in g.nodes(data=True):
            kind = data.get("kind", "intermediate")
            label, extra = render._node_label(data, True)
            attrs = {**render.STYLES.get(kind, render.STYLES["intermediate"])[0], **extra}
            if node in numbers and node not in bad_ops and node not in bad_leaves:
                cell = tag(numbers[node])
                attrs.update(color=colour(numbers[node]), penwidth="2.5")
            elif node in bad_ops or node in bad_leaves:
                cell = tag(None, f"✗ {numbers[node]}" if node in numbers else None)
                attrs.update(color=BAD, penwidth="2.5", style=_add_style(attrs, "dashed"))
            elif node in through:
                via = numbers.get(through[node])
                cell = tag(via, f"→{via}") if via else None
            else:
                cell = None
                if node not in in_scope and attrs.get("shape") != "plaintext":
                    attrs.update(color=OFF)
            left.node(gd_ids[node], label=wrap(label, cell), **attrs)
        for tail, head, data in g.edges(data=True):
            attrs = {}
            if g.nodes[tail].get("kind") == "constant" or tail not in in_scope:
                attrs.update(style="dashed", color=OFF)
            elif (tail, head) in missing:
                attrs.update(color=BAD, penwidth="2")
            left.edge(gd_ids[tail], gd_ids[head], **attrs)

    with dot.subgraph(name="cluster_torchviz") as right:
        right.attr(label=f"<{render._font('<B>torchviz (autograd)</B>', 16)}>",
                   color="#999999", style="rounded")
        fills = {"variable": "lightblue", "saved": "orange", "output": "darkolivegreen1",
                 "base": "darkolivegreen3", "function": "lightgrey"}
        for n in structure.nodes:
            label = n.label.strip().replace("\n ", "\n")
            if n.kind == "output" and not n.name:      # torchviz leaves the output unnamed
                label = f"{_pretty(program, program.output)}\n{label}"
            text = render._text(label)
            if n.role == "unmatched" or n.owner in bad_ops:
                cell = tag(None, f"✗ {numbers[n.owner]}" if n.owner in numbers else None)
                attrs = {"color": BAD, "penwidth": "2.5", "style": "filled,dashed"}
            elif n.owner is not None and n.owner in numbers:
                cell = tag(numbers[n.owner])
                attrs = {"color": colour(numbers[n.owner]), "penwidth": "2.5",
                         "style": "filled"}
            else:
                cell, attrs = None, {"style": "filled"}
            right.node(n.key, label=wrap(f"<{render._font(text, 11)}>", cell), shape="box",
                       fillcolor=fills.get(n.kind, "lightgrey"), **attrs)
        for e in structure.edges:
            attrs = {}
            if e.kind == "saved":
                attrs.update(dir="none", style="dashed", color="orange")
            elif e.kind == "view":
                attrs.update(style="dotted")
            elif e.status == "unmatched":
                attrs.update(color=BAD, penwidth="2")
            right.edge(e.source, e.target, **attrs)
    return dot.source


def _add_style(attrs: dict, style: str) -> str:
    current = attrs.get("style", "")
    return f"{current},{style}" if current else style


def _caption(structure: StructureReport) -> str:
    if structure.error:
        return f"structure not compared: {structure.error}"
    verdict = "all matched" if structure.ok else "red: not matched"
    return (f"{structure.summary()} — {verdict}\nthe same number and colour mark a graphdraw "
            "node and the torch nodes made for it\n→k: torch makes no node, the value of k "
            "passes through; grey: no gradient flows")


__all__ = ["build_torch", "torch_values", "compare_gradients", "compare_structure",
           "run_check", "side_by_side", "CheckReport", "LeafReport", "StructureReport",
           "OpMatch", "TorchNode", "TorchEdge"]
