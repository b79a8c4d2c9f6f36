"""The CV as a PDF, printed from the very page the site shows.

While the HTML builder writes the CV document (``portfolio_cv_doc``), we keep its
rendered body.  That body goes into a small print template with our own stylesheet
(no theme: WeasyPrint lays out the theme's CSS slowly and badly), and WeasyPrint
turns it into ``portfolio_cv_pdf`` in a process of its own, started as soon as the
body is known and waited for when the build finishes: a long CV is laid out on a
second core while the site is written.  The PDF is written again only
when what goes into it changed (the body, the stylesheet, the paper size, the
WeasyPrint version): a content hash next to the environment decides.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import posixpath
import subprocess
import sys
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .config import WEB_BUILDERS
from .pages import site_file_link
from .warnings_ import PortfolioWarning

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder

LOGGER = logging.getLogger(__name__)
HERE = Path(__file__).parent
PRINT_CSS = HERE / "static" / "cv-print.css"
TEMPLATE = "portfolio-cv-print.html"
#: the printer process: HTML file, base URL, PDF file. It needs WeasyPrint only,
#: and says in one line on stderr when WeasyPrint cannot be used.
PRINTER = """\
import sys
try:
    import weasyprint
except (ImportError, OSError) as error:  # OSError: Pango is missing
    sys.exit(
        f"WeasyPrint is not usable ({error}); install it with `pip install "
        "weasyprint` and the Pango library (Debian: libpango-1.0-0 libpangoft2-1.0-0)"
    )
source, base_url, target = sys.argv[1:]
with open(source, encoding="utf-8") as file:
    document = file.read()
weasyprint.HTML(string=document, base_url=base_url).write_pdf(target)
"""


def enabled(app: Sphinx) -> bool:
    config = app.config
    return (
        app.builder.name in WEB_BUILDERS
        and bool(config.portfolio_cv_doc)
        and bool(config.portfolio_cv_pdf)
    )


def _cache(app: Sphinx, suffix: str) -> Path:
    return Path(app.doctreedir) / f"portfolio-cv.{suffix}"


def keep_cv_body(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: every page links the PDF; the CV page's body is kept,
    and the PDF starts printing now, beside the rest of the build."""
    if not enabled(app):
        return
    context["portfolio_cv_pdf"] = app.config.portfolio_cv_pdf
    if pagename == app.config.portfolio_cv_doc and "body" in context:
        _cache(app, "body").write_text(context["body"], encoding="utf-8")
        if os.getpid() == _state(app).get("pid"):  # not a parallel write worker
            start_printing(app, context["body"])


#: per application: the main process's id, and this build's printer
_STATES: weakref.WeakKeyDictionary[Sphinx, dict[str, Any]] = weakref.WeakKeyDictionary()


def _state(app: Sphinx) -> dict[str, Any]:
    return _STATES.setdefault(app, {})


def remember_process(app: Sphinx) -> None:
    """``builder-inited``: the process that may start (and must wait for) the
    printer; a parallel write worker only keeps the body for it."""
    _state(app)["pid"] = os.getpid()


def _document(app: Sphinx, body: str) -> str:
    config = app.config
    builder: StandaloneHTMLBuilder = app.builder  # type: ignore[assignment]
    return str(
        builder.templates.render(
            TEMPLATE,
            {
                "lang": config.language or "en",
                "title": f"{config.author}: Curriculum Vitae",
                "author": config.author,
                "subject": f"Curriculum vitae of {config.author}",
                "keywords": "curriculum vitae, CV, publications",
                "paper": config.portfolio_cv_paper,
                "css": PRINT_CSS.read_text(encoding="utf-8"),
                "body": body,
            },
        )
    )


def start_printing(app: Sphinx, body: str) -> None:
    """Start printing the PDF in a process of its own if its inputs changed since
    the last one; a second core lays it out while this one writes the site."""
    state = _state(app)
    config = app.config
    target = Path(app.outdir) / config.portfolio_cv_pdf
    try:
        # the version, without the second it takes to import WeasyPrint
        version = importlib.metadata.version("weasyprint")
    except importlib.metadata.PackageNotFoundError:
        version = ""
    document = _document(app, body)
    digest = hashlib.sha256(f"{version}\n{document}".encode()).hexdigest()
    stamp = _cache(app, "sha256")
    if version and target.is_file() and stamp.is_file() and stamp.read_text() == digest:
        state["printer"] = None
        LOGGER.info(f"{config.portfolio_cv_pdf} is up to date")
        return
    source = _cache(app, "html")
    source.write_text(document, encoding="utf-8")
    stamp.unlink(missing_ok=True)
    # relative links resolve against the CV page's address on the site
    page = app.builder.get_target_uri(config.portfolio_cv_doc)
    base = config.html_baseurl or Path(app.outdir).as_uri() + "/"
    process = subprocess.Popen(
        [sys.executable, "-c", PRINTER, source, posixpath.join(base, page), target],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    state["printer"] = (process, digest, time.perf_counter())


def write_cv_pdf(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: start the printer if the CV page was not written in this
    process, then wait for it and report."""
    if exception is not None or not enabled(app):
        return
    config = app.config
    location = (config.portfolio_cv_doc, 1)
    body_file = _cache(app, "body")
    if not body_file.is_file():
        PortfolioWarning.CV_PDF.log(
            f"cannot write {config.portfolio_cv_pdf}: the document "
            f'"{config.portfolio_cv_doc}" (portfolio_cv_doc) was not written',
            location,
        )
        return
    state = _state(app)
    if "printer" not in state:  # the CV page was not written in this process
        start_printing(app, body_file.read_text(encoding="utf-8"))
    printer = state.pop("printer")
    if printer is None:
        return
    process, digest, start = printer
    _, error = process.communicate()
    if process.returncode:
        lines = error.strip().splitlines() or [f"exit status {process.returncode}"]
        PortfolioWarning.CV_PDF.log(
            f"cannot write {config.portfolio_cv_pdf}: {lines[-1]}", location
        )
        return
    _cache(app, "sha256").write_text(digest)
    LOGGER.info(
        f"wrote {config.portfolio_cv_pdf} in {time.perf_counter() - start:.2f} s"
    )


class CVDownloadDirective(SphinxDirective):
    """``cv-download``: the "Download CV (PDF)" link, for the screen only."""

    def run(self) -> list[nodes.Node]:
        paragraph = nodes.paragraph(classes=["cv-download", "cv-screen-only"])
        paragraph += site_file_link(self.config.portfolio_cv_pdf, "Download CV (PDF)")
        return [paragraph]


def setup_cv(app: Sphinx) -> None:
    app.add_directive("cv-download", CVDownloadDirective)
    app.connect("builder-inited", remember_process)
    app.connect("html-page-context", keep_cv_body)
    app.connect("build-finished", write_cv_pdf)
