"""The CV as a PDF, printed from the very page the site shows.

While the HTML builder writes the CV document (``portfolio_cv_doc``), we keep its
rendered body.  After the build, that body goes into a small print template with
our own stylesheet (no theme: WeasyPrint lays out the theme's CSS slowly and badly)
and WeasyPrint turns it into ``portfolio_cv_pdf``.  The PDF is written again only
when what goes into it changed (the body, the stylesheet, the paper size, the
WeasyPrint version): a content hash next to the environment decides.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import posixpath
import time
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
    """``html-page-context``: every page links the PDF; the CV page's body is kept."""
    if not enabled(app):
        return
    context["portfolio_cv_pdf"] = app.config.portfolio_cv_pdf
    if pagename == app.config.portfolio_cv_doc and "body" in context:
        _cache(app, "body").write_text(context["body"], encoding="utf-8")


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


def write_cv_pdf(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: write the PDF if its inputs changed since the last one."""
    if exception is not None or not enabled(app):
        return
    config = app.config
    target = Path(app.outdir) / config.portfolio_cv_pdf
    location = (config.portfolio_cv_doc, 1)
    body_file = _cache(app, "body")
    if not body_file.is_file():
        PortfolioWarning.CV_PDF.log(
            f"cannot write {config.portfolio_cv_pdf}: the document "
            f'"{config.portfolio_cv_doc}" (portfolio_cv_doc) was not written',
            location,
        )
        return
    try:
        # the version, without the second it takes to import WeasyPrint
        version = importlib.metadata.version("weasyprint")
    except importlib.metadata.PackageNotFoundError:
        version = ""
    document = _document(app, body_file.read_text(encoding="utf-8"))
    digest = hashlib.sha256(f"{version}\n{document}".encode()).hexdigest()
    stamp = _cache(app, "sha256")
    fresh = target.is_file() and stamp.is_file() and stamp.read_text() == digest
    if version and fresh:
        LOGGER.info(f"{config.portfolio_cv_pdf} is up to date")
        return
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango is missing
        PortfolioWarning.CV_PDF.log(
            f"cannot write {config.portfolio_cv_pdf}: WeasyPrint is not usable "
            f"({error}); install it with `pip install weasyprint` and the Pango "
            "library (Debian: libpango-1.0-0 libpangoft2-1.0-0)",
            location,
        )
        return
    # relative links resolve against the CV page's address on the site
    page = app.builder.get_target_uri(config.portfolio_cv_doc)
    base = config.html_baseurl or Path(app.outdir).as_uri() + "/"
    start = time.perf_counter()
    weasyprint.HTML(string=document, base_url=posixpath.join(base, page)).write_pdf(
        target
    )
    stamp.write_text(digest)
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
    app.connect("html-page-context", keep_cv_body)
    app.connect("build-finished", write_cv_pdf)
