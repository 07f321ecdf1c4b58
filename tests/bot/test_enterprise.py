"""GitHub Enterprise Server is what the server says it is (GET /meta), not what the URL suggests;
`--enterprise`/`--no-enterprise` overrides; any other URL is a github.com-compatible API."""

from __future__ import annotations

from bot_helpers import ORG, PUBLISH, BotHarness, python_repo

from fake_github import FakeGitHub
from trustpub.bot.discovery import Selection
from trustpub.bot.execute import RunConfig

PKG = f"{ORG}/pkg"
GHES = "PyPI accepts trusted-publishing tokens only from github.com"


def one_repo(fake: FakeGitHub) -> None:
    fake.add_org(ORG)
    fake.add_repo(PKG, files=python_repo({"release.yml": PUBLISH}, "pkg"))


def config(enterprise: bool | None = None) -> RunConfig:
    return RunConfig(jobs=1, write_interval=0.0, enterprise=enterprise)


def test_a_github_com_compatible_api_at_another_url_gets_pull_requests(
    fake: FakeGitHub, bot: BotHarness
) -> None:
    one_repo(fake)
    run = bot.run(Selection(repos=(PKG,)), config=config())
    assert run.outcomes[PKG] == "changed"
    assert fake.requests.count("GET", "/meta") == 1
    assert "github.com (GET /meta names no GitHub Enterprise Server version)" in run.errors


def test_github_enterprise_server_is_detected_from_meta(fake: FakeGitHub, bot: BotHarness) -> None:
    one_repo(fake)
    fake.world.installed_version = "3.14.2"
    run = bot.run(Selection(repos=(PKG,)), config=config())
    assert run.outcomes[PKG] == "skipped"
    assert GHES in run.result(PKG).detail
    assert "GitHub Enterprise Server (GET /meta says GitHub Enterprise Server 3.14.2)" in run.errors
    assert fake.requests.writes == []


def test_the_flag_overrides_what_the_server_says(fake: FakeGitHub, bot: BotHarness) -> None:
    one_repo(fake)
    fake.world.installed_version = "3.14.2"
    run = bot.run(Selection(repos=(PKG,)), config=config(enterprise=False))
    assert run.outcomes[PKG] == "changed"
    assert fake.requests.count("GET", "/meta") == 0
    assert "github.com (as --no-enterprise says)" in run.errors

    fake.world.installed_version = None
    run = bot.run(Selection(repos=(PKG,)), config=config(enterprise=True))
    assert run.outcomes[PKG] == "skipped" and GHES in run.result(PKG).detail


def test_a_server_without_meta_is_taken_for_github_com_and_says_so(
    fake: FakeGitHub, bot: BotHarness
) -> None:
    one_repo(fake)
    fake.faults.server_error(404, times=1, path="/meta")
    run = bot.run(Selection(repos=(PKG,)), config=config())
    assert run.outcomes[PKG] == "changed"
    assert "GET /meta failed (404): assuming a github.com-compatible API" in run.errors
    assert "pass --enterprise if it is GitHub Enterprise Server" in run.errors
