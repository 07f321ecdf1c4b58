"""The bot never shows the token, even when GitHub (or a proxy) echoes it into error messages,
and never sends it anywhere but the Authorization header: not in a pull request, a commit, a
branch, a file or a label (hardening, issue 8)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from bot_helpers import ORG, TOKEN, BotHarness, build_org
from typer.testing import CliRunner

from fake_github import FakeGitHub
from fake_github.faults import FaultRule
from trustpub.bot import command
from trustpub.cli import app

ECHO = f"Refused: Authorization: token {TOKEN}"


@pytest.fixture
def cli(fake: FakeGitHub, bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.setattr(command, "TIMER", bot.timer)
    return fake


@pytest.mark.parametrize("failing", ["writes", "everything", "nothing"])
def test_the_token_is_never_shown_nor_sent_in_a_body(
    cli: FakeGitHub, tmp_path: Path, caplog: pytest.LogCaptureFixture, failing: str
) -> None:
    caplog.set_level(logging.DEBUG)
    build_org(cli, publishers=3)
    if failing != "nothing":
        method = "write" if failing == "writes" else None
        for status in (422, 500):
            cli.faults.add(FaultRule("error", method, None, 300, None, 0, status, ECHO))
    state, summary = tmp_path / "state.jsonl", tmp_path / "summary.md"
    base = ["bot", "--base-url", cli.base_url, "--write-interval", "0", "--org", ORG]
    result = CliRunner().invoke(
        app, [*base, "--state", str(state), "--summary-md", str(summary), "--format", "json"]
    )
    assert result.exit_code in (0, 3, 4), result.output
    shown = [result.stdout, result.stderr, repr(result.exception), caplog.text]
    shown += [p.read_text() for p in (state, summary) if p.exists()]
    shown += [json.dumps(r.body, default=str) for r in cli.requests.snapshot()]
    for text in shown:
        assert TOKEN not in text
        assert TOKEN[4:20] not in text
    if failing == "nothing":
        assert cli.requests.writes, "the bot wrote nothing: the test would prove little"
