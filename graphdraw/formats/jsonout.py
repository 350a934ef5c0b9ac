"""The JSON form of a graph (README, "JSON output"): {"output", "nodes": [...], "edges": [...]}."""

from __future__ import annotations

import json
from itertools import chain, repeat
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Iterable, Iterator, Sequence

import networkx as nx

from graphdraw.formats.base import Format, Job
from graphdraw.lazy import gc_paused

NODE_KEYS = ("kind", "op", "name", "version", "label", "forward", "forward_pretty", "shape",
             "line", "value", "default", "plate")
# Made once (dumps makes one a call); graph attributes hold no containers that could cycle.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)
EDGE_KEYS = ("arg", "combine", "local_grad", "local_grad_pretty")
_NONE = type(None)
# The bytes that JSON escapes in a string (a quote, a backslash, control characters) mapped
# to others, the rest to themselves
_ESCAPED = bytes(byte if byte >= 0x20 and byte not in b'"\\' else 0x7F for byte in range(256))


def to_json(graph: nx.MultiDiGraph) -> str:
    """The graph as JSON text, one node or edge a line; the same bytes for the same model.

    Written a field at a time: a field's values of all nodes (or edges) are encoded together
    (strings that need no escape are written as they are, between quotes), and each line is
    joined from its pieces.
    """
    head = _ENCODER.encode({"output": graph.graph["output"],
                            "title": graph.graph.get("title", "")})
    with gc_paused():
        quote, ids = _ids(list(graph))
        nodes = list(graph) if ids is None else list(ids.values())
        text = [head[:-1], ',\n "nodes": ']
        text += _list([('{"id": ' + quote, nodes)], quote,
                      [data for _, data in graph.nodes(data=True)], NODE_KEYS)
        sources, targets, dicts = _edges(graph)
        if ids is not None:
            sources, targets = [ids[s] for s in sources], [ids[t] for t in targets]
        text.append(',\n "edges": ')
        text += _list([('{"source": ' + quote, sources),
                       (quote + ', "target": ' + quote, targets)], quote, dicts, EDGE_KEYS)
        text.append("\n}\n")
        return "".join(text)            # one join of all lines: the text is copied once


def _ids(nodes: list) -> tuple[str, dict | None]:
    """How node ids are written: ('"', None) when each is a str that needs no escape (the
    usual case: written as it is, between quotes), else ("", {node: its JSON})."""
    try:
        if _plain("".join(nodes)):
            return '"', None
        return "", dict(zip(nodes, map(encode_basestring, nodes)))
    except TypeError:                               # not all str
        return "", {node: _ENCODER.encode(node) for node in nodes}


def _plain(text: str) -> bool:
    """Whether the JSON encoder writes `text` as it is, between quotes: it holds no quote,
    backslash or control character (checked a byte at a time, in C)."""
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:                      # wider: UTF-8 has those bytes only for them
        data = text.encode("utf-8", "surrogatepass")
    # CPython's translate returns `data` itself when it changes no byte (elsewhere this is
    # False, and every string is encoded: slower, the same text)
    return data.translate(_ESCAPED) is data


def _edges(graph: nx.MultiDiGraph) -> tuple[list, list, list[dict]]:
    """The edges' sources, targets and attribute dicts, in graph.edges' order (read from the
    adjacency dicts, without its views)."""
    adjacency = dict(graph.adjacency())             # source: {target: {key: attributes}}
    near = list(adjacency.values())
    keyed = list(chain.from_iterable(map(dict.values, near)))
    dicts = [data for edges in keyed for data in edges.values()]
    if len(dicts) == len(keyed):                    # one edge between each two nodes
        targets = list(chain.from_iterable(near))
        sources = [source for source, out in adjacency.items() for _ in out]
    else:                                           # x * x: one edge per use
        targets = [target for out in near for target, edges in out.items() for _ in edges]
        sources = [source for source, out in adjacency.items() for edges in out.values()
                   for _ in edges]
    return sources, targets, dicts


def _list(heads: list[tuple[str, Sequence]], quote: str, dicts: list[dict],
          keys: tuple[str, ...]) -> list[str]:
    """The lines of a JSON list of objects, one object a line: each object's head (the text
    before each of its ids; `quote` after the last), then the fields among `keys` of its dict."""
    if not dicts:
        return ["[]"]
    first = dicts[0]
    wanted = [key for key in keys if key in first]
    rows = None
    # One set of keys, all among `keys` (the usual case): each dict has exactly `wanted`.
    if len(wanted) == len(first) and all(map(len(first).__eq__, map(len, dicts))):
        try:
            rows = _pieces(heads, quote, dicts, wanted)
        except KeyError:                            # as many keys, not the same ones
            pass
    lines = list(map("".join, rows)) if rows is not None else \
        _grouped(heads, quote, dicts, keys)
    lines[0] = "[\n  " + lines[0][4:]
    lines.append("\n ]")
    return lines


def _grouped(heads: list[tuple[str, Sequence]], quote: str, dicts: list[dict],
             keys: tuple[str, ...]) -> list[str]:
    """Each object's line, for dicts with several sets of keys: written a set at a time."""
    groups: dict[tuple, list[int]] = {}
    for i, layout in enumerate(map(tuple, dicts)):
        groups.setdefault(layout, []).append(i)
    lines = [""] * len(dicts)
    for layout, where in groups.items():
        rows = _pieces([(before, [ids[i] for i in where]) for before, ids in heads], quote,
                       [dicts[i] for i in where], [key for key in keys if key in layout])
        for i, line in zip(where, map("".join, rows)):
            lines[i] = line
    return lines


def _pieces(heads: list[tuple[str, Sequence]], quote: str, dicts: list[dict],
            wanted: list[str]) -> Iterator[tuple[str, ...]]:
    """Each object's pieces of text (its line, after the comma and line break before it), for
    dicts that all have the keys `wanted` (in any order; KeyError if one has not): its fields
    in that order."""
    getter = itemgetter(*wanted) if wanted else None
    columns = (list(zip(*map(getter, dicts))) if len(wanted) > 1 else
               [tuple(map(getter, dicts))] if wanted else [])
    parts: list[Iterable[str]] = []
    text = ",\n  "
    for before, ids in heads:
        parts += repeat(text + before), ids
        text = ""
    text = quote
    for key, values in zip(wanted, columns):
        text += f", {encode_basestring(key)}: "
        mark, encoded = _column(values)
        if isinstance(encoded, str):            # the same for every object: part of the text
            text += encoded
        else:
            parts += repeat(text + mark), encoded
            text = mark
    parts.append(repeat(text + "}"))
    return zip(*parts)


def _column(values: tuple) -> tuple[str, Sequence[str] | str]:
    """A field's values as (quote, pieces): each value's JSON, exactly as the encoder writes
    it in an object, is the quote, its piece and the quote; pieces is one str when all values
    are the same str, int or None."""
    first = values[0]
    try:
        joined = "".join(values)
    except TypeError:                               # not all str
        return "", _others(values)
    if first == values[-1] and values.count(first) == len(values):
        return "", encode_basestring(first)
    return ('"', values) if _plain(joined) else ("", list(map(encode_basestring, values)))


def _others(values: tuple) -> list[str] | str:
    """The JSON of values not all str, one str when all are the same int or None."""
    types = set(map(type, values))
    first = values[0]
    if types == {type(first)} and type(first) in (int, _NONE) and first == values[-1] and \
            values.count(first) == len(values):
        return _ENCODER.encode(first)
    if types not in ({int}, {str, _NONE}):
        return list(map(_ENCODER.encode, values))   # floats, lists, bools: rare
    # Exact ints (repr is what the encoder writes), or str and None: no two values of
    # different types are equal, so a value's JSON can be looked up by the value.
    encode = repr if int in types else _str_or_none
    sample = values[:64]
    if len(set(sample)) * 4 <= len(sample):         # a few values, repeated: op, arg
        known = {value: encode(value) for value in set(values)}
        return list(map(known.__getitem__, values))
    if int in types:
        return list(map(repr, values))
    return [encode_basestring(v) if v is not None else "null" for v in values]


def _str_or_none(value: str | None) -> str:
    """A str or None as JSON."""
    return "null" if value is None else encode_basestring(value)


def _write(job: Job) -> bytes:
    """`render --format json`: the graph's structure and formulas (not --show's numbers)."""
    return to_json(job.graph).encode("utf-8")


FORMATS = {"json": Format("json", "json", "the graph as JSON: nodes, edges, formulas and "
                          "local derivatives", write=_write, notations=("plain", "pretty"),
                          numbers=False, writes="full", fit="")}
