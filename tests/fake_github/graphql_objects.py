"""The fake's GraphQL objects: views of its world, one class per GitHub type.

graphql-core's default resolver reads a field from the object its parent returned: a method
named like the field is called with `info` and the field's arguments (named as in the schema),
so each class below is the part of a GitHub type the fake can answer. A field the fake does not
answer resolves to null, and a non-null one then fails the query: a test never passes on a
field the fake (or GitHub) does not have. `__typename` tells graphql-core the concrete type of
an interface or union (GitObject, RepositoryOwner, Node).
"""

from __future__ import annotations

from typing import Any

from fake_github.graphql_base import Run, connection, iso, ref_id, run_of
from fake_github.graphql_git import GBlob, GCommit, GTree, git_object
from fake_github.shapes import node_id
from fake_github.state import Account, Issue, Repo

PERMISSIONS = (
    ("admin", "ADMIN"),
    ("maintain", "MAINTAIN"),
    ("push", "WRITE"),
    ("triage", "TRIAGE"),
    ("pull", "READ"),
)


class GRef:
    __typename = "Ref"

    def __init__(self, repo: Repo, qualified: str) -> None:
        self.repo, self.qualified = repo, qualified
        self.prefix, _, self.name = qualified.rpartition("/")
        if qualified.startswith("refs/heads/"):
            self.prefix, self.name = "refs/heads/", qualified[len("refs/heads/") :]
        elif qualified.startswith("refs/tags/"):
            self.prefix, self.name = "refs/tags/", qualified[len("refs/tags/") :]
        self.id = ref_id(repo, qualified)

    def target(self, info: Any) -> GBlob | GTree | GCommit | None:
        sha = self.repo.refs.get(self.qualified)
        return git_object(self.repo, sha) if sha else None

    def repository(self, info: Any) -> GRepository:
        return GRepository(self.repo)


class GPullRequest:
    __typename = "PullRequest"

    def __init__(self, repo: Repo, issue: Issue) -> None:
        assert issue.pull is not None
        self.repo, self.issue, self.pull = repo, issue, issue.pull
        self.id = node_id("PullRequest", issue.pull.id)
        self.number, self.title, self.body = issue.number, issue.title, issue.body or ""
        self.headRefName, self.baseRefName = self.pull.head_ref, self.pull.base_ref
        self.isDraft, self.merged = self.pull.draft, self.pull.merged
        self.closed = issue.state == "closed"
        self.createdAt, self.updatedAt = issue.created_at, issue.updated_at
        self.state = "MERGED" if self.pull.merged else issue.state.upper()

    def url(self, info: Any) -> str:
        return run_of(info).ctx.urls.repo_web(self.repo, f"/pull/{self.number}")

    def headRefOid(self, info: Any) -> str:
        return self.pull.head_repo.branch_sha(self.pull.head_ref) or self.pull.head_sha

    def headRepository(self, info: Any) -> GRepository:
        return GRepository(self.pull.head_repo)

    def headRepositoryOwner(self, info: Any) -> GOwner:
        return owner_of(self.pull.head_repo.owner)

    def repository(self, info: Any) -> GRepository:
        return GRepository(self.repo)


class GOwner:
    """A user or an organisation."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.login, self.name = account.login, account.name
        self.databaseId = account.id
        self.id = node_id(account.type, account.id)

    def url(self, info: Any) -> str:
        return f"{run_of(info).ctx.urls.web}/{self.login}"

    def repositories(
        self,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        isArchived: bool | None = None,
        isFork: bool | None = None,
        privacy: str | None = None,
        orderBy: dict[str, str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        world = run_of(info).ctx.world
        viewer = world.viewer
        repos = []
        for repo in world.repos_of(self.account):
            if repo.private and not (self.account.is_org or self.account is viewer):
                continue
            if isArchived is not None and repo.archived != isArchived:
                continue
            if isFork is not None and repo.fork != isFork:
                continue
            if privacy is not None and repo.visibility != privacy.lower():
                continue
            repos.append(repo)
        field_name = (orderBy or {}).get("field", "CREATED_AT")
        key = {
            "NAME": lambda r: r.name.lower(),
            "CREATED_AT": lambda r: (r.created_at, r.id),
            "UPDATED_AT": lambda r: (r.updated_at, r.id),
            "PUSHED_AT": lambda r: (r.pushed_at, r.id),
        }.get(field_name, lambda r: (r.created_at, r.id))
        repos.sort(key=key, reverse=(orderBy or {}).get("direction") == "DESC")
        return connection([GRepository(r) for r in repos], first, after, last)


class GOrganization(GOwner):
    __typename = "Organization"


class GUser(GOwner):
    __typename = "User"


def owner_of(account: Account) -> GOwner:
    return GOrganization(account) if account.is_org else GUser(account)


class GRepository:
    __typename = "Repository"

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.id = node_id("Repository", repo.id)
        self.databaseId = repo.id
        self.name, self.nameWithOwner = repo.name, repo.full_name
        self.isArchived, self.isFork, self.isPrivate = repo.archived, repo.fork, repo.private
        self.isDisabled, self.description = repo.disabled, repo.description
        self.isEmpty = not repo.refs
        self.visibility = repo.visibility.upper()
        self.createdAt, self.updatedAt, self.pushedAt = (
            repo.created_at,
            repo.updated_at,
            repo.pushed_at,
        )

    def owner(self, info: Any) -> GOwner:
        return owner_of(self.repo.owner)

    def url(self, info: Any) -> str:
        return run_of(info).ctx.urls.repo_web(self.repo)

    def viewerPermission(self, info: Any) -> str | None:
        return next((g for key, g in PERMISSIONS if self.repo.permissions.get(key)), None)

    def defaultBranchRef(self, info: Any) -> GRef | None:
        qualified = f"refs/heads/{self.repo.default_branch}"
        return GRef(self.repo, qualified) if qualified in self.repo.refs else None

    def ref(self, info: Any, qualifiedName: str) -> GRef | None:
        for candidate in (
            qualifiedName,
            f"refs/heads/{qualifiedName}",
            f"refs/tags/{qualifiedName}",
        ):
            if candidate.startswith("refs/") and candidate in self.repo.refs:
                return GRef(self.repo, candidate)
        return None

    def object(
        self, info: Any, expression: str | None = None, oid: str | None = None
    ) -> GBlob | GTree | GCommit | None:
        if oid is not None:
            return git_object(self.repo, oid)
        if expression is None:
            return None
        revision, colon, path = expression.partition(":")
        sha = self.repo.resolve(self.repo.default_branch if revision in ("HEAD", "") else revision)
        if sha is None:
            return None
        if not colon:
            return git_object(self.repo, sha)
        entry = self.repo.store.lookup(self.repo.store.commit(sha).tree, path.strip("/"))
        if entry is None:
            return None
        return git_object(self.repo, entry.sha, path.strip("/"))

    def pullRequests(
        self,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        headRefName: str | None = None,
        baseRefName: str | None = None,
        states: list[str] | None = None,
        orderBy: dict[str, str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        found = []
        for issue in self.repo.issues.values():
            pull = issue.pull
            if pull is None:
                continue
            if headRefName is not None and pull.head_ref != headRefName:
                continue
            if baseRefName is not None and pull.base_ref != baseRefName:
                continue
            wrapped = GPullRequest(self.repo, issue)
            if states and wrapped.state not in states:
                continue
            found.append(wrapped)
        found.sort(key=lambda p: p.number, reverse=(orderBy or {}).get("direction") == "DESC")
        return connection(found, first, after, last)

    def repositoryTopics(
        self, info: Any, first: int | None = None, after: str | None = None, **_: Any
    ) -> dict[str, Any]:
        topics = [{"topic": {"name": t}, "url": ""} for t in self.repo.topics]
        return connection(topics, first, after, _.get("last"))

    def environments(
        self, info: Any, first: int | None = None, after: str | None = None, **_: Any
    ) -> dict[str, Any]:
        envs = sorted(self.repo.environments.values(), key=lambda e: e.name.lower())
        nodes = [
            {"__typename": "Environment", "name": e.name, "id": node_id("Environment", e.id)}
            for e in envs
        ]
        return connection(nodes, first, after, _.get("last"))


class GRateLimit:
    """The GraphQL budget after this query was charged."""

    def __init__(self, run: Run) -> None:
        budget = run.ctx.rate_limits.budget("graphql")
        self.cost, self.limit = run.cost, budget.limit
        self.remaining, self.used = budget.remaining, budget.used
        self.resetAt = iso(budget.reset)
        self.nodeCount = run.node_count
