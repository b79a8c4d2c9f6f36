"""Property: any printable text in a field stays text, wherever it lands."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

from sphinx_portfolio.bibdata import (
    LATEX_ERRORS,
    decode_latex,
    latex_to_text,
    readable_latex,
)

CONF = """\
extensions = ["sphinx_portfolio"]
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "portfolio"
bibtex_tooltips = False
portfolio_owner = "Daize Dong"
"""
INDEX = "Publications\n============\n\n.. publications::\n"
# Braces and backslashes have a meaning in BibTeX (grouping, LaTeX commands):
# the validator reports their misuse; everything else must come out as text.
PIECES = st.one_of(
    st.text(
        st.characters(
            exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"),
            exclude_characters="{}\\",
        ),
        max_size=12,
    ),
    st.sampled_from(
        [
            "<script>",
            "</script>",
            "<b>",
            "&amp;",
            "&",
            '"',
            "'",
            "<!--",
            "-->",
            "]]>",
            "<",
        ]
    ),
)
TEXT = (
    st.lists(PIECES, min_size=1, max_size=6)
    .map("".join)
    .filter(lambda text: latex_to_text(text).strip() != "")
)


def normal(text: str) -> str:
    return " ".join(text.split())


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(title=TEXT, venue=TEXT)
def test_any_field_text_stays_text(
    tmp_path_factory: pytest.TempPathFactory, title: str, venue: str
) -> None:
    src = tmp_path_factory.mktemp("property")
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.rst").write_text(INDEX, encoding="utf-8")
    (src / "refs.bib").write_text(
        "@inproceedings{work,\n  author = {Daize Dong},\n"
        f"  title = {{{title}}},\n  booktitle = {{{venue}}},\n  year = {{2024}},\n}}\n",
        encoding="utf-8",
    )
    warning = StringIO()
    app = SphinxTestApp("html", srcdir=Path(src), status=StringIO(), warning=warning)
    try:
        app.build()
    finally:
        app.cleanup()
    assert warning.getvalue() == ""
    want_title, want_venue = normal(latex_to_text(title)), normal(latex_to_text(venue))

    page = BeautifulSoup(
        (app.outdir / "publications/work.html").read_text(), "html.parser"
    )
    h1 = page.find("h1")
    assert h1 is not None
    for link in h1.find_all("a", class_="headerlink"):
        link.decompose()
    assert normal(h1.get_text()) == want_title
    # the title adds no element of its own anywhere on the page
    assert [child.name for child in h1.children if child.name] == []
    assert page.find("b") is None
    meta = {
        m["name"]: m["content"] for m in page.find_all("meta", attrs={"name": True})
    }
    assert normal(meta["citation_title"]) == want_title
    assert normal(meta["citation_conference_title"]) == want_venue
    (ld,) = page.find_all("script", type="application/ld+json")
    assert "<" not in ld.string
    data = json.loads(ld.string)
    assert (normal(data["headline"]), normal(data["isPartOf"]["name"])) == (
        want_title,
        want_venue,
    )

    listing = BeautifulSoup((app.outdir / "index.html").read_text(), "html.parser")
    (item,) = listing.select("li.publication")
    assert normal(item.strong.get_text()) == f"{want_title}."
    assert [tag.name for tag in item.p.find_all(True)] == [
        "strong",
        "a",
        "strong",
        "em",
    ]
    # the Cite disclosure: the same elements whatever the title
    assert [tag.name for tag in item.details.find_all(True)] == [
        "summary",
        "p",
        "a",
        "a",
    ]
    # every citation: the field's text as text, whatever it holds
    for citation in page.select(".citations .citation"):
        text = normal(citation.get_text()).casefold()
        assert want_title.casefold() in text, citation["data-style"]
    csl = json.loads((app.outdir / "publications.json").read_text())
    assert normal(csl[0]["title"]) == want_title


BIB_SOUP = st.lists(
    st.sampled_from(
        [
            "@article{",
            "@misc(",
            "@string{x = ",
            "@comment{",
            "key,",
            "title = ",
            "author = ",
            "{",
            "}",
            "(",
            ")",
            '"',
            ",",
            "=",
            "#",
            "\n",
            " and ",
            "Daize Dong",
            "\\'{\\i}",
            "year = {2024}",
            "@",
            "%",
            "x",
        ]
    )
    | st.text(max_size=5),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=BIB_SOUP)
def test_any_file_is_checked_without_an_exception(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    from sphinx_portfolio import bibdata, validate

    path = tmp_path_factory.mktemp("soup") / "refs.bib"
    path.write_text(text, encoding="utf-8")
    parsed = bibdata.parse([path], ["Daize Dong"])
    problems = validate.check(parsed, ["Daize Dong"])
    assert all(problem.line >= 1 for problem in problems)
    # every entry the text starts is either read, or reported as lost or broken
    reported = {p.line for p in problems}
    read = {pub.line for pub in parsed.publications.values()}
    for line in parsed.raw_starts[path]:
        assert line in read or line in reported


@given(st.text(max_size=40))
def test_plain_text_shortcut_decodes_as_pybtex_does(value: str) -> None:
    # latex_to_text skips pybtex's LaTeX decoder for text without markup: the
    # result must be the decoder's own; markup the decoder cannot read (a lone
    # backslash) is shown as written, never an exception, and the validator names it
    try:
        decoded = decode_latex(value)
    except LATEX_ERRORS:
        assert latex_to_text(value) == value
        assert not readable_latex(value)
    else:
        assert latex_to_text(value) == decoded
        assert readable_latex(value)


# -- refs.bib parsed entry by entry equals refs.bib parsed whole ----------------------

REFS = Path(__file__).resolve().parent.parent / "refs.bib"
#: what a researcher's edit can leave between or inside entries
ODDITIES = [
    '@string{venue = "Proceedings"}\n',
    '@preamble{ "\\newcommand{\\x}{y}" }\n',
    "% write to me@example.org\n",
    "@misc{broken, title = {Unclosed\n",
    "@misc{alone, title = {Fine}, year = {2020}}\n",
    "@misc{two, title = {A}} @misc{three, title = {B}}\n",
    "@comment{a comment}\n",
    "@misc{ALONE, title = {Same key, other case}}\n",
    '@misc{four, title = {C}} @string{where = "Here"}\n',
    "@misc{five, title = where}\n",
]


def bib_facts(parsed: Any) -> Any:
    """Everything a parse gives the build, locations included."""
    return (
        parsed.files,
        [(p.path, p.line, p.kind, p.message) for p in parsed.problems],
        parsed.raw_starts,
        parsed.parsed_starts,
        parsed.slugs,
        {
            key: (pub, pub.path, pub.line, pub.field_lines, pub.source)
            for key, pub in parsed.publications.items()
        },
        {
            key: (
                entry.type,
                dict(entry.fields),
                {
                    role: [str(p) for p in people]
                    for role, people in entry.persons.items()
                },
            )
            for key, entry in parsed.data.entries.items()
        },
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_a_parse_that_takes_unchanged_entries_is_a_whole_parse(
    tmp_path: Path, data: st.DataObject
) -> None:
    from sphinx_portfolio.bibdata import _LocatingParser, parse

    from .content import Bib

    bib = Bib(REFS.read_text(encoding="utf-8"))
    pieces = bib.entries + ODDITIES
    path = tmp_path / "refs.bib"
    owner = ["Daize Dong"]
    previous = None
    for _ in range(3):
        chosen = data.draw(st.lists(st.sampled_from(pieces), max_size=14))
        edited = [
            data.draw(st.sampled_from([piece, piece.replace("title", "note", 1)]))
            for piece in chosen
        ]
        path.write_text(bib.header + "\n".join(edited), encoding="utf-8")
        # the reference: pybtex's own loop over the whole text
        with mock.patch.object(_LocatingParser, "parse_by_entry", return_value=False):
            whole = parse([path], owner)
        taken = parse([path], owner, previous)
        assert bib_facts(taken) == bib_facts(whole)
        previous = taken


@pytest.mark.parametrize("oddity", ODDITIES)
@pytest.mark.parametrize("place", [0, 1, 2])
def test_an_oddity_anywhere_parses_as_in_a_whole_parse(
    tmp_path: Path, oddity: str, place: int
) -> None:
    from sphinx_portfolio.bibdata import _LocatingParser, parse

    from .content import Bib

    entries = Bib(REFS.read_text(encoding="utf-8")).entries[:2]
    entries.insert(place, oddity)
    path = tmp_path / "refs.bib"
    path.write_text("".join(entries), encoding="utf-8")
    with mock.patch.object(_LocatingParser, "parse_by_entry", return_value=False):
        whole = parse([path], ["Daize Dong"])
    first = parse([path], ["Daize Dong"])
    assert bib_facts(first) == bib_facts(whole)
    assert bib_facts(parse([path], ["Daize Dong"], first)) == bib_facts(whole)
