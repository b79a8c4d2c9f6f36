"""What visitors and search engines get besides the pages: the person's profile
links (one list, shown by ``profile-links`` and read into JSON-LD ``Person``), the
URLs the other metadata extensions derive from ``html_baseurl``, the sitemap and
``robots.txt``.
"""

from __future__ import annotations

import html
import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .bibdata import is_web_url
from .config import WEB_BUILDERS
from .lists import generates_pages, get_bibdata, paper_pagename
from .metadata import script_json

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def derive_urls(app: Sphinx, config: Config) -> None:
    """``config-inited`` (after ours picked ``html_baseurl``): the Open Graph site URL
    and the 404 page's link prefix follow it, so the site has one address."""
    base = config.html_baseurl
    if not base:
        return
    if "ogp_site_url" in config and not config.ogp_site_url:
        config.ogp_site_url = base
    if "notfound_urls_prefix" in config:
        config.notfound_urls_prefix = urlsplit(base).path or "/"


def profiles(config: Config) -> list[dict[str, str]]:
    return [dict(item) for item in config.portfolio_profiles]


class ProfileLinksDirective(SphinxDirective):
    """``profile-links``: the list of ``portfolio_profiles`` (label: link)."""

    def run(self) -> list[nodes.Node]:
        listing = nodes.bullet_list(classes=["profile-links"])
        for profile in profiles(self.config):
            paragraph = nodes.paragraph()
            paragraph += nodes.Text(f"{profile['label']}: ")
            paragraph += nodes.reference(
                "", profile.get("text") or profile["url"], refuri=profile["url"]
            )
            listing += nodes.list_item("", paragraph)
        return [listing]


def person_json_ld(config: Config) -> dict[str, Any]:
    """schema.org ``Person``: the owner, their profiles, and ``portfolio_person``."""
    links = [p["url"] for p in profiles(config)]
    person: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": config.portfolio_owner,
    }
    if config.html_baseurl:
        person["url"] = config.html_baseurl
    emails = [url.removeprefix("mailto:") for url in links if url.startswith("mailto:")]
    if emails:
        person["email"] = emails[0]
    same_as = [url for url in links if is_web_url(url)]
    if same_as:
        person["sameAs"] = same_as
    person.update(config.portfolio_person)
    return person


def head_tags(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: extra ``<head>`` lines of this page."""
    lines = []
    icon = app.config.portfolio_touch_icon
    if icon:
        href = context["pathto"](f"_static/{icon}", 1)
        lines.append(f'<link rel="apple-touch-icon" href="{html.escape(href)}" />')
    if pagename == app.config.root_doc:
        lines.append(
            '<script type="application/ld+json">'
            + script_json(person_json_ld(app.config))
            + "</script>"
        )
    if doctree is None and not context.get("portfolio_paper"):
        # generated pages (search, index, 404) get the site's description
        title = context.get("title") or templatename.removesuffix(".html")
        text = f"{title}: {app.config.project}"
        lines.append(f'<meta name="description" content="{html.escape(text)}" />')
    context["metatags"] = context.get("metatags", "") + "\n".join(lines) + "\n"


def defer_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: Sphinx's and the theme's scripts load with ``defer``,
    so they no longer block the first paint; deferred scripts still run in order,
    before ``DOMContentLoaded``, which is all they wait for. Inline scripts cannot
    wait, and they set ``DOCUMENTATION_OPTIONS``: its file stays as it is."""
    if templatename == "search.html" and getattr(app.builder, "search", False):
        # Sphinx's own search page (Pagefind is off): its template loads
        # searchtools.js in the body, which needs them now
        return
    scripts = []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", None)
        if (
            attributes is None
            or {"async", "defer", "body", "type"} & attributes.keys()
            or str(script.filename).endswith("documentation_options.js")
        ):
            scripts.append(script)
            continue
        scripts.append(
            type(script)(
                script.filename, priority=script.priority, **attributes, defer="defer"
            )
        )
    context["script_files"] = scripts


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


def setup_site(app: Sphinx) -> None:
    app.add_directive("profile-links", ProfileLinksDirective)
    app.connect("config-inited", derive_urls, priority=800)
    app.connect("html-page-context", head_tags)
    app.connect("html-page-context", defer_scripts, priority=900)
    app.connect("build-finished", write_sitemap_and_robots)
