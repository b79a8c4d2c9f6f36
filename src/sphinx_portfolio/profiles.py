"""The owner's profile: ``portfolio_profiles`` shown by ``profile-links`` (a list)
and ``profile-header`` (position, affiliation, photo and the links as a row of
icons), and read into the home page's JSON-LD ``Person`` (with
``portfolio_person``).

The icons are inline SVG from ``icons.json`` (``tools/update_icons.py`` writes it
from the npm packages): brands from Simple Icons (CC0-1.0), LinkedIn from Font
Awesome Free (CC-BY-4.0, its licence comment kept in the markup), the generic
ones (email, a homepage, any other link) from Lucide (ISC).
"""

from __future__ import annotations

import functools
import json
import os
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import imagesize
from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .bibdata import is_web_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.writers.html5 import HTML5Translator

HERE = Path(__file__).parent

#: a profile's icon by its address's host (``www.`` dropped)
HOSTS = {
    "arxiv.org": "arxiv",
    "bsky.app": "bluesky",
    "dblp.org": "dblp",
    "dblp.uni-trier.de": "dblp",
    "github.com": "github",
    "gitlab.com": "gitlab",
    "huggingface.co": "hugging-face",
    "kaggle.com": "kaggle",
    "linkedin.com": "linkedin",
    "mastodon.social": "mastodon",
    "orcid.org": "orcid",
    "researchgate.net": "researchgate",
    "scholar.google.com": "google-scholar",
    "semanticscholar.org": "semantic-scholar",
    "twitter.com": "x",
    "x.com": "x",
    "youtube.com": "youtube",
}
#: an icon by the profile's label, for the hosts no table can list (Mastodon's)
LABELS = {"mastodon": "mastodon", "homepage": "homepage", "website": "homepage"}
#: the icons that do not say what they link to on their own: their text is shown
GENERIC = frozenset({"email", "homepage", "link"})


@functools.cache
def icon_set() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(HERE.joinpath("icons.json").read_text("utf-8"))
    return data


def icon_names() -> list[str]:
    return sorted(icon_set()["icons"])


def icon_of(profile: dict[str, str]) -> str:
    """The icon of *profile*: its ``icon``, else one for its address or label."""
    if profile.get("icon"):
        return profile["icon"]
    url = urlsplit(profile["url"].strip())
    if url.scheme.lower() == "mailto":
        return "email"
    host = (url.hostname or "").removeprefix("www.")
    return HOSTS.get(host) or LABELS.get(profile["label"].strip().lower(), "link")


def icon_svg(name: str) -> str:
    """The icon *name* as inline SVG, hidden from screen readers (the link names
    itself); coloured by the text colour."""
    icon = icon_set()["icons"][name]
    paint = (
        'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        'stroke-linejoin="round"'
        if icon["paint"] == "stroke"
        else 'fill="currentColor"'
    )
    return (
        f'<svg class="portfolio-icon" viewBox="{escape(icon["viewBox"])}" {paint} '
        f'aria-hidden="true" focusable="false">{icon["body"]}</svg>'
    )


def profiles(config: Config) -> list[dict[str, str]]:
    return [dict(item) for item in config.portfolio_profiles]


class profile_icon(nodes.Inline, nodes.Element):
    """A profile's icon (``icon``: its name); HTML only."""


def visit_profile_icon(self: HTML5Translator, node: profile_icon) -> None:
    self.body.append(icon_svg(node["icon"]))
    raise nodes.SkipNode


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


class ProfileHeaderDirective(SphinxDirective):
    """``profile-header``: under the page's title (the owner's name), the photo
    (``portfolio_photo``), one line of position and affiliation
    (``portfolio_position``, ``portfolio_affiliation``) and the profile links as
    a row of icons. A brand's icon names its link for screen readers only; an
    email address, a homepage or another link shows its text too."""

    def run(self) -> list[nodes.Node]:
        config = self.config
        header = nodes.container(classes=["portfolio-profile"])
        if config.portfolio_photo:
            header += self.photo()
        lines = [
            nodes.inline("", text, classes=[f"portfolio-{name}"])
            for name in ("position", "affiliation")
            if (text := config[f"portfolio_{name}"].strip())
        ]
        if lines:
            headline = nodes.paragraph(classes=["portfolio-headline"])
            for n, line in enumerate(lines):
                if n:
                    headline += nodes.inline("", ", ", classes=["portfolio-separator"])
                headline += line
            header += headline
        links = nodes.bullet_list(classes=["portfolio-profile-links"])
        for profile in profiles(config):
            icon = icon_of(profile)
            link = nodes.reference("", "", refuri=profile["url"])
            link += profile_icon(icon=icon)
            if icon in GENERIC:
                shown = profile.get("text") or profile["label"]
                if shown != profile["label"]:
                    link += nodes.inline(
                        "", f"{profile['label']}: ", classes=["portfolio-sr"]
                    )
                link += nodes.inline("", shown, classes=["portfolio-profile-text"])
            else:
                link["reftitle"] = profile["label"]
                link += nodes.inline("", profile["label"], classes=["portfolio-sr"])
            links += nodes.list_item("", nodes.paragraph("", "", link))
        if profiles(config):
            header += links
        return [header]

    def photo(self) -> nodes.image:
        """The photo, sized by its file so that its box is kept before it
        arrives; the top of the page, so loaded at once (not lazily)."""

        config = self.config
        path = Path(self.env.srcdir, config.portfolio_photo)
        width, height = imagesize.get(str(path))
        self.env.note_dependency(str(path))
        uri = "/" + os.path.relpath(path, self.env.srcdir).replace(os.sep, "/")
        image = nodes.image(
            uri=uri,
            alt=config.portfolio_photo_alt,
            classes=["portfolio-photo"],
        )
        if width > 0 and height > 0:
            image["width"], image["height"] = str(width), str(height)
        return image


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
    if config.portfolio_position.strip():
        person["jobTitle"] = config.portfolio_position.strip()
    emails = [url.removeprefix("mailto:") for url in links if url.startswith("mailto:")]
    if emails:
        person["email"] = emails[0]
    same_as = [url for url in links if is_web_url(url)]
    if same_as:
        person["sameAs"] = same_as
    person.update(config.portfolio_person)
    return person


def setup_profiles(app: Sphinx) -> None:
    from .state import HTML_ONLY, add_node

    app.add_directive("profile-links", ProfileLinksDirective)
    app.add_directive("profile-header", ProfileHeaderDirective)
    add_node(app, profile_icon, (visit_profile_icon, None), HTML_ONLY)
