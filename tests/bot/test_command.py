"""`trustpub bot` on the command line: outputs, exit codes, usage errors, and the token, which
appears nowhere (output, errors, state file, Markdown summary)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bot_helpers import ORG, TOKEN, BotHarness, build_org, open_pulls
from typer.testing import CliRunner, Result

from fake_github import FakeGitHub
from json_schemas import assert_valid
from trustpub.bot import command
from trustpub.cli import app


@pytest.fixture
def cli(fake: FakeGitHub, bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    """TOKEN in GITHUB_TOKEN; clients and the bot's own waits on the fake's clock."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.setattr(command, "TIMER", bot.timer)
    return fake


def invoke(fake: FakeGitHub, *args: str, stdin: str | None = None) -> Result:
    base = ["bot", "--base-url", fake.base_url, "--write-interval", "0"]
    return CliRunner().invoke(app, [*base, *args], input=stdin)


def assert_no_token(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text
        assert TOKEN[4:20] not in text


def test_org_run_text_json_markdown_state(cli: FakeGitHub, tmp_path: Path) -> None:
    org = build_org(cli, publishers=4)
    state, summary = tmp_path / "state.jsonl", tmp_path / "summary.md"
    result = invoke(cli, "--org", ORG, "--state", str(state), "--summary-md", str(summary))
    assert result.exit_code == 3, result.output
    assert "trustpub bot: 20 repositories: 4 changed" in result.stdout
    assert "repository" in result.stdout and "acme/pkg-00" in result.stdout
    text = summary.read_text()
    assert "| repository | outcome | pull request | details |" in text
    assert "| `acme/pkg-00` | changed | [#1](" in text
    records = [json.loads(line) for line in state.read_text().splitlines()]
    assert sorted(r["repository"] for r in records) == org.visited

    again = invoke(cli, "--org", ORG, "--format", "json")
    document = json.loads(again.stdout)
    assert_valid("bot", document)
    assert document["summary"]["outcomes"] == {
        "failed": 2,
        "migrated": 5,
        "ignored": 1,
        "unchanged": 12,
    }
    assert document["summary"]["exit_code"] == again.exit_code == 3
    first = next(r for r in document["repositories"] if r["repository"] == "acme/pkg-00")
    assert first["pull_request"]["number"] == 1
    assert first["report"]["github_check"] is not None or first["detail"]
    assert_no_token(result.output, again.output, text, state.read_text())
    for name in org.needs_pr:
        assert len(open_pulls(cli, name)) == 1


def test_dry_run_on_the_command_line(cli: FakeGitHub) -> None:
    build_org(cli, publishers=2)
    result = invoke(cli, "--org", ORG, "--dry-run", "--include", "pkg-*")
    assert result.exit_code == 0, result.output
    assert "acme/pkg-00: would open a pull request" in result.stdout
    assert "+    permissions:" in result.stdout
    assert "Register these trusted publishers" in result.stdout
    assert cli.requests.writes == []


def test_repos_file_and_stdin(cli: FakeGitHub, tmp_path: Path) -> None:
    build_org(cli, publishers=3)
    listed = tmp_path / "repos.txt"
    listed.write_text("# the first two\nacme/pkg-00\nacme/pkg-01\n")
    result = invoke(cli, "--repos-file", str(listed), "--repo", "acme/pkg-02")
    assert result.exit_code == 0, result.output
    assert "3 changed" in result.stdout
    result = invoke(cli, "--repos-file", "-", stdin="acme/pkg-00\nacme/web-0\n")
    assert result.exit_code == 0
    assert "2 repositories: 1 unchanged" not in result.stdout
    assert "2 unchanged" in result.stdout  # pkg-00's pull request is up to date


def test_token_never_printed_even_when_rejected(
    cli: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_org(cli, publishers=1)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN + "x")
    result = invoke(cli, "--org", ORG)
    assert result.exit_code == 3
    assert "rejected the token" in result.output
    assert_no_token(result.output)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    result = invoke(cli, "--repo", "acme/missing", "--format", "json")
    assert result.exit_code == 3
    assert_no_token(result.output)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "say which repositories"),
        (("--org", "a", "--user", "b"), "either --org or --user"),
        (("--repo", "a/b", "--code-search"), "--code-search needs --org or --user"),
        (("--org", "a", "--resume"), "need --state"),
        (("--org", "a", "--shard", "3/2"), "'3/2': expected I/N"),
        (("--org", "a", "--body-template", "/nonexistent/t.md"), "cannot read the body"),
    ],
)
def test_usage_errors(cli: FakeGitHub, args: tuple[str, ...], message: str) -> None:
    result = invoke(cli, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert cli.requests.snapshot() == []


def test_no_token(cli: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    result = invoke(cli, "--org", ORG)
    assert result.exit_code == 2
    assert "no GitHub token" in result.output


def test_api_choices_on_the_command_line(cli: FakeGitHub) -> None:
    org = build_org(cli, publishers=2)
    rest = invoke(cli, "--org", ORG, "--no-graphql", "--format", "json", "--include", "pkg-00")
    assert rest.exit_code == 0, rest.output
    assert cli.requests.count("POST", "/graphql") == 0
    assert json.loads(rest.stdout)["summary"]["requests"]["graphql_queries"] == 0
    cli.requests.clear()
    graphql = invoke(cli, "--org", ORG, "--format", "json")
    counted = json.loads(graphql.stdout)["summary"]["requests"]
    assert counted["sent"] == len(cli.requests) and counted["writes"] == len(cli.requests.writes)
    assert counted["graphql_queries"] == 2 and counted["graphql_mutations"] == 3  # pkg-01's PR
    enterprise = invoke(cli, "--org", ORG, "--enterprise", "--include", "pkg-*")
    assert "GitHub Enterprise Server (as --enterprise says)" in enterprise.stderr
    assert all(len(open_pulls(cli, name)) == 1 for name in org.needs_pr)
