"""The roots of the fake's GraphQL schema: the queries and the mutations it answers.

Mutations change the world as their REST counterparts do (a ref, a commit, a pull request), with
GitHub's GraphQL errors: `createCommitOnBranch` refuses a branch that moved from
`expectedHeadOid`, `createRef` one that exists, `createPullRequest` a second open one.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fake_github.gitstore import MODE_FILE, Commit, TreeEntry
from fake_github.graphql_base import Fault, run_of
from fake_github.graphql_git import git_object
from fake_github.graphql_objects import (
    GOrganization,
    GOwner,
    GPullRequest,
    GRateLimit,
    GRef,
    GRepository,
    GUser,
    owner_of,
)
from fake_github.router import ApiError
from fake_github.routes_pulls import open_pull
from fake_github.shapes import node_id
from fake_github.state import Issue, Repo, World


def _world(info: Any) -> World:
    return run_of(info).ctx.world


def find_repo(world: World, owner: str, name: str) -> Repo:
    repo = world.repo(owner, name) or world.renamed.get(f"{owner}/{name}".lower())
    if repo is None or not repo.permissions.get("pull", False):
        raise Fault(
            "NOT_FOUND", f"Could not resolve to a Repository with the name '{owner}/{name}'."
        )
    return repo


def _repo_by_id(world: World, node: str) -> Repo:
    for repo in world.repos.values():
        if node_id("Repository", repo.id) == node:
            return repo
    raise Fault("NOT_FOUND", f"Could not resolve to a node with the global id of '{node}'")


def _ref_by_id(world: World, node: str) -> tuple[Repo, str]:
    try:
        repo_id, _, qualified = base64.b64decode(node).decode().removeprefix("REF_").partition(":")
        repo = world.repos_by_id[int(repo_id)]
    except (ValueError, KeyError, binascii.Error, UnicodeDecodeError):
        raise Fault(
            "NOT_FOUND", f"Could not resolve to a node with the global id of '{node}'"
        ) from None
    return repo, qualified


def _pull_by_id(world: World, node: str) -> tuple[Repo, Issue]:
    for repo in world.repos.values():
        for issue in repo.issues.values():
            if issue.pull is not None and node_id("PullRequest", issue.pull.id) == node:
                return repo, issue
    raise Fault("NOT_FOUND", f"Could not resolve to a node with the global id of '{node}'")


def _needs(repo: Repo, permission: str) -> None:
    if not repo.permissions.get(permission, False):
        raise Fault(
            "FORBIDDEN",
            f"{repo.owner.login} does not have the correct permissions to execute this mutation.",
        )


class Root:
    """Query and Mutation fields (graphql-core calls a method named like the field)."""

    # ---- queries ------------------------------------------------------------------------------
    def repository(
        self, info: Any, owner: str, name: str, followRenames: bool = True
    ) -> GRepository:
        world = _world(info)
        if not followRenames and world.repo(owner, name) is None:
            raise Fault(
                "NOT_FOUND", f"Could not resolve to a Repository with the name '{owner}/{name}'."
            )
        return GRepository(find_repo(world, owner, name))

    def repositoryOwner(self, info: Any, login: str) -> GOwner | None:
        account = _world(info).account(login)
        return owner_of(account) if account is not None else None

    def organization(self, info: Any, login: str) -> GOrganization:
        account = _world(info).account(login)
        if account is None or not account.is_org:
            raise Fault(
                "NOT_FOUND", f"Could not resolve to an Organization with the login of '{login}'."
            )
        return GOrganization(account)

    def user(self, info: Any, login: str) -> GUser | None:
        account = _world(info).account(login)
        return GUser(account) if account is not None and not account.is_org else None

    def viewer(self, info: Any) -> GUser:
        viewer = _world(info).viewer
        assert viewer is not None
        return GUser(viewer)

    def rateLimit(self, info: Any, dryRun: bool = False) -> GRateLimit:
        return GRateLimit(run_of(info))

    def node(self, info: Any, id: str) -> GRepository | GPullRequest | GRef:
        world = _world(info)
        for finder in (_repo_by_id, _pull_by_id, _ref_by_id):
            try:
                found: Any = finder(world, id)
            except Fault:
                continue
            if isinstance(found, Repo):
                return GRepository(found)
            repo, item = found
            return GPullRequest(repo, item) if isinstance(item, Issue) else GRef(repo, item)
        raise Fault("NOT_FOUND", f"Could not resolve to a node with the global id of '{id}'")

    # ---- mutations ----------------------------------------------------------------------------
    def createRef(self, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        world = _world(info)
        repo = _repo_by_id(world, input["repositoryId"])
        _needs(repo, "push")
        name, oid = input["name"], input["oid"]
        if not name.startswith("refs/") or name.count("/") < 2:
            raise Fault("UNPROCESSABLE", f"Reference name `{name}` is not valid.")
        if name in repo.refs:
            raise Fault("UNPROCESSABLE", f'A ref named "{name}" already exists in the repository.')
        if oid not in repo.store or repo.store.kind(oid) != "commit":
            raise Fault("UNPROCESSABLE", f"Object {oid} does not exist.")
        repo.refs[name] = oid
        run_of(info).changed.append(f"{repo.full_name} {name}")
        return {"ref": GRef(repo, name), "clientMutationId": input.get("clientMutationId")}

    def updateRef(self, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        world = _world(info)
        repo, name = _ref_by_id(world, input["refId"])
        _needs(repo, "push")
        current, oid = repo.refs.get(name), input["oid"]
        if current is None:
            raise Fault(
                "NOT_FOUND", f"Could not resolve to a node with the global id of '{input['refId']}'"
            )
        if name == f"refs/heads/{repo.default_branch}" and name in repo.protected_branches:
            raise Fault("FORBIDDEN", "Protected branch update failed.")
        if oid not in repo.store or repo.store.kind(oid) != "commit":
            raise Fault("UNPROCESSABLE", f"Object {oid} does not exist.")
        if not input.get("force") and not repo.store.is_ancestor(current, oid):
            raise Fault("UNPROCESSABLE", "Update is not a fast forward.")
        repo.refs[name] = oid
        run_of(info).changed.append(f"{repo.full_name} {name}")
        return {"ref": GRef(repo, name), "clientMutationId": input.get("clientMutationId")}

    def createCommitOnBranch(self, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        world = _world(info)
        repo, branch = _committable(world, input["branch"])
        _needs(repo, "push")
        qualified = f"refs/heads/{branch}"
        head = repo.refs.get(qualified)
        if head is None:
            raise Fault("NOT_FOUND", f'A ref named "{qualified}" does not exist in the repository.')
        if head != input["expectedHeadOid"]:
            raise Fault(
                "STALE_DATA",
                f'Expected branch to point to "{input["expectedHeadOid"]}" but it did not. '
                "Pull and try again.",
            )
        changes = input.get("fileChanges") or {}
        edits: list[tuple[str, TreeEntry | None]] = []
        for addition in changes.get("additions") or []:
            try:
                data = base64.b64decode(addition["contents"], validate=True)
            except (binascii.Error, ValueError):
                raise Fault(
                    "UNPROCESSABLE", f"contents of {addition['path']} is not Base64"
                ) from None
            sha = repo.store.put_blob(data)
            edits.append((addition["path"], TreeEntry(addition["path"], MODE_FILE, "blob", sha)))
        for deletion in changes.get("deletions") or []:
            if repo.store.lookup(repo.store.commit(head).tree, deletion["path"]) is None:
                missing = f"which does not exist as of commit oid `{head}`"
                raise Fault("UNPROCESSABLE", f"A path was requested for deletion {missing}")
            edits.append((deletion["path"], None))
        message = input["message"]
        text = message["headline"] + (f"\n\n{message['body']}" if message.get("body") else "")
        tree = repo.store.edit_tree(repo.store.commit(head).tree, edits)
        who = world.signature()
        oid = repo.store.put_commit(Commit(tree, (head,), who, who, text))
        repo.refs[qualified] = oid
        repo.pushed_at = repo.updated_at = world.now()
        run_of(info).changed.append(f"{repo.full_name} {qualified}")
        commit = git_object(repo, oid)
        return {
            "commit": commit,
            "ref": GRef(repo, qualified),
            "clientMutationId": input.get("clientMutationId"),
        }

    def createPullRequest(self, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        world = run_of(info).ctx.world
        repo = _repo_by_id(world, input["repositoryId"])
        _needs(repo, "push")
        try:
            issue = open_pull(
                run_of(info).ctx,
                repo,
                input["headRefName"],
                input["baseRefName"],
                input["title"],
                input.get("body"),
                bool(input.get("draft", False)),
                bool(input.get("maintainerCanModify", True)),
            )
        except ApiError as error:
            messages = [
                str(e.get("message") or "") for e in error.errors or [] if isinstance(e, dict)
            ]
            raise Fault(
                "UNPROCESSABLE", "; ".join(m for m in messages if m) or error.message
            ) from None
        run_of(info).changed.append(f"{repo.full_name} #{issue.number}")
        return {
            "pullRequest": GPullRequest(repo, issue),
            "clientMutationId": input.get("clientMutationId"),
        }

    def updatePullRequest(self, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        world = _world(info)
        repo, issue = _pull_by_id(world, input["pullRequestId"])
        _needs(repo, "push")
        if input.get("title") is not None:
            issue.title = input["title"]
        if input.get("body") is not None:
            issue.body = input["body"]
        if input.get("state") in ("OPEN", "CLOSED"):
            issue.state = input["state"].lower()
        issue.updated_at = world.now()
        run_of(info).changed.append(f"{repo.full_name} #{issue.number}")
        return {
            "pullRequest": GPullRequest(repo, issue),
            "clientMutationId": input.get("clientMutationId"),
        }


def _committable(world: World, branch: dict[str, Any]) -> tuple[Repo, str]:
    """A CommittableBranch: by id, or by repositoryNameWithOwner and branchName."""
    if branch.get("id"):
        repo, qualified = _ref_by_id(world, branch["id"])
        return repo, qualified.removeprefix("refs/heads/")
    owner, _, name = str(branch.get("repositoryNameWithOwner") or "").partition("/")
    if not branch.get("branchName"):
        raise Fault("UNPROCESSABLE", "A branch name or id is required.")
    return find_repo(world, owner, name), str(branch["branchName"])
