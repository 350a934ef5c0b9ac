"""Values of the leaves: --set NAME=JSON, --values FILE.json, declared values, and --seed."""

from __future__ import annotations

import difflib
import json
import math
import os
import stat
import zlib

from graphdraw import limits
from graphdraw.errors import GraphdrawError, LimitError
from graphdraw.lazy import np
from graphdraw.language.names import canonical
from graphdraw.language.program import Program


def parse_json_value(text: str, what: str):
    """A number or a rectangular nested list of numbers, as a float64 array."""
    try:
        raw = json.loads(text)
    except ValueError as exc:                   # JSONDecodeError, or past 4,300 digits
        raise GraphdrawError(f"{what}: '{text[:40]}' is not JSON "
                             f"({getattr(exc, 'msg', 'a number too long')})",
                             hint="give a number or a nested list, e.g. 0.5 or [[1, 2], [3, 4]]"
                             ) from None
    return as_array(raw, what)


def as_array(raw, what: str):
    """Check a decoded JSON value and turn it into a float64 array."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, list)):
        raise GraphdrawError(f"{what}: a value is a number or a nested list of numbers, "
                             f"not {type(raw).__name__}")
    stack = [raw]
    while stack:                       # iterative: deep lists cannot hit the recursion limit
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, bool) or not isinstance(item, (int, float)):
            shown = json.dumps(item[:40]) if isinstance(item, str) else str(item)[:40]
            raise GraphdrawError(f"{what}: {shown} is not a number ({type(item).__name__})")
        else:
            try:
                limits.number(item, what)
            except ValueError as exc:
                raise GraphdrawError(str(exc), hint="values are finite 64-bit floats") from None
    try:
        array = np.array(raw, dtype=float)
    except (ValueError, OverflowError):
        raise GraphdrawError(f"{what}: the nested lists are not rectangular") from None
    if not np.all(np.isfinite(array)):
        raise GraphdrawError(f"{what}: the value is too large for 64-bit floats")
    return array


def parse_set(items: tuple[str, ...]) -> dict:
    """--set NAME=JSON options as {canonical name: array}."""
    out = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise GraphdrawError(f"--set {item}: write NAME=VALUE, e.g. --set x=[1,0]")
        out[canonical(name.strip())] = parse_json_value(text, f"--set {name.strip()}")
    return out


def load_values(path: str) -> dict:
    """A --values file: a JSON object of name -> number or nested list."""
    most = limits.cap("values")
    try:
        with open(path, "rb") as handle:
            data = handle.read(most + 1)            # no further than the cap: /dev/zero ends
            size = os.fstat(handle.fileno())
        if len(data) > most:
            count = size.st_size if stat.S_ISREG(size.st_mode) else None
            raise LimitError(limits.too_many("values", count, path, most),
                             hint=f"set {limits.LIMITS['values'].variable}=N to read larger "
                             "values files")
        raw = json.loads(data.decode("utf-8-sig"))
    except FileNotFoundError:
        raise GraphdrawError(f"no such values file: {path}") from None
    except (ValueError, UnicodeDecodeError) as exc:      # JSONDecodeError, 4,300 digits
        raise GraphdrawError(f"{path} is not a JSON file of numbers: {exc}") from None
    except OSError as exc:
        raise GraphdrawError(f"cannot read the values file {path}: "
                             f"{exc.strerror or type(exc).__name__}") from None
    if not isinstance(raw, dict):
        raise GraphdrawError(f"{path}: expected a JSON object of name -> value")
    return {canonical(k): as_array(v, f"{path}: {k}") for k, v in raw.items()}


def random_value(name: str, shape: tuple[int, ...], kind: str, seed: int, classes: int = 0):
    """A reproducible value for a leaf: the same name and seed give the same numbers
    (`classes`: the number of classes C of a leaf of class indices, kind 'classes')."""
    rng = np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])
    if kind == "classes":                   # class indices 0 … C−1
        return rng.integers(0, max(classes, 1), size=shape).astype(float)
    if kind == "simplex" and shape:         # a probability vector (along the last axis)
        drawn = rng.uniform(0.05, 1.0, size=shape)
        return drawn / np.sum(drawn, axis=-1, keepdims=True)
    if kind in ("target", "unit", "simplex"):
        return rng.uniform(0.0, 1.0, size=shape)
    return rng.uniform(-1.0, 1.0, size=shape)


def leaf_kind(program: Program, node, domains: dict | None = None) -> str:
    """How a leaf's random value is drawn: 'simplex' (a probability vector: cross_entropy's
    target), 'unit' (in [0, 1]: bce's p and y), else its role (target, param, input)."""
    domains = leaf_domains(program) if domains is None else domains
    return domains.get(node.id) or node.role or "param"


def leaf_values(program: Program, given: dict, seed: int = 0) -> dict:
    """A value for every leaf: given > declared > random from the seed (shape as declared,
    else as shape inference finds it from the model and the given values: core/infer.py)."""
    leaves = {n.id: n for n in program.nodes.values() if n.is_leaf}
    given_leaves(program, given)
    values = {}
    samples = None
    total = sum(int(np.size(v)) for v in given.values())
    shapes = _inferred_shapes(program, given)
    domains = leaf_domains(program)
    for node_id, node in leaves.items():
        if node.counts is not None:         # N of 1/N Σ_n: the number of samples
            from graphdraw.core.plates import count_value
            values[node_id] = count_value(program, given, node)
        elif node_id in given:
            values[node_id] = given[node_id]
        elif node.default is not None:
            values[node_id] = np.array(node.default, dtype=float)
        else:
            kind = leaf_kind(program, node, domains)
            shape = node.shape if node.shape is not None else shapes.get(node_id) or ()
            if node.plate is not None:      # one value per sample: a leading axis of samples
                if samples is None:
                    from graphdraw.core.plates import default_count
                    samples = default_count(program, given)
                shape = (samples, *shape)
            total += _entries(shape, f"'{node_id}' ({kind}, line {node.line})")
            limits.check("total", total, "the model's leaves together")
            values[node_id] = random_value(node_id, shape, kind, seed,
                                           classes_of(program, shapes, node_id))
    check_indices(program, values, shapes)
    return values


def classes_of(program: Program, shapes: dict, leaf_id: str) -> int:
    """The number of classes C of a leaf of class indices (the last axis of its scores)."""
    from graphdraw.core.class_targets import index_targets
    scores = index_targets(program).get(leaf_id)
    shape = shapes.get(scores) if scores is not None else None
    return shape[-1] if shape else 0


def check_indices(program: Program, values: dict, shapes: dict) -> None:
    """Every leaf of class indices holds whole numbers 0 … C−1, else an error naming the
    first that is not one, the number of classes and the fix."""
    from graphdraw.core.class_targets import index_targets
    from graphdraw.language.names import pretty
    for leaf_id, scores in index_targets(program).items():
        count = classes_of(program, shapes, leaf_id)
        value = np.asarray(values[leaf_id], dtype=float).ravel()
        bad = [v for v in value if not (v == math.floor(v) and 0 <= v < count)]
        if count and bad:
            name, of = pretty(leaf_id), pretty(program.nodes[scores].name or "the scores")
            raise GraphdrawError(
                f"'{name}' holds class indices, but {bad[0]:g} is not one: {of} has {count} "
                f"classes, numbered 0 to {count - 1} (0-based, as torch counts)",
                hint=f"give whole numbers from 0 to {count - 1}, e.g. --set {name}="
                     f"{[0] * len(value) if len(value) > 1 else 0}; for probability targets "
                     f"give {name} the shape of {of}".replace(" ", " "))


def _entries(shape: tuple[int, ...], what: str) -> int:
    """The number of entries of a shape, refused past the entries cap before any is made."""
    count = math.prod(shape)
    limits.check("entries", count, f"{what} of shape {'×'.join(map(str, shape))}")
    return count


def leaf_domains(program: Program) -> dict[str, str]:
    """Leaves an op takes within a domain, as its table row says: 'unit' for probabilities
    (bce's p and y: the row's `unit` operands, drawn from [0, 1]), 'simplex' for probability
    vectors (cross_entropy's target: the row's `simplex` operands, entries summing to 1)."""
    from graphdraw import ops
    found: dict[str, str] = {}
    for node in program.nodes.values():
        if node.op is not None and node.op in ops.OPS:
            extra = ops.OPS[node.op].extra
            for domain in ("unit", "simplex"):
                for position in extra.get(domain, ()):
                    arg = program.nodes[node.args[position]]
                    if arg.is_leaf:
                        found[arg.id] = domain
    from graphdraw.core.class_targets import index_targets
    for leaf_id in index_targets(program):
        found[leaf_id] = "classes"
    from graphdraw.language.targets import loss_targets
    for leaf_id, (domain, _) in loss_targets(program).items():
        if program.nodes[leaf_id].role == "target":     # y of −Σ_k y_k log ŷ_k
            found.setdefault(leaf_id, domain)
    return found


def given_leaves(program: Program, given: dict) -> dict:
    """`given`, once every name in it is a leaf of the model (else an error naming the
    closest leaf)."""
    leaves = [n.id for n in program.nodes.values() if n.is_leaf]
    unknown = [name for name in given if name not in leaves]
    if unknown:
        close = difflib.get_close_matches(unknown[0], leaves, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"leaves: {', '.join(leaves)}"
        raise GraphdrawError(f"'{unknown[0]}' is not a leaf of the model", hint=hint)
    return given


def _inferred_shapes(program: Program, given: dict) -> dict:
    """The leaves' shapes that inference finds (a contradiction is an error here, before any
    number is computed); the note about sizes chosen by default goes to stderr."""
    from graphdraw.core import infer
    return infer.shapes_for(program, given)
