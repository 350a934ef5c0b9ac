"""The JSON form of a graph (README, "JSON output"): {"output", "nodes": [...], "edges": [...]}."""

from __future__ import annotations

import json
from typing import Callable

import networkx as nx

from graphdraw.formats.base import Format, Job
from graphdraw.lazy import gc_paused

NODE_KEYS = ("kind", "op", "name", "version", "label", "forward", "forward_pretty", "shape",
             "line", "value", "default", "plate")
_ENCODER = json.JSONEncoder(ensure_ascii=False)      # one encoder: dumps() makes one a call
EDGE_KEYS = ("arg", "combine", "local_grad", "local_grad_pretty")


def _fields(keys: tuple[str, ...]) -> Callable[[dict], dict]:
    """A function giving the fields of an attribute dict that JSON writes, in `keys`' order.

    core.graph.build makes its attribute dicts in that order, so for a graph built with the
    JSON notations the dict itself is the answer; whether a dict's keys are just so is
    decided once for each sequence of keys (a graph has a handful).
    """
    written: dict[tuple, bool] = {}

    def fields(data: dict) -> dict:
        found = tuple(data)
        exact = written.get(found)
        if exact is None:
            exact = written[found] = found == tuple(k for k in keys if k in data)
        return data if exact else {k: data[k] for k in keys if k in data}
    return fields


_node_fields, _edge_fields = _fields(NODE_KEYS), _fields(EDGE_KEYS)


def to_data(graph: nx.MultiDiGraph) -> dict:
    """A plain dict of the graph, nodes and edges in definition order."""
    nodes = [{"id": node_id, **_node_fields(data)} for node_id, data in graph.nodes(data=True)]
    # The edges in graph.edges' order, read from the adjacency dicts without its views.
    edges = [{"source": source, "target": target, **_edge_fields(data)}
             for source, targets in graph.adjacency() for target, keyed in targets.items()
             for data in keyed.values()]
    return {"output": graph.graph["output"], "title": graph.graph.get("title", ""),
            "nodes": nodes, "edges": edges}


def to_json(graph: nx.MultiDiGraph) -> str:
    """The graph as JSON text, one node or edge a line; the same bytes for the same model."""
    with gc_paused():
        data = to_data(graph)

    def items(key: str) -> str:
        if not data[key]:
            return "[]"
        # One C-speed encode of the whole list, then a line break between items: `}, {"`
        # cannot occur inside a JSON string, where every quote is escaped.
        text = _ENCODER.encode(data[key])
        return "[\n  " + text[1:-1].replace('}, {"', '},\n  {"') + "\n ]"

    head = json.dumps({"output": data["output"], "title": data["title"]}, ensure_ascii=False)
    return f'{head[:-1]},\n "nodes": {items("nodes")},\n "edges": {items("edges")}\n}}\n'


def _write(job: Job) -> bytes:
    """`render --format json`: the graph's structure and formulas (not --show's numbers)."""
    return to_json(job.graph).encode("utf-8")


FORMATS = {"json": Format("json", "json", "the graph as JSON: nodes, edges, formulas and "
                          "local derivatives", write=_write, notations=("plain", "pretty"),
                          numbers=False)}
