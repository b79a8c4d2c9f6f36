"""Search in headless Chromium: the Pagefind index behind the theme's entry points
(Ctrl+K dialog, search page), on the real site and on a small test root."""

from __future__ import annotations

import gzip
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import pytest

from .conftest import serve

pytestmark = pytest.mark.browser

#: what a visitor types, and the page expected among the first three results
QUERIES = [
    ("mixture of experts continual", "/publications/zhu2024llamamoe.html"),
    ("llama moe", "/publications/zhu2024llamamoe.html"),  # "LLaMA-MoE" typed apart
    ("Zhangyang", "/publications/gao2024graph.html"),  # a co-author
    ("ICML 2024", "/publications/gao2024graph.html"),  # a venue and a year
    ("dynamic networks", "/publications/he2023padnet.html"),  # a topic
    ("sparseadap", "/publications/he2022sparseadapter.html"),  # a prefix, typing
    ("Rutgers", "/education.html"),
    ("Westlake", "/experience.html"),
]


def fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", text.casefold()) if c.isalnum()
    )


def search(page: Any, base: str, query: str) -> list[dict[str, Any]]:
    """Type *query* into the Ctrl+K dialog; the results as shown."""
    page.goto(f"{base}/index.html")
    page.keyboard.press("Control+k")
    field = page.locator("#pst-search-dialog input")
    field.press_sequentially(query, delay=20)
    page.wait_for_function(
        "q => document.querySelector('#pst-search-dialog "
        ".portfolio-search-results')?.dataset.done === q",
        arg=query,
    )
    return page.locator("#pst-search-dialog .portfolio-search-result").evaluate_all(
        """items => items.map(item => ({
            href: item.querySelector('a').href,
            title: item.querySelector('a').textContent,
            marks: [...item.querySelectorAll('.portfolio-search-snippet mark')]
                .map(m => m.textContent),
        }))"""
    )


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_query_finds_the_page_with_the_words_in_its_snippet(
    page: Any, server: str, query: str, expected: str
) -> None:
    results = search(page, server, query)
    paths = [urlsplit(r["href"]).path for r in results[:3]]
    assert expected in paths, paths
    hit = results[paths.index(expected)]
    words = [fold(word)[:4] for word in query.split()]
    assert any(fold(mark).startswith(tuple(words)) for mark in hit["marks"]), hit


@pytest.mark.sphinx("html", testroot="search", freshenv=True)
def test_accents_and_case_fold(app: Any, page: Any) -> None:
    app.build()
    with serve(app.outdir) as base:
        (first, *_) = search(page, base, "muller")
        assert urlsplit(first["href"]).path == "/publications/mueller.html"
        assert first["title"] == "Über Sparse Routing"
        assert "muller" in {fold(mark) for mark in first["marks"]}
        (first, *_) = search(page, base, "CAFE okonomie")
        assert urlsplit(first["href"]).path == "/index.html"
        assert {"cafe", "okonomie"} <= {fold(mark) for mark in first["marks"]}
        # the publication list is left to the paper pages: one hit, the paper
        assert [urlsplit(r["href"]).path for r in search(page, base, "uber")] == [
            "/publications/mueller.html"
        ]


def test_ctrl_k_then_arrows_and_enter_open_a_result(page: Any, server: str) -> None:
    results = search(page, server, "Zhangyang")
    assert page.locator("#pst-search-dialog").evaluate("d => d.open")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.href")
    assert second == results[1]["href"]
    page.keyboard.press("Enter")
    page.wait_for_url(second)
    # Enter in the field opens the first result
    results = search(page, server, "Rutgers")
    page.locator("#pst-search-dialog input").press("Enter")
    page.wait_for_url(results[0]["href"])


def test_search_page_reads_and_keeps_the_query(page: Any, server: str) -> None:
    page.goto(f"{server}/search.html?q=Rutgers")
    results = page.locator(".portfolio-search-page .portfolio-search-results a")
    results.first.wait_for()
    assert "/education.html" in [
        urlsplit(h).path for h in results.evaluate_all("as => as.map(a => a.href)")
    ]
    field = page.locator("#portfolio-search-input")
    assert field.evaluate("f => f === document.activeElement")
    field.fill("Westlake")
    page.wait_for_url("**/search.html?q=Westlake")


def test_without_javascript_the_search_page_says_so(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}/search.html?q=Rutgers")
    message = page.locator(".portfolio-search-nojs")
    assert message.is_visible()
    assert "Search needs JavaScript" in message.inner_text()
    assert message.locator("a").get_attribute("href") == "publications.html"
    context.close()


def test_first_query_transfers_at_most_100_kib(page: Any, server: str) -> None:
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    search(page, server, "mixture of experts")
    loaded = [r for r in responses if "/_pagefind/" in r.url]
    assert loaded, "the search loaded nothing from the index"
    assert all(r.url.startswith(server) for r in responses)
    sizes = {
        r.url.split("/_pagefind/")[1]: len(gzip.compress(r.body())) for r in loaded
    }
    assert sum(sizes.values()) <= 100 * 1024, sizes


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_pass_axe(browser: Any, server: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    search(page, server, "mixture of experts")  # the dialog, open with results
    dialog = Axe().run(page).response["violations"]
    page.goto(f"{server}/search.html?q=Rutgers")
    page.locator(".portfolio-search-result").first.wait_for()
    search_page = Axe().run(page).response["violations"]
    context.close()
    assert [v["id"] for v in dialog + search_page] == []


@pytest.mark.sphinx("html", testroot="search", freshenv=True)
def test_paper_pages_indexed_in_shards_are_found(
    app: Any, page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a site with many paper pages indexes them in shards the script merges
    from sphinx_portfolio import search as index

    monkeypatch.setattr(index, "SHARD_ABOVE", 0)
    monkeypatch.setattr(index, "SHARD_SIZE", 1)
    app.build()
    shards = sorted(p.name for p in (app.outdir / "_pagefind").glob("shard-*"))
    assert len(shards) == 2
    with serve(app.outdir) as base:
        (first, *_) = search(page, base, "muller")
        assert urlsplit(first["href"]).path == "/publications/mueller.html"
        assert "muller" in {fold(mark) for mark in first["marks"]}
        (first, *_) = search(page, base, "dense graph kernels")
        assert urlsplit(first["href"]).path == "/publications/other.html"
        (first, *_) = search(page, base, "CAFE okonomie")
        assert urlsplit(first["href"]).path == "/index.html"
        assert [urlsplit(r["href"]).path for r in search(page, base, "uber")] == [
            "/publications/mueller.html"
        ]
