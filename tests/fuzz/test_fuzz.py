"""Generated command lines through every command: the short run of `make test` (a fixed
seed, a few dozen inputs per command); `make fuzz` runs the same properties for longer."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz import commands, harness, strategies as S

EXAMPLES = int(os.environ.get("GRAPHDRAW_FUZZ_EXAMPLES", "15"))
SHORT = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                 suppress_health_check=list(HealthCheck))
NEEDS = {"render": pytest.mark.dot, "check": pytest.mark.torch, "exercise": pytest.mark.dot}


@pytest.mark.parametrize("name", [pytest.param(n, marks=NEEDS.get(n, ()))
                                  for n in commands.COMMANDS])
def test_generated_command_lines_keep_every_property(name):
    if name == "check":
        pytest.importorskip("torch")     # imported outside the per-input time limit
    strategy = commands.COMMANDS[name]()

    @SHORT
    @given(strategy)
    def prop(case):
        harness.run(case.args, case.files, output=case.output, json_out=case.json_out,
                    model_text=case.model_text)
    prop()


@pytest.mark.slow
@settings(max_examples=5, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(S.models)
def test_small_inputs_stay_within_time_and_memory(text):
    """A child process with 10 s of CPU and 1 GB of address space finishes every command."""
    for command in (["render", "-f", "json", "-o", "out.json"], ["grads"]):
        done = harness.bounded_subprocess([*command, "model.gd"], {"model.gd": text})
        assert done.returncode in harness.EXIT_CODES, done.stderr
        assert "internal error" not in done.stderr and "Traceback" not in done.stderr, \
            done.stderr


@pytest.mark.latex
@pytest.mark.dot
@settings(max_examples=4, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.one_of(S.plain_models(), S.mutated_examples()))
def test_tikz_output_compiles(text):
    """A small sample of TikZ output through pdflatex."""
    if shutil.which("pdflatex") is None:
        pytest.skip("needs pdflatex")
    with tempfile.TemporaryDirectory(prefix="gd-fuzz-") as tmp:
        out = Path(tmp) / "out.tex"
        code = harness.run(["render", "-e", text, "-f", "tikz", "-o", str(out)], {})
        if code != 0:
            return
        done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                               out.name], cwd=tmp, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stdout.decode("utf-8", "replace")[-2000:]


def test_the_harness_can_fail():
    """The checks catch what they are for (no tautologies)."""
    with pytest.raises(ValueError):
        harness.strict_json('{"a": NaN}')
    assert harness.valid("x.svg", b"<svg><text a='1' a='2'/></svg>")
    assert harness.valid("x.json", b"[Infinity]")
    assert harness.valid("x.tex", b"$x^\\top^{2}$")
    assert harness._unasked_non_finite("L = nan\n", ["grads"], "L = w")
    assert not harness._unasked_non_finite("L = 0.5\n", ["grads"], "L = w")
