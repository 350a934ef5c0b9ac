"""The JSON form of a graph (README, "JSON output"): {"output", "nodes": [...], "edges": [...]}."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Callable

import networkx as nx

from graphdraw.formats.base import Format, Job
from graphdraw.lazy import gc_paused

NODE_KEYS = ("kind", "op", "name", "version", "label", "forward", "forward_pretty", "shape",
             "line", "value", "default", "plate")
# Made once (dumps makes one a call); graph attributes hold no containers that could cycle.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)
EDGE_KEYS = ("arg", "combine", "local_grad", "local_grad_pretty")
# Objects written at a time: their short-lived strings stay few, so memory is reused, not
# freshly mapped (which costs large models more than encoding).
_CHUNK = 2048


def to_json(graph: nx.MultiDiGraph) -> str:
    """The graph as JSON text, one node or edge a line; the same bytes for the same model."""
    try:                                            # node ids are str: encoded at C speed
        ids = dict(zip(graph, map(encode_basestring, graph)))
    except TypeError:
        ids = {node: _ENCODER.encode(node) for node in graph}
    head = _ENCODER.encode({"output": graph.graph["output"],
                            "title": graph.graph.get("title", "")})
    with gc_paused():
        nodes = list(graph.nodes(data=True))
        # graph.edges' order, read from the adjacency dicts without its views
        edges = [(source, target, data) for source, targets in graph.adjacency()
                 for target, keyed in targets.items() for data in keyed.values()]
        text = [head[:-1], ',\n "nodes": ']
        text += _objects(nodes, NODE_KEYS, lambda part: [f'"id": {ids[n]}' for n, _ in part],
                         lambda part, bodies: [f'{{"id": {ids[n]}, "{body}}}'
                                               for (n, _), body in zip(part, bodies)])
        text.append(',\n "edges": ')
        text += _objects(edges, EDGE_KEYS, lambda part: [
            f'"source": {ids[s]}, "target": {ids[t]}' for s, t, _ in part],
            lambda part, bodies: [f'{{"source": {ids[s]}, "target": {ids[t]}, "{body}}}'
                                  for (s, t, _), body in zip(part, bodies)])
        text.append("\n}\n")
        return "".join(text)


def _objects(items: list[tuple], keys: tuple[str, ...],
             heads: Callable[[list[tuple]], list[str]],
             lines: Callable[[list[tuple], list[str]], list[str]]) -> list[str]:
    """The pieces of a JSON list of objects, one a line: each item's head (its ids' fields)
    and then the fields among `keys` of its attribute dict (the item's last element).

    The dicts are encoded in one C-speed call a chunk, and cut apart at `}, {"`, which
    cannot occur inside a JSON string (every quote in one is escaped); `lines` puts each
    item's head before its fields so cut (the text after the first quote).
    """
    pieces = []
    for start in range(0, len(items), _CHUNK):
        chunk = items[start:start + _CHUNK]
        bodies = _fields([item[-1] for item in chunk], keys)
        parts = _ENCODER.encode(bodies)[3:-2].split('}, {"') if all(bodies) else []
        if len(parts) == len(bodies):       # no body empty or holding a list of objects
            text = lines(chunk, parts)
        else:
            text = [f'{{{head}{", " if body else ""}{_ENCODER.encode(body)[1:-1]}}}'
                    for head, body in zip(heads(chunk), bodies)]
        pieces += ",\n  " if pieces else "[\n  ", ",\n  ".join(text)
    return pieces + ["\n ]"] if pieces else ["[]"]


def _fields(dicts: list[dict], keys: tuple[str, ...]) -> list[dict]:
    """The dicts with only `keys`, in that order: the dicts themselves when they are so already
    (core.graph.build makes them so for the JSON notations), else filtered copies."""
    found = set(map(tuple, dicts))         # the few sequences of keys, gathered at C speed
    if all(f == tuple(k for k in keys if k in f) for f in found):
        return dicts
    return [{k: d[k] for k in keys if k in d} for d in dicts]


def _write(job: Job) -> bytes:
    """`render --format json`: the graph's structure and formulas (not --show's numbers)."""
    return to_json(job.graph).encode("utf-8")


FORMATS = {"json": Format("json", "json", "the graph as JSON: nodes, edges, formulas and "
                          "local derivatives", write=_write, notations=("plain", "pretty"),
                          numbers=False, writes="full", fit="")}
