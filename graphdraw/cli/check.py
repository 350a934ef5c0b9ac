"""`graphdraw check`: the proof against torch autograd, finite differences and torchviz."""

from __future__ import annotations


import click

from graphdraw.numeric import numbers

from graphdraw.cli.group import cli
from graphdraw.cli.options import (Finite, data_option, load, model_options, picture,
                                   value_options)


@cli.command()
@model_options
@value_options
@data_option
@click.option("--rtol", type=Finite(min=0), default=1e-7, show_default=True,
              help="Relative tolerance against torch autograd.")
@click.option("--atol", type=Finite(min=0), default=1e-9, show_default=True,
              help="Absolute tolerance against torch autograd.")
@click.option("--fd-rtol", type=Finite(min=0), default=1e-5, show_default=True,
              help="Relative tolerance against central finite differences.")
@click.option("--fd-atol", type=Finite(min=0), default=1e-7, show_default=True,
              help="Absolute tolerance against central finite differences.")
@click.option("--fd-step", type=Finite(min=0, min_open=True), default=1e-6,
              show_default=True, help="Step of the central finite differences.")
@click.option("--no-structure", is_flag=True, help="Skip the comparison with torchviz.")
@click.option("--diagram", metavar="PATH",
              help="Also draw graphdraw's graph and torchviz's side by side (svg, png, pdf "
                   "or dot, from the extension, as render's -o).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def check(model, inline, example, settings, values_file, seed, data_path, rtol, atol, fd_rtol,
          fd_atol, fd_step, no_structure, diagram, as_json) -> None:
    """Prove the gradients: graphdraw vs torch autograd, finite differences and torchviz.

    Builds the same model from torch ops and compares, leaf by leaf, graphdraw's own
    gradients with torch autograd and with central finite differences (largest absolute and
    relative error against the tolerances; an entry whose step crosses a kink, such as
    relu at 0, is skipped by the finite differences only and listed), then compares graphdraw's graph with the autograd
    graph that torchviz draws: every op must meet an autograd node the op table allows,
    every leaf an AccumulateGrad, every torchviz edge a graphdraw edge. Exit 0 when all
    agree, 6 when something differs. Needs torch and torchviz.

    \b
    Examples:
      graphdraw check                              # the default model
      graphdraw check --example micrograd --json
      graphdraw check model.gd --seed 3 --diagram compare.svg
      graphdraw check linear-regression.gd --data samples.csv   # at the CSV's samples
    """
    from graphdraw.analyses import check as check_mod
    from graphdraw.errors import EXIT_CHECK
    from graphdraw.formats.picture_files import DIAGRAMS
    path = fmt = None
    if diagram:
        from graphdraw.formats import output as out
        path, fmt = diagram, picture(diagram, DIAGRAMS, "--diagram")
        out.check_target(path, input_path=model if model not in (None, "-") else None)
    source, program, leaf_values = load(model, inline, example, settings, values_file, seed,
                                        data_path)
    report = check_mod.run_check(program, leaf_values, rtol=rtol, atol=atol, fd_rtol=fd_rtol,
                                 fd_atol=fd_atol, fd_step=fd_step, structure=not no_structure)
    if path is not None:
        _write_diagram(path, fmt, check_mod.side_by_side(program, report.tensors, report))
    if as_json:
        click.echo(numbers.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(report.format())
    if path is not None:
        click.echo(f"wrote {path}", err=True)
    if not report.ok:
        ctx = click.get_current_context()
        ctx.exit(EXIT_CHECK)


def _write_diagram(path: str, fmt: str, dot: str) -> None:
    """Write DOT source to `path` in `fmt` (laid out by Graphviz unless it is dot)."""
    from graphdraw.formats import output as out
    from graphdraw.formats.graphviz.layout import layout
    data = dot.encode("utf-8") if fmt == "dot" else layout(dot, fmt)
    out.write_atomic(path, data)
