"""`graphdraw train`: gradient descent and its relatives on graphdraw's own forward pass and
backprop (evaluate.forward/backward; no torch), over a data set of samples.

The objective is the model's output summed (or averaged) over the samples. When the model
computes correctly with all samples stacked along a leading or a trailing axis, one forward and
one backward pass serve all samples (checked against the sample-by-sample loop at the starting
point); otherwise the samples are computed one by one. Each step logs the first-order Taylor
prediction of the change in loss, g·Δθ (−ε‖g‖² for gradient descent), beside the actual change.
"""

from __future__ import annotations

import copy
import io
import math
import os
import re
from dataclasses import dataclass, field
from typing import Callable

from graphdraw.numeric import evaluate
from graphdraw.analyses.data import DataSet
from graphdraw.errors import GraphdrawError, ToolMissing
from graphdraw.lazy import np
from graphdraw.language.program import Program

OPTIMIZERS = ("gd", "momentum", "newton", "sfn")
_OPTIMIZER_NAMES = {"gd": "gradient descent", "momentum": "momentum",
                    "newton": "Newton", "sfn": "saddle-free Newton"}
# Step sizes that learn XOR with the built-in network (loss summed over the 4 samples).
DEFAULT_LR = {"gd": 2.0, "momentum": 0.5, "newton": 1.0, "sfn": 1.0}
DEFAULT_STEPS = 5000
MOMENTUM = 0.9
DAMPING = 1e-2        # newton and sfn: λ added to H (|H|); learns XOR in 200 sfn steps
PLOT_FORMATS = ("svg", "png", "pdf")
HIDDEN = "H"          # the size --hidden sets: `dim H = 2` in the built-in networks

_DIM = r"((?:^|;)[ \t]*dim[ \t]+{name}[ \t]*=[ \t]*)(\d+)"


class TrainingError(GraphdrawError):
    """Training cannot go on (a NaN, an infinity), or its options do not fit the model."""


# -- the model and its sizes -----------------------------------------------------------------

def declared_dims(text: str) -> list[str]:
    """The sizes a model's text declares (`dim H = 2` -> ['H'])."""
    return re.findall(r"(?m)(?:^|;)[ \t]*dim[ \t]+(\w+)[ \t]*=", text)


def with_dims(text: str, dims: dict[str, int]) -> str:
    """The model's text with the sizes `dims` in place of the declared ones.

    >>> with_dims("dim H = 2\\nparam W[2, H]", {"H": 8})
    'dim H = 8\\nparam W[2, H]'
    """
    for name, size in dims.items():
        pattern = re.compile(_DIM.format(name=re.escape(name)), re.MULTILINE)
        text, found = pattern.subn(lambda m: m.group(1) + str(size), text)
        if not found:
            sizes = declared_dims(text)
            raise TrainingError(
                f"the model declares no size '{name}' to set",
                hint=(f"its sizes are {', '.join(sizes)}: --dim {sizes[0]}=N" if sizes else
                      "declare one in the model, e.g. 'dim H = 2' with 'param W_i[2, H]'"))
    return text


def parse_dims(items: tuple[str, ...]) -> dict[str, int]:
    """--dim NAME=N options as {NAME: N}."""
    out = {}
    for item in items:
        name, sep, size = item.partition("=")
        if not sep or not name.strip() or not size.strip().isdigit() or int(size) < 1:
            raise ValueError(f"'{item}': write NAME=N with N a positive whole number, "
                             "e.g. --dim H=8")
        out[name.strip()] = int(size)
    return out


# -- the objective ---------------------------------------------------------------------------

class Objective:
    """The model's output summed (reduce='sum') or averaged ('mean') over the samples of a
    data set, as a function of the parameters: value, gradient and Hessian."""

    def __init__(self, program: Program, data: DataSet, fixed: dict, params: list[str],
                 reduce: str = "sum") -> None:
        self.program, self.data, self.params = program, data, list(params)
        self.fixed = {k: v for k, v in fixed.items() if k not in data.columns}
        self.wrt = set(self.params)
        self.scale = 1.0 / data.count if reduce == "mean" and data.count else 1.0
        self.layout = "model" if data.in_model else "loop"
        self._batch: tuple[Program, dict] | None = None
        self.track: str | None = None     # a node whose per-sample values each call keeps
        self.tracked: list | None = None

    # The values of every leaf for one sample (k) or for the model's own samples (k None).
    def _values(self, theta: dict, k: int | None = None) -> dict:
        values = dict(self.fixed)
        values.update(theta)
        if k is not None:
            values.update(self.data.sample(k))
        return values

    def _grads(self, grads: dict, vals: dict) -> dict:
        return {p: np.asarray(grads[p]) if p in grads else np.zeros_like(vals[p])
                for p in self.params}

    def sample(self, theta: dict, k: int | None = None) -> tuple[dict, dict]:
        """Forward values and gradients of one sample (not scaled)."""
        vals = evaluate.forward(self.program, self._values(theta, k))
        grads = evaluate.backward(self.program, vals, wrt=self.wrt)
        return vals, self._grads(grads, vals)

    def _loop(self, theta: dict) -> tuple[float, dict, list[float]]:
        if self.data.in_model:
            vals, grads = self.sample(theta)
            if self.track is not None:
                self.tracked = self._per_sample(vals[self.track])
            return float(np.sum(vals[self.program.output])), grads, []
        total, summed, outputs = 0.0, None, []
        tracked = []
        for k in range(self.data.count):
            vals, grads = self.sample(theta, k)
            out = float(np.sum(vals[self.program.output]))
            outputs.append(out)
            if self.track is not None:
                tracked.append(vals[self.track])
            total += out
            summed = grads if summed is None else {p: summed[p] + grads[p] for p in grads}
        self.tracked = tracked if self.track is not None else None
        return total, summed, outputs

    def choose_layout(self, theta: dict) -> str:
        """Stack the samples along a leading or a trailing axis when the model computes each
        sample's output correctly that way (checked here, at `theta`); else loop."""
        if self.data.in_model or self.data.count < 2:
            return self.layout
        total, grads, outputs = self._loop(theta)
        for layout in ("leading", "trailing"):
            batch = self._batched(layout)
            try:
                with np.errstate(all="ignore"):
                    vals = evaluate.forward(batch[0], {**self._values(theta), **batch[1]})
                    out = vals[self.program.output]
                    if np.shape(out) != (self.data.count,):
                        continue
                    got = self._grads(evaluate.backward(batch[0], vals, wrt=self.wrt), vals)
            except (GraphdrawError, ValueError, IndexError):
                continue
            if np.allclose(out, outputs, rtol=1e-10, atol=1e-12) and all(
                    np.shape(got[p]) == np.shape(grads[p])
                    and np.allclose(got[p], grads[p], rtol=1e-9, atol=1e-12) for p in grads):
                self._batch, self.layout = batch, layout
                return layout
        return self.layout

    def _batched(self, layout: str) -> tuple[Program, dict]:
        program = copy.deepcopy(self.program)
        values = {}
        for leaf, column in self.data.columns.items():
            value = column if layout == "leading" else np.moveaxis(column, 0, -1)
            values[leaf] = np.ascontiguousarray(value)
            program.nodes[leaf].shape = tuple(np.shape(value))
        return program, values

    def __call__(self, theta: dict) -> tuple[float, dict]:
        """The loss and its gradient with respect to every parameter."""
        if self._batch is not None:
            program, data = self._batch
            vals = evaluate.forward(program, {**self._values(theta), **data})
            loss = float(np.sum(vals[program.output]))
            grads = self._grads(evaluate.backward(program, vals, wrt=self.wrt), vals)
            if self.track is not None:
                self.tracked = self._per_sample(vals[self.track])
        else:
            loss, grads, _ = self._loop(theta)
        if self.scale != 1.0:
            loss, grads = loss * self.scale, {p: g * self.scale for p, g in grads.items()}
        return loss, grads

    def _per_sample(self, value) -> list | None:
        """A stacked value as one number per sample (None when it is not that: the samples
        of a batch are then not told apart)."""
        value = np.asarray(value)
        return list(value) if value.shape == (self.data.count,) else None

    def hessian(self, theta: dict):
        """(H, index): the Hessian of the loss over the flattened parameters, summed over
        the samples (graphdraw.numeric.hessian, one sample at a time)."""
        from graphdraw.numeric import hessian as hessian_mod
        if self.data.in_model:
            h, index = hessian_mod.hessian(self.program, self._values(theta), self.params)
            return h * self.scale, index
        total, index = None, None
        for k in range(self.data.count):
            h, index = hessian_mod.hessian(self.program, self._values(theta, k), self.params)
            total = h if total is None else total + h
        return total * self.scale, index

    def outputs(self, theta: dict, node: str) -> list:
        """The value of `node` for each sample."""
        if self.data.in_model:
            vals = evaluate.forward(self.program, self._values(theta))
            return list(np.asarray(vals[node]))
        return [evaluate.forward(self.program, self._values(theta, k))[node]
                for k in range(self.data.count)]


# -- the optimisers --------------------------------------------------------------------------

@dataclass
class History:
    """What happened at each step: the loss before each step and after the last (steps + 1
    numbers); each step's first-order prediction g·Δθ of the change in loss and the actual
    change; the gradient's norm; every step's parameters when asked for (tests)."""

    loss: list[float] = field(default_factory=list)
    predicted: list[float] = field(default_factory=list)
    actual: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    params: list[dict] = field(default_factory=list)
    tracked: list = field(default_factory=list)    # Objective.track's values at each point
    hessian: list = field(default_factory=list)    # (step, loss, index of the Hessian)


def flatten(arrays: dict, index: list) -> "np.ndarray":
    """Parameters or gradients as one vector, in the order of a Hessian's `index`
    (a list of (leaf, entry) pairs; the entry is a tuple, or () for a scalar)."""
    return np.array([float(np.asarray(arrays[leaf])[tuple(entry)]) for leaf, entry in index])


def unflatten(vector, index: list, like: dict) -> dict:
    """A vector in the order of `index` as arrays shaped like `like`."""
    out = {leaf: np.zeros_like(np.asarray(value, dtype=float)) for leaf, value in like.items()}
    for number, (leaf, entry) in zip(vector, index):
        out[leaf][tuple(entry)] = number
    return out


def train(objective: Objective, theta: dict, *, optimizer: str = "gd", lr: float = 1.0,
          steps: int = DEFAULT_STEPS, momentum: float = MOMENTUM, damping: float | None = None,
          on_step: Callable[[int], None] | None = None,
          record: bool = False, hessian_every: int = 0) -> tuple[dict, History]:
    """Run `steps` steps from `theta`; the final parameters and the history.

    gd: θ ← θ − ε g.  momentum (as torch.optim.SGD): v ← μ v + g, θ ← θ − ε v.
    newton: θ ← θ − ε H⁻¹g; sfn (saddle-free Newton): θ ← θ − ε |H|⁻¹g, both from
    graphdraw.numeric.hessian.newton_direction with the given damping.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}")
    theta = {p: np.array(v, dtype=float) for p, v in theta.items()}
    history = History()
    velocity = {p: np.zeros_like(v) for p, v in theta.items()}
    loss, grads = _evaluate(objective, theta, 0)
    history.loss.append(loss)
    history.tracked.append(objective.tracked)
    if hessian_every:
        _track_hessian(objective, theta, 0, loss, history)
    if record:
        history.params.append({p: v.copy() for p, v in theta.items()})
    for step in range(1, steps + 1):
        if optimizer == "gd":
            delta = {p: -lr * grads[p] for p in theta}
        elif optimizer == "momentum":
            for p in theta:
                velocity[p] = momentum * velocity[p] + grads[p]
            delta = {p: -lr * velocity[p] for p in theta}
        else:
            delta = _newton_step(objective, theta, grads, lr, damping, optimizer == "sfn",
                                 step)
        predicted = float(sum(np.sum(grads[p] * delta[p]) for p in theta))
        norm = math.sqrt(float(sum(np.sum(grads[p] ** 2) for p in theta)))
        theta = {p: theta[p] + delta[p] for p in theta}
        new_loss, grads = _evaluate(objective, theta, step)
        history.predicted.append(predicted)
        history.actual.append(new_loss - loss)
        history.grad_norm.append(norm)
        history.loss.append(new_loss)
        history.tracked.append(objective.tracked)
        if record:
            history.params.append({p: v.copy() for p, v in theta.items()})
        loss = new_loss
        if hessian_every and (step % hessian_every == 0 or step == steps):
            _track_hessian(objective, theta, step, loss, history)
        if on_step is not None:
            on_step(step)
    return theta, history


def _track_hessian(objective: Objective, theta: dict, step: int, loss: float,
                   history: History) -> None:
    """Record the index of the Hessian (the fraction of negative eigenvalues) at this point."""
    from graphdraw.numeric.hessian import index
    h, _ = objective.hessian(theta)
    history.hessian.append((step, loss, index(h)))


def _evaluate(objective: Objective, theta: dict, step: int) -> tuple[float, dict]:
    try:
        loss, grads = objective(theta)
    except evaluate.NumericError as exc:
        where = "at the starting point" if step == 0 else f"after step {step}"
        raise TrainingError(f"training stopped {where}: {exc.message}",
                            hint="try a smaller --lr" if step else exc.hint) from None
    if not math.isfinite(loss):
        raise TrainingError(f"the loss is not finite after step {step}",
                            hint="try a smaller --lr")
    return loss, grads


def _newton_step(objective: Objective, theta: dict, grads: dict, lr: float,
                 damping: float | None, absolute: bool, step: int) -> dict:
    try:
        from graphdraw.numeric import hessian as hessian_mod
    except ImportError:
        raise TrainingError("--optimizer newton and sfn need graphdraw.numeric.hessian, which this "
                            "installation does not have") from None
    h, index = objective.hessian(theta)
    g = flatten(grads, index)
    try:
        direction = hessian_mod.newton_direction(
            h, g, absolute=absolute, damping=DAMPING if damping is None else damping)
    except np.linalg.LinAlgError:
        raise TrainingError(f"the Hessian is singular at step {step}; Newton's step does not "
                            "exist there", hint="add --damping, e.g. --damping 1e-3") from None
    direction = np.asarray(direction, dtype=float)
    if not np.all(np.isfinite(direction)):
        raise TrainingError(f"Newton's step is not finite at step {step}",
                            hint="add --damping, e.g. --damping 1e-3")
    return unflatten(-lr * direction, index, theta)


# -- predictions -----------------------------------------------------------------------------

def prediction_node(program: Program, name: str | None = None) -> str | None:
    """The value the targets are compared with: `name`, else ŷ (y_hat, y_hat_n), else the
    last named value computed from the inputs without the targets."""
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
    inputs = {n.id for n in leaves if n.role == "input"}
    targets = {n.id for n in leaves if n.role == "target"}
    from_inputs = evaluate.needs_grad(program, inputs)
    from_targets = evaluate.needs_grad(program, targets)
    chosen = [n.id for n in computed if n.id in from_inputs and n.id not in from_targets]
    return chosen[-1] if chosen else None


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
    values = objective.outputs(theta, node)
    if data.in_model:
        fixed = objective._values(theta)
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
            correct = bool(float(value) > 0.5) if float(goal) == 1.0 else bool(float(value) < 0.5)
        out.append(Prediction(k + 1, rows[k], value, goal, correct))
    return out


def binary(targets: list | None) -> bool:
    """True for targets that are all the numbers 0 and 1 (a classification)."""
    return bool(targets) and all(np.ndim(t) == 0 and float(t) in (0.0, 1.0) for t in targets)


def learned(rows: list[Prediction]) -> bool | None:
    """True when every prediction is on the right side of 0.5 (None: not classification)."""
    if not rows or any(r.correct is None for r in rows):
        return None
    return all(r.correct for r in rows)


# -- the hidden-size sweep -------------------------------------------------------------------

@dataclass
class SweepRow:
    """One size of the sweep: how many of the seeds learned the task."""

    size: int
    seeds: list[int]
    learned: list[int]
    final_loss: list[float]

    @property
    def fraction(self) -> float:
        return len(self.learned) / len(self.seeds) if self.seeds else 0.0


# -- pictures (matplotlib, imported here only) -----------------------------------------------

def _pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ToolMissing(f"the training plots need matplotlib, which could not be imported "
                          f"({exc})", hint="pip install matplotlib") from None
    matplotlib.rcParams.update({"svg.hashsalt": "graphdraw", "font.size": 10,
                                "axes.spines.top": False, "axes.spines.right": False,
                                "axes.grid": True, "grid.alpha": 0.3,
                                "figure.dpi": 100, "savefig.dpi": 150})
    return plt


def _figure_bytes(fig, fmt: str) -> bytes:
    """A figure as svg/png/pdf bytes, without the date so that the same run gives the
    same bytes."""
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None},
                "png": {}}[fmt]
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata=metadata, bbox_inches="tight")
    import matplotlib.pyplot as plt
    plt.close(fig)
    return buffer.getvalue()


def plot_format(path: str) -> str:
    """svg, png or pdf from a file name's extension."""
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in PLOT_FORMATS:
        raise GraphdrawError(f"{path}: a picture is written as .svg, .png or .pdf")
    return ext


def draw_loss(history: History, fmt: str, title: str, *, solved_at: int | None = None,
              ylabel: str = "loss") -> bytes:
    """The loss against the step, on a logarithmic axis."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    steps = np.arange(len(history.loss))
    ax.plot(steps, history.loss, color="#1f5fa8", linewidth=1.6)
    positive = all(v > 0 for v in history.loss)
    if positive:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    ax.set_xlim(0, max(len(history.loss) - 1, 1))
    ax.set_title(title, fontsize=10, loc="left")
    first, last = history.loss[0], history.loss[-1]
    ax.text(0.98, 0.95, f"{first:.3g} at the start, {last:.3g} after step {len(steps) - 1}",
            transform=ax.transAxes, ha="right", va="top", fontsize=9, color="#1f5fa8")
    if solved_at is not None:
        ax.axvline(solved_at, color="#2a9d4b", linestyle=":", linewidth=1.2)
        ax.text(0.98, 0.86, f"all predictions on the right side of 0.5 from step {solved_at}"
                " on (dotted)", transform=ax.transAxes, ha="right", va="top", fontsize=9,
                color="#2a7d3b")
    return _figure_bytes(fig, fmt)


def draw_taylor(history: History, fmt: str, title: str, *, gd: bool = True) -> bytes:
    """Each step's first-order prediction of the change in loss against the actual change:
    both decreases on log axes (top) and their ratio (bottom; 1 where the first two terms of
    the Taylor series are exact). Steps on a log axis, so the first steps show."""
    plt = _pyplot()
    predicted = -np.asarray(history.predicted)
    actual = -np.asarray(history.actual)
    steps = np.arange(1, len(predicted) + 1)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.4, 5.6), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2], "hspace": 0.08})
    formula = "ε‖g‖²" if gd else "−g·Δθ"
    top.plot(steps, np.where(actual > 0, actual, np.nan), color="#1f5fa8", linewidth=2.6,
             alpha=0.55, label="actual decrease L(θₙ) − L(θₙ₊₁)")
    top.plot(steps, np.where(predicted > 0, predicted, np.nan), color="#c0392b",
             linestyle=(0, (4, 2)), linewidth=1.2,
             label=f"first-order prediction {formula}")
    rises = actual < 0
    if rises.any():
        top.plot(steps[rises], -actual[rises], linestyle="none", marker="^", markersize=3.5,
                 color="#e67e22", label="a step where the loss rose (by this much)")
    top.set_yscale("log")
    top.set_xscale("log")
    top.set_ylabel("decrease of the loss in one step")
    top.legend(fontsize=8.5, loc="lower left", frameon=False)
    top.set_title(title, fontsize=10, loc="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(predicted != 0, actual / predicted, np.nan)
    bottom.axhline(1.0, color="#888888", linewidth=1.0)
    bottom.plot(steps, ratio, color="#6c3483", linewidth=1.3)
    finite = ratio[np.isfinite(ratio)]
    if finite.size:
        low, high = max(float(finite.min()), -1.0), min(float(finite.max()), 3.0)
        pad = 0.08 * max(high - low, 0.1)
        bottom.set_ylim(min(low, 0.95) - pad, max(high, 1.05) + pad)
    bottom.set_ylabel("actual ÷ predicted")
    bottom.set_xlabel("step (log scale)")
    bottom.set_xlim(1, max(len(steps), 2))
    return _figure_bytes(fig, fmt)


def draw_hessian(history: History, fmt: str, title: str) -> bytes:
    """The index of the Hessian against the loss along training (Dauphin et al. 2014, fig. 1)."""
    plt = _pyplot()
    steps = [h[0] for h in history.hessian]
    losses = [h[1] for h in history.hessian]
    indices = [h[2] for h in history.hessian]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(losses, indices, color="#bbbbbb", linewidth=0.8, zorder=1)
    points = ax.scatter(losses, indices, c=steps, cmap="viridis", s=14, zorder=2)
    fig.colorbar(points, ax=ax, label="step")
    if min(losses) > 0:
        ax.set_xscale("log")
    ax.set_xlabel("loss")
    ax.set_ylabel("index: fraction of negative eigenvalues of H")
    ax.set_ylim(-0.02, max(0.5, max(indices) + 0.05))
    ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return _figure_bytes(fig, fmt)


def draw_sweep(rows: list[SweepRow], fmt: str, title: str, dim: str = HIDDEN,
               task: str = "XOR") -> bytes:
    """A bar per size: the fraction of seeds that learned the task."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.6, 3.6))
    labels = [str(r.size) for r in rows]
    fractions = [r.fraction for r in rows]
    bars = ax.bar(labels, fractions, color="#1f5fa8", width=0.6)
    for bar, row in zip(bars, rows):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.02,
                f"{len(row.learned)}/{len(row.seeds)}", ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, 1.12)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_yticklabels(["0", "25%", "50%", "75%", "100%"])
    ax.set_xlabel(f"hidden units ({dim})" if dim == HIDDEN else dim)
    ax.set_ylabel(f"seeds that learn {task}")
    ax.grid(axis="x", visible=False)
    ax.set_title(title, fontsize=10, loc="left")
    return _figure_bytes(fig, fmt)


# -- one training run, from the command line's options ---------------------------------------

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
            choose_layout: bool = True) -> Setup:
    """Parse the model (with `dims` in place of its declared sizes), load the data (the
    XOR samples without `data_path`), and give the parameters their starting values: `given`,
    else declared, else random from `seed` times `init_scale`."""
    from graphdraw.analyses import data as data_mod
    from graphdraw.language import parser
    from graphdraw.numeric import values as values_mod
    program = parser.parse(with_dims(text, dims or {}), name, syntax=syntax)
    if data_path is not None:
        if data_mod.in_model(program) is not None:
            raise TrainingError("this model holds its own samples (values per sample, summed "
                                "with Σ_n); --data is for a model of one sample")
        data = data_mod.read_csv(data_path, program)
    else:
        data = data_mod.in_model(program) or data_mod.xor(program)
    given = dict(given or {})
    for leaf in given:
        if leaf in data.columns:
            raise TrainingError(f"'{leaf}' is data ({data.origin}); --set and --values give "
                                "the starting values of parameters")
    values = values_mod.leaf_values(program, given, seed)
    params = [leaf for leaf in evaluate.gradient_leaves(program) if leaf not in data.columns]
    if not params:
        raise TrainingError("no leaf of this model is a parameter to train",
                            hint="declare the parameters: param W[2, 2], b")
    declared = {n.id for n in program.nodes.values() if n.default is not None}
    for leaf in params:
        if leaf not in given and leaf not in declared and init_scale != 1.0:
            values[leaf] = values[leaf] * init_scale
    fixed = {k: v for k, v in values.items() if k not in data.columns}
    objective = Objective(program, data, fixed, params, reduce)
    theta = {p: np.array(values[p], dtype=float) for p in params}
    if data.columns:                     # shapes and NaNs of the first sample, stated early
        evaluate.forward(program, {**values, **data.sample(0)})
    if choose_layout:
        objective.choose_layout(theta)
    return Setup(program, data, objective, theta, values, prediction_node(program, predict),
                 target_leaf(program, data))


def solved_at(history: History, targets: list | None) -> int | None:
    """The first step from which every tracked prediction stays on the right side of 0.5
    (None: never, or nothing tracked, or the targets are not 0 and 1)."""
    if not binary(targets):
        return None
    first = None
    for step, values in enumerate(history.tracked):
        if values is None or len(values) != len(targets) or any(np.ndim(v) for v in values):
            return None
        right = all((float(v) > 0.5) if float(t) == 1.0 else (float(v) < 0.5)
                    for v, t in zip(values, targets))
        first = (step if first is None else first) if right else None
    return first


def targets_of(setup: Setup) -> list | None:
    """The targets of the samples, in order (None without a single target)."""
    if setup.target is None:
        return None
    if setup.data.in_model:
        return list(np.asarray(setup.objective._values({})[setup.target]))
    return list(setup.data.columns[setup.target])


def _sweep_job(job: tuple) -> tuple[int, int, bool | None, float]:
    """One run of a sweep (in a worker process): (size, seed, learned, final loss)."""
    (text, name, syntax, dim, size, seed, options) = job
    setup = prepare(text, name, syntax=syntax, dims={**options["dims"], dim: size},
                    data_path=options["data_path"], given=options["given"], seed=seed,
                    init_scale=options["init_scale"], reduce=options["reduce"],
                    predict=options["predict"])
    theta, history = train(setup.objective, setup.theta, optimizer=options["optimizer"],
                           lr=options["lr"], steps=options["steps"],
                           momentum=options["momentum"], damping=options["damping"])
    rows = predictions(setup.objective, theta, setup.node, setup.target)
    return size, seed, learned(rows), history.loss[-1]


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the main process, which stops them (no tracebacks from them)."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_processes(work: list, jobs: int, on_run: Callable[[], None] | None) -> list | None:
    """The results of `_sweep_job` over `work` in `jobs` fresh processes (spawned: the
    parent may hold threads, which fork does not copy safely); None when processes cannot
    be started here, and the caller runs the jobs itself."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    try:
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_quiet_worker,
                                   mp_context=multiprocessing.get_context("spawn"))
    except (OSError, NotImplementedError, ValueError):
        return None
    results = []
    try:
        for result in pool.map(_sweep_job, work):
            results.append(result)
            if on_run is not None:
                on_run()
    except (BrokenProcessPool, OSError):
        if results:
            raise
        return None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def sweep(text: str, name: str, sizes: list[int], seeds: list[int], *, dim: str = HIDDEN,
          syntax: str | None = None, jobs: int = 1,
          on_run: Callable[[], None] | None = None, **options) -> list[SweepRow]:
    """Train once per size and seed; which seeds learn, per size. Runs in `jobs` processes
    (each run is independent, so the result does not depend on `jobs`)."""
    work = [(text, name, syntax, dim, size, seed, options) for size in sizes for seed in seeds]
    results = _in_processes(work, jobs, on_run) if jobs > 1 and len(work) > 1 else None
    if results is None:
        results = []
        for job in work:
            results.append(_sweep_job(job))
            if on_run is not None:
                on_run()
    rows = []
    for size in sizes:
        mine = [r for r in results if r[0] == size]
        rows.append(SweepRow(size, [r[1] for r in mine], [r[1] for r in mine if r[2]],
                             [r[3] for r in mine]))
        if any(r[2] is None for r in mine):
            raise TrainingError("--sweep-hidden counts the runs whose predictions are all on "
                                "the right side of 0.5, which needs targets of 0 and 1 and "
                                "one prediction per sample")
    return rows


# -- what the command prints -----------------------------------------------------------------

def _pretty(leaf: str) -> str:
    from graphdraw.language.names import pretty
    return pretty(leaf)


def _number(value) -> str:
    from graphdraw.numeric.numbers import show
    return show(value)


def describe_run(setup: Setup, source_name: str, optimizer: str, lr: float, steps: int,
                 reduce: str, dims: dict, seed: int) -> str:
    """The first line: what is trained on what, how."""
    sizes = ", ".join(f"{k} = {v}" for k, v in sorted(setup.program.dims.items())
                      if k in dims or k == HIDDEN)
    count = setup.data.count
    output = _pretty(setup.program.output)
    if _has_samples(setup):
        on = f" on {setup.data.origin}"
        what = (f"{output} {'summed' if reduce == 'sum' else 'averaged'} over {count} "
                f"sample{'s' if count != 1 else ''}")
    else:
        on, what = "", f"minimising {output} (the model has no data)"
    size = sum(int(np.size(v)) for v in setup.theta.values())
    return (f"Training {source_name}{f' ({sizes})' if sizes else ''}{on}: "
            f"{optimizer}, ε = {lr:g}, {steps} steps, {what}; {size} parameters from seed "
            f"{seed}")


def _has_samples(setup: Setup) -> bool:
    return bool(setup.data.columns) or (setup.data.in_model and setup.data.count > 1
                                        and plates_in(setup.program))


def plates_in(program: Program) -> bool:
    from graphdraw.core import plates
    return plates.has_plates(program)


def _table_steps(steps: int) -> list[int]:
    marks = [0] + [10 ** k for k in range(0, 8) if 10 ** k < steps] + [steps]
    return sorted(set(marks))


def report_text(setup: Setup, history: History, theta: dict, rows: list[Prediction],
                header: str, optimizer: str, solved: int | None = None) -> str:
    lines = [header]
    layout = {"leading": "; the samples stacked along a leading axis",
              "trailing": "; the samples stacked along a trailing axis",
              "loop": "; one sample at a time",
              "model": "; the samples as the model sums them" if _has_samples(setup) else ""
              }[setup.objective.layout]
    lines.append(f"(graphdraw's own forward pass and backprop{layout})")
    lines.append("")
    lines.append(f"  {'step':>6}   {'loss':<12} {'‖g‖':<11} {'predicted Δ':<13} actual Δ")
    for step in _table_steps(len(history.loss) - 1):
        extra = ""
        if step < len(history.predicted):
            extra = (f"{history.grad_norm[step]:<11.4g} {history.predicted[step]:<13.4g} "
                     f"{history.actual[step]:.4g}")
        lines.append(f"  {step:>6}   {history.loss[step]:<12.6g} {extra}".rstrip())
    formula = "−ε‖g‖²" if optimizer == "gd" else "g·Δθ"
    lines.append(f"  ‖g‖, predicted Δ and actual Δ are of the step from that point: the "
                 f"first-order")
    lines.append(f"  Taylor prediction {formula} of the change in loss, and the change")
    ratios = [a / p for a, p in zip(history.actual, history.predicted) if p != 0]
    if ratios:
        lines.append(f"  actual ÷ predicted: median {float(np.median(ratios)):.3g} over "
                     f"{len(ratios)} steps (1 where the first two Taylor terms are exact)")
    lines.append("")
    if rows:
        lines.extend(_prediction_table(setup, rows, len(history.loss) - 1))
        if solved is not None:
            lines.append(f"every prediction is on the right side of 0.5 from step {solved} on")
        lines.append("")
    lines.append("Trained parameters:")
    width = max(len(_pretty(p)) for p in theta)
    for p, value in theta.items():
        lines.append(f"  {_pretty(p):<{width}} = {_number(value)}")
    return "\n".join(lines) + "\n"


def _prediction_table(setup: Setup, rows: list[Prediction], steps: int) -> list[str]:
    node, target = setup.node, setup.target
    data_names = list(rows[0].data)
    header = ["sample"] + [_pretty(d) for d in data_names]
    if target is not None:
        header.append(_pretty(target))
    header.append(_pretty(setup.program.nodes[node].name or node))
    classify = rows[0].correct is not None
    if classify:
        header.append("right side of 0.5")
    table = []
    for row in rows:
        cells = [str(row.sample)] + [_number(row.data[d]) for d in data_names]
        if target is not None:
            cells.append(_number(row.target))
        cells.append(_number(row.prediction))
        if classify:
            cells.append("✓" if row.correct else "✗")
        table.append(cells)
    widths = [max(len(r[i]) for r in [header] + table) for i in range(len(header))]
    out = [f"Predictions after {steps} steps:"]
    for cells in [header] + table:
        out.append("  " + "   ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())
    verdict = learned(rows)
    if verdict is not None:
        right = sum(1 for r in rows if r.correct)
        out.append(f"learned: all {len(rows)} predictions are on the right side of 0.5"
                   if verdict else
                   f"not learned: {right} of {len(rows)} predictions are on the right side "
                   f"of 0.5 (try another --seed, more --steps"
                   f"{', or more hidden units: --hidden 4' if HIDDEN in setup.program.dims else ''})")
    return out


def report_json(setup: Setup, history: History, theta: dict, rows: list[Prediction],
                run: dict, files: dict, solved: int | None = None) -> dict:
    from graphdraw.numeric.numbers import to_json
    return {
        **run,
        "samples": setup.data.count, "data": setup.data.origin,
        "layout": setup.objective.layout,
        "loss": {"initial": history.loss[0], "final": history.loss[-1]},
        "learned": learned(rows), "solved_at": solved,
        "predictions": [{"sample": r.sample, "data": {k: to_json(v) for k, v in r.data.items()},
                         "target": None if r.target is None else to_json(r.target),
                         "prediction": to_json(r.prediction), "correct": r.correct}
                        for r in rows],
        "params": {p: to_json(v) for p, v in theta.items()},
        "history": {"loss": history.loss, "predicted_change": history.predicted,
                    "actual_change": history.actual, "grad_norm": history.grad_norm},
        "files": files,
    }


def sweep_text(rows: list[SweepRow], header: str, dim: str = HIDDEN) -> str:
    lines = [header, "", f"  {dim:>4}   learned   fraction   median final loss   not learned "
                         "(seeds)"]
    for row in rows:
        failed = [s for s in row.seeds if s not in row.learned]
        shown = ", ".join(map(str, failed[:12])) + (" …" if len(failed) > 12 else "")
        lines.append(f"  {row.size:>4}   {len(row.learned):>3}/{len(row.seeds):<4}  "
                     f"{row.fraction:>7.0%}    {float(np.median(row.final_loss)):<18.3g}  "
                     f"{shown or '-'}")
    lines.append("")
    lines.append("A run learns XOR when all its predictions are on the right side of 0.5 "
                 "after the last step.")
    return "\n".join(lines) + "\n"


def sweep_json(rows: list[SweepRow], run: dict, files: dict, dim: str = HIDDEN) -> dict:
    return {**run, "sweep": dim, "files": files,
            "results": [{dim: r.size, "runs": len(r.seeds), "learned": len(r.learned),
                         "fraction": r.fraction, "seeds": r.seeds, "seeds_learned": r.learned,
                         "final_loss": r.final_loss} for r in rows]}


def diagram_dot(setup: Setup, theta: dict, title: str) -> str:
    """The trained model drawn with values and gradients at the first sample."""
    from graphdraw.core import graph as graph_mod
    from graphdraw.formats import render
    values = {**setup.objective._values(theta, 0 if setup.data.columns else None)}
    graph = graph_mod.build(setup.program, title=title, notations=graph_mod.FOR_RENDER)
    numbers = render.numbers_for(setup.program, values)
    where = (f"{', '.join(setup.data.columns)}: sample 1 of {setup.data.origin}"
             if setup.data.columns else setup.data.origin)
    numbers["note"] = f"leaf values: the trained parameters; {where}"
    return render.to_dot(graph, rankdir="TB", title=title, numbers=numbers)


# -- the command -----------------------------------------------------------------------------

def _progress(length: int, label: str):
    """A progress bar on standard error when it is a terminal; else nothing at all.

    Returns a context manager giving a function to call once per unit done.
    """
    import contextlib
    import sys

    import click
    if not _stderr_is_terminal():
        return contextlib.nullcontext(lambda *_: None)

    @contextlib.contextmanager
    def bar():
        with click.progressbar(length=length, label=label, file=sys.stderr,
                               update_min_steps=max(1, length // 200)) as progress:
            yield lambda *_: progress.update(1)
    return bar()


def _stderr_is_terminal() -> bool:
    import sys
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _write(path: str, data: bytes, input_path: str | None) -> None:
    from graphdraw.formats import output
    output.write_atomic(path, data, input_path=input_path)


def command(source, *, settings: tuple, values_file: str | None, seed: int,
            data_path: str | None, reduce: str, hidden: int | None, dim_items: tuple,
            lr: float | None, steps: int | None, optimizer: str, momentum: float,
            damping: float | None, init_scale: float, predict: str | None,
            plot: str | None, plot_taylor: str | None, diagram: str | None,
            track_hessian: str | None,
            save_params: str | None, no_files: bool, as_json: bool,
            sweep_hidden: str | None, seeds: int | None, jobs: int | None) -> None:
    """`graphdraw train`, after click has read the options (see cli.train)."""
    import json
    import shutil

    import click

    from graphdraw.formats import output
    from graphdraw.numeric import values as values_mod
    from graphdraw.language.source import requested_syntax

    def usage(message: str, option: str):
        raise click.BadParameter(message, param_hint=f"'{option}'")

    try:
        dims = parse_dims(dim_items)
    except ValueError as exc:
        usage(str(exc), "--dim")
    if hidden is not None:
        if HIDDEN in dims and dims[HIDDEN] != hidden:
            usage(f"--hidden {hidden} and --dim {HIDDEN}={dims[HIDDEN]} disagree", "--hidden")
        dims[HIDDEN] = hidden
    sizes = None
    if sweep_hidden is not None:
        try:
            sizes = [int(s) for s in sweep_hidden.split(",") if s.strip()]
        except ValueError:
            sizes = []
        if not sizes or min(sizes) < 1:
            usage(f"'{sweep_hidden}': give hidden sizes as whole numbers, e.g. 2,3,4,8",
                  "--sweep-hidden")
        if HIDDEN in dims:
            usage("--sweep-hidden sets the hidden size itself; leave out --hidden/--dim H",
                  "--sweep-hidden")
        for option, value in (("--diagram", diagram), ("--save-params", save_params),
                              ("--plot-taylor", plot_taylor),
                              ("--track-hessian", track_hessian)):
            if value is not None:
                usage("is for a single run, not for --sweep-hidden", option)
    elif seeds is not None:
        usage("--seeds gives the number of seeds of --sweep-hidden", "--seeds")
    lr = DEFAULT_LR[optimizer] if lr is None else lr
    steps = (2000 if sizes else DEFAULT_STEPS) if steps is None else steps
    given = values_mod.load_values(values_file) if values_file else {}
    given.update(values_mod.parse_set(settings))
    syntax = requested_syntax()

    # The files, checked before any work: a bad path fails now, not after training.
    stem = source.stem
    files: dict[str, str] = {}
    if plot or not no_files:
        files["plot"] = plot or f"{stem}-{'sweep' if sizes else 'loss'}.svg"
    if plot_taylor:
        files["taylor"] = plot_taylor
    if track_hessian:
        files["hessian"] = track_hessian
    if not sizes and (diagram or not no_files):
        files["diagram"] = diagram or f"{stem}-trained.svg"
    if not sizes and (save_params or not no_files):
        files["params"] = save_params or f"{stem}-trained.json"
    for what, path in files.items():
        output.check_target(path, input_path=source.path)
        if what in ("plot", "taylor", "hessian"):
            plot_format(path)
    if "diagram" in files:
        ext = os.path.splitext(files["diagram"])[1].lower().lstrip(".")
        if ext not in ("svg", "png", "pdf", "dot", "gv"):
            raise GraphdrawError(f"--diagram {files['diagram']}: use a .svg, .png, .pdf or "
                                 ".dot file name")
        if ext not in ("dot", "gv") and shutil.which("dot") is None:
            if diagram:
                from graphdraw.formats.render import _missing
                raise _missing("dot")
            click.echo("graphdraw: note: Graphviz's dot is not installed; the trained "
                       "diagram is not drawn (--diagram NAME.dot works without it)", err=True)
            del files["diagram"]

    options = dict(dims=dims, data_path=data_path, given=given, init_scale=init_scale,
                   reduce=reduce, predict=predict, optimizer=optimizer, lr=lr, steps=steps,
                   momentum=momentum, damping=damping)
    run = {"model": source.name, "optimizer": optimizer, "lr": lr, "steps": steps,
           "reduce": reduce, "seed": seed, "init_scale": init_scale}
    if optimizer == "momentum":
        run["momentum"] = momentum
    if optimizer in ("newton", "sfn"):
        run["damping"] = DAMPING if damping is None else damping

    if sizes:
        _sweep_command(source, syntax, sizes, seeds, seed, jobs, options, run, files, as_json)
        return

    setup = prepare(source.text, source.name, syntax=syntax, dims=dims, data_path=data_path,
                    given=given, seed=seed, init_scale=init_scale, reduce=reduce,
                    predict=predict)
    setup.objective.track = setup.node
    run["dims"] = dict(setup.program.dims)
    header = describe_run(setup, source.name, optimizer, lr, steps, reduce, dims, seed)
    if optimizer == "momentum":
        header += f"; momentum μ = {momentum:g}"
    with _progress(steps, "training") as tick:
        theta, history = train(setup.objective, setup.theta, optimizer=optimizer, lr=lr,
                               steps=steps, momentum=momentum, damping=damping, on_step=tick,
                               hessian_every=max(1, steps // 200) if track_hessian else 0)
    rows = predictions(setup.objective, theta, setup.node, setup.target)
    solved = solved_at(history, targets_of(setup))
    title = (f"{display_name(source)}{_dims_text(setup)}: {_OPTIMIZER_NAMES[optimizer]}, "
             f"ε = {lr:g}" + (f", on {setup.data.origin}" if _has_samples(setup) else ""))
    written = []
    if "plot" in files:
        _write(files["plot"], draw_loss(history, plot_format(files["plot"]), title,
                                        solved_at=solved, ylabel=_loss_label(setup, reduce)),
               source.path)
        written.append(f"{files['plot']} (loss curve)")
    if "taylor" in files:
        _write(files["taylor"], draw_taylor(history, plot_format(files["taylor"]), title,
                                            gd=optimizer == "gd"), source.path)
        written.append(f"{files['taylor']} (predicted vs actual change)")
    if "hessian" in files:
        _write(files["hessian"], draw_hessian(history, plot_format(files["hessian"]), title),
               source.path)
        first, last = history.hessian[0], history.hessian[-1]
        written.append(f"{files['hessian']} (index of the Hessian against the loss: "
                       f"{first[2]:.2f} at loss {first[1]:.3g}, {last[2]:.2f} at loss "
                       f"{last[1]:.3g})")
    if "diagram" in files:
        from graphdraw.formats import render
        path = files["diagram"]
        dot = diagram_dot(setup, theta, f"{display_name(source)}{_dims_text(setup)} after "
                                        f"{steps} steps of {_OPTIMIZER_NAMES[optimizer]} "
                                        f"(ε = {lr:g})")
        ext = os.path.splitext(path)[1].lower().lstrip(".")
        data = dot.encode("utf-8") if ext in ("dot", "gv") else render.layout(dot, ext)
        _write(path, data, source.path)
        first = "sample 1" if setup.data.columns else "its samples"
        written.append(f"{path} (the trained model at {first})")
    if "params" in files:
        from graphdraw.numeric.numbers import to_json
        body = ",\n".join(f" {json.dumps(p, ensure_ascii=False)}: {json.dumps(to_json(v))}"
                          for p, v in theta.items())
        _write(files["params"], ("{\n" + body + "\n}\n").encode("utf-8"), source.path)
        written.append(f"{files['params']} (trained parameters)")
    if as_json:
        click.echo(json.dumps(report_json(setup, history, theta, rows, run, files, solved),
                              ensure_ascii=False))
    else:
        click.echo(report_text(setup, history, theta, rows, header, optimizer, solved),
                   nl=False)
    if setup.data.ignored:
        click.echo(f"graphdraw: note: {setup.data.origin}: ignored columns that name no "
                   f"leaf of the model: {', '.join(setup.data.ignored)}", err=True)
    for line in written:
        click.echo(f"wrote {line}", err=True)
    if "params" in files and setup.data.columns:
        sets = " ".join(f"--set {leaf}="
                        f"{json.dumps(to_json_compact(col[0]), separators=(',', ':'))}"
                        for leaf, col in setup.data.columns.items())
        model = _model_args(source)
        click.echo(f"draw it with: graphdraw render{model} --show values,grads --values "
                   f"{files['params']} {sets}", err=True)


def to_json_compact(value):
    """A number or nested list, with whole numbers written as integers (for --set)."""
    from graphdraw.numeric.numbers import to_json
    data = to_json(value)

    def tidy(x):
        if isinstance(x, list):
            return [tidy(v) for v in x]
        return int(x) if float(x).is_integer() else x
    return tidy(data)


def _model_args(source) -> str:
    if source.path:
        return f" {source.path}"
    if source.name.startswith("<example "):
        name = source.name[len("<example "):-1]
        return "" if name == "xor" else f" --example {name}"
    return " MODEL"


def display_name(source) -> str:
    """A model's name for titles: 'xor' for the built-in example, a file's base name, else
    'the model'."""
    if source.name.startswith("<example "):
        return source.name[len("<example "):-1]
    if source.path:
        return os.path.basename(source.path)
    return "the model"


def _dims_text(setup: Setup) -> str:
    return f" (H = {setup.program.dims[HIDDEN]})" if HIDDEN in setup.program.dims else ""


def _loss_label(setup: Setup, reduce: str) -> str:
    name = _pretty(setup.program.output)
    if not _has_samples(setup):
        return f"loss {name}"
    count = setup.data.count
    return f"loss: {name} {'summed' if reduce == 'sum' else 'averaged'} over " \
           f"{count} sample{'s' if count != 1 else ''}"


def _sweep_command(source, syntax, sizes, seeds, seed, jobs, options, run, files,
                   as_json) -> None:
    import click
    count = 20 if seeds is None else seeds
    seed_list = list(range(seed, seed + count))
    jobs = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    # Read the model once here, so that errors in it or in the data come before any work.
    first = prepare(source.text, source.name, syntax=syntax,
                    dims={**options["dims"], HIDDEN: sizes[0]}, data_path=options["data_path"],
                    given=options["given"], seed=seed, init_scale=options["init_scale"],
                    reduce=options["reduce"], predict=options["predict"], choose_layout=False)
    targets = targets_of(first)
    if first.node is None or not binary(targets):
        raise TrainingError("--sweep-hidden counts the runs whose predictions are all on the "
                            "right side of 0.5: it needs one target of 0s and 1s and a "
                            "prediction (ŷ, or --predict NAME)")
    with _progress(len(sizes) * count, "training") as tick:
        rows = sweep(source.text, source.name, sizes, seed_list, syntax=syntax, jobs=jobs,
                     on_run=tick, **options)
    data_name = "the four XOR samples" if options["data_path"] is None else \
        options["data_path"]
    seeds_text = f"seed {seed}" if count == 1 else f"seeds {seed}–{seed + count - 1}"
    header = (f"Hidden-size sweep of {source.name} on {data_name}: {run['optimizer']}, "
              f"ε = {run['lr']:g}, {run['steps']} steps, {seeds_text} ({count} per size)")
    run = {**run, "seeds": seed_list}
    if "plot" in files:
        title = (f"{display_name(source)}: {_OPTIMIZER_NAMES[run['optimizer']]}, "
                 f"ε = {run['lr']:g}, {run['steps']} steps, {count} seeds per size")
        task = "XOR" if options["data_path"] is None else "the data"
        _write(files["plot"], draw_sweep(rows, plot_format(files["plot"]), title, task=task),
               source.path)
    if as_json:
        import json
        click.echo(json.dumps(sweep_json(rows, run, files), ensure_ascii=False))
    else:
        click.echo(sweep_text(rows, header), nl=False)
    if "plot" in files:
        click.echo(f"wrote {files['plot']} (fraction of seeds that learn, per size)", err=True)


# -- the gallery (make diagrams) -------------------------------------------------------------

GALLERY_SWEEP = (2, 3, 4, 8)
_GALLERY_RUN: dict = {}


def _gallery_run() -> tuple[Setup, dict, History]:
    """`graphdraw train` with its defaults, once per process."""
    if "run" not in _GALLERY_RUN:
        from graphdraw.language import examples
        setup = prepare(examples.text("xor"), "<example xor>")
        setup.objective.track = setup.node
        theta, history = train(setup.objective, setup.theta, lr=DEFAULT_LR["gd"],
                               steps=DEFAULT_STEPS)
        _GALLERY_RUN["run"] = (setup, theta, history)
    return _GALLERY_RUN["run"]


def gallery_sources() -> dict:
    """diagrams/ file name -> its DOT source: the trained XOR network, as
    `graphdraw train --diagram xor-trained.dot` draws it."""
    def trained() -> str:
        setup, theta, _ = _gallery_run()
        return diagram_dot(setup, theta, f"xor (H = 2) after {DEFAULT_STEPS} steps of "
                                         f"gradient descent (ε = {DEFAULT_LR['gd']:g})")
    return {"xor-trained.dot": trained}


def gallery_pictures() -> dict:
    """diagrams/ file name -> a function drawing it: the README's pictures of `graphdraw
    train` on the XOR network, seed 0, default settings. The same as

        graphdraw train --plot xor-loss.svg --plot-taylor xor-taylor.svg
        graphdraw train --sweep-hidden 2,3,4,8 --seeds 20 --plot xor-sweep.svg
    """
    from graphdraw.language import examples

    def run_once():
        setup, _, history = _gallery_run()
        return setup, history

    title = f"xor (H = 2): gradient descent, ε = {DEFAULT_LR['gd']:g}, on the four XOR samples"

    def loss() -> bytes:
        setup, history = run_once()
        return draw_loss(history, "svg", title, solved_at=solved_at(history, targets_of(setup)),
                         ylabel=_loss_label(setup, "sum"))

    def taylor() -> bytes:
        _, history = run_once()
        return draw_taylor(history, "svg", title)

    def sweep_picture() -> bytes:
        rows = sweep(examples.text("xor"), "<example xor>", list(GALLERY_SWEEP),
                     list(range(20)), jobs=min(os.cpu_count() or 1, 4), dims={},
                     data_path=None, given={}, init_scale=1.0, reduce="sum", predict=None,
                     optimizer="gd", lr=DEFAULT_LR["gd"], steps=2000, momentum=MOMENTUM,
                     damping=None)
        return draw_sweep(rows, "svg", f"xor: gradient descent, ε = {DEFAULT_LR['gd']:g}, "
                                       "2000 steps, 20 seeds per size")

    return {"xor-loss.svg": loss, "xor-taylor.svg": taylor, "xor-sweep.svg": sweep_picture}
