"""The objective of `graphdraw train`: the model's output summed or averaged over the samples.

When the model computes correctly with all samples stacked along a leading or a trailing axis,
one forward and one backward pass serve all samples (checked against the sample-by-sample loop
at the starting point); otherwise the samples are computed one by one.
"""

from __future__ import annotations

import copy

from graphdraw.analyses.train.data import DataSet
from graphdraw.errors import GraphdrawError
from graphdraw.language.program import Program
from graphdraw.lazy import np
from graphdraw.numeric import backprop, evaluate


LAYOUT_SAMPLES = 64    # samples the stacked layout is checked on against the loop

class TrainingError(GraphdrawError):
    """Training cannot go on (a NaN, an infinity), or its options do not fit the model."""


class Objective:
    """The model's output summed (reduce='sum') or averaged ('mean') over the samples of a
    data set, as a function of the parameters: value, gradient and Hessian."""

    def __init__(self, program: Program, data: DataSet, fixed: dict, params: list[str],
                 reduce: str = "sum") -> None:
        self.program, self.data, self.params = program, data, list(params)
        self.fixed = {k: v for k, v in fixed.items() if k not in data.columns}
        self.wrt = set(self.params)
        self.scale = 1.0 / data.count if reduce == "mean" and data.count else 1.0
        self.layout = "model" if data.in_model else "loop"
        self._batch: tuple[Program, dict] | None = None
        self.track: str | None = None     # a node whose per-sample values each call keeps
        self.tracked: list | None = None

    def values(self, theta: dict, k: int | None = None) -> dict:
        """The values of every leaf for one sample (k) or for the model's own samples
        (k None)."""
        values = dict(self.fixed)
        values.update(theta)
        if k is not None:
            values.update(self.data.sample(k))
        return values

    def _grads(self, grads: dict, vals: dict) -> dict:
        return {p: np.asarray(grads[p]) if p in grads else np.zeros_like(vals[p])
                for p in self.params}

    def sample(self, theta: dict, k: int | None = None) -> tuple[dict, dict]:
        """Forward values and gradients of one sample (not scaled)."""
        vals = evaluate.forward(self.program, self.values(theta, k))
        grads = backprop.backward(self.program, vals, wrt=self.wrt)
        return vals, self._grads(grads, vals)

    def _loop(self, theta: dict) -> tuple[float, dict, list[float]]:
        if self.data.in_model:
            vals, grads = self.sample(theta)
            if self.track is not None:
                self.tracked = self._per_sample(vals[self.track])
            return float(np.sum(vals[self.program.output])), grads, []
        total, summed, outputs = 0.0, None, []
        tracked = []
        for k in range(self.data.count):
            vals, grads = self.sample(theta, k)
            out = float(np.sum(vals[self.program.output]))
            outputs.append(out)
            if self.track is not None:
                tracked.append(vals[self.track])
            total += out
            summed = grads if summed is None else {p: summed[p] + grads[p] for p in grads}
        self.tracked = tracked if self.track is not None else None
        return total, summed, outputs

    def choose_layout(self, theta: dict) -> str:
        """Stack the samples along a leading or a trailing axis when the model computes each
        sample's output correctly that way (checked here, at `theta`); else loop."""
        if self.data.in_model and self.data.per_sample and self.data.count > 1:
            return self._choose_plate_layout(theta)
        if self.data.in_model or self.data.count < 2:
            return self.layout
        full, self.data = self.data, self.data.head(LAYOUT_SAMPLES)  # checked on the first
        try:
            _, grads, outputs = self._loop(theta)
            agrees = [layout for layout in ("leading", "trailing")
                      if self._batch_agrees(self._batched(layout), theta, outputs, grads)]
        finally:
            self.data = full
        if agrees:
            self._batch, self.layout = self._batched(agrees[0]), agrees[0]
        return self.layout

    def _choose_plate_layout(self, theta: dict) -> str:
        """A model over samples read from a file (Σ_n over x_n, y_n): computed with its plates
        taken away and the samples stacked along a leading or a trailing axis, one op for
        all samples instead of one per sample, when that gives the same loss and gradients
        on the first samples (at `theta`); else as the model sums them."""
        head = {leaf: values[:LAYOUT_SAMPLES] for leaf, values in self.data.per_sample.items()}
        try:
            with np.errstate(all="ignore"):
                vals = evaluate.forward(self.program, {**self.values(theta), **head})
                loss = vals[self.program.output]
                grads = self._grads(backprop.backward(self.program, vals, wrt=self.wrt), vals)
        except (GraphdrawError, ValueError, IndexError):
            return self.layout
        for layout in ("leading", "trailing"):
            batch = self._flattened(layout, head)
            if self._flat_agrees(batch, theta, loss, grads):
                self._batch = self._flattened(layout, self.data.per_sample)
                self.layout = layout
                break
        return self.layout

    def _flattened(self, layout: str, per_sample: dict) -> tuple[Program, dict]:
        """The model without plates: each value per sample stacked along the leading or the
        trailing axis; Σ_n still sums the leading one."""
        program = copy.deepcopy(self.program)
        values = {}
        for node in program.nodes.values():
            node.plate = None
        for leaf, stacked in per_sample.items():
            value = stacked if layout == "leading" else np.moveaxis(stacked, 0, -1)
            values[leaf] = np.ascontiguousarray(value)
            program.nodes[leaf].shape = tuple(np.shape(value))
        return program, values

    def _flat_agrees(self, batch: tuple[Program, dict], theta: dict, loss, grads: dict) -> bool:
        """Whether the program without plates gives the model's loss and gradients."""
        try:
            with np.errstate(all="ignore"):
                vals = evaluate.forward(batch[0], {**self.values(theta), **batch[1]})
                out = vals[self.program.output]
                got = self._grads(backprop.backward(batch[0], vals, wrt=self.wrt), vals)
        except (GraphdrawError, ValueError, IndexError):
            return False
        return np.shape(out) == np.shape(loss) and bool(
            np.allclose(out, loss, rtol=1e-10, atol=1e-12)) and all(
            np.shape(got[p]) == np.shape(grads[p])
            and np.allclose(got[p], grads[p], rtol=1e-9, atol=1e-12) for p in grads)

    def _batch_agrees(self, batch: tuple[Program, dict], theta: dict, outputs: list[float],
                      grads: dict) -> bool:
        """Whether the stacked program gives the loop's outputs and gradients at `theta`."""
        try:
            with np.errstate(all="ignore"):
                vals = evaluate.forward(batch[0], {**self.values(theta), **batch[1]})
                out = vals[self.program.output]
                if np.shape(out) != (self.data.count,):
                    return False
                got = self._grads(backprop.backward(batch[0], vals, wrt=self.wrt), vals)
        except (GraphdrawError, ValueError, IndexError):
            return False
        return bool(np.allclose(out, outputs, rtol=1e-10, atol=1e-12)) and all(
            np.shape(got[p]) == np.shape(grads[p])
            and np.allclose(got[p], grads[p], rtol=1e-9, atol=1e-12) for p in grads)

    def _batched(self, layout: str) -> tuple[Program, dict]:
        program = copy.deepcopy(self.program)
        values = {}
        for leaf, column in self.data.columns.items():
            value = column if layout == "leading" else np.moveaxis(column, 0, -1)
            values[leaf] = np.ascontiguousarray(value)
            program.nodes[leaf].shape = tuple(np.shape(value))
        return program, values

    def __call__(self, theta: dict) -> tuple[float, dict]:
        """The loss and its gradient with respect to every parameter."""
        if self._batch is not None:
            program, data = self._batch
            vals = evaluate.forward(program, {**self.values(theta), **data})
            loss = float(np.sum(vals[program.output]))
            grads = self._grads(backprop.backward(program, vals, wrt=self.wrt), vals)
            if self.track is not None:
                self.tracked = self._per_sample(vals[self.track])
        else:
            loss, grads, _ = self._loop(theta)
        if self.scale != 1.0:
            loss, grads = loss * self.scale, {p: g * self.scale for p, g in grads.items()}
        return loss, grads

    def _per_sample(self, value) -> list | None:
        """A stacked value as one number per sample (None when it is not that: the samples
        of a batch are then not told apart)."""
        value = np.asarray(value)
        return list(value) if value.shape == (self.data.count,) else None

    def hessian(self, theta: dict):
        """(H, index): the Hessian of the loss over the flattened parameters, summed over
        the samples (graphdraw.numeric.hessian, one sample at a time)."""
        from graphdraw.numeric import hessian as hessian_mod
        if self.data.in_model:
            h, index = hessian_mod.hessian(self.program, self.values(theta), self.params)
            return h * self.scale, index
        total, index = None, None
        for k in range(self.data.count):
            h, index = hessian_mod.hessian(self.program, self.values(theta, k), self.params)
            total = h if total is None else total + h
        return total * self.scale, index

    def outputs(self, theta: dict, node: str) -> list:
        """The value of `node` for each sample."""
        if self.data.in_model:
            vals = evaluate.forward(self.program, self.values(theta))
            return list(np.asarray(vals[node]))
        if self._batch is not None and self.layout in ("leading", "trailing"):
            # the samples stacked, as training computes them (one forward pass, not N)
            program, data = self._batch
            value = np.asarray(evaluate.forward(program, {**self.values(theta), **data})[node])
            if self.layout == "trailing" and value.ndim:
                value = np.moveaxis(value, -1, 0)
            if value.ndim and value.shape[0] == self.data.count:
                return list(value)
        return [evaluate.forward(self.program, self.values(theta, k))[node]
                for k in range(self.data.count)]
