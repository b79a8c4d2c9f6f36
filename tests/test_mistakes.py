"""Every input a researcher can mistype: one case per kind of mistake, each built,
with the exact located message and no traceback (issue 13)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

from sphinx_portfolio.config import OPTIONS

from .test_extension import warnings_of

ROOTS = Path(__file__).parent / "roots"

#: (a value in conf.py, the warning it gives); the build goes on with the default
CONFIG_CASES = [
    (
        "portfolio_cv_paper",
        "A5",
        "portfolio_cv_paper must be one of 'A4', 'Letter'; found 'A5' (using 'A4')",
    ),
    (
        "portfolio_person",
        ["affiliation"],
        "portfolio_person must be a dict of schema.org properties, e.g. "
        "{'jobTitle': '...'}; found ['affiliation'] (using {})",
    ),
    (
        "portfolio_profiles",
        "https://github.com/x",
        "portfolio_profiles must be a list of {'label': ..., 'url': ..., 'text': "
        "...} (text optional), each url http(s) or mailto; found "
        "'https://github.com/x' (using [])",
    ),
    (
        "portfolio_profiles",
        [{"label": "Home", "url": "javascript:alert(1)"}],
        "portfolio_profiles must be a list of {'label': ..., 'url': ..., 'text': "
        "...} (text optional), each url http(s) or mailto; item 1 links to "
        "'javascript:alert(1)'; found [{'label': 'Home', 'url': "
        "'javascript:alert(1)'}] (using [])",
    ),
    (
        "portfolio_profiles",
        [{"label": "Home"}],
        "portfolio_profiles must be a list of {'label': ..., 'url': ..., 'text': "
        "...} (text optional), each url http(s) or mailto; item 1 has no 'label' "
        "or no 'url'; found [{'label': 'Home'}] (using [])",
    ),
    (
        "portfolio_profiles",
        [{"label": "Home", "url": "https://x.org", "icon": "house"}],
        "portfolio_profiles must be a list of {'label': ..., 'url': ..., 'text': "
        "...} (text optional), each url http(s) or mailto; item 1 has the unknown "
        "key 'icon'; found [{'label': 'Home', 'url': 'https://x.org', 'icon': "
        "'house'}] (using [])",
    ),
    (
        "portfolio_paper_dir",
        "../x",
        "portfolio_paper_dir must be a path inside the built site, e.g. "
        "'publications'; found '../x' (using 'publications')",
    ),
    (
        "portfolio_paper_dir",
        "/srv/papers",
        "portfolio_paper_dir must be a path inside the built site, e.g. "
        "'publications'; found '/srv/papers' (using 'publications')",
    ),
    (
        "portfolio_cv_pdf",
        "../../cv.pdf",
        "portfolio_cv_pdf must be a path inside the built site, e.g. 'cv.pdf'; "
        "found '../../cv.pdf' (using 'cv.pdf')",
    ),
    (
        "portfolio_cv_pdf",
        "cv.docx",
        "portfolio_cv_pdf must be a path inside the built site, e.g. 'cv.pdf'; "
        "found 'cv.docx' (using 'cv.pdf')",
    ),
    (
        "portfolio_search",
        "yes",
        "portfolio_search must be True or False; found 'yes' (using True)",
    ),
    (
        "portfolio_owner_aliases",
        "Dong Daize",
        "portfolio_owner_aliases must be a list of names, e.g. ['D. Dong']; found "
        "'Dong Daize' (using [])",
    ),
    (
        "portfolio_owner",
        ["Daize Dong"],
        "portfolio_owner must be a string; found ['Daize Dong'] (using '')",
    ),
    (
        "portfolio_news",
        3,
        "portfolio_news must be a string; found 3 (using '')",
    ),
]


def build(
    tmp_path: Path, root: str, overrides: dict[str, Any]
) -> tuple[list[str], Path]:
    """Build *root* with *overrides*: its warnings (no traceback can hide in them:
    an exception would fail the test), and the output folder."""
    warning = StringIO()
    src = _copy(ROOTS / f"test-{root}", tmp_path / "src")
    # written into conf.py, as a researcher would (confoverrides convert strings)
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text() + "".join(f"{k} = {v!r}\n" for k, v in overrides.items())
    )
    app = SphinxTestApp(
        "html",
        srcdir=src,
        builddir=tmp_path / "out",
        status=StringIO(),
        warning=warning,
        freshenv=True,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return warnings_of(warning), Path(app.outdir)


def _copy(source: Path, target: Path) -> Path:
    import shutil

    shutil.copytree(source, target, dirs_exist_ok=True)
    return target


@pytest.mark.parametrize(
    ("option", "value", "message"),
    CONFIG_CASES,
    ids=[f"{case[0]}={case[1]!r}"[:60] for case in CONFIG_CASES],
)
def test_a_wrong_conf_value_is_named_with_what_it_must_be(
    tmp_path: Path, option: str, value: Any, message: str
) -> None:
    warnings, out = build(tmp_path, "basic", {option: value})
    assert f"WARNING: {message} [portfolio.config]" in warnings, warnings
    assert not any("Traceback" in line for line in warnings)
    assert (out / "index.html").is_file()
    # nothing was written outside the output folder
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "cv.pdf").exists()


def test_the_cases_cover_every_checked_option() -> None:
    checked = {option.name for option in OPTIONS if option.check.__name__ != "text"}
    assert checked <= {case[0] for case in CONFIG_CASES}


#: values of every shape, for every option
ANY_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(option=st.sampled_from([o.name for o in OPTIONS]), value=ANY_VALUE)
def test_any_value_of_any_option_builds_or_is_named(
    tmp_path_factory: pytest.TempPathFactory, option: str, value: Any
) -> None:
    tmp_path = tmp_path_factory.mktemp("any")
    warnings, out = build(tmp_path, "basic", {option: value})
    assert (out / "index.html").is_file()
    ours = [line for line in warnings if "[portfolio.config]" in line]
    others = [line for line in warnings if line not in ours]
    # a value we do not take is named; one we take may still fail later checks
    # with their own located message, never with a traceback
    assert all(line.split("WARNING: ")[1].startswith(option) for line in ours), ours
    assert not any("Traceback" in line or "Exception" in line for line in others)
