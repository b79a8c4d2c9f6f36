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


def context_for(browser: Any, scheme: str, width: int) -> Any:
    return browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme=scheme,
        reduced_motion="reduce",
    )


def shoot(page: Any, url: str, media: str = "screen", full: bool = True) -> bytes:
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready")
    page.emulate_media(media=media)
    # JPEG: a third faster to take than PNG for a tall page; the same pixels
    # give the same bytes, so only what differs differs
    shot = page.screenshot(
        full_page=full, animations="disabled", caret="hide", type="jpeg", quality=90
    )
    assert isinstance(shot, bytes)
    return shot


#: every page, in each colour mode at each width, and printed
VIEWS = [
    *((scheme, width, "screen") for scheme in ("light", "dark") for width in WIDTHS),
    ("light", 1280, "print"),
]


@pytest.mark.parametrize(("scheme", "width", "media"), VIEWS)
def test_every_page_looks_the_same_with_the_reduced_stylesheet(
    browser: Any,
    server: str,
    full_server: str,
    site: Path,
    full_build: Built,
    scheme: str,
    width: int,
    media: str,
) -> None:
    # the two sites differ in their stylesheets and the scripts that load them
    assert (site / "_static" / "portfolio-site.css").is_file()
    assert not (full_build.out / "_static" / "portfolio-site.css").exists()
    full, reduced = (context_for(browser, scheme, width) for _ in range(2))
    full_page, reduced_page = full.new_page(), reduced.new_page()
    different = {}
    shown = pages(site)
    assert shown == pages(full_build.out)
    for path in shown:
        count, where = difference(
            shoot(full_page, f"{full_server}/{path}", media),
            shoot(reduced_page, f"{server}/{path}", media),
        )
        if count:
            different[path] = (count, where)
    full.close()
    reduced.close()
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
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_state_looks_the_same_with_the_reduced_stylesheet(
    browser: Any, server: str, full_server: str, state: str, scheme: str
) -> None:
    path, width, act = STATES[state]
    contexts = [context_for(browser, scheme, width) for _ in range(2)]
    views = [context.new_page() for context in contexts]
    for base, page in zip((full_server, server), views, strict=True):
        page.goto(f"{base}/{path}", wait_until="load")
        page.evaluate("document.fonts.ready")
        act(page)
    found = (0, None)
    # a state drawn by a script may still be settling (results arriving, a
    # dialog opening): what differs after a second look differs for good
    for _ in range(2):
        shots = [page.screenshot(animations="disabled", caret="hide") for page in views]
        found = difference(*shots)
        if found == (0, None):
            break
        views[0].wait_for_timeout(500)
    for context in contexts:
        context.close()
    assert found == (0, None)


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
