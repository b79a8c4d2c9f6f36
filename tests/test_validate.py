"""``python -m sphinx_portfolio check``: one broken bib per problem code.

Each case is a small refs.bib with one fault; the check must print exactly the
expected ``refs.bib:LINE: [code] message`` lines and exit with 1.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sphinx_portfolio.__main__ import main
from sphinx_portfolio.diagnostics import PortfolioWarning

GOOD = """\
@article{good,
  author = {Daize Dong and Ann Other},
  title = {A Good Entry},
  journal = {Journal of Tests},
  year = {2024},
}
"""


def entry(**fields: str) -> str:
    """An @article that is valid but for *fields* (None-like "" drops a field)."""
    base = {
        "author": "Daize Dong and Ann Other",
        "title": "A Title",
        "journal": "Journal of Tests",
        "year": "2024",
    }
    base.update(fields)
    kind = base.pop("TYPE", "article")
    lines = [f"@{kind}{{bad,"] + [
        f"  {name} = {{{value}}}," for name, value in base.items() if value
    ]
    return "\n".join([*lines, "}"]) + "\n"


CASES = {
    "bib-syntax": (
        GOOD
        + "\n@article{bad,\n  author = {Daize Dong},\n  title = {A Title}\n"
        + "  year = {2024},\n}\n",
        [
            "refs.bib:8: [bib-syntax] syntax error: '}' expected on line 11, in the entry "
            "that starts here"
        ],
    ),
    "duplicate-key": (
        GOOD + "\n" + GOOD,
        [
            'refs.bib:8: [duplicate-key] duplicate key "good": already used on line 1; '
            "this entry is not rendered"
        ],
    ),
    # the extra "{" in the title swallows the next entry, up to the end of the file
    "lost-entry": (
        "@article{bad,\n  author = {Daize Dong},\n  title = {Unclosed {brace,\n"
        "  journal = {J},\n  year = {2024},\n}\n\n" + GOOD,
        [
            "refs.bib:1: [bib-syntax] syntax error: premature end of file on line 13, in "
            "the entry that starts here",
            "refs.bib:8: [lost-entry] this entry was not read: it lies inside the entry "
            "before it, whose braces do not balance",
        ],
    ),
    # a repeated field: pybtex's own message, located at the entry
    "bib-data": (
        "@article{bad,\n  author = {Daize Dong},\n  title = {A},\n  year = {2024},\n"
        "  journal = {J},\n  year = {2025},\n}\n",
        ["refs.bib:1: [bib-data] entry with key bad has a duplicate year field"],
    ),
    "unknown-type": (
        entry(TYPE="online"),
        [
            'refs.bib:1: [unknown-type] bad: unknown entry type "@online"; use one of: '
            "article, book, booklet, conference, inbook, incollection, inproceedings, "
            "manual, mastersthesis, misc, phdthesis, proceedings, techreport, unpublished"
        ],
    ),
    "missing-field": (
        entry(journal=""),
        ['refs.bib:1: [missing-field] bad: @article needs a "journal" field'],
    ),
    "bad-year": (
        entry(year="20x4"),
        ['refs.bib:5: [bad-year] bad: year "20x4" is not a four-digit year'],
    ),
    "bad-month": (
        entry(month="Smarch"),
        [
            'refs.bib:6: [bad-month] bad: month "Smarch" is not a month: write 1 to 12, '
            "jan, or January"
        ],
    ),
    "bad-url": (
        entry(code="javascript:alert(1)"),
        [
            'refs.bib:6: [bad-url] bad: code "javascript:alert(1)" is not an absolute '
            "http(s) URL"
        ],
    ),
    "bad-arxiv": (
        entry(eprint="arXiv:2406.02500"),
        [
            'refs.bib:6: [bad-arxiv] bad: eprint "arXiv:2406.02500" is not an arXiv '
            "identifier such as 2406.02500"
        ],
    ),
    "bad-doi": (
        entry(doi="https://doi.org/10.18653/v1/2023.acl-long.803"),
        [
            'refs.bib:6: [bad-doi] bad: doi "https://doi.org/10.18653/v1/2023.acl-long.803" '
            "is not a bare DOI such as 10.18653/v1/2023.acl-long.803 (no https://doi.org/ "
            "in front)"
        ],
    ),
    "latex-escape": (
        entry(author="Jos\\'{\\i} Garc\\'{\\i}a and Daize Dong"),
        [
            'refs.bib:2: [latex-escape] bad: author has the LaTeX command "\\\'{\\i}", '
            "which does not render on the site or in search: write the character itself "
            "(UTF-8)"
        ],
    ),
    "brace-in-word": (
        entry(title="Trans{F}ormers Everywhere"),
        [
            'refs.bib:3: [brace-in-word] bad: title has braces inside a word ("s{F}"), '
            "which split it on the page and in search: brace the whole word or none of it"
        ],
    ),
    "owner-missing": (
        entry(author="Ann Other and Bob Builder"),
        [
            "refs.bib:2: [owner-missing] bad: the site's owner is not among the authors "
            "(see portfolio_owner and portfolio_owner_aliases)"
        ],
    ),
    "equal-contribution": (
        entry(equal_contribution="1, 3"),
        [
            'refs.bib:6: [equal-contribution] bad: equal_contribution "1, 3" must list '
            "author positions between 1 and 2, e.g. {1, 2}"
        ],
    ),
    "bad-selected": (
        entry(selected="y"),
        [
            'refs.bib:6: [bad-selected] bad: selected "y" must be one of: yes, no, true, false'
        ],
    ),
    "unknown-status": (
        entry(status="accepted"),
        [
            'refs.bib:6: [unknown-status] bad: unknown status "accepted"; use one of: '
            "oral, workshop, preprint, under review, or leave it out for a published work"
        ],
    ),
}


def run_check(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str]]:
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    status = main(["check", "refs.bib", "--owner", "Daize Dong"])
    return status, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_problem_code(
    code: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    text, expected = CASES[code]
    assert run_check(tmp_path, text, capsys) == (1, expected)


def test_unreadable_latex_is_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # pybtex's decoder raises on a lone backslash: a problem, not a traceback
    monkeypatch.chdir(tmp_path)
    assert run_check(tmp_path, entry(title="Trailing backslash \\"), capsys) == (
        1,
        [
            "refs.bib:3: [latex-escape] bad: title has LaTeX markup that cannot be "
            "read (a lone backslash?): write the text itself (UTF-8), and \\ only "
            "before %, &, _, # or $"
        ],
    )


def test_cases_cover_every_bib_code() -> None:
    build_only = {
        "unlisted",
        "directive",
        "cv-pdf",
        "search",
        "news",
        "social-card",
        "config",
        "empty-list",
        "filter",
        "bib-missing",
        "bib-encoding",
    }
    assert set(CASES) == {w.value for w in PortfolioWarning} - build_only


def test_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "refs.bib").write_bytes(entry(title="Caf\u00e9").encode("latin-1"))
    assert main(["check", "refs.bib", "--owner", "Daize Dong"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "refs.bib:3: [bib-encoding] byte 0xe9 is not UTF-8: save the file as UTF-8"
    ]


def test_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check", "nothere.bib", "--owner", "Daize Dong"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("nothere.bib:0: [bib-missing] no such bib file: ")


def test_every_problem_in_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    text = "\n".join(
        CASES[code][0].replace("{bad,", f"{{{code},")
        for code in ("bad-year", "bad-url", "unknown-status")
    )
    status, lines = run_check(tmp_path, text, capsys)
    assert status == 1
    assert [line.split(" ")[1] for line in lines] == [
        "[bad-year]",
        "[bad-url]",
        "[unknown-status]",
    ]
    assert [line.split(":")[1] for line in lines] == ["5", "13", "21"]


def test_clean_file_exits_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_check(tmp_path, GOOD, capsys) == (0, [])


def test_real_refs_bib_is_clean_from_the_command_line() -> None:
    """The README's command, as a user runs it: owner read from docs/conf.py."""
    repo = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "sphinx_portfolio", "check", "refs.bib"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "")
    # as many as refs.bib starts, counted without a BibTeX parser
    count = len(re.findall(r"^@\w+\s*\{", (repo / "refs.bib").read_text(), re.M))
    assert result.stderr == f"{count} entries, 0 problems\n"


def test_command_line_errors_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text(
        "@article{x,\n  title = {Broken\n", encoding="utf-8"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx_portfolio",
            "check",
            "refs.bib",
            "--owner",
            "A B",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("refs.bib:1: [bib-syntax] syntax error:")
