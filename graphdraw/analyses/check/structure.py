"""graphdraw's graph against torchviz's make_dot: op by op, leaf by leaf, edge by edge."""

from __future__ import annotations

import collections
from dataclasses import dataclass, field

from graphdraw import ops
from graphdraw.analyses.check import makedot
from graphdraw.language.program import Program
from graphdraw.lazy import np
from graphdraw.numeric import backprop


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
    wants = backprop.needs_grad(program)
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
    report = StructureReport()
    params = {n: tensors[n] for n in backprop.gradient_leaves(program)
              if tensors[n].requires_grad}
    try:
        drawing = makedot.draw(tensors[program.output], params, show_saved)
    except makedot.Undrawable as exc:
        report.error = str(exc)
        return report
    _Matcher(program, tensors, report).match(drawing)
    del drawing             # the autograd functions it pinned may go now
    return report


class _Matcher:
    """One comparison: the make_dot ids graphdraw's nodes should have, then torchviz's side."""

    def __init__(self, program: Program, tensors: dict, report: StructureReport) -> None:
        self.program, self.tensors, self.report = program, tensors, report
        self.scope = _scope(program, tensors)
        self.through = _passthrough(program, tensors)
        self.owner: dict[str, str] = {}            # dot id -> graphdraw node
        self.role: dict[str, str] = {}

    def match(self, drawing: makedot.Drawing) -> None:
        self._expect(drawing.nodes)
        keys = {dot_id: f"t{i + 1}" for i, dot_id in enumerate(drawing.nodes)}
        nodes = self._torch_nodes(drawing, keys)
        self._name_keys(nodes)
        self.report.nodes = list(nodes.values())
        self._edges(drawing.edges, keys, nodes)

    def _own(self, dot_id: str, node_id: str, role: str) -> None:
        self.owner[dot_id], self.role[dot_id] = node_id, role

    def _resolve(self, node_id: str) -> str:
        while node_id in self.through:
            node_id = self.through[node_id]
        return node_id

    # -- graphdraw's side: the dot ids its nodes should have --------------------------------

    def _expect(self, drawn: dict) -> None:
        program, tensors = self.program, self.tensors
        for node_id in program.nodes:
            if node_id not in self.scope:
                continue
            node = program.nodes[node_id]
            if node.is_leaf:
                self._own(str(id(tensors[node_id])), node_id, "leaf")
                self.report.leaves[node_id] = None
            elif node.op is not None:
                self.report.ops.append(self._expect_op(node, drawn))
        out_key = str(id(tensors[program.output]))
        if out_key not in self.owner:
            self._own(out_key, self._resolve(program.output), "output")
        for node_id in self.scope:   # tensors make_dot draws besides leaves: an output's view base
            key = str(id(tensors[node_id]))
            if key not in self.owner:
                self._own(key, self._resolve(node_id), "value")

    def _expect_op(self, node, drawn: dict) -> OpMatch:
        row = ops.OPS[node.op]
        tensor = self.tensors[node.id]
        match = OpMatch(node.id, node.op, "missing")
        if node.id in self.through:
            match.via = self._resolve(node.id)
            # Legitimate only where graphdraw's own op leaves the value as it is (the
            # transpose of a vector, a copy): a torch forward that skips a real op is caught.
            match.status = "passthrough" if _unchanged(row, node, self.tensors) else "skipped"
        elif tensor.grad_fn is None:
            # torch makes no node for an op none of whose operands needs a gradient (the
            # output of step or size is a constant to autograd)
            constant = not any(getattr(self.tensors.get(a), "requires_grad", False)
                               for a in node.args)
            match.status = "no_grad" if not row.differentiable or constant else "missing"
        else:
            key = str(id(tensor.grad_fn))
            self._own(key, node.id, "op")
            match.torch = type(tensor.grad_fn).__name__
            if key in drawn:
                match.status = "matched" if match.torch in row.torch else "wrong_name"
        return match

    # -- torchviz's side: key its nodes, and find who each belongs to -----------------------

    def _torch_nodes(self, drawing: makedot.Drawing, keys: dict) -> dict[str, TorchNode]:
        flow = [(s, t) for s, t, a in drawing.edges
                if a.get("dir") != "none" and "style" not in a]
        for source, target in flow:          # AccumulateGrad belongs to the variable feeding it
            if self.role.get(source) == "leaf" and target not in self.owner and any(
                    st.get("label") == "AccumulateGrad" for st in drawing.nodes.get(target, ())):
                self._own(target, self.owner[source], "accumulate")
        nodes: dict[str, TorchNode] = {}
        for dot_id, statements in drawing.nodes.items():
            labels = list(dict.fromkeys(s.get("label", "") for s in statements))
            kind = makedot.kind(statements)
            item = TorchNode(keys[dot_id], labels[0], kind, labels=labels)
            if dot_id in self.owner and not (kind == "saved" and self.role[dot_id] == "value"):
                item.role, item.owner = self.role[dot_id], self.owner[dot_id]
            elif kind in ("saved", "base"):
                item.role = kind
            nodes[dot_id] = item
        consumers = collections.defaultdict(list)
        for source, target in flow:
            consumers[source].append(target)
        self._extras(nodes, consumers)
        return nodes

    def _extras(self, nodes: dict[str, TorchNode], consumers: dict) -> None:
        """Extra nodes: upstream of exactly one op's node, and named by that op's row."""
        by_node = {m.node: m for m in self.report.ops}
        for dot_id, item in nodes.items():
            if item.role != "unmatched" or item.kind != "function":
                continue
            owners = self._owners_downstream(dot_id, consumers)
            if len(owners) == 1:
                head = owners.pop()
                if item.name in ops.OPS[self.program.nodes[head].op].torch:
                    item.role, item.owner = "extra", head
                    by_node[head].extra.append(item.name)

    def _owners_downstream(self, dot_id: str, consumers: dict) -> set[str]:
        """The op nodes first met downstream of a torch node, through unowned nodes."""
        owners, stack, seen = set(), list(consumers[dot_id]), set()
        while stack:
            nxt = stack.pop()
            if nxt in seen:
                continue
            seen.add(nxt)
            if self.role.get(nxt) == "op":
                owners.add(self.owner[nxt])
            elif nxt not in self.owner:
                stack.extend(consumers[nxt])
        return owners

    def _name_keys(self, nodes: dict[str, TorchNode]) -> None:
        """Each leaf's and matched op's key in torchviz's graph."""
        accumulated = {n.owner for n in nodes.values() if n.role == "accumulate"}
        out_key = str(id(self.tensors[self.program.output]))
        for leaf in self.report.leaves:
            var = str(id(self.tensors[leaf]))
            if var in nodes and (leaf in accumulated or var == out_key):
                self.report.leaves[leaf] = nodes[var].key
        for match in self.report.ops:
            if match.status in ("matched", "wrong_name"):
                match.key = nodes[str(id(self.tensors[match.node].grad_fn))].key

    # -- edges -------------------------------------------------------------------------------

    def _edges(self, drawn: list, keys: dict, nodes: dict[str, TorchNode]) -> None:
        """Each make_dot edge against the expected ones; what is left expected is missing."""
        report = self.report
        expected = self._expected_edges()
        report.graphdraw_edges = sum(expected.values())
        remaining = expected.copy()
        entered: dict = collections.defaultdict(set)   # (operand, op) -> torch nodes entered
        for source, target, attrs in drawn:
            kind = ("saved" if attrs.get("dir") == "none" else
                    "view" if "style" in attrs else "flow")
            edge = TorchEdge(keys.get(source, source), keys.get(target, target), kind, kind)
            if kind == "flow":
                _follow(edge, nodes.get(source), nodes.get(target), remaining, entered)
            report.edges.append(edge)
        report.missing_edges = sorted(remaining.elements(), key=_order(self.program))

    def _expected_edges(self) -> collections.Counter:
        """Operand -> result, with torch's skipped nodes looked through."""
        expected: collections.Counter = collections.Counter()
        for node_id in self.scope:
            node = self.program.nodes[node_id]
            if node.op is None or node_id in self.through or self.tensors[node_id].grad_fn is None:
                continue
            for arg in node.args:
                if arg in self.scope and self.tensors[arg].requires_grad:
                    expected[(self._resolve(arg), node_id)] += 1
        return expected


def _follow(edge: TorchEdge, a: TorchNode | None, b: TorchNode | None,
            remaining: collections.Counter, entered: dict) -> None:
    """A flow edge's status: within one op's nodes, along a graphdraw edge, or unmatched.

    An operand torch feeds to two nodes of one op (softsign's x / (1 + |x|): the Div and the
    Abs) follows its one graphdraw edge twice; a second edge into the same torch node does
    so only where the operand is used twice (x * x)."""
    if a is None or b is None or a.owner is None or b.owner is None:
        edge.status = "unmatched"
        return
    pair = (a.owner, b.owner)
    if a.owner == b.owner:
        edge.status = "internal"
    elif remaining[pair] > 0:
        remaining[pair] -= 1
        edge.status, edge.graphdraw = "follows", pair
    elif entered[pair] and b.key not in entered[pair]:
        edge.status, edge.graphdraw = "follows", pair
    else:
        edge.status = "unmatched"
    if edge.status == "follows":
        entered[pair].add(b.key)


def _order(program: Program):
    index = {n: i for i, n in enumerate(program.nodes)}
    return lambda edge: (index.get(edge[1], -1), index.get(edge[0], -1))
