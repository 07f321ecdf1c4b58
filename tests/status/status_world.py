"""A simulated organisation at every stage of the migration, and how to run `trustpub status`.

acme/published     trustpub's PR merged; a release since, with provenance from the registered
                   publisher; its PYPI_API_TOKEN repository secret is left
acme/run-only      merged; a release since without provenance, uploaded during a successful run
                   of release.yml; an environment secret is left
acme/waiting       merged; no release since; its secret must stay
acme/unregistered  merged; release.yml failed since (no publisher on PyPI); no release
acme/elsewhere     merged; the release since came from another workflow's publisher
acme/open          trustpub's PR open, checks passing; its secret is still in use
acme/closed        trustpub's PR closed without merging
acme/needed        publishes with a token, no PR; names the organisation secret ORG_PYPI_TOKEN
acme/byhand        migrated by hand, provenance since; PYPI_PASSWORD left, TEST_PYPI_TOKEN still
                   used by nightly.yml
acme/web           publishes nothing
Organisation secrets: ORG_PYPI_TOKEN (all repositories; acme/needed uses it) and
SHARED_PYPI_TOKEN (selected: acme/published only; nobody uses it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from rich.console import Console
from typer.testing import CliRunner

from fake_github import FakeGitHub
from fake_github.status_seed import add_check, add_run
from fake_pypi import FakePyPI, GitHubIdentity
from json_schemas import assert_valid
from trustpub.bot.discovery import Selection
from trustpub.bot.execute import Consoles, RunConfig, execute
from trustpub.bot.upsert import BotSettings
from trustpub.cli import app
from trustpub.github.client import GitHubSettings, Token
from virtual_time import virtual_timer

TOKEN = "ghp_StatusNeverPrintsThisToken0123456789ab"
ORG = "acme"

PUBLISH = """\
name: Release
on:
  push:
    tags: ["v*"]
jobs:
  pypi:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m pip install build && python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
PUBLISH_ORG = PUBLISH.replace("PYPI_API_TOKEN", "ORG_PYPI_TOKEN")
MIGRATED = """\
name: Release
on:
  push:
    tags: ["v*"]
jobs:
  pypi:
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
"""
NIGHTLY = """\
name: Nightly
on: schedule
jobs:
  # trustpub: ignore (the smoke test reads the token; it uploads nothing)
  smoke:
    runs-on: ubuntu-latest
    steps:
      - run: ./smoke.sh
        env:
          TOKEN: ${{ secrets.TEST_PYPI_TOKEN }}
"""
CI = """\
name: CI
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm test
"""
MERGED = ("published", "run-only", "waiting", "unregistered", "elsewhere")
WITH_PULL = (*MERGED, "open", "closed")


def project(name: str) -> str:
    return f"acme-{name}"


def files(name: str, workflows: dict[str, str]) -> dict[str, str]:
    found = {f".github/workflows/{path}": text for path, text in workflows.items()}
    return found | {"pyproject.toml": f'[project]\nname = "{project(name)}"\n'}


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class World:
    fake: FakeGitHub
    pypi: FakePyPI
    merged_at: dict[str, datetime]


def open_pull_requests(fake: FakeGitHub, names: tuple[str, ...]) -> None:
    """The real bot opens trustpub's pull requests (its marker, branch and commit)."""
    settings = GitHubSettings(
        Token(fake.token), base_url=fake.base_url, write_interval=0, timer=virtual_timer(fake)
    )
    gh = settings.connect()
    selection = Selection(repos=tuple(f"{ORG}/{n}" for n in names))
    consoles = Consoles(Console(file=io.StringIO()))
    code, _ = execute(gh, selection, BotSettings(), RunConfig(jobs=1, write_interval=0), consoles)
    gh.close()
    assert code == 0


def build(fake: FakeGitHub, pypi: FakePyPI) -> World:
    fake.add_org(ORG)
    for name in WITH_PULL:
        fake.add_repo(f"{ORG}/{name}", files=files(name, {"release.yml": PUBLISH, "ci.yml": CI}))
        fake.add_secret(f"{ORG}/{name}", "PYPI_API_TOKEN")
    # run-only keeps its token as an environment secret instead
    with fake.world.lock:
        del fake.repo(f"{ORG}/run-only").secrets["PYPI_API_TOKEN"]
    fake.add_environment(f"{ORG}/run-only", "release", secrets=["PYPI_API_TOKEN"])
    open_pull_requests(fake, WITH_PULL)
    merged_at = {}
    for name in MERGED:
        number = fake.pulls(f"{ORG}/{name}")[0].number
        fake.merge_pull(f"{ORG}/{name}", number)
        merged_at[name] = parse(fake.pull(f"{ORG}/{name}", number).pull.merged_at)  # type: ignore[union-attr]
    fake.close_pull(f"{ORG}/closed", fake.pulls(f"{ORG}/closed")[0].number)
    head = fake.pulls(f"{ORG}/open")[0].pull
    assert head is not None
    add_check(fake, f"{ORG}/open", fake.branch_sha(f"{ORG}/open", head.head_ref) or "", "build")

    fake.add_repo(f"{ORG}/needed", files=files("needed", {"release.yml": PUBLISH_ORG}))
    fake.add_repo(
        f"{ORG}/byhand", files=files("byhand", {"release.yml": MIGRATED, "nightly.yml": NIGHTLY})
    )
    fake.add_secret(f"{ORG}/byhand", "PYPI_PASSWORD")
    fake.add_secret(f"{ORG}/byhand", "TEST_PYPI_TOKEN")
    fake.add_repo(f"{ORG}/web", files={"package.json": "{}\n", ".github/workflows/ci.yml": CI})
    fake.add_org_secret(ORG, "ORG_PYPI_TOKEN", visibility="all")
    fake.add_org_secret(ORG, "SHARED_PYPI_TOKEN", visibility="selected", repos=[f"{ORG}/published"])

    before = min(merged_at.values()) - timedelta(days=90)
    for name in (*WITH_PULL, "needed", "byhand"):
        pypi.upload(project(name), "0.9", at=before)  # token uploads, long ago
    identity = GitHubIdentity(f"{ORG}/published", "release.yml", "pypi")
    pypi.upload(
        project("published"),
        "1.0",
        at=merged_at["published"] + timedelta(hours=1),
        publisher=identity,
    )
    upload = merged_at["run-only"] + timedelta(hours=2)
    pypi.upload(project("run-only"), "1.0", at=upload)
    add_run(fake, f"{ORG}/run-only", "release.yml", started=upload - timedelta(minutes=3))
    add_run(
        fake,
        f"{ORG}/unregistered",
        "release.yml",
        started=merged_at["unregistered"] + timedelta(hours=1),
        conclusion="failure",
    )
    other = GitHubIdentity(f"{ORG}/elsewhere", "deploy.yml", None)
    pypi.upload(
        project("elsewhere"), "2.0", at=merged_at["elsewhere"] + timedelta(hours=1), publisher=other
    )
    # by hand: the last change of release.yml is the fake's "now"; the release comes after it
    byhand = GitHubIdentity(f"{ORG}/byhand", "release.yml", "pypi")
    pypi.upload(
        project("byhand"),
        "3.0",
        at=datetime.now(timezone.utc) + timedelta(hours=1),
        publisher=byhand,
    )
    return World(fake, pypi, merged_at)


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def json(self) -> dict[str, Any]:
        import json

        document = dict(json.loads(self.stdout))
        assert_valid("status", document)  # every JSON document the tests read follows the schema
        return document

    def by_repo(self) -> dict[str, dict[str, Any]]:
        return {r["repository"]: r for r in self.json()["repositories"]}


def status(world: World, *args: str, command: str = "status", stdin: str | None = None) -> Result:
    base = ["--base-url", world.fake.base_url]
    urls = ["--pypi-url", world.pypi.url, "--testpypi-url", world.pypi.url]
    result = CliRunner().invoke(app, [command, *base, *urls, *args], input=stdin)
    exception = None if isinstance(result.exception, SystemExit) else result.exception
    return Result(result.exit_code, result.stdout, result.stderr, exception)
