"""Names: canonical ids, display forms, versions and writing systems."""

from __future__ import annotations

import pytest

from graphdraw.language import names


@pytest.mark.parametrize("raw, ident", [
    ("x", "x"), ("W_i", "W_i"), ("ŷ", "y_hat"), ("y\u0302", "y_hat"), ("y_hat", "y_hat"),
    ("ŷ_1", "y_hat_1"), ("α", "alpha"), ("alpha", "alpha"), ("α_1", "alpha_1"),
    ("W_α", "W_alpha"), ("σ", "sigma"), ("Δw", "Δw"), ("αβ", "αβ"), ("ϵ", "epsilon"),
    ("ε", "epsilon"),
    # NFKC, as for Python identifiers: look-alikes pasted from PDFs are the same name.
    ("𝑥", "x"), ("Ｗ", "W"), ("µ", "mu"), ("W_ᵢ", "W_i"),
])
def test_canonical(raw, ident):
    assert names.canonical(raw) == ident


def test_canonical_keeps_cyrillic_distinct():
    assert names.canonical("х") != "x"


@pytest.mark.parametrize("ident, version, shown", [
    ("x", 0, "x"), ("y_hat", 0, "ŷ"), ("W_i", 0, "W_i"), ("alpha", 0, "α"),
    ("alpha_1", 0, "α₁"), ("W_12", 0, "W₁₂"), ("c", 1, "c′"), ("c", 2, "c″"), ("c", 3, "c‴"),
    ("c", 4, "c^(4)"), ("y_hat", 1, "ŷ′"), ("b_alpha", 0, "b_α"), ("Delta", 0, "Δ"),
    ("Δw", 0, "Δw"), ("pin", 0, "pin"), ("beta_x", 0, "β_x"),
])
def test_pretty(ident, version, shown):
    assert names.pretty(ident, version) == shown


@pytest.mark.parametrize("ident", ["x", "y_hat", "alpha", "W", "sigma", "Omega"])
def test_pretty_of_a_canonical_name_reads_back_as_the_same_name(ident):
    assert names.canonical(names.pretty(ident)) == ident


@pytest.mark.parametrize("ident, version, html", [
    ("W_i", 0, "<i>W</i><sub>i</sub>"), ("y_hat", 0, "<i>ŷ</i>"), ("alpha", 0, "α"),
    ("c", 2, "<i>c</i>″"), ("b_alpha", 0, "<i>b</i><sub>α</sub>"),
])
def test_html_name(ident, version, html):
    assert names.html_name(ident, version) == html


def test_html_name_escapes_what_it_shows():
    shown = names.html_name("a<b&c", 0)
    assert "<b" not in shown and "&amp;" in shown and "&lt;" in shown


def test_prime_grows_with_the_version():
    assert [names.prime(v) for v in range(5)] == ["", "′", "″", "‴", "^(4)"]


@pytest.mark.parametrize("name, script", [
    ("x", "Latin"), ("W_i", "Latin"), ("α", "Latin"), ("W_α", "Latin"), ("σ_x", "Latin"),
    ("ℓ", "Latin"), ("µ", "Latin"), ("𝑥", "Latin"), ("_1", "Latin"),
    ("х", "Cyrillic"), ("ж", "Cyrillic"), ("xх", "mixed"), ("א", "Hebrew"),
])
def test_script_of(name, script):
    assert names.script_of(name) == script


@pytest.mark.parametrize("name, latin", [("х", "x"), ("а", "a"), ("у_1", "y_1"),
                                         ("Ж", "Ж"), ("x", "x")])
def test_latin_lookalike(name, latin):
    assert names.latin_lookalike(name) == latin
