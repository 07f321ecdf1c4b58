"""`diff` and `apply` on local checkouts, with the GitHub lookups: which obsolete secrets exist,
and `--create-environments` (the fake GitHub server stands in for api.github.com)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from github_helpers import TOKEN
from typer.testing import CliRunner

from fake_github import FakeGitHub
from trustpub.cli import app
from trustpub.github import client
from virtual_time import virtual_timer

PUBLISH = """\
name: Release
on:
  release:
    types: [published]
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
PUBLISH_BOTH = """\
name: Release
on:
  release:
    types: [published]
jobs:
  upload:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.TEST_PYPI_API_TOKEN }}
          repository-url: https://test.pypi.org/legacy/
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
SECRET_EXISTS = "    exists on GitHub as repository secret of acme/pkg (updated "


@pytest.fixture
def github_com(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    """The fake answers for api.github.com (so the rewrite is not treated as GitHub Enterprise);
    waits are virtual; TOKEN is in GITHUB_TOKEN."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    timer = virtual_timer(fake)

    def to_the_fake(settings: client.GitHubSettings) -> client.GitHubSettings:
        assert settings.base_url == client.DEFAULT_BASE_URL, settings.base_url
        return replace(settings, base_url=fake.base_url, write_interval=0, timer=timer)

    monkeypatch.setattr(client, "settings_hook", to_the_fake)
    fake.add_org("acme")
    fake.add_user("alice")
    fake.add_repo("acme/pkg")
    return fake


def checkout(root: Path, origin: str | None = "acme/pkg", workflow: str = PUBLISH) -> Path:
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "release.yml").write_text(workflow)
    (root / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    (root / ".git").mkdir()
    remote = f'[remote "origin"]\n\turl = https://github.com/{origin}.git\n' if origin else ""
    (root / ".git" / "config").write_text(f"[core]\n\tbare = false\n{remote}")
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--color", "never"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def test_diff_reports_where_the_obsolete_secret_exists(
    github_com: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    github_com.add_secret("acme/pkg", "PYPI_API_TOKEN")
    github_com.add_org_secret("acme", "PYPI_API_TOKEN")
    monkeypatch.chdir(tmp_path)  # paths are shown relative to the current directory
    code, output = run("diff", str(checkout(tmp_path / "pkg")))
    assert code == 1
    lines = output.splitlines()
    used = lines.index(
        "  PYPI_API_TOKEN: was used at pkg/.github/workflows/release.yml:11 (job upload)"
    )
    assert lines[used + 1].startswith(SECRET_EXISTS)
    assert "; organization secret of acme (updated " in lines[used + 1]
    assert "On GitHub" not in output  # no problem to report
    assert not any(r.is_write for r in github_com.requests)


def test_diff_with_github_option_and_a_secret_not_found(
    github_com: FakeGitHub, tmp_path: Path
) -> None:
    code, output = run("diff", str(checkout(tmp_path / "pkg", origin=None)), "--github", "acme/pkg")
    assert code == 1
    assert "    not found on GitHub (no repository, environment or organisation secret)" in output


def test_without_a_token_the_report_says_how_to_enable_the_check(
    github_com: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    code, output = run("diff", str(checkout(tmp_path / "pkg")))
    assert code == 1  # changes needed; the missing token is not a failure
    assert (
        "  obsolete secrets not checked on GitHub: no GitHub token; to check, set GITHUB_TOKEN "
        "(or GH_TOKEN) to a token that can read the repository's Actions secrets"
    ) in output.splitlines()
    assert len(github_com.requests) == 0


def test_without_a_known_repository_the_report_says_so(
    github_com: FakeGitHub, tmp_path: Path
) -> None:
    code, output = run("diff", str(checkout(tmp_path / "pkg", origin=None)))
    assert code == 1
    assert "pass --github OWNER/REPO" in output
    assert len(github_com.requests) == 0


def test_json_and_markdown_reports(
    github_com: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    github_com.add_environment("acme/pkg", "release", secrets=["PYPI_API_TOKEN"])
    root = checkout(tmp_path / "pkg")
    code, output = run("diff", str(root), "--format", "json")
    assert code == 1
    [repo] = json.loads(output)["repositories"]
    [secret] = repo["obsolete_secrets"]
    assert [(e["scope"], e["where"]) for e in secret["on_github"]] == [
        ("environment", "acme/pkg environment release")
    ]
    assert repo["github_check"] == {
        "repository": "acme/pkg",
        "secrets_checked": True,
        "environments": [],
        "problems": [],
    }
    code, output = run("diff", str(root), "--format", "markdown")
    assert (
        "was used at `pkg/.github/workflows/release.yml:11` (job `upload`); exists on GitHub as "
        in (output)
    )
    assert "environment secret of acme/pkg environment release" in output


def test_json_report_without_a_token(
    github_com: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    code, output = run("diff", str(checkout(tmp_path / "pkg")), "--format", "json")
    assert code == 1
    [repo] = json.loads(output)["repositories"]
    assert repo["obsolete_secrets"][0]["on_github"] is None
    assert repo["github_check"]["secrets_checked"] is False
    assert repo["github_check"]["problems"][0].startswith(
        "obsolete secrets not checked on GitHub: no GitHub token"
    )


@pytest.mark.parametrize(
    ("setup", "problem"),
    [
        (
            lambda fake: fake.repo("acme/pkg").permissions.update(admin=False),
            "  acme/pkg: listing repository secrets: forbidden (403: Resource not accessible by "
            "personal access token); the token needs read access",
        ),
        (
            lambda fake: fake.world.repos.pop("acme/pkg"),
            "  acme/pkg: not found, or the token cannot see it (404)",
        ),
    ],
    ids=["no access to secrets", "repository not found"],
)
def test_github_errors_are_one_line_and_do_not_fail_the_rewrite(
    github_com: FakeGitHub, tmp_path: Path, setup: object, problem: str
) -> None:
    setup(github_com)  # type: ignore[operator]
    code, output = run("diff", str(checkout(tmp_path / "pkg")))
    assert code == 1
    assert "On GitHub (acme/pkg):" in output
    assert any(line.startswith(problem) for line in output.splitlines()), output


def test_fleet_goes_on_after_errors_and_stops_asking_after_a_bad_token(
    github_com: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    github_com.add_repo("acme/locked")
    github_com.repo("acme/locked").permissions["admin"] = False
    github_com.add_repo("acme/two")
    github_com.add_secret("acme/two", "PYPI_API_TOKEN")
    checkout(tmp_path / "fleet" / "a-locked", "acme/locked")
    checkout(tmp_path / "fleet" / "b-two", "acme/two")
    code, output = run("diff", str(tmp_path / "fleet"), "--jobs", "1")
    assert code == 1
    assert "acme/locked: listing repository secrets: forbidden (403" in output
    assert "exists on GitHub as repository secret of acme/two" in output
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_revoked")
    github_com.requests.clear()
    code, output = run("diff", str(tmp_path / "fleet"), "--jobs", "1")
    assert code == 1
    assert output.count("GitHub rejected the token (401") == 2
    assert [r.status for r in github_com.requests] == [401]
    assert "ghp_revoked" not in output


def test_an_exhausted_rate_limit_exits_4(github_com: FakeGitHub, tmp_path: Path) -> None:
    github_com.faults.primary_rate_limit(reset_in=7200)
    code, output = run("diff", str(checkout(tmp_path / "pkg")))
    assert code == 4
    assert "acme/pkg: the GitHub API rate limit is exhausted; run again after " in output


def test_apply_creates_environments_with_pypi_reviewers(
    github_com: FakeGitHub, tmp_path: Path
) -> None:
    team = github_com.add_team("acme", "release")
    bob = github_com.add_user("bob")
    github_com.add_environment("acme/pkg", "testpypi", wait_timer=10, reviewers=[("User", bob.id)])
    root = checkout(tmp_path / "pkg", workflow=PUBLISH_BOTH)
    code, output = run(
        "apply",
        str(root),
        "--create-environments",
        "--pypi-reviewer",
        "alice",
        "--pypi-reviewer",
        "acme/release",
    )
    assert code == 0, output
    assert "password" not in (root / ".github/workflows/release.yml").read_text()
    lines = output.splitlines()
    start = lines.index("On GitHub (acme/pkg):")
    assert lines[start + 1 : start + 3] == [
        "  environment testpypi: already there, left as it was",
        "  environment pypi: created, required reviewers added: alice, acme/release",
    ]
    alice = github_com.world.account("alice")
    assert alice is not None
    environments = github_com.repo("acme/pkg").environments
    assert environments["pypi"].reviewers == [("User", alice.id), ("Team", team.id)]
    assert (environments["testpypi"].wait_timer, environments["testpypi"].reviewers) == (
        10,
        [("User", bob.id)],
    )
    assert [(r.method, r.path) for r in github_com.requests if r.is_write] == [
        ("PUT", "/repos/acme/pkg/environments/pypi")
    ]


def test_apply_again_says_no_environment_was_created(
    github_com: FakeGitHub, tmp_path: Path
) -> None:
    root = checkout(tmp_path / "pkg")
    assert run("apply", str(root))[0] == 0
    github_com.requests.clear()
    code, output = run("apply", str(root), "--create-environments")
    assert code == 0
    assert "  environments not created: this run migrated no publish job" in output
    assert len(github_com.requests) == 0


def test_apply_without_a_token_writes_and_says_environments_were_not_created(
    github_com: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    root = checkout(tmp_path / "pkg")
    code, output = run("apply", str(root), "--create-environments")
    assert code == 0
    assert "password" not in (root / ".github/workflows/release.yml").read_text()
    assert "obsolete secrets not checked on GitHub, environments not created: no GitHub token" in (
        output
    )


def test_environment_errors_are_one_line(github_com: FakeGitHub, tmp_path: Path) -> None:
    code, output = run(
        "apply",
        str(checkout(tmp_path / "pkg")),
        "--create-environments",
        "--pypi-reviewer",
        "ghost",
    )
    assert code == 0
    assert "  reviewer ghost: not found, or the token cannot see it (404)" in output.splitlines()


def test_reviewer_option_usage_errors(github_com: FakeGitHub, tmp_path: Path) -> None:
    root = checkout(tmp_path / "pkg")
    result = CliRunner().invoke(app, ["apply", str(root), "--pypi-reviewer", "alice"])
    assert result.exit_code == 2
    assert "--pypi-reviewer" in result.output and "needs --create-environments" in result.output
    result = CliRunner().invoke(
        app, ["apply", str(root), "--create-environments", "--pypi-reviewer", "a/b/c"]
    )
    assert result.exit_code == 2
    assert "neither a user login" in result.output
    assert "password" in (root / ".github/workflows/release.yml").read_text()
    assert len(github_com.requests) == 0


def test_check_never_loads_pygithub(tmp_path: Path) -> None:
    root = checkout(tmp_path / "pkg")
    program = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from trustpub.cli import app\n"
        f"result = CliRunner().invoke(app, ['check', {str(root)!r}])\n"
        "assert result.exit_code == 1, result.output\n"
        "print(sorted(m for m in sys.modules if m == 'github' or m.startswith('github.')))\n"
    )
    env = {"PATH": "", "GITHUB_TOKEN": TOKEN}
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("fault", ["none", "forbidden", "server errors", "rate limit", "lost"])
def test_the_token_never_appears_in_diff_or_apply(
    github_com: FakeGitHub, tmp_path: Path, caplog: pytest.LogCaptureFixture, fault: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="github")
    caplog.set_level(logging.DEBUG, logger="urllib3")
    github_com.add_secret("acme/pkg", "PYPI_API_TOKEN")
    if fault == "forbidden":
        github_com.repo("acme/pkg").permissions["admin"] = False
    elif fault == "server errors":
        github_com.faults.server_error(503, times=50)
    elif fault == "rate limit":
        github_com.faults.primary_rate_limit(reset_in=7200)
    elif fault == "lost":
        github_com.faults.lose_response(method=None, mode="drop", times=50)
    root = checkout(tmp_path / "pkg")
    result = CliRunner().invoke(
        app, ["apply", str(root), "--create-environments", "--pypi-reviewer", "alice"]
    )
    assert result.exit_code in (0, 4)
    assert caplog.records
    for text in (result.stdout, result.stderr, caplog.text, repr(result.exception)):
        assert TOKEN not in text


RELEASE_AFTER_UPLOAD = PUBLISH.replace(
    "      - run: python -m build\n",
    "      - run: python -m build\n      - run: gh release create v1 dist/*\n"
    "        env:\n          GH_TOKEN: ${{ github.token }}\n",
).replace("pypa/gh-action-pypi-publish@release/v1", "pypa/gh-action-pypi-publish@v1.12.4")


@pytest.mark.parametrize(
    ("default", "block"),
    [
        ("write", "+      contents: write\n+      id-token: write"),  # what its release step used
        ("read", "+      contents: read\n+      id-token: write"),  # it could not write before
    ],
)
def test_the_repository_default_token_permissions_decide_the_block(
    github_com: FakeGitHub, tmp_path: Path, default: str, block: str
) -> None:
    repo = github_com.world.repo("acme", "pkg")
    assert repo is not None
    repo.default_workflow_permissions = default
    options = ["--keep-build-in-job"]  # in place, unless the job's steps need its write access
    code, output = run(
        "diff", str(checkout(tmp_path / "pkg", workflow=RELEASE_AFTER_UPLOAD)), *options
    )
    assert code == 1
    assert block in output
    asked = [r for r in github_com.requests if r.path.endswith("/actions/permissions/workflow")]
    assert len(asked) == 1


def test_without_admin_access_the_defaults_are_assumed_to_allow_writing(
    github_com: FakeGitHub, tmp_path: Path
) -> None:
    repo = github_com.world.repo("acme", "pkg")
    assert repo is not None
    repo.permissions["admin"] = False
    path = checkout(tmp_path / "pkg", workflow=RELEASE_AFTER_UPLOAD)
    code, output = run("diff", str(path), "--keep-build-in-job")
    assert code == 1
    assert "+      contents: write\n+      id-token: write" in output  # what its steps used
    assert "reading the default workflow permissions: forbidden (403" in output
    assert "trustpub assumed they allow writing" in output


def test_a_repository_whose_layout_does_not_depend_on_them_is_not_asked(
    github_com: FakeGitHub, tmp_path: Path
) -> None:
    run("diff", str(checkout(tmp_path / "pkg")))
    assert not [r for r in github_com.requests if r.path.endswith("/permissions/workflow")]
