"""`graphdraw render`: the diagram of one model or many, in any format of the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from graphdraw.cli import batch
from graphdraw.cli.group import cli
from graphdraw.cli.options import Finite, Text, data_option, models_options, value_options
from graphdraw.formats import registry
from graphdraw.formats.graphviz.themes import PAGE_READY
from graphdraw.language import notes
from graphdraw.language.source import read_model

if TYPE_CHECKING:
    from graphdraw.formats.base import Format

FORMATS = registry.names()
THEMES = ("default", "print", "colorblind")          # render.THEMES (a test keeps them equal)
DRAW_STYLES = ("named", "textbook", "ops")                    # render.DRAW_STYLES


def _font_option(ctx, param, value):
    """--font: a name Graphviz can be given (render.font_name), or a usage error."""
    if value is None:
        return None
    from graphdraw.formats.graphviz.draw import font_name
    try:
        return font_name(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _fit_option(ctx, param, value):
    """--fit: a box in points, or a usage error."""
    if value is None:
        return None
    from graphdraw.formats.graphviz.measure import parse_box
    try:
        return parse_box(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command()
@models_options
@click.option("-f", "--format", "fmt_name", type=click.Choice(FORMATS),
              help="Output format. [default: the one -o's extension names, else svg]")
@click.option("-o", "--output", "output", metavar="PATH",
              help="Where to write: a file, '-' for standard output, or a directory "
                   "ending in / (each model to DIR/MODEL.EXT). [default: MODEL.EXT in the "
                   "current directory]")
@click.option("--rankdir", type=click.Choice(["auto", "LR", "TB"], case_sensitive=False),
              metavar="[auto|LR|TB]", default=PAGE_READY["rankdir"], show_default=True,
              help="Left to right or top to bottom (either case: tb works); auto: the one "
                   "that keeps the larger text on a 16 cm × 22 cm page.")
@click.option("--fit", "fit", metavar="WIDTHxHEIGHT", callback=_fit_option,
              help="Size the figure for a box, e.g. --fit 16cmx22cm (units cm, mm, in, pt), "
                   "and report its smallest text on stderr. TikZ: the picture is scaled, "
                   "the document's font stays.")
@click.option("--legend", "legend", type=click.Choice(["full", "compact", "none"]),
              default=PAGE_READY["legend"], show_default=True,
              help="full: a framed box of sample nodes; compact: one small box beside a "
                   "top-to-bottom graph or below a left-to-right one; none.")
@click.option("--no-legend", is_flag=True, help="Draw no legend (--legend none).")
@click.option("--title", type=Text(1000), help="A title drawn above the graph.")
@click.option("--caption", type=Text(1000), help="A caption drawn below the graph.")
@click.option("--theme", type=click.Choice(THEMES), default="default", show_default=True,
              help="Colours: default; print (greyscale, thin lines, kinds told apart by "
                   "shape and line); colorblind (the Okabe-Ito palette).")
@click.option("--style", "draw_style", type=click.Choice(DRAW_STYLES),
              default=PAGE_READY["style"], show_default=True, help="named: a node per name you wrote (x, a, z, ŷ, L), showing its "
              "computation, each edge the derivative composed through the unnamed steps; "
              "textbook: a node per value, showing its computation; "
              "ops: each operation as a small node of its own (as torchviz and micrograd "
              "draw), the local derivatives on the arrows into it.")
@click.option("--font", metavar="NAME", callback=_font_option,
              help="The font of all text, e.g. 'DejaVu Sans'. [default: Liberation Serif]")
@click.option("--show", "show", default="shapes", show_default=True, metavar="LIST",
              help="What the nodes show besides name and computation, comma-separated: "
                   "values (forward values), grads (gradients of the output), shapes; or "
                   "none. With values or grads, edges also show the value of their local "
                   "derivative.")
@value_options
@data_option
@click.option("--no-edge-labels", is_flag=True, help="Hide the local derivatives on edges.")
@click.option("--no-shapes", is_flag=True, help="Hide the shapes of values (as leaving "
              "shapes out of --show).")
@click.option("--layout-timeout", type=Finite(min=0.1, max=86_400), default=30.0,
              show_default=True, metavar="SECONDS",
              help="Give up when Graphviz takes longer than this to lay the graph out.")
@click.option("--snippet", is_flag=True, help="With --format tikz: only the tikzpicture, to "
              "\\input in a document (its preamble needs amsmath, tikz and "
              "\\usetikzlibrary{arrows.meta,shapes.geometric}).")
@click.option("-k", "--keep-going", is_flag=True, help="With several models: write every "
              "figure that can be drawn; each broken model is reported, and the command "
              "still ends with the last one's exit code.")
@click.option("--steps", is_flag=True, help="Backprop step by step: the graph bare, then "
              "the forward pass a node at a time, then the backward pass from the output. "
              "-f pdf: a page a step; -f tikz: a Beamer document, an overlay a step; -f html: "
              "a page that steps with no script. --show values or --show grads: that pass only.")
def render(models, inline, example, fmt_name, output, rankdir, fit, legend, no_legend, title,
           caption, theme,
           draw_style, font, show, settings, values_file, seed, data_path, no_edge_labels,
           no_shapes, layout_timeout, snippet, keep_going, steps) -> None:
    """Draw the computation graph of a model, or of several models in one run.

    Each node shows its name and its forward computation; each edge carries the local
    derivative of its result with respect to that operand. svg, png and pdf need Graphviz's
    dot; dot and json work without it. tikz writes a LaTeX document (MODEL.tex) with every
    label typeset by LaTeX, laid out by Graphviz as the SVG; --snippet writes just the
    tikzpicture. Without --format, -o's extension says the format (fig.png: png).

    With --show values,grads the nodes also show their values and the gradient of the
    output, and the edges the value of each local derivative, at the leaves' values from
    --set/--values and, for the others, random ones from --seed (as `graphdraw grads`).

    Several models (A.gd B.gd ... -o DIR/) are drawn in one run, each to DIR/A.svg, ...
    (the current directory without -o). Every model is read and drawn before any file is
    written: when one fails, its error is reported and no file is written (with
    --keep-going, the others are written and the command still fails).

    \b
    Examples:
      graphdraw render                          # the default model, to ./xor.svg
      graphdraw render --example micrograd -f png
      graphdraw render --show values,grads --rankdir TB -o xor-values.svg
      graphdraw render --show values --set x=[1,0] --set y=1
      graphdraw render --theme print --style ops -o fig1.pdf --caption 'Figure 1: XOR'
      graphdraw render --format html            # xor.html: tooltips, equations, numbers
      graphdraw render --format tikz            # xor.tex: pdflatex xor.tex
      graphdraw render -f tikz --snippet -o fig.tex   # for \\input{fig.tex} in a report
      graphdraw render model.gd -f json -o -    # JSON on standard output
      graphdraw render figures/*.gd -f pdf -o build/   # build/NAME.pdf for each model
      graphdraw render figures/*.gd -o build/ -k  # the others even if one is broken
      graphdraw render --steps -f pdf           # xor.pdf: backprop, a page a step
      graphdraw render --steps -f tikz          # xor.tex: Beamer, an overlay a step
      graphdraw render linear-regression.gd --data samples.csv --show values,grads
      echo 'y = tanh(w x + b)' | graphdraw render - -o tanh.svg --rankdir TB
    """
    shown = _shown(show, no_shapes)
    fmt = batch.choose_format(fmt_name, output)
    numeric = _notes(fmt, shown, bool(settings or values_file), snippet)
    phases = _phases(fmt, shown) if steps else None
    numeric = numeric or bool(phases)
    sources = [read_model(model, inline, example) for model in models or (None,)]
    if len(sources) > 1:                # each note then says which model it is about
        click.get_current_context().find_root().meta[notes.SEVERAL_KEY] = True
    paths = batch.targets(sources, fmt, output)
    batch.check_targets(sources, paths, output)
    options = {"rankdir": rankdir if rankdir.lower() == "auto" else rankdir.upper(),
               "fit": fit,
               "legend": False if no_legend or legend == "none" else
               "compact" if legend == "compact" else True, "title": title or "", "caption": caption,
               "edge_labels": not no_edge_labels, "shapes": "shapes" in shown, "theme": theme,
               "style": draw_style, "font": font, "layout_timeout": layout_timeout,
               "snippet": snippet, "steps": phases}
    # The leaves' values, for the numbers drawn or for a format that shows them (html).
    values = (batch.values(settings, values_file, seed, data_path) if numeric or fmt.values
              else None)
    if values is None and (settings or values_file or data_path):  # their shapes still fix
        values = batch.shapes_only(settings, values_file)           # the figure's
    failures = [] if keep_going else None
    jobs = batch.make_jobs(sources, fmt, options, shown if numeric else frozenset(), values,
                           data_path=data_path, failures=failures)
    drawn = batch.draw_all(fmt, jobs, sources, failures)
    batch.make_directory(output)
    for source, path, job, data in zip(sources, paths, jobs, drawn):
        if data is not None:            # (None: a model --keep-going passed over)
            _write(fmt, source, path, job, data)
            if fit is not None:
                _report_fit(job, fmt, fit)
    batch.fail(failures or [])


def _write(fmt, source, path: str | None, job, data: bytes) -> None:
    """One model's bytes to its file (atomically, with the `wrote …` line) or to stdout."""
    from graphdraw.formats import output as out
    if path is None:
        out.write_stdout(data)
        return
    out.write_atomic(path, data, input_path=source.path)
    drawn = job.drawn() if fmt.writes == "drawn" else job.graph
    steps = f", steps 0 to {len(job.steps) - 1}" if job.steps else ""
    click.echo(f"wrote {path} ({drawn.number_of_nodes()} nodes, "
               f"{drawn.number_of_edges()} edges, {fmt.name}{steps})", err=True)


def _report_fit(job, fmt, box: tuple[float, float]) -> None:
    """--fit's line on stderr: the figure's size in the box and its smallest text."""
    if not fmt.fit:
        sized = registry.where(lambda other: other.fit)
        click.echo(f"graphdraw: note: --fit sizes {', '.join(sized)}, not {fmt.name}",
                   err=True)
        return
    from graphdraw.formats.graphviz.measure import fit_dot
    fitted = fit_dot(job.dot(), box, timeout=job.options.get("layout_timeout", 30.0))
    if fmt.fit == "picture":
        click.echo(f"graphdraw: fit: the picture is {fitted.report().split(',')[0]}; its "
                   "text keeps the document's sizes", err=True)
        return
    click.echo(f"graphdraw: fit: {fitted.report()}", err=True)


def _shown(show: str, no_shapes: bool) -> frozenset[str]:
    """--show's items (less shapes with --no-shapes), or a usage error."""
    from graphdraw.formats.graphviz.draw import parse_show
    try:
        shown = parse_show(show)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=click.get_current_context(),
                                 param_hint="'--show'") from None
    return shown - {"shapes"} if no_shapes else shown


def _phases(fmt: Format, shown: frozenset[str]) -> tuple[str, ...]:
    """--steps: the passes to walk (--show values: forward, grads: backward, else both), or a
    usage error for a format that cannot show steps."""
    if fmt.steps is None:
        able = registry.where(lambda other: other.steps is not None)
        raise click.UsageError(f"--steps draws {', '.join(able)}, not {fmt.name}: give "
                               f"--format {able[0]} (or -o FILE.{registry.get(able[0]).extension})")
    from graphdraw.numeric.steps import PHASES
    wanted = tuple(phase for phase, item in zip(PHASES, ("values", "grads")) if item in shown)
    return wanted or PHASES


def _notes(fmt: Format, shown: frozenset[str], given: bool, snippet: bool) -> bool:
    """Say which options the format will not use; whether it draws values or gradients."""
    numeric = bool(shown & {"values", "grads"})
    if numeric and not fmt.numbers:
        click.echo("graphdraw: note: --show values/grads only draw; for the numbers as JSON "
                   "use graphdraw grads --json", err=True)
        numeric = False
    if snippet and not fmt.snippet:
        takes = registry.where(lambda other: other.snippet)
        click.echo(f"graphdraw: note: --snippet is used only with --format {' or '.join(takes)}",
                   err=True)
    return numeric
