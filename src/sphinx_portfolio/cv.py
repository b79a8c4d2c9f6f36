"""The CV as a PDF, set by Typst from the very page the site shows.

While the HTML builder writes the CV document (``portfolio_cv_doc``), its resolved
doctree, the one the page is written from, is translated into Typst markup
(:class:`TypstTranslator`) and kept beside the environment.  When the build
finishes, Typst (the ``typst`` wheel: a compiler with its fonts, no system library)
sets it with our template, ``templates/portfolio-cv.typ``, into
``portfolio_cv_pdf``, in a process of its own.  The PDF is written again only when
what goes into it changed (the markup, the template, the paper size, the Typst
version): a content hash next to the environment decides.

Typst rather than an HTML printer: at 1,000 works (46 pages) WeasyPrint took 8.6 s
and 215 MB in a process of its own, Typst takes 0.4 s and 90 MB (benchmarks/README.md).
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .diagnostics import PortfolioWarning
from .exports import site_file_link
from .lists import item_content
from .profiles import GENERIC, icon_of, profiles
from .rendered import filled, is_empty_item, store
from .stamps import Stamps, digest
from .state import WEB_BUILDERS, generates_pages

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.builders import Builder

LOGGER = logging.getLogger(__name__)
HERE = Path(__file__).parent
TEMPLATE = HERE / "templates" / "portfolio-cv.typ"
#: Typst's names for the paper sizes of ``portfolio_cv_paper``
PAPERS = {"a4": "a4", "letter": "us-letter"}
#: what links in the PDF may point to
SCHEMES = {"http", "https", "mailto", "file"}
#: the setter process (run by its path): Typst source, PDF
SETTER = HERE / "typst_setter.py"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACE = re.compile(r"\s+")


def typst_string(text: str) -> str:
    """*text* as a Typst string literal: backslash and quote escaped, control
    characters dropped.  Text only ever enters the markup this way, so nothing in
    it is read as markup."""
    text = _CONTROL.sub("", text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\n", "\\n").replace("\t", "\\t") + '"'


def enabled(app: Sphinx) -> bool:
    config = app.config
    return (
        app.builder.name in WEB_BUILDERS
        and bool(config.portfolio_cv_doc)
        and bool(config.portfolio_cv_pdf)
    )


def _cache(app: Sphinx, suffix: str) -> Path:
    return Path(app.doctreedir) / f"portfolio-cv.{suffix}"


# -- the translator -----------------------------------------------------------------


class TypstTranslator(nodes.NodeVisitor):
    """A resolved doctree as Typst markup, written as code: every text is a string
    literal (``#"...";``), every element a function call with content blocks.

    What the print stylesheet hid, this leaves out: the page's own title, the
    year headings of grouped lists, screen-only paragraphs, the filter form and
    copy buttons.  Nodes it does not know give their text."""

    def __init__(
        self,
        document: nodes.document,
        builder: Builder,
        docname: str,
        page_url: str,
        pages: Callable[[str], str | None],
    ) -> None:
        super().__init__(document)
        self.builder = builder
        self.docname = docname
        self.page_url = page_url
        self.pages = pages
        self.parts: list[str] = []
        self.level = 0
        #: for each link element open, whether it became a link
        self.links: list[bool] = []

    def astext(self) -> str:
        return "".join(self.parts)

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def unknown_visit(self, node: nodes.Node) -> None:
        pass

    def unknown_departure(self, node: nodes.Node) -> None:
        pass

    def skip(self, node: nodes.Node) -> None:
        raise nodes.SkipNode

    visit_comment = visit_target = visit_raw = visit_system_message = skip
    visit_substitution_definition = visit_image = visit_figure = skip
    visit_publication_filter = visit_copy_button = visit_cite_disclosure = skip

    # -- text and inline markup

    def visit_Text(self, node: nodes.Text) -> None:
        text = _SPACE.sub(" ", node.astext())
        if text:
            self.add(f"#{typst_string(text)};")

    def _wrap(self, function: str) -> None:
        self.add(f"#{function}[")

    def _close(self, node: nodes.Node | None = None) -> None:
        self.add("]")

    def visit_strong(self, node: nodes.Element) -> None:
        self._wrap("strong")

    def visit_emphasis(self, node: nodes.Element) -> None:
        self._wrap("emph")

    def visit_superscript(self, node: nodes.Element) -> None:
        self._wrap("super")

    def visit_subscript(self, node: nodes.Element) -> None:
        self._wrap("sub")

    depart_strong = depart_emphasis = depart_superscript = depart_subscript = _close

    def visit_inline(self, node: nodes.Element) -> None:
        # a work's badges in words: "ICML 2024 · Oral", set as the template's badge
        if "publication-badge" in node["classes"]:
            previous = node.previous_sibling()
            if isinstance(previous, nodes.inline):
                self.add('#" · ";')
            self._wrap("badge")

    def depart_inline(self, node: nodes.Element) -> None:
        if "publication-badge" in node["classes"]:
            self._close()

    def visit_literal(self, node: nodes.Element) -> None:
        self.add(f"#raw({typst_string(node.astext())});")
        raise nodes.SkipNode

    def _link(self, url: str | None, node: nodes.Element) -> None:
        linked = bool(url) and urlsplit(url).scheme in SCHEMES
        self.links.append(linked)
        if linked:
            self.add(f"#link({typst_string(str(url))})[")

    def _unlink(self, node: nodes.Element) -> None:
        if self.links.pop():
            self.add("]")

    def visit_reference(self, node: nodes.Element) -> None:
        uri = node.get("refuri")
        if "publication-link" in node["classes"]:
            # the page's buttons, on paper: [arXiv] [Code]
            self.add('#"[";')
        self._link(urljoin(self.page_url, uri) if uri else None, node)

    def depart_reference(self, node: nodes.Element) -> None:
        self._unlink(node)
        if "publication-link" in node["classes"]:
            self.add('#"]";')

    def visit_paper_link(self, node: nodes.Element) -> None:
        self._link(self.pages(node["pagename"]), node)

    def visit_site_file(self, node: nodes.Element) -> None:
        self._link(urljoin(self.page_url, node["file"]), node)

    depart_paper_link = depart_site_file = _unlink

    # -- blocks

    def _block(self, node: nodes.Element) -> None:
        self.add("\n\n")

    def visit_container(self, node: nodes.Element) -> None:
        # the profile header: the PDF's own header sets it (the template's cv())
        if "portfolio-profile" in node["classes"]:
            raise nodes.SkipNode

    def visit_paragraph(self, node: nodes.Element) -> None:
        if "cv-screen-only" in node["classes"]:
            raise nodes.SkipNode
        if "publication-legend" in node["classes"]:
            previous = node.previous_sibling()
            if isinstance(previous, nodes.paragraph) and (
                "publication-legend" in previous["classes"]
            ):
                raise nodes.SkipNode
            self.add("\n\n#legend[")
        elif not self._inline(node):
            self.add("\n\n")

    def depart_paragraph(self, node: nodes.Element) -> None:
        if "publication-legend" in node["classes"]:
            self.add("]\n\n")
        elif not self._inline(node):
            self.add("\n\n")

    @staticmethod
    def _inline(node: nodes.Element) -> bool:
        """A definition's only paragraph runs on after its term, as on the page."""
        return isinstance(node.parent, nodes.definition) and len(node.parent) == 1

    def visit_section(self, node: nodes.Element) -> None:
        self.level += 1

    def depart_section(self, node: nodes.Element) -> None:
        self.level -= 1

    def visit_title(self, node: nodes.Element) -> None:
        parent = node.parent
        # the page's title is the CV's header; year headings are for the screen
        if self.level <= 1 or "publication-year" in parent.get("classes", []):
            raise nodes.SkipNode
        self.add(f"\n\n#heading(level: {self.level - 1})[")

    def depart_title(self, node: nodes.Element) -> None:
        self.add("]\n\n")

    def visit_bullet_list(self, node: nodes.Element) -> None:
        if "publications" in node["classes"]:
            self.add("\n\n#publications(")
        else:
            self.add("\n\n#list(")

    def visit_enumerated_list(self, node: nodes.Element) -> None:
        self.add("\n\n#enum(")

    def visit_definition_list(self, node: nodes.Element) -> None:
        self.add("\n\n#terms(")

    def _close_call(self, node: nodes.Element) -> None:
        self.add(")\n\n")

    depart_bullet_list = depart_enumerated_list = depart_definition_list = _close_call

    def visit_list_item(self, node: nodes.Element) -> None:
        self.add("[")

    def depart_list_item(self, node: nodes.Element) -> None:
        self.add("],")

    def visit_publication_item(self, node: nodes.Element) -> None:
        if is_empty_item(node):

            def render() -> str:
                start = len(self.parts)
                with filled(node, lambda: item_content(node)):
                    self.visit_list_item(node)
                    for child in node.children:
                        child.walkabout(self)
                    self.depart_list_item(node)
                markup = "".join(self.parts[start:])
                del self.parts[start:]
                return markup

            key = "typst {} {} {}".format(
                self.page_url, self.pages(node["pagename"]), node["portfolio_digest"]
            )
            self.add(store(self.builder).markup(self.docname, key, render))
            raise nodes.SkipNode
        self.visit_list_item(node)

    depart_publication_item = depart_list_item

    def visit_definition_list_item(self, node: nodes.Element) -> None:
        self.add("terms.item(")

    def depart_definition_list_item(self, node: nodes.Element) -> None:
        self.add("),")

    def visit_term(self, node: nodes.Element) -> None:
        self.add("[")

    def depart_term(self, node: nodes.Element) -> None:
        self.add("],")

    visit_definition = visit_term
    depart_definition = depart_term

    def visit_block_quote(self, node: nodes.Element) -> None:
        self.add("\n\n#quote(block: true)[")

    def depart_block_quote(self, node: nodes.Element) -> None:
        self.add("]\n\n")

    def visit_line(self, node: nodes.Element) -> None:
        pass

    def depart_line(self, node: nodes.Element) -> None:
        self.add("#linebreak();")

    def visit_literal_block(self, node: nodes.Element) -> None:
        self.add(f"\n\n#raw(block: true, {typst_string(node.astext())});\n\n")
        raise nodes.SkipNode


# -- the build ---------------------------------------------------------------------


def _source(app: Sphinx, doctree: nodes.document) -> str:
    """The whole Typst document: the template, then the CV page in it."""
    config = app.config
    builder = app.builder
    base = config.html_baseurl or Path(app.outdir).as_uri() + "/"
    page_url = urljoin(base, builder.get_target_uri(config.portfolio_cv_doc))

    def paper_url(pagename: str) -> str | None:
        if not generates_pages(builder):
            return None
        return urljoin(base, builder.get_target_uri(pagename))

    translator = TypstTranslator(
        doctree, builder, config.portfolio_cv_doc, page_url, paper_url
    )
    doctree.walkabout(translator)
    author = config.author or ""
    headline = ", ".join(
        text
        for text in (config.portfolio_position, config.portfolio_affiliation)
        if text.strip()
    )
    links = [
        (
            profile.get("text") or profile["label"]
            if icon_of(profile) in GENERIC
            else profile["label"],
            profile["url"],
        )
        for profile in profiles(config)
    ]
    arguments = {
        "title": typst_string(f"{author}: Curriculum Vitae"),
        "author": typst_string(author),
        "subject": typst_string(f"Curriculum vitae of {author}"),
        "keywords": "("
        + ", ".join(map(typst_string, ("curriculum vitae", "CV", "publications")))
        + ",)",
        "paper": typst_string(PAPERS[config.portfolio_cv_paper.lower()]),
        "lang": typst_string((config.language or "en").split("_")[0]),
        "headline": typst_string(headline),
        "links": "("
        + "".join(
            f"({typst_string(text)}, {typst_string(url)}), " for text, url in links
        )
        + ")",
    }
    call = ", ".join(f"{name}: {value}" for name, value in arguments.items())
    return (
        TEMPLATE.read_text(encoding="utf-8")
        + f"\n#show: cv.with({call})\n"
        + translator.astext()
        + "\n"
    )


def keep_cv_source(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: every page links the PDF; the CV page's doctree is
    translated and kept (a parallel write worker's too) for ``build-finished``."""
    if not enabled(app):
        return
    if app.config.portfolio_cv_doc not in app.env.found_docs:
        return  # no PDF to link (reported when the build finishes)
    context["portfolio_cv_pdf"] = app.config.portfolio_cv_pdf
    if pagename == app.config.portfolio_cv_doc and doctree is not None:
        source = _source(app, doctree)
        _cache(app, "typ").write_text(source, encoding="utf-8")
        # set while the rest of the site is written, on the core Sphinx leaves
        # idle; not from a parallel write worker, which ends before the build
        if len(source) <= SIDE_BY_SIDE and _MAIN.get(app) == os.getpid():
            start_cv_pdf(app)


#: the size of Typst markup up to which Typst sets the PDF beside the build (while
#: the rest of the site is written, then while Pagefind indexes it); above it
#: (some 1,500 works) it runs after Pagefind, so that their memory is not added up
SIDE_BY_SIDE = 600_000
#: each build's Typst process, its source's digest, and when it started
_SETTING: weakref.WeakKeyDictionary[Sphinx, tuple[subprocess.Popen[str], Stamps, float]]
_SETTING = weakref.WeakKeyDictionary()
#: the builds whose PDF was seen to already this build (started, or up to date)
_STARTED: weakref.WeakSet[Sphinx] = weakref.WeakSet()
#: each build's own process (a parallel write worker is another)
_MAIN: weakref.WeakKeyDictionary[Sphinx, int] = weakref.WeakKeyDictionary()


def note_process(app: Sphinx) -> None:
    """``builder-inited``: the process that will see the build finish."""
    _MAIN[app] = os.getpid()
    _STARTED.discard(app)


def write_cv_pdf(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: set the PDF if its source changed since the last one,
    unless that was done while the CV page was written."""
    if exception is not None or not enabled(app):
        return
    source = _cache(app, "typ")
    # a large CV is set last, alone (`finish_cv_pdf`), so that Typst's memory is
    # not added to Pagefind's and the card drawer's
    if app not in _STARTED and not (
        source.is_file() and source.stat().st_size > SIDE_BY_SIDE
    ):
        start_cv_pdf(app)


def start_cv_pdf(app: Sphinx) -> None:
    """Start Typst on the CV's source, if the PDF is not already set from it."""
    _STARTED.add(app)
    config = app.config
    location = (config.portfolio_cv_doc, 1)
    source = _cache(app, "typ")
    if not source.is_file():
        known = config.portfolio_cv_doc in app.env.found_docs
        PortfolioWarning.CV_PDF.log(
            f"cannot write {config.portfolio_cv_pdf}: the document "
            f'"{config.portfolio_cv_doc}" (portfolio_cv_doc in conf.py) '
            + ("was not written" if known else "is not a document of the site"),
            location if known else None,
        )
        return
    target = Path(app.outdir) / config.portfolio_cv_pdf
    try:
        version = importlib.metadata.version("typst")
    except importlib.metadata.PackageNotFoundError:
        version = ""
    stamps = Stamps(app.doctreedir, "portfolio-cv.json")
    if version and stamps.fresh("pdf", digest(version, source.read_bytes()), target):
        LOGGER.info(f"{config.portfolio_cv_pdf} is up to date")
        return
    stamps.forget("pdf")
    # a process of its own: Typst's memory (321 MB at 5,000 works) is not added to
    # the build's, which still holds the environment
    process = subprocess.Popen(
        [sys.executable, "-P", str(SETTER), str(source), str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _SETTING[app] = (process, stamps, time.perf_counter())


def finish_cv_pdf(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``, after the search index: Typst's outcome (a large CV is
    started here)."""
    if exception is None and enabled(app) and app not in _STARTED:
        start_cv_pdf(app)
    _STARTED.discard(app)
    running = _SETTING.pop(app, None)
    if running is None:
        return
    process, stamps, start = running
    _, stderr = process.communicate()
    config = app.config
    if process.returncode:
        lines = stderr.strip().splitlines() or [f"exit {process.returncode}"]
        PortfolioWarning.CV_PDF.log(
            f"cannot write {config.portfolio_cv_pdf}: {lines[-1]}",
            (config.portfolio_cv_doc, 1),
        )
        return
    stamps.save()
    LOGGER.info(
        f"wrote {config.portfolio_cv_pdf} in {time.perf_counter() - start:.2f} s"
    )


class CVDownloadDirective(SphinxDirective):
    """``cv-download``: the "Download CV (PDF)" link, for the screen only."""

    def run(self) -> list[nodes.Node]:
        config = self.config
        written = config.portfolio_cv_doc in self.env.found_docs
        if not (written and config.portfolio_cv_pdf):
            PortfolioWarning.DIRECTIVE.log(
                "cv-download: no CV PDF is written (portfolio_cv_doc and "
                "portfolio_cv_pdf in conf.py name the document and the file); "
                "the link is left out",
                (self.env.docname, self.lineno),
            )
            return []
        paragraph = nodes.paragraph(classes=["cv-download", "cv-screen-only"])
        paragraph += site_file_link(self.config.portfolio_cv_pdf, "Download CV (PDF)")
        return [paragraph]


def setup_cv(app: Sphinx) -> None:
    app.add_directive("cv-download", CVDownloadDirective)
    app.connect("builder-inited", note_process)
    app.connect("html-page-context", keep_cv_source)
    app.connect("build-finished", write_cv_pdf)
    # after Pagefind (900), which runs meanwhile
    app.connect("build-finished", finish_cv_pdf, priority=950)
