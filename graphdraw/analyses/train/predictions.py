"""What the trained model predicts: the value compared with the targets, per sample, and
whether a classification is learned (every prediction on the right side of 0.5)."""

from __future__ import annotations

from dataclasses import dataclass

from graphdraw.analyses.train.data import DataSet
from graphdraw.analyses.train.objective import Objective, TrainingError
from graphdraw.analyses.train.optimizers import History
from graphdraw.language.program import Program
from graphdraw.lazy import np
from graphdraw.numeric import backprop


def prediction_node(program: Program, name: str | None = None,
                    data_leaves: frozenset = frozenset()) -> str | None:
    """The value the targets are compared with: `name`, else ŷ (y_hat, y_hat_n), else the
    last named value computed from the inputs (declared, or the data file's columns) without
    the targets."""
    from graphdraw.language.names import canonical
    computed = [n for n in program.nodes.values() if n.op is not None and n.name]
    if name is not None:
        wanted = canonical(name)
        found = [n.id for n in program.nodes.values() if n.name == wanted or n.id == wanted]
        if not found:
            raise TrainingError(f"--predict: the model has no value named '{name}'",
                                hint="named values: " + ", ".join(
                                    dict.fromkeys(n.name for n in computed)))
        return found[-1]
    hats = [n.id for n in computed if n.name == "y_hat" or n.name.startswith("y_hat_")]
    if hats:
        return hats[-1]
    leaves = [n for n in program.nodes.values() if n.is_leaf]
    inputs = {n.id for n in leaves if n.role == "input"
              or (n.id in data_leaves and n.role != "target")}
    targets = {n.id for n in leaves if n.role == "target"}
    from_inputs = backprop.needs_grad(program, inputs)
    from_targets = backprop.needs_grad(program, targets)
    chosen = [n.id for n in computed if n.id in from_inputs and n.id not in from_targets
              and n.id != program.output]        # the loss is no prediction
    return chosen[-1] if chosen else _compared(program, targets, from_inputs, from_targets)


def _compared(program: Program, targets: set, from_inputs: set, from_targets: set
              ) -> str | None:
    """An unnamed value the model compares with a target: σ(…) of (σ(…) − y)², or z of
    cross_entropy(z, y) (a model written as one equation names no prediction)."""
    from graphdraw import ops
    for node in reversed(program.nodes.values()):
        if node.op is None or not any(a in targets for a in node.args):
            continue
        row = ops.OPS[node.op]
        if node.op == "sub" or "target" in row.extra:
            found = [a for a in node.args if a in from_inputs and a not in from_targets]
            if found:
                return found[0]
    return None


def target_leaf(program: Program, data: DataSet) -> str | None:
    """The one target the predictions are compared with (None when there are several)."""
    targets = [n.id for n in program.nodes.values() if n.is_leaf and n.role == "target"
               and (n.id in data.columns or (data.in_model and n.plate is not None))]
    return targets[0] if len(targets) == 1 else None


@dataclass
class Prediction:
    """One sample: its data, the prediction, the target, and (for 0/1 targets) whether the
    prediction is on the right side of 0.5."""

    sample: int
    data: dict
    prediction: object
    target: object
    correct: bool | None


def predictions(objective: Objective, theta: dict, node: str | None,
                target: str | None) -> list[Prediction]:
    """The prediction for each sample, against its target."""
    data = objective.data
    if node is None or (data.in_model and not plates_in(objective.program)):
        return []
    if data.in_model and objective.program.nodes[node].plate is None:
        return []              # one value for all the samples: nothing to compare per sample
    values = objective.outputs(theta, node)
    if data.in_model:
        fixed = objective.values(theta)
        targets = list(np.asarray(fixed[target])) if target else [None] * len(values)
        per_sample = [n.id for n in objective.program.nodes.values() if n.is_leaf
                      and n.plate is not None and n.id != target]
        rows = [{leaf: np.asarray(fixed[leaf])[k] for leaf in per_sample}
                for k in range(len(values))]
    else:
        targets = list(data.columns[target]) if target else [None] * len(values)
        rows = [{leaf: column[k] for leaf, column in data.columns.items() if leaf != target}
                for k in range(data.count)]
    classify = target is not None and all(np.ndim(v) == 0 for v in values) and binary(targets)
    out = []
    for k, (value, goal) in enumerate(zip(values, targets)):
        correct = None
        if classify:
            correct = right_side(value, goal)
        out.append(Prediction(k + 1, rows[k], value, goal, correct))
    return out


def binary(targets: list | None) -> bool:
    """True for targets that are all the numbers 0 and 1 (a classification)."""
    return bool(targets) and all(np.ndim(t) == 0 and float(t) in (0.0, 1.0) for t in targets)


def right_side(value, target) -> bool:
    """Whether a prediction is on the target's side of 0.5 (the target is 0 or 1)."""
    return bool(float(value) > 0.5) if float(target) == 1.0 else bool(float(value) < 0.5)


def learned(rows: list[Prediction]) -> bool | None:
    """True when every prediction is on the right side of 0.5 (None: not classification)."""
    if not rows or any(r.correct is None for r in rows):
        return None
    return all(r.correct for r in rows)


def solved_at(history: History, targets: list | None) -> int | None:
    """The first step from which every tracked prediction stays on the right side of 0.5
    (None: never, or nothing tracked, or the targets are not 0 and 1)."""
    if not binary(targets):
        return None
    first = None
    for step, values in enumerate(history.tracked):
        if values is None or len(values) != len(targets) or any(np.ndim(v) for v in values):
            return None
        right = all(right_side(v, t) for v, t in zip(values, targets))
        first = (step if first is None else first) if right else None
    return first


def plates_in(program: Program) -> bool:
    """Whether the model holds values per sample (x_n, y_n summed with Σ_n)."""
    from graphdraw.core import plates
    return plates.has_plates(program)
