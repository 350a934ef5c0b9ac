"""`graphdraw taylor`: Taylor series of the op table's functions (exercise 6.1)."""

from __future__ import annotations


import click

from graphdraw.numeric import numbers

from graphdraw.cli.group import cli
from graphdraw.cli.options import Finite, picture
from graphdraw.formats.picture_files import PLOTS


@cli.command("taylor")
@click.argument("function", required=False, default="sigmoid", metavar="[FUNCTION]")
@click.option("-n", "--order", type=click.IntRange(1, 20), default=3, show_default=True,
              help="How many non-zero terms to give.")
@click.option("--at", "at", type=Finite(), default=0.0, show_default=True, metavar="X0",
              help="The point to expand about.")
@click.option("--plot", "plot_path", metavar="PATH",
              help="Also draw the function against its truncations after 1, 2, … terms "
                   "(png, svg or pdf, from the extension).")
@click.option("--xlim", nargs=2, type=Finite(), metavar="LO HI",
              help="The plot's range of x. [default: X0 − 4 to X0 + 4]")
@click.option("--plain", is_flag=True, help="Print only the series, in the plain notation "
              "(1/2 + x/4 - x^3/48), which graphdraw parses back.")
@click.option("--json", "as_json", is_flag=True, help="Print the series as JSON.")
def taylor_command(function, order, at, plot_path, xlim, plain, as_json) -> None:
    """The Taylor series of an elementwise function, its first N non-zero terms (sympy).

    FUNCTION is an elementwise op of the table (sigmoid or σ, tanh, exp, log, softplus, …;
    default sigmoid, exercise 6.1) or an expression in one variable in graphdraw's language,
    such as 'x σ(x)'. The derivation lists f⁽ᵏ⁾(X0) and c_k = f⁽ᵏ⁾(X0)/k!; for an op whose
    derivative is a polynomial in its output (σ′ = σ − σ²) it also gives each derivative
    in terms of the output, and it checks the op table's derivative against sympy's.

    \b
    Examples:
      graphdraw taylor sigmoid --order 3      # 1/2 + x/4 − x³/48 + O(x⁵)
      graphdraw taylor tanh -n 4 --plot tanh-taylor.png
      graphdraw taylor log --at 1
      graphdraw taylor 'log(1 + exp(x))' --plain
    """
    from graphdraw.formats import output as out
    from graphdraw.analyses import taylor as taylor_mod
    if plot_path:
        picture(plot_path, PLOTS, "--plot")
        out.check_target(plot_path)
    if xlim and not xlim[0] < xlim[1]:
        raise click.BadParameter("give the lower end first, e.g. --xlim -4 4",
                                 param_hint="'--xlim'")
    series = taylor_mod.expand(taylor_mod.resolve(function), order, at)
    if as_json:
        click.echo(numbers.dumps(taylor_mod.to_json(series), ensure_ascii=False, indent=1))
    elif plain:
        click.echo(taylor_mod.polynomial_text(series, "plain"))
    else:
        click.echo(taylor_mod.format_text(series), nl=False)
    if plot_path:
        out.write_atomic(plot_path, taylor_mod.plot(series, plot_path, xlim))
        click.echo(f"wrote {plot_path}", err=True)
