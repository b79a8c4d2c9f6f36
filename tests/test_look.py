"""Nothing looks different unless meant to (issue 16): every page of the real
site, drawn by Chromium once with the theme's stylesheets as they are
(``portfolio_lean_css = False``) and once with the site's one reduced
stylesheet, light and dark, at a phone's and a desktop's width, on screen and
in print, and in the states scripts draw (the search dialog with results, the
filter in use, the sidebar open on a phone, the colour-mode menu open): the two
must be the same picture, anti-aliasing aside."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO, Built, build_site, pages, serve

pytestmark = pytest.mark.browser

#: a pixel differs when a colour channel moves by more than this (anti-aliased
#: edges move by less)
CHANNEL = 48
WIDTHS = (390, 1280)


@pytest.fixture(scope="session")
def full_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The real site with the theme's stylesheets linked as they are."""
    return build_site(
        REPO, tmp_path_factory.mktemp("full-css"), "-D", "portfolio_lean_css=0"
    )


@pytest.fixture(scope="session")
def full_server(full_build: Built) -> Iterator[str]:
    with serve(full_build.out) as url:
        yield url


def difference(left: bytes, right: bytes) -> tuple[int, Any]:
    """How many pixels of two screenshots differ beyond anti-aliasing, and where."""
    from PIL import Image, ImageChops

    one = Image.open(io.BytesIO(left)).convert("RGB")
    two = Image.open(io.BytesIO(right)).convert("RGB")
    if one.size != two.size:
        return one.size[0] * one.size[1], (one.size, two.size)
    diff = ImageChops.difference(one, two).convert("L")
    mask = diff.point(lambda value: 255 if value > CHANNEL else 0)
    return mask.histogram()[255], mask.getbbox()


def context_for(browser: Any, width: int) -> Any:
    return browser.new_context(
        viewport={"width": width, "height": 900}, reduced_motion="reduce"
    )


def shot(page: Any, full: bool = True) -> bytes:
    # JPEG: a third faster to take than PNG for a tall page; the same pixels
    # give the same bytes, so only what differs differs
    taken = page.screenshot(
        full_page=full, animations="disabled", caret="hide", type="jpeg", quality=90
    )
    assert isinstance(taken, bytes)
    return taken


def show(views: list[Any], scheme: str, width: int, media: str = "screen") -> None:
    """Both pages in a colour mode, at a width, for a medium; the theme follows
    the system's mode (``auto``), as on a first visit."""
    for page in views:
        page.set_viewport_size({"width": width, "height": 900})
        page.emulate_media(media=media, color_scheme=scheme)
    for page in views:
        page.wait_for_function(
            "scheme => document.documentElement.dataset.theme === scheme", arg=scheme
        )
        page.evaluate("new Promise(done => requestAnimationFrame(() => done()))")


def compare(views: list[Any], full: bool = True) -> tuple[int, Any]:
    """The two pages pictured; looked at again if they differ (a script's
    drawing may still be settling): what differs twice differs."""
    found = difference(*(shot(page, full) for page in views))
    if found[0]:
        views[0].wait_for_timeout(500)
        found = difference(*(shot(page, full) for page in views))
    return found


#: each page in each colour mode at each width, and printed, in this order on
#: one visit of each site (the width and the mode changed on the loaded page)
VIEWS = [
    ("light", 1280, "screen"),
    ("light", 390, "screen"),
    ("dark", 390, "screen"),
    ("dark", 1280, "screen"),
    ("light", 1280, "print"),
]


def every_page() -> list[str]:
    """The pages of the real site as its sources have them: documents, paper
    pages, and the search page (what ``pages()`` finds once it is built)."""
    from sphinx_portfolio.bibdata import make_slugs

    from .content import Content

    content = Content(REPO)
    documents = [f"{doc}.html" for doc in content.documents()]
    papers = [
        f"publications/{slug}.html" for slug in make_slugs(content.works).values()
    ]
    return sorted({*documents, *papers, "search.html"})


def test_the_pictured_pages_are_the_site(site: Path, full_build: Built) -> None:
    assert every_page() == pages(site) == pages(full_build.out)
    # the two differ in their stylesheets (and the scripts that load them)
    assert (site / "_static" / "portfolio-site.css").is_file()
    assert not (full_build.out / "_static" / "portfolio-site.css").exists()


@pytest.fixture(scope="session")
def both_sites(browser: Any, server: str, full_server: str) -> Iterator[list[Any]]:
    """A page on each site, kept across the tests (their files cached once)."""
    contexts = [context_for(browser, 1280) for _ in range(2)]
    yield [context.new_page() for context in contexts]
    for context in contexts:
        context.close()


def views_of(path: str) -> list[tuple[str, int, str]]:
    """Every view of a document and of the first paper page; the other paper
    pages, made from the same template, in light at 1280 px and dark at 390."""
    papers = [p for p in every_page() if p.startswith("publications/")]
    if path in papers[1:]:
        return [VIEWS[0], VIEWS[2]]
    return VIEWS


@pytest.mark.parametrize("path", every_page())
def test_every_page_looks_the_same_with_the_reduced_stylesheet(
    both_sites: list[Any], server: str, full_server: str, path: str
) -> None:
    views = both_sites
    for base, page in zip((full_server, server), views, strict=True):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.emulate_media(media="screen", color_scheme="light")
        page.goto(f"{base}/{path}", wait_until="load")
        page.evaluate("document.fonts.ready")
    different = {}
    for scheme, width, media in views_of(path):
        show(views, scheme, width, media)
        count, where = compare(views)
        if count:
            different[(scheme, width, media)] = (count, where)
    assert different == {}


def search_open(page: Any) -> None:
    page.keyboard.press("Control+k")
    page.keyboard.type("mixture of experts")
    page.locator("#pst-search-dialog .portfolio-search-results[data-done]").wait_for()
    page.wait_for_timeout(100)


def filter_used(page: Any) -> None:
    page.select_option("#publication-filter-year", index=1)
    page.fill("#publication-filter-q", "expert")
    page.wait_for_timeout(300)


def sidebar_open(page: Any) -> None:
    page.locator("button.primary-toggle").first.click()
    page.wait_for_timeout(300)


def colour_menu_open(page: Any) -> None:
    page.locator("button.theme-switch-button").first.click()
    page.locator(".theme-switch-container .dropdown-menu.show").wait_for()


STATES = {
    "search dialog with results": ("index.html", 1280, search_open),
    "search dialog on a phone": ("publications.html", 390, search_open),
    "filter in use": ("publications.html", 1280, filter_used),
    "sidebar open on a phone": ("index.html", 390, sidebar_open),
    "colour-mode menu open": ("cv.html", 1280, colour_menu_open),
}


@pytest.mark.parametrize("state", list(STATES))
def test_every_state_looks_the_same_with_the_reduced_stylesheet(
    both_sites: list[Any], server: str, full_server: str, state: str
) -> None:
    path, width, act = STATES[state]
    views = both_sites
    for base, page in zip((full_server, server), views, strict=True):
        page.set_viewport_size({"width": width, "height": 900})
        page.emulate_media(media="screen", color_scheme="light")
        page.goto(f"{base}/{path}", wait_until="load")
        page.evaluate("document.fonts.ready")
        act(page)
    different = {}
    for scheme in ("light", "dark"):
        show(views, scheme, width)
        found = compare(views, full=False)
        if found[0]:
            different[scheme] = found
    assert different == {}


def test_every_page_links_one_stylesheet_and_no_import(site: Path) -> None:
    import tinycss2
    from bs4 import BeautifulSoup

    for path in pages(site):
        page = BeautifulSoup((site / path).read_text("utf-8"), "html.parser")
        sheets = [link["href"] for link in page.select('link[rel~="stylesheet"]')]
        assert len(sheets) == 1 and sheets[0].endswith("portfolio-site.css"), path
        # Sphinx's search helpers are not loaded where Pagefind searches
        scripts = [script.get("src", "") for script in page.find_all("script")]
        assert not [s for s in scripts if "doctools" in s or "highlight" in s], path
        assert not [s for s in scripts if "bootstrap" in s], path
    css = (site / "_static" / "portfolio-site.css").read_text("utf-8")
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True)
    assert not [r for r in rules if r.type == "error"]
    assert not [
        r for r in rules if r.type == "at-rule" and r.lower_at_keyword == "import"
    ]


@pytest.mark.parametrize("how", ["mouse", "keyboard"])
def test_the_colour_menu_works_with_its_script_loaded_late(
    browser: Any, server: str, how: str
) -> None:
    context = browser.new_context()
    page = context.new_page()
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url) if "bootstrap" in r.url else None)
    page.goto(f"{server}/publications.html", wait_until="load")
    page.wait_for_timeout(300)
    assert loaded == []  # not on the first load
    button = page.locator("button.theme-switch-button").first
    if how == "mouse":
        button.click()
    else:
        button.focus()
        page.keyboard.press("Enter")
    menu = page.locator(".theme-switch-container .dropdown-menu.show")
    menu.wait_for()
    assert len(loaded) == 1
    page.locator('.theme-change-button[data-mode="dark"]').first.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    context.close()
