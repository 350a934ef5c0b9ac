"""The command line: `graphdraw render | grads | check | ...`, one module per command.

Each command module registers itself on the group (`cli.group.cli`) when imported; each
imports only click at the top, and what its work needs inside the command.
"""

from __future__ import annotations

import sys

import click

from graphdraw.cli import (check, exercise, formats, grads, hessian, info, render,  # noqa: F401
                           saddle, taylor, train, verify)
from graphdraw.cli.group import cli
from graphdraw.cli.render import DRAW_STYLES, THEMES

__all__ = ["cli", "main", "THEMES", "DRAW_STYLES"]


def main() -> None:
    """The console script."""
    try:
        cli(prog_name="graphdraw")
    except KeyboardInterrupt:
        click.echo("graphdraw: interrupted", err=True)
        sys.exit(130)

