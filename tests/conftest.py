"""Shared test helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).parent / "golden"


def check_golden(name: str, text: str) -> None:
    """Compare text with tests/golden/NAME; GRAPHDRAW_UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN_DIR / name
    if os.environ.get("GRAPHDRAW_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"missing golden file {path}: run with GRAPHDRAW_UPDATE_GOLDEN=1 to create it")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (f"{path.name} differs from the golden file; if the change is "
                              "intended, regenerate with GRAPHDRAW_UPDATE_GOLDEN=1")


@pytest.fixture
def golden():
    """The golden-file comparison: golden('xor.program.txt', text)."""
    return check_golden
