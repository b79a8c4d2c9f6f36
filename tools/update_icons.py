"""Write ``src/sphinx_portfolio/icons.json``: the profile icons, taken from the npm
packages of three maintained icon sets (``npm pack`` fetches them).

    python tools/update_icons.py

- Simple Icons (CC0-1.0): the brands, as their own files draw them;
- Font Awesome Free brands (icons CC-BY-4.0): LinkedIn, which Simple Icons does
  not carry (at LinkedIn's request); its licence comment is kept in the markup;
- Lucide (ISC): the generic ones (email, a homepage, any other link).
"""

from __future__ import annotations

import json
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "sphinx_portfolio" / "icons.json"

SETS = {
    "simple-icons": ("simple-icons", "16.37.0", "CC0-1.0", "https://simpleicons.org"),
    "font-awesome": (
        "@fortawesome/free-brands-svg-icons",
        "7.3.1",
        "CC-BY-4.0",
        "https://fontawesome.com/license/free",
    ),
    "lucide": ("lucide-static", "1.62.0", "ISC", "https://lucide.dev/license"),
}
#: our name: (set, the set's name for it)
ICONS = {
    "arxiv": ("simple-icons", "arxiv"),
    "bluesky": ("simple-icons", "bluesky"),
    "dblp": ("simple-icons", "dblp"),
    "github": ("simple-icons", "github"),
    "gitlab": ("simple-icons", "gitlab"),
    "google-scholar": ("simple-icons", "googlescholar"),
    "hugging-face": ("simple-icons", "huggingface"),
    "kaggle": ("simple-icons", "kaggle"),
    "mastodon": ("simple-icons", "mastodon"),
    "orcid": ("simple-icons", "orcid"),
    "researchgate": ("simple-icons", "researchgate"),
    "semantic-scholar": ("simple-icons", "semanticscholar"),
    "x": ("simple-icons", "x"),
    "youtube": ("simple-icons", "youtube"),
    "linkedin": ("font-awesome", "faLinkedin"),
    "email": ("lucide", "mail"),
    "homepage": ("lucide", "globe"),
    "link": ("lucide", "link"),
}


def unpack(package: str, version: str, into: Path) -> Path:
    name = subprocess.run(
        ["npm", "pack", f"{package}@{version}", "--silent"],
        cwd=into,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    folder = into / name.removesuffix(".tgz")
    with tarfile.open(into / name) as archive:
        archive.extractall(folder, filter="data")
    return folder / "package"


def simple_icon(root: Path, name: str) -> dict[str, str]:
    svg = (root / "icons" / f"{name}.svg").read_text()
    view_box = re.search(r'viewBox="([^"]+)"', svg)
    path = re.search(r'<path d="([^"]+)"', svg)
    assert view_box and path, name
    return {"viewBox": view_box[1], "body": f'<path d="{path[1]}"/>', "paint": "fill"}


def font_awesome(root: Path, name: str) -> dict[str, str]:
    module = (root / f"{name}.js").read_text()
    width = re.search(r"var width = (\d+);", module)
    height = re.search(r"var height = (\d+);", module)
    path = re.search(r"var svgPathData = '([^']+)';", module)
    assert width and height and path, name
    return {
        "viewBox": f"0 0 {width[1]} {height[1]}",
        "body": "<!--! Font Awesome Free 7.3.1 by @fontawesome - "
        "https://fontawesome.com License - https://fontawesome.com/license/free -->"
        f'<path d="{path[1]}"/>',
        "paint": "fill",
    }


def lucide(root: Path, name: str) -> dict[str, str]:
    svg = (root / "icons" / f"{name}.svg").read_text()
    view_box = re.search(r'viewBox="([^"]+)"', svg)
    inner = re.search(
        r">\s*(<(?:path|circle|rect|line|polyline)[\s\S]*?)\s*</svg>", svg
    )
    assert view_box and inner, name
    body = re.sub(r"\s*/>\s*", "/>", inner[1].strip())
    return {"viewBox": view_box[1], "body": body, "paint": "stroke"}


READERS = {"simple-icons": simple_icon, "font-awesome": font_awesome, "lucide": lucide}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        roots = {
            key: unpack(package, version, Path(tmp))
            for key, (package, version, *_) in SETS.items()
        }
        icons = {
            ours: {"set": key, **READERS[key](roots[key], theirs)}
            for ours, (key, theirs) in sorted(ICONS.items())
        }
    sets = {
        key: {"package": package, "version": version, "licence": licence, "url": url}
        for key, (package, version, licence, url) in SETS.items()
    }
    data = {"sets": sets, "icons": icons}
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    print(f"{OUT}: {len(icons)} icons")


if __name__ == "__main__":
    main()
