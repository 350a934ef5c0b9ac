"""`graphdraw hessian`: the Hessian, its eigenvalues and its index."""

from __future__ import annotations


import click

from graphdraw.numeric import numbers

from graphdraw.cli.group import cli
from graphdraw.cli.options import (data_option, load, model_options, value_options,
                                   values_note, wrt as wrt_leaves)


@cli.command("hessian")
@model_options
@value_options
@data_option
@click.option("--wrt", metavar="NAMES", help="Comma-separated leaves to differentiate "
              "with respect to. [default: every parameter]")
@click.option("--full", is_flag=True, help="Print the whole matrix and every eigenvalue, "
              "however many parameter entries there are (by default only up to 12 and 16).")
@click.option("--check", "against_torch", is_flag=True,
              help="Also compute the Hessian with torch.autograd.functional.hessian and "
                   "compare (needs torch); exit 6 when they differ.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def hessian_command(model, inline, example, settings, values_file, seed, data_path, wrt, full,
                    against_torch, as_json) -> None:
    """The Hessian of the output with respect to the parameters, its eigenvalues and index.

    Rows and columns are the parameters' entries, named as in grads --scalar (W_i[1,2]).
    The index is the fraction of negative eigenvalues (Dauphin et al. 2014): 0 at a
    minimum, between 0 and 1 at a saddle. A non-scalar output is differentiated as the sum
    of its entries. graphdraw computes H exactly by forward-mode differentiation of its own
    backprop (one Hessian-vector product per column); --check compares it with torch.

    \b
    Examples:
      graphdraw hessian                        # exercise 6.2's network at seed 0
      graphdraw hessian --example tanh2 --full
      graphdraw hessian --set x=[1,0] --set y=1 --wrt W_o,b_o
      graphdraw hessian --check                # against torch.autograd.functional.hessian
      graphdraw hessian --json | jq .eigenvalues
    """
    from graphdraw.analyses import curvature
    from graphdraw.errors import EXIT_CHECK
    source, program, leaf_values = load(model, inline, example, settings, values_file, seed,
                                        data_path)
    leaves = wrt_leaves(program, wrt)
    report = curvature.Report(program, leaf_values, leaves)
    undeclared = [n for n in leaves if program.nodes[n].role is None]
    if not wrt and undeclared:
        from graphdraw.language import names
        shown = ", ".join(names.pretty(n) for n in undeclared)
        click.echo(f"graphdraw: note: H includes {shown}, which the model does not declare "
                   "(so they are parameters); if they are data, declare them (`input x`, "
                   "`target y`) or choose the parameters with --wrt", err=True)
    if against_torch:
        report.compare_torch()
    if as_json:
        click.echo(numbers.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        note = values_note(settings, values_file, seed, data_path)
        click.echo(report.format(source.name, note, full=full), nl=False)
    if report.torch is not None and not report.torch["ok"]:
        click.get_current_context().exit(EXIT_CHECK)
