"""graphdraw: a model equation in, a named computation-graph diagram out.

The Python API (graphdraw/api/): `graphdraw.Graph.from_text(...)`, `graphdraw.Graph.example
("xor")`, `graphdraw.load(path)`. It is imported on first use, so the command line does not
pay for it.
"""

__version__ = "0.1.0"
__all__ = ["Graph", "load", "__version__"]


def __getattr__(name: str):
    if name in ("Graph", "load"):
        from graphdraw import api
        return getattr(api, name)
    raise AttributeError(f"module 'graphdraw' has no attribute {name!r}")
