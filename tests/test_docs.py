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


@pytest.mark.parametrize("page", ["gallery.md", "pull-request.md", "configuration.md"])
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
            assert anchor in anchors(text), f"{page} has no section #{anchor}"


def anchors(markdown: str) -> set[str]:
    """GitHub's anchors for the headings of a page."""
    found = set()
    for line in markdown.splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            kept = "".join(c for c in title if c.isalnum() or c in " -_")
            found.add(kept.replace(" ", "-"))
    return found


def test_the_report_explained_is_the_real_report(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from trustpub.cli import app

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    shown = re.search(r"```text\n(.*?)```", (DOCS / "report.md").read_text(), re.DOTALL)
    assert shown is not None
    args = ["diff", "fixtures/demo", "--github", "acme/widgets", "--color", "never"]
    result = CliRunner().invoke(app, args)
    assert shown.group(1) in result.output


def test_the_configuration_example_is_a_valid_config(tmp_path: Path) -> None:
    from trustpub.settings.files import read_config, repository_settings

    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    config, own, error = re.findall(r"```(?:toml|text)\n(.*?)```", text, re.DOTALL)
    (tmp_path / "trustpub.toml").write_text(config)
    found = read_config(tmp_path / "trustpub.toml", "bot")
    assert found.top["pypi_environment"] == "release"
    assert found.for_repository("acme/legacy-tools", None)["keep_build_in_job"] is True
    assert repository_settings(own, "pyproject.toml", "diff", tmp_path)["add_testpypi"] is True
    assert "did you mean 'pypi-environment'" in error
