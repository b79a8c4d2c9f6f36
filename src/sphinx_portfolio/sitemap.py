"""``sitemap.xml`` and ``robots.txt``, written whole from the environment (every
document) and the model (every paper page) on every build, so a rebuild that wrote
one page still lists them all (sphinx-sitemap lists only the pages it saw written)."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from .state import WEB_BUILDERS, generates_pages, get_bibdata, paper_pagename

if TYPE_CHECKING:
    from sphinx.application import Sphinx


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def write_sitemap_and_robots(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: ``sitemap.xml`` (every document and every paper page) and
    ``robots.txt`` pointing at it. Both are written whole from the environment on
    every build, so a rebuild that wrote one page still lists them all."""
    base = app.config.html_baseurl
    if exception is not None or app.builder.name not in WEB_BUILDERS:
        return
    out = Path(app.outdir)
    lines = ["User-agent: *", "Allow: /"]
    if base:
        # not the page that says a page is missing (a 404 document, if one is
        # written for sphinx-notfound-page)
        missing = getattr(app.config, "notfound_pagename", None)
        pages = sorted(app.env.found_docs - {missing})
        if generates_pages(app.builder):
            pages += [
                paper_pagename(app.env, key)
                for key in sorted(get_bibdata(app.env).publications)
            ]
        ET.register_namespace("", SITEMAP_NS)
        urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
        for page in pages:
            url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
            loc = ET.SubElement(url, f"{{{SITEMAP_NS}}}loc")
            loc.text = posixpath.join(base, app.builder.get_target_uri(page))
        ET.indent(urlset)
        ET.ElementTree(urlset).write(
            out / "sitemap.xml", encoding="utf-8", xml_declaration=True
        )
        lines.append(f"Sitemap: {posixpath.join(base, 'sitemap.xml')}")
    (out / "robots.txt").write_text("\n".join(lines) + "\n")


def setup_sitemap(app: Sphinx) -> None:
    app.connect("build-finished", write_sitemap_and_robots)
