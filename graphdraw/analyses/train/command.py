"""What `graphdraw train` runs once click has read its options: the options checked, the
files named and checked before any work, then one training run or a hidden-size sweep, and
what they write and print."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace

from graphdraw import limits
from graphdraw.numeric import numbers
from graphdraw.analyses.train import plots, report
from graphdraw.analyses.train.objective import TrainingError
from graphdraw.analyses.train.optimizers import (DAMPING, DEFAULT_LR, DEFAULT_STEPS,
                                                 OPTIMIZER_NAMES, History, train)
from graphdraw.analyses.train.predictions import binary, predictions, solved_at
from graphdraw.analyses.train.setup import HIDDEN, Setup, prepare_run, targets_of
from graphdraw.analyses.train.sweep import sweep

PICTURES = ("plot", "taylor", "hessian")     # the files drawn by matplotlib
DEFAULT_SEEDS = 20             # seeds per hidden size of --sweep-hidden


@dataclass
class Options:
    """The options of `graphdraw train` (see cli.train for what each one means)."""

    settings: tuple
    values_file: str | None
    seed: int
    data_path: str | None
    reduce: str
    optimizer: str
    lr: float | None             # None: DEFAULT_LR of the optimizer
    steps: int | None            # None: DEFAULT_STEPS, or 2000 for a sweep
    hidden: int | None
    dims_given: dict             # --dim NAME=N (language.sizes, read by cli.options)
    momentum: float
    damping: float | None
    init_scale: float
    predict: str | None
    plot: str | None
    plot_taylor: str | None
    track_hessian: str | None
    diagram: str | None
    save_params: str | None
    no_files: bool
    as_json: bool
    sweep_hidden: str | None
    seeds: int | None
    jobs: int | None


@dataclass
class _Trained:
    """One finished run: where it started, where it ended, and how it got there."""

    setup: Setup
    theta: dict
    history: History
    solved: int | None           # the step from which every prediction is right


def command(source, **options) -> None:
    """`graphdraw train`, after click has read the options (the fields of Options)."""
    from graphdraw.language.source import requested_syntax
    opts = Options(**options)
    dims, sizes = _sizes(opts)
    opts = replace(opts, lr=DEFAULT_LR[opts.optimizer] if opts.lr is None else opts.lr,
                   steps=(2000 if sizes else DEFAULT_STEPS) if opts.steps is None
                   else opts.steps)
    runs = len(sizes) * (opts.seeds or DEFAULT_SEEDS) if sizes else 1
    limits.check("steps", opts.steps * runs, f"--steps {opts.steps:,}" + (
        f" in each of {runs:,} runs of --sweep-hidden" if runs > 1 else ""))
    given = _given(opts)
    syntax = requested_syntax()
    files = _files(source, opts, sweeping=bool(sizes))
    settings = dict(dims=dims, data_path=opts.data_path, given=given,
                    init_scale=opts.init_scale, reduce=opts.reduce, predict=opts.predict,
                    optimizer=opts.optimizer, lr=opts.lr, steps=opts.steps,
                    momentum=opts.momentum, damping=opts.damping)
    if sizes:
        _sweep_command(source, syntax, sizes, opts, settings, files)
    else:
        _single_run(source, syntax, opts, settings, files)


# -- the options -----------------------------------------------------------------------------

def _usage(message: str, option: str):
    import click
    raise click.BadParameter(message, param_hint=f"'{option}'")


def _sizes(opts: Options) -> tuple[dict[str, int], list[int] | None]:
    """The sizes set by --dim and --hidden, and the hidden sizes of --sweep-hidden."""
    dims = dict(opts.dims_given)
    if opts.hidden is not None:
        if HIDDEN in dims and dims[HIDDEN] != opts.hidden:
            _usage(f"--hidden {opts.hidden} and --dim {HIDDEN}={dims[HIDDEN]} disagree",
                   "--hidden")
        dims[HIDDEN] = opts.hidden
    if opts.sweep_hidden is None:
        if opts.seeds is not None:
            _usage("--seeds gives the number of seeds of --sweep-hidden", "--seeds")
        return dims, None
    return dims, _sweep_sizes(opts, dims)


def _sweep_sizes(opts: Options, dims: dict[str, int]) -> list[int]:
    """--sweep-hidden 2,3,4,8 as [2, 3, 4, 8], with the options a sweep cannot take."""
    try:
        sizes = [int(s) for s in opts.sweep_hidden.split(",") if s.strip()]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        _usage(f"'{opts.sweep_hidden}': give hidden sizes as whole numbers, e.g. 2,3,4,8",
               "--sweep-hidden")
    if HIDDEN in dims:
        _usage("--sweep-hidden sets the hidden size itself; leave out --hidden/--dim H",
               "--sweep-hidden")
    for option, value in (("--diagram", opts.diagram), ("--save-params", opts.save_params),
                          ("--plot-taylor", opts.plot_taylor),
                          ("--track-hessian", opts.track_hessian)):
        if value is not None:
            _usage("is for a single run, not for --sweep-hidden", option)
    return sizes


def _given(opts: Options) -> dict:
    """The starting values of --values and --set."""
    from graphdraw.numeric import values as values_mod
    given = values_mod.load_values(opts.values_file) if opts.values_file else {}
    given.update(values_mod.parse_set(opts.settings))
    return given


def _files(source, opts: Options, *, sweeping: bool) -> dict[str, str]:
    """What -> path of every file to write, checked before any work: a bad path fails now,
    not after training."""
    from graphdraw.formats import output
    stem = source.stem
    files: dict[str, str] = {}
    if opts.plot or not opts.no_files:
        files["plot"] = opts.plot or f"{stem}-{'sweep' if sweeping else 'loss'}.svg"
    if opts.plot_taylor:
        files["taylor"] = opts.plot_taylor
    if opts.track_hessian:
        files["hessian"] = opts.track_hessian
    if not sweeping and (opts.diagram or not opts.no_files):
        files["diagram"] = opts.diagram or f"{stem}-trained.svg"
    if not sweeping and (opts.save_params or not opts.no_files):
        files["params"] = opts.save_params or f"{stem}-trained.json"
    for what, path in files.items():
        if what in PICTURES or what == "diagram":
            _picture_format(what, path)
        output.check_target(path, input_path=source.path)
    if "diagram" in files and not _can_draw(files["diagram"], asked=opts.diagram is not None):
        del files["diagram"]
    return files


OPTION_OF = {"plot": "--plot", "taylor": "--plot-taylor", "hessian": "--track-hessian",
             "diagram": "--diagram"}


def _picture_format(what: str, path: str) -> str:
    """A picture's format from its extension, as render's -o takes it (a usage error, the
    same as render's, for an extension that names none)."""
    import click

    from graphdraw.formats.picture_files import DIAGRAMS, PLOTS, PictureError, picture_format
    try:
        return picture_format(path, DIAGRAMS if what == "diagram" else PLOTS, OPTION_OF[what])
    except PictureError as exc:
        raise click.UsageError(str(exc)) from None


def _can_draw(path: str, *, asked: bool) -> bool:
    """Whether the trained diagram can be written to `path` (a note when Graphviz is
    missing for the default diagram; an error when the diagram was asked for by name)."""
    import shutil

    import click
    if _picture_format("diagram", path) == "dot" or shutil.which("dot") is not None:
        return True
    if asked:
        from graphdraw.formats.graphviz.layout import missing
        raise missing("dot")
    click.echo("graphdraw: note: Graphviz's dot is not installed; the trained "
               "diagram is not drawn (--diagram NAME.dot works without it)", err=True)
    return False


def _run_record(source, opts: Options) -> dict:
    """The settings of the run, as --json reports them."""
    run = {"model": source.name, "optimizer": opts.optimizer, "lr": opts.lr,
           "steps": opts.steps, "reduce": opts.reduce, "seed": opts.seed,
           "init_scale": opts.init_scale}
    if opts.optimizer == "momentum":
        run["momentum"] = opts.momentum
    if opts.optimizer in ("newton", "sfn"):
        run["damping"] = DAMPING if opts.damping is None else opts.damping
    return run


def _write(path: str, data: bytes, source) -> None:
    from graphdraw.formats import output
    output.write_atomic(path, data, input_path=source.path)


class _Files(list):
    """The files of a run, made first and written together at the end (all or none)."""

    def add(self, path: str, data: bytes, source) -> None:
        self.append((path, data))
        self.source = source

    def write(self) -> None:
        from graphdraw.formats import output
        if self:
            output.write_all(list(self), input_path=self.source.path)


# -- one run ---------------------------------------------------------------------------------

def _single_run(source, syntax: str | None, opts: Options, settings: dict,
                files: dict[str, str]) -> None:
    """Train once, write the files, print the report."""
    setup = prepare_run(source.text, source.name, settings, syntax=syntax,
                        dims=settings["dims"], seed=opts.seed)
    setup.objective.track = setup.node
    run = {**_run_record(source, opts), "dims": dict(setup.program.dims)}
    header = report.describe_run(setup, source.name, opts.optimizer, opts.lr, opts.steps,
                                 opts.reduce, settings["dims"], opts.seed)
    if opts.optimizer == "momentum":
        header += f"; momentum μ = {opts.momentum:g}"
    with report.progress(opts.steps, "training") as tick:
        theta, history = train(setup.objective, setup.theta, optimizer=opts.optimizer,
                               lr=opts.lr, steps=opts.steps, momentum=opts.momentum,
                               damping=opts.damping, on_step=tick,
                               hessian_every=max(1, opts.steps // 200)
                               if opts.track_hessian else 0)
    trained = _Trained(setup, theta, history, solved_at(history, targets_of(setup)))
    rows = predictions(setup.objective, theta, setup.node, setup.target)
    made = _Files()
    written = _write_pictures(source, opts, trained, files, made)
    if "diagram" in files:
        written.append(_write_diagram(source, opts, trained, files["diagram"], made))
    if "params" in files:
        written.append(_write_params(source, theta, files["params"], made))
    made.write()
    _print_run(opts, trained, rows, header, run, files)
    for line in written:
        _echo(f"wrote {line}")
    if "params" in files and (setup.data.columns or setup.data.per_sample):
        _echo(_draw_it_with(source, setup, files["params"], settings["dims"]))


def _echo(line: str) -> None:
    import click
    click.echo(line, err=True)


def _write_pictures(source, opts: Options, trained: _Trained,
                    files: dict[str, str], made: _Files) -> list[str]:
    """The loss curve, the Taylor check and the Hessian's index: what was written."""
    setup, history = trained.setup, trained.history
    title = (f"{report.display_name(source)}{report.dims_text(setup)}: "
             f"{OPTIMIZER_NAMES[opts.optimizer]}, ε = {opts.lr:g}"
             + (f", on {setup.data.origin}" if report.has_samples(setup) else ""))
    written = []
    if "plot" in files:
        path = files["plot"]
        made.add(path, plots.draw_loss(history, plots.plot_format(path), title,
                                     solved_at=trained.solved,
                                     ylabel=report.loss_label(setup, opts.reduce)), source)
        written.append(f"{path} (loss curve)")
    if "taylor" in files:
        path = files["taylor"]
        made.add(path, plots.draw_taylor(history, plots.plot_format(path), title,
                                       gd=opts.optimizer == "gd"), source)
        written.append(f"{path} (predicted vs actual change)")
    if "hessian" in files:
        path = files["hessian"]
        made.add(path, plots.draw_hessian(history, plots.plot_format(path), title), source)
        first, last = history.hessian[0], history.hessian[-1]
        written.append(f"{path} (index of the Hessian against the loss: "
                       f"{first[2]:.2f} at loss {first[1]:.3g}, {last[2]:.2f} at loss "
                       f"{last[1]:.3g})")
    return written


def _write_diagram(source, opts: Options, trained: _Trained, path: str, made: _Files) -> str:
    """The trained model with its values and gradients: what was written."""
    from graphdraw.formats.graphviz.layout import layout
    setup = trained.setup
    dot = report.diagram_dot(setup, trained.theta,
                             f"{report.display_name(source)}{report.dims_text(setup)} after "
                             f"{opts.steps} steps of {OPTIMIZER_NAMES[opts.optimizer]} "
                             f"(ε = {opts.lr:g})")
    fmt = _picture_format("diagram", path)
    data = dot.encode("utf-8") if fmt == "dot" else layout(dot, fmt)
    made.add(path, data, source)
    first = "sample 1" if setup.data.columns else "its samples"
    return f"{path} (the trained model at {first})"


def _write_params(source, theta: dict, path: str, made: _Files) -> str:
    """The trained parameters, a --values file for the other commands: what was written."""
    from graphdraw.numeric.numbers import to_json
    body = ",\n".join(f" {json.dumps(p, ensure_ascii=False)}: {json.dumps(to_json(v))}"
                      for p, v in theta.items())
    made.add(path, ("{\n" + body + "\n}\n").encode("utf-8"), source)
    return f"{path} (trained parameters)"


def _print_run(opts: Options, trained: _Trained, rows: list, header: str, run: dict,
               files: dict[str, str]) -> None:
    """The report on standard output, and the ignored data columns on standard error."""
    import click
    setup, history, theta = trained.setup, trained.history, trained.theta
    if opts.as_json:
        click.echo(numbers.dumps(report.report_json(setup, history, theta, rows, run, files,
                                                 trained.solved), ensure_ascii=False))
    else:
        click.echo(report.report_text(setup, history, theta, rows, header, opts.optimizer,
                                      trained.solved), nl=False)
    stuck = _stuck_from(history)
    if stuck is not None:
        _echo(f"graphdraw: note: the gradient is 0 from step {stuck} on and the loss stays at "
              f"{history.loss[-1]:.4g}: training is stuck (every ReLU dead, or units "
              "saturated); try another --seed or a smaller --lr")
    if setup.data.ignored:
        _echo(f"graphdraw: note: {setup.data.origin}: ignored columns that name no "
              f"leaf of the model: {', '.join(setup.data.ignored)}")


def _stuck_from(history) -> int | None:
    """The step from which the gradient is exactly 0 to the end while the loss is not 0
    (a stuck run, which would otherwise end as if it had converged), else None."""
    norms = history.grad_norm
    if not norms or norms[-1] != 0 or not history.loss or history.loss[-1] <= 0:
        return None
    step = len(norms)
    while step > 0 and norms[step - 1] == 0:
        step -= 1
    return step


def _draw_it_with(source, setup: Setup, params_path: str, dims: dict) -> str:
    """The command line that draws the trained model at the first sample (a model over
    samples: at the samples of its --data file), as it can be pasted: the model as given (a
    path, --example, -e TEXT quoted), its sizes and syntax."""
    import shlex
    from graphdraw.language.sizes import dims_args
    from graphdraw.language.source import requested_syntax
    sets = " ".join(f"--set {leaf}="
                    f"{json.dumps(report.to_json_compact(col[0]), separators=(',', ':'))}"
                    for leaf, col in setup.data.columns.items())
    if setup.data.per_sample:
        sets = f"--data {shlex.quote(setup.data.origin)}"
    syntax = requested_syntax()
    return (f"draw it with: graphdraw render{report.model_args(source)}{dims_args(dims)}"
            + (f" --syntax {syntax}" if syntax != "auto" else "")
            + f" --show values,grads --values {shlex.quote(params_path)} {sets}")


# -- the sweep -------------------------------------------------------------------------------

def _sweep_command(source, syntax: str | None, sizes: list[int], opts: Options,
                   settings: dict, files: dict[str, str]) -> None:
    """Train once per hidden size and seed; print and draw how many seeds learn."""
    import click
    count = DEFAULT_SEEDS if opts.seeds is None else opts.seeds
    seed_list = list(range(opts.seed, opts.seed + count))
    jobs = opts.jobs if opts.jobs is not None else min(os.cpu_count() or 1, 4)
    # Read the model once here, so that errors in it or in the data come before any work.
    first = prepare_run(source.text, source.name, settings, syntax=syntax,
                        dims={**settings["dims"], HIDDEN: sizes[0]}, seed=opts.seed,
                        choose_layout=False)
    if first.node is None or not binary(targets_of(first)):
        raise TrainingError("--sweep-hidden counts the runs whose predictions are all on the "
                            "right side of 0.5: it needs one target of 0s and 1s and a "
                            "prediction (ŷ, or --predict NAME)")
    with report.progress(len(sizes) * count, "training") as tick:
        rows = sweep(source.text, source.name, sizes, seed_list, syntax=syntax, jobs=jobs,
                     on_run=tick, **settings)
    run = {**_run_record(source, opts), "seeds": seed_list}
    if "plot" in files:
        title = (f"{report.display_name(source)}: {OPTIMIZER_NAMES[opts.optimizer]}, "
                 f"ε = {opts.lr:g}, {opts.steps} steps, {count} seeds per size")
        task = "XOR" if opts.data_path is None else "the data"
        _write(files["plot"], plots.draw_sweep(rows, plots.plot_format(files["plot"]), title,
                                               task=task), source)
    if opts.as_json:
        click.echo(numbers.dumps(report.sweep_json(rows, run, files), ensure_ascii=False))
    else:
        click.echo(report.sweep_text(rows, _sweep_header(source, opts, count)), nl=False)
    if "plot" in files:
        _echo(f"wrote {files['plot']} (fraction of seeds that learn, per size)")


def _sweep_header(source, opts: Options, count: int) -> str:
    data_name = "the four XOR samples" if opts.data_path is None else opts.data_path
    seeds_text = (f"seed {opts.seed}" if count == 1
                  else f"seeds {opts.seed}–{opts.seed + count - 1}")
    return (f"Hidden-size sweep of {source.name} on {data_name}: {opts.optimizer}, "
            f"ε = {opts.lr:g}, {opts.steps} steps, {seeds_text} ({count} per size)")
