"""Each assumption ``bibtex_adapter`` makes about sphinxcontrib-bibtex and pybtex,
checked against the installed versions: an upgrade that breaks one fails here, and
the message says which."""

from __future__ import annotations

import inspect
import pickle
import re
from pathlib import Path
from typing import Any

import pytest
from docutils import nodes
from pybtex.database.input.bibtex import Parser
from pybtex.plugin import find_plugin
from pybtex.richtext import Tag, Text
from pybtex.style import FormattedEntry
from sphinx.testing.util import SphinxTestApp
from sphinxcontrib.bibtex import env_updated as bibtex_env_updated
from sphinxcontrib.bibtex import foot_directives, foot_roles
from sphinxcontrib.bibtex.bibfile import BibData, BibFile, process_bibdata
from sphinxcontrib.bibtex.directives import BibliographyValue
from sphinxcontrib.bibtex.domain import BibtexDomain, Citation, _FilterVisitor

from sphinx_portfolio import bibdata, bibtex_adapter, lists, style

TEXT = """\
@string{venue = "Venue of Works"}
@preamble{"\\newcommand{\\x}{x}"}

@article{first,
  author  = {Ada Lovelace and Charles Babbage},
  title   = {On the Engine},
  journal = venue,
  year    = {1843},
}

@misc{second,
  title = {Twice},
  title = {Again},
  year  = {1900},
}

@misc{broken,
  title = {Unclosed,
}
"""


class Recording(bibtex_adapter.LocatingParser):
    def __init__(self) -> None:
        super().__init__(encoding="utf-8")
        self.errors: list[tuple[str, Any]] = []
        self.commands_met: list[bibtex_adapter.Command] = []

    def syntax_error(self, offset: int, lineno: int | None, message: str) -> None:
        self.errors.append(("syntax", (offset, lineno, message)))

    def data_error(self, message: str) -> None:
        self.errors.append(("data", message))

    def read(self, text: str) -> None:
        for command in self.commands(text):
            self.commands_met.append(command)
            for error in self.process_captured(command):
                self.errors.append(("captured", error))


@pytest.fixture
def read() -> Recording:
    parser = Recording()
    parser.read(TEXT)
    return parser


def line_of(offset: int) -> int:
    return TEXT.count("\n", 0, offset) + 1


def test_the_located_loop_reads_what_pybtex_reads(read: Recording) -> None:
    own = Parser(encoding="utf-8")
    own.handle_error = lambda error: None  # type: ignore[method-assign]
    own.parse_string(TEXT)
    assert list(read.data.entries) == list(own.data.entries), (
        "pybtex's Parser.parse_string no longer matches LocatingParser.commands"
    )
    for key, entry in own.data.entries.items():
        ours = read.data.entries[key]
        assert (ours.type, dict(ours.fields), str(ours.persons)) == (
            entry.type,
            dict(entry.fields),
            str(entry.persons),
        )
    assert read.data.entries["first"].fields["journal"] == "Venue of Works"
    assert read.holds_preamble() and read.macro_count() >= 1


def test_each_command_comes_with_its_span_and_field_lines(read: Recording) -> None:
    starts = {c.body[0]: c for c in read.commands_met}
    first = starts["first"]
    assert TEXT[first.start :].startswith("@article{first")
    assert TEXT[first.start : first.end].rstrip().endswith("}")
    assert first.field_lines == {
        "author": line_of(TEXT.index("author")),
        "title": line_of(TEXT.index("title   =")),
        "journal": line_of(TEXT.index("journal")),
        "year": line_of(TEXT.index("year    =")),
    }, "LowLevelParser.parse_field / current_field_name / lineno changed"


def test_errors_arrive_located(read: Recording) -> None:
    kinds = [kind for kind, _ in read.errors]
    assert "data" in kinds or "captured" in kinds, (
        "a repeated field no longer reaches handle_error or pybtex.errors.capture"
    )
    syntax = [detail for kind, detail in read.errors if kind == "syntax"]
    assert syntax, "a syntax error no longer reaches handle_error"
    offset, lineno, message = syntax[0]
    assert line_of(offset) == line_of(TEXT.index("@misc{broken")), (
        "PybtexSyntaxError.error_context_info[0] is no longer the entry's offset"
    )
    assert lineno is not None and message


def test_the_cite_domain_keeps_the_data_handed_over(tmp_path: Path) -> None:
    """builder_inited_cite -> process_bibdata keeps BibData(encoding, {path:
    BibFile(mtime, keys)}, data) while the files and their mtimes are the same."""
    bib = tmp_path / "refs.bib"
    bib.write_text(TEXT)
    data = Parser(encoding="utf-8").parse_string("@misc{a, title={A}}")
    handed = BibData(
        encoding="utf-8",
        bibfiles={bib: BibFile(mtime=bibdata.mtime(bib), keys={"a": None})},
        data=data,
    )
    assert process_bibdata(handed, [bib], "utf-8") is handed, (
        "sphinxcontrib-bibtex parses the bib files again despite the data handed over"
    )


def test_the_named_fields_exist() -> None:
    assert {"line", "list_", "filter_", "keys", "citation_nodes"} <= set(
        BibliographyValue._fields
    )
    assert {"bibliography_key", "key", "entry", "formatted_entry"} <= set(
        Citation._fields
    )
    assert set(BibData._fields) == {"encoding", "bibfiles", "data"}
    assert set(BibFile._fields) == {"mtime", "keys"}


def test_env_updated_reads_only_the_first_id_of_a_placeholder() -> None:
    source = inspect.getsource(BibtexDomain.env_updated)
    uses = re.findall(r"citation_nodes\[[^\]]+\](\[[^\]]+\](?:\[[^\]]+\])?)", source)
    assert uses == ['["ids"][0]'], (
        f"BibtexDomain.env_updated reads {uses} of a placeholder; "
        "drop_placeholders keeps only ['ids'][0]"
    )


def test_footnote_citations_leave_the_temp_data_named() -> None:
    source = inspect.getsource(foot_directives) + inspect.getsource(foot_roles)
    for name in bibtex_adapter.FOOTNOTE_TEMP_DATA:
        assert f'"{name}"' in source, f"footnote citations no longer set {name}"


def test_filter_names_are_the_filters_own() -> None:
    source = inspect.getsource(_FilterVisitor.visit_Name)
    names = set(re.findall(r'id_ == "(\w+)"', source))
    assert names == bibtex_adapter.FILTER_NAMES, names


def test_env_updated_is_ours_and_the_style_is_registered(
    make_app: Any, rootdir: Path
) -> None:
    app: SphinxTestApp = make_app("html", srcdir=rootdir / "test-basic")
    handlers = [listener.handler for listener in app.events.listeners["env-updated"]]
    assert bibtex_env_updated not in handlers, (
        "sphinxcontrib.bibtex.env_updated was not found to be replaced"
    )
    assert lists.place_citations in handlers
    cite = [
        listener.priority
        for listener in app.events.listeners["builder-inited"]
        if listener.handler.__module__ == "sphinxcontrib.bibtex"
    ]
    assert cite and min(cite) > 400, "our bib files must be read before its handler"
    assert find_plugin("pybtex.style.formatting", style.STYLE_NAME) is (
        style.PublicationStyle
    )


def test_the_style_is_called_as_the_domain_calls_it() -> None:
    source = inspect.getsource(BibtexDomain.get_formatted_entries)
    for call in (
        'find_plugin("pybtex.style.formatting", bibliography.style)()',
        "style.sort(",
        "style.format_labels(",
        "style.format_entry(bibliography.labelprefix + label, entry)",
    ):
        assert call in source, f"get_formatted_entries no longer calls {call}"


def test_the_style_is_stateless_and_formats_each_entry_once(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, author={Ada Lovelace}, title={A}, year={2001}}\n"
                   "@misc{b, author={Ada Lovelace}, title={B}, year={2002}}\n")  # fmt: skip
    parsed = bibdata.parse([bib], ["Ada Lovelace"])
    made = style.PublicationStyle()
    entries = list(parsed.data.entries.values())
    assert [e.key for e in made.sort(entries)] == ["b", "a"]
    first = made.format_entry("1", entries[0])
    again = style.PublicationStyle().format_entry("1", entries[0])
    assert first.text is again.text
    assert vars(style.PublicationStyle).keys().isdisjoint({"publications", "formatted"})
    kept = pickle.loads(pickle.dumps(entries[0]))
    assert bibdata.publication_of(kept) == parsed.publications["a"]


def test_backends_render_rich_text() -> None:
    text = Text(Tag("strong", "A"), " b")
    assert bibtex_adapter.backend("text") is bibtex_adapter.backend("text")
    assert text.render(bibtex_adapter.backend("text")) == "A b"
    entry = FormattedEntry("k", text, "1")
    paragraph = bibtex_adapter.backend("docutils").paragraph(entry)
    assert isinstance(paragraph, nodes.paragraph)
    assert paragraph.next_node(nodes.strong).astext() == "A"
