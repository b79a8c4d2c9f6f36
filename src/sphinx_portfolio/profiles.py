"""The owner's profile links, in one list: shown by ``profile-links`` and read
into the home page's JSON-LD ``Person`` (with ``portfolio_person``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .bibdata import is_web_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


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


def setup_profiles(app: Sphinx) -> None:
    app.add_directive("profile-links", ProfileLinksDirective)
