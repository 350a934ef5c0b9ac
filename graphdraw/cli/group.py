"""The click group: the only place where graphdraw's errors become messages and exit codes."""

from __future__ import annotations

import os
import warnings

import click

from graphdraw import __version__
from graphdraw.errors import EXIT_LIMIT, EXIT_OUTPUT, GraphdrawError, SourceError


class _Group(click.Group):
    """A click group that turns graphdraw's errors into one message and an exit code."""

    def invoke(self, ctx: click.Context):
        if os.environ.get("GRAPHDRAW_DEBUG"):       # Python's own warnings (-W error works)
            return self._invoke(ctx)
        with warnings.catch_warnings(record=True) as caught:
            try:
                return self._invoke(ctx)
            finally:
                _notes(caught)

    def _invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GraphdrawError as exc:
            message = str(exc)
            if not isinstance(exc, SourceError) or ": error: " not in message:
                message = "graphdraw: error: " + message
            click.echo(message, err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:           # `graphdraw ops | head -1`
            from graphdraw.formats.output import silence_stdout
            silence_stdout()
            click.echo("graphdraw: error: output pipe closed before all output was written",
                       err=True)
            ctx.exit(EXIT_OUTPUT)
        except (click.exceptions.ClickException, click.exceptions.Exit,
                click.exceptions.Abort):
            raise
        except RecursionError:
            click.echo("graphdraw: error: the model is nested too deeply to process", err=True)
            ctx.exit(EXIT_LIMIT)
        except MemoryError:
            click.echo("graphdraw: error: the model is too large for this machine's memory",
                       err=True)
            ctx.exit(EXIT_LIMIT)
        except Exception as exc:  # noqa: BLE001 - the last guard: no traceback for users
            if os.environ.get("GRAPHDRAW_DEBUG"):
                raise
            click.echo(f"graphdraw: internal error: {type(exc).__name__}: {exc}\n"
                       "  please report it with the model; GRAPHDRAW_DEBUG=1 shows the "
                       "traceback", err=True)
            ctx.exit(1)


def _notes(caught: list) -> None:
    """A warning that escaped the places where numbers are computed, as one note each.

    Those places silence numpy (np.errstate) and report NaN and infinity themselves, naming
    the node and the line; this is the last guard, so no raw warning reaches the user.
    """
    seen = set()
    for w in caught:
        text = str(w.message).strip()
        if text in seen:
            continue
        seen.add(text)
        if issubclass(w.category, RuntimeWarning):      # numpy's floating-point warnings
            click.echo(f"graphdraw: note: a computation reported '{text}'; the numbers above "
                       "may hold a NaN or an infinity (please report it with the model)",
                       err=True)
        else:
            click.echo(f"graphdraw: note: {text}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="graphdraw")
def cli() -> None:
    """Turn a model equation into a named computation-graph diagram.

    A model is a file (any extension), '-' for standard input, -e TEXT, or a built-in
    example; with none, graphdraw uses the XOR network of exercise 6.2.

    \b
    Examples:
      graphdraw render --format svg          # draw the default model to xor.svg
      graphdraw render model.gd -o model.png
      graphdraw render -e 'L = 1/2 (σ(wᵀ x + b) − y)²' --format pdf
      graphdraw ops                          # every operation and its local derivative
      graphdraw examples                     # the built-in models
    """
