"""One commit of many files on a branch the bot owns, through the git data API.

The bot marks every commit it makes with a `Trustpub-Migration: <fingerprint>` trailer. A branch
whose head commit lacks it holds someone else's work and is never overwritten. Every write is
paced by the client's gate (at least the write interval apart, retries included) and followed,
when its answer is lost, by a look-up: a POST is retried, so "already exists" can mean "it worked".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trustpub.github.remote import WORKFLOWS_DIR

if TYPE_CHECKING:
    from github.Repository import Repository

TRAILER = "Trustpub-Migration"
_TRAILER_LINE = re.compile(rf"^{TRAILER}: *([0-9a-f]+) *$", re.MULTILINE)
FILE_MODE = "100644"


class RefusedWrite(Exception):
    """A write the bot must never make (the default branch, or a branch it does not own)."""


@dataclass(frozen=True)
class BranchState:
    """The owned branch as it is now: absent, ours (with its fingerprint) or someone else's."""

    name: str
    sha: str | None  # None: the branch does not exist
    fingerprint: str | None = None  # from our trailer on its head commit
    author: str = ""
    ref_id: str | None = None  # the ref's GraphQL node id (to move it with updateRef)

    @property
    def exists(self) -> bool:
        return self.sha is not None

    @property
    def ours(self) -> bool:
        return self.fingerprint is not None


def fingerprint_of(message: str) -> str | None:
    found = _TRAILER_LINE.findall(message)
    return found[-1] if found else None


def commit_message(title: str, files: list[str], fingerprint: str) -> str:
    listed = "\n".join(f"- {path}" for path in files)
    return f"{title}\n\nRewritten by trustpub:\n{listed}\n\n{TRAILER}: {fingerprint}\n"


def branch_state(repo: Repository, branch: str) -> BranchState:
    """Two reads at most: the ref, then its head commit (for the trailer and the author)."""
    sha = ref_sha(repo, f"heads/{branch}")
    if sha is None:
        return BranchState(branch, None)
    commit = _get(repo, f"/git/commits/{sha}")
    parents = commit.get("parents") or []
    found = fingerprint_of(str(commit.get("message") or "")) if len(parents) == 1 else None
    author = (commit.get("author") or {}).get("name") or "someone"
    return BranchState(branch, sha, found, str(author))


def ref_sha(repo: Repository, ref: str) -> str | None:
    """The commit a ref (`heads/main`) points to; None when there is no such ref."""
    from github.GithubException import GithubException

    try:
        data = _get(repo, f"/git/ref/{_quote_ref(ref)}")
    except GithubException as error:
        if error.status == 404:
            return None
        raise
    sha = (data.get("object") or {}).get("sha")
    return str(sha) if sha else None


def workflow_shas(repo: Repository, sha: str) -> dict[str, str]:
    """The blob sha of each entry of `.github/workflows` at commit `sha` (one read)."""
    from github.GithubException import GithubException

    try:
        _, data = repo._requester.requestJsonAndCheck(
            "GET", f"{repo.url}/contents/{WORKFLOWS_DIR}", parameters={"ref": sha}
        )
    except GithubException as error:
        if error.status == 404:
            return {}
        raise
    entries = data if isinstance(data, list) else [data]
    return {str(e["path"]): str(e["sha"]) for e in entries if e.get("type") == "file"}


def create_commit(repo: Repository, parent: str, files: Mapping[str, str], message: str) -> str:
    """A commit on top of `parent` replacing `files` (path -> text): a tree, then the commit.

    File contents go inline in the tree, so GitHub makes the blobs: two writes, whatever the
    number of files. Both are content-addressed, so a retried POST makes the same objects.
    """
    tree = [
        {"path": path, "mode": FILE_MODE, "type": "blob", "content": text}
        for path, text in sorted(files.items())
    ]
    _, made = repo._requester.requestJsonAndCheck(
        "POST", f"{repo.url}/git/trees", input={"base_tree": parent, "tree": tree}
    )
    _, commit = repo._requester.requestJsonAndCheck(
        "POST",
        f"{repo.url}/git/commits",
        input={"message": message, "tree": made["sha"], "parents": [parent]},
    )
    return str(commit["sha"])


def point_branch(
    repo: Repository,
    state: BranchState,
    sha: str,
    default_branch: str,
    default_head: str,
) -> None:
    """Create the branch at `sha`, or move it there if it is ours (or holds nothing new)."""
    from github.GithubException import GithubException

    if state.name == default_branch:
        raise RefusedWrite(f"refusing to write to the default branch {default_branch}")
    if state.exists and not state.ours and state.sha != default_head:
        raise RefusedWrite(
            f"branch {state.name} has commits trustpub did not make (head {state.sha}); "
            "not overwriting it"
        )
    ref = f"heads/{state.name}"
    try:
        if state.exists:
            repo._requester.requestJsonAndCheck(
                "PATCH",
                f"{repo.url}/git/refs/{_quote_ref(ref)}",
                input={"sha": sha, "force": True},
            )
        else:
            repo._requester.requestJsonAndCheck(
                "POST", f"{repo.url}/git/refs", input={"ref": f"refs/{ref}", "sha": sha}
            )
    except GithubException:
        # A lost answer (PATCH is not retried; a retried POST finds "Reference already exists").
        if ref_sha(repo, ref) != sha:
            raise


def _get(repo: Repository, tail: str) -> dict[str, Any]:
    _, data = repo._requester.requestJsonAndCheck("GET", f"{repo.url}{tail}")
    return data if isinstance(data, dict) else {}


def _quote_ref(ref: str) -> str:
    return quote(ref, safe="/")
