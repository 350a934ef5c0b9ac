"""`render --steps -f pdf`: one page a step, each laid out by Graphviz, joined in one PDF."""

from __future__ import annotations

from graphdraw.formats.base import Job
from graphdraw.formats.steps import pages, pdfpages


def write(job: Job) -> bytes:
    """The steps as one PDF, a page a step (the same bytes for the same input)."""
    return pdfpages.concatenate(pages.laid_out(job, "pdf"))
