"""The bot's writes through GraphQL: its branch at the commit it read, one commit, the pull request.

- A new branch: `createRef` at the head commit the files were read at, then `createCommitOnBranch`
  with `expectedHeadOid` = that commit (GitHub refuses it if the branch moved: a concurrent push
  is never overwritten), then `createPullRequest`: three writes.
- An update: `updateRef` back to the head commit read (the branch is trustpub's own, or holds
  nothing of anyone's), the commit, then `updatePullRequest`.

A write whose answer was lost (the transport sends a failed POST again, and the second try then
finds its own first one) or that reports an error is checked by reading the branch and the pull
requests back: what is there already counts as done.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trustpub.github.commits import BranchState, RefusedWrite
from trustpub.github.graphql import GraphQL, GraphQLError, GraphQLUnavailable
from trustpub.github.pulls import Pull
from trustpub.github.queries import (
    BRANCH,
    CREATE_COMMIT,
    CREATE_PULL,
    CREATE_REF,
    UPDATE_PULL,
    UPDATE_REF,
)
from trustpub.github.snapshot import Snapshot, branch_from, pulls_from


class BranchMoved(Exception):
    """The branch is not where the read left it (someone pushed): read the repository again."""


@dataclass
class GraphQLWrites:
    gql: GraphQL
    branch: str

    def push(
        self, snap: Snapshot, files: Mapping[str, str], message: str, fingerprint: str
    ) -> None:
        """The branch at one new commit on `snap.head` holding `files` (path -> text)."""
        assert snap.head is not None and snap.branch is not None and snap.node_id is not None
        state = snap.branch
        if state.name == snap.default_branch:
            raise RefusedWrite(f"refusing to write to the default branch {snap.default_branch}")
        if state.exists and not state.ours and state.sha != snap.head:
            raise RefusedWrite(
                f"branch {state.name} has commits trustpub did not make (head {state.sha}); "
                "not overwriting it"
            )
        if not state.exists:
            state = self._create_ref(snap)
        elif state.sha != snap.head:
            state = self._update_ref(snap, state)
        self._commit(snap, state, files, message, fingerprint)

    def open_pull(self, snap: Snapshot, title: str, body: str, draft: bool) -> Pull:
        payload = {
            "repositoryId": snap.node_id,
            "baseRefName": snap.default_branch,
            "headRefName": self.branch,
            "title": title,
            "body": body,
            "draft": draft,
        }
        made = self._mutate(CREATE_PULL, payload, "createPullRequest")
        pull = (made or {}).get("pullRequest")
        if pull:
            return Pull(
                int(pull["number"]),
                str(pull["url"]),
                "open",
                False,
                body,
                bool(pull.get("isDraft")),
                str(pull["id"]),
            )
        _, pulls = self.look(snap)  # lost, or "already exists": the first try made it
        mine = [p for p in pulls if p.is_open and p.ours]
        if not mine:
            raise GraphQLError(f"{snap.full_name}: the pull request was not opened")
        return mine[0]

    def update_pull(self, snap: Snapshot, pull: Pull, title: str, body: str) -> None:
        payload = {"pullRequestId": pull.node_id, "title": title, "body": body}
        if self._mutate(UPDATE_PULL, payload, "updatePullRequest") is not None:
            return
        _, pulls = self.look(snap)
        if not any(p.number == pull.number and p.body == body for p in pulls):
            raise GraphQLError(f"{snap.full_name}: pull request #{pull.number} was not updated")

    def _create_ref(self, snap: Snapshot) -> BranchState:
        payload = {
            "repositoryId": snap.node_id,
            "name": f"refs/heads/{self.branch}",
            "oid": snap.head,
        }
        made = self._mutate(CREATE_REF, payload, "createRef")
        ref = (made or {}).get("ref")
        if ref:
            return BranchState(self.branch, snap.head, None, "", str(ref["id"]))
        state, _ = self.look(snap)  # lost, or made meanwhile
        if state.sha != snap.head:
            raise BranchMoved(
                f"branch {self.branch} appeared at {state.sha} while trustpub made it"
            )
        return state

    def _update_ref(self, snap: Snapshot, state: BranchState) -> BranchState:
        payload = {"refId": state.ref_id, "oid": snap.head, "force": True}
        made = self._mutate(UPDATE_REF, payload, "updateRef")
        if made is None:
            again, _ = self.look(snap)
            if again.sha != snap.head:
                raise BranchMoved(f"branch {self.branch} could not be moved to {snap.head}")
        return BranchState(self.branch, snap.head, None, "", state.ref_id)

    def _commit(
        self,
        snap: Snapshot,
        state: BranchState,
        files: Mapping[str, str],
        message: str,
        wanted: str,
    ) -> None:
        headline, _, body = message.partition("\n")
        payload = {
            "branch": {"id": state.ref_id}
            if state.ref_id
            else {"repositoryNameWithOwner": snap.full_name, "branchName": self.branch},
            "expectedHeadOid": snap.head,
            "message": {"headline": headline, "body": body.strip("\n") + "\n"},
            "fileChanges": {
                "additions": [
                    {"path": path, "contents": base64.b64encode(text.encode()).decode()}
                    for path, text in sorted(files.items())
                ]
            },
        }
        if self._mutate(CREATE_COMMIT, payload, "createCommitOnBranch") is not None:
            return
        again, _ = self.look(snap)  # lost (the retry found the branch moved by the first try)?
        if not (again.ours and again.fingerprint == wanted):
            raise BranchMoved(f"branch {self.branch} moved while trustpub committed to it")

    def _mutate(self, document: str, payload: dict[str, Any], field: str) -> dict[str, Any] | None:
        """The mutation's payload, or None when GitHub reported an error or the answer was lost
        (the caller then looks at what is there)."""
        from github.GithubException import GithubException
        from requests.exceptions import RequestException

        try:
            answer = self.gql.run(document, {"input": payload}, mutation=True)
        except GraphQLUnavailable:  # not this server's schema: the caller writes through REST
            raise
        except (GithubException, RequestException, GraphQLError) as error:
            if getattr(error, "status", None) in (401, 403, 404, 422):
                raise
            return None
        made = answer.data.get(field)
        if made is None and not answer.error_at(field):
            raise GraphQLError(f"GitHub answered {field} with nothing")
        return made if isinstance(made, dict) else None

    def look(self, snap: Snapshot) -> tuple[BranchState, tuple[Pull, ...]]:
        """The branch and its pull requests as they are now (one query)."""
        owner, _, name = snap.full_name.partition("/")
        variables = {
            "owner": owner,
            "name": name,
            "ref": f"refs/heads/{self.branch}",
            "branch": self.branch,
        }
        node = self.gql.run(BRANCH, variables).data.get("repository") or {}
        return branch_from(self.branch, node.get("bot")), pulls_from(owner, node.get("pulls"))
