"""diagrams/ must match what `make diagrams` would draw now."""

from __future__ import annotations

import os

import pytest

from graphdraw import gallery

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("filename", sorted(gallery.targets()))
def test_diagrams_are_up_to_date(filename):
    path = os.path.join(ROOT, gallery.DIAGRAMS, filename)
    assert os.path.exists(path), f"{filename} is missing: run `make diagrams`"
    with open(path, encoding="utf-8") as handle:
        committed = handle.read()
    assert committed == gallery.targets()[filename], \
        f"diagrams/{filename} is out of date: run `make diagrams` and commit diagrams/"
    stem = path[:-len(".dot")]
    for fmt in ("svg", "png"):
        assert os.path.exists(f"{stem}.{fmt}"), f"{stem}.{fmt} is missing: run `make diagrams`"
