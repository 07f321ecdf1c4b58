"""trustpub's GitHub layer (client, errors, remote reads, secrets, environments, lookups),
driven through real PyGithub against the fake GitHub server."""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from github_helpers import TOKEN
from urllib3.util.retry import Retry

from fake_github import FakeClockRetry, FakeGitHub, FaultRule
from github import Auth, Github, GithubException, GithubRetry
from trustpub.github import client
from trustpub.github.client import (
    GitHubAccessError,
    GitHubSettings,
    Token,
    settings_from_environment,
    token_from_environment,
)
from trustpub.github.environments import (
    ENVIRONMENTS_ACCESS,
    ensure_environments,
    invalid_reviewer,
    wanted_environments,
)
from trustpub.github.errors import (
    SECRETS_ACCESS,
    RateLimitExhausted,
    TokenRejected,
    explained,
)
from trustpub.github.lookup import GitHubLookup, LookupRequest
from trustpub.github.remote import read_workflows, remote_reader
from trustpub.github.secrets import existing_secrets, obsolete_secrets_on_github
from trustpub.github.transport import PacedRetry, gate_of
from trustpub.repository import RepositoryResult, migrate_repository
from trustpub.rewrite.result import Options
from virtual_time import virtual_timer, waited

PUBLISH = """\
name: Release
on: push
jobs:
  pypi:
    runs-on: ubuntu-latest
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
PUBLISH_BOTH = """\
name: Release
on: push
jobs:
  upload:
    runs-on: ubuntu-latest
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.TEST_PYPI_API_TOKEN }}
          repository-url: https://test.pypi.org/legacy/
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
PYPROJECT = '[project]\nname = "pkg"\n'


def settings(fake: FakeGitHub, **changes: object) -> GitHubSettings:
    """Production settings for the fake, waiting on its clock instead of sleeping."""
    base = GitHubSettings(
        Token(TOKEN),
        base_url=fake.base_url,
        write_interval=0,
        timer=virtual_timer(fake),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def acme(fake: FakeGitHub) -> FakeGitHub:
    fake.add_org("acme")
    fake.add_user("alice")
    fake.add_repo(
        "acme/pkg", files={".github/workflows/release.yml": PUBLISH, "pyproject.toml": PYPROJECT}
    )
    return fake


@pytest.fixture
def gh(acme: FakeGitHub) -> Github:
    return settings(acme).connect()


def migrated(workflows: dict[str, str]) -> RepositoryResult:
    files = {"pyproject.toml": PYPROJECT}
    return migrate_repository("acme/pkg", workflows, files.get, Options())


# ---- the token --------------------------------------------------------------------------------
def test_token_comes_from_github_token() -> None:
    token = token_from_environment(environ={"GITHUB_TOKEN": " abc123 ", "GH_TOKEN": "other"})
    assert token.reveal() == "abc123"


def test_token_variable_name_is_configurable() -> None:
    environ = {"GITHUB_TOKEN": "default", "MY_TOKEN": "mine"}
    assert token_from_environment("MY_TOKEN", environ).reveal() == "mine"


def test_gh_token_is_the_fallback() -> None:
    assert token_from_environment(environ={"GH_TOKEN": "from-gh"}).reveal() == "from-gh"
    assert token_from_environment("MY_TOKEN", {"GH_TOKEN": "from-gh"}).reveal() == "from-gh"
    assert token_from_environment(environ={"GITHUB_TOKEN": " ", "GH_TOKEN": "x"}).reveal() == "x"


def test_missing_token_is_one_clear_line() -> None:
    with pytest.raises(GitHubAccessError) as error:
        token_from_environment("MY_TOKEN", {})
    message = str(error.value)
    assert "\n" not in message
    assert "MY_TOKEN" in message and "GH_TOKEN" in message


@pytest.mark.parametrize("value", ["ghp_abc\ndef", "ghp abc", "ghp_abc\x00", "ghp_ab\u2019c"])
def test_a_token_with_bad_characters_is_refused_without_showing_it(value: str) -> None:
    with pytest.raises(GitHubAccessError) as error:
        token_from_environment(environ={"GITHUB_TOKEN": value})
    assert "GITHUB_TOKEN does not hold a GitHub token" in str(error.value)
    assert "ghp" not in str(error.value)


def test_token_and_settings_never_show_the_token() -> None:
    token = Token(TOKEN)
    settings = GitHubSettings(token, base_url="https://ghe.example.com/api/v3")
    shown = [repr(token), str(token), f"{token}", f"{token!r}", repr(settings), str(settings)]
    assert all(TOKEN not in text for text in shown), shown
    assert repr(token) == "Token(***)"
    assert "ghe.example.com" in repr(settings)


def test_production_defaults_follow_githubs_limits() -> None:
    settings = settings_from_environment(environ={"GITHUB_TOKEN": "t"})
    assert settings.base_url == "https://api.github.com"
    assert settings.write_interval >= 1.0
    assert settings.secondary_rate_wait == 60.0
    assert settings.max_rate_limit_wait == 3600.0
    assert settings.timer.sleep is time.sleep and settings.timer.sleep_until is None  # real time


def test_settings_hook_is_what_tests_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "settings_hook", lambda s: replace(s, write_interval=0))
    settings = settings_from_environment("T", "https://ghe.example.com/api/v3", {"T": "t"})
    assert settings.write_interval == 0
    assert settings.base_url == "https://ghe.example.com/api/v3"


# ---- the client -------------------------------------------------------------------------------
def test_connect_configures_pacing_retries_and_base_url() -> None:
    gh = GitHubSettings(Token(TOKEN), base_url="https://ghe.example.com/api/v3/").connect()
    try:
        kwargs = gh.requester.kwargs
        assert kwargs["seconds_between_writes"] == 0  # the gate paces writes, retries included
        assert kwargs["seconds_between_requests"] == 0.0
        assert kwargs["base_url"] == "https://ghe.example.com/api/v3"
        retry = kwargs["retry"]
        assert isinstance(retry, PacedRetry) and isinstance(retry, Retry)
        assert retry.gate is gate_of(gh) and retry.gate.interval == 1.0
        assert retry.gate.pause.base == 60.0
        assert (retry.total, retry.connect, retry.backoff_factor, retry.backoff_max) == (
            10,
            2,
            0.5,
            30.0,
        )
        assert retry.max_rate_limit_wait == 3600.0
        assert retry.respect_retry_after_header
        assert {403, 429, 502} <= set(retry.status_forcelist)
        assert isinstance(kwargs["auth"], Auth.Token)
        assert TOKEN not in repr(gh) and TOKEN not in repr(gh.requester)
    finally:
        gh.close()


def test_waits_are_announced(
    acme: FakeGitHub, gh: Github, caplog: pytest.LogCaptureFixture
) -> None:
    acme.faults.secondary_rate_limit(times=1, retry_after=90)
    assert gh.get_repo("acme/pkg").name == "pkg"
    [record] = [r for r in caplog.records if r.name == "trustpub.github"]
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert message.startswith("trustpub: waiting 90 s, until ")
    assert message.endswith(
        "UTC: GitHub's secondary rate limit (403 on GET /repos/acme/pkg); no request is sent "
        "until then"
    )


def test_pygithub_stops_printing_every_retried_403(acme: FakeGitHub) -> None:
    logger = logging.getLogger("github")
    logger.setLevel(logging.INFO)
    settings(acme).connect()
    assert logger.level == logging.WARNING
    logger.setLevel(logging.DEBUG)
    settings(acme).connect()
    assert logger.level == logging.DEBUG
    logger.setLevel(logging.INFO)


def test_writes_are_paced(acme: FakeGitHub) -> None:
    gh = settings(acme, write_interval=30).connect()
    repo = gh.get_repo("acme/pkg")
    ensure_environments(gh, repo, ["one", "two", "three"], {})
    writes = acme.requests.writes
    assert [r.method for r in writes] == ["PUT"] * 3
    gaps = [b.at - a.at for a, b in itertools.pairwise(writes)]
    assert all(gap >= 30 for gap in gaps), gaps  # on the fake's clock, as it received them


def test_secondary_limit_waits_60_seconds_then_retries(acme: FakeGitHub, gh: Github) -> None:
    acme.faults.secondary_rate_limit(times=1)
    assert gh.get_repo("acme/pkg").name == "pkg"
    assert len(acme.retry_sleeps) == 1 and waited(acme.retry_sleeps, 60.0)


def test_retry_after_is_honoured(acme: FakeGitHub, gh: Github) -> None:
    acme.faults.secondary_rate_limit(times=1, retry_after=7)
    acme.faults.too_many_requests(times=1, retry_after=3)
    assert gh.get_repo("acme/pkg").name == "pkg"
    assert len(acme.retry_sleeps) == 2
    assert waited(acme.retry_sleeps[:1], 7) and waited(acme.retry_sleeps[1:], 3)


def test_rate_limit_reset_is_honoured(acme: FakeGitHub, gh: Github) -> None:
    acme.faults.primary_rate_limit(reset_in=600)
    assert gh.get_repo("acme/pkg").name == "pkg"
    assert 599 <= acme.retry_sleeps[0] <= 602


def test_a_reset_beyond_the_maximum_wait_is_exhaustion(acme: FakeGitHub, gh: Github) -> None:
    acme.faults.primary_rate_limit(reset_in=7200)
    with pytest.raises(RateLimitExhausted) as error, explained("acme/pkg"):
        gh.get_repo("acme/pkg")
    assert str(error.value) == "acme/pkg: the GitHub API rate limit is exhausted"
    assert acme.retry_sleeps == []
    resets_at = error.value.resets_at
    assert resets_at is not None
    expected = datetime.now(timezone.utc) + timedelta(seconds=7200)
    assert abs((resets_at - expected).total_seconds()) < 60
    assert error.value.when.startswith("after ") and error.value.when.endswith(" UTC")


def test_server_errors_are_retried_with_backoff(acme: FakeGitHub, gh: Github) -> None:
    acme.faults.server_error(502, times=3)
    assert gh.get_repo("acme/pkg").name == "pkg"
    assert [r.status for r in acme.requests] == [502, 502, 502, 200]
    assert acme.retry_sleeps == [1.0, 2.0]  # backoff 0.5 * 2^n after the first, immediate retry


# ---- one line per error -------------------------------------------------------------------------
def test_bad_token_is_one_line(acme: FakeGitHub) -> None:
    gh = settings(acme, token=Token("ghp_wrong")).connect()
    with pytest.raises(TokenRejected) as error, explained("acme/pkg"):
        gh.get_repo("acme/pkg")
    assert str(error.value).startswith("acme/pkg: GitHub rejected the token (401 Bad credentials)")
    assert "ghp_wrong" not in str(error.value)


def test_not_found_is_one_line(acme: FakeGitHub, gh: Github) -> None:
    with pytest.raises(GitHubAccessError) as error, explained("acme/nope"):
        gh.get_repo("acme/nope")
    assert str(error.value) == "acme/nope: not found, or the token cannot see it (404)"


def test_forbidden_says_what_access_is_missing(acme: FakeGitHub, gh: Github) -> None:
    acme.repo("acme/pkg").permissions["admin"] = False
    repo = gh.get_repo("acme/pkg")
    with pytest.raises(GitHubAccessError) as error, explained("acme/pkg", SECRETS_ACCESS):
        list(repo.get_secrets())
    assert str(error.value) == (
        "acme/pkg: forbidden (403: Resource not accessible by personal access token); "
        + SECRETS_ACCESS
    )


def test_other_statuses_and_a_429_without_retry_after(acme: FakeGitHub, gh: Github) -> None:
    with pytest.raises(GitHubAccessError) as error, explained("labels"):
        gh.get_repo("acme/pkg").create_label("bad", "not-a-colour")
    assert str(error.value) == "labels: GitHub answered 422: Validation Failed"
    # GitHub documents 429 for secondary limits too: without Retry-After, a minute's pause
    acme.faults.too_many_requests(times=1)
    assert gh.get_repo("acme/pkg").name == "pkg"
    assert waited(acme.retry_sleeps, 60.0)


def test_persistent_server_errors_and_secondary_limits(acme: FakeGitHub) -> None:
    gh = settings(acme, retry_total=2).connect()
    acme.faults.server_error(502, times=10)
    with pytest.raises(GitHubAccessError) as error, explained("acme/pkg"):
        gh.get_repo("acme/pkg")
    assert str(error.value) == (
        "acme/pkg: GitHub kept failing (server errors after every retry); try again later"
    )
    acme.faults.clear()
    acme.faults.secondary_rate_limit(times=10)
    with pytest.raises(RateLimitExhausted) as limited, explained("acme/pkg"):
        gh.get_repo("acme/pkg")
    assert "secondary rate limit" in str(limited.value)


def test_unreachable_server_is_one_line() -> None:
    gh = GitHubSettings(Token(TOKEN), base_url="http://127.0.0.1:9", retry_total=0).connect()
    with pytest.raises(GitHubAccessError) as error, explained("acme/pkg"):
        gh.get_repo("acme/pkg")
    assert str(error.value) == "acme/pkg: GitHub could not be reached (ConnectionError)"


# ---- reading a repository ----------------------------------------------------------------------
def test_read_workflows_lists_yaml_files_at_the_top_level(acme: FakeGitHub, gh: Github) -> None:
    acme.commit(
        "acme/pkg",
        {
            ".github/workflows/a.yaml": "on: push\n",
            ".github/workflows/notes.md": "# no\n",
            ".github/workflows/nested/b.yml": "on: push\n",
        },
    )
    acme.commit("acme/pkg", {".github/workflows/c.yml": "on: pull_request\n"}, branch="dev")
    repo = gh.get_repo("acme/pkg")
    found = read_workflows(repo, "main")
    assert [w.path for w in found] == [".github/workflows/a.yaml", ".github/workflows/release.yml"]
    assert found[1].text == PUBLISH
    tree = acme.repo("acme/pkg")
    assert found[1].sha == tree.store.lookup(tree.default_tree(), found[1].path).sha
    assert ".github/workflows/c.yml" in [w.path for w in read_workflows(repo, "dev")]


def test_read_workflows_without_workflows_or_commits(acme: FakeGitHub, gh: Github) -> None:
    acme.add_repo("acme/plain")
    acme.add_repo("acme/empty", empty=True)
    assert read_workflows(gh.get_repo("acme/plain"), "main") == []
    assert read_workflows(gh.get_repo("acme/empty"), "main") == []


def test_remote_reader_reads_files_and_nothing_else(acme: FakeGitHub, gh: Github) -> None:
    read = remote_reader(gh.get_repo("acme/pkg"), "main")
    assert read("pyproject.toml") == PYPROJECT
    assert read("setup.cfg") is None
    assert read(".github") is None  # a directory


# ---- secrets ------------------------------------------------------------------------------------
def test_existing_secrets_in_every_place_a_workflow_can_read(acme: FakeGitHub, gh: Github) -> None:
    acme.add_secret("acme/pkg", "PYPI_API_TOKEN")
    acme.add_secret("acme/pkg", "UNRELATED")
    acme.add_environment("acme/pkg", "release", secrets=["pypi_api_token"])
    acme.add_environment("acme/pkg", "test/env", secrets=["TEST_PYPI_API_TOKEN"])
    acme.add_org_secret("acme", "PYPI_API_TOKEN")
    acme.add_org_secret("acme", "TEST_PYPI_API_TOKEN", visibility="selected", repos=["acme/pkg"])
    acme.add_repo("acme/other")
    acme.add_org_secret("acme", "PYPI_TOKEN", visibility="selected", repos=["acme/other"])
    found = existing_secrets(
        gh.get_repo("acme/pkg"), ["pypi_api_token", "TEST_PYPI_API_TOKEN", "PYPI_TOKEN"]
    )
    assert [(s.name, s.scope, s.where) for s in found] == [
        ("PYPI_API_TOKEN", "repository", "acme/pkg"),
        ("PYPI_API_TOKEN", "environment", "acme/pkg environment release"),
        ("TEST_PYPI_API_TOKEN", "environment", "acme/pkg environment test/env"),
        ("PYPI_API_TOKEN", "organization", "acme"),
        ("TEST_PYPI_API_TOKEN", "organization", "acme"),
    ]
    assert all(s.updated_at is not None and s.updated_at.tzinfo for s in found)
    assert "/repos/acme/pkg/environments/test%2Fenv/secrets" in [r.path for r in acme.requests]


def test_existing_secrets_follow_pagination(acme: FakeGitHub, gh: Github) -> None:
    for n in range(65):
        acme.add_secret("acme/pkg", f"SECRET_{n:02}")
    found = existing_secrets(gh.get_repo("acme/pkg"), ["SECRET_64", "SECRET_00"])
    assert sorted(s.name for s in found) == ["SECRET_00", "SECRET_64"]
    pages = [r.params.get("page") for r in acme.requests if r.path.endswith("/actions/secrets")]
    assert pages == [None, "2", "3"]


def test_no_names_no_requests_and_no_org_lookup_for_users(fake: FakeGitHub) -> None:
    fake.add_repo("alice/tool", owner_type="User")
    fake.add_secret("alice/tool", "PYPI_API_TOKEN")
    gh = settings(fake).connect()
    repo = gh.get_repo("alice/tool")
    before = len(fake.requests)
    assert existing_secrets(repo, []) == []
    assert len(fake.requests) == before
    assert [s.scope for s in existing_secrets(repo, ["PYPI_API_TOKEN"])] == ["repository"]
    assert not any("organization-secrets" in r.path for r in fake.requests)


def test_obsolete_secrets_on_github_from_a_result(acme: FakeGitHub, gh: Github) -> None:
    acme.add_secret("acme/pkg", "PYPI_API_TOKEN")
    result = migrated({".github/workflows/release.yml": PUBLISH})
    found = obsolete_secrets_on_github(gh, result, "acme/pkg")
    assert [(s.name, s.scope) for s in found] == [("PYPI_API_TOKEN", "repository")]
    before = len(acme.requests)
    assert obsolete_secrets_on_github(gh, migrated({}), "acme/pkg") == []
    assert len(acme.requests) == before


# ---- environments -------------------------------------------------------------------------------
def test_creates_missing_environments_with_user_and_team_reviewers(
    acme: FakeGitHub, gh: Github
) -> None:
    team = acme.add_team("acme", "release-team")
    alice = acme.world.account("alice")
    assert alice is not None
    changes = ensure_environments(
        gh,
        gh.get_repo("acme/pkg"),
        ["pypi", "testpypi"],
        {"pypi": ["alice", "acme/release-team"]},
    )
    assert [(c.environment, c.created, c.reviewers_added) for c in changes] == [
        ("pypi", True, ("alice", "acme/release-team")),
        ("testpypi", True, ()),
    ]
    environments = acme.repo("acme/pkg").environments
    assert environments["pypi"].reviewers == [("User", alice.id), ("Team", team.id)]
    assert environments["testpypi"].reviewers == []


def test_existing_protection_rules_are_kept(acme: FakeGitHub, gh: Github) -> None:
    bob = acme.add_user("bob")
    acme.add_environment(
        "acme/pkg",
        "pypi",
        wait_timer=30,
        reviewers=[("User", bob.id)],
        prevent_self_review=True,
        deployment_branch_policy={"protected_branches": False, "custom_branch_policies": True},
    )
    environment = acme.repo("acme/pkg").environments["pypi"]
    environment.can_admins_bypass = False
    changes = ensure_environments(gh, gh.get_repo("acme/pkg"), ["pypi"], {"pypi": ["alice"]})
    assert [(c.created, c.reviewers_added) for c in changes] == [(False, ("alice",))]
    alice = acme.world.account("alice")
    assert alice is not None
    assert environment.reviewers == [("User", bob.id), ("User", alice.id)]
    assert environment.wait_timer == 30
    assert environment.prevent_self_review is True
    assert environment.deployment_branch_policy == {
        "protected_branches": False,
        "custom_branch_policies": True,
    }
    assert environment.can_admins_bypass is False


def test_an_environment_that_has_everything_is_not_written(acme: FakeGitHub, gh: Github) -> None:
    alice = acme.world.account("alice")
    assert alice is not None
    acme.add_environment("acme/pkg", "pypi", reviewers=[("User", alice.id)], wait_timer=5)
    changes = ensure_environments(gh, gh.get_repo("acme/pkg"), ["pypi"], {"pypi": ["alice"]})
    assert [(c.created, c.reviewers_added) for c in changes] == [(False, ())]
    assert not any(r.is_write for r in acme.requests)


def test_environment_errors_are_one_line(acme: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo("acme/pkg")
    with pytest.raises(GitHubAccessError) as unknown:
        ensure_environments(gh, repo, ["pypi"], {"pypi": ["ghost"]})
    assert str(unknown.value) == "reviewer ghost: not found, or the token cannot see it (404)"
    with pytest.raises(GitHubAccessError) as malformed:
        ensure_environments(gh, repo, ["pypi"], {"pypi": ["a/b/c"]})
    assert "neither a user login" in str(malformed.value)
    users = [f"user{n}" for n in range(7)]
    for user in users:
        acme.add_user(user)
    with pytest.raises(GitHubAccessError) as too_many:
        ensure_environments(gh, repo, ["pypi"], {"pypi": users})
    assert "GitHub allows at most 6" in str(too_many.value)
    acme.repo("acme/pkg").permissions["admin"] = False
    with pytest.raises(GitHubAccessError) as forbidden:
        ensure_environments(gh, repo, ["pypi"], {})
    assert str(forbidden.value).startswith("acme/pkg: environment pypi: forbidden (403")
    assert str(forbidden.value).endswith(ENVIRONMENTS_ACCESS)
    assert "pypi" not in acme.repo("acme/pkg").environments


def test_wanted_environments_put_reviewers_on_pypi_only() -> None:
    result = migrated({".github/workflows/release.yml": PUBLISH_BOTH})
    assert wanted_environments(result, ["alice", "acme/team"]) == {
        "testpypi": [],
        "pypi": ["alice", "acme/team"],
    }
    already = migrated({".github/workflows/release.yml": result.files[0].text})
    assert wanted_environments(already, ["alice"]) == {}


@pytest.mark.parametrize("spec", ["octocat", "acme/release-team", "a-b/c_d.e", "x"])
def test_reviewer_specs_that_are_valid(spec: str) -> None:
    assert invalid_reviewer(spec) is None


@pytest.mark.parametrize("spec", ["", "-bad", "a/b/c", "a b", "/team", "org/"])
def test_reviewer_specs_that_are_not(spec: str) -> None:
    assert invalid_reviewer(spec)


# ---- lookups for diff and apply -----------------------------------------------------------------
def test_lookup_adds_existing_secrets(token_env: FakeGitHub) -> None:
    token_env.add_org("acme")
    token_env.add_repo("acme/pkg")
    token_env.add_secret("acme/pkg", "PYPI_API_TOKEN")
    look_up = GitHubLookup(LookupRequest(base_url=token_env.base_url))
    result = look_up(migrated({".github/workflows/release.yml": PUBLISH}), "acme/pkg")
    look_up.close()
    assert result.on_github is not None
    assert result.on_github.secrets_checked
    assert [s.scope for s in result.on_github.existing("pypi_api_token")] == ["repository"]
    assert result.on_github.problems == ()


def test_lookup_goes_on_to_environments_when_secrets_are_forbidden(
    token_env: FakeGitHub,
) -> None:
    token_env.add_org("acme")
    token_env.add_repo("acme/pkg")
    forbidden = FaultRule("error", "GET", "/repos/acme/pkg/actions/secrets", status=403)
    forbidden.message = "Resource not accessible by integration"
    token_env.faults.add(forbidden)
    request = LookupRequest(base_url=token_env.base_url, create_environments=True)
    look_up = GitHubLookup(request)
    check = look_up(migrated({".github/workflows/release.yml": PUBLISH}), "acme/pkg").on_github
    assert check is not None
    assert not check.secrets_checked
    assert check.problems == (
        "acme/pkg: listing repository secrets: forbidden (403: Resource not accessible by "
        "integration); " + SECRETS_ACCESS,
    )
    assert [(e.environment, e.created) for e in check.environments] == [("pypi", True)]
    assert not look_up.rate_limited


def test_lookup_with_nothing_to_ask_sends_nothing(token_env: FakeGitHub) -> None:
    look_up = GitHubLookup(LookupRequest(base_url=token_env.base_url, create_environments=True))
    result = migrated({".github/workflows/ci.yml": "on: push\njobs: {}\n"})
    assert look_up(result, "acme/pkg") is result
    assert len(token_env.requests) == 0


def test_lookup_without_token_or_repository_says_how_to_enable_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    result = migrated({".github/workflows/release.yml": PUBLISH})
    checked = GitHubLookup(LookupRequest())(result, "acme/pkg").on_github
    assert checked is not None and not checked.secrets_checked
    assert checked.problems == (
        "obsolete secrets not checked on GitHub: no GitHub token; to check, set GITHUB_TOKEN "
        "(or GH_TOKEN) to a token that can read the repository's Actions secrets",
    )
    monkeypatch.setenv("GH_TOKEN", "t")
    offline = LookupRequest(base_url="http://127.0.0.1:9", create_environments=True)
    unknown = GitHubLookup(offline)(result, None).on_github
    assert unknown is not None
    assert unknown.problems == (
        "obsolete secrets not checked on GitHub, environments not created: the repository is "
        "unknown (no github.com `origin` remote); pass --github OWNER/REPO",
    )


def test_lookup_stops_asking_once_the_rate_limit_is_exhausted(token_env: FakeGitHub) -> None:
    token_env.add_org("acme")
    token_env.add_repo("acme/pkg")
    look_up = GitHubLookup(LookupRequest(base_url=token_env.base_url))
    result = migrated({".github/workflows/release.yml": PUBLISH})
    token_env.faults.primary_rate_limit(reset_in=7200)
    first = look_up(result, "acme/pkg").on_github
    sent = len(token_env.requests)
    second = look_up(result, "acme/other").on_github
    assert look_up.rate_limited
    assert first is not None and second is not None
    assert first.problems[0].startswith("acme/pkg: the GitHub API rate limit is exhausted; run")
    assert second.problems[0].startswith(
        "obsolete secrets not checked on GitHub: the GitHub API rate limit is exhausted; run "
        "again after "
    )
    assert len(token_env.requests) == sent


# ---- logs -------------------------------------------------------------------------------------
def test_debug_logs_of_the_http_stack_never_hold_the_token(
    acme: FakeGitHub, gh: Github, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="github")
    caplog.set_level(logging.DEBUG, logger="urllib3")
    caplog.set_level(logging.DEBUG, logger="trustpub")
    acme.faults.secondary_rate_limit(times=1, retry_after=1)
    acme.add_secret("acme/pkg", "PYPI_API_TOKEN")
    existing_secrets(gh.get_repo("acme/pkg"), ["PYPI_API_TOKEN"])
    messages = [record.getMessage() for record in caplog.records]
    assert any("(oauth token removed)" in m for m in messages)  # PyGithub masks the header
    assert any(m.startswith("trustpub: retrying GET /repos/acme/pkg") for m in messages)
    assert not [m for m in messages if TOKEN in m]


def test_the_token_is_redacted_wherever_the_http_stack_logs_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="github")
    caplog.set_level(logging.DEBUG, logger="urllib3")
    client.redact_in_logs(Token(TOKEN))
    logging.getLogger("github.Requester").debug("echoed body: %s", {"authorization": TOKEN})
    logging.getLogger("urllib3.connectionpool").debug(f"header token {TOKEN}")
    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["echoed body: {'authorization': '***'}", "header token ***"]


def test_retry_exceptions_do_not_carry_the_token(acme: FakeGitHub) -> None:
    gh = settings(acme, retry_total=1).connect()
    acme.faults.server_error(500, times=5)
    with pytest.raises(GitHubAccessError) as error, explained("acme/pkg"):
        gh.get_repo("acme/pkg")
    assert TOKEN not in repr(error.value)
    assert error.value.__cause__ is None and error.value.__suppress_context__


def test_pygithub_exceptions_do_not_carry_the_token(acme: FakeGitHub, gh: Github) -> None:
    with pytest.raises(GithubException) as error:
        gh.get_repo("acme/nope")
    assert TOKEN not in str(error.value) and TOKEN not in repr(error.value)


def test_test_retry_keeps_the_production_retry_logic() -> None:
    assert issubclass(FakeClockRetry, GithubRetry) and issubclass(GithubRetry, Retry)
