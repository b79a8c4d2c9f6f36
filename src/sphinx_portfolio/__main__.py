"""The command line.

``python -m sphinx_portfolio check refs.bib``: the build's checks, standalone.
``python -m sphinx_portfolio serve``: the live preview (:mod:`.preview`).
``python -m sphinx_portfolio new DIR --name NAME``: a new portfolio (:mod:`.scaffold`).
``python -m sphinx_portfolio reference``: the configuration reference
(:mod:`.reference`).

Prints every problem as ``refs.bib:LINE: [code] message`` and exits with 1 when
there is any; the owner's name comes from ``--owner`` or from the Sphinx
configuration (``--conf``, by default ``docs/conf.py`` when there is one).
"""

from __future__ import annotations

import argparse
import runpy
import sys
from collections.abc import Sequence
from pathlib import Path

from . import bibdata, validate


def owner_from_conf(conf: Path) -> list[str]:
    namespace = runpy.run_path(str(conf))
    owner = [namespace.get("portfolio_owner", "")]
    return [
        name
        for name in owner + list(namespace.get("portfolio_owner_aliases", []))
        if name
    ]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:
        from .preview import serve

        return serve(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m sphinx_portfolio")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "serve",
        add_help=False,
        help="live preview: serve the site, rebuild and reload it on every save "
        "(serve --help for its options)",
    )
    check = commands.add_parser("check", help="check bib files, report every problem")
    check.add_argument("bibfiles", nargs="+", type=Path)
    check.add_argument(
        "--owner",
        action="append",
        default=[],
        help="the site owner's name as in the bib file (repeat for other spellings)",
    )
    check.add_argument(
        "--conf",
        type=Path,
        default=Path("docs/conf.py"),
        help="a Sphinx conf.py to read portfolio_owner from (default: docs/conf.py)",
    )
    new = commands.add_parser(
        "new",
        help="write a new portfolio into DIR (new or empty), ready to build",
        description="Write a complete portfolio for NAME into DIR: pages with text "
        "saying what goes where, a sample work in refs.bib, news.toml, conf.py, "
        "noxfile.py, pyproject.toml with pins, .readthedocs.yaml, a README, a test.",
    )
    new.add_argument("dir", type=Path, metavar="DIR")
    new.add_argument("--name", required=True, help="the researcher's name")
    new.add_argument("--email", help="an email address, linked on the home page")
    new.add_argument(
        "--force",
        action="store_true",
        help="write into a folder that is not empty, replacing files of the same names",
    )
    commands.add_parser(
        "reference",
        help="print the configuration reference (CONFIGURATION.md): every option, "
        "directive and refs.bib field",
    )
    args = parser.parse_args(argv)
    if args.command == "reference":
        from .reference import markdown

        sys.stdout.write(markdown())
        return 0
    if args.command == "new":
        return write_new(args.dir, args.name, args.email, args.force)
    owner = args.owner
    if not owner and args.conf.is_file():
        owner = owner_from_conf(args.conf)
    if not owner:
        parser.error("name the site's owner with --owner, or point --conf at conf.py")
    parsed = bibdata.parse([path.resolve() for path in args.bibfiles], owner)
    problems = validate.check(parsed, owner)
    for problem in problems:
        print(problem)
    entries, found = len(parsed.publications), len(problems)
    print(
        f"{entries} {'entry' if entries == 1 else 'entries'}, "
        f"{found} {'problem' if found == 1 else 'problems'}",
        file=sys.stderr,
    )
    return 1 if problems else 0


def write_new(target: Path, name: str, email: str | None, force: bool) -> int:
    from .scaffold import ScaffoldError, new

    try:
        written = new(target, name, email, force)
    except ScaffoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    print(
        f"\n{len(written)} files written. Build the site:\n"
        f"  cd {target}\n  python3 -m pip install 'nox[uv]' && python3 -m nox -s docs",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
