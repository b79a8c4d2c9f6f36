"""The publication exports and the links to them.

``refs.bib`` (the file as written), every work at once as ``publications.bib``
(without the site's own fields), ``publications.ris`` (RIS), ``publications.enw``
(EndNote) and ``publications.json`` (CSL-JSON), and each paper's own ``.bib``,
``.ris`` and ``.enw``, written again only when what they are written from changed;
``publication-downloads`` links them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from . import metadata
from .bibdata import newest_first
from .stamps import Stamps, digest
from .state import TRANSPARENT, add_node, generates_pages, get_bibdata

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator


class site_file(nodes.Inline, nodes.TextElement):
    """A link to ``file``, a file at the root of the built site (not a document)."""


def visit_site_file(self: HTML5Translator, node: site_file) -> None:
    here = self.builder.get_target_uri(self.builder.current_docname)
    href = relative_uri(here, node["file"])
    self.body.append(
        self.starttag(node, "a", "", href=href, CLASS="reference download")
    )


def depart_site_file(self: HTML5Translator, node: site_file) -> None:
    self.body.append("</a>")


def site_file_link(file: str, label: str) -> site_file:
    node = site_file("", label)
    node["file"] = file
    return node


#: (file, label) of each export, as linked from ``publication-downloads``.
EXPORTS = (
    ("publications.bib", "BibTeX"),
    ("publications.ris", "RIS"),
    ("publications.enw", "EndNote"),
    ("publications.json", "CSL-JSON"),
)
#: each paper's own files: suffix -> how it is written from the work
PAPER_FORMATS = (".bib", ".ris", ".enw")


class PublicationDownloadsDirective(SphinxDirective):
    """``publication-downloads``: links to every work at once as BibTeX, RIS,
    EndNote and CSL-JSON, and to the bib files as written."""

    def run(self) -> list[nodes.Node]:
        sources = [Path(name).name for name in self.config.bibtex_bibfiles or ()]
        files = [*EXPORTS, *((name, f"{name} (source)") for name in sources)]
        paragraph = nodes.paragraph(
            "", "Download every work: ", classes=["publication-downloads"]
        )
        for n, (name, label) in enumerate(files):
            if n:
                paragraph += nodes.Text(" · ")
            paragraph += site_file_link(name, label)
        return [paragraph]


def exports_key(app: Sphinx) -> str:
    """What the exports are written from: the bib files, the owner, our version."""
    bibdata = get_bibdata(app.env)
    version = app.extensions["sphinx_portfolio"].version
    parts: list[str | bytes] = [repr((bibdata.owner, version))]
    for path in bibdata.files:
        parts += [str(path), path.read_bytes() if path.is_file() else b""]
    return digest(*parts)


def collect_exports(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``html-collect-pages`` (no page of its own): the exports, written again when
    what they are written from changed or one of them is gone."""
    if not generates_pages(app.builder):
        return
    yield from ()
    stamps = Stamps(app.doctreedir, "portfolio-exports.json")
    if stamps.fresh(EXPORTS_KEY, exports_key(app), *export_paths(app)):
        return  # (the stamps stay as they are: each paper's .bib too)
    write_exports(app, stamps)
    stamps.save()


#: the stamp of the exports as a whole (no paper's file is named so)
EXPORTS_KEY = "(exports)"


def export_paths(app: Sphinx) -> list[Path]:
    bibdata = get_bibdata(app.env)
    out = Path(app.builder.outdir)
    paper_dir = out / app.config.portfolio_paper_dir
    return [
        *(out / name for name, _ in EXPORTS),
        *(out / path.name for path in bibdata.files if path.is_file()),
        *(
            paper_dir / f"{slug}{suffix}"
            for slug in bibdata.slugs.values()
            for suffix in PAPER_FORMATS
        ),
    ]


def write_exports(app: Sphinx, stamps: Stamps) -> None:
    """Every export; a paper's .bib only when its digest in *stamps* changed."""
    bibdata = get_bibdata(app.env)
    out = Path(app.builder.outdir)
    paper_dir = out / app.config.portfolio_paper_dir
    paper_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, list[str]] = {suffix: [] for suffix in PAPER_FORMATS}
    # a paper's files are written again only when their text changed: a bib edit
    # at 1,000 works wrote 1,000 files of each format
    ordered = list(newest_first(bibdata.publications.values()))
    for pub in ordered:
        texts = {
            ".bib": metadata.clean_bibtex(pub.key, bibdata.data.entries[pub.key]),
            ".ris": metadata.ris(pub),
            ".enw": metadata.endnote(pub),
        }
        for suffix, text in texts.items():
            written[suffix].append(text)
            path = paper_dir / f"{bibdata.slugs[pub.key]}{suffix}"
            data = text.encode("utf-8")
            if not stamps.fresh(path.name, digest(data), path):
                path.write_bytes(data)
    (out / "publications.bib").write_text("\n".join(written[".bib"]), encoding="utf-8")
    # RIS records end with their own line break (CRLF, as the format has it)
    ris = "".join(written[".ris"])
    (out / "publications.ris").write_bytes(ris.encode("utf-8"))
    (out / "publications.enw").write_text("\n".join(written[".enw"]), encoding="utf-8")
    items = [metadata.csl(pub) for pub in ordered]
    # one work a line: json's C encoder (indent= falls back to the Python one,
    # a third of the exports' time at 1,000 works)
    lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    (out / "publications.json").write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    for path in bibdata.files:
        if path.is_file():
            shutil.copyfile(path, out / path.name)


def setup_exports(app: Sphinx) -> None:
    add_node(app, site_file, (visit_site_file, depart_site_file), TRANSPARENT)
    app.add_directive("publication-downloads", PublicationDownloadsDirective)
    app.connect("html-collect-pages", collect_exports)
