"""Repositories as GraphQL lists them: what discovery filters on, and which files to read.

An owner's repositories come a page (up to 100) per query; repositories named on the command
line, up to 100 per query by alias. Each `Listed` says which files trustpub would read (workflow
files, composite actions two levels below `.github/actions`, `action.yml` and the packaging files
at the root) and their sizes, so the batched reads can be sized, and a repository with none of
them needs no read at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trustpub.checkout import WORKFLOW_SUFFIXES
from trustpub.github.graphql import GraphQL, GraphQLTimeout
from trustpub.github.queries import (
    ACTIONS_DIR,
    OWNER_PAGE,
    PACKAGING_FILES,
    ROOT_FILES,
    WORKFLOWS_DIR,
    named,
)

if TYPE_CHECKING:
    from github.Repository import Repository

    from github import Github

PAGE = 100  # GitHub's largest page
NAMED_PER_QUERY = 100
ACTION_FILES = ("action.yml", "action.yaml")
PUSH = ("ADMIN", "MAINTAIN", "WRITE")
SYMLINK = 0o120000


class OwnerNotFound(Exception):
    """No organisation (or user) of that name that the token can see."""


@dataclass(frozen=True)
class Listed:
    full_name: str
    node_id: str
    database_id: int
    default_branch: str | None  # None: an empty repository
    head: str | None
    archived: bool
    fork: bool
    private: bool
    topics: tuple[str, ...]
    permission: str | None  # ADMIN, MAINTAIN, WRITE, TRIAGE or READ
    owner_type: str  # Organization or User
    files: tuple[tuple[str, int], ...]  # (path, bytes): what a read would fetch

    @property
    def owner(self) -> str:
        return self.full_name.partition("/")[0]

    @property
    def name(self) -> str:
        return self.full_name.partition("/")[2]

    @property
    def can_push(self) -> bool | None:
        return None if self.permission is None else self.permission in PUSH

    @property
    def to_read(self) -> bool:
        """Whether there is any workflow file or composite action (else nothing to migrate)."""
        return any(not _packaging(path) for path, _ in self.files)

    @property
    def size(self) -> int:
        return sum(size for _, size in self.files)


def owner_repositories(gql: GraphQL, login: str, org: bool, page: int = PAGE) -> Iterator[Listed]:
    """Every repository the owner has, page by page (a page that times out is asked smaller)."""
    after: str | None = None
    while True:
        try:
            answer = gql.run(OWNER_PAGE, {"login": login, "first": page, "after": after})
        except GraphQLTimeout:
            if page <= 1:
                raise
            page = max(page // 2, 1)
            continue
        owner = answer.data.get("repositoryOwner")
        if owner is None or (org and owner.get("__typename") != "Organization"):
            raise OwnerNotFound(login)
        connection = owner["repositories"]
        for node in connection.get("nodes") or []:
            if node is not None:
                yield listed(node)
        info = connection.get("pageInfo") or {}
        if not info.get("hasNextPage"):
            return
        after = info.get("endCursor")


def named_repositories(gql: GraphQL, names: Sequence[str]) -> list[tuple[str, Listed | None]]:
    """Each name with its repository, or None when it does not exist (or cannot be seen)."""
    found: list[tuple[str, Listed | None]] = []
    for start in range(0, len(names), NAMED_PER_QUERY):
        chunk = names[start : start + NAMED_PER_QUERY]
        variables: dict[str, Any] = {}
        for i, full_name in enumerate(chunk):
            owner, _, name = full_name.partition("/")
            variables |= {f"o{i}": owner, f"n{i}": name}
        answer = gql.run(named(len(chunk)), variables)
        for i, full_name in enumerate(chunk):
            node = answer.data.get(f"r{i}")
            found.append((full_name, listed(node) if node else None))
    return found


def listed(node: dict[str, Any]) -> Listed:
    ref = node.get("defaultBranchRef") or {}
    owner = node.get("owner") or {}
    return Listed(
        full_name=str(node["nameWithOwner"]),
        node_id=str(node["id"]),
        database_id=int(node.get("databaseId") or 0),
        default_branch=ref.get("name"),
        head=(ref.get("target") or {}).get("oid"),
        archived=bool(node.get("isArchived")),
        fork=bool(node.get("isFork")),
        private=bool(node.get("isPrivate")),
        topics=tuple(
            str(t["topic"]["name"]).lower()
            for t in (node.get("repositoryTopics") or {}).get("nodes") or []
            if t
        ),
        permission=node.get("viewerPermission"),
        owner_type=str(owner.get("__typename") or "User"),
        files=tuple(_files(node)),
    )


def _files(node: dict[str, Any]) -> Iterator[tuple[str, int]]:
    for entry in _entries(node.get("workflows")):
        if _blob(entry) and entry["name"].endswith(WORKFLOW_SUFFIXES):
            yield f"{WORKFLOWS_DIR}/{entry['name']}", _size(entry)
    for action in _entries(node.get("actions")):
        for entry in _entries(action.get("object")):
            if _blob(entry) and entry["name"] in ACTION_FILES:
                yield f"{ACTIONS_DIR}/{action['name']}/{entry['name']}", _size(entry)
            for inner in _entries(entry.get("object")):
                if _blob(inner) and inner["name"] in ACTION_FILES:
                    path = f"{ACTIONS_DIR}/{action['name']}/{entry['name']}/{inner['name']}"
                    yield path, _size(inner)
    for i, name in enumerate(ROOT_FILES):
        blob = node.get(f"root{i}")
        if blob:
            yield name, int(blob.get("byteSize") or 0)


def _entries(tree: Any) -> list[dict[str, Any]]:
    if not isinstance(tree, dict):
        return []
    return [e for e in tree.get("entries") or [] if isinstance(e, dict)]


def _blob(entry: dict[str, Any]) -> bool:
    return entry.get("type") == "blob" and entry.get("mode") != SYMLINK


def _size(entry: dict[str, Any]) -> int:
    return int((entry.get("object") or {}).get("byteSize") or 0)


def _packaging(path: str) -> bool:
    return path in PACKAGING_FILES


def partial_repository(gh: Github, item: Listed) -> Repository:
    """A PyGithub Repository filled from the listing, without a request (REST calls use its url;
    reading an attribute the listing did not give would cost a request)."""
    from github.Repository import Repository

    base = gh.requester.base_url.rstrip("/")
    push = item.can_push is not False
    attributes = {
        "url": f"{base}/repos/{item.full_name}",
        "id": item.database_id,
        "node_id": item.node_id,
        "name": item.name,
        "full_name": item.full_name,
        "owner": {
            "login": item.owner,
            "type": item.owner_type,
            "url": f"{base}/users/{item.owner}",
        },
        "default_branch": item.default_branch,
        "archived": item.archived,
        "fork": item.fork,
        "private": item.private,
        "topics": list(item.topics),
        "permissions": {
            "admin": item.permission == "ADMIN",
            "maintain": item.permission in ("ADMIN", "MAINTAIN"),
            "push": push,
            "triage": push or item.permission == "TRIAGE",
            "pull": True,
        },
    }
    return Repository(gh.requester, {}, attributes, completed=False)
