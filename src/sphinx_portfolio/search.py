"""Full-text search: a Pagefind index of the built pages, behind the theme's own
search box, Ctrl+K dialog and search page.

Pagefind (the ``pagefind[extended]`` wheel ships its binary) indexes the written
HTML after the build: every document and every paper page, each from the
``data-pagefind-body`` element our ``page.html`` puts around the page body, so
menus and footers stay out. Where paper pages exist, the publication lists are
left out too: a work's words then lead to its own page. Pagefind folds case and
accents, stems English, matches the last word as a prefix, and returns excerpts
with the matched words marked. ``portfolio-search.js`` loads it on the first
search, from the site itself.

The index is built again only when a page's content changed, into a folder of its
own that then replaces the bundle whole: Pagefind adds to an existing bundle, which
kept the fragments of removed pages.

Sphinx's own index (``searchindex.js``) is not built: no page loads it, and feeding
it every written page was a tenth of a rebuild's time at 1,000 works.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from .config import WEB_BUILDERS
from .lists import generates_pages
from .pages import frame_key
from .warnings_ import PortfolioWarning

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx

LOGGER = logging.getLogger(__name__)
#: the bundle's folder in the built site
BUNDLE = "_pagefind"
#: parts of a page body that are not its text
EXCLUDED = (".headerlink", ".publication-filter", ".copy-button")


def enabled(app: Sphinx) -> bool:
    return app.builder.name in WEB_BUILDERS and bool(app.config.portfolio_search)


def replace_sphinx_index(app: Sphinx) -> None:
    """``builder-inited``: Pagefind replaces Sphinx's index, so the builder feeds
    no written page to an indexer and writes no ``searchindex.js``; the search
    page, which Sphinx then leaves out, is written by `search_page`."""
    if enabled(app):
        # the attribute HTML Help and Apple Help builders clear for the same end
        app.builder.search = False  # type: ignore[attr-defined]
        (Path(app.outdir) / "searchindex.js").unlink(missing_ok=True)


def search_page(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``html-collect-pages``: the search page (`mark_indexed` makes it ours),
    written again only when what it is made of changed: it has no content of its
    own, only what every page shares (the paper pages' key)."""
    if not enabled(app):
        return
    stamp = Path(app.doctreedir) / "portfolio-search-page.sha256"
    key = frame_key(app)
    written = app.builder.get_output_path("search")  # type: ignore[attr-defined]
    if written.is_file() and stamp.is_file() and stamp.read_text() == key:
        return
    yield "search", {}, "search.html"
    # resumed once Sphinx has written the page
    stamp.write_text(key)


def is_unsearched(app: Sphinx, docname: str) -> bool:
    """A document that asked to be left out of search (Sphinx's ``nosearch``
    metadata; sphinx-notfound-page sets it on a ``404`` document)."""
    return bool({"nosearch", "no-search"} & app.env.metadata.get(docname, {}).keys())


def mark_indexed(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> str | None:
    """``html-page-context``: documents and paper pages are indexed (search, 404
    and other generated pages are not, nor documents marked ``nosearch``); the
    search script goes on every page; the search page is ours."""
    if not enabled(app):
        return None
    context["portfolio_indexed"] = (
        doctree is not None and not is_unsearched(app, pagename)
    ) or bool(context.get("portfolio_paper"))
    # where the search page sends a visitor without JavaScript
    listing = app.config.portfolio_publications_page
    found = app.env.found_docs
    context["portfolio_search_fallback"] = (
        listing if listing in found else app.config.root_doc
    )
    app.add_js_file("portfolio-search.js", loading_method="defer")
    return "portfolio-search.html" if templatename == "search.html" else None


def _pages_digest(out: Path, manifest: Path) -> str:
    """A digest of every page's content. Sphinx writes some pages on every build
    (the search and 404 pages) with the same bytes: a page whose size or time
    changed is read again, the others keep the hash *manifest* recorded."""
    try:
        known = json.loads(manifest.read_text())
    except (OSError, ValueError):
        known = {}
    current = {}
    for path in sorted(out.rglob("*.html")):
        name = path.relative_to(out).as_posix()
        if name.startswith(f"{BUNDLE}/"):
            continue
        stat = path.stat()
        seen = known.get(name)
        if seen and seen[:2] == [stat.st_size, stat.st_mtime_ns]:
            current[name] = seen
        else:
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
            current[name] = [stat.st_size, stat.st_mtime_ns, sha]
    manifest.write_text(json.dumps(current))
    return hashlib.sha256(
        "\n".join(f"{name} {entry[2]}" for name, entry in current.items()).encode()
    ).hexdigest()


def build_index(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: index the written site with Pagefind."""
    if exception is not None or not enabled(app):
        return
    out = Path(app.outdir)
    excluded = list(EXCLUDED)
    if generates_pages(app.builder):
        excluded.append(".publication-list")
    stamp = Path(app.doctreedir) / "portfolio-search.sha256"
    pages = _pages_digest(out, Path(app.doctreedir) / "portfolio-search-pages.json")
    digest = hashlib.sha256(
        f"{pages}\n{excluded}\n{app.config.language}".encode()
    ).hexdigest()
    if (
        (out / BUNDLE / "pagefind.js").is_file()
        and stamp.is_file()
        and stamp.read_text() == digest
    ):
        LOGGER.info("search index is up to date")
        return
    # written beside the build state, then put in place whole: Pagefind adds to
    # a bundle folder, so fragments of pages no longer there would stay in it
    fresh = Path(app.doctreedir) / "portfolio-pagefind"
    shutil.rmtree(fresh, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(out),
        "--output-path",
        str(fresh),
        "--keep-index-url",
        "--silent",
    ]
    for selector in excluded:
        command += ["--exclude-selectors", selector]
    if app.config.language:
        command += ["--force-language", app.config.language.split("_")[0]]
    start = time.perf_counter()
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        result = subprocess.CompletedProcess(command, 1, "", str(error))
    if result.returncode or not (fresh / "pagefind.js").is_file():
        lines = (result.stderr or result.stdout).strip().splitlines()
        PortfolioWarning.SEARCH.log(
            "cannot build the search index: "
            + (lines[-1] if lines else f"exit status {result.returncode}")
            + "; Pagefind comes with `pip install 'pagefind[extended]'`",
            None,
        )
        return
    # (a move, not a rename: the build state may lie on another file system)
    shutil.rmtree(out / BUNDLE, ignore_errors=True)
    shutil.move(fresh, out / BUNDLE)
    stamp.write_text(digest)
    LOGGER.info(f"search index built in {time.perf_counter() - start:.2f} s")


def setup_search(app: Sphinx) -> None:
    app.connect("builder-inited", replace_sphinx_index)
    app.connect("html-collect-pages", search_page)
    app.connect("html-page-context", mark_indexed)
    # after every page is written (ours at the default 500, other extensions')
    app.connect("build-finished", build_index, priority=900)
