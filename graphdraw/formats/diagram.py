"""The Graphviz formats: the DOT source itself, and svg, png and pdf laid out by `dot`."""

from __future__ import annotations

from graphdraw.formats.base import Format, Job, lazy
from graphdraw.formats.graphviz.layout import layout

LAYOUT_TIMEOUT = 30.0        # seconds, unless the job says (--layout-timeout)


def _source(job: Job) -> bytes:
    """The DOT text: needs no Graphviz."""
    return job.dot().encode("utf-8")


def _laid_out(fmt: str):
    """A writer running `dot -T<fmt>` on the figure's DOT."""
    def write(job: Job) -> bytes:
        job.layout_format = fmt          # --rankdir auto's trial layouts make it too
        return layout(job.dot(), fmt, timeout=job.options.get("layout_timeout", LAYOUT_TIMEOUT))
    write.__doc__ = f"The figure laid out by Graphviz as {fmt}."
    return write


FORMATS = {
    "svg": Format("svg", "svg", "the picture as SVG (Graphviz's dot lays it out)",
                  write=_laid_out("svg")),
    "png": Format("png", "png", "the picture as a PNG image", write=_laid_out("png")),
    "pdf": Format("pdf", "pdf", "the picture as a one-page PDF (with --steps: a page a step)",
                  write=_laid_out("pdf"), steps=lazy("graphdraw.formats.steps.pdf")),
    "dot": Format("dot", "dot", "the Graphviz source; needs no Graphviz", write=_source,
                  fit=""),
}
