"""The bot's writes for one repository: its branch at one new commit, then the pull request.

Through GraphQL (`github/mutations.py`): three writes for a new pull request. Through REST
(where GraphQL is not available): a tree, a commit, the ref and the pull request. Both build on
the commit the workflows were read at, or (REST, which reads by branch name) check that the
workflows did not change at the head they build on. A server whose GraphQL schema lacks a
mutation (an older GitHub Enterprise Server) gets the REST writes from then on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from trustpub.bot.limits import StaleRead
from trustpub.github import commits, pulls
from trustpub.github.client import GitHubAccessError
from trustpub.github.graphql import GraphQLUnavailable
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

    def with_branch(self, repo: Any, snap: Snapshot) -> Snapshot:
        """The snapshot with this branch and its pull requests (a repository's own settings may
        name another branch than the run's, which the batched read looked at)."""
        if self.gql is not None and snap.head is not None:
            state, found = GraphQLWrites(self.gql, self.branch).look(snap)
            return replace(snap, branch=state, pulls=found)
        return replace(snap, branch=None, pulls=None)  # REST: looked up when needed

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
                    replace(snap, branch=state), files, message, fingerprint
                )
                return
            except BranchMoved as error:
                raise StaleRead(str(error)) from None
            except GraphQLUnavailable:  # an older schema: REST from now on
                self.gql = None
                state = commits.branch_state(repo, self.branch)
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
            try:
                return GraphQLWrites(self.gql, self.branch).open_pull(snap, title, body, draft)
            except GraphQLUnavailable:
                self.gql = None
        return pulls.create_pull(repo, snap.default_branch, self.branch, title, body, draft)

    def update_pull(self, repo: Any, snap: Snapshot, pull: Pull, title: str, body: str) -> None:
        if self.gql is not None and pull.node_id:
            try:
                GraphQLWrites(self.gql, self.branch).update_pull(snap, pull, title, body)
                return
            except GraphQLUnavailable:
                self.gql = None
        pulls.update_pull(repo, pull.number, title, body)
