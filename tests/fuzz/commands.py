"""Command lines to fuzz, one strategy per command: a generated model given as a file or
with -e, and the command's options with odd values now and then."""

from __future__ import annotations

from typing import NamedTuple

from hypothesis import strategies as st

from fuzz import strategies as S


class Case(NamedTuple):
    """A command line and what the harness needs to judge it."""

    args: list
    files: dict
    output: str | None = None
    json_out: bool = False
    model_text: str = ""


@st.composite
def _model(draw, files: dict) -> tuple[list[str], str]:
    """The model as -e TEXT or a file, plus --set/--values/--dim/--seed/--syntax options."""
    text = draw(S.models)
    if draw(st.booleans()):
        args = ["-e", text]
    else:
        files["model.gd"] = text
        args = ["model.gd"]
    args += draw(S.set_options())
    if draw(st.integers(0, 5)) == 0:
        files["values.json"] = draw(S.values_files())
        args += ["--values", "values.json"]
    if draw(st.integers(0, 6)) == 0:
        args += ["--dim", draw(st.sampled_from(["H=3", "H=0", "N=2", "H=99999999999", "=2",
                                                "H=x"]))]
    if draw(st.integers(0, 6)) == 0:
        args += ["--seed", draw(S.odd_ints)]
    if draw(st.integers(0, 8)) == 0:
        args += ["--syntax", draw(st.sampled_from(["plain", "latex", "auto"]))]
    return args, text


@st.composite
def render(draw) -> Case:
    files: dict = {}
    model, text = draw(_model(files))
    fmt = draw(st.sampled_from(["json", "dot", "svg", "html", "tikz"]))
    ext = {"tikz": "tex"}.get(fmt, fmt)
    args = ["render", *model, "-f", fmt, "-o", f"out.{ext}"]
    if draw(st.integers(0, 3)) == 0:
        args += [draw(st.sampled_from(["--title", "--caption"])),
                 draw(st.sampled_from(["]]", "a\\", '"', "<b>&", "{x}", "é", "\\textbf{", "x" * 40]))]
    if draw(st.integers(0, 4)) == 0:
        args += ["--show", draw(st.sampled_from(["values", "grads", "values,grads", "nope", ""]))]
    if draw(st.integers(0, 5)) == 0:
        args += [draw(st.sampled_from(["--style", "--theme", "--rankdir"])),
                 draw(st.sampled_from(["ops", "textbook", "named", "print", "TB", "auto", "x"]))]
    if draw(st.integers(0, 8)) == 0:
        args += ["--layout-timeout", draw(S.odd_floats)]
    if draw(st.integers(0, 5)) == 0:            # backprop a step a picture (html, tikz)
        args.append("--steps")
    return Case(args, files, f"out.{ext}", False, text)


@st.composite
def exercise(draw) -> Case:
    files: dict = {}
    model, text = draw(_model(files))
    ext = draw(st.sampled_from(["md", "tex"]))
    args = ["exercise", *model, "-o", f"out.{ext}"]
    if draw(st.booleans()):
        args.append("--solutions")
    if draw(st.integers(0, 2)) == 0:
        args += ["--answers-template", "answers.txt"]
    if draw(st.integers(0, 4)) == 0:
        args += ["--decimals", draw(st.sampled_from(["0", "6", "7", "-1", "x"]))]
    if draw(st.integers(0, 5)) == 0:
        args += ["--title", draw(st.sampled_from(["]]", "a\\", "<b>&", "{x}", "é", "%"]))]
    return Case(args, files, f"out.{ext}", False, text)


@st.composite
def grads(draw) -> Case:
    files: dict = {}
    model, text = draw(_model(files))
    fmt = draw(st.sampled_from(["text", "json", "latex", "markdown"]))
    args = ["grads", *model, "--format", fmt]
    if draw(st.integers(0, 3)) == 0:
        args.append("--scalar")
    if draw(st.integers(0, 5)) == 0:
        args += ["--wrt", draw(st.sampled_from(["w", "x,w", "nope", ""]))]
    if draw(st.integers(0, 3)) == 0:            # the samples of a model with Σ_n
        files["data.csv"] = draw(S.csv_files())
        args += ["--data", "data.csv"]
    return Case(args, files, None, fmt == "json", text)


@st.composite
def hessian(draw) -> Case:
    files: dict = {}
    model, text = draw(_model(files))
    as_json = draw(st.booleans())
    args = ["hessian", *model] + (["--json"] if as_json else [])
    if draw(st.integers(0, 4)) == 0:
        args.append("--full")
    return Case(args, files, None, as_json, text)


@st.composite
def check(draw) -> Case:
    files: dict = {}
    model, text = draw(_model(files))
    as_json = draw(st.booleans())
    args = ["check", *model, "--no-structure"] + (["--json"] if as_json else [])
    if draw(st.integers(0, 5)) == 0:
        args += [draw(st.sampled_from(["--rtol", "--fd-step", "--atol"])), draw(S.odd_floats)]
    return Case(args, files, None, as_json, text)


@st.composite
def train(draw) -> Case:
    files: dict = {}
    model, text = draw(_model(files))
    as_json = draw(st.booleans())
    args = ["train", *model, "--steps", draw(st.sampled_from(["0", "1", "3", "-1", "x"])),
            "--no-files", "--save-params", "params.json"] + (["--json"] if as_json else [])
    if draw(st.integers(0, 2)) == 0:
        files["data.csv"] = draw(S.csv_files())
        args += ["--data", "data.csv"]
    if draw(st.integers(0, 3)) == 0:
        args += [draw(st.sampled_from(["--lr", "--momentum", "--init-scale", "--damping"])),
                 draw(S.odd_floats)]
    if draw(st.integers(0, 4)) == 0:
        args += ["--optimizer", draw(st.sampled_from(["momentum", "newton", "sfn", "adam"]))]
    return Case(args, files, "params.json", as_json, text)


@st.composite
def taylor(draw) -> Case:
    function = draw(st.sampled_from(S.UNARY + ["σ(x)", "x^2", "1/x", "exp(-x^2)", "log(1 + x)",
                                               "x x x", "tanh(1e308 x)", "", "(", "σ(x"]))
    as_json = draw(st.booleans())
    args = ["taylor", function, "--at", draw(S.odd_floats | S.numbers),
            "-n", draw(st.sampled_from(["1", "3", "0", "21", "x"]))]
    return Case(args + (["--json"] if as_json else []), {}, None, as_json, function)


COMMANDS = {"render": render, "grads": grads, "hessian": hessian, "check": check,
            "train": train, "taylor": taylor, "exercise": exercise}
