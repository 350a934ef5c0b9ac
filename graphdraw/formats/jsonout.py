"""The JSON form of a graph (README, "JSON output"): {"output", "nodes": [...], "edges": [...]}."""

from __future__ import annotations

import json
from itertools import chain, repeat
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Sequence

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
    (strings that need no escape are written as they are, between quotes), and the pieces of
    all lines are joined at once.
    """
    return "".join(_text(graph, utf8=False))


def to_bytes(graph: nx.MultiDiGraph) -> bytes:
    """to_json's text in UTF-8 (what render writes), made without that text: each piece that
    is not ASCII is replaced by its UTF-8 bytes, a char < 256 a byte, so the joined text is
    one byte a char, and its latin-1 bytes are the UTF-8 bytes of to_json's text.

    (Joined as they are, one wide char such as − makes the text two bytes a char: every
    ASCII piece is widened as it is copied, and UTF-8 then reads all of it a char at a time.)
    """
    return "".join(_text(graph, utf8=True)).encode("latin-1")


def _text(graph: nx.MultiDiGraph, utf8: bool) -> list[str]:
    """The pieces of the graph's JSON text (as UTF-8 bytes, a char a byte, with `utf8`)."""
    head = _ENCODER.encode({"output": graph.graph["output"],
                            "title": graph.graph.get("title", "")})
    with gc_paused():
        quote, ids = _ids(list(graph), utf8)
        nodes = list(graph) if ids is None else list(ids.values())
        text = [_piece(head[:-1], utf8), ',\n "nodes": ']
        text += _list([('{"id": ' + quote, nodes)], quote,
                      list(map(itemgetter(1), graph.nodes(data=True))), NODE_KEYS, utf8)
        sources, targets, dicts = _edges(graph)
        if ids is not None:
            sources, targets = list(map(ids.__getitem__, sources)), \
                list(map(ids.__getitem__, targets))
        text.append(',\n "edges": ')
        text += _list([('{"source": ' + quote, sources),
                       (quote + ', "target": ' + quote, targets)], quote, dicts, EDGE_KEYS, utf8)
        text.append("\n}\n")
        return text


def _piece(text: str, utf8: bool) -> str:
    """A piece of the text, as its UTF-8 bytes (a char a byte) with `utf8`."""
    return text if not utf8 or text.isascii() else text.encode("utf-8").decode("latin-1")


def _pieces_utf8(pieces: Sequence[str]) -> list[str]:
    """Pieces of text, none with a line break, as their UTF-8 bytes (a char a byte): encoded
    together, in C."""
    return "\n".join(pieces).encode("utf-8").decode("latin-1").split("\n")


def _ids(nodes: list, utf8: bool) -> tuple[str, dict | None]:
    """How node ids are written: ('"', None) when each is a str that needs no escape (the
    usual case: written as it is, between quotes), else ("", {node: its JSON})."""
    try:
        joined = "".join(nodes)
    except TypeError:                               # not all str
        encoded = [_ENCODER.encode(node) for node in nodes]
    else:
        if _plain(joined) and (not utf8 or joined.isascii()):
            return '"', None
        encoded = list(map(encode_basestring, nodes))
    return "", dict(zip(nodes, _pieces_utf8(encoded) if utf8 else encoded))


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
    adjacency dicts, as graph.build fills them, without networkx's views)."""
    adjacency = graph._succ                         # source: {target: {key: attributes}}
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
          keys: tuple[str, ...], utf8: bool) -> list[str]:
    """The pieces of a JSON list of objects, one object a line: each object's head (the text
    before each of its ids; `quote` after the last), then the fields among `keys` of its dict."""
    if not dicts:
        return ["[]"]
    first = dicts[0]
    wanted = [key for key in keys if key in first]
    pieces = None
    # One set of keys, all among `keys` (the usual case): each dict has exactly `wanted`.
    if len(wanted) == len(first) and all(map(len(first).__eq__, map(len, dicts))):
        try:
            pieces = _interleaved(_pieces(heads, quote, dicts, wanted, utf8), len(dicts))
        except KeyError:                            # as many keys, not the same ones
            pass
    if pieces is None:
        pieces = _grouped(heads, quote, dicts, keys, utf8)
    pieces[0] = "[\n  " + pieces[0][4:]
    pieces.append("\n ]")
    return pieces


def _interleaved(columns: list[Sequence[str] | str], count: int) -> list[str]:
    """The `count` lines made of their columns (each a piece of every line, or one str that
    every line has there), joined a line at a time (each line's pieces are close in memory)."""
    return list(map("".join, zip(*(repeat(c, count) if isinstance(c, str) else c
                                   for c in columns))))


def _grouped(heads: list[tuple[str, Sequence]], quote: str, dicts: list[dict],
             keys: tuple[str, ...], utf8: bool) -> list[str]:
    """Each object's line, for dicts with several sets of keys: written a set at a time."""
    groups: dict[tuple, list[int]] = {}
    for i, layout in enumerate(map(tuple, dicts)):
        groups.setdefault(layout, []).append(i)
    lines = [""] * len(dicts)
    for layout, where in groups.items():
        columns = _pieces([(before, [ids[i] for i in where]) for before, ids in heads], quote,
                          [dicts[i] for i in where], [key for key in keys if key in layout],
                          utf8)
        rows = zip(*(repeat(c) if isinstance(c, str) else c for c in columns))
        for i, line in zip(where, map("".join, rows)):
            lines[i] = line
    return lines


def _pieces(heads: list[tuple[str, Sequence]], quote: str, dicts: list[dict],
            wanted: list[str], utf8: bool) -> list[Sequence[str] | str]:
    """The columns of the objects' pieces of text (each line's, after the comma and line
    break before it), for dicts that all have the keys `wanted` (in any order; KeyError if
    one has not): a column is each object's piece there, or one str the same for all."""
    getter = itemgetter(*wanted) if wanted else None
    columns = (list(zip(*map(getter, dicts))) if len(wanted) > 1 else
               [tuple(map(getter, dicts))] if wanted else [])
    parts: list[Sequence[str] | str] = []
    text = ",\n  "
    for before, ids in heads:
        parts += _piece(text + before, utf8), ids
        text = ""
    text = quote
    for key, values in zip(wanted, columns):
        text += f", {encode_basestring(key)}: "
        mark, encoded = _column(values, utf8)
        if isinstance(encoded, str):            # the same for every object: part of the text
            text += encoded
        else:
            parts += _piece(text + mark, utf8), encoded
            text = mark
    parts.append(_piece(text + "}", utf8))
    return parts


def _column(values: tuple, utf8: bool) -> tuple[str, Sequence[str] | str]:
    """A field's values as (quote, pieces): each value's JSON, exactly as the encoder writes
    it in an object, is the quote, its piece and the quote; pieces is one str when all values
    are the same str, int or None (as it is: it becomes part of a piece that is converted)."""
    first = values[0]
    try:
        joined = "".join(values)
    except TypeError:                               # not all str
        return "", _others(values, utf8)
    if first == values[-1] and values.count(first) == len(values):
        return "", encode_basestring(first)
    mark, pieces = ('"', values) if _plain(joined) else ("", list(map(encode_basestring, values)))
    # an escape is ASCII: the pieces are ASCII when the values are
    return mark, _pieces_utf8(pieces) if utf8 and not joined.isascii() else pieces


def _others(values: tuple, utf8: bool) -> list[str] | str:
    """The JSON of values not all str, one str when all are the same int or None."""
    types = set(map(type, values))
    first = values[0]
    if types == {type(first)} and type(first) in (int, _NONE) and first == values[-1] and \
            values.count(first) == len(values):
        return _ENCODER.encode(first)
    if types not in ({int}, {str, _NONE}):          # floats, lists, bools: rare
        encoded = list(map(_ENCODER.encode, values))
        return _pieces_utf8(encoded) if utf8 and not "".join(encoded).isascii() else encoded
    # Exact ints (repr is what the encoder writes), or str and None: no two values of
    # different types are equal, so a value's JSON can be looked up by the value.
    encode = repr if int in types else _str_or_none
    sample = values[:64]
    if len(set(sample)) * 4 <= len(sample):         # a few values, repeated: op, arg
        known = list(set(values))
        encoded = list(map(encode, known))
        known = dict(zip(known, _pieces_utf8(encoded) if utf8 else encoded))
        return list(map(known.__getitem__, values))
    if int in types:
        return list(map(repr, values))              # ASCII
    encoded = [encode_basestring(v) if v is not None else "null" for v in values]
    return _pieces_utf8(encoded) if utf8 and not "".join(encoded).isascii() else encoded


def _str_or_none(value: str | None) -> str:
    """A str or None as JSON."""
    return "null" if value is None else encode_basestring(value)


def _write(job: Job) -> bytes:
    """`render --format json`: the graph's structure and formulas (not --show's numbers)."""
    return to_bytes(job.graph)


FORMATS = {"json": Format("json", "json", "the graph as JSON: nodes, edges, formulas and "
                          "local derivatives", write=_write, notations=("plain", "pretty"),
                          numbers=False, writes="full", fit="")}
