"""The hidden-size sweep of `graphdraw train`: one run per size and seed, in a pool of
processes, and how many seeds learn the task at each size."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from graphdraw.analyses.train.objective import TrainingError
from graphdraw.analyses.train.optimizers import Diverged, train
from graphdraw.analyses.train.predictions import learned, predictions
from graphdraw.analyses.train.setup import HIDDEN, prepare_run


@dataclass
class SweepRow:
    """One size of the sweep: how many of the seeds learned the task."""

    size: int
    seeds: list[int]
    learned: list[int]
    final_loss: list[float]          # inf for a run that diverged
    diverged: list[int] = field(default_factory=list)

    @property
    def fraction(self) -> float:
        return len(self.learned) / len(self.seeds) if self.seeds else 0.0


def _sweep_job(job: tuple) -> tuple[int, int, bool | None, float, Diverged | None]:
    """One run of a sweep (in a worker process): (size, seed, learned, final loss, the
    divergence when the run diverged: it did not learn, and the sweep goes on)."""
    (text, name, syntax, dim, size, seed, options) = job
    setup = prepare_run(text, name, options, syntax=syntax,
                        dims={**options["dims"], dim: size}, seed=seed)
    try:
        theta, history = train(setup.objective, setup.theta, optimizer=options["optimizer"],
                               lr=options["lr"], steps=options["steps"],
                               momentum=options["momentum"], damping=options["damping"])
    except Diverged as exc:
        return size, seed, False, math.inf, exc
    rows = predictions(setup.objective, theta, setup.node, setup.target)
    return size, seed, learned(rows), history.loss[-1], None


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the main process, which stops them (no tracebacks from them)."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_processes(work: list, jobs: int, on_run: Callable[[], None] | None) -> list | None:
    """The results of `_sweep_job` over `work` in `jobs` fresh processes (spawned: the
    parent may hold threads, which fork does not copy safely); None when processes cannot
    be started here, and the caller runs the jobs itself."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    try:
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_quiet_worker,
                                   mp_context=multiprocessing.get_context("spawn"))
    except (OSError, NotImplementedError, ValueError):
        return None
    results = []
    try:
        for result in pool.map(_sweep_job, work):
            results.append(result)
            if on_run is not None:
                on_run()
    except (BrokenProcessPool, OSError):
        if results:
            raise
        return None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def sweep(text: str, name: str, sizes: list[int], seeds: list[int], *, dim: str = HIDDEN,
          syntax: str | None = None, jobs: int = 1,
          on_run: Callable[[], None] | None = None, **options) -> list[SweepRow]:
    """Train once per size and seed; which seeds learn, per size. Runs in `jobs` processes
    (each run is independent, so the result does not depend on `jobs`)."""
    work = [(text, name, syntax, dim, size, seed, options) for size in sizes for seed in seeds]
    results = _in_processes(work, jobs, on_run) if jobs > 1 and len(work) > 1 else None
    if results is None:
        results = []
        for job in work:
            results.append(_sweep_job(job))
            if on_run is not None:
                on_run()
    rows = []
    for size in sizes:
        mine = [r for r in results if r[0] == size]
        rows.append(SweepRow(size, [r[1] for r in mine], [r[1] for r in mine if r[2]],
                             [r[3] for r in mine], [r[1] for r in mine if r[4]]))
        if any(r[2] is None for r in mine):
            raise TrainingError("--sweep-hidden counts the runs whose predictions are all on "
                                "the right side of 0.5, which needs targets of 0 and 1 and "
                                "one prediction per sample")
    if all(r[4] for r in results):
        raise results[0][4]              # no run trained: the step size is the problem
    return rows
