"""The bot's writes for one repository: its branch at one new commit, then the pull request.

Through GraphQL (`github/mutations.py`): three writes for a new pull request. Through REST
(where GraphQL is not available): a tree, a commit, the ref and the pull request. Both build on
the commit the workflows were read at, or (REST, which reads by branch name) check that the
workflows did not change at the head they build on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trustpub.bot.limits import StaleRead
from trustpub.github import commits, pulls
from trustpub.github.client import GitHubAccessError
from trustpub.github.mutations import BranchMoved, GraphQLWrites
from trustpub.github.pulls import Pull
from trustpub.github.snapshot import Snapshot

if TYPE_CHECKING:
    from trustpub.github.graphql import GraphQL


@dataclass
class Writes:
    """One repository's writes, by GraphQL when `gql` is set, else by REST."""

    branch: str
    gql: GraphQL | None = None

    def branch_state(self, repo: Any, snap: Snapshot) -> commits.BranchState:
        if snap.branch is not None:
            return snap.branch
        return commits.branch_state(repo, self.branch)

    def find_pulls(self, repo: Any, snap: Snapshot) -> tuple[Pull, ...]:
        if snap.pulls is not None:
            return snap.pulls
        return tuple(pulls.find_pulls(repo, self.branch))

    def default_head(self, repo: Any, snap: Snapshot) -> str | None:
        if snap.head is not None:
            return snap.head
        return commits.ref_sha(repo, f"heads/{snap.default_branch}")

    def push(
        self,
        repo: Any,
        snap: Snapshot,
        state: commits.BranchState,
        files: Mapping[str, str],
        message: str,
        fingerprint: str,
    ) -> None:
        if self.gql is not None and snap.head is not None:
            try:
                GraphQLWrites(self.gql, self.branch).push(
                    snap_with(snap, state), files, message, fingerprint
                )
            except BranchMoved as error:
                raise StaleRead(str(error)) from None
            return
        head = commits.ref_sha(repo, f"heads/{snap.default_branch}")
        if head is None:
            raise GitHubAccessError(f"the default branch {snap.default_branch} has no commit")
        current = commits.workflow_shas(repo, head)
        if any(current.get(w.path) != w.sha for w in snap.workflows.values()):
            raise StaleRead(f"{snap.default_branch} moved while trustpub was reading it")
        sha = commits.create_commit(repo, head, files, message)
        commits.point_branch(repo, state, sha, snap.default_branch, head)

    def open_pull(self, repo: Any, snap: Snapshot, title: str, body: str, draft: bool) -> Pull:
        if self.gql is not None and snap.node_id is not None:
            return GraphQLWrites(self.gql, self.branch).open_pull(snap, title, body, draft)
        return pulls.create_pull(repo, snap.default_branch, self.branch, title, body, draft)

    def update_pull(self, repo: Any, snap: Snapshot, pull: Pull, title: str, body: str) -> None:
        if self.gql is not None and pull.node_id:
            GraphQLWrites(self.gql, self.branch).update_pull(snap, pull, title, body)
        else:
            pulls.update_pull(repo, pull.number, title, body)


def snap_with(snap: Snapshot, state: commits.BranchState) -> Snapshot:
    from dataclasses import replace

    return replace(snap, branch=state)
