"""The built-in example models (graphdraw/examples/*.gd); `xor` is the default."""

from __future__ import annotations

import os

DEFAULT = "xor"
ORDER = ("xor", "linear", "logistic", "tanh2", "micrograd", "xor-sum",
         # the model zoo: the models that come after the sheet's
         "linear-regression", "logistic-bce", "softmax-regression", "mlp", "rnn",
         "weight-decay", "attention")


def names() -> list[str]:
    """The examples' names, the default first."""
    return list(ORDER)


def text(name: str) -> str:
    """The model text of a built-in example."""
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "examples", f"{name}.gd")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def summary(name: str) -> str:
    """The first comment line of an example."""
    return text(name).splitlines()[0].lstrip("# ").strip()
