"""Data files of samples: a CSV read with the stdlib csv module (a header, then one row of
numbers per sample), and its columns matched to the values per sample of a model with Σ_n.

For a model that sums over samples (`L = 1/N Σ_n (wᵀ x_n + b − y_n)²`) each row is one sample
n, and N is the number of rows. A column names a value per sample by its name with or without
the index (`x` or `x_n`, `y` or `y_n`, `ŷ` for y_hat_n); an entry of a vector or a tensor by
the entry's 1-based index (`x[1]`, `x_n[2]`, `X[2,1]`), and of a vector also as `x1`, `x2`.
The shape of a value per sample is the declared one, else the one its columns give (one column
`x`: a number per sample; `x1,x2`: a vector of 2); shape inference (core/infer.py) takes the
parameters' shapes from there. Every value per sample needs its columns, and every column must
name one: a mismatch is a DataError (exit code 3) naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import re

from graphdraw import limits
from graphdraw.errors import GraphdrawError, LimitError
from graphdraw.lazy import np
from graphdraw.language.names import canonical
from graphdraw.language.program import Node, Program

INDEXED = re.compile(r"^(.+?)\s*\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]$")
NUMBERED = re.compile(r"^(.*?[^\d_])_?(\d+)$")


class DataError(GraphdrawError):
    """The data set does not fit the model (exit code 3, as any bad input)."""


def read_table(path: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (cells stripped) and the rows with their line numbers; blank lines are
    skipped. At most GRAPHDRAW_MAX_ROWS rows are read (LimitError past that)."""
    most = limits.cap("rows")
    header, body, past = None, [], 0
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if header is None:
                    header = [cell.strip() for cell in row]
                elif len(body) < most:
                    body.append((reader.line_num, row))
                else:               # past the cap: counted (up to 10 times it), not kept
                    past += 1
                    if past >= 9 * most:
                        break
    except FileNotFoundError:
        raise DataError(f"no such data file: {path}") from None
    except IsADirectoryError:
        raise DataError(f"{path} is a directory; give a CSV file") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    except (OSError, csv.Error) as exc:
        raise DataError(f"cannot read the data file {path}: "
                        f"{getattr(exc, 'strerror', None) or exc}") from None
    if past:
        count = len(body) + past if past < 9 * most else None
        raise LimitError(limits.too_many("rows", count, path, most),
                         hint="the limit counts rows of a data file; set "
                              f"{limits.LIMITS['rows'].variable}=N to raise it")
    if header is None:
        raise DataError(f"{path} is empty: the first line names the columns, e.g. x1,x2,y")
    if not body:
        raise DataError(f"{path} has a header but no samples",
                        hint="add one row of numbers per sample under the header")
    return header, body


def number(path: str, line: int, column: str, cell: str) -> float:
    """A cell as a finite float (DataError naming the file, line and column otherwise)."""
    try:
        return limits.decimal(cell.strip(), f"{path}:{line}: column '{column}'")
    except ValueError as exc:
        raise DataError(str(exc), hint="write numbers as 2, -0.5 or 1e-3") from None


def check_row(path: str, line: int, row: list[str], header: list[str]) -> None:
    """A row has one cell per column of the header."""
    if len(row) != len(header):
        raise DataError(f"{path}:{line}: {len(row)} values, but the header names "
                        f"{len(header)} columns ({','.join(header)})",
                        hint="give every row one value per column")


# -- values per sample (x_n, y_n of Σ_n) -----------------------------------------------------

def per_sample_leaves(program: Program) -> list[Node]:
    """The leaves that hold one value per sample (not N, the count)."""
    return [n for n in program.nodes.values()
            if n.is_leaf and n.plate is not None and n.counts is None]


def base_name(node: Node) -> str:
    """A value per sample's name without its index: x_n -> x, y_hat_n -> y_hat."""
    base = node.id.rstrip("'")
    parts = base.split("_")
    kept = parts[:1] + [p for p in parts[1:] if p != node.plate]
    return "_".join(kept)


def with_samples(program: Program, given: dict, path: str, *, option: str = "--data") -> dict:
    """`given` with the values per sample read from the CSV at `path` (a DataError when the
    model has no values per sample, or when --set/--values give one of them too)."""
    leaves = per_sample_leaves(program)
    if not leaves:
        raise DataError(f"{option} gives the samples of a model that sums over them (Σ_n over "
                        "x_n, y_n); this model has no values per sample",
                        hint="write the loss over samples, e.g. L = 1/N Σ_n (w x_n + b − "
                             "y_n)², or give the values with --set; graphdraw train --data "
                             "also trains a model of one sample on a CSV")
    values, _ = plate_values(path, program)
    for leaf in values:
        if leaf in given:
            raise DataError(f"'{leaf}' is given both by {option} {path} and by "
                            "--set/--values", hint=f"give it once: drop --set {leaf}=… or "
                                                   "the file's columns")
    return {**given, **values}


def plate_values(path: str, program: Program) -> tuple[dict, int]:
    """The values per sample from a CSV file ({leaf: array (N, *shape)}) and N."""
    header, body = read_table(path)
    places, shapes = match_columns(path, header, program)
    count = len(body)
    total = 0
    for leaf, shape in shapes.items():
        entries = count * int(np.prod(shape, dtype=np.int64))
        limits.check("entries", entries, f"{path}: '{leaf}' of {count:,} samples")
        total += entries
    limits.check("total", total, f"{path}: the values per sample together")
    values = {leaf: np.zeros((count, *shape)) for leaf, shape in shapes.items()}
    for k, (line, row) in enumerate(body):
        check_row(path, line, row, header)
        for position, cell in enumerate(row):
            leaf, index = places[position]
            values[leaf][(k, *index)] = number(path, line, header[position], cell)
    return values, count


def match_columns(path: str, header: list[str], program: Program):
    """Column position -> (leaf, 0-based index), and each value per sample's shape."""
    leaves = per_sample_leaves(program)
    names = _names(program, leaves)
    others = {n.id: n for n in program.nodes.values() if n.is_leaf and n.plate is None}
    places: dict[int, tuple[str, tuple[int, ...]]] = {}
    seen: dict[tuple[str, tuple[int, ...]], str] = {}
    for position, column in enumerate(header):
        try:
            place = _place(column, names, leaves)
        except (ValueError, LimitError) as exc:
            raise DataError(f"{path}: column '{column}': {getattr(exc, 'message', exc)}",
                            hint="number the entries from 1: x[1], x[2], …") from None
        if place is None:
            raise _stray(path, column, header, leaves, others)
        if place in seen:
            raise DataError(f"{path}: columns '{seen[place]}' and '{column}' both give "
                            f"{_entry(*place)}", hint="keep one of them")
        seen[place] = column
        places[position] = place
    shapes = {node.id: _shape(path, node, seen, header) for node in leaves}
    return places, shapes


def _names(program: Program, leaves: list[Node]) -> dict[str, str]:
    """Column name -> value per sample: its id (x_n) and its name without the index (x),
    unless another leaf has that name."""
    ids = {n.id for n in program.nodes.values() if n.is_leaf}
    bases: dict[str, list[str]] = {}
    for node in leaves:
        bases.setdefault(base_name(node), []).append(node.id)
    names = {node.id: node.id for node in leaves}
    for base, owners in bases.items():
        if len(owners) == 1 and base not in ids:
            names[base] = owners[0]
    return names


def _place(column: str, names: dict[str, str], leaves: list[Node]):
    """(leaf, 0-based index) a column names, or None."""
    name = canonical(column)
    if name in names:
        return names[name], ()
    match = INDEXED.match(column)
    if match:
        leaf = names.get(canonical(match.group(1)))
        if leaf is None:
            return None
        return leaf, tuple(limits.size(i, "an index") - 1 for i in match.group(2).split(","))
    match = NUMBERED.match(column)
    if match and match.group(2).strip("0"):
        leaf = names.get(canonical(match.group(1)))
        shape = {n.id: n.shape for n in leaves}.get(leaf)
        if leaf is not None and (shape is None or len(shape) == 1):
            return leaf, (limits.size(match.group(2), "an index") - 1,)
    return None


def _shape(path: str, node: Node, seen: dict, header: list[str]) -> tuple[int, ...]:
    """A value per sample's shape: declared, else as its columns say; every entry needs
    a column."""
    columns = {index: column for (leaf, index), column in seen.items() if leaf == node.id}
    if not columns:
        raise DataError(f"{path}: no column for {node.id}, a value per sample of the "
                        "model", hint=f"add {_ways(node, node.shape)} to the header "
                                              f"(it is: {','.join(header)})")
    ranks = {len(index) for index in columns}
    if len(ranks) > 1:
        names = ", ".join(f"'{c}'" for c in columns.values())
        raise DataError(f"{path}: columns {names} give {node.id} both whole and by entries",
                        hint=f"name it {_ways(node, node.shape)}")
    if node.shape is not None:
        shape = tuple(node.shape)
        for index, column in columns.items():
            if len(index) != len(shape) or any(i >= n for i, n in zip(index, shape)):
                raise DataError(f"{path}: column '{column}' does not fit {node.id}, "
                                f"{_shape_text(shape)} per sample in the model",
                                hint=f"name its columns {_ways(node, shape)}, or change the "
                                     "declaration")
    else:
        rank = ranks.pop()
        shape = tuple(max(i[d] for i in columns) + 1 for d in range(rank))
    for index in np.ndindex(*shape):
        index = tuple(int(i) for i in index)
        if index not in columns:
            made = "in the model" if node.shape is not None else "by its columns"
            raise DataError(f"{path}: no column for {_entry(node.id, index)} ({node.id} is "
                            f"{_shape_text(shape)} per sample {made})",
                            hint=f"name its columns {_ways(node, shape)}")
    return shape


def _stray(path: str, column: str, header: list[str], leaves: list[Node],
           others: dict[str, Node]) -> DataError:
    """The error for a column that names no value per sample."""
    wanted = "; ".join(f"{n.id}: {_ways(n, n.shape)}" for n in leaves)
    if "[" in column and "]" not in column:          # A[1,1] unquoted: csv split it
        return DataError(f"{path}: column '{column}' is part of a name that a comma cut in "
                         "two", hint="quote a name with a comma, as CSV does: \"A[1,1]\", "
                                     f"\"A[1,2]\", … (the header is: {','.join(header)})")
    name = canonical(INDEXED.sub(r"\1", column))
    node = others.get(name)
    if node is not None and node.counts is not None:
        return DataError(f"{path}: column '{column}' names {name}, the number of samples of "
                         f"Σ_{node.counts}: it is the number of rows",
                         hint=f"remove the column (the columns: {wanted})")
    if node is not None:
        kind = node.role or "parameter"
        return DataError(f"{path}: column '{column}' names the {kind} '{name}', which is "
                         "not per sample; the data gives only the values per sample",
                         hint=f"remove the column; give {name} with --set {name}=… "
                              f"(the columns: {wanted})")
    return DataError(f"{path}: column '{column}' names no value per sample of the model",
                     hint=f"remove the column or rename it; the columns: {wanted} (the "
                          f"header is: {','.join(header)})")


def _ways(node: Node, shape) -> str:
    """How columns name a value per sample of this shape."""
    base = base_name(node)
    if shape is None:
        return f"'{base}' (a number per sample) or '{base}1', '{base}2', … (a vector)"
    if not shape:
        return f"'{base}'"
    entries = [tuple(int(i) for i in index) for index in np.ndindex(*shape)]
    shown = entries if len(entries) <= 4 else entries[:2] + [None] + entries[-1:]
    texts = ["…" if e is None else f"'{_entry(base, e)}'" for e in shown]
    if len(shape) == 1:
        numbered = ["…" if e is None else f"'{base}{e[0] + 1}'" for e in shown]
        return f"{', '.join(numbered)} (or {', '.join(texts)})"
    quoted = ["…" if e is None else f'"{_entry(base, e)}"' for e in shown]
    return f"{', '.join(quoted)} (in double quotes: CSV cuts a name at a comma)"


def _entry(leaf: str, index: tuple[int, ...]) -> str:
    return leaf if not index else f"{leaf}[{','.join(str(i + 1) for i in index)}]"


def _shape_text(shape) -> str:
    if not shape:
        return "a number"
    return f"a vector of {shape[0]}" if len(shape) == 1 else "×".join(map(str, shape))
