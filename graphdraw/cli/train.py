"""`graphdraw train`: gradient descent on graphdraw's own backprop (exercise 6.2(c))."""

from __future__ import annotations

import click

from graphdraw.cli.group import cli
from graphdraw.cli.options import Finite, model_options, value_options
from graphdraw.language.source import read_model


@cli.command("train")
@model_options
@value_options
@click.option("--data", "data_path", metavar="FILE.csv",
              help="Samples: a header naming the model's inputs and targets (x1,x2,y or "
                   "x[1],x[2],y), one row per sample. [default: the four XOR samples]")
@click.option("--reduce", type=click.Choice(["sum", "mean"]), default="sum",
              show_default=True, help="Minimise the output summed or averaged over samples.")
@click.option("--optimizer", type=click.Choice(["gd", "momentum", "newton", "sfn"]),
              default="gd", show_default=True,
              help="gd: θ −= ε g; momentum: v = μ v + g, θ −= ε v; newton: θ −= ε H⁻¹g; "
                   "sfn (saddle-free Newton): θ −= ε |H|⁻¹g.")
@click.option("--lr", type=Finite(min=0, min_open=True), metavar="ε",
              help="Step size. [default: 2 for gd, 0.5 for momentum, 1 for newton and sfn]")
@click.option("--steps", type=click.IntRange(min=0),
              help="Number of steps. [default: 5000; 2000 with --sweep-hidden]")
@click.option("--hidden", type=click.IntRange(min=1), metavar="H",
              help="Hidden units: sets the model's size H (dim H = 2 in the built-in XOR "
                   "network); the same as --dim H=N.")
@click.option("--momentum", type=Finite(min=0, max=1, max_open=True), default=0.9,
              show_default=True, metavar="μ", help="Momentum of --optimizer momentum.")
@click.option("--damping", type=Finite(min=0), metavar="λ",
              help="Added to the Hessian (newton) or to its absolute eigenvalues (sfn). "
                   "[default: 0.01]")
@click.option("--init-scale", type=Finite(min=0, min_open=True), default=1.0,
              show_default=True, metavar="S",
              help="Scale of the random starting parameters: uniform in [−S, S).")
@click.option("--predict", metavar="NAME", help="The value compared with the targets in "
              "the table of predictions. [default: ŷ, else the last value computed from the "
              "inputs alone]")
@click.option("--plot", metavar="PATH", help="The loss curve (with --sweep-hidden: the "
              "fraction learned per size), .svg, .png or .pdf. [default: MODEL-loss.svg, "
              "MODEL-sweep.svg]")
@click.option("--track-hessian", metavar="PATH", help="Also compute the Hessian along the "
              "way and draw its index (the fraction of negative eigenvalues) against the loss "
              "(Dauphin et al. 2014, fig. 1).")
@click.option("--plot-taylor", metavar="PATH", help="Also draw each step's first-order "
              "prediction of the change in loss against the actual change.")
@click.option("--diagram", metavar="PATH", help="The trained model with values and gradients "
              "at the first sample (.svg, .png, .pdf or .dot). [default: MODEL-trained.svg]")
@click.option("--save-params", metavar="FILE.json", help="The trained parameters, for "
              "--values of the other commands. [default: MODEL-trained.json]")
@click.option("--no-files", is_flag=True, help="Write only the files asked for by name.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.option("--sweep-hidden", metavar="LIST", help="Train once per hidden size and seed and "
              "count the seeds that learn (all predictions on the right side of 0.5), "
              "e.g. 2,3,4,8.")
@click.option("--seeds", type=click.IntRange(min=1), metavar="N",
              help="Seeds per size for --sweep-hidden: --seed, --seed + 1, ... [default: 20]")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Processes for --sweep-hidden. [default: the CPUs, at most 4]")
def train(model, inline, example, **options) -> None:
    """Train the model's parameters by gradient descent on graphdraw's own backprop.

    Minimises the output summed (or averaged) over the samples: the four XOR samples, or a
    CSV file whose header names the inputs and targets. Prints the loss along the way with
    each step's first-order Taylor prediction (−ε‖g‖² for gd) beside the actual change, the
    predictions against the targets, and the trained parameters; writes the loss curve, the
    trained diagram and the parameters (MODEL-loss.svg, MODEL-trained.svg,
    MODEL-trained.json; --no-files writes only those named). A progress bar shows on a
    terminal.

    \b
    Examples:
      graphdraw train                              # learn XOR with the 2-2-1 network
      graphdraw train --hidden 8 --steps 2000 --plot-taylor taylor.svg
      graphdraw train --optimizer momentum --lr 0.5 --save-params trained.json
      graphdraw render --show values,grads --values trained.json --set x=[1,0] --set y=1
      graphdraw train model.gd --data samples.csv --reduce mean --json
      graphdraw train --sweep-hidden 2,3,4,8 --seeds 20   # 6.2(c): how often H units learn
    """
    from graphdraw.analyses.train.command import command
    from graphdraw.language.sizes import requested_dims
    command(read_model(model, inline, example), dims_given=requested_dims(), **options)
