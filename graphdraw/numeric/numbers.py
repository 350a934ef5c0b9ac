"""Numbers for people and for JSON: arrays summarised readably, floats to nested lists."""

from __future__ import annotations

import json
import math

from graphdraw.lazy import np

# How JSON output writes a number that is not finite: strict JSON has no NaN or Infinity.
NON_FINITE = {"inf": "inf", "-inf": "-inf", "nan": "nan"}


def dumps(data, **options) -> str:
    """`data` as strict JSON (json.loads without NaN or Infinity reads it): a float that is
    not finite becomes the string "inf", "-inf" or "nan"."""
    return json.dumps(strict(data), allow_nan=False, **options)


def strict(data):
    """`data` with each non-finite float replaced by its string (NON_FINITE)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else NON_FINITE[str(data)]
    if isinstance(data, dict):
        return {k: strict(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [strict(v) for v in data]
    if isinstance(data, np.generic) or isinstance(data, np.ndarray):
        return strict(data.tolist())
    return data


def to_json(value):
    """A float64 array as a number or a nested list (JSON-ready)."""
    array = np.asarray(value, dtype=float)
    return float(array) if array.ndim == 0 else array.tolist()


def show(value, digits: int = 4, limit: int = 6) -> str:
    """A value in a few characters: 0.5, [0.1, 0.2], [[1, 2], [3, 4]], or a summary."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return _one(float(array), digits)
    if array.size > limit:
        low, mean, high = (float(v) + 0.0 for v in (array.min(), array.mean(), array.max()))
        return (f"{'×'.join(map(str, array.shape))} array, mean {mean:.{digits}g}, "
                f"range [{low:.{digits}g}, {high:.{digits}g}]")
    if array.ndim == 1:
        return "[" + ", ".join(_one(float(x), digits) for x in array) + "]"
    return "[" + ", ".join(show(row, digits, limit) for row in array) + "]"


def _one(x: float, digits: int) -> str:
    """One number; NaN (a derivative that does not exist there) reads as 'undefined'."""
    if x != x:
        return "undefined"
    if x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else "−∞"
    return f"{x + 0.0:.{digits}g}"          # + 0.0: −0 prints as 0
