"""One training run set up: the model read with its sizes, its data set, the objective and
the starting parameters."""

from __future__ import annotations

from dataclasses import dataclass

from graphdraw.analyses.train import data as data_mod
from graphdraw.analyses.train.data import DataSet
from graphdraw.analyses.train.objective import Objective, TrainingError
from graphdraw.analyses.train.predictions import prediction_node, target_leaf
from graphdraw.language.program import Program
from graphdraw.language.sizes import declared_dims, parse_dims, with_dims  # noqa: F401
from graphdraw.lazy import np
from graphdraw.numeric import backprop, evaluate

HIDDEN = "H"          # the size --hidden sets: `dim H = 2` in the built-in networks
# The options of prepare() that a command or a sweep passes on as they are.
RUN_OPTIONS = ("data_path", "given", "init_scale", "reduce", "predict")


@dataclass
class Setup:
    """A model read with its sizes, its data set, the objective and the starting point."""

    program: Program
    data: DataSet
    objective: Objective
    theta: dict                  # the starting parameters
    values: dict                 # every leaf's starting value
    node: str | None             # the prediction compared with the targets
    target: str | None


def prepare(text: str, name: str, *, syntax: str | None = None, dims: dict | None = None,
            data_path: str | None = None, given: dict | None = None, seed: int = 0,
            init_scale: float = 1.0, reduce: str = "sum", predict: str | None = None,
            choose_layout: bool = True, program: Program | None = None) -> Setup:
    """Parse the model (with `dims` in place of its declared sizes), load the data (the
    XOR samples without `data_path`), and give the parameters their starting values: `given`,
    else declared, else random from `seed` times `init_scale`. A `program` already parsed
    is used as it is, in place of `text`."""
    if program is None:
        from graphdraw.language import parser
        program = parser.parse(with_dims(text, dims or {}), name, syntax=syntax)
    if reduce == "mean" and program.plates:
        raise TrainingError("--reduce mean: this model sums over its samples itself (Σ_n), so "
                            "its loss is already the one it says; --reduce would divide it by "
                            "N once more", hint="drop --reduce, and write 1/N Σ_n … in the "
                            "model for a mean")
    data = _data_set(program, data_path)
    values, params = _starting_values(program, data, dict(given or {}), seed, init_scale)
    fixed = {k: v for k, v in values.items() if k not in data.columns}
    objective = Objective(program, data, fixed, params, reduce)
    theta = {p: np.array(values[p], dtype=float) for p in params}
    if data.columns:                     # shapes and NaNs of the first sample, stated early
        evaluate.forward(program, {**values, **data.sample(0)})
    if choose_layout:
        objective.choose_layout(theta)
    return Setup(program, data, objective, theta, values,
                 prediction_node(program, predict, frozenset(data.columns)),
                 target_leaf(program, data))


def prepare_run(text: str, name: str, options: dict, *, syntax: str | None, dims: dict,
                seed: int, choose_layout: bool = True) -> Setup:
    """prepare() with the RUN_OPTIONS of `options`, as the command and the sweep hold them."""
    return prepare(text, name, syntax=syntax, dims=dims, seed=seed,
                   choose_layout=choose_layout, **{k: options[k] for k in RUN_OPTIONS})


def _data_set(program: Program, data_path: str | None) -> DataSet:
    """The samples: from the CSV file (for a model with Σ_n, its rows are the samples n),
    else the model's own, else the four XOR samples."""
    if data_path is not None:
        from graphdraw.core import plates
        if plates.has_plates(program):
            return data_mod.plate_csv(data_path, program)
        return data_mod.read_csv(data_path, program)
    return data_mod.in_model(program) or data_mod.xor(program)


def _starting_values(program: Program, data: DataSet, given: dict, seed: int,
                     init_scale: float) -> tuple[dict, list[str]]:
    """Every leaf's starting value, and the parameters to train."""
    from graphdraw.numeric import values as values_mod
    for leaf in given:
        if leaf in data.columns or leaf in data.per_sample:
            raise TrainingError(f"'{leaf}' is data ({data.origin}); --set and --values give "
                                "the starting values of parameters")
    given = {**given, **data.per_sample}
    # One sample of the data fixes the data leaves' shapes for shape inference (core/infer.py).
    values = values_mod.leaf_values(program, {**data.sample(0), **given} if data.columns
                                    else given, seed)
    params = [leaf for leaf in backprop.gradient_leaves(program) if leaf not in data.columns]
    if not params:
        raise TrainingError("no leaf of this model is a parameter to train",
                            hint="declare the parameters: param W[2, 2], b")
    declared = {n.id for n in program.nodes.values() if n.default is not None}
    for leaf in params:
        if leaf not in given and leaf not in declared and init_scale != 1.0:
            values[leaf] = values[leaf] * init_scale
    return values, params


def targets_of(setup: Setup) -> list | None:
    """The targets of the samples, in order (None without a single target)."""
    if setup.target is None:
        return None
    if setup.data.in_model:
        return list(np.asarray(setup.objective.values({})[setup.target]))
    return list(setup.data.columns[setup.target])
