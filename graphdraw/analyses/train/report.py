"""What `graphdraw train` reports: the text and JSON summaries of a run or a sweep, the table
of predictions, the trained diagram's DOT, titles and labels, and the progress bar."""

from __future__ import annotations

import os

from graphdraw.analyses.train.optimizers import History
from graphdraw.analyses.train.predictions import Prediction, learned, plates_in
from graphdraw.analyses.train.setup import HIDDEN, Setup
from graphdraw.analyses.train.sweep import SweepRow
from graphdraw.lazy import np


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
    if has_samples(setup):
        on = f" on {setup.data.origin}"
        what = _reduced(output, reduce, count, setup.data.in_model)
    else:
        on, what = "", f"minimising {output} (the model has no data)"
    size = sum(int(np.size(v)) for v in setup.theta.values())
    return (f"Training {source_name}{f' ({sizes})' if sizes else ''}{on}: "
            f"{optimizer}, ε = {lr:g}, {steps} steps, {what}; {size} parameters from seed "
            f"{seed}")


def has_samples(setup: Setup) -> bool:
    """Whether the run has samples to speak of (data columns, or several in the model)."""
    return bool(setup.data.columns) or (setup.data.in_model and setup.data.count > 1
                                        and plates_in(setup.program))


def _table_steps(steps: int) -> list[int]:
    """The steps the loss table shows: 0, 1, 10, 100, ... and the last."""
    marks = [0] + [10 ** k for k in range(0, 8) if 10 ** k < steps] + [steps]
    return sorted(set(marks))


def report_text(setup: Setup, history: History, theta: dict, rows: list[Prediction],
                header: str, optimizer: str, solved: int | None = None) -> str:
    """What a run prints: the header, the loss table with its Taylor check, the
    predictions and the trained parameters."""
    lines = [header]
    layout = {"leading": "; the samples stacked along a leading axis",
              "trailing": "; the samples stacked along a trailing axis",
              "loop": "; one sample at a time",
              "model": "; the samples as the model sums them" if has_samples(setup) else ""
              }[setup.objective.layout]
    lines.append(f"(graphdraw's own forward pass and backprop{layout})")
    lines.append("")
    lines.extend(_loss_table(history, optimizer))
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


def _loss_table(history: History, optimizer: str) -> list[str]:
    """The loss at steps 0, 1, 10, 100, ... with each step's predicted and actual change."""
    lines = [f"  {'step':>6}   {'loss':<12} {'‖g‖':<11} {'predicted Δ':<13} actual Δ"]
    for step in _table_steps(len(history.loss) - 1):
        extra = ""
        if step < len(history.predicted):
            extra = (f"{history.grad_norm[step]:<11.4g} {history.predicted[step]:<13.4g} "
                     f"{history.actual[step]:.4g}")
        lines.append(f"  {step:>6}   {history.loss[step]:<12.6g} {extra}".rstrip())
    formula = "−ε‖g‖²" if optimizer == "gd" else "g·Δθ"
    lines.append("  ‖g‖, predicted Δ and actual Δ are of the step from that point: the "
                 "first-order")
    lines.append(f"  Taylor prediction {formula} of the change in loss, and the change")
    # A change below the loss's rounding (a few ulps) cannot be measured: such steps, once
    # the loss has converged, would give ratios of 0 and hide the others.
    resolved = 64 * np.finfo(float).eps
    ratios = [a / p for a, p, loss in zip(history.actual, history.predicted, history.loss)
              if p != 0 and abs(p) > resolved * abs(loss)]
    if ratios:
        unresolved = len(history.predicted) - len(ratios)
        lines.append(f"  actual ÷ predicted: median {float(np.median(ratios)):.3g} over "
                     f"{len(ratios)} steps (1 where the first two Taylor terms are exact)")
        if unresolved:
            lines.append(f"  ({unresolved} steps whose predicted change is below the loss's "
                         "rounding are left out)")
    return lines


SHOWN_ROWS = 20     # the text report's table of predictions shows this many samples


def _prediction_table(setup: Setup, rows: list[Prediction], steps: int) -> list[str]:
    node, target = setup.node, setup.target
    data_names = list(rows[0].data)
    header = ["sample"] + [_pretty(d) for d in data_names]
    if target is not None:
        header.append(_pretty(target))
    name = setup.program.nodes[node].name
    header.append(_pretty(name) if name else "prediction")
    classify = rows[0].correct is not None
    if classify:
        header.append("right side of 0.5")
    table = []
    for row in rows[:SHOWN_ROWS]:
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
    if len(rows) > SHOWN_ROWS:
        out.append(f"  … and {len(rows) - SHOWN_ROWS:,} more samples (all of them with --json)")
    verdict = learned(rows)
    if verdict is not None:
        right = sum(1 for r in rows if r.correct)
        wider = ", or more hidden units: --hidden 4" if HIDDEN in setup.program.dims else ""
        out.append(f"learned: all {len(rows)} predictions are on the right side of 0.5"
                   if verdict else
                   f"not learned: {right} of {len(rows)} predictions are on the right side "
                   f"of 0.5 (try another --seed, more --steps{wider})")
    return out


def report_json(setup: Setup, history: History, theta: dict, rows: list[Prediction],
                run: dict, files: dict, solved: int | None = None) -> dict:
    """What a run prints with --json."""
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
    """What a sweep prints: per size, the seeds that learn."""
    lines = [header, "", f"  {dim:>4}   learned   fraction   median final loss   not learned "
                         "(seeds)"]
    for row in rows:
        failed = [f"{s} (diverged)" if s in row.diverged else str(s)
                  for s in row.seeds if s not in row.learned]
        shown = ", ".join(failed[:12]) + (" …" if len(failed) > 12 else "")
        lines.append(f"  {row.size:>4}   {len(row.learned):>3}/{len(row.seeds):<4}  "
                     f"{row.fraction:>7.0%}    {float(np.median(row.final_loss)):<18.3g}  "
                     f"{shown or '-'}")
    lines.append("")
    lines.append("A run learns XOR when all its predictions are on the right side of 0.5 "
                 "after the last step.")
    return "\n".join(lines) + "\n"


def sweep_json(rows: list[SweepRow], run: dict, files: dict, dim: str = HIDDEN) -> dict:
    """What a sweep prints with --json."""
    return {**run, "sweep": dim, "files": files,
            "results": [{dim: r.size, "runs": len(r.seeds), "learned": len(r.learned),
                         "fraction": r.fraction, "seeds": r.seeds, "seeds_learned": r.learned,
                         "final_loss": r.final_loss, "seeds_diverged": r.diverged}
                        for r in rows]}


def diagram_dot(setup: Setup, theta: dict, title: str) -> str:
    """The trained model drawn with values and gradients at the first sample."""
    from graphdraw.core import graph as graph_mod
    from graphdraw.formats.graphviz import draw
    values = {**setup.objective.values(theta, 0 if setup.data.columns else None)}
    graph = graph_mod.build(setup.program, title=title, notations=graph_mod.FOR_RENDER)
    numbers = draw.numbers_for(setup.program, values)
    where = (f"{', '.join(setup.data.columns)}: sample 1 of {setup.data.origin}"
             if setup.data.columns else setup.data.origin)
    numbers["note"] = f"leaf values: the trained parameters; {where}"
    return draw.to_dot(graph, rankdir="TB", title=title, numbers=numbers)


def to_json_compact(value):
    """A number or nested list, with whole numbers written as integers (for --set)."""
    from graphdraw.numeric.numbers import to_json
    data = to_json(value)

    def tidy(x):
        if isinstance(x, list):
            return [tidy(v) for v in x]
        return int(x) if float(x).is_integer() else x
    return tidy(data)


def _example_name(source) -> str | None:
    """The name of a built-in example ('xor'), or None for a model from elsewhere."""
    if source.name.startswith("<example "):
        return source.name[len("<example "):-1]
    return None


def model_args(source) -> str:
    """How a command line names the model again: ' PATH', ' --example NAME', '' for xor,
    " -e 'TEXT'" for a model given inline (quoted for a POSIX shell)."""
    import shlex
    if source.path:
        return f" {shlex.quote(source.path)}"
    name = _example_name(source)
    if name is not None:
        return "" if name == "xor" else f" --example {name}"
    if source.name == "<-e>":
        return f" -e {shlex.quote(source.text)}"
    return " MODEL"


def display_name(source) -> str:
    """A model's name for titles: 'xor' for the built-in example, a file's base name, else
    'the model'."""
    name = _example_name(source)
    if name is not None:
        return name
    if source.path:
        return os.path.basename(source.path)
    return "the model"


def dims_text(setup: Setup) -> str:
    """' (H = 2)' for titles, when the model declares the hidden size."""
    return f" (H = {setup.program.dims[HIDDEN]})" if HIDDEN in setup.program.dims else ""


def loss_label(setup: Setup, reduce: str) -> str:
    """The loss curve's axis label: what the loss is."""
    name = _pretty(setup.program.output)
    if not has_samples(setup):
        return f"loss {name}"
    return f"loss: {_reduced(name, reduce, setup.data.count, setup.data.in_model)}"


def _reduced(output: str, reduce: str, count: int, in_model: bool = False) -> str:
    """'L summed over 4 samples' (or averaged); for a model that sums its samples itself
    (Σ_n), 'L over its 4 samples' (÷ 4 with --reduce mean)."""
    if in_model:
        return (f"{output}{f' ÷ {count}' if reduce == 'mean' else ''} over its {count} "
                f"sample{'s' if count != 1 else ''} (the model's Σ)")
    return (f"{output} {'summed' if reduce == 'sum' else 'averaged'} over {count} "
            f"sample{'s' if count != 1 else ''}")


def progress(length: int, label: str):
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
                               update_min_steps=max(1, length // 200)) as shown:
            yield lambda *_: shown.update(1)
    return bar()


def _stderr_is_terminal() -> bool:
    import sys
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False

