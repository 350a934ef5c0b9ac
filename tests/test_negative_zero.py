"""Printed numbers never read −0: a gradient that is zero prints as 0."""

from __future__ import annotations

from click.testing import CliRunner

from graphdraw.cli import cli
from graphdraw.numeric.numbers import show


def test_show_prints_negative_zero_as_zero():
    assert show(-0.0) == "0"
    assert show([-0.0, -2.0]) == "[0, -2]"
    assert "range [0, 0]" in show([[-0.0] * 4] * 4)


def test_grads_never_print_negative_zero():
    result = CliRunner().invoke(cli, ["grads", "-e", "L = -relu(w) * x", "--set", "w=[-1,2]",
                                      "--set", "x=2"])
    assert result.exit_code == 0, result.stderr
    assert "-0," not in result.stdout and "-0]" not in result.stdout
    assert "∂L/∂w = [0, -2]" in result.stdout
