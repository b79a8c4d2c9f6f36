"""The built site in headless Chromium: search, console, and network privacy."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def pages(site: Path) -> list[str]:
    return sorted(
        str(path.relative_to(site))
        for path in site.rglob("*.html")
        # _static/ holds the theme's Jinja macro files, not pages
        if "_static" not in path.relative_to(site).parts
    )


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def test_search_page_finds_publications_by_coauthor(page: Any, server: str) -> None:
    page.goto(f"{server}/search.html?q=Zhangyang")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for()
    hrefs = [
        urlsplit(href).path
        for href in results.evaluate_all("as => as.map(a => a.href)")
    ]
    assert "/publications.html" in hrefs
    summary = page.locator(
        "#search-results li", has=page.locator('a[href*="publications"]')
    )
    assert "Zhangyang" in summary.first.inner_text()


def test_ctrl_k_opens_search_and_enter_searches(page: Any, server: str) -> None:
    page.goto(f"{server}/index.html")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Control+k")
    field = page.locator("input[name=q]:visible")
    field.wait_for()
    field.fill("Westlake")
    field.press("Enter")
    page.wait_for_url("**/search.html?q=Westlake*")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for()
    hrefs = {
        urlsplit(h).path for h in results.evaluate_all("as => as.map(a => a.href)")
    }
    assert "/experience.html" in hrefs


def test_no_console_error_and_no_request_leaves_localhost(
    page: Any, server: str, site: Path
) -> None:
    problems: list[str] = []
    requests: list[str] = []
    page.on(
        "console",
        lambda msg: msg.type in {"error", "warning"} and problems.append(msg.text),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda req: problems.append(f"failed: {req.url}"))
    page.on("request", lambda req: requests.append(req.url))
    page.on(
        "response",
        lambda resp: (
            resp.status >= 400 and problems.append(f"{resp.status} {resp.url}")
        ),
    )
    visited = pages(site)
    assert len(visited) >= 9
    for path in visited:
        response = page.goto(f"{server}/{path}")
        assert response is not None
        assert response.ok, path
        page.wait_for_load_state("networkidle")
    assert problems == []
    outside = [
        url
        for url in requests
        if urlsplit(url).scheme not in {"data", "blob"}
        and urlsplit(url).hostname != "127.0.0.1"
    ]
    assert outside == []
    assert len(requests) > len(visited)
