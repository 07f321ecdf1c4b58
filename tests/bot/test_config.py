"""`trustpub bot --config FILE`: the run's settings from the file, each repository's own from
its table there and from its pyproject.toml `[tool.trustpub]`; flags win over both."""

from __future__ import annotations

from pathlib import Path

import pytest
from bot_helpers import (
    DEFAULT_BRANCH,
    ORG,
    OWNED_BRANCHES,
    PUBLISH,
    TOKEN,
    BotHarness,
    open_pulls,
    pyproject,
    python_repo,
)
from typer.testing import CliRunner, Result

from fake_github import FakeGitHub
from trustpub.bot import command
from trustpub.cli import app

OWN = "[tool.trustpub]\npypi-environment = 'release'\nlabels = ['own-label']\n"


@pytest.fixture
def cli(fake: FakeGitHub, bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.setattr(command, "TIMER", bot.timer)
    fake.add_org(ORG)
    for name in ("plain", "configured", "own"):
        files = python_repo({"release.yml": PUBLISH}, f"acme-{name}")
        if name == "own":
            files["pyproject.toml"] = pyproject("acme-own") + OWN
        fake.add_repo(f"{ORG}/{name}", files=files)
    OWNED_BRANCHES[id(fake)] = {DEFAULT_BRANCH, "ci/configured"}
    return fake


def invoke(fake: FakeGitHub, *args: str) -> Result:
    base = ["bot", "--base-url", fake.base_url, "--write-interval", "0"]
    return CliRunner().invoke(app, [*base, *args])


def release_text(fake: FakeGitHub, name: str, branch: str) -> str:
    text = fake.read(f"{ORG}/{name}", ".github/workflows/release.yml", ref=branch)
    assert text is not None
    return text


def test_config_file_and_pyproject_shape_each_pull_request(cli: FakeGitHub, tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(
        f'org = "{ORG}"\nlabels = ["ci"]\ncreate-labels = true\n'
        f'[repositories."{ORG}/configured"]\nbranch = "ci/configured"\n'
        "pypi-environment = 'deploy'\n"
    )
    result = invoke(cli, "--config", str(config))
    assert result.exit_code == 0, result.output
    pulls = {name: open_pulls(cli, f"{ORG}/{name}") for name in ("plain", "configured", "own")}
    assert all(len(found) == 1 for found in pulls.values())
    assert pulls["plain"][0].pull.head_ref == DEFAULT_BRANCH
    assert pulls["configured"][0].pull.head_ref == "ci/configured"
    assert pulls["plain"][0].labels == ["ci"]
    assert pulls["own"][0].labels == ["own-label"]  # its own file wins over the run's
    assert "name: pypi\n" in release_text(cli, "plain", DEFAULT_BRANCH)
    assert "name: deploy\n" in release_text(cli, "configured", "ci/configured")
    assert "name: release\n" in release_text(cli, "own", DEFAULT_BRANCH)


def test_flags_win_over_the_files(cli: FakeGitHub, tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(f'org = "{ORG}"\npypi-environment = "deploy"\n')
    result = invoke(cli, "--config", str(config), "--pypi-environment", "flagged")
    assert result.exit_code == 0, result.output
    for name in ("plain", "configured", "own"):
        assert "name: flagged\n" in release_text(cli, name, DEFAULT_BRANCH)


def test_a_bad_config_file_stops_the_bot_before_any_request(
    cli: FakeGitHub, tmp_path: Path
) -> None:
    config = tmp_path / "bot.toml"
    config.write_text('org = "acme"\nlabel = ["ci"]\n')
    result = invoke(cli, "--config", str(config))
    assert result.exit_code == 2
    assert "key 'label': unknown (did you mean 'labels'?)" in result.output
    assert cli.requests.snapshot() == []
