"""Clusters: the plates' frames and labels, the title, and the legend, as render drew them.

The legend is read back from the layout: a sample of each kind of node, then the rows of
render's legend table, with samples typeset by LaTeX where the row is one graphdraw knows.
"""

from __future__ import annotations

import re

from graphdraw.formats.graphviz import draw
from graphdraw.formats.tikz.layout import Look, label_text, node_look, ops_look, text_colour
from graphdraw.formats.tikz.scene import Scene
from graphdraw.formats.tikz.styles import SAMPLE, SMALL_FONT, role_of
from graphdraw.formats.tikz.text import escape, num

# The legend lists kinds in this order whatever the direction dot stacked them in.
_KIND_ORDER = ("input", "target", "param", "constant", "op", "intermediate", "output")


def draw_cluster(scene: Scene, obj: dict) -> list[str]:
    """A cluster other than the legend: a plate's frame and label, or the title's label."""
    name = str(obj.get("name", ""))
    lines = []
    draw = obj.get("_draw_") or []
    if any(op.get("op") in ("p", "P", "b", "B", "e", "E") for op in draw):
        x0, y0, x1, y1 = (float(v) for v in str(obj["bb"]).split(","))
        look = ops_look(draw, Look())
        style = str(obj.get("style", ""))
        opts = []
        line = scene.pic.colour("gdPlateLine", look.line)
        opts += [f"draw={line}"] if line else []
        fill = scene.pic.colour("gdPlateFill", look.fill) if "filled" in style else None
        opts += [f"fill={fill}"] if fill else []
        opts += ["rounded corners=6bp"] if "rounded" in style else []
        opts += ["dashed"] if "dashed" in style or look.dash == "dashed" else []
        opts += [f"line width={num(look.width)}bp"] if look.width is not None else []
        if "gd plate" not in scene.pic.styles:
            scene.pic.styles["gd plate"] = ", ".join(opts)
        extra = [o for o in opts if o not in scene.pic.styles["gd plate"].split(", ")]
        lines.append(f"\\path[{', '.join(['gd plate'] + extra)}] ({num(x0)},{num(y0)}) "
                     f"rectangle ({num(x1)},{num(y1)});")
    if obj.get("lp"):
        if name == "cluster_title":
            lines.append(scene.text_at(obj["lp"], "gd title", escape(scene.title),
                                       "gd title"))
        else:
            colour = scene.pic.colour("gdPlateText", text_colour(obj.get("_ldraw_")))
            style = "gd plate label" + (f", text={colour}" if colour else "")
            lines.append(scene.text_at(obj["lp"], style,
                                       _plate_text(label_text(obj.get("_ldraw_")))))
    return lines


def draw_legend(scene: Scene, box: dict) -> list[str]:
    """The legend: a framed matrix at the top left of the box dot made room for.

    Its rows are the ones render drew: a sample of each kind (its shape, in its style),
    then the rows of render's legend table, read back from the layout, with samples
    typeset by LaTeX where the row is one graphdraw knows.
    """
    x0, _, _, y1 = (float(v) for v in str(box["bb"]).split(","))
    prefix = "n" + draw.LEGEND_ID
    kinds, table = {}, None
    for obj in scene.nodes:
        name = str(obj.get("name", ""))
        if name.startswith(prefix + "-"):
            kinds[name[len(prefix) + 1:]] = obj
        elif name == prefix:
            table = obj
    rows = []
    for kind in sorted(kinds, key=lambda k: (_KIND_ORDER.index(k) if k in _KIND_ORDER
                                             else len(_KIND_ORDER), k)):
        obj = kinds[kind]
        style = "gd " + kind
        if style not in scene.pic.styles:
            scene.pic.styles[style] = ", ".join(scene.pic.options(role_of(kind),
                                                                  node_look(obj)))
        rows.append((f"\\node[{style}, gd legend shape] {{}};",
                     escape(label_text(obj.get("_ldraw_")) or kind)))
    notes = []
    if table is not None:
        table_rows, notes = _table_rows(table.get("_ldraw_") or [])
        rows += [(_sample(scene, sample, words), escape(words))
                 for sample, words in table_rows]
    if not rows and not notes:
        return []
    frame = ops_look(box.get("_draw_"), Look())
    opts = ["gd legend"]
    line = scene.pic.colour("gdLegendLine", frame.line)
    opts += [f"draw={line}"] if line else []
    fill = scene.pic.colour("gdLegendFill", frame.fill) \
        if "filled" in str(box.get("style", "")) else None
    opts += [f"fill={fill}"] if fill else []
    opts += [f"line width={num(frame.width)}bp"] if frame.width is not None else []
    body = [r"\node[gd legend heading] {\rlap{\textbf{Legend}}}; \& \\"]
    body += [f"{sample} \\& \\node[gd legend words] {{{words}}}; \\\\"
             for sample, words in rows]
    body += [f"\\node[gd legend heading] {{\\rlap{{\\color{{{scene.muted}}}"
             f"{escape(note)}}}}}; \\& \\\\" for note in notes]
    return ([f"\\matrix[{', '.join(opts)}] (gd legend) at ({num(x0)},{num(y1)}) {{"]
            + ["  " + row for row in body] + ["};"])


def _sample(scene: Scene, sample: str, words: str) -> str:
    """The LaTeX sample of one row of render's legend table, chosen by its words."""
    muted, grad = scene.muted, scene.grad
    if words.startswith("from a constant"):
        edge = "gd constant edge" if "gd constant edge" in scene.pic.styles else "dashed"
        half = num(SAMPLE[0] / 2)
        return f"\\draw[{edge}, ->] (-{half}bp,0) -- ({half}bp,0);"
    if words.startswith("constant"):
        text = f"\\color{{{muted}}}$\\frac{{1}}{{2}}$"
    elif words.startswith("shape"):
        text = f"{SMALL_FONT}\\color{{{muted}}}$2 \\times 3$"
    elif words.startswith("value"):
        text = f"{SMALL_FONT}\\color{{{scene.ink}}}$= 0.73$"
    elif words.startswith("gradient"):
        text = f"{SMALL_FONT}\\color{{{grad}}}${scene.grad_of}v$"
    elif words.startswith("arrow"):
        text = f"\\color{{{grad}}}$\\partial$"
    elif words.startswith("dashed box"):
        colour = scene.pic.colours.get("gdPlateText") and "gdPlateText" or muted
        text = f"{SMALL_FONT}\\color{{{colour}}}{_plate_text(sample)}"
    else:
        text = escape(sample)
    return f"\\node[gd legend sample] {{{text}}};"


def _table_rows(ldraw: list) -> tuple[list[tuple[str, str]], list[str]]:
    """The rows of render's legend table from its text operations: ([(sample, words)], notes).

    The words column is where most texts start; a text left of it that reaches past it is
    a note across both columns; the others are samples, each in the row of the nearest words.

    >>> ops = [{"op": "T", "pt": [5, 20], "width": 4, "text": "½"},
    ...        {"op": "T", "pt": [12, 21], "width": 50, "text": "constant"},
    ...        {"op": "T", "pt": [1, 10], "width": 4, "text": "∂"},
    ...        {"op": "T", "pt": [5, 10], "width": 4, "text": "L"},
    ...        {"op": "T", "pt": [12, 10], "width": 50, "text": "gradient"},
    ...        {"op": "T", "pt": [1, 0], "width": 80, "text": "note"}]
    >>> _table_rows(ops)
    ([('½', 'constant'), ('∂L', 'gradient')], ['note'])
    """
    texts = [(float(op["pt"][0]), float(op["pt"][1]), float(op.get("width", 0)),
              str(op.get("text", ""))) for op in ldraw if op.get("op") == "T" and op.get("pt")]
    if not texts:
        return [], []
    starts: dict[float, int] = {}
    for x, _, _, _ in texts:
        starts[round(x, 1)] = starts.get(round(x, 1), 0) + 1
    column = max(starts, key=lambda x: (starts[x], x))
    words = [(y, text) for x, y, _, text in texts if round(x, 1) == column]
    samples: dict[int, list[tuple[float, str]]] = {i: [] for i in range(len(words))}
    notes = []
    for x, y, width, text in texts:
        if round(x, 1) == column:
            continue
        if x + width > column + 0.5:
            notes.append((y, text))
            continue
        nearest = min(range(len(words)), key=lambda i: abs(words[i][0] - y))
        samples[nearest].append((x, text))
    rows = sorted(((y, "".join(t for _, t in sorted(samples[i])), text)
                   for i, (y, text) in enumerate(words)), key=lambda r: -r[0])
    return [(s, w) for _, s, w in rows], [t for _, t in sorted(notes, key=lambda n: -n[0])]


_RANGE = re.compile(r"\s*([A-Za-z][A-Za-z0-9]*) = ([A-Za-z0-9]+)\s*(?:…|\.\.\.)\s*"
                    r"([A-Za-z0-9]+)\s*")


def _plate_text(text: str) -> str:
    r"""A plate's label: a range such as 'n = 1…N' in math, anything else escaped.

    >>> print(_plate_text("n = 1…N"), _plate_text("per sample #"))
    $n = 1, \dots, N$ per sample \#
    """
    match = _RANGE.fullmatch(text)
    if match is None:
        return escape(text)
    return f"${match.group(1)} = {match.group(2)}, \\dots, {match.group(3)}$"
