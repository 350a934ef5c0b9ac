"""`graphdraw grads`: the backward equations and the numbers."""

from __future__ import annotations

import click

from graphdraw.cli.group import cli
from graphdraw.cli.options import (data_option, load, model_options, value_options,
                                   values_note, wrt as wrt_leaves)


@cli.command()
@model_options
@value_options
@data_option
@click.option("--wrt", metavar="NAMES", help="Comma-separated leaves to differentiate "
              "with respect to. [default: every parameter]")
@click.option("--scalar", is_flag=True,
              help="Expand tensor parameters into entries (W_i[1,1], ...) and give ∂L/∂ each "
                   "entry as one explicit formula.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "latex", "markdown"]),
              default=None, help="text (default); json (see README); latex: align* blocks "
              "to paste into a report (needs amsmath); markdown: the equations in $$ blocks "
              "and the numbers as a table.")
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
def grads(model, inline, example, settings, values_file, seed, data_path, wrt, scalar, fmt,
          as_json) -> None:
    """The backward equations and the gradient of the output with respect to each leaf.

    First the adjoints from the output down, in your names (∂L/∂L, ∂L/∂ŷ, ... down to each
    parameter), then the value and gradient of every leaf at the given values (random ones
    from --seed for leaves without a value). A non-scalar output is differentiated as the
    sum of its entries.

    \b
    Examples:
      graphdraw grads                          # exercise 6.2: backward equations
      graphdraw grads --scalar                 # 6.2(b): ∂L/∂W_i[1,1], ..., ∂L/∂b_o
      graphdraw grads --scalar --format latex > answer-6.2b.tex
      graphdraw grads --format markdown        # $$ equations and a table of numbers
      graphdraw grads --set x=[1,0] --set y=1 --wrt W_o,b_o
      graphdraw grads --example micrograd --json
      graphdraw grads linear-regression.gd --data samples.csv   # Σ_n over the CSV's rows
    """
    from graphdraw.numeric import backprop
    from graphdraw.numeric.derivatives import Gradients, write
    if as_json and fmt not in (None, "json"):
        raise click.BadParameter(f"--json asks for JSON, --format for {fmt}: give one",
                                 param_hint="'--format'")
    fmt = "json" if as_json else (fmt or "text")
    source, program, leaf_values = load(model, inline, example, settings, values_file, seed,
                                        data_path)
    note = values_note(settings, values_file, seed, data_path)
    leaves = wrt_leaves(program, wrt)
    backprop.require_leaves(program, leaves)
    result = Gradients(program, source.name, leaf_values, leaves, scalar=scalar, note=note)
    click.echo(write(result, fmt), nl=False)
