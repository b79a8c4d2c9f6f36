"""sphinx_portfolio: an academic portfolio from MyST pages and a refs.bib.

``setup()`` only registers; each concern lives in its own module:

* :mod:`.config`: our configuration values;
* :mod:`.bibdata`: refs.bib read once, located, and the publication model;
* :mod:`.validate`: the rules refs.bib must pass (also ``python -m sphinx_portfolio
  check``);
* :mod:`.style`: the pybtex style sphinxcontrib-bibtex formats lists with;
* :mod:`.lists`: the ``publications`` and ``publication-filter`` directives and the
  list markup;
* :mod:`.metadata`: Highwire tags, JSON-LD, CSL-JSON, cleaned BibTeX;
* :mod:`.pages`: a generated page per paper, and the exports;
* :mod:`.warnings_`: the registry of warning subtypes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sphinxcontrib.bibtex.bibfile import BibData as CiteBibData
from sphinxcontrib.bibtex.bibfile import BibFile, get_mtime

from . import bibdata, validate
from .config import owner_names, setup_config
from .lists import setup_lists
from .pages import setup_pages
from .style import register_style

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinxcontrib.bibtex.domain import BibtexDomain

__version__ = "0.2.0"

STATIC = Path(__file__).parent / "static"


def read_bibfiles(app: Sphinx) -> None:
    """Parse the bib files once, report every problem, and share the result.

    Runs before sphinxcontrib-bibtex's own ``builder-inited`` handler and hands it
    the parsed data, which its mtime check then keeps: one parse, no traceback on
    a syntax error, and no entry dropped after a duplicate key.
    """
    paths = [
        (Path(app.confdir) / name).resolve()
        for name in app.config.bibtex_bibfiles or ()
    ]
    owner = owner_names(app.config)
    parsed = bibdata.parse(paths, owner)
    for problem in validate.check(parsed, owner):
        problem.kind.log(problem.message, problem.location)
    app.env.portfolio_bibdata = parsed  # type: ignore[attr-defined]
    register_style(parsed.publications)
    domain = cast("BibtexDomain", app.env.get_domain("cite"))
    domain.data["bibdata"] = CiteBibData(
        encoding=app.config.bibtex_encoding,
        bibfiles={
            path: BibFile(mtime=get_mtime(path), keys=dict.fromkeys(keys))
            for path, keys in parsed.files.items()
        },
        data=parsed.data,
    )


def add_static_files(app: Sphinx) -> None:
    app.config.html_static_path.append(str(STATIC))
    app.add_css_file("portfolio.css")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    setup_config(app)
    setup_lists(app)
    setup_pages(app)
    app.connect("builder-inited", read_bibfiles, priority=400)
    app.connect("builder-inited", add_static_files)
    return {
        "version": __version__,
        "env_version": 2,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
