"""graphdraw: a model equation in, a named computation-graph diagram out."""

__version__ = "0.1.0"
