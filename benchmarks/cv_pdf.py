"""How to print the CV: the options measured on the built site.

    python benchmarks/cv_pdf.py [--theme-timeout SECONDS] [--skip-theme]

Needs a built site (``nox -s docs``). Options:

* ``ours``: what the build does, WeasyPrint on the CV page's body with
  ``cv-print.css`` (the time of a real rebuild, and of a no-op one);
* ``theme``: WeasyPrint on the built ``cv.html`` with the theme's own CSS, as a
  browser's print would (run in a child process, stopped after a timeout);
* ``chromium``: headless Chromium's print-to-PDF of ``cv.html`` (Playwright).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "docs" / "_build" / "html"


def pdf_facts(path: Path) -> dict[str, object]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return {"pages": len(reader.pages), "kib": round(path.stat().st_size / 1024)}


def _theme(target: str) -> None:
    import weasyprint

    weasyprint.HTML(filename=str(SITE / "cv.html")).write_pdf(target)


def theme(timeout: float) -> dict[str, object]:
    target = Path(tempfile.mkdtemp()) / "theme.pdf"
    process = multiprocessing.Process(target=_theme, args=(str(target),))
    start = time.perf_counter()
    process.start()
    process.join(timeout)
    elapsed = time.perf_counter() - start
    if process.is_alive():
        process.kill()
        return {"seconds": f"> {timeout:.0f}", "result": "stopped at the timeout"}
    if process.exitcode != 0 or not target.is_file():
        return {
            "seconds": round(elapsed, 2),
            "result": f"failed (exit {process.exitcode})",
        }
    return {"seconds": round(elapsed, 2), "result": "ok", **pdf_facts(target)}


def ours() -> list[dict[str, object]]:
    """A clean build's PDF step, then a no-op rebuild's, timed by the build itself."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label in ("written", "no-op (inputs unchanged)"):
            start = time.perf_counter()
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "sphinx",
                    "-b",
                    "html",
                    str(ROOT / "docs"),
                    f"{tmp}/html",
                    "-d",
                    f"{tmp}/doctrees",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            total = time.perf_counter() - start
            line = next(
                (
                    line
                    for line in result.stdout.splitlines() + result.stderr.splitlines()
                    if "cv.pdf" in line
                ),
                "",
            )
            rows.append(
                {
                    "option": f"ours, {label}",
                    "build seconds": round(total, 2),
                    "log": line,
                }
            )
        rows[0].update(pdf_facts(Path(tmp) / "html" / "cv.pdf"))
    return rows


def chromium() -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    target = Path(tempfile.mkdtemp()) / "chromium.pdf"
    executable = os.environ.get("PORTFOLIO_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=None if executable == "playwright" else executable,
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        page = browser.new_page()
        page.goto((SITE / "cv.html").as_uri())
        start = time.perf_counter()
        page.pdf(path=str(target), format="A4")
        elapsed = time.perf_counter() - start
        browser.close()
    return {"seconds": round(elapsed, 2), "result": "ok", **pdf_facts(target)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--theme-timeout", type=float, default=300)
    parser.add_argument("--skip-theme", action="store_true")
    args = parser.parse_args()
    if not (SITE / "cv.html").is_file():
        sys.exit("build the site first: nox -s docs")
    results: dict[str, object] = {"ours": ours(), "chromium": chromium()}
    if not args.skip_theme:
        results["theme"] = theme(args.theme_timeout)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
