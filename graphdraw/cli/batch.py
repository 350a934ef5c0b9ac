"""The work behind `graphdraw render`: the format, where each figure goes, its Job, its bytes.

Every model of a batch is read, parsed, computed and drawn before any file is written, so a
batch with one bad model writes nothing; then each file is written atomically.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Iterator

import click

from graphdraw.cli.options import given_values
from graphdraw.errors import GraphdrawError, SourceError

if TYPE_CHECKING:
    from graphdraw.formats.base import Format, Job
    from graphdraw.language.source import ModelText


def choose_format(name: str | None, output: str | None) -> Format:
    """--format's format, else the one -o's extension names, else svg; a usage error when
    they disagree or when -o's extension names no format and --format is not given."""
    from graphdraw.formats import registry
    ext = "" if output in (None, "-") or _is_directory(output) else registry.extension_of(output)
    named = registry.find(ext) if ext else None
    if name is None:
        if ext and named is None:
            raise click.UsageError(f"no format writes .{ext} files (-o {output}); give "
                                   f"--format, one of {', '.join(registry.names())}")
        return named or registry.get(registry.DEFAULT)
    fmt = registry.get(name)
    if named is not None and named.name != fmt.name:
        suggestion = os.path.splitext(output)[0] + "." + fmt.extension
        raise click.UsageError(f"--format {name} disagrees with -o {output}, whose extension "
                               f"says {named.name}: leave --format out, or write to "
                               f"{suggestion}")
    return fmt


def _is_directory(output: str) -> bool:
    """-o says it is a directory: it ends in a slash (DIR/)."""
    return output.endswith(("/", os.sep))


def targets(sources: list[ModelText], fmt: Format, output: str | None) -> list[str | None]:
    """Where each model's figure goes (None: standard output); usage errors for -o's misuse.

    One model: -o's path, or '-', or MODEL.EXT in the current directory (a folder only as
    DIR/, so that a mistyped file name never lands inside one). Several: each MODEL.EXT in
    -o's folder (or the current one); two models may not share a file.
    """
    several = len(sources) > 1
    if output == "-":
        if several:
            raise click.UsageError("-o - writes one model to standard output; give a "
                                   "directory (-o DIR/) for several models")
        return [None]
    directory = None
    if output is not None and not several and not _is_directory(output) \
            and os.path.isdir(output):
        from graphdraw.errors import OutputError
        name = f"{sources[0].stem}.{fmt.extension}"
        raise OutputError(f"{output} is a folder: write -o {os.path.join(output, '')} to put "
                          f"{name} in it, or give a file name such as "
                          f"-o {os.path.join(output, name)}")
    if output is not None and (_is_directory(output) or os.path.isdir(output)):
        directory = output
    elif output is not None:
        if several:
            raise click.UsageError(f"{len(sources)} models make {len(sources)} files: give "
                                   f"a directory with -o DIR/, not the file {output}")
        return [output]
    paths = [os.path.join(directory or "", f"{source.stem}.{fmt.extension}")
             for source in sources]
    for path in paths:
        if paths.count(path) > 1:
            clash = [s.name for s, p in zip(sources, paths) if p == path]
            raise click.UsageError(f"{' and '.join(clash)} would both be written to {path}; "
                                   "render them in separate runs")
    return paths


def check_targets(sources: list[ModelText], paths: list[str | None],
                  output: str | None) -> None:
    """Refuse now, before any work, a path that cannot be written; a folder given as -o DIR/
    that does not exist yet is made once every figure is drawn (make_directory)."""
    from graphdraw.formats import output as out
    new_folder = output is not None and _is_directory(output) and not os.path.exists(output)
    if new_folder:
        parent = os.path.dirname(os.path.abspath(output.rstrip("/" + os.sep))) or "."
        while not os.path.exists(parent):
            parent = os.path.dirname(parent)
        if not os.path.isdir(parent):
            from graphdraw.errors import OutputError
            raise OutputError(f"cannot make the folder {output}: {parent} is a file, not a "
                              "folder; choose another -o DIR/")
        return
    for source, path in zip(sources, paths):
        if path is not None:
            out.check_target(path, input_path=source.path)


def make_directory(output: str | None) -> None:
    """Make -o DIR/ (and its parents) when it does not exist yet."""
    if output is not None and _is_directory(output):
        try:
            os.makedirs(output, exist_ok=True)
        except OSError as exc:
            from graphdraw.errors import OutputError
            raise OutputError(f"cannot make the folder {output}: {exc.strerror}") from None


@contextlib.contextmanager
def naming(source: ModelText, several: bool) -> Iterator[None]:
    """In a batch, an error that does not already point into the model names its file."""
    try:
        yield
    except GraphdrawError as exc:
        located = isinstance(exc, SourceError) and exc.source is not None and exc.line > 0
        if several and not located and not exc.message.startswith(source.name):
            exc.message = f"{source.name}: {exc.message}"
        raise


def values(settings: tuple[str, ...], values_file: str | None, seed: int,
           data_path: str | None = None) -> tuple[dict, int, str]:
    """What `make_job` gives the leaves: the values given (--values, --set), the seed for
    the others, and the legend's note on where they come from (the samples of --data,
    which make_job reads for each model)."""
    from graphdraw.formats.graphviz.draw import values_note
    data = f"samples from {data_path}; " if data_path else ""
    return (given_values(settings, values_file), seed,
            data + values_note(seed, bool(settings or values_file)))


def shapes_only(settings: tuple[str, ...], values_file: str | None) -> tuple[dict, None, None]:
    """The values given, for their shapes alone: a figure without numbers still shows the
    shapes they fix (render --set x=[1,2] draws x as a vector of 2)."""
    return given_values(settings, values_file), None, None


def make_jobs(sources: list[ModelText], fmt: Format, options: dict, shown: frozenset[str],
              values: tuple[dict, int, str] | None, *, data_path: str | None = None,
              failures: list | None = None) -> list[Job | None]:
    """Every model's Job, all made before any file is written. Each model that fails is
    reported (a batch with three broken models names all three); the last error ends the
    command with its exit code. With `failures` (--keep-going) a failed model's job is None
    and its error goes there, for `fail` once the others are written."""
    jobs, failed = [], []
    for source in sources:
        try:
            with naming(source, len(sources) > 1):
                jobs.append(make_job(source, fmt, options, shown, values,
                                     data_path=data_path))
        except GraphdrawError as exc:
            failed.append(exc)
            jobs.append(None)
    if failures is None:
        fail(failed)
    else:
        failures += failed
    return jobs


def fail(failed: list) -> None:
    """Report each error but the last, and end the command with the last one (if any)."""
    import click

    from graphdraw.errors import user_message
    for exc in failed[:-1]:
        click.echo(user_message(exc), err=True)
    if failed:
        raise failed[-1]


def make_job(source: ModelText, fmt: Format, options: dict, shown: frozenset[str],
             values: tuple[dict, int, str] | None, *, data_path: str | None = None) -> Job:
    """Parse a model and build what its figure needs: the graph, and the leaves' values and
    the numbers `shown` when `values` (the values given, the seed, the note) is there; the
    values per sample of a model over samples from the CSV file `data_path`."""
    from graphdraw.core import graph as graph_mod
    from graphdraw.formats.graphviz import draw
    from graphdraw.formats.base import Job
    from graphdraw.language import parser
    from graphdraw.numeric import values as values_mod
    program = parser.parse(source.text, source.name)
    leaf_values = note = None
    if values is not None and data_path is not None:
        from graphdraw.numeric import datafile
        values = (datafile.with_samples(program, values[0], data_path), *values[1:])
    if values is not None and values[1] is None:       # shapes_only: no numbers drawn
        graph = graph_mod.build(program, title=options["title"], notations=fmt.notations,
                                values=values_mod.given_leaves(program, values[0]))
        return Job(program, graph, {**options, "numbers": None})
    if values is not None:
        given, seed, note = values
        leaf_values = values_mod.leaf_values(program, given, seed)
    graph = graph_mod.build(program, title=options["title"], notations=fmt.notations,
                            values=leaf_values)
    numbers = steps = None
    if options.get("steps"):                  # every number, shown a step at a time
        from graphdraw.core.named import view
        from graphdraw.numeric.steps import walk
        numbers = draw.numbers_for(program, leaf_values, local=options["edge_labels"])
        numbers["note"] = note
        steps = walk(view(graph, options.get("style")), numbers, options["steps"])
    elif shown & {"values", "grads"}:
        numbers = draw.numbers_for(program, leaf_values, values="values" in shown,
                                     grads="grads" in shown, local=options["edge_labels"])
        numbers["note"] = note
    return Job(program, graph, {**options, "numbers": numbers}, numbers=numbers,
               leaf_values=leaf_values, note=note or "", steps=steps)


def draw_all(fmt: Format, jobs: list[Job | None], sources: list[ModelText],
             failures: list | None = None) -> list[bytes | None]:
    """Each job's bytes, in order; the first failure (in the models' order) is raised, or
    with `failures` (--keep-going) added there, the model's bytes None (as a job's None).

    Several figures are written a few at a time by threads: most of a figure's time is
    Graphviz's own process, which runs while another thread draws the next figure. (One
    `dot` process for the whole batch would start once, but it writes the second graph on
    differently, e.g. id="page0,1_graph0" in SVG, and a batch must give the same bytes as
    single runs.)
    """
    several = len(jobs) > 1

    def write(pair: tuple[Job | None, ModelText]) -> bytes | GraphdrawError | None:
        job, source = pair
        if job is None:
            return None
        try:
            with naming(source, several):
                return fmt.steps(job) if job.steps and fmt.steps else fmt.write(job)
        except GraphdrawError as exc:
            if failures is None:
                raise
            return exc

    workers = min(len(jobs), 2 * (os.cpu_count() or 1))
    if workers <= 1:
        drawn = [write(pair) for pair in zip(jobs, sources)]
    else:
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=workers) as pool:
            drawn = list(pool.map(write, zip(jobs, sources)))
    if failures is not None:        # in the models' order, whichever thread finished first
        failures += [data for data in drawn if isinstance(data, GraphdrawError)]
        drawn = [None if isinstance(data, GraphdrawError) else data for data in drawn]
    return drawn
