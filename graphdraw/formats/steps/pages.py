"""Each step's drawing: the figure's DOT with that step's numbers hidden or highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphdraw import errors

MAX_STEPS = 200        # pictures a step: each one is a Graphviz layout

if TYPE_CHECKING:
    from graphdraw.formats.base import Job
    from graphdraw.numeric.steps import Step


def steps_of(job: Job) -> list[Step]:
    """The job's steps, or an error saying how to get them."""
    if not job.steps:
        raise errors.GraphdrawError("no steps were made for this figure",
                                    hint="render it with --steps")
    if len(job.steps) > MAX_STEPS:
        raise errors.LimitError(f"--steps would draw {len(job.steps)} pictures, one a step "
                                f"(at most {MAX_STEPS})",
                                hint="draw the forward or the backward pass alone (--show "
                                     "values or --show grads), --style named (a node per "
                                     "name), or a smaller model")
    return job.steps


def caption(job: Job, step: Step) -> str:
    """What a page says under the graph: the step and its number (and the user's caption)."""
    steps = steps_of(job)
    text = f"Step {step.index} of {len(steps) - 1}. {step.caption}"
    user = job.options.get("caption")
    return f"{user}\n{text}" if user else text


def dot_source(job: Job, step: Step, **changes) -> str:
    """The DOT of one step: the figure's own options, all its numbers, this step's view."""
    from graphdraw.formats.graphviz import draw
    options = {**job.dot_options(), "numbers": job.numbers, "caption": caption(job, step),
               "step": step, **changes}
    return draw.to_dot(job.graph, **options)


def laid_out(job: Job, fmt: str, **changes) -> list[bytes]:
    """Every step laid out by Graphviz as `fmt`, in order."""
    from graphdraw.formats.graphviz.layout import layout
    timeout = job.options.get("layout_timeout", 30.0)
    return [layout(dot_source(job, step, **changes), fmt, timeout=timeout)
            for step in steps_of(job)]


def example_job(name: str, seed: int = 0, **options) -> Job:
    """The steps of a built-in example as `graphdraw render --example NAME --steps` makes
    them (`options` as draw.to_dot takes them: rankdir, style, theme, ...)."""
    from graphdraw.core import graph as graph_mod
    from graphdraw.core.named import view
    from graphdraw.formats.base import Job
    from graphdraw.formats.graphviz import draw
    from graphdraw.language import examples, parser
    from graphdraw.numeric import steps as steps_mod
    from graphdraw.numeric import values
    program = parser.parse(examples.text(name), f"<example {name}>")
    leaf_values = values.leaf_values(program, {}, seed)
    graph = graph_mod.build(program, notations=graph_mod.FOR_TIKZ, values=leaf_values)
    numbers = draw.numbers_for(program, leaf_values)
    numbers["note"] = draw.values_note(seed)
    return Job(program, graph, {"title": "", **options, "numbers": numbers}, numbers=numbers,
               leaf_values=leaf_values, note=numbers["note"],
               steps=steps_mod.walk(view(graph, options.get("style")), numbers))


def example_step_dot(name: str, index: int, seed: int = 0, **options) -> str:
    """The DOT of step `index` of a built-in example (the gallery's pictures of steps)."""
    job = example_job(name, seed, **options)
    return dot_source(job, job.steps[index])
