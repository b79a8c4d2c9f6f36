"""What visitors get, judged in headless Chromium: accessibility, keyboard, print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import pages
from .content import Content

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violation_on_any_page(
    browser: Any, server: str, site: Path, scheme: str, content: Content
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    found = {}
    visited = pages(site)
    for path in visited:
        # the load event: deferred scripts (the theme's colour mode) have run;
        # nothing a page shows arrives later (Pagefind loads on first focus)
        page.goto(f"{server}/{path}", wait_until="load")
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        violations = axe.run(page).response["violations"]
        if violations:
            found[path] = [
                (v["id"], [n["target"] for n in v["nodes"]]) for v in violations
            ]
    context.close()
    # every document and every paper page
    assert len(visited) > len(content.documents()) + len(content.works)
    assert found == {}


def test_keyboard_reaches_search_theme_switch_and_every_link(
    page: Any, server: str
) -> None:
    page.goto(f"{server}/index.html")
    page.wait_for_load_state("networkidle")
    links = set(
        page.evaluate(
            """() => [...document.querySelectorAll('a[href]')]
                 .filter(a => a.offsetParent !== null
                         && getComputedStyle(a).visibility !== 'hidden'
                         // inside a closed Cite disclosure: reached once opened
                         && !a.closest('details:not([open])'))
                 .map(a => a.href)"""
        )
    )
    reached, focus_styles = set(), []
    for _ in range(200):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const el = document.activeElement; const cs = getComputedStyle(el);
                 return {href: el.href || null, cls: el.className || '', tag: el.tagName,
                         outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0,
                         shadow: cs.boxShadow !== 'none'}; }"""
        )
        if info["tag"] == "BODY":
            break
        reached.add(info["href"] or info["cls"] or info["tag"])
        focus_styles.append(
            (info["outline"] or info["shadow"], info["href"] or info["cls"])
        )
    assert any("search-button" in str(r) for r in reached)
    assert any("theme-switch-button" in str(r) for r in reached)
    assert any(r == "SUMMARY" for r in reached)  # each Cite disclosure
    assert links <= reached
    assert [what for shown, what in focus_styles if not shown] == []  # focus is visible


def test_ctrl_k_search_is_keyboard_operable(page: Any, server: str) -> None:
    page.goto(f"{server}/publications.html")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Control+k")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.press("Escape")


def test_print_shows_the_content_only(page: Any, server: str) -> None:
    page.goto(f"{server}/publications.html")
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    for selector in (
        ".bd-sidebar-primary",
        ".bd-sidebar-secondary",
        ".bd-header-article",
        ".bd-footer",
        ".publication-filter",
        "#pst-back-to-top",
        "details.cite-work",
    ):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("article.bd-article li.publication").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
