"""The extension on tiny test roots, one scenario each."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from sphinx_portfolio.warnings_ import PortfolioWarning

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def build(app: Any) -> BeautifulSoup:
    app.build()
    return BeautifulSoup((app.outdir / "index.html").read_text(), "html.parser")


def warnings_of(warning: StringIO) -> list[str]:
    """Each warning with the temporary directory cut from its location."""
    return [
        re.sub(r"^.*/(?=[^/]+:\d+: )", "", line)
        for line in ANSI.sub("", warning.getvalue()).splitlines()
        if line
    ]


def items(page: BeautifulSoup) -> dict[str, Tag]:
    found = page.select(".publication-list li")
    return {li.strong.get_text().rstrip("."): li for li in found if li.strong}


def bold_names(li: Tag) -> list[str]:
    return [s.get_text() for s in li.find_all("strong")[1:]]


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_clean_build_has_no_warning(app: Any, warning: StringIO) -> None:
    build(app)
    assert warning.getvalue() == ""


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_owner_emphasised_on_parsed_names(app: Any) -> None:
    entries = items(build(app))
    assert bold_names(entries["A GPU Paper"]) == ["Daize Dong"]
    # "Dong, D." is the owner by initial; "Daniel Dong" is someone else
    assert bold_names(entries["Initials Count"]) == ["D. Dong"]
    assert "Daniel Dong" in entries["Initials Count"].get_text()
    assert bold_names(entries["An Alias"]) == ["Dong Daize"]  # portfolio_owner_aliases


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_entry_rendering(app: Any) -> None:
    page = build(app)
    entry = items(page)["A GPU Paper"]
    text = " ".join(entry.get_text(" ").split())
    # UTF-8 names and braces-protected words come out as plain text
    assert text.startswith("A GPU Paper. Jürgen Müller * , Daize Dong * .")
    assert "Conference on Things (CoT 2024) . Oral." in text
    assert [a.get_text() for a in entry.find_all("a")] == ["arXiv", "Code"]
    assert entry.find("a")["href"] == "https://arxiv.org/abs/2401.00001"
    under_review = " ".join(items(page)["An Alias"].get_text(" ").split())
    assert "Under review at Journal of Aliases ." in under_review
    legend = page.select_one(".publication-list .publication-legend")
    assert legend is not None
    assert legend.get_text() == "* Equal contribution"


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_newest_first(app: Any) -> None:
    # no year (under review) first, then 2024, then 2023
    assert list(items(build(app))) == ["An Alias", "A GPU Paper", "Initials Count"]


@pytest.mark.sphinx("html", testroot="bad-bib", freshenv=True)
def test_bad_bib_reports_every_problem_with_its_line(
    app: Any, warning: StringIO
) -> None:
    page = build(app)
    assert warnings_of(warning) == [
        "refs.bib:8: WARNING: syntax error: '}' expected on line 14, in the entry "
        "that starts here [portfolio.bib-syntax]",
        'refs.bib:14: WARNING: duplicate key "first": already used on line 1; '
        "this entry is not rendered [portfolio.duplicate-key]",
        'refs.bib:21: WARNING: last: equal_contribution "1, 3" must list author '
        "positions between 1 and 2, e.g. {1, 2} [portfolio.equal-contribution]",
        'refs.bib:21: WARNING: last: unknown status "accepted"; use one of: oral, '
        "workshop, preprint, under review [portfolio.unknown-status]",
        "refs.bib:30: WARNING: nobody: the site's owner is not among the authors "
        "(see portfolio_owner and portfolio_owner_aliases) [portfolio.owner-missing]",
    ]
    # nothing after the broken entry or the duplicate key is lost
    rendered = list(items(page))
    assert "First" in rendered
    assert "Last" in rendered
    assert "Without the Owner" in rendered


@pytest.mark.sphinx(
    "html",
    testroot="bad-bib",
    freshenv=True,
    confoverrides={
        "suppress_warnings": [
            f"portfolio.{kind.value}"
            for kind in PortfolioWarning
            if kind is not PortfolioWarning.OWNER_MISSING
        ]
    },
)
def test_suppress_warnings_silences_a_subtype(app: Any, warning: StringIO) -> None:
    build(app)
    assert [w.split(": WARNING")[0] for w in warnings_of(warning)] == ["refs.bib:30"]


@pytest.mark.sphinx("html", testroot="unknown-key", freshenv=True)
def test_unknown_citation_key_is_located(app: Any, warning: StringIO) -> None:
    build(app)
    assert warnings_of(warning) == [
        'index.rst:4: WARNING: could not find bibtex key "nosuchkey" '
        "[bibtex.key_not_found]"
    ]


@pytest.mark.sphinx(
    "html",
    testroot="unknown-key",
    freshenv=True,
    confoverrides={"bibtex_bibfiles": ["missing.bib"]},
)
def test_missing_bib_file_is_reported(app: Any, warning: StringIO) -> None:
    build(app)
    assert "WARNING: no such bib file: " in warning.getvalue()
    assert "missing.bib [portfolio.bib-missing]" in warning.getvalue()
