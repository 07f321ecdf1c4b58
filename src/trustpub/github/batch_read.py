"""Many repositories read in one GraphQL query: their files at the default branch's head commit,
the bot's branch and its pull requests.

Batches are sized from the listing (repositories, files and bytes per query), because GitHub
gives a query 10 seconds: a batch that times out is split in two and later batches are made
smaller; one repository that still times out is read through REST. A file GraphQL gives no text
for (binary) or cuts (`isTruncated`) is read through REST.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trustpub.checkout import WORKFLOW_SUFFIXES
from trustpub.github.graphql import GraphQL, GraphQLError, GraphQLTimeout, GraphQLUnavailable
from trustpub.github.listing import SYMLINK, Listed
from trustpub.github.queries import ACTIONS_DIR, PACKAGING_FILES, READ_FILES, WORKFLOWS_DIR, read
from trustpub.github.remote import RemoteWorkflow
from trustpub.github.snapshot import (
    Snapshot,
    blob_text,
    branch_from,
    empty_snapshot,
    pulls_from,
    reader_with,
    rest_snapshot,
)

if TYPE_CHECKING:
    from github.Repository import Repository

# One query: at most this many repositories, files and bytes of text. GitHub documents no limit
# on aliases; what bites is its 10-second timeout, so these start generous and shrink on one.
MAX_REPOSITORIES = 100
MAX_FILES = 600
MAX_BYTES = 1_500_000

Item = tuple[Listed, "Repository"]


@dataclass
class BatchPlan:
    """How big a batch may be; halved (down to one repository) after each timeout."""

    repositories: int = MAX_REPOSITORIES
    files: int = MAX_FILES
    bytes: int = MAX_BYTES
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def split(self, items: Sequence[Item]) -> list[list[Item]]:
        batches: list[list[Item]] = []
        current: list[Item] = []
        files = size = 0
        for item in items:
            listed = item[0]
            count, weight = len(listed.files), listed.size
            if current and (
                len(current) >= self.repositories
                or files + count > self.files
                or size + weight > self.bytes
            ):
                batches.append(current)
                current, files, size = [], 0, 0
            current.append(item)
            files += count
            size += weight
        if current:
            batches.append(current)
        return batches

    def shrink(self, seen: int) -> None:
        with self._lock:
            self.repositories = max(1, min(self.repositories, seen) // 2)
            self.files = max(1, self.files // 2)
            self.bytes = max(1, self.bytes // 2)


Outcome = Snapshot | BaseException


@dataclass
class BatchReader:
    gql: GraphQL
    branch: str
    plan: BatchPlan = field(default_factory=BatchPlan)
    rest_only: bool = False  # the server refused the read query's shape: REST from then on

    def read(self, items: Sequence[Item]) -> dict[str, Outcome]:
        """A snapshot (or the error that stopped it) for each repository of the batch."""
        wanted = [item for item in items if item[0].to_read and item[0].default_branch]
        names = {listed.full_name for listed, _ in wanted}
        found: dict[str, Outcome] = {
            listed.full_name: empty_snapshot(
                listed.full_name, listed.default_branch or "main", listed.node_id
            )
            for listed, _ in items
            if listed.full_name not in names
        }
        if wanted and self.rest_only:
            found |= _through_rest(wanted)
        elif wanted:
            found |= self._query(wanted)
        return found

    def _query(self, items: Sequence[Item]) -> dict[str, Outcome]:
        actions = [
            [path for path, _ in listed.files if path.startswith(f"{ACTIONS_DIR}/")]
            for listed, _ in items
        ]
        variables: dict[str, Any] = {"ref": f"refs/heads/{self.branch}", "branch": self.branch}
        for i, (listed, _) in enumerate(items):
            variables |= {f"o{i}": listed.owner, f"n{i}": listed.name}
            variables |= {f"p{i}_{j}": path for j, path in enumerate(actions[i])}
        try:
            answer = self.gql.run(read([len(a) for a in actions]), variables)
        except GraphQLUnavailable:  # an older schema (GitHub Enterprise Server): read by REST
            self.rest_only = True
            return _through_rest(items)
        except GraphQLTimeout:
            if len(items) == 1:
                return _through_rest(items)
            self.plan.shrink(len(items))
            half = len(items) // 2
            return self._query(items[:half]) | self._query(items[half:])
        found: dict[str, Outcome] = {}
        for i, (listed, repo) in enumerate(items):
            node = answer.data.get(f"r{i}")
            if not node:
                error = answer.error_at(f"r{i}") or {}
                message = str(error.get("message") or "no answer for this repository")
                found[listed.full_name] = GraphQLError(f"{listed.full_name}: {message}", [error])
                continue
            try:
                found[listed.full_name] = self._snapshot(listed, repo, node, actions[i])
            except Exception as error:  # a REST fallback read failed: that repository only
                found[listed.full_name] = error
        return found

    def _snapshot(
        self, listed: Listed, repo: Repository, node: dict[str, Any], actions: list[str]
    ) -> Snapshot:
        ref = node.get("defaultBranchRef") or {}
        commit = ref.get("target") or {}
        default = str(ref.get("name") or listed.default_branch or "main")
        head = commit.get("oid")
        if head is None:  # emptied since the listing
            return empty_snapshot(listed.full_name, default, listed.node_id)
        files: dict[str, tuple[dict[str, Any], str]] = {}  # path -> (blob, sha)
        for entry in _entries(commit.get("workflows")):
            name = str(entry.get("name") or "")
            if entry.get("mode") != SYMLINK and name.endswith(WORKFLOW_SUFFIXES):
                files[f"{WORKFLOWS_DIR}/{name}"] = (entry.get("object") or {}, str(entry["oid"]))
        named = [(path, commit.get(alias)) for alias, path in READ_FILES.items()]
        named += [(path, commit.get(f"a{j}")) for j, path in enumerate(actions)]
        for path, found in named:
            if found:
                files[path] = (found.get("object") or {}, str(found["oid"]))
        workflows: dict[str, RemoteWorkflow] = {}
        packaging: dict[str, str | None] = {}
        for path, (blob, sha) in files.items():
            if "text" not in blob:  # not a file (a directory, a submodule)
                continue
            text = blob.get("text")
            if text is None or blob.get("isTruncated"):
                text = blob_text(repo, sha)
            if path in PACKAGING_FILES:
                packaging[path] = text
            else:
                workflows[path] = RemoteWorkflow(path, text, sha)
        absent = [p for p in PACKAGING_FILES if p not in packaging]
        return Snapshot(
            full_name=listed.full_name,
            default_branch=default,
            workflows=workflows,
            reader=reader_with(repo, head, packaging, absent),
            head=str(head),
            node_id=str(node.get("id") or listed.node_id),
            branch=branch_from(self.branch, node.get("bot")),
            pulls=pulls_from(listed.owner, node.get("pulls")),
            environments=tuple(
                str(e["name"]) for e in (node.get("environments") or {}).get("nodes") or [] if e
            ),
        )


def _through_rest(items: Sequence[Item]) -> dict[str, Outcome]:
    found: dict[str, Outcome] = {}
    for listed, repo in items:
        try:
            found[listed.full_name] = rest_snapshot(repo, listed.default_branch or "main")
        except Exception as error:  # that repository only
            found[listed.full_name] = error
    return found


def _entries(entry: Any) -> list[dict[str, Any]]:
    tree = (entry or {}).get("object") or {}
    return [e for e in tree.get("entries") or [] if isinstance(e, dict) and e.get("type") == "blob"]
