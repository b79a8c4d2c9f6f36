"""The CV PDF on a tiny root: written, linked, rebuilt only when it changed."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from sphinx_portfolio.cv import typst_string


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def uris(path: Path) -> set[str]:
    found = set()
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A", {})
            if "/URI" in action:
                found.add(unquote(str(action["/URI"])))
    return found


@pytest.mark.sphinx("html", testroot="cv", freshenv=True)
def test_cv_pdf_written_and_linked(app: Any, warning: StringIO) -> None:
    app.build()
    assert warning.getvalue() == ""
    pdf = app.outdir / "cv.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    assert reader.metadata is not None
    assert reader.metadata.title == "Daize Dong: Curriculum Vitae"
    assert reader.metadata.author == "Daize Dong"
    assert reader.metadata.subject == "Curriculum vitae of Daize Dong"
    # tagged, with its language: readable by screen readers
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4, in points
    text = pdf_text(pdf)
    assert "The First Title." in text
    assert "someone@example.org" in text
    assert "Download CV" not in text  # screen only
    # links are live, relative ones made absolute against the site's address
    assert {
        "mailto:someone@example.org",
        "https://arxiv.org/abs/2401.00001",
        "https://example.org/site/publications/one.html",
    } <= uris(pdf)
    page = BeautifulSoup((app.outdir / "cv.html").read_text(), "html.parser")
    link = page.select_one(".cv-download a")
    assert link is not None
    assert (link["href"], link.get_text()) == ("cv.pdf", "Download CV (PDF)")


@pytest.mark.sphinx(
    "html", testroot="cv", freshenv=True, confoverrides={"portfolio_cv_paper": "Letter"}
)
def test_letter_paper(app: Any) -> None:
    app.build()
    page = PdfReader(app.outdir / "cv.pdf").pages[0]
    assert [round(float(v)) for v in page.mediabox[2:]] == [612, 792]


@pytest.mark.sphinx("html", testroot="cv", freshenv=True)
def test_fonts_are_embedded(app: Any) -> None:
    app.build()
    fonts = PdfReader(app.outdir / "cv.pdf").pages[0]["/Resources"]["/Font"]
    assert fonts
    for font in fonts.values():
        font = font.get_object()
        descendant = (
            font["/DescendantFonts"][0].get_object()
            if "/DescendantFonts" in font
            else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font[
            "/BaseFont"
        ]


@pytest.mark.sphinx("html", testroot="cv", freshenv=True)
def test_bib_edit_reaches_the_next_pdf_and_only_then(
    app: Any, warning: StringIO
) -> None:
    app.build()
    pdf = app.outdir / "cv.pdf"
    first = pdf.stat().st_mtime_ns
    app.build()  # nothing changed: the PDF is not written again
    assert pdf.stat().st_mtime_ns == first
    bib = app.srcdir / "refs.bib"
    bib.write_text(bib.read_text().replace("The First Title", "A Retitled Work"))
    app.build()
    assert pdf.stat().st_mtime_ns != first
    text = pdf_text(pdf)
    assert "A Retitled Work." in text
    assert "The First Title" not in text
    assert warning.getvalue() == ""


def fake_typst(monkeypatch: pytest.MonkeyPatch, folder: Path, code: str) -> None:
    """The setter process imports this ``typst`` module instead of the real one."""
    folder.mkdir()
    (folder / "typst.py").write_text(code)
    monkeypatch.setenv("PYTHONPATH", str(folder))


@pytest.mark.sphinx("html", testroot="cv", freshenv=True)
def test_missing_pdf_tool_is_a_clear_warning(
    app: Any, warning: StringIO, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # as on a machine without the typst package
    fake_typst(
        monkeypatch,
        tmp_path / "fake",
        "raise ImportError(\"No module named 'typst'\")\n",
    )
    (app.outdir / "cv.pdf").unlink(missing_ok=True)
    app.build()
    message = warning.getvalue()
    assert "cv.rst:1: WARNING: cannot write cv.pdf: Typst is not installed" in message
    assert "pip install typst" in message
    assert "[portfolio.cv-pdf]" in message
    assert "Traceback" not in message
    assert not (app.outdir / "cv.pdf").exists()


@pytest.mark.sphinx("html", testroot="cv", freshenv=True)
def test_typst_error_is_a_clear_warning(
    app: Any, warning: StringIO, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake_typst(
        monkeypatch,
        tmp_path / "fake",
        "class TypstError(RuntimeError):\n    pass\n\n"
        "def compile(*args, **kwargs):\n"
        "    raise TypstError('unclosed delimiter\\nmore detail')\n",
    )
    app.build()
    message = warning.getvalue()
    assert (
        "cv.rst:1: WARNING: cannot write cv.pdf: Typst failed: unclosed delimiter"
        in message
    )
    assert "Traceback" not in message
    assert not (app.outdir / "cv.pdf").exists()


@pytest.mark.sphinx("html", testroot="cv", freshenv=True)
def test_hostile_text_is_text_in_the_pdf(app: Any) -> None:
    bib = app.srcdir / "refs.bib"
    hostile = '#panic("x") ] [ *bold* _it_ $x$ <lbl> @ref \\ // \\" = - +'
    bib.write_text(bib.read_text().replace("The First Title", hostile))
    app.build()
    text = pdf_text(app.outdir / "cv.pdf")
    assert '#panic("x") ] [ *bold* _it_ $x$ <lbl> @ref' in text


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_typst_string_is_the_text(text: str) -> None:
    """Typst itself reads the literal back: every character arrives as text."""
    import typst

    expected = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)
    source = f"#assert.eq({typst_string(text)}, sys.inputs.expected)"
    typst.compile(
        source.encode(), ignore_system_fonts=True, sys_inputs={"expected": expected}
    )
