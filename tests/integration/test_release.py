"""trustpub's own release and its own pre-commit hook: the release workflow is what trustpub makes
of a token-based one, publishes to TestPyPI then PyPI with trusted publishing, and passes
`trustpub check`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from typer.testing import CliRunner

from trustpub.cli import app

ROOT = Path(__file__).parents[2]
RELEASE = ROOT / ".github" / "workflows" / "release.yml"
BEFORE = ROOT / "fixtures" / "self" / "release-before.yml"


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_the_release_workflow_is_trustpub_s_own_migration(tmp_path: Path) -> None:
    repo = tmp_path / "trustpub"
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    shutil.copy(BEFORE, repo / ".github" / "workflows" / "release.yml")
    result = CliRunner().invoke(app, ["apply", str(repo), "--gate-pypi-on-testpypi"])
    assert result.exit_code == 0, result.output
    assert (repo / ".github" / "workflows" / "release.yml").read_text() == RELEASE.read_text()


def test_trustpub_check_passes_on_this_repository() -> None:
    result = CliRunner().invoke(app, ["check", str(ROOT), "--color", "never"])
    assert result.exit_code == 0, result.output
    assert "1 migrated" in result.output


def test_testpypi_first_then_pypi_with_trusted_publishing() -> None:
    workflow = load(RELEASE)
    jobs = workflow["jobs"]
    assert "permissions" not in workflow or "id-token" not in workflow["permissions"]
    testpypi, pypi = jobs["publish-to-testpypi"], jobs["publish-to-pypi"]
    assert testpypi["environment"]["name"] == "testpypi"
    assert pypi["environment"] == {"name": "pypi", "url": "https://pypi.org/p/trustpub"}
    assert "publish-to-testpypi" in pypi["needs"]
    for job in (testpypi, pypi):
        assert job["permissions"] == {"id-token": "write"}
        [upload] = [s for s in job["steps"] if "gh-action-pypi-publish" in s.get("uses", "")]
        assert "password" not in (upload.get("with") or {})
    assert "TOKEN" not in RELEASE.read_text()


def test_the_own_pre_commit_hook_uses_the_published_hook_s_files() -> None:
    own = load(ROOT / ".pre-commit-config.yaml")
    published = load(ROOT / ".pre-commit-hooks.yaml")
    [hook] = [h for repo in own["repos"] for h in repo["hooks"] if h["id"] == "trustpub-check"]
    assert hook.get("pass_filenames", True)
    assert {h["files"] for h in published} == {hook["files"]}
    assert {h["entry"] for h in published} == {"trustpub check", "trustpub apply"}
