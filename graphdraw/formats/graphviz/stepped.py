"""One step of `render --steps` in a Graphviz drawing: what is hidden, what is highlighted.

Every step is drawn from the same DOT but for colours: the numbers a step does not show yet
are drawn in `HIDDEN` (cairo draws nothing; `hide_in_svg` makes the SVG say so), so every
page has the same layout and a number appears where it will stay. The node a step computes
gets a thick outline, and the edges it uses are drawn thick in the gradients' colour.

`Tagged` instead of a step draws every number in a colour of its own and gives nodes and
edges ids, so that one SVG can serve every step: the HTML stepper turns the colours into
classes (`Tagged.classes_in`) that its CSS shows and hides.
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
    if isinstance(step, Tagged):
        return [(label, lines, step.tag(("values" if label == "=" else "grads", node),
                                        colour or "#000000")) for label, lines, colour in rows]
    out = []
    for label, lines, colour in rows:
        shown = node in (step.values if label == "=" else step.grads)
        out.append((label, lines, colour if shown else HIDDEN))
    return out


def node_attrs(node: object, step: Step | None, look: Theme) -> dict[str, str]:
    """The outline of the node the step computes."""
    if isinstance(step, Tagged):
        return {"id": step.ident("n", node)}
    if step is None or step.node != node:
        return {}
    colour = look.grad if step.phase == "backward" else look.ink
    return {"penwidth": PENWIDTH, "color": colour}


def edge_attrs(edge: tuple, step: Step | None, look: Theme) -> dict[str, str]:
    """A used edge: thick, in the gradients' colour (forward steps: in ink)."""
    if isinstance(step, Tagged):
        return {"id": step.ident("e", edge)}
    if step is None or edge not in step.edges:
        return {}
    colour = look.grad if step.phase == "backward" else look.ink
    return {"penwidth": PENWIDTH, "color": colour, "fontcolor": colour}


def local_colour(edge: tuple, step: Step | None, look: Theme | None = None) -> str | None:
    """The colour of an edge's local-derivative value: hidden until a step uses the edge."""
    if isinstance(step, Tagged):
        real = (look.edge.get("fontcolor") if look is not None else None) or "#000000"
        return step.tag(("local", edge), real)
    if step is None or edge in step.local:
        return None
    return HIDDEN


def hide_in_svg(svg: bytes) -> bytes:
    """Graphviz writes transparent text in SVG as near-white (#fffffe) or with no colour
    change at all; make it transparent, as the PDF is."""
    return svg.replace(b'fill="#fffffe"', b'fill="transparent"')


class Tagged:
    """Every step in one drawing: each number a colour of its own, each node and edge an id.

    >>> tagged = Tagged()
    >>> tagged.tag(("values", "a"), "#333333"), tagged.ident("n", "a")
    ('#01f000', 'gd-n0')
    >>> tagged.classes_in(b'<text fill="#01f000">0.5</text>')
    b'<text fill="#333333" class="gd-r0">0.5</text>'
    """

    def __init__(self) -> None:
        self.keys: dict[tuple, int] = {}         # ("values"|"grads"|"local", node or edge)
        self.real: list[str] = []                 # the colour each number is really drawn in
        self.ids: dict[tuple, str] = {}           # ("n", node) or ("e", edge) -> SVG id

    def tag(self, key: tuple, real: str) -> str:
        """The colour that stands for `key` in the DOT (#01f000, #01f001, ...)."""
        if key not in self.keys:
            self.keys[key] = len(self.real)
            self.real.append(real)
        return f"#01{0xf000 + self.keys[key]:04x}"

    def ident(self, kind: str, key: object) -> str:
        return self.ids.setdefault((kind, key), f"gd-{kind}{sum(k == kind for k, _ in self.ids)}")

    def class_of(self, key: tuple) -> str | None:
        return f"gd-r{self.keys[key]}" if key in self.keys else None

    def classes_in(self, svg: bytes) -> bytes:
        """Graphviz's SVG with each stand-in colour back to the real one, plus its class."""
        import re

        def swap(match: re.Match) -> bytes:
            index = int(match.group(1), 16) - 0xf000
            if not 0 <= index < len(self.real):
                return match.group(0)
            return b'fill="%s" class="gd-r%d"' % (self.real[index].encode(), index)
        return re.sub(rb'fill="#01([fF][0-9a-fA-F]{3})"', swap, svg)
