"""The documentation made from trustpub's output is current, and what the docs say holds."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"


def make_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "scripts" / "make_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_docs"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("page", ["gallery.md", "pull-request.md"])
def test_generated_pages_are_current(page: str) -> None:
    docs = make_docs()
    make = {path.name: function for path, function in docs.PAGES.items()}[page]
    assert (DOCS / page).read_text(encoding="utf-8") == make(), (
        f"docs/{page} is out of date: run python scripts/make_docs.py"
    )


def test_the_gallery_has_every_upload_tool_and_action() -> None:
    text = (DOCS / "gallery.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    for tool in (
        "pypa/gh-action-pypi-publish",
        "twine",
        "uv publish",
        "pdm publish",
        "poetry",
        "hatch publish",
        "flit publish",
        "maturin upload",
        "PyO3/maturin-action",
    ):
        assert any(tool in heading for heading in headings), tool


def test_links_between_pages_point_at_pages_that_exist() -> None:
    pages = [ROOT / "README.md", *DOCS.glob("*.md")]
    for page in pages:
        for target in re.findall(r"\]\(((?:docs/)?[\w.-]+\.md)(?:#[\w-]+)?\)", page.read_text()):
            base = ROOT if target.startswith("docs/") else page.parent
            assert (base / target).is_file(), f"{page.name} links to missing {target}"


def test_the_sarif_help_links_name_sections_that_exist() -> None:
    from trustpub.report.sarif import DOCS as BASE
    from trustpub.report.sarif import RULES

    for rule in RULES:
        page, _, anchor = rule["helpUri"].removeprefix(BASE + "/").partition("#")
        text = (DOCS / page).read_text(encoding="utf-8")
        if anchor:
            assert f"## {anchor.replace('-', ' ')}" in text.lower().replace("`", ""), anchor
