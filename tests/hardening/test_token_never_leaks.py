"""The GitHub token never appears in any output, log, exception message, JSON or Markdown report,
state file or file written, whatever fails: `diff` and `apply` with `--github`, and `secrets`.

The failures include a server (or a proxy in front of it) that echoes the request's
Authorization header into its error messages, which PyGithub then carries in its exceptions.
The bot's share is in tests/bot (test_command.py, test_token_echo.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from fake_github import FakeGitHub
from fake_github.faults import FaultRule
from trustpub.cli import app
from trustpub.github import client
from virtual_time import virtual_timer

TOKEN = "ghp_HardeningNeverShowsThisToken0123456789"
WRONG = "ghp_ThisOneIsWrongButSecretToo9876543210zz"
PUBLISH = """\
on:
  push:
    tags: ["v*"]
jobs:
  upload:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""


def echo_the_token(fake: FakeGitHub) -> None:
    """Every request fails with a message that repeats its credentials (a broken proxy)."""
    for status in (400, 500):
        message = f"Bad request from Authorization: token {TOKEN} (Bearer {TOKEN})"
        fake.faults.add(FaultRule("error", status=status, message=message, times=200))


FAILURES: dict[str, Callable[[FakeGitHub], None]] = {
    "none": lambda fake: None,
    "forbidden": lambda fake: fake.repo("acme/pkg").permissions.update(admin=False),
    "server errors": lambda fake: fake.faults.server_error(503, times=100),
    "rate limit": lambda fake: fake.faults.primary_rate_limit(reset_in=7200),
    "dropped connections": lambda fake: fake.faults.lose_response(
        method=None, mode="drop", times=100
    ),
    "token echoed in errors": echo_the_token,
}


@pytest.fixture
def fake() -> FakeGitHub:
    with FakeGitHub(token=TOKEN) as server:
        yield server


@pytest.fixture
def github_com(
    fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> FakeGitHub:
    """The fake answers for api.github.com; waits are virtual; every log record is kept."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    timer = virtual_timer(fake)

    def to_the_fake(settings: client.GitHubSettings) -> client.GitHubSettings:
        return replace(settings, base_url=fake.base_url, write_interval=0, timer=timer)

    monkeypatch.setattr(client, "settings_hook", to_the_fake)
    caplog.set_level(logging.DEBUG)
    for name in ("github", "urllib3", "trustpub"):
        caplog.set_level(logging.DEBUG, logger=name)
    fake.add_org("acme")
    fake.add_user("alice")
    fake.add_repo("acme/pkg")
    fake.add_secret("acme/pkg", "PYPI_API_TOKEN")
    return fake


def checkout(root: Path) -> Path:
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "release.yml").write_text(PUBLISH)
    (root / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(
        '[remote "origin"]\n\turl = https://github.com/acme/pkg.git\n'
    )
    return root


def assert_never_shown(result: Result, caplog: pytest.LogCaptureFixture, files: Path) -> None:
    assert caplog.records, "nothing was logged: the test would prove nothing"
    shown = {
        "stdout": result.stdout,
        "stderr": result.stderr,
        "exception": repr(result.exception),
        "logs": caplog.text,
        "log messages": "\n".join(r.getMessage() for r in caplog.records),
    }
    shown |= {
        str(p): p.read_text(errors="replace") for p in sorted(files.rglob("*")) if p.is_file()
    }
    for where, text in shown.items():
        for secret in (TOKEN, WRONG):
            assert secret not in text, f"the token leaked into {where}"
            assert secret[4:20] not in text, f"part of the token leaked into {where}"


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
@pytest.mark.parametrize("command", ["diff", "apply"])
@pytest.mark.parametrize("run", ["--github", "--state"])
def test_diff_and_apply_never_show_the_token(
    github_com: FakeGitHub,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    failure: str,
    fmt: str,
    command: str,
    run: str,
) -> None:
    FAILURES[failure](github_com)
    root = checkout(tmp_path / "pkg")
    # One repository named on the command line, or a fleet run that records its state.
    where = ["--github", "acme/pkg"] if run == "--github" else ["--state", str(tmp_path / "s")]
    args = [command, str(root), *where, "--format", fmt]
    if command == "apply":
        args += ["--create-environments", "--pypi-reviewer", "alice"]
    result = CliRunner().invoke(app, [*args, "--color", "never"])
    assert result.exit_code in (0, 1, 3, 4), result.output
    assert_never_shown(result, caplog, tmp_path)


def test_a_rejected_token_is_never_shown_either(
    github_com: FakeGitHub,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", WRONG)
    root = checkout(tmp_path / "pkg")
    for command in ("diff", "apply", "secrets"):
        target = "acme/pkg" if command == "secrets" else str(root)
        result = CliRunner().invoke(app, [command, target, "--format", "json"])
        assert "rejected the token" in result.output or result.exit_code in (3, 4)
        assert_never_shown(result, caplog, tmp_path)


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_secrets_never_shows_the_token(
    github_com: FakeGitHub,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    failure: str,
    fmt: str,
) -> None:
    FAILURES[failure](github_com)
    result = CliRunner().invoke(app, ["secrets", "--format", fmt, "acme/pkg", "acme/nope"])
    assert result.exit_code in (0, 3, 4), result.output
    assert_never_shown(result, caplog, tmp_path)
