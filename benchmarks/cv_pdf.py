"""The CV PDF: how long Typst takes to set the CV the build translated.

    python benchmarks/cv_pdf.py [DOCTREES ...]

Each argument is the doctree directory of a built site, where the build keeps the
CV's Typst source (``portfolio-cv.typ``); the default is the site ``nox -s docs``
built (``docs/_build/html/.doctrees``); any other built site's (``-d``) works too,
such as a synthetic one of ``build_speed.py``.  Each source is set three times, each in
a fresh process; the best time is reported, with the pages, the size and the peak
memory of that process.  Target: the real CV in well under a second, and a CV of
1,000 works within the 1.5 times the plain stack's clean build allows beside it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "docs" / "_build" / "html" / ".doctrees"

#: one setting, in a process of its own: seconds, pages, bytes, peak KiB
SET = """\
import json, resource, sys, time
start = time.perf_counter()
import typst
source = open(sys.argv[1], "rb").read()
pdf = typst.compile(source, ignore_system_fonts=True)
seconds = time.perf_counter() - start
open(sys.argv[2], "wb").write(pdf)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps([seconds, len(pdf), peak]))
"""


def measure(doctrees: Path) -> dict[str, str]:
    source = doctrees / "portfolio-cv.typ"
    if not source.is_file():
        sys.exit(f"{source} not found: build the site first")
    target = doctrees / "benchmark-cv.pdf"
    runs = []
    for _ in range(3):
        result = subprocess.run(
            [sys.executable, "-c", SET, str(source), str(target)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(result.stdout))
    from pypdf import PdfReader

    seconds, size, peak = min(runs)
    return {
        "source": str(source.relative_to(source.anchor)),
        "seconds": f"{seconds:.2f}",
        "pages": str(len(PdfReader(target).pages)),
        "KiB": str(round(size / 1024)),
        "peak MB": str(peak // 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("doctrees", nargs="*", type=Path, default=[DEFAULT])
    args = parser.parse_args()
    columns = ["seconds", "pages", "KiB", "peak MB", "source"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for doctrees in args.doctrees:
        row = measure(doctrees)
        print("| " + " | ".join(row[c] for c in columns) + " |", flush=True)


if __name__ == "__main__":
    main()
