"""The output folder holds what a clean build of the same sources writes.

Sphinx never deletes anything from its output folder, and writes again only the
documents it read again.  So after an edit, an incremental build differed from a
clean one in two ways, both fixed here:

* **Files whose source is gone stayed online**: a removed page, the paper page and
  BibTeX of a removed or renamed work, the social card of a page's old title, an
  image no page shows any more, a static file taken out of ``html_static_path``,
  the CV PDF or the feed once turned off.  Every build lists, by producer, the
  files it writes or keeps (:func:`produced`), and records the list in the
  doctree folder.  At the end of the next build, a file the last list holds and
  this one does not is removed, with the folders that leaves empty.  A file no
  producer here knows (another extension's) is never touched: a clean build may
  write it too.  The Pagefind bundle is replaced whole (:mod:`.search`).
* **Pages that share a changed part were not written again**: the sidebar of
  every page shows every document's title and the toctree, and every page links
  our static files with a checksum.  When what every page shares changed
  (:func:`.state.frame_key`), every document is written again
  (``env-updated``), as a clean build would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from sphinx.util import logging
from sphinx.util.matching import DOTFILES, Matcher

from . import cv, exports, search, stylesheet
from .stamps import Stamps
from .state import WEB_BUILDERS, frame_key, generates_pages, get_bibdata

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.environment import BuildEnvironment

LOGGER = logging.getLogger(__name__)
#: the list of the last build's files, in the doctree folder
LEDGER = "portfolio-outputs.json"
#: what the pages share, as of the last written build
FRAME = "portfolio-frame.json"
#: a folder listed as a whole (its files are the producer's own business)
FOLDER_MARK = "/"
#: Sphinx's output folders that hold what documents refer to
REFERENCED = ("_images/", "_downloads/")
_REFERENCE = re.compile(
    r"""(?:src|href|content)=["']([^"']*(?:_images|_downloads)/[^"']*)["']"""
)


def _relative(out: Path, path: Path | str) -> str:
    """*path*, below *out*, relative to it (``..`` resolved: no file system call)."""
    return Path(os.path.normpath(path)).relative_to(os.path.normpath(out)).as_posix()


def _pages(app: Sphinx, builder: StandaloneHTMLBuilder) -> Iterator[str]:
    """The page names the HTML builder writes: documents, its own generated
    pages, the additional pages of the configuration."""
    yield from app.env.found_docs
    if getattr(builder, "search", False) or search.enabled(app):
        yield "search"
    if getattr(builder, "use_index", False):
        yield "genindex"
    for index in getattr(builder, "domain_indices", ()):
        yield index[0]
    yield from app.config.html_additional_pages


def _sources(app: Sphinx) -> Iterator[str]:
    """``_sources/``, where ``html_copy_source`` puts each document's source."""
    if not app.config.html_copy_source:
        return
    suffix = app.config.html_sourcelink_suffix
    for doc in app.env.found_docs:
        own = str(app.env.doc2path(doc, False))[len(doc) :]
        yield f"_sources/{doc}{own}{suffix if own != suffix else ''}"


def _static(app: Sphinx, builder: StandaloneHTMLBuilder) -> Iterator[str]:
    """``_static/`` as copied from the theme and ``html_static_path`` (a template
    ``name.css.jinja`` or ``name.css_t`` is written as ``name.css``)."""
    config = app.config
    confdir = Path(app.confdir)
    roots: list[tuple[Path, Matcher]] = []
    theme = getattr(builder, "theme", None)
    if theme is not None:
        roots += [(Path(d, "static"), DOTFILES) for d in theme.get_theme_dirs()]
    excluded = Matcher([*config.exclude_patterns, "**/.*"])
    roots += [(confdir / entry, excluded) for entry in config.html_static_path]
    for root, matcher in roots:
        if root.is_file():
            files: Iterable[Path] = [root]
            base = root.parent
        elif root.is_dir():
            files = (p for p in root.rglob("*") if p.is_file())
            base = root
        else:
            continue
        for path in files:
            name = path.relative_to(base).as_posix()
            if matcher(name):
                continue
            yield "_static/" + re.sub(r"(\.jinja|_t)$", "", name)
    for value in (config.html_logo, config.html_favicon):
        if value and not urlsplit(value).scheme:
            yield f"_static/{Path(value).name}"


def _referenced(out: Path, pages: Iterable[str]) -> Iterator[str]:
    """The images and downloads the written *pages* (paths in *out*) refer to:
    Sphinx's copies of a document's images and files, the social cards of
    sphinxext-opengraph, the images of other extensions."""
    for name in pages:
        path = out / name
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for match in _REFERENCE.finditer(text):
            parts = urlsplit(match.group(1))
            if not parts.path or parts.scheme not in {"", "http", "https"}:
                continue
            # an absolute URL (og:image) holds the path below the site's address
            found = unquote(parts.path)
            marker = next((m for m in REFERENCED if m in found), None)
            if marker is None:
                continue
            if parts.scheme or found.startswith("/"):
                yield found[found.index(marker) :]
                continue
            target = path.parent / found
            try:
                yield _relative(out, target)
            except ValueError:
                continue


def produced(app: Sphinx) -> set[str]:
    """Every file (and folder, ending in "/") this build wrote or kept, as paths
    relative to the output folder, by the producers that are known here."""
    builder: StandaloneHTMLBuilder = app.builder  # type: ignore[assignment]
    config = app.config
    out = Path(app.outdir)
    pages = {
        _relative(out, builder.get_outfilename(name)) for name in _pages(app, builder)
    }
    files = set(pages)
    files |= set(_referenced(out, pages))
    files |= set(_sources(app))
    files |= set(_static(app, builder))
    if generates_pages(builder):
        folder = config.portfolio_paper_dir
        for slug in get_bibdata(app.env).slugs.values():
            if builder.name == "html":  # get_outfilename's answer, 50 times faster
                files.add(f"{folder}/{slug}{builder.out_suffix}")
            else:
                files.add(_relative(out, builder.get_outfilename(f"{folder}/{slug}")))
        files |= {_relative(out, path) for path in exports.export_paths(app)}
    if search.enabled(app):
        files.add(search.BUNDLE + FOLDER_MARK)
    elif getattr(builder, "search", False):
        files.add("searchindex.js")
    if cv.enabled(app):
        files.add(config.portfolio_cv_pdf)
    if stylesheet.enabled(app):
        files.add(stylesheet.TARGET)
    if config.portfolio_news:
        files.add("news.xml")
    if config.html_baseurl:
        files.add("sitemap.xml")
    files |= {"robots.txt", "objects.inv", ".buildinfo"}
    return files


def _remove(out: Path, name: str) -> bool:
    """Remove *name* below *out* and the folders it leaves empty."""
    path = out / name.rstrip(FOLDER_MARK)
    try:
        path.resolve().relative_to(out.resolve())
    except ValueError:  # never outside the output folder
        return False
    if name.endswith(FOLDER_MARK):
        if not path.is_dir():
            return False
        shutil.rmtree(path)
    elif path.is_file() or path.is_symlink():
        path.unlink()
    else:
        return False
    parent = path.parent
    while parent != out and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
    return True


def remove_stale(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``, before the search index is built: the files the last
    build produced and this one does not are removed; this build's list is kept."""
    if exception is not None or app.builder.name not in WEB_BUILDERS:
        return
    out = Path(app.outdir)
    ledger = Path(app.doctreedir) / LEDGER
    try:
        last = json.loads(ledger.read_text())
        # the list of another output folder (a doctree folder shared by two
        # builders) says nothing of this one
        previous = set(last["files"]) if last["out"] == str(out) else set()
    except (OSError, ValueError, TypeError, KeyError):
        previous = set()
    current = produced(app)
    # Sphinx's copy of the last build's .buildinfo when the configuration changed:
    # build state, which a clean build does not write
    previous.add(".buildinfo.bak")
    # and the build state a build with Sphinx's default -d left in the site
    if Path(app.doctreedir).resolve() != (out / ".doctrees").resolve():
        previous.add(".doctrees" + FOLDER_MARK)
    removed = [name for name in sorted(previous - current) if _remove(out, name)]
    if removed:
        LOGGER.info(
            f"removed {len(removed)} file(s) no longer produced: "
            + ", ".join(removed[:5])
            + (", ..." if len(removed) > 5 else "")
        )
    ledger.write_text(json.dumps({"out": str(out), "files": sorted(current)}, indent=0))
    stamps = Stamps(app.doctreedir, FRAME)
    stamps.fresh("frame", _FRAMES.pop(app, "") or frame_key(app))
    stamps.save()


#: each build's frame, from ``env-updated`` (nothing it is made of changes later)
_FRAMES: weakref.WeakKeyDictionary[Sphinx, str] = weakref.WeakKeyDictionary()


def rewrite_on_frame_change(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: every document is written again when what every page
    shows besides its own content (the titles, the toctree, the configuration,
    the static files) differs from the last build's."""
    if app.builder.name not in WEB_BUILDERS:
        return []
    frame = _FRAMES[app] = frame_key(app)
    if Stamps(app.doctreedir, FRAME).fresh("frame", frame):
        return []
    return sorted(env.found_docs)


def setup_outputs(app: Sphinx) -> dict[str, Any]:
    app.connect("env-updated", rewrite_on_frame_change)
    # once the pages are written, before Pagefind reads them (160); what the other
    # build-finished handlers write (500) is listed without being looked at
    app.connect("build-finished", remove_stale, priority=150)
    return {}
