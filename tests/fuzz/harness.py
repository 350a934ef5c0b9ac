"""Run one generated command line and check what every run must satisfy: no internal error and
no traceback, a documented exit code, strict JSON, output valid in its format, nothing written
on failure, no NaN or infinity printed with exit 0, and bounded time."""

from __future__ import annotations

import collections
import json
import os
import re
import signal
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from graphdraw.cli import cli

EXIT_CODES = {0, 2, 3, 4, 5, 6, 7, 8}      # 8: verify found a wrong claim
TIME_LIMIT = int(os.environ.get("GRAPHDRAW_FUZZ_SECONDS", "10"))   # per input
PREVIOUS = b"previous contents\n"
TOLERANCES = {"--rtol", "--atol", "--fd-rtol", "--fd-atol", "--fd-step"}   # check may fail
TRIED: collections.Counter = collections.Counter()     # inputs tried per command
CODES: collections.Counter = collections.Counter()     # (command, exit code) of each run
NON_FINITE = re.compile(r"(?<![\w.])(nan|-?inf|NaN|-?Infinity|∞)(?![\w])")
DOT_CHECKS = int(os.environ.get("GRAPHDRAW_FUZZ_DOT", "1"))
MEMORY_MB = int(os.environ.get("GRAPHDRAW_FUZZ_MEMORY_MB", "1024"))   # peak of the process


class Finding(AssertionError):
    """A property that failed for one command line."""


def strict_json(text: str):
    """JSON as the standard has it (no NaN or Infinity), or ValueError."""
    def refuse(name):
        raise ValueError(f"not strict JSON: {name}")
    return json.loads(text, parse_constant=refuse)


@contextmanager
def _time_limit(seconds: int, what: str):
    def stop(signum, frame):
        raise Finding(f"{what} took more than {seconds} s")
    previous = signal.signal(signal.SIGPROF, stop)      # CPU time: the machine is shared
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def run(args: list[str], files: dict[str, str | bytes] | None = None, *,
        output: str | None = None, json_out: bool = False, model_text: str = "") -> int:
    """Run `graphdraw ARGS` in a fresh directory holding `files`; `output` names the file the
    command writes (it exists beforehand with PREVIOUS). Raises Finding; returns the code."""
    TRIED[args[0]] += 1
    with tempfile.TemporaryDirectory(prefix="gd-fuzz-") as tmp:
        here = Path(tmp)
        for name, data in (files or {}).items():
            (here / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        if output:
            (here / output).write_bytes(PREVIOUS)
        before = {p.name: p.read_bytes() for p in here.iterdir()}
        cwd = os.getcwd()
        os.chdir(here)
        try:
            peak, children = _peak_mb(), _children_cpu()
            with _time_limit(TIME_LIMIT, f"graphdraw {' '.join(args)[:300]}"):
                result = CliRunner().invoke(cli, args, catch_exceptions=True)
        finally:
            os.chdir(cwd)
        if _children_cpu() - children > TIME_LIMIT:       # dot, run by graphdraw
            raise Finding(f"graphdraw {' '.join(args)[:300]}: its child processes took "
                          f"{_children_cpu() - children:.1f} s of CPU (limit {TIME_LIMIT} s)")
        if _peak_mb() > max(peak, MEMORY_MB):
            raise Finding(f"graphdraw {' '.join(args)[:300]} took the process past "
                          f"{MEMORY_MB} MB (peak {_peak_mb()} MB)")
        CODES[f"{args[0]} {result.exit_code}"] += 1
        _check(args, result, here, before, output, json_out, model_text, files or {})
        return result.exit_code


def _children_cpu() -> float:
    import resource
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def _peak_mb() -> int:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _check(args, result, here: Path, before: dict, output, json_out: bool,
           model_text: str, files: dict) -> None:
    shown = " ".join(repr(a) if " " in a or not a else a for a in args)[:2000]
    text = result.output + (result.stderr if result.stderr_bytes else "")
    given = "".join(f"\n  --- {name}:\n{data[:2000]!r}" for name, data in files.items())
    where = f"\n  graphdraw {shown}{given}\n  exit {result.exit_code}\n{text[-3000:]}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        if isinstance(result.exception, Finding):
            raise result.exception
        raise Finding(f"exception {type(result.exception).__name__}: {result.exception}"
                      + where)
    if "internal error: Finding: " in text:     # the time limit, met inside the command
        raise Finding(text.split("internal error: Finding: ")[1].splitlines()[0] + where)
    if "internal error" in text or "Traceback (most recent call last)" in text:
        raise Finding("internal error" + where)
    if "Warning:" in text:
        raise Finding("a Python warning reached the user" + where)
    if result.exit_code not in EXIT_CODES or (result.exit_code == 8 and args[0] != "verify"):
        raise Finding("undocumented exit code" + where)
    if result.exit_code == 6 and not any(a in TOLERANCES for a in args):
        raise Finding("graphdraw and torch disagree (exit 6) at the default tolerances" + where)
    after = {p.name: p for p in here.iterdir()}
    if result.exit_code != 0:
        new = sorted(set(after) - set(before))
        if new:
            raise Finding(f"files written by a failed command: {new}" + where)
        changed = [n for n, data in before.items() if after[n].read_bytes() != data]
        if changed:
            raise Finding(f"files changed by a failed command: {changed}" + where)
        return
    if json_out:
        try:
            strict_json(result.stdout)
        except ValueError as exc:
            raise Finding(f"--json output is not strict JSON: {exc}" + where) from None
    elif _unasked_non_finite(result.stdout, args, model_text):
        raise Finding("exit 0 with a NaN or infinity in the output" + where)
    if output:
        data = (here / output).read_bytes()
        if data == PREVIOUS:
            raise Finding(f"exit 0 but {output} was not written" + where)
        problem = valid(output, data)
        if problem:
            raise Finding(f"{output} is not valid: {problem}" + where)


def _unasked_non_finite(stdout: str, args: list[str], model_text: str) -> bool:
    """A NaN or an infinity in the output that the input did not contain."""
    asked = " ".join(args) + model_text
    if NON_FINITE.search(asked) or "∞" in asked:
        return False
    lines = [line for line in stdout.splitlines()
             if "undefined" not in line and "∞" not in line.split("=")[0]]
    return any(NON_FINITE.search(line) for line in lines)


def valid(name: str, data: bytes) -> str | None:
    """Why `data` is not a valid file of its kind (by extension), or None."""
    ext = name.rsplit(".", 1)[-1]
    try:
        if ext == "json":
            strict_json(data.decode("utf-8"))
        elif ext == "svg":
            ET.fromstring(data)
        elif ext == "html":
            return _html_problem(data.decode("utf-8"))
        elif ext == "dot" and DOT_CHECKS:
            done = subprocess.run(["dot", "-Tsvg"], input=data, capture_output=True,
                                  timeout=60)
            if done.returncode != 0:
                return "dot: " + done.stderr.decode("utf-8", "replace")[:500]
        elif ext == "tex":
            text = data.decode("utf-8")
            if "^\\top^" in text or re.search(r"\$[^$]*[^\x00-\x7f][^$]*\$", _math(text)):
                return "TeX that pdflatex rejects (a double superscript or raw non-ASCII in math)"
    except (ValueError, ET.ParseError) as exc:
        return str(exc)[:500]
    return None


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


def _html_problem(text: str) -> str | None:
    """Tags that do not nest in an HTML page, or an inline SVG that is not XML."""
    from html.parser import HTMLParser

    problems: list[str] = []
    stack: list[str] = []
    in_svg = [0]

    class Checker(HTMLParser):
        def handle_starttag(self, tag, attrs):
            names = [a for a, _ in attrs]
            if len(names) != len(set(names)):
                problems.append(f"a duplicate attribute on <{tag}> at {self.getpos()}")
            if tag not in VOID:
                stack.append(tag)

        def handle_endtag(self, tag):
            if tag in VOID:
                return
            if not stack or stack[-1] != tag:
                problems.append(f"</{tag}> at {self.getpos()} closes <{stack[-1:]}>")
                return
            stack.pop()

        def handle_startendtag(self, tag, attrs):
            names = [a for a, _ in attrs]
            if len(names) != len(set(names)):
                problems.append(f"a duplicate attribute on <{tag}/> at {self.getpos()}")

    Checker(convert_charrefs=True).feed(text)
    if stack and not problems:
        problems.append(f"unclosed tags {stack[-5:]}")
    for svg in re.findall(r"<svg\b.*?</svg>", text, flags=re.S):
        try:
            ET.fromstring(svg.replace("&nbsp;", "&#160;"))
        except ET.ParseError as exc:
            problems.append(f"inline SVG: {exc}")
            break
    return "; ".join(problems[:3]) or None


def _math(text: str) -> str:
    """The math of a TikZ file without the characters pdflatex reads in math mode (Greek and
    symbols graphdraw sets through commands never reach it raw)."""
    return re.sub(r"\\textrm\{[^}]*\}", "", text)


def bounded_subprocess(args: list[str], files: dict[str, str], *, seconds: int = 10,
                       memory_mb: int = 1024) -> subprocess.CompletedProcess:
    """`graphdraw ARGS` in a child process with a CPU time and address-space limit."""
    import resource
    import sys

    def limits():
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    root = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory(prefix="gd-fuzz-") as tmp:
        for name, data in files.items():
            Path(tmp, name).write_text(data, encoding="utf-8")
        return subprocess.run([sys.executable, "-m", "graphdraw", *args], cwd=tmp,
                              capture_output=True, text=True, timeout=seconds * 3,
                              preexec_fn=limits,
                              env={**os.environ, "PYTHONPATH": str(root)})
