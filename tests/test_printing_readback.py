"""A printed derivative reads back as the same maths: the adjoint sent through −yᵀ log ŷ is the
vector −y ⊙ 1/ŷ, never `−yᵀ (1 / ŷ)` (an inner product, a scalar, when read back)."""

from __future__ import annotations

from click.testing import CliRunner

from graphdraw.cli import cli


def test_the_other_vector_of_a_dot_product_prints_without_its_transpose():
    result = CliRunner().invoke(cli, ["grads", "--syntax", "plain", "-e", "L = -yᵀ log(p)",
                                      "--set", "y=[0.2, 0.8]", "--set", "p=[0.5, 0.5]"])
    assert result.exit_code == 0, result.stderr
    line = next(l for l in result.stdout.splitlines() if l.strip().startswith("∂L/∂p ="))
    assert line.split("=", 1)[1].strip() == "−y (1 / p)"
    assert "∂L/∂p = [-0.4, -1.6]" in result.stdout
