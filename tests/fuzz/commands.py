"""Command lines to fuzz, one strategy per command: a generated model given as a file or
with -e, and the command's options with odd values now and then."""

from __future__ import annotations

import os
from typing import NamedTuple

from hypothesis import strategies as st

from fuzz import grammar as G
from fuzz import strategies as S


class Case(NamedTuple):
    """A command line and what the harness needs to judge it."""

    args: list
    files: dict
    output: str | None = None
    json_out: bool = False
    model_text: str = ""


# Out of 100 inputs, SHAPED are well-shaped models (one in eight of them with an edit or two),
# the others token soups, mutated examples and odd numbers of `strategies`.
SHAPED = int(os.environ.get("GRAPHDRAW_FUZZ_SHAPED", "75"))


@st.composite
def _source(draw) -> tuple[str, G.Model | None]:
    """A model's text, and the Model it came from when it is well-shaped and unedited."""
    if draw(st.integers(0, 99)) >= SHAPED:
        return draw(S.models), None
    model = draw(G.shaped_models())
    if draw(st.integers(0, 7)) == 0:
        return S.mutate(draw, model.text, draw(st.integers(1, 2))), None
    return model.text, model


@st.composite
def _model(draw, files: dict, shaped: list | None = None, *, data_from_file=False
           ) -> tuple[list[str], str]:
    """The model as -e TEXT or a file, plus --set/--values/--dim/--seed/--syntax options:
    values that fit a well-shaped model, odd ones now and then. `shaped` gets the Model.
    `data_from_file`: inputs and targets come from --data, so --set gives parameters only."""
    text, model = draw(_source())
    if model is not None and data_from_file:
        keep = {k: v for k, v in model.values.items() if model.roles.get(k, "param") == "param"}
        model = model._replace(values=keep)
    if shaped is not None:
        shaped.append(model)
    if draw(st.booleans()):
        args = ["-e", text]
    else:
        files["model.gd"] = text
        args = ["model.gd"]
    odd = model is None or draw(st.integers(0, 9)) == 0
    if model is not None:
        args += G.set_options(model, draw)
        if draw(st.integers(0, 2)) == 0:
            files["values.json"] = G.values_json(model, draw)
            args += ["--values", "values.json"]
    if odd:
        args += draw(S.set_options())
        if draw(st.integers(0, 5)) == 0:
            files["values.json"] = draw(S.values_files())
            args += ["--values", "values.json"]
    if odd and draw(st.integers(0, 6)) == 0:
        args += ["--dim", draw(st.sampled_from(["H=3", "H=0", "N=2", "H=99999999999", "=2",
                                                "H=x"]))]
    if draw(st.integers(0, 6)) == 0:
        args += ["--seed", draw(S.odd_ints if odd else st.sampled_from(["1", "7", "123"]))]
    if draw(st.integers(0, 8)) == 0:
        fits = ["plain", "latex", "auto"] if odd else \
            ["auto", "latex" if model.notation == "latex" else "plain"]
        args += ["--syntax", draw(st.sampled_from(fits))]
    return args, text


def _odd(draw, shaped: list) -> bool:
    """Whether a command's own options get odd values: always for a model that is not
    well-shaped, one time in ten for one that is."""
    return shaped[0] is None or draw(st.integers(0, 9)) == 0


def _param(draw, model: G.Model) -> str:
    params = [leaf for leaf, role in model.roles.items() if role == "param"]
    return draw(st.sampled_from(params)) if params else "w"


@st.composite
def render(draw) -> Case:
    files: dict = {}
    shaped: list = []
    model, text = draw(_model(files, shaped))
    odd = _odd(draw, shaped)
    fmt = draw(st.sampled_from(["json", "dot", "svg", "html", "tikz"]))
    ext = {"tikz": "tex"}.get(fmt, fmt)
    args = ["render", *model, "-f", fmt, "-o", f"out.{ext}"]
    if draw(st.integers(0, 3)) == 0:
        args += [draw(st.sampled_from(["--title", "--caption"])),
                 draw(st.sampled_from(["]]", "a\\", '"', "<b>&", "{x}", "é", "\\textbf{",
                                       "x" * 40]))]
    if draw(st.integers(0, 4 if odd else 1)) == 0:
        args += ["--show", draw(st.sampled_from(["values", "grads", "values,grads"]
                                                + (["nope", ""] if odd else [])))]
    if draw(st.integers(0, 5)) == 0:
        option = draw(st.sampled_from(["--style", "--theme", "--rankdir"]))
        args += [option, draw(st.sampled_from(
            ["ops", "textbook", "named", "print", "TB", "auto", "x"] if odd else
            {"--style": ["ops", "textbook", "named"], "--theme": ["print", "colorblind"],
             "--rankdir": ["TB", "LR", "auto"]}[option]))]
    if odd and draw(st.integers(0, 8)) == 0:
        args += ["--layout-timeout", draw(S.odd_floats)]
    if draw(st.integers(0, 5)) == 0 and (odd or fmt in ("html", "tikz")):
        args.append("--steps")                  # backprop a step a picture (html, tikz)
    return Case(args, files, f"out.{ext}", False, text)


@st.composite
def exercise(draw) -> Case:
    files: dict = {}
    shaped: list = []
    model, text = draw(_model(files, shaped))
    odd = _odd(draw, shaped)
    ext = draw(st.sampled_from(["md", "tex"]))
    args = ["exercise", *model, "-o", f"out.{ext}"]
    if draw(st.booleans()):
        args.append("--solutions")
    if draw(st.integers(0, 2)) == 0:
        args += ["--answers-template", "answers.txt"]
    if draw(st.integers(0, 4)) == 0:
        args += ["--decimals", draw(st.sampled_from(["0", "6", "7", "-1", "x"] if odd
                                                    else ["2", "4", "6"]))]
    if draw(st.integers(0, 5)) == 0:
        args += ["--title", draw(st.sampled_from(["]]", "a\\", "<b>&", "{x}", "é", "%"]))]
    return Case(args, files, f"out.{ext}", False, text)


@st.composite
def grads(draw) -> Case:
    files: dict = {}
    shaped: list = []
    model, text = draw(_model(files, shaped))
    odd = _odd(draw, shaped)
    fmt = draw(st.sampled_from(["text", "json", "latex", "markdown"]))
    args = ["grads", *model, "--format", fmt]
    if draw(st.integers(0, 3 if odd else 8)) == 0:
        args.append("--scalar")
    if draw(st.integers(0, 5)) == 0:
        args += ["--wrt", draw(st.sampled_from(["w", "x,w", "nope", ""])) if odd
                 else _param(draw, shaped[0])]
    if draw(st.integers(0, 3 if odd else 12)) == 0:     # the samples of a model with Σ_n
        files["data.csv"] = draw(S.csv_files())
        args += ["--data", "data.csv"]
    return Case(args, files, None, fmt == "json", text)


@st.composite
def hessian(draw) -> Case:
    files: dict = {}
    shaped: list = []
    model, text = draw(_model(files, shaped))
    as_json = draw(st.booleans())
    args = ["hessian", *model] + (["--json"] if as_json else [])
    if draw(st.integers(0, 4)) == 0:
        args.append("--full")
    if draw(st.integers(0, 5)) == 0:
        args.append("--check")
    return Case(args, files, None, as_json, text)


@st.composite
def check(draw) -> Case:
    files: dict = {}
    shaped: list = []
    model, text = draw(_model(files, shaped))
    odd = _odd(draw, shaped)
    as_json = draw(st.booleans())
    args = ["check", *model, "--no-structure"] + (["--json"] if as_json else [])
    if odd and draw(st.integers(0, 5)) == 0:
        args += [draw(st.sampled_from(["--rtol", "--fd-step", "--atol"])), draw(S.odd_floats)]
    return Case(args, files, None, as_json, text)


@st.composite
def train(draw) -> Case:
    files: dict = {}
    shaped: list = []
    model, text = draw(_model(files, shaped, data_from_file=True))
    as_json = draw(st.booleans())
    good = shaped[0] is not None and draw(st.integers(0, 9)) > 0
    steps = draw(st.sampled_from(["1", "3", "5"] if good else ["0", "1", "3", "-1", "x"]))
    args = ["train", *model, "--steps", steps, "--no-files", "--save-params", "params.json"] \
        + (["--json"] if as_json else [])
    data = G.csv_text(shaped[0], draw) if good else None     # the inputs' and targets'
    if data is not None:                                      # samples (else XOR's)
        files["data.csv"] = data
        args += ["--data", "data.csv"]
    elif not good and draw(st.integers(0, 2)) == 0:
        files["data.csv"] = draw(S.csv_files())
        args += ["--data", "data.csv"]
    if good:
        args += ["--lr", draw(st.sampled_from(["0.01", "0.1", "0.001"]))]
    elif draw(st.integers(0, 3)) == 0:
        args += [draw(st.sampled_from(["--lr", "--momentum", "--init-scale", "--damping"])),
                 draw(S.odd_floats)]
    if draw(st.integers(0, 4)) == 0:
        args += ["--optimizer", draw(st.sampled_from(["momentum", "momentum", "newton", "gd"]
                                                     if good else ["momentum", "adam"]))]
    return Case(args, files, "params.json", as_json, text)


@st.composite
def verify(draw) -> Case:
    files: dict = {}
    shaped: list = []
    model, text = draw(_model(files, shaped))
    claims = shaped[0].claims if shaped[0] is not None else []
    args = ["verify", *model, "--points", draw(st.sampled_from(["3", "10", "0"]))]
    if claims and draw(st.integers(0, 9)) > 0:
        for claim, right in claims:
            if right or draw(st.booleans()):
                args += ["--claim", claim]
    else:
        args += ["--claim", draw(st.sampled_from(
            ["∂L/∂w = 2 w", "dL/da = 1", "∂L/∂x = σ(x) (1 − σ(x))", "∂L/∂W[1,1] = 0",
             r"\frac{\partial L}{\partial b} = 1", "∂L/∂ = ", "∂L/∂p = p^"]))]
    as_json = draw(st.integers(0, 3)) == 0
    if draw(st.integers(0, 4)) == 0:
        args.append("--show-answer")
    return Case(args + (["--json"] if as_json else []), files, None, as_json, text)


@st.composite
def taylor(draw) -> Case:
    function = draw(st.sampled_from(S.UNARY + ["σ(x)", "x^2", "1/x", "exp(-x^2)", "log(1 + x)",
                                               "x x x", "tanh(1e308 x)", "", "(", "σ(x"]))
    as_json = draw(st.booleans())
    odd = draw(st.integers(0, 2)) == 0
    at = draw(S.odd_floats | S.numbers if odd else st.sampled_from(["0", "0.5", "1", "-2"]))
    args = ["taylor", function, "--at", at,
            "-n", draw(st.sampled_from(["1", "3", "0", "21", "x"] if odd else ["1", "3", "6"]))]
    return Case(args + (["--json"] if as_json else []), {}, None, as_json, function)


COMMANDS = {"render": render, "grads": grads, "hessian": hessian, "check": check,
            "train": train, "taylor": taylor, "exercise": exercise, "verify": verify}
