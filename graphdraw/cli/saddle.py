"""`graphdraw saddle`: three optimizers started near a saddle (exercise 6.3)."""

from __future__ import annotations


import click

from graphdraw.numeric import numbers

from graphdraw.cli.group import cli
from graphdraw.cli.options import Finite, picture
from graphdraw.formats.picture_files import PLOTS
from graphdraw.cli.options import given_values, load, model_options, value_options


@cli.command("saddle")
@model_options
@value_options
@click.option("--steps", type=click.IntRange(1, 10_000), default=80, show_default=True,
              help="Steps of each optimiser.")
@click.option("--lr-gd", type=Finite(min=0, min_open=True), default=0.1,
              show_default=True, help="The step size of gradient descent.")
@click.option("--lr", type=Finite(min=0, min_open=True), default=1.0,
              show_default=True, help="The step size of Newton and saddle-free Newton.")
@click.option("--damping", type=Finite(min=0), default=0.1, show_default=True,
              help="δ: Newton solves (H + δI) d = g; saddle-free Newton divides by |λ| + δ.")
@click.option("--plot", "plot_path", metavar="PATH",
              help="Draw the trajectories, the loss and the gradient norm of the three "
                   "(png, svg or pdf, from the extension).")
@click.option("--json", "as_json", is_flag=True, help="Print the trajectories as JSON.")
def saddle_command(model, inline, example, settings, values_file, seed, steps, lr_gd, lr,
                   damping, plot_path, as_json) -> None:
    """Gradient descent, Newton and saddle-free Newton started near a saddle (exercise 6.3).

    Without a model, the built-in demonstration: a two-layer linear network with one unit
    per layer, L = 1/2 (w₂ w₁ x − y)² with x = y = 1, which has a saddle at w₁ = w₂ = 0,
    started at w₁ = 1.2, w₂ = −1.195, close to the saddle's attracting direction. Gradient
    descent slows down on the plateau around the saddle, Newton converges to the saddle,
    saddle-free Newton (Dauphin et al. 2014) escapes to a minimum. Each step uses
    graphdraw's own gradient and Hessian. With a model, the start is its leaves' values
    (--set, --values, declared, --seed); with two scalar parameters the picture includes
    the trajectories on the loss surface.

    \b
    Examples:
      graphdraw saddle --plot saddle.png
      graphdraw saddle --set w_2=-1.1999 --steps 150 --plot saddle.svg
      graphdraw saddle -e 'param u = 0.9, v = 0.01; L = u^2 - v^2 + v^4' --lr-gd 0.05
    """
    from graphdraw.formats import output as out
    from graphdraw.analyses import saddle as saddle_mod
    fmt = None
    if plot_path:
        fmt = picture(plot_path, PLOTS, "--plot")
        out.check_target(plot_path)
    if model is None and inline is None and example is None:
        name, program, leaf_values = _builtin(settings, values_file, seed)
    else:
        source, program, leaf_values = load(model, inline, example, settings, values_file,
                                             seed)
        name = source.name
    leaves = _parameters(program, leaf_values)
    demo = saddle_mod.Demo(program, leaf_values, leaves, steps=steps, lr_gd=lr_gd, lr=lr,
                           damping=damping)
    if as_json:
        click.echo(numbers.dumps(demo.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(demo.format(name), nl=False)
    if plot_path:
        out.write_atomic(plot_path, demo.plot(fmt))
        click.echo(f"wrote {plot_path}", err=True)


def _builtin(settings, values_file, seed):
    """The built-in demonstration, its values changed by --set and --values; (name, program,
    leaf values)."""
    from graphdraw.analyses import saddle as saddle_mod
    from graphdraw.language import parser
    from graphdraw.numeric import values as values_mod
    program = parser.parse(saddle_mod.MODEL, saddle_mod.MODEL_NAME)
    leaf_values = values_mod.leaf_values(program, given_values(settings, values_file), seed)
    return saddle_mod.MODEL_NAME, program, leaf_values


def _parameters(program, leaf_values: dict) -> list[str]:
    """The leaves the optimisers move; at most 200 entries, as each step takes the Hessian."""
    from graphdraw.errors import LimitError
    from graphdraw.lazy import np
    from graphdraw.numeric import backprop
    leaves = backprop.gradient_leaves(program)
    size = sum(int(np.size(leaf_values[leaf])) for leaf in leaves)
    if size > 200:
        raise LimitError(f"the model has {size} parameter entries; the demonstration computes "
                         "the Hessian at every step and takes at most 200",
                         hint="use a smaller model")
    return leaves
