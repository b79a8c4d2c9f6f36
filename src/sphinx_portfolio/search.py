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
kept the fragments of removed pages.  Above ``SHARD_ABOVE`` paper pages, they are
indexed in shards, bundles of their own merged by the search script, and a bundle
is built again only when its own pages changed: Pagefind has no incremental mode.

Sphinx's own index (``searchindex.js``) is not built: no page loads it, and feeding
it every written page was a tenth of a rebuild's time at 1,000 works.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from .diagnostics import PortfolioWarning
from .stamps import Stamps, digest
from .state import WEB_BUILDERS, frame_key, generates_pages

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sphinx.application import Sphinx

LOGGER = logging.getLogger(__name__)
#: the bundle's folder in the built site
BUNDLE = "_pagefind"
#: parts of a page body that are not its text (the citations repeat the page's)
EXCLUDED = (
    ".headerlink",
    ".publication-filter",
    ".copy-button",
    ".citations",
    ".cite-work",
)


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
    stamps = Stamps(app.doctreedir, "portfolio-search-page.json")
    written = app.builder.get_output_path("search")  # type: ignore[attr-defined]
    if stamps.fresh("search", frame_key(app), written):
        return
    yield "search", {}, "search.html"
    # resumed once Sphinx has written the page
    stamps.save()


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


def _page_digests(out: Path, manifest: Path) -> dict[str, str]:
    """Each page's content digest. Sphinx writes some pages on every build (the
    search and 404 pages) with the same bytes: a page whose size or time changed
    is read again, the others keep the hash *manifest* recorded."""
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
    return {name: entry[2] for name, entry in current.items()}


#: above this many paper pages, they are indexed in shards of about SHARD_SIZE
#: pages (at most MAX_SHARDS), bundles of their own that the search script merges
#: (Pagefind's ``mergeIndex``): an edit of one work then indexes its shard and the
#: documents, not every paper page (1.3 s at 1,000 works), for more requests on a
#: visitor's first search (benchmarks/README.md)
SHARD_ABOVE = 400
SHARD_SIZE = 250
MAX_SHARDS = 8
#: the list of shard bundles, read by the search script
SHARD_LIST = "portfolio-shards.json"
#: the folders of links to each bundle's pages, in the build state, while indexed
PAGES = "portfolio-pagefind-pages"
#: what a shard needs of a bundle (the primary brings the scripts)
SHARD_FILES = ("pagefind-entry.json", "*.pf_meta", "index", "fragment", "filter")


def _groups(app: Sphinx, pages: dict[str, str]) -> dict[str, list[str]]:
    """The pages of each bundle: ``""`` the site's own, ``shard-N`` paper pages."""
    prefix = f"{app.config.portfolio_paper_dir}/"
    papers = (
        [name for name in pages if name.startswith(prefix)]
        if generates_pages(app.builder)
        else []
    )
    if len(papers) <= SHARD_ABOVE:
        return {"": list(pages)}
    groups: dict[str, list[str]] = {"": [n for n in pages if not n.startswith(prefix)]}
    count = min(MAX_SHARDS, -(-len(papers) // SHARD_SIZE))
    for name in papers:
        shard = int(hashlib.sha256(name.encode()).hexdigest(), 16) % count
        groups.setdefault(f"shard-{shard}", []).append(name)
    return groups


#: each bundle's digest of its pages, in the build state
STAMPS = "portfolio-search.json"


def start_index(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``, once the pages are written and the stale ones removed:
    Pagefind started on each bundle whose pages changed, side by side."""
    if exception is not None or not enabled(app):
        return
    out = Path(app.outdir)
    state = Path(app.doctreedir)
    excluded = list(EXCLUDED)
    if generates_pages(app.builder):
        excluded.append(".publication-list")
    pages = _page_digests(out, state / "portfolio-search-pages.json")
    groups = _groups(app, pages)
    bundle = out / BUNDLE
    stamps = Stamps(state, STAMPS)
    settings = (str(excluded), app.config.language or "")
    stale = []
    for group, names in groups.items():
        made_of = digest(*(f"{name} {pages[name]}" for name in names), *settings)
        if not stamps.fresh(group, made_of, bundle / group / "pagefind-entry.json"):
            stale.append(group)
    if not stale and set(stamps.previous) == set(stamps.current):
        LOGGER.info("search index is up to date")
        return
    sharded = len(groups) > 1

    def start(group: str) -> tuple[subprocess.Popen[str] | None, Path]:
        return _start_pagefind(app, out, state, group, groups[group], excluded, sharded)

    # as many at a time as there are cores (each is multithreaded; more would
    # only add up their memory), the rest as they finish
    at_once = max(1, min(2, os.cpu_count() or 1))
    runs = {group: start(group) for group in stale[:at_once]}
    _INDEXING[app] = (
        runs,
        stale[at_once:],
        start,
        groups,
        stamps,
        time.perf_counter(),
    )


Run = tuple[subprocess.Popen[str] | None, Path]
#: each build's Pagefind processes from `start_index` to `finish_index`: those
#: running, the bundles waiting, how to start one, the pages and the stamps
_INDEXING: weakref.WeakKeyDictionary[
    Sphinx,
    tuple[
        dict[str, Run],
        list[str],
        Callable[[str], Run],
        dict[str, list[str]],
        Stamps,
        float,
    ],
] = weakref.WeakKeyDictionary()


def finish_index(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``, after the other outputs were written meanwhile: each
    fresh bundle put in place, or the reason there is none."""
    indexing = _INDEXING.pop(app, None)
    if indexing is None:
        return
    running, waiting, start_one, groups, stamps, start = indexing
    bundle = Path(app.outdir) / BUNDLE
    failure = ""
    runs: dict[str, Run] = {}
    while running:
        group = next(iter(running))
        process, fresh = runs[group] = running.pop(group)
        if process is None:
            failure = failure or "Pagefind did not start"
        else:
            stdout, stderr = process.communicate()
            if process.returncode or not (fresh / "pagefind-entry.json").is_file():
                lines = (stderr or stdout).strip().splitlines()
                failure = failure or (
                    lines[-1] if lines else f"exit status {process.returncode}"
                )
        if waiting:
            following = waiting.pop(0)
            running[following] = start_one(following)
    shutil.rmtree(Path(app.doctreedir) / PAGES, ignore_errors=True)
    if failure:
        PortfolioWarning.SEARCH.log(
            f"cannot build the search index: {failure}; "
            "Pagefind comes with `pip install 'pagefind[extended]'`",
            None,
        )
        return
    _install(bundle, runs, groups)
    stamps.save()
    LOGGER.info(f"search index built in {time.perf_counter() - start:.2f} s")


def _start_pagefind(
    app: Sphinx,
    out: Path,
    state: Path,
    group: str,
    names: list[str],
    excluded: list[str],
    sharded: bool,
) -> tuple[subprocess.Popen[str] | None, Path]:
    """Start Pagefind on the pages *names* of bundle *group*, written beside the
    build state (Pagefind adds to an existing bundle, which would keep fragments
    of pages no longer there).  A sharded bundle reads its pages from a folder of
    links to them, laid out as the site (so that their addresses are the same)."""
    fresh = state / "portfolio-pagefind" / (group or "site")
    shutil.rmtree(fresh, ignore_errors=True)
    site = out
    if sharded:
        site = state / PAGES / (group or "site")
        shutil.rmtree(site, ignore_errors=True)
        for name in names:
            target = site / name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(out / name, target)
            except OSError:  # another file system, or no hard links
                shutil.copyfile(out / name, target)
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--output-path",
        str(fresh),
        "--keep-index-url",
        "--silent",
    ]
    for selector in excluded:
        command += ["--exclude-selectors", selector]
    if app.config.language:
        command += ["--force-language", app.config.language.split("_")[0]]
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    except OSError:
        return None, fresh
    return process, fresh


def _install(
    bundle: Path,
    runs: dict[str, tuple[subprocess.Popen[str] | None, Path]],
    groups: dict[str, list[str]],
) -> None:
    """Put each fresh bundle in place (a move, not a rename: the build state may
    lie on another file system): the site's own at ``_pagefind/``, each shard at
    ``_pagefind/shard-N/`` with only what merging it needs; drop shards gone."""
    bundle.mkdir(parents=True, exist_ok=True)
    shards = sorted(group for group in groups if group)
    for path in bundle.iterdir():
        if path.name.startswith("shard-"):
            if path.name not in shards or path.name in runs:
                shutil.rmtree(path)
        elif "" in runs:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for group, (_, fresh) in runs.items():
        if not group:
            for path in fresh.iterdir():
                shutil.move(path, bundle / path.name)
            continue
        target = bundle / group
        target.mkdir()
        for pattern in SHARD_FILES:
            for path in fresh.glob(pattern):
                shutil.move(path, target / path.name)
        shutil.rmtree(fresh, ignore_errors=True)
    (bundle / SHARD_LIST).write_text(json.dumps([f"{s}/" for s in shards]))


def setup_search(app: Sphinx) -> None:
    app.connect("builder-inited", replace_sphinx_index)
    app.connect("html-collect-pages", search_page)
    app.connect("html-page-context", mark_indexed)
    # once every page is written and the stale ones removed (150), while the other
    # outputs are written (500); put in place before the CV's outcome (950)
    app.connect("build-finished", start_index, priority=160)
    app.connect("build-finished", finish_index, priority=900)
