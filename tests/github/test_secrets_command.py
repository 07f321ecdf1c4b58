"""`trustpub secrets OWNER/REPO...` against the fake GitHub server, through the command line."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import pytest
from github_helpers import TOKEN
from typer.testing import CliRunner

from fake_github import FakeGitHub
from json_schemas import assert_valid
from trustpub.cli import app
from trustpub.report.facts import SECRET_ADVICE
from virtual_time import waited

PUBLISH_BOTH = """\
name: Release
on:
  release:
    types: [published]
jobs:
  pypi:
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
PUBLISH = """\
name: Release
on: push
jobs:
  upload:
    runs-on: ubuntu-latest
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
NIGHTLY = """\
name: Nightly
on: schedule
jobs:
  nightly:
    runs-on: ubuntu-latest
    steps:
      - run: twine upload --repository-url https://pypi.internal.example/ dist/*  # stays
        env:
          TWINE_PASSWORD: ${{ secrets.TEST_PYPI_API_TOKEN }}
"""
PYPROJECT = '[project]\nname = "pkg"\n'


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


def secrets(fake: FakeGitHub, *args: str) -> Run:
    result = CliRunner().invoke(app, ["secrets", "--base-url", fake.base_url, *args])
    exception = None if isinstance(result.exception, SystemExit) else result.exception
    return Run(result.exit_code, result.stdout, result.stderr, exception)


def add_package(fake: FakeGitHub, name: str, workflows: dict[str, str]) -> None:
    files = {f".github/workflows/{path}": text for path, text in workflows.items()}
    fake.add_repo(name, files={**files, "pyproject.toml": PYPROJECT})


@pytest.fixture
def acme(token_env: FakeGitHub) -> FakeGitHub:
    token_env.add_org("acme")
    add_package(token_env, "acme/pkg", {"release.yml": PUBLISH})
    return token_env


def test_a_secret_used_only_by_the_token_upload_is_listed(acme: FakeGitHub) -> None:
    acme.add_secret("acme/pkg", "PYPI_API_TOKEN")
    run = secrets(acme, "acme/pkg")
    assert run.code == 0, run.stdout + run.stderr
    created = acme.repo("acme/pkg").secrets["PYPI_API_TOKEN"].updated_at[:10]
    assert run.lines == [
        "acme/pkg: secrets that become obsolete exist on GitHub:",
        f"  PYPI_API_TOKEN: repository secret of acme/pkg (updated {created}); was used at "
        ".github/workflows/release.yml:7 (job upload)",
        f"  {SECRET_ADVICE}",
    ]
    assert run.stderr == ""
    assert not any(r.is_write for r in acme.requests)


def test_a_secret_another_workflow_still_uses_is_not_listed(acme: FakeGitHub) -> None:
    add_package(acme, "acme/both", {"release.yml": PUBLISH_BOTH, "nightly.yml": NIGHTLY})
    acme.add_secret("acme/both", "PYPI_API_TOKEN")
    acme.add_secret("acme/both", "TEST_PYPI_API_TOKEN")
    run = secrets(acme, "acme/both")
    assert run.code == 0
    assert "  PYPI_API_TOKEN: repository secret of acme/both" in run.stdout
    assert ".github/workflows/release.yml:13 (job pypi)" in run.stdout
    assert "TEST_PYPI_API_TOKEN" not in run.stdout


def test_environment_and_organisation_secrets(acme: FakeGitHub) -> None:
    add_package(acme, "acme/both", {"release.yml": PUBLISH_BOTH})
    acme.add_repo("acme/other")
    acme.add_environment("acme/both", "release", secrets=["PYPI_API_TOKEN"])
    acme.add_environment("acme/both", "staging")
    acme.add_org_secret("acme", "PYPI_API_TOKEN")  # visible to every repository
    acme.add_org_secret("acme", "TEST_PYPI_API_TOKEN", visibility="selected", repos=["acme/other"])
    run = secrets(acme, "acme/both")
    assert run.code == 0
    listed = [line.split(";")[0] for line in run.lines[1:-1]]
    assert [line.rsplit(" (updated", 1)[0] for line in listed] == [
        "  PYPI_API_TOKEN: environment secret of acme/both environment release",
        "  PYPI_API_TOKEN: organization secret of acme",
        "  TEST_PYPI_API_TOKEN: not found on GitHub",
    ]


def test_a_repository_without_access_to_secrets_and_the_run_goes_on(acme: FakeGitHub) -> None:
    add_package(acme, "acme/locked", {"release.yml": PUBLISH})
    acme.repo("acme/locked").permissions["admin"] = False
    acme.add_secret("acme/pkg", "PYPI_API_TOKEN")
    run = secrets(acme, "acme/locked", "acme/pkg")
    assert run.code == 3
    assert run.lines[:2] == [
        "acme/locked: error: listing repository secrets: forbidden (403: Resource not accessible "
        "by personal access token); the token needs read access to the repository's Actions "
        "secrets (a classic token: the `repo` scope; a fine-grained one: Secrets read) and, for "
        "organisation secrets, an organisation the token is allowed into",
        "  PYPI_API_TOKEN: not checked on GitHub; was used at .github/workflows/release.yml:7 "
        "(job upload)",
    ]
    assert run.lines[2] == "acme/pkg: secrets that become obsolete exist on GitHub:"


def test_a_repository_not_found(acme: FakeGitHub) -> None:
    run = secrets(acme, "acme/nope", "acme/pkg")
    assert run.code == 3
    assert run.lines[0] == "acme/nope: error: not found, or the token cannot see it (404)"
    assert run.lines[1] == "acme/pkg: secrets that become obsolete do not exist on GitHub:"
    assert run.lines[2].startswith("  PYPI_API_TOKEN: not found on GitHub; was used at ")


def test_a_repository_without_obsolete_secrets(acme: FakeGitHub) -> None:
    acme.add_repo("acme/docs")
    run = secrets(acme, "acme/docs")
    assert (run.code, run.lines) == (0, ["acme/docs: no secret becomes obsolete"])
    assert not any("secrets" in r.path for r in acme.requests)


def test_a_bad_token_is_one_line_and_not_sent_again(
    acme: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_revoked")
    run = secrets(acme, "acme/pkg", "acme/two")
    assert run.code == 3
    assert run.lines == [
        "acme/pkg: error: GitHub rejected the token (401 Bad credentials): it is wrong, expired "
        "or revoked, or meant for another GitHub (see --base-url)",
        "acme/two: error: not checked: GitHub rejected the token (401)",
    ]
    assert [r.status for r in acme.requests] == [401]
    assert "ghp_revoked" not in run.stdout + run.stderr


def test_rate_limit_exhausted_exits_4_and_says_how_to_resume(acme: FakeGitHub) -> None:
    add_package(acme, "acme/two", {"release.yml": PUBLISH})
    assert secrets(acme, "acme/pkg").code == 0
    budget = len(acme.requests)
    acme.requests.clear()
    acme.set_rate_limit(remaining=budget, reset_in=7200)
    run = secrets(acme, "acme/pkg", "acme/two", "acme/three")
    assert run.code == 4
    assert run.lines[0] == "acme/pkg: secrets that become obsolete do not exist on GitHub:"
    assert run.lines[2] == "acme/two: error: the GitHub API rate limit is exhausted"
    assert run.lines[3].startswith(
        "acme/three: error: not checked: the GitHub API rate limit is exhausted; run again after "
    )
    assert run.stderr.startswith(
        "trustpub: the GitHub API rate limit is exhausted; run again after"
    )
    assert run.stderr.rstrip().endswith(
        "UTC for the repositories not checked: trustpub secrets acme/two acme/three"
    )
    assert [r.status for r in acme.requests][-1] == 403
    assert acme.retry_sleeps == []  # a reset two hours away is not waited for


def test_a_short_rate_limit_wait_is_honoured(acme: FakeGitHub) -> None:
    acme.faults.primary_rate_limit(reset_in=120)
    acme.faults.secondary_rate_limit(times=1, skip=2)
    run = secrets(acme, "acme/pkg")
    assert run.code == 0, run.stdout
    assert 119 <= acme.retry_sleeps[0] <= 122 and waited(acme.retry_sleeps[1:], 60.0)


def test_json_report(acme: FakeGitHub) -> None:
    acme.add_secret("acme/pkg", "PYPI_API_TOKEN")
    acme.add_org_secret("acme", "PYPI_API_TOKEN")
    run = secrets(acme, "--format", "json", "acme/pkg", "acme/nope")
    assert run.code == 3
    document = json.loads(run.stdout)
    assert_valid("secrets", document)
    assert (document["schema"], document["version"]) == (
        "https://github.com/trustpub/trustpub/schema/secrets",
        1,
    )
    pkg, nope = document["repositories"]
    assert (pkg["repository"], pkg["checked"], pkg["error"]) == ("acme/pkg", True, None)
    [secret] = pkg["obsolete_secrets"]
    assert secret["name"] == "PYPI_API_TOKEN"
    assert secret["uses"] == [{"file": ".github/workflows/release.yml", "job": "upload", "line": 7}]
    assert [(e["scope"], e["where"]) for e in secret["exists"]] == [
        ("repository", "acme/pkg"),
        ("organization", "acme"),
    ]
    assert all(e["updated_at"].endswith("+00:00") for e in secret["exists"])
    assert nope == {
        "repository": "acme/nope",
        "checked": False,
        "error": "not found, or the token cannot see it (404)",
        "obsolete_secrets": [],
    }
    assert document["summary"] == {
        "repositories": 2,
        "checked": 1,
        "failed": 1,
        "existing_secrets": 2,
    }
    assert document["rate_limit"] == {"exhausted": False, "resets_at": None, "resume": None}
    assert document["advice"] == SECRET_ADVICE


def test_json_report_when_the_rate_limit_is_exhausted(acme: FakeGitHub) -> None:
    acme.faults.primary_rate_limit(reset_in=7200)
    run = secrets(acme, "--format", "json", "acme/pkg", "acme/two")
    assert run.code == 4
    document = json.loads(run.stdout)
    assert_valid("secrets", document)
    assert document["rate_limit"]["exhausted"] is True
    assert document["rate_limit"]["resume"] == "trustpub secrets acme/pkg acme/two"
    assert document["rate_limit"]["resets_at"]
    assert [r["checked"] for r in document["repositories"]] == [False, False]


def test_token_name_is_configurable_and_gh_token_is_the_fallback(
    acme: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.setenv("RELEASE_TOKEN", TOKEN)
    assert secrets(acme, "--token-env", "RELEASE_TOKEN", "acme/pkg").code == 0
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    assert secrets(acme, "acme/pkg").code == 0


def test_missing_token_and_bad_arguments_are_usage_errors(
    acme: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    run = secrets(acme, "acme/pkg")
    assert run.code == 2
    assert run.stderr.strip() == (
        "trustpub: error: no GitHub token: set GITHUB_TOKEN (or GH_TOKEN) to a token that can "
        "read the repositories (and their Actions secrets, for the secrets report)"
    )
    run = secrets(acme, "acme", "acme/pkg/x")
    assert (run.code, run.stderr.strip()) == (
        2,
        "trustpub: error: not OWNER/REPO: acme, acme/pkg/x",
    )
    assert len(acme.requests) == 0


def test_an_unexpected_error_fails_that_repository_only(
    acme: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustpub.github import secrets_report

    real = secrets_report.migrate_repository

    def broken(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "acme/broken":
            raise ValueError("engine bug\nwith a second line")
        return real(name, *args, **kwargs)

    add_package(acme, "acme/broken", {"release.yml": PUBLISH})
    monkeypatch.setattr(secrets_report, "migrate_repository", broken)
    run = secrets(acme, "acme/broken", "acme/pkg")
    assert run.code == 3
    assert run.lines[0] == (
        "acme/broken: error: internal error (ValueError: engine bug); please report it"
    )
    assert run.lines[1].startswith("acme/pkg: ")


# ---- the token never shows ----------------------------------------------------------------------
FAILURES = {
    "success": lambda fake: None,
    "forbidden": lambda fake: fake.repo("acme/pkg").permissions.update(admin=False),
    "server errors": lambda fake: fake.faults.server_error(500, times=100),
    "secondary limit": lambda fake: fake.faults.secondary_rate_limit(times=100),
    "429": lambda fake: fake.faults.too_many_requests(times=5),
    "primary limit": lambda fake: fake.faults.primary_rate_limit(reset_in=7200),
    "dropped connection": lambda fake: fake.faults.lose_response(
        method=None, mode="drop", times=20
    ),
    "lost answer": lambda fake: fake.faults.lose_response(method=None, times=20),
}


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_token_never_appears(
    acme: FakeGitHub, caplog: pytest.LogCaptureFixture, failure: str, fmt: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="github")
    caplog.set_level(logging.DEBUG, logger="urllib3")
    caplog.set_level(logging.DEBUG)
    acme.add_secret("acme/pkg", "PYPI_API_TOKEN")
    FAILURES[failure](acme)
    run = secrets(acme, "--format", fmt, "acme/pkg", "acme/nope")
    assert run.exception is None, repr(run.exception)
    assert run.code in (0, 3, 4)
    assert caplog.records, "the HTTP stack logged nothing: the test would prove nothing"
    for where, text in {
        "stdout": run.stdout,
        "stderr": run.stderr,
        "logs": caplog.text,
        "log messages": "\n".join(r.getMessage() for r in caplog.records),
    }.items():
        assert TOKEN not in text, f"the token leaked into {where}"
        assert TOKEN[4:20] not in text, f"part of the token leaked into {where}"


def test_a_base_url_that_is_not_a_url_is_a_usage_error(acme: FakeGitHub) -> None:
    result = CliRunner().invoke(app, ["secrets", "--base-url", "ftp://ghe", "acme/pkg"])
    assert result.exit_code == 2
    assert result.stderr.startswith("trustpub: error: --base-url 'ftp://ghe' is not an http(s)")


def test_tracebacks_never_show_local_variables() -> None:
    # A frame inside PyGithub holds the Authorization header: typer must not print locals.
    assert app.pretty_exceptions_show_locals is False
