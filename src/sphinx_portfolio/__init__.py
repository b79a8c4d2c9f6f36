"""sphinx_portfolio: an academic portfolio from MyST pages and a refs.bib.

``setup()`` only registers; each concern lives in its own module:

* :mod:`.config`: our configuration values;
* :mod:`.bibdata`: refs.bib read once, located, and the publication model;
* :mod:`.validate`: the rules refs.bib must pass (also ``python -m sphinx_portfolio
  check``);
* :mod:`.style`: the pybtex style sphinxcontrib-bibtex formats lists with;
* :mod:`.lists`: the ``publications`` and ``publication-filter`` directives and the
  list markup;
* :mod:`.rendered`: each listed work's markup rendered once and kept by content;
* :mod:`.metadata`: Highwire tags, JSON-LD, CSL-JSON, cleaned BibTeX;
* :mod:`.pages`: a generated page per paper, and the exports;
* :mod:`.cv`: the CV page printed to a PDF;
* :mod:`.news`: dated news items, the latest on a page, an Atom feed;
* :mod:`.search`: the Pagefind index behind the theme's search box;
* :mod:`.site`: profile links, JSON-LD Person, the sitemap, robots.txt, URLs for
  the metadata extensions;
* :mod:`.socialcards`: sphinxext-opengraph's cards, matplotlib loaded only to draw;
* :mod:`.outputs`: the output folder as a clean build writes it (stale files
  removed, every page written again when what they share changed);
* :mod:`.collector`: the garbage collector kept off the environment's objects;
* :mod:`.warnings_`: the registry of warning subtypes.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import bibdata, bibtex_adapter, validate
from .citations import setup_citations
from .collector import setup_collector
from .config import owner_names, setup_config
from .cv import setup_cv
from .exports import setup_exports
from .head import setup_head
from .lists import citations_stale, setup_lists
from .news import setup_news
from .outputs import setup_outputs
from .papers import setup_papers
from .profiles import setup_profiles
from .rendered import setup_rendered
from .search import setup_search
from .sitemap import setup_sitemap
from .socialcards import setup_social_cards
from .state import bib_paths, get_bibdata
from .style import keep_formatted, register_style
from .stylesheet import setup_stylesheet

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__version__ = "0.3.0"

HERE = Path(__file__).parent
STATIC = HERE / "static"


def read_bibfiles(app: Sphinx) -> None:
    """Parse the bib files once, report every problem, and share the result.

    Runs before sphinxcontrib-bibtex's own ``builder-inited`` handler and hands it
    the parsed data, which its mtime check then keeps: one parse, no traceback on
    a syntax error, and no entry dropped after a duplicate key.
    """
    paths = bib_paths(app)
    owner = owner_names(app.config)
    parsed = get_bibdata(app.env)
    # the environment keeps the last parse: reuse it while the files are unchanged
    if parsed.owner != owner or parsed.mtimes != {p: bibdata.mtime(p) for p in paths}:
        previous, parsed = parsed, bibdata.parse(paths, owner, parsed)
        citations_stale(app)
        if set(previous.files) != set(paths):
            _BIBFILES_MOVED.add(app)
        if list(previous.data.entries) != list(parsed.data.entries):
            _KEYS_CHANGED.add(app)
        parsed.checked = validate.check(parsed, owner)
        keep_formatted(previous, parsed)
    for problem in parsed.checked:
        problem.kind.log(problem.message, problem.location)
    app.env.portfolio_bibdata = parsed  # type: ignore[attr-defined]
    bibtex_adapter.hand_over(
        app.env,
        app.config.bibtex_encoding,
        {path: (mtime, parsed.files[path]) for path, mtime in parsed.mtimes.items()},
        parsed.data,
    )


#: the applications whose ``bibtex_bibfiles`` changed since the last build
_BIBFILES_MOVED: weakref.WeakSet[Sphinx] = weakref.WeakSet()
#: the applications whose bib files hold other keys than at the last parse
_KEYS_CHANGED: weakref.WeakSet[Sphinx] = weakref.WeakSet()


def reread_changed_bibfiles(
    app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: a later build of the same app (``builder-inited`` runs
    once per app) reads the bib files again if they changed; Sphinx then re-reads
    the documents that depend on them.

    When ``bibtex_bibfiles`` names other files, the documents with a list are
    read again too: sphinxcontrib-bibtex (2.7.0) notes the files a list read
    as its dependencies, and those did not change, so its lists kept pointing at
    a file no longer configured (a traceback)."""
    current = {path: bibdata.mtime(path) for path in bib_paths(app)}
    if get_bibdata(env).mtimes != current:
        read_bibfiles(app)
    if app not in _BIBFILES_MOVED and app not in _KEYS_CHANGED:
        return []
    _BIBFILES_MOVED.discard(app)
    _KEYS_CHANGED.discard(app)
    return sorted(bibtex_adapter.list_documents(env) - removed)


def drop_bib_dependency(app: Sphinx, doctree: Any) -> None:
    """``doctree-read``: a document with a bibliography is read again when the bib
    files' keys change (sphinxcontrib-bibtex gives each list a placeholder per
    key), not on every edit of them: its lists are filled from the environment
    after reading (``lists.place_citations``, which writes again the documents
    whose lists changed).  Footnote citations are formatted while the document is
    read: a document with them keeps depending on the files."""
    env = app.env
    if bibtex_adapter.reads_footnotes(env):
        return
    dependencies = env.dependencies.get(env.docname)
    if dependencies:
        bibfiles = {os.fspath(path) for path in bib_paths(app)}
        # (Sphinx keeps them as paths, which are not equal to strings)
        dependencies.difference_update(
            [path for path in dependencies if os.fspath(path) in bibfiles]
        )


def add_templates(app: Sphinx, config: Config) -> None:
    """``config-inited``, before the builder reads it: our templates are findable.

    A new list: the one in the configuration may be the default, shared by every
    application of the process (a second build would find our folder twice)."""
    config.templates_path = [*config.templates_path, str(HERE / "templates")]


def add_static_files(app: Sphinx) -> None:
    config = app.config
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    app.add_css_file("portfolio.css")
    app.add_css_file("portfolio-icons.css")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    register_style()
    setup_config(app)
    setup_collector(app)
    setup_lists(app)
    setup_rendered(app)
    setup_social_cards(app)
    setup_citations(app)
    setup_papers(app)
    setup_exports(app)
    setup_cv(app)
    setup_head(app)
    setup_profiles(app)
    setup_stylesheet(app)
    setup_sitemap(app)
    setup_news(app)
    setup_search(app)
    setup_outputs(app)
    app.connect("builder-inited", read_bibfiles, priority=400)
    app.connect("env-get-outdated", reread_changed_bibfiles)
    app.connect("doctree-read", drop_bib_dependency)
    app.connect("config-inited", add_templates)
    app.connect("builder-inited", add_static_files)
    return {
        "version": __version__,
        "env_version": 11,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
