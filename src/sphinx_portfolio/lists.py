"""Publication lists: a styling hook and the equal-contribution legend.

Runs just before sphinxcontrib-bibtex replaces each ``bibliography`` node by its
list: the node is wrapped in a ``publication-list`` container and, when one of
its entries marks equal contribution, followed by the legend for ``*``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinxcontrib.bibtex.directives import BibliographyKey
from sphinxcontrib.bibtex.nodes import bibliography

from .bibdata import BibData

if TYPE_CHECKING:
    from sphinxcontrib.bibtex.domain import BibtexDomain


class PublicationListTransform(SphinxPostTransform):
    # sphinxcontrib-bibtex's BibliographyTransform has priority 5.
    default_priority = 4

    def run(self, **kwargs: Any) -> None:
        domain = cast("BibtexDomain", self.env.get_domain("cite"))
        publications = get_bibdata(self.env).publications
        for bibnode in list(self.document.findall(bibliography)):
            key = BibliographyKey(docname=bibnode["docname"], id_=bibnode["ids"][0])
            keys = [c.entry.key for c in domain.citations if c.bibliography_key == key]
            container = nodes.container(classes=["publication-list"])
            # not replace_self(): that would copy the node's id onto the container
            bibnode.parent.replace(bibnode, container)
            container += bibnode
            if any(
                publications[k].has_equal_contribution
                for k in keys
                if k in publications
            ):
                legend = nodes.paragraph(classes=["publication-legend"])
                legend += nodes.superscript(text="*")
                legend += nodes.Text(" Equal contribution")
                container += legend


def get_bibdata(env: Any) -> BibData:
    """The build's :class:`BibData`, read by every consumer."""
    return cast(BibData, getattr(env, "portfolio_bibdata", BibData()))
