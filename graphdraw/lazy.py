"""numpy imported on first use (drawing never pays for it), folding on plain floats, and
pausing the garbage collector while large models are built."""

from __future__ import annotations

import contextlib
import gc
import importlib
from typing import Any


class LazyModule:
    """A module that is imported when one of its attributes is first read."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        module = importlib.import_module(self._name)
        # From now on the module's attributes are found directly, without this call.
        self.__dict__.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
        return getattr(module, attr)


np: Any = LazyModule("numpy")


def scalar_op(forward, *values: float) -> float:
    """Apply an op's forward to Python floats; nan when it overflows or is undefined.

    Used to fold constants without importing numpy (rows use operators that work on both).
    """
    try:
        result = forward(*values)
    except (OverflowError, ZeroDivisionError, ValueError, FloatingPointError):
        return float("nan")
    if isinstance(result, complex):
        return float("nan")
    return float(result)


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building many small acyclic objects.

    Parsing and building allocate hundreds of thousands of nodes, tuples and dicts that are
    all alive at the end; the collector's repeated scans of them make large models slower
    than linear. Nothing cyclic is created, so pausing it is safe.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                # What was made lives on: move it to the oldest generation (freeze and
                # unfreeze do that without a scan) rather than have it scanned as young.
                gc.freeze()
                gc.unfreeze()
            gc.enable()
