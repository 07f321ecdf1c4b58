"""Helpers for the bot's tests: an organisation to migrate, a runner on the fake's clock, and the
safety check every test ends with (see conftest.py)."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from rich.console import Console

from fake_github import FakeGitHub
from fake_github.shapes import node_id
from trustpub.bot.discovery import Selection
from trustpub.bot.display import Summary
from trustpub.bot.execute import Consoles, RunConfig, execute
from trustpub.bot.outcomes import BotResult
from trustpub.bot.timer import Timer
from trustpub.bot.upsert import DEFAULT_BRANCH, BotSettings
from trustpub.github.client import GitHubSettings, Token
from virtual_time import virtual_timer

# A token that looks real, so that a leak of it anywhere is easy to search for.
TOKEN = "ghp_BotNeverPrintsThisToken0123456789abcdef"
ORG = "acme"
PER_PAGE = 5  # 32 repositories: 7 pages

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
PUBLISH_USER = """\
name: Upload
on: release
jobs:
  upload:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m build
      - name: Publish
        uses: pypa/gh-action-pypi-publish@v1.12.4
        with:
          user: __token__
          password: ${{ secrets.PYPI_TOKEN }}
          skip-existing: true
"""
PUBLISH_BOTH = """\
name: Release
on: push
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
MIGRATED = """\
name: Release
on: push
jobs:
  pypi:
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
"""
CI = """\
name: CI
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm test
"""
BROKEN = """\
name: Release
jobs:
  pypi: [
    uses: pypa/gh-action-pypi-publish@release/v1
"""
OPTED_OUT = "# trustpub: ignore\n" + PUBLISH


def pyproject(name: str) -> str:
    return f'[project]\nname = "{name}"\nversion = "1.0"\n'


def python_repo(workflows: dict[str, str], project: str) -> dict[str, str]:
    files = {"pyproject.toml": pyproject(project), "README.md": f"# {project}\n"}
    files |= {f".github/workflows/{name}": text for name, text in workflows.items()}
    return files


@dataclass
class Org:
    """What the organisation holds, and what the bot should do with it."""

    needs_pr: dict[str, list[str]] = field(default_factory=dict)  # repo -> workflow paths
    migrated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # opted out with `# trustpub: ignore`
    archived: list[str] = field(default_factory=list)
    forks: list[str] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)  # repo -> secret that exists

    @property
    def visited(self) -> list[str]:
        return sorted(
            [*self.needs_pr, *self.migrated, *self.unchanged, *self.failed, *self.ignored]
        )


def build_org(fake: FakeGitHub, publishers: int = 10) -> Org:
    """32 repositories (with 10 publishers): every kind the bot meets, in one organisation."""
    fake.add_org(ORG)
    org = Org()
    for i in range(publishers):
        name = f"{ORG}/pkg-{i:02d}"
        if i % 3 == 0:
            workflows, paths = {"release.yml": PUBLISH, "ci.yml": CI}, ["release.yml"]
        elif i % 3 == 1:
            workflows, paths = {"upload.yaml": PUBLISH_USER}, ["upload.yaml"]
        else:
            workflows, paths = {"release.yml": PUBLISH_BOTH}, ["release.yml"]
        fake.add_repo(name, files=python_repo(workflows, f"acme-pkg-{i:02d}"), topics=["python"])
        org.needs_pr[name] = [f".github/workflows/{p}" for p in paths]
        if i % 2 == 0:
            fake.add_secret(name, "PYPI_API_TOKEN" if i % 3 != 1 else "PYPI_TOKEN")
            org.secrets[name] = "PYPI_API_TOKEN" if i % 3 != 1 else "PYPI_TOKEN"
    for i in range(5):
        name = f"{ORG}/done-{i}"
        fake.add_repo(name, files=python_repo({"release.yml": MIGRATED}, f"done-{i}"))
        org.migrated.append(name)
    for i in range(6):
        name = f"{ORG}/web-{i}"
        files = {"package.json": "{}\n"} | ({".github/workflows/ci.yml": CI} if i % 2 else {})
        fake.add_repo(name, files=files, default_branch="trunk" if i == 1 else "main")
        org.unchanged.append(name)
    for i in range(3):
        name = f"{ORG}/old-{i}"
        fake.add_repo(name, files=python_repo({"release.yml": PUBLISH}, f"old-{i}"), archived=True)
        org.archived.append(name)
    for i in range(3):
        name = f"{ORG}/fork-{i}"
        fake.add_repo(name, fork_of=f"{ORG}/pkg-00")
        org.forks.append(name)
    for i in range(2):
        name = f"{ORG}/empty-{i}"
        fake.add_repo(name, empty=True)
        org.unchanged.append(name)
    for i in range(2):
        name = f"{ORG}/broken-{i}"
        fake.add_repo(name, files=python_repo({"release.yml": BROKEN}, f"broken-{i}"))
        org.failed.append(name)
    name = f"{ORG}/optout"
    fake.add_repo(name, files=python_repo({"release.yml": OPTED_OUT}, "optout"))
    org.ignored.append(name)
    return org


@dataclass
class Run:
    code: int
    summary: Summary | None
    output: str
    errors: str

    @property
    def outcomes(self) -> dict[str, str]:
        assert self.summary is not None
        return {r.repository: r.outcome.value for r in self.summary.outcome.results}

    def result(self, name: str) -> BotResult:
        assert self.summary is not None
        return next(r for r in self.summary.outcome.results if r.repository == name)


# The branches the bot may write to, by fake server (a test with --branch adds its own).
OWNED_BRANCHES: dict[int, set[str]] = {}


# Where a write (or a read) goes, through each API: what a fault is aimed at.
REST_TARGETS: dict[str, dict[str, Any]] = {
    "tree": {"method": "POST", "path": "/repos/*/git/trees"},
    "commit": {"method": "POST", "path": "/repos/*/git/commits"},
    "ref": {"method": "POST", "path": "/repos/*/git/refs"},
    "pull": {"method": "POST", "path": "/repos/*/pulls"},
    "update": {"method": "PATCH"},
    "reads": {"method": "GET"},
    "workflows": {"method": "GET", "path": "/repos/*/contents/*"},
}
GRAPHQL_TARGETS: dict[str, dict[str, Any]] = {
    "tree": {"path": "/graphql", "graphql": "createCommitOnBranch"},  # the tree is the commit's
    "commit": {"path": "/graphql", "graphql": "createCommitOnBranch"},
    "ref": {"path": "/graphql", "graphql": "createRef"},
    "pull": {"path": "/graphql", "graphql": "createPullRequest"},
    "update": {"path": "/graphql", "graphql": "update(Ref|PullRequest)"},
    "reads": {"method": "read"},
    "workflows": {"path": "/graphql", "graphql": "TrustpubRead"},
}


@dataclass(frozen=True)
class Api:
    """The API a bot test runs through: GraphQL (reads batched, writes as mutations) or REST."""

    graphql: bool

    def target(self, what: str) -> dict[str, Any]:
        """Fault keywords aimed at `what`: tree, commit, ref, pull, update, reads, workflows."""
        return dict((GRAPHQL_TARGETS if self.graphql else REST_TARGETS)[what])

    def repository(self, full_name: str) -> dict[str, Any]:
        """Fault keywords aimed at every read of one repository."""
        if self.graphql:  # batched: the query naming it (so the others of its batch too)
            return {"path": "/graphql", "graphql": re.escape(full_name.partition("/")[2])}
        return {"path": f"/repos/{full_name}/*"}


def write_kinds(fake: FakeGitHub) -> list[tuple[str, str]]:
    """Each write as (method, what): the REST path after /repos/OWNER/REPO/, or the mutation."""
    kinds = []
    for write in fake.requests.writes:
        if write.path == "/graphql":
            field = re.search(r"\b(\w+)\(input:", str(write.body["query"]))
            kinds.append(("mutation", field.group(1) if field else "?"))
        else:
            kinds.append((write.method, write.path.split("/", 4)[-1]))
    return kinds


def committed_to(fake: FakeGitHub) -> set[str]:
    """The repositories that got a commit write (a REST tree, or createCommitOnBranch)."""
    found = set()
    for write in fake.requests.writes:
        if write.path.endswith("/git/trees"):
            found.add("/".join(write.path.split("/")[2:4]))
        elif write.path == "/graphql" and "createCommitOnBranch(" in str(write.body["query"]):
            target = _mutated_branch(fake, "createCommitOnBranch", write.body["variables"]["input"])
            found.add(target[0] if target else "?")
    return found


@dataclass
class BotHarness:
    fake: FakeGitHub
    sleeps: list[float] = field(default_factory=list)  # every wait, on the fake's clock
    _timer: Timer | None = None
    graphql: bool = True  # every run through GraphQL (or, False, through REST only)

    @property
    def owned(self) -> set[str]:
        return OWNED_BRANCHES.setdefault(id(self.fake), {DEFAULT_BRANCH})

    @owned.setter
    def owned(self, branches: set[str]) -> None:
        OWNED_BRANCHES[id(self.fake)] = branches

    @property
    def timer(self) -> Timer:
        if self._timer is None:
            self._timer = virtual_timer(self.fake, self.sleeps)
        return self._timer

    def client(self, config: RunConfig, retry_total: int = 10) -> Any:
        """The production client (GitHubSettings.connect) for the fake, on its clock."""
        settings = GitHubSettings(
            Token(self.fake.token),
            base_url=self.fake.base_url,
            write_interval=config.write_interval,
            max_rate_limit_wait=config.max_wait,
            retry_total=retry_total,
            timer=self.timer,
        )
        return settings.connect()

    def run(
        self,
        selection: Selection | None = None,
        settings: BotSettings | None = None,
        config: RunConfig | None = None,
        on_result: Callable[[BotResult], None] = lambda result: None,
        terminal: bool = False,
        **client: Any,
    ) -> Run:
        config = config or RunConfig(jobs=4, write_interval=0.0, per_page=PER_PAGE)
        config = replace(config, graphql=self.graphql)
        gh = self.client(config, **client)
        out, err = io.StringIO(), io.StringIO()
        console = Console(
            file=out, width=200, highlight=False, soft_wrap=True, force_terminal=terminal
        )
        consoles = Consoles(
            console,
            console if terminal else None,
            Console(file=err, width=200, highlight=False),
        )
        code, summary = execute(
            gh,
            selection or Selection(org=ORG),
            settings or BotSettings(),
            config,
            consoles,
            on_result,
        )
        gh.close()
        return Run(code, summary, out.getvalue(), err.getvalue())


ALLOWED_WRITES = (
    ("POST", "/git/trees"),
    ("POST", "/git/commits"),
    ("POST", "/git/refs"),
    ("PATCH", "/git/refs/heads/"),
    ("POST", "/pulls"),
    ("PATCH", "/pulls/"),
    ("POST", "/requested_reviewers"),
    ("POST", "/labels"),
    ("PUT", "/environments/"),
)


ALLOWED_MUTATIONS = (
    "createRef",
    "updateRef",
    "createCommitOnBranch",
    "createPullRequest",
    "updatePullRequest",
)


def _mutated_branch(fake: FakeGitHub, field: str, data: dict[str, Any]) -> tuple[str, str] | None:
    """(repository, branch) a ref-changing mutation writes to; None for the others."""
    if field == "createRef":
        repo = next(
            r
            for r in fake.world.repos.values()
            if node_id("Repository", r.id) == data["repositoryId"]
        )
        return repo.full_name, data["name"].removeprefix("refs/heads/")
    if field == "updateRef" or (field == "createCommitOnBranch" and data["branch"].get("id")):
        ref = data["refId"] if field == "updateRef" else data["branch"]["id"]
        repo_id, _, qualified = base64.b64decode(ref).decode().removeprefix("REF_").partition(":")
        return fake.world.repos_by_id[int(repo_id)].full_name, qualified.removeprefix("refs/heads/")
    if field == "createCommitOnBranch":
        return data["branch"]["repositoryNameWithOwner"], data["branch"]["branchName"]
    return None


def assert_graphql_write_safe(fake: FakeGitHub, owned: set[str], body: dict[str, Any]) -> None:
    document = str(body["query"])
    [field] = [m for m in ALLOWED_MUTATIONS if f" {m}(input:" in document]  # one, and allowed
    target = _mutated_branch(fake, field, body["variables"]["input"])
    if target is not None:
        repo, branch = target
        assert branch in owned, f"{field} on {repo} branch {branch}, which trustpub does not own"
        assert branch != fake.repo(repo).default_branch


def assert_writes_safe(fake: FakeGitHub, owned: set[str]) -> None:
    """Over the whole write log: only allowed endpoints, refs only of an owned branch."""
    for write in fake.requests.writes:
        if write.path == "/graphql":
            assert_graphql_write_safe(fake, owned, write.body)
            continue
        assert any(
            write.method == method and marker in write.path for method, marker in ALLOWED_WRITES
        ), f"unexpected write {write.method} {write.path}"
        if "/git/refs" in write.path:
            if write.method == "POST":
                ref = write.body["ref"]
            else:
                ref = "refs/" + write.path.split("/git/refs/", 1)[1]
            branch = ref.removeprefix("refs/heads/")
            assert branch in owned, f"wrote to {ref}, which trustpub does not own"
            owner, name = write.path.split("/")[2:4]
            assert branch != fake.repo(f"{owner}/{name}").default_branch


def head_commit(fake: FakeGitHub, repo: str, branch: str) -> Any:
    target = fake.repo(repo)
    sha = target.branch_sha(branch)
    assert sha is not None, f"{repo} has no branch {branch}"
    return target.store.commit(sha)


def assert_one_clean_commit(fake: FakeGitHub, repo: str, paths: list[str]) -> None:
    """The owned branch is one commit on the default branch, changing exactly `paths`."""
    target = fake.repo(repo)
    commit = head_commit(fake, repo, DEFAULT_BRANCH)
    assert commit.parents == (target.branch_sha(target.default_branch),)
    before, after = fake.files(repo), fake.files(repo, DEFAULT_BRANCH)
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert changed == sorted(paths)


def open_pulls(fake: FakeGitHub, repo: str) -> list[Any]:
    return [p for p in fake.pulls(repo) if p.state == "open"]
