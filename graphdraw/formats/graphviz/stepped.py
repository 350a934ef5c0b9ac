"""One step of `render --steps` in a Graphviz drawing: what is hidden, what is highlighted.

Every step is drawn from the same DOT but for colours: the numbers a step does not show yet
are drawn in `HIDDEN` (cairo draws nothing; `hide_in_svg` makes the SVG say so), so every
page has the same layout and a number appears where it will stay. The node a step computes
gets a thick outline, and the edges it uses are drawn thick in the gradients' colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphdraw.formats.graphviz.themes import Theme
    from graphdraw.numeric.steps import Step

HIDDEN = "transparent"
PENWIDTH = "3"


def rows(rows: list[tuple[str, list[str], str | None]], node: object, step: Step | None
         ) -> list[tuple[str, list[str], str | None]]:
    """A node's number rows ('=' value first, then the gradient) with the hidden ones hidden."""
    if step is None:
        return rows
    out = []
    for label, lines, colour in rows:
        shown = node in (step.values if label == "=" else step.grads)
        out.append((label, lines, colour if shown else HIDDEN))
    return out


def node_attrs(node: object, step: Step | None, look: Theme) -> dict[str, str]:
    """The outline of the node the step computes."""
    if step is None or step.node != node:
        return {}
    colour = look.grad if step.phase == "backward" else look.ink
    return {"penwidth": PENWIDTH, "color": colour}


def edge_attrs(edge: tuple, step: Step | None, look: Theme) -> dict[str, str]:
    """A used edge: thick, in the gradients' colour (forward steps: in ink)."""
    if step is None or edge not in step.edges:
        return {}
    colour = look.grad if step.phase == "backward" else look.ink
    return {"penwidth": PENWIDTH, "color": colour, "fontcolor": colour}


def local_colour(edge: tuple, step: Step | None) -> str | None:
    """The colour of an edge's local-derivative value: hidden until a step uses the edge."""
    if step is None or edge in step.local:
        return None
    return HIDDEN


def hide_in_svg(svg: bytes) -> bytes:
    """Graphviz writes transparent text in SVG as near-white (#fffffe) or with no colour
    change at all; make it transparent, as the PDF is."""
    return svg.replace(b'fill="#fffffe"', b'fill="transparent"')
