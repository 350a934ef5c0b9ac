"""The limits graphdraw keeps on sizes and work, each lifted by an environment variable, and
the one check every number and size read from text goes through."""

from __future__ import annotations

import math
import os
import re
from typing import NamedTuple

from graphdraw.errors import GraphdrawError, LimitError


# A number as people write it in a data file or an option: ASCII digits, no '_', no hex.
DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


class Limit(NamedTuple):
    """A cap: the environment variable that sets it, its default, and what it counts."""

    variable: str
    default: int
    unit: str
    counts: str


LIMITS = {
    "entries": Limit("GRAPHDRAW_MAX_ENTRIES", 10_000_000, "entries",
                     "entries of one tensor (a size, a shape, Σ_n's samples)"),
    "total": Limit("GRAPHDRAW_MAX_TOTAL_ENTRIES", 20_000_000, "entries",
                   "entries of all the leaves' values together"),
    "hessian": Limit("GRAPHDRAW_MAX_HESSIAN", 2_000, "parameter entries",
                     "parameter entries of a Hessian (one Hessian-vector product each)"),
    "hessian_work": Limit("GRAPHDRAW_MAX_HESSIAN_WORK", 2_000_000, "node visits",
                          "parameter entries × nodes: one walk of the model per entry"),
    "terms": Limit("GRAPHDRAW_MAX_TERMS", 2_000, "terms",
                   "terms of one printed derivative (x used 5,000 times: 5,000 terms)"),
    "scalar": Limit("GRAPHDRAW_MAX_SCALAR", 20_000, "scalar operations",
                    "scalar operations `grads --scalar` writes out, entry by entry"),
    "versions": Limit("GRAPHDRAW_MAX_VERSIONS", 5_000, "versions",
                      "versions of one name (c = c + c, again and again)"),
    "rows": Limit("GRAPHDRAW_MAX_ROWS", 1_000_000, "rows", "rows of a data file"),
    "values": Limit("GRAPHDRAW_MAX_VALUES_BYTES", 100_000_000, "bytes",
                    "bytes of a --values file"),
    "steps": Limit("GRAPHDRAW_MAX_STEPS", 1_000_000, "steps",
                   "training steps (`train --steps`, times the runs of --sweep-hidden)"),
    "layout": Limit("GRAPHDRAW_MAX_LAYOUT", 4_000, "ranks crossed by long edges",
                    "ranks Graphviz's long edges would cross (a value used at every step "
                    "of a deep chain), estimated before dot runs"),
    "model": Limit("GRAPHDRAW_MAX_MODEL_BYTES", 10_000_000, "bytes", "bytes of a model's text"),
    "formula": Limit("GRAPHDRAW_MAX_FORMULA", 1_000_000, "characters",
                     "characters of the formulas a command prints"),
}


def cap(name: str) -> int:
    """The limit `name` (LIMITS), from its environment variable when that is set."""
    limit = LIMITS[name]
    text = os.environ.get(limit.variable, "").strip()
    if not text:
        return limit.default
    if not text.isascii() or not text.isdigit() or len(text) > 18 or int(text) < 1:
        raise GraphdrawError(f"{limit.variable}={text!r} is not a positive whole number",
                             hint=f"for example {limit.variable}={limit.default * 10}")
    return int(text)


def check(name: str, count: int, what: str, *, hint: str | None = None) -> None:
    """Refuse `count` (of LIMITS[name].counts, for `what`) when it is past the cap."""
    most = cap(name)
    if count > most:
        raise LimitError(too_many(name, count, what, most), hint=hint or _hint(name))


def _hint(name: str) -> str:
    limit = LIMITS[name]
    return f"the limit counts {limit.counts}; set {limit.variable}=N to raise it"


def too_many(name: str, count: int | None, what: str, most: int | None = None) -> str:
    """The refusal of a limit: what is past it, by how much, and the variable that lifts it."""
    limit, most = LIMITS[name], cap(name) if most is None else most
    shown = f"{count:,}" if count is not None else "more"
    return f"{what}: {shown} {limit.unit}, past the limit of {most:,} ({limit.variable})"


def size(text: str, what: str) -> int:
    """A size written as digits (a shape, `dim H = …`, Σ_n^N, an index): a positive whole
    number no larger than the entries cap. ValueError says what is wrong, LimitError
    (exit code 7) names the cap; the caller adds the place."""
    text = text.strip()
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"{what} is a positive whole number, not '{text}'")
    most = cap("entries")
    if len(text.lstrip("0")) > len(str(most)) or int(text) > most:
        shown = f"{int(text):,}" if len(text) <= 30 else f"a {len(text)}-digit number"
        raise LimitError(f"{what} {shown} is past the limit of {most:,} entries of one "
                         f"tensor ({LIMITS['entries'].variable})", hint=_hint("entries"))
    if int(text) < 1:
        raise ValueError(f"{what} is a positive whole number, not {text}")
    return int(text)


def number(value, what: str) -> float:
    """A finite float64 from a number read from text (a literal, a JSON value, a cell);
    ValueError says why not (NaN, infinity, too large for 64-bit floats)."""
    if isinstance(value, bool):
        raise ValueError(f"{what}: true and false are not numbers")
    if isinstance(value, int) and value.bit_length() > 1100:
        raise ValueError(f"{what}: the number is too large for 64-bit floats")
    try:
        out = float(value)
    except OverflowError:
        raise ValueError(f"{what}: the number is too large for 64-bit floats") from None
    if math.isnan(out):
        raise ValueError(f"{what}: NaN is not allowed")
    if math.isinf(out):
        raise ValueError(f"{what}: the number is too large for 64-bit floats")
    return out


def decimal(text: str, what: str) -> float:
    """A finite float64 from a decimal number written in text (2, -0.5, 1e-3: ASCII digits,
    no '_', no 'inf' or 'nan'); ValueError says why not."""
    text = text.strip()
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise ValueError(f"{what}: {text} is not a finite number")
    if not DECIMAL.fullmatch(text):
        shown = f"'{text}'" if text else "an empty cell"
        raise ValueError(f"{what}: {shown} is not a number")
    return number(text, what)
