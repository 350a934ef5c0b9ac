"""Where a model comes from (file, stdin, -e, a built-in example) and loading it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from graphdraw.language import examples
from graphdraw import limits
from graphdraw.errors import GraphdrawError, LimitError

SYNTAX_KEY = "graphdraw.syntax"       # where --syntax leaves its choice (click's ctx.meta)


def requested_syntax() -> str:
    """The --syntax of the running command (auto, latex or plain); 'auto' outside one.

    Every command has --syntax (cli.model_options), stored in click's context, so that
    each place that parses the model honours it without passing it along.
    """
    click = sys.modules.get("click")
    ctx = click.get_current_context(silent=True) if click is not None else None
    return ctx.meta.get(SYNTAX_KEY, "auto") if ctx is not None else "auto"


@dataclass(frozen=True)
class ModelText:
    """A model's text, the name it is shown under, and the file it came from."""

    text: str
    name: str          # for messages: the path, '<stdin>', '<-e>', or the example's name
    stem: str          # for default output files: 'xor', 'model', ...
    path: str | None = None


def read_model(path: str | None, inline: str | None, example: str | None) -> ModelText:
    """Read the model the user named; with none, the built-in default. The sizes given
    with --dim (sizes.requested_dims) replace the declared ones."""
    from graphdraw.language import sizes
    source = _read_model(path, inline, example)
    dims = sizes.requested_dims()
    if not dims:
        return source
    return ModelText(sizes.with_dims(source.text, dims), source.name, source.stem, source.path)


def _read_model(path: str | None, inline: str | None, example: str | None) -> ModelText:
    given = [x for x in (path, inline, example) if x is not None]
    if len(given) > 1:
        raise GraphdrawError("give the model one way: a file, '-', -e TEXT or --example NAME")
    if inline is not None:
        limits.check("model", len(inline.encode("utf-8", "surrogatepass")), "-e's model")
        return ModelText(inline, "<-e>", "graph")
    if path == "-":
        data = _read_capped(sys.stdin.buffer, "<stdin>")
        return ModelText(_decode(data, "<stdin>"), "<stdin>", "graph")
    if path is not None:
        if os.path.isdir(path):
            raise GraphdrawError(f"{path} is a directory; give a model file")
        try:
            with open(path, "rb") as handle:
                data = _read_capped(handle, path)
        except FileNotFoundError:
            raise GraphdrawError(f"no such model file: {path}") from None
        except OSError as exc:
            raise GraphdrawError(f"cannot read {path}: {exc.strerror}") from None
        stem = os.path.splitext(os.path.basename(path))[0] or "graph"
        return ModelText(_decode(data, path), path, stem, path)
    name = example or examples.DEFAULT
    if name not in examples.names():
        raise GraphdrawError(f"no built-in example named '{name}'",
                             hint=f"the examples are: {', '.join(examples.names())}")
    return ModelText(examples.text(name), f"<example {name}>", name)


def _read_capped(stream, name: str) -> bytes:
    """A model's bytes, read no further than one past the size cap (/dev/zero ends)."""
    most = limits.cap("model")
    data = stream.read(most + 1)
    if len(data) > most:
        raise LimitError(limits.too_many("model", None, name, most),
                         hint=f"set {limits.LIMITS['model'].variable}=N to read larger models")
    return data


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GraphdrawError(f"{name} is not UTF-8 text (byte {exc.start})",
                             hint="save the model as UTF-8") from None
