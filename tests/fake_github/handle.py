"""`FakeGitHub`: the test-side handle. Seeds state, configures faults, reads the request log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fake_github.faults import Faults
from fake_github.gitstore import Commit, Signature
from fake_github.graphql_base import Settings as GraphQLSettings
from fake_github.graphql_route import settings_for
from fake_github.ratelimit import Clock, RateLimits
from fake_github.retry import FakeClockRetry
from fake_github.server import FakeServer, RequestLog
from fake_github.state import Account, Environment, Issue, PullInfo, Repo, Secret, Team, World
from github import Auth, Github

RepoRef = str | Repo
FileMap = Mapping[str, str | bytes | None]


class FakeGitHub:
    """A running fake GitHub server and the knobs a test needs.

    `base_url`, `token`: what a client needs. `faults`: fault injection. `requests`: the request
    log. `clock`: the fake's clock (retries of `client()` advance it instead of sleeping).
    `retry_sleeps`: every wait the clients' retries asked for, in seconds.
    """

    def __init__(
        self, token: str = "fake-token", *, viewer: str = "octocat", seed: int = 0, prefix: str = ""
    ) -> None:
        self._server = FakeServer(token, prefix=prefix, seed=seed)
        self._server.start()
        self.token = token
        self.base_url = self._server.urls.base
        self.retry_sleeps: list[float] = []
        self._clients: list[Github] = []
        self.viewer = self.add_user(viewer, name="The Octocat")
        self.world.viewer = self.viewer

    # ---- plumbing ---------------------------------------------------------------------------
    @property
    def world(self) -> World:
        return self._server.world

    @property
    def faults(self) -> Faults:
        return self._server.faults

    @property
    def requests(self) -> RequestLog:
        return self._server.log

    @property
    def clock(self) -> Clock:
        return self._server.clock

    @property
    def rate_limits(self) -> RateLimits:
        return self._server.rate_limits

    @property
    def graphql(self) -> GraphQLSettings:
        """The GraphQL endpoint's knobs: text_limit, timeout_after_blobs, enabled, ..."""
        return settings_for(self.world)

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self._server.stop()

    def __enter__(self) -> FakeGitHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def client(
        self,
        *,
        token: str | None = None,
        per_page: int = 30,
        retry_total: int = 10,
        secondary_rate_wait: float = 60.0,
        virtual_sleep: bool = True,
        **kwargs: Any,
    ) -> Github:
        """A PyGithub client for this server: no pacing, and retries that wait on the fake clock.

        `retry=None` (or any Retry) replaces the FakeClockRetry; other keywords go to `Github`.
        """
        retry = (
            kwargs.pop("retry", None)
            if "retry" in kwargs
            else FakeClockRetry(
                clock=self.clock if virtual_sleep else None,
                sleeps=self.retry_sleeps,
                total=retry_total,
                secondary_rate_wait=secondary_rate_wait,
            )
        )
        client = Github(
            auth=Auth.Token(token if token is not None else self.token),
            base_url=self.base_url,
            per_page=per_page,
            retry=retry,
            seconds_between_requests=0,
            seconds_between_writes=0,
            timeout=kwargs.pop("timeout", 10),
            **kwargs,
        )
        self._clients.append(client)
        return client

    def repo(self, repo: RepoRef) -> Repo:
        if isinstance(repo, Repo):
            return repo
        owner, _, name = repo.partition("/")
        found = self.world.repo(owner, name)
        if found is None:
            raise KeyError(f"no repository {repo!r} in the fake")
        return found

    # ---- accounts ---------------------------------------------------------------------------
    def add_user(self, login: str, *, id: int | None = None, **profile: Any) -> Account:
        with self.world.lock:
            return self.world.add_account(login, "User", id, **profile)

    def add_org(
        self, login: str, *, id: int | None = None, role: str | None = "admin", **profile: Any
    ) -> Account:
        """An organisation; `role` is the viewer's role there ("admin", "member" or None)."""
        with self.world.lock:
            org = self.world.add_account(login, "Organization", id, **profile)
            if role is not None:
                self.world.viewer_org_roles[login.lower()] = role
            return org

    def add_team(
        self, org: str, slug: str, *, name: str | None = None, id: int | None = None
    ) -> Team:
        with self.world.lock:
            owner = self.world.account(org)
            if owner is None or not owner.is_org:
                raise KeyError(f"no organisation {org!r}")
            team = Team(id or self.world.next_id(), slug, name or slug, owner)
            self.world.teams[(org.lower(), slug.lower())] = team
            return team

    # ---- repositories and git ---------------------------------------------------------------
    def add_repo(
        self,
        full_name: str,
        *,
        files: FileMap | None = None,
        default_branch: str = "main",
        empty: bool = False,
        fork_of: RepoRef | None = None,
        id: int | None = None,
        owner_type: str = "Organization",
        **settings: Any,
    ) -> Repo:
        """A repository with one commit of `files` (a README when None), or none when `empty`.

        `settings` are `Repo` fields: private, archived, disabled, description, homepage,
        language, topics, license, permissions. The owner is created when missing.
        """
        owner_login, _, name = full_name.partition("/")
        with self.world.lock:
            owner = self.world.account(owner_login)
            if owner is None:
                owner = (self.add_org if owner_type == "Organization" else self.add_user)(
                    owner_login
                )
            parent = self.repo(fork_of) if fork_of is not None else None
            repo = self.world.add_repo(
                owner, name, id, default_branch=default_branch, parent=parent, **settings
            )
            if parent is None and not empty:
                content = files if files is not None else {"README.md": f"# {name}\n"}
                self.world.commit_changes(
                    repo, default_branch, list(content.items()), "Initial commit"
                )
            return repo

    def commit(
        self,
        repo: RepoRef,
        files: FileMap,
        *,
        branch: str | None = None,
        message: str = "Update files",
        author: tuple[str, str] | None = None,
    ) -> str:
        """Commit files (None deletes a path) on `branch`; a new branch starts at the default."""
        with self.world.lock:
            target = self.repo(repo)
            branch = branch or target.default_branch
            if target.branch_sha(branch) is None and target.branch_sha(target.default_branch):
                self.create_branch(target, branch)
            who = Signature(author[0], author[1], self.world.now()) if author else None
            return self.world.commit_changes(target, branch, list(files.items()), message, who)

    def create_branch(self, repo: RepoRef, branch: str, *, from_ref: str | None = None) -> str:
        with self.world.lock:
            target = self.repo(repo)
            sha = target.resolve(from_ref or target.default_branch)
            if sha is None:
                raise KeyError(f"no ref {from_ref!r} in {target.full_name}")
            target.refs[f"refs/heads/{branch}"] = sha
            return sha

    def delete_branch(self, repo: RepoRef, branch: str) -> None:
        with self.world.lock:
            del self.repo(repo).refs[f"refs/heads/{branch}"]

    def protect_branch(self, repo: RepoRef, branch: str) -> None:
        with self.world.lock:
            self.repo(repo).protected_branches.add(branch)

    def rename_repo(self, repo: RepoRef, new_name: str) -> Repo:
        """Rename; the old name then answers 301 with the id form, as GitHub does."""
        with self.world.lock:
            target = self.repo(repo)
            old_key = target.full_name.lower()
            del self.world.repos[old_key]
            target.name = new_name
            self.world.repos[target.full_name.lower()] = target
            self.world.renamed[old_key] = target
            return target

    def branch_sha(self, repo: RepoRef, branch: str | None = None) -> str | None:
        with self.world.lock:
            target = self.repo(repo)
            return target.branch_sha(branch or target.default_branch)

    def files(self, repo: RepoRef, ref: str | None = None) -> dict[str, bytes]:
        """Every file at `ref` (default branch when None): path -> bytes."""
        with self.world.lock:
            target = self.repo(repo)
            sha = target.resolve(ref or target.default_branch)
            return target.store.files(target.store.commit(sha).tree) if sha else {}

    def read(self, repo: RepoRef, path: str, ref: str | None = None) -> str | None:
        data = self.files(repo, ref).get(path)
        return None if data is None else data.decode()

    # ---- secrets and environments -----------------------------------------------------------
    def add_secret(self, repo: RepoRef, name: str) -> Secret:
        with self.world.lock:
            target = self.repo(repo)
            secret = target.secrets[name.upper()] = self.world.new_secret(name)
            return secret

    def add_environment(
        self,
        repo: RepoRef,
        name: str,
        *,
        wait_timer: int = 0,
        reviewers: Iterable[tuple[str, int]] = (),
        prevent_self_review: bool = False,
        deployment_branch_policy: Mapping[str, bool] | None = None,
        secrets: Iterable[str] = (),
    ) -> Environment:
        """An environment; `reviewers` are ("User" | "Team", id) pairs."""
        with self.world.lock:
            target = self.repo(repo)
            env = self.world.new_environment(name)
            env.wait_timer, env.reviewers = wait_timer, list(reviewers)
            env.prevent_self_review = prevent_self_review
            env.deployment_branch_policy = (
                dict(deployment_branch_policy) if deployment_branch_policy else None
            )
            env.secrets = {s.upper(): self.world.new_secret(s) for s in secrets}
            target.environments[name.lower()] = env
            return env

    def add_environment_secret(self, repo: RepoRef, environment: str, name: str) -> Secret:
        with self.world.lock:
            env = self.repo(repo).environments[environment.lower()]
            secret = env.secrets[name.upper()] = self.world.new_secret(name)
            return secret

    def add_org_secret(
        self, org: str, name: str, *, visibility: str = "all", repos: Iterable[RepoRef] = ()
    ) -> Secret:
        with self.world.lock:
            ids = {self.repo(r).id for r in repos}
            secret = self.world.new_secret(name, visibility=visibility, selected_repository_ids=ids)
            self.world.org_secrets.setdefault(org.lower(), {})[secret.name] = secret
            return secret

    # ---- pull requests, issues, labels ------------------------------------------------------
    def add_pull(
        self,
        repo: RepoRef,
        *,
        head: str,
        base: str | None = None,
        title: str = "A pull request",
        body: str | None = None,
        draft: bool = False,
        number: int | None = None,
        user: str | None = None,
        files: FileMap | None = None,
    ) -> Issue:
        """An open pull request from `head` ("branch" or "owner:branch"); a missing head branch is
        created from the base with one commit of `files`."""
        with self.world.lock:
            target = self.repo(repo)
            base = base or target.default_branch
            owner, _, branch = head.rpartition(":")
            head_repo = target
            if owner and owner.lower() != target.owner.login.lower():
                forks = [
                    r
                    for r in self.world.repos.values()
                    if r.owner.login.lower() == owner.lower() and r.store is target.store
                ]
                if not forks:
                    raise KeyError(f"{owner} has no fork of {target.full_name}")
                head_repo = forks[0]
            if head_repo.branch_sha(branch) is None:
                head_repo.refs[f"refs/heads/{branch}"] = target.branch_sha(base) or ""
                self.world.commit_changes(
                    head_repo, branch, list((files or {f"{branch}.txt": branch}).items()), title
                )
            author = self.world.account(user) if user else self.viewer
            issue = self.world.add_issue(target, title, body, author or self.viewer, number)
            head_sha = head_repo.branch_sha(branch) or ""
            issue.pull = PullInfo(
                self.world.next_id(), head_repo, branch, base, head_sha, draft=draft
            )
            return issue

    def pull(self, repo: RepoRef, number: int) -> Issue:
        with self.world.lock:
            issue = self.repo(repo).issues[number]
            if issue.pull is None:
                raise KeyError(f"#{number} is an issue, not a pull request")
            return issue

    def pulls(self, repo: RepoRef) -> list[Issue]:
        with self.world.lock:
            return [i for i in self.repo(repo).issues.values() if i.pull is not None]

    def merge_pull(self, repo: RepoRef, number: int) -> str:
        """Merge: a merge commit on the base whose tree is the head's tree. Returns its sha."""
        with self.world.lock:
            target, issue = self.repo(repo), self.pull(repo, number)
            pull = issue.pull
            assert pull is not None
            head = pull.head_repo.branch_sha(pull.head_ref) or pull.head_sha
            base = target.branch_sha(pull.base_ref)
            who = self.world.signature()
            commit = Commit(
                target.store.commit(head).tree,
                tuple(p for p in (base, head) if p),
                who,
                who,
                f"Merge pull request #{number}",
            )
            sha = target.store.put_commit(commit)
            target.refs[f"refs/heads/{pull.base_ref}"] = sha
            pull.merged, pull.merged_at, pull.merged_by = True, self.world.now(), self.viewer
            pull.merge_commit_sha, pull.head_sha = sha, head
            issue.state, issue.closed_at = "closed", pull.merged_at
            return sha

    def close_pull(self, repo: RepoRef, number: int) -> None:
        with self.world.lock:
            issue = self.pull(repo, number)
            assert issue.pull is not None
            issue.pull.head_sha = (
                issue.pull.head_repo.branch_sha(issue.pull.head_ref) or issue.pull.head_sha
            )
            issue.state, issue.closed_at = "closed", self.world.now()

    def add_issue(
        self,
        repo: RepoRef,
        title: str,
        *,
        body: str | None = None,
        number: int | None = None,
        labels: Iterable[str] = (),
    ) -> Issue:
        with self.world.lock:
            target = self.repo(repo)
            issue = self.world.add_issue(target, title, body, self.viewer, number)
            issue.labels = [self.world.ensure_label(target, name).name for name in labels]
            return issue

    def add_label(
        self, repo: RepoRef, name: str, *, color: str = "ededed", description: str | None = None
    ) -> None:
        with self.world.lock:
            label = self.world.ensure_label(self.repo(repo), name)
            label.color, label.description = color, description

    # ---- rate limits and search -------------------------------------------------------------
    def set_rate_limit(
        self,
        resource: str = "core",
        *,
        limit: int | None = None,
        remaining: int | None = None,
        reset_in: float | None = None,
    ) -> None:
        self.rate_limits.configure(resource, limit=limit, remaining=remaining, reset_in=reset_in)

    def set_search_incomplete(self, incomplete: bool = True) -> None:
        self.world.search_incomplete_results = incomplete
