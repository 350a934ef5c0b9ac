"""The exercise as Markdown: math in $…$ and $$…$$ (GitHub, Jupyter, pandoc), tables."""

from __future__ import annotations

from graphdraw.analyses.exercise import text
from graphdraw.analyses.exercise.sheet import Sheet


def write(sheet: Sheet, *, solutions: bool = False, title: str | None = None) -> str:
    """The exercise sheet, and with `solutions` its solution key."""
    out = sheet.output[1]
    lines = [f"# {title or 'Exercise: computation graphs'}", "",
             f"Consider the following model (`{text.model_name(sheet)}`):", ""]
    lines += [f"$${latex}$$" for _, latex in sheet.equations] + [""]
    lines += [text.where(sheet)] + ([""] + [f"- {line}" for line in sheet.functions]
                                    if sheet.functions else []) + [""]
    hand_in = " " + text.hand_in(sheet, "`graphdraw verify --answers`")
    lines += [f"**a)** {text.part_a(sheet)}", "", f"**b)** {text.part_b(sheet)}{hand_in}", "",
              f"**c)** {text.part_c(sheet)}", "", "| leaf | value |", "|---|---|"]
    lines += [f"| ${leaf.latex}$ | {text.value_text(leaf.value, sheet.decimals)} |"
              for leaf in sheet.leaves]
    lines.append("")
    if solutions:
        lines += _solutions(sheet, out)
    return "\n".join(lines) + "\n"


def _solutions(sheet: Sheet, out: str) -> list[str]:
    """The key: the graph as tables, the per-entry formulas, the numbers."""
    from graphdraw.core.named import view
    graph = view(sheet.graph, "named")
    lines = ["## Solutions", "", "**a)** The computation graph (`graphdraw render --style named` "
             "draws it): one node per name, each edge labelled with the local derivative "
             "∂head/∂tail.", "", "| node | kind | computation |", "|---|---|---|"]
    for node, data in graph.nodes(data=True):
        computation = f"${data['forward_latex']}$" if data.get("op") else ""
        lines.append(f"| ${data.get('label_latex') or node}$ | {data.get('kind')} | "
                     f"{computation} |")
    lines += ["", "| edge | local derivative |", "|---|---|"]
    for tail, head, data in graph.edges(data=True):
        t, h = (graph.nodes[n].get("label_latex") or n for n in (tail, head))
        formula = data.get("formula_latex") or data.get("local_grad_latex") or "?"
        if formula.startswith("\\partial "):    # drawn as its symbol, with no formula
            lines.append(f"| ${t} \\to {h}$ | $\\partial {h}/\\partial {t}$, through a "
                         "softmax's Jacobian: see (b) |")
            continue
        lines.append(f"| ${t} \\to {h}$ | $\\partial {h}/\\partial {t} = {formula}$ |")
    lines += ["", "**c)** The forward pass at the values of (c), the value of every node:", "",
              "| node | value |", "|---|---|"]
    lines += [f"| ${latex}$ | {_number(value)} |" for _, latex, value in sheet.forward()]
    grads = sheet.gradients
    if not sheet.scalar:
        lines += ["", "**b)** The backward equations, from the output down (this model's "
                  "derivatives are not written one entry at a time):", ""]
        lines += [f"$${e.lhs} = {e.rhs}$$" for e in grads.equations("latex")] + [""]
        lines += ["**c)** At the values of (c):", "", "| parameter | gradient |", "|---|---|"]
        lines += [f"| ${leaf.latex}$ | {_number(grads.gradient[leaf.id])} |"
                  for leaf in sheet.params]
        return lines + [""]
    lines += ["", f"**b)** One formula per parameter entry ({sheet.entry_count()} in all):", ""]
    for e in grads.equations("latex"):
        if e.node in grads.entries:
            lines += [f"$${e.lhs} = {e.rhs}$$", ""]
    lines += [f"**c)** At the values of (c), ${out} = "
              f"{_number(grads.vals[sheet.program.output])}$ and", "",
              "| entry | derivative |", "|---|---|"]
    for e in grads.equations("latex"):
        if e.node in grads.entries:
            lines.append(f"| ${e.lhs}$ | {grads.entries[e.node] + 0.0:.6g} |")
    lines.append("")
    return lines


def _number(value: object) -> str:
    from graphdraw.lazy import np
    from graphdraw.numeric.numbers import show
    return show(np.asarray(value, dtype=float) + 0.0, 6)          # + 0.0: no −0
