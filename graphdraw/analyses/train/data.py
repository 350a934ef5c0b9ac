"""Data sets for `graphdraw train`: the four XOR samples, or a CSV whose columns name leaves.

A column names a scalar leaf by its name (`y`, `y_hat`, `ŷ`) and an entry of a tensor leaf by
the name and the entry's 1-based index: `x[1]`, `x[2]`, `X[2,1]`; for a vector `x1`, `x2`
say the same when the model has no leaf of that name. Every input and target of the model needs
its columns; a leaf the model does not declare becomes data when a column names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphdraw import limits
from graphdraw.errors import LimitError
from graphdraw.lazy import np
from graphdraw.language.names import canonical
from graphdraw.language.program import Program
from graphdraw.numeric import datafile
from graphdraw.numeric.datafile import INDEXED as _INDEXED, NUMBERED as _NUMBERED, DataError

__all__ = ["DataError", "DataSet", "declared_data", "in_model", "read_csv", "xor"]

XOR_INPUTS = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
XOR_TARGETS = (0.0, 1.0, 1.0, 0.0)


@dataclass
class DataSet:
    """Values of the data leaves, one row per sample: leaf id -> array (N, *shape).

    `in_model` marks a model that holds its samples itself (values per sample, x_n and y_n,
    summed with Σ_n): then `columns` is empty and the program is evaluated as it is, with
    `per_sample` (read from a CSV file: leaf id -> array (N, *shape)) as the values per sample.
    """

    columns: dict[str, "np.ndarray"]
    count: int
    origin: str
    in_model: bool = False
    ignored: list[str] = field(default_factory=list)
    per_sample: dict = field(default_factory=dict)

    def sample(self, k: int) -> dict:
        """The data leaves' values of sample k (0-based)."""
        return {leaf: values[k] for leaf, values in self.columns.items()}

    def head(self, count: int) -> "DataSet":
        """The first `count` samples (all when there are fewer)."""
        if count >= self.count:
            return self
        return DataSet({leaf: values[:count] for leaf, values in self.columns.items()},
                       count, self.origin, self.in_model, self.ignored, self.per_sample)


def declared_data(program: Program) -> list[str]:
    """The declared inputs and targets of one sample (not values per sample of a plate)."""
    return [n.id for n in program.nodes.values()
            if n.is_leaf and n.role in ("input", "target") and n.plate is None]


def in_model(program: Program) -> DataSet | None:
    """The samples a model holds itself (x_n, y_n with Σ_n), or None."""
    from graphdraw.core import plates
    if not plates.has_plates(program):
        return None
    from graphdraw.core import infer
    from graphdraw.numeric.values import leaf_values
    with infer.quiet():     # the values given later fix the shapes; their inference says so
        count = plates.sample_count(program, leaf_values(program, {}, 0), DataError) or 0
    return DataSet({}, count, "the samples declared in the model", in_model=True)


def plate_csv(path: str, program: Program) -> DataSet:
    """The samples of a model with Σ_n from a CSV file, one row per sample n (N is the number
    of rows; numeric/datafile.py matches the columns to x_n, y_n): at least two."""
    values, count = datafile.plate_values(path, program)
    if count < 2:
        raise DataError(f"{path} has one sample; training a model over samples (Σ_n) needs "
                        "at least two rows", hint="add rows; the gradients at one sample: "
                                                  "graphdraw grads MODEL --data FILE.csv")
    return DataSet({}, count, path, in_model=True, per_sample=values)


def xor(program: Program) -> DataSet:
    """The four XOR samples, for a model with one target and either one input of two
    entries (x[2]) or two scalar inputs; a model without inputs and targets is its own
    objective (one evaluation, no data)."""
    leaves = {n.id: n for n in program.nodes.values() if n.is_leaf}
    inputs = [i for i in declared_data(program) if leaves[i].role == "input"]
    targets = [i for i in declared_data(program) if leaves[i].role == "target"]
    shapes = [leaves[i].shape or () for i in inputs]
    xs = np.array(XOR_INPUTS)
    ys = np.array(XOR_TARGETS)
    if not inputs and not targets and not any(n.role in ("input", "target")
                                              for n in leaves.values()):
        return DataSet({}, 1, "no data (the model has no inputs or targets)", in_model=True)
    fits = len(targets) == 1 and (leaves[targets[0]].shape or ()) == ()
    if fits and len(inputs) == 1 and shapes[0] == (2,):
        columns = {inputs[0]: xs}
    elif fits and len(inputs) == 2 and shapes == [(), ()]:
        columns = {inputs[0]: xs[:, 0], inputs[1]: xs[:, 1]}
    else:
        found = ", ".join(f"{leaves[i].role} {i}{_shape_text(leaves[i].shape)}"
                          for i in inputs + targets) or "no declared inputs or targets"
        raise DataError("the built-in XOR data fits a model with one target y and one input "
                        f"x[2] (or two scalar inputs); this model has {found}",
                        hint="give the samples with --data FILE.csv, whose header names the "
                             "model's inputs and targets (e.g. x1,x2,y)")
    columns[targets[0]] = ys
    return DataSet(columns, 4, "the four XOR samples")


def _shape_text(shape) -> str:
    return "" if not shape else "[" + ", ".join(map(str, shape)) + "]"


def read_csv(path: str, program: Program) -> DataSet:
    """Samples from a CSV file: a header naming leaves (see the module's docstring), then
    one row of numbers per sample."""
    header, body = datafile.read_table(path)
    places, data_leaves, ignored = _match_columns(path, header, program)
    count = len(body)
    values = {leaf: np.zeros((count, *shape)) for leaf, shape in data_leaves.items()}
    for k, (line, row) in enumerate(body):
        datafile.check_row(path, line, row, header)
        for position, cell in enumerate(row):
            place = places.get(position)
            if place is None:
                continue
            leaf, index = place
            values[leaf][(k, *index)] = datafile.number(path, line, header[position], cell)
    return DataSet(values, count, path, ignored=ignored)


def _match_columns(path: str, header: list[str], program: Program):
    """Column position -> (leaf, 0-based index); the data leaves with their shapes; the
    columns that name nothing."""
    leaves = {n.id: n for n in program.nodes.values() if n.is_leaf and n.plate is None}
    named: dict[int, tuple[str, tuple[int, ...]]] = {}
    ignored = []
    seen: dict[tuple[str, tuple[int, ...]], str] = {}
    for position, column in enumerate(header):
        try:
            place = _column_place(column, leaves)
        except (ValueError, LimitError) as exc:
            raise DataError(f"{path}: column '{column}': {getattr(exc, 'message', exc)}",
                            hint="number the entries from 1: x[1], x[2], …") from None
        if place is None:
            ignored.append(column)
            continue
        leaf, index = place
        node = leaves[leaf]
        if node.role in ("param", "const"):
            raise DataError(f"{path}: column '{column}' names the {node.role} '{leaf}'; the "
                            "data gives only inputs and targets",
                            hint=f"declare it 'input {leaf}' or 'target {leaf}' in the model, "
                                 "or rename the column")
        if (leaf, index) in seen:
            raise DataError(f"{path}: columns '{seen[(leaf, index)]}' and '{column}' both "
                            f"give {_entry(leaf, index)}")
        seen[(leaf, index)] = column
        named[position] = (leaf, index)
    # Every declared input and target, and every undeclared leaf a column names, is data.
    # Every declared input and target, and every undeclared leaf a column names, is data;
    # a declared input or target with a declared value and no column keeps its value.
    by_leaf: dict[str, list[tuple[int, ...]]] = {}
    for leaf, index in named.values():
        by_leaf.setdefault(leaf, []).append(index)
    data = [leaf for leaf in declared_data(program)
            if leaf in by_leaf or leaves[leaf].default is None]
    data += [leaf for leaf in by_leaf if leaf not in data]
    shapes = {}
    for leaf in data:
        node, indices = leaves[leaf], by_leaf.get(leaf, [])
        if node.shape is not None:      # declared (a declared role alone: a scalar)
            shape = node.shape
        elif not indices:
            shape = ()
        else:                       # no shape declared: as large as its columns say
            shape = tuple(max(i[d] for i in indices) + 1 for d in range(len(indices[0])))
        for index in indices:
            column = seen[(leaf, index)]
            if len(index) != len(shape):
                if not shape:
                    size = max(i[0] for i in indices if i) + 1
                    raise DataError(f"{path}: column '{column}' does not fit the scalar "
                                    f"{leaf}", hint=f"name the column {leaf}, or declare its "
                                    f"shape (`{node.role} {leaf}[{size}]`)")
                raise DataError(f"{path}: column '{column}' does not fit "
                                f"{leaf}{_shape_text(shape)}: one column per entry",
                                hint="name its entries " + ", ".join(
                                    _column_names(leaf, i, shape)[0].strip("'")
                                    for i, _ in _entries(shape)))
            if any(i >= n for i, n in zip(index, shape)):
                raise DataError(f"{path}: column '{column}' is past the end of {leaf}, which "
                                f"has shape {_shape_text(shape)}")
        for index, _ in _entries(shape):
            if (leaf, index) not in seen:
                ways = _column_names(leaf, index, shape)
                raise DataError(f"{path}: no column for {_entry(leaf, index)}",
                                hint=f"name a column {' or '.join(ways)} (the header is: "
                                     f"{','.join(header)})")
        shapes[leaf] = shape
    places = {p: place for p, place in named.items()}
    return places, shapes, ignored


def _column_place(column: str, leaves: dict) -> tuple[str, tuple[int, ...]] | None:
    """Which leaf entry a column names, or None."""
    name = canonical(column)
    if name in leaves:
        return name, ()
    match = _INDEXED.match(column)
    if match:
        leaf = canonical(match.group(1))
        if leaf in leaves:
            return leaf, tuple(limits.size(i, "an index") - 1 for i in match.group(2).split(","))
        return None
    match = _NUMBERED.match(column)
    if match:
        leaf = canonical(match.group(1))
        node = leaves.get(leaf)
        if node is not None and match.group(2).strip("0") \
                and (node.shape is None or len(node.shape) == 1):
            return leaf, (limits.size(match.group(2), "an index") - 1,)
    return None


def _entries(shape: tuple[int, ...]):
    """(index, position) of every entry of a shape, in row-major order."""
    return [(tuple(int(i) for i in index), k) for k, index in enumerate(np.ndindex(*shape))] \
        if shape else [((), 0)]


def _entry(leaf: str, index: tuple[int, ...]) -> str:
    return leaf if not index else f"{leaf}[{','.join(str(i + 1) for i in index)}]"


def _column_names(leaf: str, index: tuple[int, ...], shape: tuple[int, ...]) -> list[str]:
    if not index:
        return [f"'{leaf}'"]
    ways = [f"'{_entry(leaf, index)}'"]
    if len(shape) == 1:
        ways.insert(0, f"'{leaf}{index[0] + 1}'")
    return ways
