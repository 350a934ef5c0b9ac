"""The built-in example models (graphdraw/examples/*.gd); `xor` is the default."""

from __future__ import annotations

from importlib import resources

DEFAULT = "xor"
ORDER = ("xor", "linear", "logistic", "tanh2", "micrograd")


def names() -> list[str]:
    """The examples' names, the default first."""
    return list(ORDER)


def text(name: str) -> str:
    """The model text of a built-in example."""
    return resources.files(__package__).joinpath("examples", f"{name}.gd").read_text("utf-8")


def summary(name: str) -> str:
    """The first comment line of an example."""
    return text(name).splitlines()[0].lstrip("# ").strip()
