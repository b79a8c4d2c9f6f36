"""``python -m sphinx_portfolio new DIR --name NAME``: a portfolio for a new researcher.

The files come from ``starter/`` (``*.tmpl``, :class:`string.Template` placeholders),
each placeholder filled with the name or the email escaped for the file it lands in:
a Python literal in conf.py, backslash escapes in Markdown, TOML strings for the pins
(a name with a control character, which a comment could not hold, is refused).
Before anything is written, the new refs.bib goes through the build's own parser and
checks: a name that BibTeX cannot hold as one author (braces, a word ``and``) is refused
then, with the reason, rather than found by the first build.
"""

from __future__ import annotations

import datetime
import json
import re
import string
import tempfile
import unicodedata
from collections.abc import Iterator
from importlib import metadata, resources
from pathlib import Path, PurePosixPath

from packaging.requirements import Requirement

from . import bibdata, config, validate

DISTRIBUTION = "sphinx-portfolio"
#: the extras a full site installs (``site`` brings the others)
SITE_EXTRA = "site"
#: where a template is written, when not at its own name without ``.tmpl``
RENAMED = {"readthedocs.yaml": ".readthedocs.yaml", "gitignore": ".gitignore"}
#: characters BibTeX or LaTeX read as markup: not written into refs.bib
BIB_MARKUP = set("{}\\%#&$^~_")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
#: the test tools a new site's ``test`` group pins
TEST_TOOLS = ("pytest",)


class ScaffoldError(Exception):
    """What stops ``new``; its message says what to change."""


def markdown(text: str) -> str:
    """*text* as literal Markdown: each ASCII punctuation mark backslash-escaped."""
    return "".join(
        f"\\{c}" if c.isascii() and c in string.punctuation else c for c in text
    )


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ScaffoldError(
            "--name is empty: give the researcher's name, e.g. 'Ada Lovelace'"
        )
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise ScaffoldError(f"--name {name!r} holds a control character")
    markup = sorted(BIB_MARKUP & set(name))
    if markup:
        raise ScaffoldError(
            f"--name {name!r} holds {' '.join(markup)}, which BibTeX reads as markup: "
            "write the name as it reads, e.g. 'José Núñez'"
        )
    return name


def check_email(email: str) -> str:
    email = email.strip()
    if not EMAIL.fullmatch(email):
        raise ScaffoldError(
            f"--email {email!r} is not an email address, e.g. 'ada@example.org'"
        )
    problem = config.profile_problem(profile(email))
    if problem:
        raise ScaffoldError(f"--email {email!r}: the profile link {problem}")
    return email


def profile(email: str) -> dict[str, str]:
    return {"label": "Email", "url": f"mailto:{email}", "text": email}


def installed_requirement() -> tuple[str, str]:
    """This package as a requirement of the new site, pinned as it is installed
    (its PEP 610 direct URL, when it came from one), and where that points."""
    dist = metadata.distribution(DISTRIBUTION)
    direct = dist.read_text("direct_url.json")
    if direct:
        url = json.loads(direct)["url"]
        return f"{DISTRIBUTION}[{SITE_EXTRA}] @ {url}", url
    return f"{DISTRIBUTION}[{SITE_EXTRA}]=={dist.version}", f"version {dist.version}"


def site_requirements() -> Iterator[Requirement]:
    """What this package and its ``site`` extra (with the extras it names) require."""
    extras, seen = [SITE_EXTRA], {SITE_EXTRA}
    requirements = [Requirement(r) for r in metadata.requires(DISTRIBUTION) or []]
    while extras:
        extra = extras.pop()
        for requirement in requirements:
            marker = requirement.marker
            if marker is not None and not marker.evaluate({"extra": extra}):
                continue
            if marker is None and extra != SITE_EXTRA:
                continue  # the core requirements, once
            if requirement.name == DISTRIBUTION:
                extras += sorted(requirement.extras - seen)
                seen |= requirement.extras
            else:
                yield requirement


def pin(requirement: Requirement) -> str:
    """``name==installed version``, or the requirement's own range if not installed."""
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    try:
        return f"{requirement.name}{extras}=={metadata.version(requirement.name)}"
    except metadata.PackageNotFoundError:
        return f"{requirement.name}{extras}{requirement.specifier}"


def toml_list(items: list[str]) -> str:
    return "\n".join(f"  {json.dumps(item, ensure_ascii=False)}," for item in items)


def placeholders(name: str, email: str | None) -> dict[str, str]:
    today = datetime.date.today()
    package, source = installed_requirement()
    requirements = {r.name.lower(): r for r in site_requirements()}
    pins = [pin(requirements[name]) for name in sorted(requirements)]
    tools = [pin(Requirement(tool)) for tool in TEST_TOOLS]
    profiles = [profile(email)] if email else []
    return {
        "name_py": repr(name),
        "name_md": markdown(name),
        "name_bib": name,
        "name_comment": name,
        "profiles_py": "[\n" + "".join(f"    {p!r},\n" for p in profiles) + "]",
        "today": today.isoformat(),
        "year": str(today.year),
        "docs_pins": toml_list([package, *pins]),
        "test_pins": toml_list(tools),
        "portfolio_source": markdown(source),
    }


def templates() -> Iterator[tuple[PurePosixPath, str]]:
    """Each template of ``starter/``: the path it is written to and its text."""
    stack = [(resources.files(__package__) / "starter", PurePosixPath())]
    while stack:
        folder, at = stack.pop()
        for item in sorted(folder.iterdir(), key=lambda item: item.name):
            if item.is_dir():
                stack.append((item, at / item.name))
            elif item.name.endswith(".tmpl"):
                name = item.name.removesuffix(".tmpl")
                yield at / RENAMED.get(name, name), item.read_text(encoding="utf-8")


def render(name: str, email: str | None = None) -> dict[PurePosixPath, str]:
    """The new site's files, by path, for *name* (and *email*): nothing written."""
    name = check_name(name)
    email = check_email(email) if email is not None else None
    values = placeholders(name, email)
    files = {
        path: string.Template(text).substitute(values) for path, text in templates()
    }
    check_bib(files[PurePosixPath("refs.bib")], name)
    return files


def check_bib(text: str, name: str) -> None:
    """The build's own parse and checks of the new refs.bib, with *name* as owner."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "refs.bib")
        path.write_text(text, encoding="utf-8")
        parsed = bibdata.parse([path], [name])
        problems = validate.check(parsed, [name])
    authors = [a for pub in parsed.publications.values() for a in pub.authors]
    if problems or len(authors) != 1 or not authors[0].is_owner:
        found = "; ".join(p.message for p in problems) or (
            f"BibTeX reads it as {len(authors)} authors"
        )
        raise ScaffoldError(
            f"--name {name!r} cannot be one author in refs.bib: {found}"
        )


def new(
    target: Path, name: str, email: str | None = None, force: bool = False
) -> list[Path]:
    """Write a new portfolio into *target*, an empty or new folder (any folder with
    *force*, replacing files of the same names); returns the files written."""
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target} is a file, not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise ScaffoldError(
            f"{target} is not empty: name a new or empty folder "
            "(--force writes into it, replacing files of the same names)"
        )
    files = render(name, email)
    written = []
    for path, text in files.items():
        out = target.joinpath(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8", newline="\n")
        written.append(out)
    return written
