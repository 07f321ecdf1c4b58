"""The fake's world: accounts, repositories and everything stored in them.

Routes and the test handle mutate it only while holding `World.lock`.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from fake_github.gitstore import MODE_FILE, Commit, ObjectStore, Signature, TreeEntry
from fake_github.ratelimit import Clock


@dataclass(eq=False)
class Account:
    login: str
    id: int
    type: str  # "User" or "Organization"
    created_at: str
    name: str | None = None
    email: str | None = None
    company: str | None = None
    blog: str = ""
    location: str | None = None
    bio: str | None = None
    hireable: bool | None = None
    description: str | None = None  # organisations only

    @property
    def is_org(self) -> bool:
        return self.type == "Organization"


@dataclass(eq=False)
class Team:
    id: int
    slug: str
    name: str
    org: Account
    description: str | None = None


@dataclass(eq=False)
class Secret:
    name: str
    created_at: str
    updated_at: str
    visibility: str | None = None  # organisation secrets: "all", "private" or "selected"
    selected_repository_ids: set[int] = field(default_factory=set)
    encrypted_value: str | None = None
    key_id: str | None = None


@dataclass(eq=False)
class Environment:
    id: int
    name: str
    created_at: str
    updated_at: str
    rule_ids: tuple[int, int, int]
    wait_timer: int = 0
    reviewers: list[tuple[str, int]] = field(default_factory=list)  # ("User" | "Team", id)
    prevent_self_review: bool = False
    deployment_branch_policy: dict[str, bool] | None = None
    can_admins_bypass: bool = True
    secrets: dict[str, Secret] = field(default_factory=dict)


@dataclass(eq=False)
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False


@dataclass(eq=False)
class PullInfo:
    """The pull-request half of an issue."""

    id: int
    head_repo: Repo
    head_ref: str
    base_ref: str
    head_sha: str  # the head when last seen; live from the branch while it exists
    draft: bool = False
    merged: bool = False
    merged_at: str | None = None
    merged_by: Account | None = None
    merge_commit_sha: str | None = None
    maintainer_can_modify: bool = False
    requested_reviewers: list[Account] = field(default_factory=list)
    requested_teams: list[Team] = field(default_factory=list)


@dataclass(eq=False)
class Issue:
    number: int
    id: int
    title: str
    body: str | None
    user: Account
    created_at: str
    updated_at: str
    state: str = "open"
    closed_at: str | None = None
    labels: list[str] = field(default_factory=list)  # label names, case as stored on the repo
    pull: PullInfo | None = None


@dataclass(eq=False)
class Repo:
    id: int
    owner: Account
    name: str
    store: ObjectStore
    created_at: str
    updated_at: str
    pushed_at: str
    default_branch: str = "main"
    private: bool = False
    archived: bool = False
    disabled: bool = False
    parent: Repo | None = None
    description: str | None = None
    homepage: str | None = None
    language: str | None = None
    topics: list[str] = field(default_factory=list)
    license: str | None = None  # an SPDX id
    permissions: dict[str, bool] = field(
        default_factory=lambda: dict(admin=True, maintain=True, push=True, triage=True, pull=True)
    )
    refs: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, Secret] = field(default_factory=dict)
    environments: dict[str, Environment] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)  # keyed by lower-cased name
    issues: dict[int, Issue] = field(default_factory=dict)
    workflow_ids: dict[str, int] = field(default_factory=dict)
    protected_branches: set[str] = field(default_factory=set)
    next_number: int = 1
    # Settings > Actions > Workflow permissions: GitHub's default for new repositories is "read".
    default_workflow_permissions: str = "read"
    can_approve_pull_request_reviews: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    @property
    def fork(self) -> bool:
        return self.parent is not None

    @property
    def source(self) -> Repo | None:
        repo = self.parent
        while repo is not None and repo.parent is not None:
            repo = repo.parent
        return repo

    @property
    def visibility(self) -> str:
        return "private" if self.private else "public"

    @property
    def public_key(self) -> tuple[str, str]:
        digest = hashlib.sha256(f"fake-github-public-key-{self.id}".encode()).digest()
        return str(568250167242549743 + self.id), base64.b64encode(digest).decode()

    def branch_sha(self, branch: str) -> str | None:
        return self.refs.get(f"refs/heads/{branch}")

    def resolve(self, ref: str) -> str | None:
        """A commit sha for a branch, tag, `heads/…`/`refs/…` name or full commit sha."""
        for candidate in (ref, f"refs/{ref}", f"refs/heads/{ref}", f"refs/tags/{ref}"):
            if candidate in self.refs:
                return self.refs[candidate]
        if len(ref) == 40 and ref in self.store and self.store.kind(ref) == "commit":
            return ref
        return None

    def default_tree(self) -> str | None:
        head = self.branch_sha(self.default_branch)
        return self.store.commit(head).tree if head else None


def encode_content(content: str | bytes) -> bytes:
    return content.encode() if isinstance(content, str) else content


class World:
    """Everything the fake knows. Look-ups are case-insensitive, as on GitHub."""

    def __init__(self, clock: Clock) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.accounts: dict[str, Account] = {}
        self.repos: dict[str, Repo] = {}
        self.repos_by_id: dict[int, Repo] = {}
        self.renamed: dict[str, Repo] = {}
        self.org_secrets: dict[str, dict[str, Secret]] = {}
        self.teams: dict[tuple[str, str], Team] = {}
        self.viewer: Account | None = None
        # lower-cased organisation login -> the viewer's role there: "admin" or "member"
        self.viewer_org_roles: dict[str, str] = {}
        self.search_incomplete_results = False
        self.installed_version: str | None = None  # set: GitHub Enterprise Server (GET /meta)
        self._ids = itertools.count(1001)

    def next_id(self) -> int:
        return next(self._ids)

    def now(self) -> str:
        return self.clock.iso()

    # ---- look-ups -------------------------------------------------------------------------
    def account(self, login: str) -> Account | None:
        return self.accounts.get(login.lower())

    def account_by_id(self, account_id: int) -> Account | None:
        return next((a for a in self.accounts.values() if a.id == account_id), None)

    def repo(self, owner: str, name: str) -> Repo | None:
        return self.repos.get(f"{owner}/{name}".lower())

    def team_by_id(self, team_id: int) -> Team | None:
        return next((t for t in self.teams.values() if t.id == team_id), None)

    def repos_of(self, owner: Account) -> list[Repo]:
        return [r for r in self.repos.values() if r.owner is owner]

    # ---- mutations ------------------------------------------------------------------------
    def add_account(
        self, login: str, kind: str, account_id: int | None = None, **extra: Any
    ) -> Account:
        if login.lower() in self.accounts:
            raise ValueError(f"account {login!r} exists")
        account = Account(login, account_id or self.next_id(), kind, self.now(), **extra)
        self.accounts[login.lower()] = account
        return account

    def add_repo(self, owner: Account, name: str, repo_id: int | None = None, **extra: Any) -> Repo:
        key = f"{owner.login}/{name}".lower()
        if key in self.repos:
            raise ValueError(f"repository {key!r} exists")
        parent: Repo | None = extra.get("parent")
        store = parent.store if parent is not None else ObjectStore()
        now = self.now()
        repo = Repo(repo_id or self.next_id(), owner, name, store, now, now, now, **extra)
        if parent is not None:
            repo.refs = dict(parent.refs)
        self.repos[key] = repo
        self.repos_by_id[repo.id] = repo
        return repo

    def signature(self, who: Account | None = None) -> Signature:
        who = who or self.viewer
        login = who.login if who else "fake-github"
        name = (who.name if who else None) or login
        return Signature(name, f"{login}@users.noreply.github.com", self.now())

    def commit_changes(
        self,
        repo: Repo,
        branch: str,
        changes: list[tuple[str, str | bytes | None]],
        message: str,
        author: Signature | None = None,
        committer: Signature | None = None,
    ) -> str:
        """Commit file changes (None deletes) on top of `branch`, which may be new."""
        parent = repo.branch_sha(branch)
        base_tree = repo.store.commit(parent).tree if parent else None
        edits: list[tuple[str, TreeEntry | None]] = []
        for path, content in changes:
            if content is None:
                edits.append((path, None))
            else:
                sha = repo.store.put_blob(encode_content(content))
                edits.append((path, TreeEntry(path, MODE_FILE, "blob", sha)))
        tree = repo.store.edit_tree(base_tree, edits)
        author = author or self.signature()
        commit = Commit(tree, (parent,) if parent else (), author, committer or author, message)
        sha = repo.store.put_commit(commit)
        repo.refs[f"refs/heads/{branch}"] = sha
        repo.pushed_at = repo.updated_at = self.now()
        return sha

    def add_issue(
        self, repo: Repo, title: str, body: str | None, user: Account, number: int | None = None
    ) -> Issue:
        number = number or repo.next_number
        if number in repo.issues:
            raise ValueError(f"issue #{number} exists in {repo.full_name}")
        repo.next_number = max(repo.next_number, number + 1)
        now = self.now()
        issue = Issue(number, self.next_id(), title, body, user, now, now)
        repo.issues[number] = issue
        return issue

    def ensure_label(self, repo: Repo, name: str) -> Label:
        label = repo.labels.get(name.lower())
        if label is None:
            label = Label(self.next_id(), name)
            repo.labels[name.lower()] = label
        return label

    def new_secret(self, name: str, **extra: Any) -> Secret:
        now = self.now()
        return Secret(name.upper(), now, now, **extra)

    def new_environment(self, name: str) -> Environment:
        now = self.now()
        ids = (self.next_id(), self.next_id(), self.next_id())
        return Environment(self.next_id(), name, now, now, ids)

    def visible_org_secrets(self, repo: Repo) -> list[Secret]:
        """Organisation secrets a repository may use (GET …/actions/organization-secrets)."""
        if not repo.owner.is_org:
            return []
        visible = []
        for secret in self.org_secrets.get(repo.owner.login.lower(), {}).values():
            if (
                secret.visibility == "all"
                or (secret.visibility == "private" and repo.private)
                or (secret.visibility == "selected" and repo.id in secret.selected_repository_ids)
            ):
                visible.append(secret)
        return sorted(visible, key=lambda s: s.name)
