"""The sizes a model declares (`dim H = 2`) and `--dim NAME=N`, which sets them from the
command line for every command that reads a model.

`--dim` (cli.options.model_options) leaves the sizes in click's context, as `--syntax` leaves
its choice; `source.read_model` puts them in place of the declared ones before anything
parses the text, so each command honours them without passing them along. The text keeps its
lines and columns: only the number after `dim NAME =` changes.
"""

from __future__ import annotations

import re
import sys

from graphdraw.errors import GraphdrawError

DIMS_KEY = "graphdraw.dims"        # where --dim leaves its sizes (click's ctx.meta)

_DIM = r"((?:^|;)[ \t]*dim[ \t]+{name}[ \t]*=[ \t]*)(\d+)"


def requested_dims() -> dict[str, int]:
    """The --dim sizes of the running command ({} outside one, or without --dim)."""
    click = sys.modules.get("click")
    ctx = click.get_current_context(silent=True) if click is not None else None
    return dict(ctx.meta.get(DIMS_KEY) or {}) if ctx is not None else {}


def declared_dims(text: str) -> list[str]:
    """The sizes a model's text declares (`dim H = 2` -> ['H'])."""
    return re.findall(r"(?m)(?:^|;)[ \t]*dim[ \t]+(\w+)[ \t]*=", text)


def parse_dims(items: tuple[str, ...]) -> dict[str, int]:
    """--dim NAME=N options as {NAME: N}; a ValueError says how to write one."""
    out = {}
    for item in items:
        name, sep, size = item.partition("=")
        if not sep or not name.strip() or not size.strip().isdigit() or int(size) < 1:
            raise ValueError(f"'{item}': write NAME=N with N a positive whole number, "
                             "e.g. --dim H=8")
        out[name.strip()] = int(size)
    return out


def with_dims(text: str, dims: dict[str, int]) -> str:
    """The model's text with the sizes `dims` in place of the declared ones.

    >>> with_dims("dim H = 2\\nparam W[2, H]", {"H": 8})
    'dim H = 8\\nparam W[2, H]'
    """
    for name, size in dims.items():
        pattern = re.compile(_DIM.format(name=re.escape(name)), re.MULTILINE)
        text, found = pattern.subn(lambda m: m.group(1) + str(size), text)
        if not found:
            sizes = declared_dims(text)
            raise GraphdrawError(
                f"--dim {name}={size}: the model declares no size '{name}' to set",
                hint=(f"its sizes are {', '.join(sizes)}: --dim {sizes[0]}=N" if sizes else
                      f"declare it in the model, e.g. 'dim {name} = 2' with "
                      f"'param W[2, {name}]'"))
    return text


def dims_args(dims: dict[str, int]) -> str:
    """The sizes as command-line options: ' --dim H=8 --dim K=3' ('' for none)."""
    return "".join(f" --dim {name}={size}" for name, size in dims.items())
