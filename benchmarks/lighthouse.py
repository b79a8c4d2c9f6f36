"""Lighthouse on every page of the built site, on a phone and on a desktop.

    python benchmarks/lighthouse.py --lighthouse PATH/TO/lighthouse [--site DIR]
        [--runs 5] [--forms mobile desktop] [--pages index.html ...]

(``nox -s audit`` installs Lighthouse from npm, builds the site and runs this.)
The site is served on 127.0.0.1 with gzip, as a static host serves it; Chromium is
Debian's (``PORTFOLIO_CHROMIUM`` points elsewhere). Writes the full reports and a
summary to ``benchmarks/results/lighthouse/`` and prints a table; each score is the
median of ``--runs`` runs (Lighthouse's own advice against its variance). Target: 100
in performance, accessibility, best practices and SEO on every page, on mobile.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static host: gzip for text, long cache for assets with a version query."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and path.suffix in COMPRESSIBLE and accepts):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=31536000")
        self.end_headers()
        from io import BytesIO

        return BytesIO(body)


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def pages(site: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if "_static" not in p.relative_to(site).parts and p.name != "genindex.html"
    )


def audit(lighthouse: str, url: str, form: str, out: Path) -> dict[str, int]:
    command = [
        lighthouse,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if form == "desktop":
        command.append("--preset=desktop")
    env = {
        **os.environ,
        "CHROME_PATH": os.environ.get("PORTFOLIO_CHROMIUM", "/usr/bin/chromium"),
    }
    subprocess.run(command, check=True, env=env, capture_output=True)
    report = json.loads(out.read_text())
    return {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lighthouse", required=True)
    parser.add_argument("--site", type=Path, default=ROOT / "docs" / "_build" / "html")
    parser.add_argument("--pages", nargs="*", help="only these pages (default: all)")
    parser.add_argument("--runs", type=int, default=5, help="runs a page (median)")
    parser.add_argument("--forms", nargs="*", default=["mobile", "desktop"])
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    server, base = serve(args.site)
    rows = []
    try:
        for page in args.pages or pages(args.site):
            for form in args.forms:
                name = page.replace("/", "_").removesuffix(".html")
                runs = [
                    audit(
                        args.lighthouse,
                        f"{base}/{page}",
                        form,
                        RESULTS / f"{name}.{form}.{n}.json",
                    )
                    for n in range(args.runs)
                ]
                scores = {
                    c: round(statistics.median(run[c] for run in runs))
                    for c in CATEGORIES
                }
                rows.append({"page": page, "form": form, **scores})
                print(page, form, scores, flush=True)
    finally:
        server.shutdown()
    (RESULTS / "summary.json").write_text(json.dumps(rows, indent=1))
    lines = [
        "| page | form | " + " | ".join(CATEGORIES) + " |",
        "|---|---|" + "---|" * len(CATEGORIES),
    ]
    lines += [
        f"| {r['page']} | {r['form']} | "
        + " | ".join(str(r[c]) for c in CATEGORIES)
        + " |"
        for r in rows
    ]
    table = "\n".join(lines)
    (RESULTS / "summary.md").write_text(table + "\n")
    print(table)
    below = [
        r for r in rows if r["form"] == "mobile" and min(r[c] for c in CATEGORIES) < 100
    ]
    mobile = [r for r in rows if r["form"] == "mobile"]
    print(f"{len(below)} of {len(mobile)} pages below 100 on mobile", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
