"""Build behaviour: reproducible output, and rebuilds that redo only what changed."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import DOCS, REPO


def build(out: Path, epoch: str, *options: str) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-q",
            *options,
            "-b",
            "html",
            str(DOCS),
            str(out / "html"),
            "-d",
            str(out / "doctrees"),
        ],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )


def differing(left: Path, right: Path) -> list[str]:
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(
            f"{prefix}{name}"
            for name in cmp.diff_files + cmp.left_only + cmp.right_only
        )
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return found


def test_two_clean_builds_are_byte_identical(tmp_path: Path) -> None:
    # different build times (SOURCE_DATE_EPOCH) must not show: the site prints no
    # build date, and the PDF, the social cards and the feed carry none
    build(tmp_path / "one", "1700000000")
    build(tmp_path / "two", "1800000000")
    filecmp.clear_cache()
    assert differing(tmp_path / "one" / "html", tmp_path / "two" / "html") == []


def test_parallel_build_writes_the_same_site(tmp_path: Path) -> None:
    build(tmp_path / "serial", "1700000000")
    build(tmp_path / "parallel", "1700000000", "-j", "2")
    filecmp.clear_cache()
    assert differing(tmp_path / "serial" / "html", tmp_path / "parallel" / "html") == []


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_unchanged_paper_pages_are_not_written_again(app: Any) -> None:
    app.build()
    page = app.outdir / "publications" / "full.html"
    first = page.stat().st_mtime_ns
    app.build()
    assert page.stat().st_mtime_ns == first
    bib = app.srcdir / "refs.bib"
    bib.write_text(bib.read_text().replace("A {GPU} Paper", "A {TPU} Paper"))
    app.build()
    assert page.stat().st_mtime_ns != first
    assert "A TPU Paper" in page.read_text()
