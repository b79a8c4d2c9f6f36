"""Build behaviour: reproducible output, and rebuilds that redo only what changed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import DOCS, REPO, differing


def build(out: Path, epoch: str, *options: str) -> str:
    """Build the real site into *out*; what the build printed on stderr."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-q",
            *options,
            "-b",
            "html",
            str(DOCS),
            str(out / "html"),
            "-d",
            str(out / "doctrees"),
        ],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stderr


def test_two_clean_builds_are_byte_identical(tmp_path: Path) -> None:
    # different build times (SOURCE_DATE_EPOCH) must not show: the site prints no
    # build date, and the PDF, the social cards and the feed carry none
    build(tmp_path / "one", "1700000000")
    build(tmp_path / "two", "1800000000")
    assert differing(tmp_path / "one" / "html", tmp_path / "two" / "html") == []


def test_parallel_build_writes_the_same_site(tmp_path: Path) -> None:
    build(tmp_path / "serial", "1700000000")
    # no warning: none says an extension is not parallel-safe (it would build serially)
    assert build(tmp_path / "parallel", "1700000000", "-j", "auto") == ""
    assert differing(tmp_path / "serial" / "html", tmp_path / "parallel" / "html") == []


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_unchanged_paper_pages_are_not_written_again(app: Any) -> None:
    app.build()
    page = app.outdir / "publications" / "full.html"
    first = page.stat().st_mtime_ns
    app.build()
    assert page.stat().st_mtime_ns == first
    bib = app.srcdir / "refs.bib"
    bib.write_text(bib.read_text().replace("A {GPU} Paper", "A {TPU} Paper"))
    app.build()
    assert page.stat().st_mtime_ns != first
    assert "A TPU Paper" in page.read_text()


def test_paper_pages_from_the_shell_are_the_themes_own(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # paper pages are the theme's page rendered once with placeholders, then
    # filled in: byte for byte what the theme renders for each page, hostile
    # titles included (the hostile root uses sphinx-book-theme)
    from sphinx_portfolio import papers as pages

    def build(name: str) -> dict[str, str]:
        found = {}
        for root in ("test-hostile", "test-basic"):
            src = tmp_path / name / root
            shutil.copytree(rootdir / root, src)
            app = make_app(
                "html",
                srcdir=src,
                freshenv=True,
                confoverrides={"html_baseurl": "https://example.org/"},
            )
            app.build()
            for page in (app.outdir / "publications").glob("*.html"):
                found[f"{root}/{page.name}"] = page.read_text()
        return found

    shells = []
    render = pages.Shell.render.__func__  # type: ignore[attr-defined]

    def spy(cls: type[pages.Shell], app: Any, folder: str) -> pages.Shell | None:
        shells.append(render(cls, app, folder))
        return shells[-1]

    monkeypatch.setattr(pages.Shell, "render", classmethod(spy))
    filled = build("shell")
    assert len(shells) == 2 and None not in shells  # the shell was used
    monkeypatch.setattr(pages.Shell, "render", classmethod(lambda cls, app, f: None))
    rendered = build("theme")
    assert len(filled) > 3
    assert filled == rendered


@pytest.mark.sphinx(
    "html",
    testroot="basic",
    freshenv=True,
    confoverrides={"html_baseurl": "https://example.org/"},
)
def test_sitemap_lists_every_page_after_a_partial_rebuild(app: Any) -> None:
    # sphinx-sitemap lists only the pages written by the last build (its issue
    # #13); ours is written from the environment, whole, every time
    app.build()
    sitemap = app.outdir / "sitemap.xml"
    first = sitemap.read_text()
    assert first.count("<loc>") == len(app.env.found_docs) + len(
        list((app.outdir / "publications").glob("*.html"))
    )
    (app.srcdir / "index.rst").write_text(
        (app.srcdir / "index.rst").read_text() + "\nEdited.\n"
    )
    app.build()
    assert sitemap.read_text() == first


def test_search_index_is_built_again_only_when_a_page_changed(
    rootdir: Path, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-search", src)
    out = tmp_path / "out"

    def build() -> None:  # a process per build, as a user runs them
        subprocess.run(
            [
                *(sys.executable, "-m", "sphinx", "-q", "-b", "html"),
                *(str(src), str(out), "-d", str(tmp_path / "doctrees")),
            ],
            check=True,
            capture_output=True,
        )

    build()
    entry = out / "_pagefind" / "pagefind-entry.json"
    search_page = out / "search.html"
    first, page_first = entry.stat().st_mtime_ns, search_page.stat().st_mtime_ns
    build()  # the 404 page is written again, with the same bytes
    assert entry.stat().st_mtime_ns == first
    # the search page is not written again: nothing it shows changed
    assert search_page.stat().st_mtime_ns == page_first
    page = src / "index.rst"
    page.write_text(page.read_text() + "\nA new word: zeppelin.\n")
    build()
    assert entry.stat().st_mtime_ns != first
    assert search_page.stat().st_mtime_ns == page_first
    # a new title is in every page's sidebar, the search page's too
    page.write_text(page.read_text().replace("\n====", "X\n=====", 1))
    build()
    assert search_page.stat().st_mtime_ns != page_first


TWO = """
@article{two,
  author = {Daize Dong},
  title = {The Second Title},
  journal = {Journal of Tests},
  year = {2023},
}
"""


def test_what_no_source_produces_any_more_is_removed(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    # a static file taken out of html_static_path, the CV PDF turned off, a work
    # removed from refs.bib: none stays online (Sphinx itself never deletes)
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-cv", src)
    (src / "_static").mkdir()
    (src / "_static" / "old.css").write_text("p { color: red }\n")
    bib = src / "refs.bib"
    kept = bib.read_text()
    bib.write_text(kept + TWO)

    def build(**overrides: Any) -> Path:
        app = make_app(
            "html",
            srcdir=src,
            confoverrides={"html_static_path": ["_static"], **overrides},
        )
        app.build()
        return Path(app.outdir)

    out = build()
    first = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"_static/old.css", "cv.pdf", "publications/two.html"} <= first
    (src / "_static" / "old.css").unlink()
    bib.write_text(kept)
    out = build(portfolio_cv_doc="")
    assert not (out / "_static" / "old.css").exists()
    assert not (out / "cv.pdf").exists()
    assert not (out / "publications" / "two.html").exists()
    assert not (out / "publications" / "two.bib").exists()
    assert (out / "publications" / "one.html").is_file()
    # what no producer here knows (another extension's file) is left alone
    (out / "theirs.txt").write_text("kept")
    build(portfolio_cv_doc="")
    assert (out / "theirs.txt").read_text() == "kept"


def test_a_work_edited_is_the_only_one_rendered_again(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the CV lists every work: on the page (HTML) and in the PDF's source (Typst);
    # a work that did not change is written from the markup kept for it
    from sphinx_portfolio import cv, lists

    rendered: list[str] = []
    content = lists.item_content

    def counting(item: Any) -> list[Any]:
        rendered.append(item["pagename"])
        return content(item)

    monkeypatch.setattr(cv, "item_content", counting)
    monkeypatch.setattr(lists, "item_content", counting)
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-cv", src)
    bib = src / "refs.bib"
    bib.write_text(bib.read_text() + TWO)

    def build(out: str) -> Path:
        app = make_app("html", srcdir=src, builddir=tmp_path / out, confoverrides={})
        app.build()
        return Path(app.outdir)

    build("incremental")
    assert sorted(rendered) == sorted(2 * ["publications/one", "publications/two"])
    rendered.clear()
    bib.write_text(bib.read_text().replace("The Second Title", "The 2nd Title"))
    out = build("incremental")
    assert rendered == ["publications/two", "publications/two"]
    assert "The 2nd Title" in (out / "cv.html").read_text()
    rendered.clear()
    assert differing(out, build("clean")) == []
    assert len(rendered) == 4


def with_opengraph(tmp_path: Path, more: str = "") -> Path:
    """The CV test root with sphinxext-opengraph's cards on, and *more* conf.py."""
    src = tmp_path / "src"
    shutil.copytree(REPO / "tests" / "roots" / "test-cv", src)
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text().replace(
            '["sphinx_portfolio"]', '["sphinx_portfolio", "sphinxext.opengraph"]'
        )
        + 'ogp_site_url = "https://example.org/site/"\n'
        + more
    )
    return src


def test_social_cards_are_drawn_beside_the_build(tmp_path: Path) -> None:
    # sphinxext-opengraph imports matplotlib when it is loaded; the build itself
    # never does: a new card is drawn by a process of its own, an old one kept
    from PIL import Image

    src = with_opengraph(tmp_path)
    out = tmp_path / "out"
    probe = (
        "import sys\n"
        "from sphinx.cmd.build import main\n"
        "code = main(sys.argv[1:])\n"
        "print('matplotlib' in sys.modules)\n"
        "sys.exit(code)\n"
    )

    def build() -> dict[str, Path]:
        """Each page's card, as its og:image names it."""
        done = subprocess.run(
            [
                *(sys.executable, "-c", probe, "-q", "-W", "-b", "html"),
                *(str(src), str(out), "-d", str(tmp_path / "dt")),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        assert done.stdout.strip().splitlines()[-1] == "False"
        cards = {}
        for page in ("index", "cv"):
            html = (out / f"{page}.html").read_text()
            url = re.search(r'property="og:image" content="([^"]+)"', html)
            assert url, page
            cards[page] = out / url.group(1).removeprefix("https://example.org/site/")
        return cards

    cards = build()
    for card in cards.values():
        with Image.open(card) as image:
            assert image.format == "PNG"
            assert image.size[0] > image.size[1] > 300
    drawn = {page: card.stat().st_mtime_ns for page, card in cards.items()}
    page = src / "index.rst"
    page.write_text(page.read_text() + "\n.. A comment: the page is written again.\n")
    assert build() == cards
    assert {page: card.stat().st_mtime_ns for page, card in cards.items()} == drawn
    page.write_text(page.read_text().replace("Home\n====", "Start\n=====", 1))
    again = build()
    assert again["cv"] == cards["cv"]
    assert again["index"] != cards["index"]
    assert again["index"].is_file()
    assert not cards["index"].exists()  # the old title's card is not online


def test_a_clean_build_takes_the_cards_from_the_users_cache(tmp_path: Path) -> None:
    """The cards a build drew are kept in the user's cache by what they are drawn
    from; a clean build (its output and state removed) copies them, the same
    bytes, and draws none (no drawing process: matplotlib is never imported)."""
    src = with_opengraph(tmp_path)
    cache = tmp_path / "cache"
    probe = (
        "import sys, subprocess\n"
        "started = []\n"
        "class Popen(subprocess.Popen):\n"
        "    def __init__(self, command, *a, **k):\n"
        "        started.append(' '.join(map(str, command)))\n"
        "        super().__init__(command, *a, **k)\n"
        "subprocess.Popen = Popen\n"
        "from sphinx.cmd.build import main\n"
        "code = main(sys.argv[1:])\n"
        "print(any('card_drawer' in c for c in started))\n"
        "sys.exit(code)\n"
    )

    def clean_build(name: str) -> tuple[bool, dict[str, bytes]]:
        out = tmp_path / name
        done = subprocess.run(
            [
                *(sys.executable, "-c", probe, "-q", "-W", "-b", "html"),
                *(str(src), str(out / "html"), "-d", str(out / "dt")),
            ],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "SPHINX_PORTFOLIO_CACHE": str(cache)},
        )
        folder = out / "html" / "_images" / "social_previews"
        cards = {p.name: p.read_bytes() for p in folder.glob("*.png")}
        return done.stdout.strip().splitlines()[-1] == "True", cards

    drew, first = clean_build("first")
    assert drew and first
    kept = sorted(cache.glob("cards-*/*.png"))
    assert len(kept) == len(first)
    drew, second = clean_build("second")
    assert not drew
    assert second == first


def test_a_sharded_index_is_built_again_only_where_pages_changed(
    make_app: Any, rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sphinx_portfolio import search

    monkeypatch.setattr(search, "SHARD_ABOVE", 0)
    monkeypatch.setattr(search, "SHARD_SIZE", 1)
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-search", src)
    bib = src / "refs.bib"

    def build(out: str) -> Path:
        app = make_app("html", srcdir=src, builddir=tmp_path / out)
        app.build()
        return Path(app.outdir) / "_pagefind"

    bundle = build("incremental")
    shards = sorted(p.name for p in bundle.glob("shard-*"))
    listed = json.loads((bundle / "portfolio-shards.json").read_text())
    assert listed == [f"{name}/" for name in shards]
    assert len(shards) == 2
    assert not (bundle / shards[0] / "pagefind.js").exists()  # the site's own only
    written = {
        name: (bundle / name / "pagefind-entry.json").stat().st_mtime_ns
        for name in shards
    }
    # one work's page changes: its shard is indexed again, the other is kept
    bib.write_text(
        bib.read_text().replace("Dense Graph Kernels", "Sparse Graph Kernels")
    )
    bundle = build("incremental")
    again = {
        name: (bundle / name / "pagefind-entry.json").stat().st_mtime_ns
        for name in shards
    }
    assert sum(again[name] != written[name] for name in shards) == 1
    assert differing(bundle.parent, build("clean").parent) == []
    # below the threshold again: one bundle, no shard left behind
    monkeypatch.setattr(search, "SHARD_ABOVE", 400)
    bundle = build("incremental")
    assert not list(bundle.glob("shard-*"))
    assert json.loads((bundle / "portfolio-shards.json").read_text()) == []
    shutil.rmtree(tmp_path / "clean")
    assert differing(bundle.parent, build("clean").parent) == []


def test_a_card_that_cannot_be_drawn_as_asked_is_a_warning(tmp_path: Path) -> None:
    # sphinxext-opengraph's own warnings, said while the card is drawn apart
    src = with_opengraph(tmp_path, 'ogp_social_cards = {"image": "no-such-logo.png"}\n')
    done = subprocess.run(
        [
            *(sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html"),
            *(str(src), str(tmp_path / "out"), "-d", str(tmp_path / "dt")),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert (
        "social card of index: [Social card]: image file doesn't exist" in done.stderr
    )
    assert "[portfolio.social-card]" in done.stderr
