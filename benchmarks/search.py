"""Search engines compared on the same visitor queries: Pagefind (ours) and Sphinx's
own search, each in headless Chromium on a fresh visit.

    python benchmarks/search.py

Builds the site twice (Pagefind; ``portfolio_search = False`` for Sphinx's search
with the theme) and, for each query: whether the expected page is among the first
three results (Sphinx has no paper pages: there the publications page counts too),
whether its snippet shows a query word, the bytes the query transferred (gzip, as
a static host serves them), and the time to results: from the last keystroke for
Pagefind (search as you type), from navigation to the search page for Sphinx.
Also the time Pagefind takes to index the built site. Prints a Markdown table and
writes it to benchmarks/results/search.md.

Targets: the first query of a visit transfers at most 100 KiB; results within
300 ms of the last keystroke; the index built in at most 1 s.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_FLAGS, serve  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
#: what a visitor types, and the page that should come first
QUERIES = [
    ("llama moe", "/publications/zhu2024llamamoe.html"),
    ("graph transformer", "/publications/gao2024graph.html"),
    ("Shwai He", "/publications/he2023padnet.html"),
    ("compression techniques", "/publications/he2025towards.html"),
    ("instruction tuning", "/publications/zhu2025dynamic.html"),
    ("ACL 2023", "/publications/he2023padnet.html"),
    ("Cheng Tan", "/publications/gao2024graph.html"),
    ("electronic science technology", "/education.html"),
    ("Rutgers", "/education.html"),
    ("protein", "/experience.html"),
    ("adapters", "/publications/he2022sparseadapter.html"),
    ("muller", "(none on this site)"),
]
#: in page: when the last keystroke happened, and when results were shown
TIMING = """
window.__lastKey = 0;
document.addEventListener("input", () => {
  window.__lastKey = performance.now();
}, true);
"""


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() or c == " ")


def build(out: Path, *options: str) -> None:
    subprocess.run(
        [
            *(sys.executable, "-m", "sphinx", "-q", *options, "-b", "html"),
            *(str(ROOT / "docs"), str(out), "-d", str(out.parent / f"{out.name}-dt")),
        ],
        check=True,
        capture_output=True,
    )


def shows_words(snippet: str, query: str) -> bool:
    text = fold(snippet)
    return any(fold(word)[:4] in text for word in query.split())


def listen(page: Any, sizes: list[int]) -> None:
    """Add each response's gzip size to *sizes* (redirects have no body)."""

    def record(response: Any) -> None:
        if 300 <= response.status < 400:
            return
        sizes.append(len(gzip.compress(response.body())))

    page.on("response", record)


def pagefind_query(browser: Any, base: str, query: str) -> dict[str, Any]:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(TIMING)
    page.goto(f"{base}/index.html")
    page.wait_for_load_state("networkidle")
    sizes: list[int] = []
    listen(page, sizes)
    page.keyboard.press("Control+k")
    page.locator("#pst-search-dialog input").press_sequentially(query, delay=80)
    page.wait_for_function(
        "q => document.querySelector('#pst-search-dialog "
        ".portfolio-search-results')?.dataset.done === q",
        arg=query,
    )
    elapsed = page.evaluate("performance.now() - window.__lastKey")
    results = page.locator("#pst-search-dialog .portfolio-search-result").evaluate_all(
        "items => items.map(i => [i.querySelector('a').href,"
        " i.querySelector('p').textContent])"
    )
    context.close()
    return {"results": results, "bytes": sum(sizes), "ms": elapsed}


def sphinx_query(browser: Any, base: str, query: str) -> dict[str, Any]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/index.html")
    page.wait_for_load_state("networkidle")
    sizes: list[int] = []
    listen(page, sizes)
    start = time.perf_counter()
    page.goto(f"{base}/search.html?q={quote(query)}")
    page.locator("#search-results .search-summary").wait_for()
    page.wait_for_load_state("networkidle")  # the snippets are fetched pages
    elapsed = (time.perf_counter() - start) * 1000
    results = page.locator("#search-results ul.search > li").evaluate_all(
        "items => items.map(i => [i.querySelector('a').href,"
        " (i.querySelector('.context') || {}).textContent || ''])"
    )
    context.close()
    return {"results": results, "bytes": sum(sizes), "ms": elapsed}


def row(engine: str, query: str, expected: str, found: dict[str, Any]) -> list[str]:
    paths = [urlsplit(href).path for href, _ in found["results"]]
    accepted = {expected}
    if engine == "sphinx" and expected.startswith("/publications/"):
        accepted.add("/publications.html")  # where the entry is listed
    top = [p for p in paths[:3] if p in accepted]
    snippet = next(
        (text for href, text in found["results"] if urlsplit(href).path in top), ""
    )
    return [
        engine,
        query,
        f"{paths.index(top[0]) + 1} ({top[0]})" if top else "no",
        "yes" if top and shows_words(snippet, query) else "no",
        f"{found['bytes'] / 1024:.0f}",
        f"{found['ms']:.0f}",
        str(len(paths)),
    ]


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        ours, theirs = Path(tmp) / "pagefind", Path(tmp) / "sphinx"
        build(ours)
        build(theirs, "-D", "portfolio_search=0")
        start = time.perf_counter()
        subprocess.run(
            [
                *(sys.executable, "-m", "pagefind", "--site", str(ours)),
                *("--output-subdir", "_pagefind-timed", "--keep-index-url", "--silent"),
            ],
            check=True,
        )
        index_s = time.perf_counter() - start
        lines = [
            "| engine | query | expected page in top 3 (rank) | snippet shows the "
            "words | KiB transferred | ms to results | results |",
            "|---|---|---|---|---|---|---|",
        ]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=None if CHROMIUM == "playwright" else CHROMIUM,
                args=CHROMIUM_FLAGS,
            )
            with serve(ours) as base_ours, serve(theirs) as base_theirs:
                for query, expected in QUERIES:
                    for engine, run, base in (
                        ("pagefind", pagefind_query, base_ours),
                        ("sphinx", sphinx_query, base_theirs),
                    ):
                        cells = row(engine, query, expected, run(browser, base, query))
                        lines.append("| " + " | ".join(cells) + " |")
                        print(lines[-1], flush=True)
            browser.close()
    lines.append("")
    lines.append(f"Pagefind indexed the built site in {index_s:.2f} s.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "search.md").write_text("\n".join(lines) + "\n")
    print(lines[-1])


if __name__ == "__main__":
    main()
