"""A repository as the bot reads it: workflow files and composite actions at one commit, a reader
for packaging files, and (when read with them) the bot's branch and pull requests.

Two sources make one: a batched GraphQL read (`batch_read.py`), or REST, one repository at a
time, where GraphQL is not available. Snapshots from REST read the default branch by name and
look the branch and the pull requests up only when a change needs them.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trustpub.github.commits import BranchState
from trustpub.github.pulls import Pull
from trustpub.github.remote import RemoteWorkflow, read_workflows, remote_reader
from trustpub.project import FileReader

if TYPE_CHECKING:
    from github.Repository import Repository


@dataclass(frozen=True)
class Snapshot:
    full_name: str
    default_branch: str
    workflows: Mapping[str, RemoteWorkflow]  # path -> file: the engine's input
    reader: FileReader = field(repr=False)  # packaging files (None: no such file)
    head: str | None = None  # the commit everything was read at (None: read by branch name)
    node_id: str | None = None  # the repository's GraphQL id
    branch: BranchState | None = None  # None: not read (REST: look it up when needed)
    pulls: tuple[Pull, ...] | None = None
    environments: tuple[str, ...] | None = None  # deployment environment names, if read

    @property
    def texts(self) -> dict[str, str]:
        return {path: w.text for path, w in self.workflows.items()}


def rest_snapshot(repo: Repository, default_branch: str) -> Snapshot:
    """Workflow files through REST: one listing plus one request per file."""
    workflows = read_workflows(repo, default_branch)
    return Snapshot(
        repo.full_name,
        default_branch,
        {w.path: w for w in workflows},
        remote_reader(repo, default_branch),
    )


def empty_snapshot(full_name: str, default_branch: str, node_id: str | None) -> Snapshot:
    """A repository whose listing shows nothing to migrate: no workflow file, no action."""
    return Snapshot(full_name, default_branch, {}, lambda path: None, node_id=node_id)


def blob_text(repo: Repository, sha: str) -> str:
    """A blob's text through REST (GraphQL gives none for a binary or cuts a large one)."""
    _, data = repo._requester.requestJsonAndCheck("GET", f"{repo.url}/git/blobs/{sha}")
    raw = base64.b64decode(str((data or {}).get("content") or ""))
    return raw.decode("utf-8", errors="replace")


def reader_with(
    repo: Repository, ref: str, known: Mapping[str, str | None], absent: Iterable[str] = ()
) -> FileReader:
    """Files read already (or known not to exist) answered at once; any other through REST."""
    missing = frozenset(absent)
    fallback = remote_reader(repo, ref)

    def read(path: str) -> str | None:
        if path in known:
            return known[path]
        if path in missing:
            return None
        return fallback(path)

    return read


def branch_from(name: str, node: Any) -> BranchState:
    """The bot's branch from the GraphQL `bot: ref(...)` field (None: no such branch)."""
    from trustpub.github.commits import fingerprint_of

    if not isinstance(node, dict) or not node.get("target"):
        return BranchState(name, None)
    target = node["target"]
    parents = (target.get("parents") or {}).get("totalCount")
    message = str(target.get("message") or "")
    found = fingerprint_of(message) if parents == 1 else None
    author = str((target.get("author") or {}).get("name") or "someone")
    return BranchState(name, str(target["oid"]), found, author, str(node.get("id") or ""))


def pulls_from(owner: str, node: Any) -> tuple[Pull, ...]:
    """Pull requests from the bot's branch in this repository (not from a fork's same-named one),
    newest first."""
    found: list[Pull] = []
    for item in (node or {}).get("nodes") or []:
        if not item:
            continue
        head_owner = str((item.get("headRepositoryOwner") or {}).get("login") or "")
        if head_owner.lower() != owner.lower():
            continue
        state = str(item.get("state") or "OPEN")
        found.append(
            Pull(
                number=int(item["number"]),
                url=str(item.get("url") or ""),
                state="open" if state == "OPEN" else "closed",
                merged=bool(item.get("merged")) or state == "MERGED",
                body=str(item.get("body") or ""),
                draft=bool(item.get("isDraft")),
                node_id=str(item.get("id") or ""),
            )
        )
    return tuple(sorted(found, key=lambda p: p.number, reverse=True))
