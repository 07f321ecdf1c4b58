"""The git data API (blobs, trees, commits, refs) and branches."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from fake_github import shapes_git
from fake_github.gitstore import MODE_TREE, TYPE_FOR_MODE, Commit, Signature, TreeEntry
from fake_github.router import ApiError, Context, Request, Response, not_found, paginate, route
from fake_github.state import Repo

REFS_DOCS = "https://docs.github.com/rest/git/refs"
SHA = re.compile(r"^[0-9a-f]{40}$")


def _refs_error(message: str, anchor: str, status: int = 422) -> ApiError:
    return ApiError(status, message, documentation_url=f"{REFS_DOCS}#{anchor}")


def signature_from(ctx: Context, data: Any) -> Signature | None:
    """An author/committer from a request body, with GitHub's defaults for a missing date."""
    if not isinstance(data, dict):
        return None
    if not isinstance(data.get("name"), str) or not isinstance(data.get("email"), str):
        raise ApiError(422, 'Invalid request.\n\n"name" and "email" are required.')
    return Signature(data["name"], data["email"], data.get("date") or ctx.world.now())


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.body, dict):
        raise ApiError(400, "Problems parsing JSON")
    return request.body


def close_pulls_of_branch(ctx: Context, repo: Repo, branch: str) -> None:
    """GitHub closes open pull requests whose head branch is deleted."""
    for candidate in ctx.world.repos.values():
        for issue in candidate.issues.values():
            pull = issue.pull
            if (
                pull
                and issue.state == "open"
                and pull.head_repo is repo
                and pull.head_ref == branch
            ):
                pull.head_sha = repo.refs[f"refs/heads/{branch}"]
                issue.state, issue.closed_at = "closed", ctx.world.now()


# ---- branches -----------------------------------------------------------------------------
@route("GET", "/repos/{owner}/{repo}/branches")
def list_branches(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    names = sorted(ref[len("refs/heads/") :] for ref in repo.refs if ref.startswith("refs/heads/"))
    page, headers = paginate(request, names, ctx.urls, f"/repositories/{repo.id}/branches")
    body = [
        {
            "name": name,
            "commit": {
                "sha": repo.refs[f"refs/heads/{name}"],
                "url": ctx.urls.repo(repo, f"/commits/{repo.refs[f'refs/heads/{name}']}"),
            },
            "protected": name in repo.protected_branches,
        }
        for name in page
    ]
    return Response(200, body, headers)


@route("GET", "/repos/{owner}/{repo}/branches/{branch+}")
def get_branch(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    name = params["branch"]
    if repo.branch_sha(name) is None:
        raise not_found(
            "Branch not found", "https://docs.github.com/rest/branches/branches#get-a-branch"
        )
    return Response(200, shapes_git.branch(ctx.urls, repo, name, name in repo.protected_branches))


# ---- refs ---------------------------------------------------------------------------------
@route("GET", "/repos/{owner}/{repo}/git/ref/{ref+}")
def get_ref(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    ref = f"refs/{params['ref']}"
    if ref not in repo.refs:
        raise not_found(docs=f"{REFS_DOCS}#get-a-reference")
    return Response(200, shapes_git.git_ref(ctx.urls, repo, ref))


def _matching(ctx: Context, request: Request, repo: Repo, prefix: str) -> Response:
    refs = sorted(ref for ref in repo.refs if ref.startswith(prefix))
    page, headers = paginate(request, refs, ctx.urls)
    return Response(200, [shapes_git.git_ref(ctx.urls, repo, ref) for ref in page], headers)


@route("GET", "/repos/{owner}/{repo}/git/matching-refs/{ref*}")
def matching_refs(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    return _matching(ctx, request, repo, f"refs/{params['ref']}")


@route("GET", "/repos/{owner}/{repo}/git/refs")
def list_refs(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    return _matching(ctx, request, ctx.repo(params), "refs/")


@route("GET", "/repos/{owner}/{repo}/git/refs/{ref+}")
def legacy_refs(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    """The legacy form: the ref on an exact match, else an array of prefix matches, else 404."""
    repo = ctx.repo(params)
    ref = f"refs/{params['ref']}"
    if ref in repo.refs:
        return Response(200, shapes_git.git_ref(ctx.urls, repo, ref))
    if not any(r.startswith(ref) for r in repo.refs):
        raise not_found(docs=f"{REFS_DOCS}#get-a-reference")
    return _matching(ctx, request, repo, ref)


def _commit_sha(repo: Repo, sha: Any, anchor: str) -> str:
    if not isinstance(sha, str) or sha not in repo.store or repo.store.kind(sha) != "commit":
        raise _refs_error("Object does not exist", anchor)
    return sha


@route("POST", "/repos/{owner}/{repo}/git/refs")
def create_ref(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "push")
    body = _body(request)
    ref = body.get("ref")
    if not isinstance(ref, str) or not ref.startswith("refs/") or ref.count("/") < 2:
        raise _refs_error(
            "Reference name must contain at least three slash-separated components.",
            "create-a-reference",
        )
    if not repo.refs:
        raise _refs_error("Git Repository is empty.", "create-a-reference", 409)
    sha = _commit_sha(repo, body.get("sha"), "create-a-reference")
    if ref in repo.refs:
        raise _refs_error("Reference already exists", "create-a-reference")
    repo.refs[ref] = sha
    data = shapes_git.git_ref(ctx.urls, repo, ref)
    return Response(201, data, {"Location": data["url"]})


@route("PATCH", "/repos/{owner}/{repo}/git/refs/{ref+}")
def update_ref(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "push")
    body = _body(request)
    ref = f"refs/{params['ref']}"
    if ref not in repo.refs:
        raise _refs_error("Reference does not exist", "update-a-reference")
    sha = _commit_sha(repo, body.get("sha"), "update-a-reference")
    if not body.get("force") and not repo.store.is_ancestor(repo.refs[ref], sha):
        raise _refs_error("Update is not a fast forward", "update-a-reference")
    repo.refs[ref] = sha
    repo.pushed_at = ctx.world.now()
    return Response(200, shapes_git.git_ref(ctx.urls, repo, ref))


@route("DELETE", "/repos/{owner}/{repo}/git/refs/{ref+}")
def delete_ref(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "push")
    ref = f"refs/{params['ref']}"
    if ref not in repo.refs:
        raise _refs_error("Reference does not exist", "delete-a-reference")
    if ref == f"refs/heads/{repo.default_branch}":
        raise _refs_error("Cannot delete the default branch", "delete-a-reference")
    if ref.startswith("refs/heads/"):
        close_pulls_of_branch(ctx, repo, ref[len("refs/heads/") :])
    del repo.refs[ref]
    return Response(204)


# ---- blobs, trees, commits ----------------------------------------------------------------
@route("POST", "/repos/{owner}/{repo}/git/blobs")
def create_blob(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "push")
    body = _body(request)
    content, encoding = body.get("content"), body.get("encoding") or "utf-8"
    if not isinstance(content, str):
        raise ApiError(422, 'Invalid request.\n\n"content" wasn\'t supplied.')
    try:
        data = (
            base64.b64decode(content, validate=False)
            if encoding == "base64"
            else content.encode(encoding)
        )
    except (LookupError, UnicodeError, binascii.Error) as error:
        raise ApiError(422, f"Invalid request.\n\n{error}") from error
    sha = repo.store.put_blob(data)
    url = ctx.urls.repo(repo, f"/git/blobs/{sha}")
    return Response(201, {"sha": sha, "url": url}, {"Location": url})


@route("GET", "/repos/{owner}/{repo}/git/blobs/{sha}")
def get_blob(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    sha = params["sha"]
    if sha not in repo.store or repo.store.kind(sha) != "blob":
        raise not_found()
    return Response(200, shapes_git.git_blob(ctx.urls, repo, sha))


def _tree_change(repo: Repo, item: Any) -> tuple[str, TreeEntry | None]:
    if not isinstance(item, dict) or not isinstance(item.get("path"), str):
        raise ApiError(422, "Invalid tree info")
    path, mode = item["path"], item.get("mode")
    if path.startswith("/") or path.endswith("/") or "//" in path:
        raise ApiError(422, "tree.path contains a malformed path component")
    if mode not in TYPE_FOR_MODE:
        raise ApiError(422, f"tree.mode '{mode}' is not valid")
    kind = item.get("type") or TYPE_FOR_MODE[mode]
    if kind != TYPE_FOR_MODE[mode]:
        raise ApiError(422, f"tree.type '{kind}' does not match mode '{mode}'")
    if "content" in item and item["content"] is not None:
        if kind != "blob":
            raise ApiError(422, "tree.content can only be set for blobs")
        return path, TreeEntry(
            path, mode, "blob", repo.store.put_blob(str(item["content"]).encode())
        )
    if "sha" not in item:
        raise ApiError(422, "Must supply either tree.sha or tree.content")
    sha = item["sha"]
    if sha is None:
        return path, None
    if kind != "commit" and (sha not in repo.store or repo.store.kind(sha) != kind):
        raise ApiError(422, f"tree.sha {sha} is not a valid {kind}")
    return path, TreeEntry(path, MODE_TREE if kind == "tree" else mode, kind, sha)


@route("POST", "/repos/{owner}/{repo}/git/trees")
def create_tree(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "push")
    body = _body(request)
    items = body.get("tree")
    if not isinstance(items, list):
        raise ApiError(422, 'Invalid request.\n\n"tree" wasn\'t supplied.')
    base = body.get("base_tree")
    base_tree: str | None = None
    if base is not None:
        try:
            base_tree = repo.store.tree_sha(base)
        except KeyError:
            raise ApiError(422, "base_tree is not a valid tree oid") from None
    sha = repo.store.edit_tree(base_tree, [_tree_change(repo, item) for item in items])
    data = shapes_git.git_tree(ctx.urls, repo, sha)
    return Response(201, data, {"Location": data["url"]})


@route("GET", "/repos/{owner}/{repo}/git/trees/{sha+}")
def get_tree(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    name = params["sha"]
    treeish = name if name in repo.store else repo.resolve(name)
    try:
        sha = repo.store.tree_sha(treeish or "")
    except KeyError:
        raise not_found() from None
    recursive = request.param("recursive") not in (None, "", "0", "false")
    return Response(200, shapes_git.git_tree(ctx.urls, repo, sha, recursive=recursive))


@route("POST", "/repos/{owner}/{repo}/git/commits")
def create_commit(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "push")
    body = _body(request)
    message, tree, parents = body.get("message"), body.get("tree"), body.get("parents", [])
    if not isinstance(message, str):
        raise ApiError(422, 'Invalid request.\n\n"message" wasn\'t supplied.')
    if not isinstance(tree, str) or tree not in repo.store or repo.store.kind(tree) != "tree":
        raise ApiError(422, "Tree SHA does not exist")
    if not isinstance(parents, list) or any(
        not isinstance(p, str) or p not in repo.store or repo.store.kind(p) != "commit"
        for p in parents
    ):
        raise ApiError(422, "Parent SHA does not exist or is not a commit object")
    author = signature_from(ctx, body.get("author")) or ctx.world.signature()
    committer = signature_from(ctx, body.get("committer")) or author
    commit = Commit(tree, tuple(parents), author, committer, message)
    sha = repo.store.put_commit(commit)
    data = shapes_git.git_commit(ctx.urls, repo, sha, commit)
    return Response(201, data, {"Location": data["url"]})


@route("GET", "/repos/{owner}/{repo}/git/commits/{sha}")
def get_commit(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    sha = params["sha"]
    if not SHA.match(sha) or sha not in repo.store or repo.store.kind(sha) != "commit":
        raise not_found()
    return Response(200, shapes_git.git_commit(ctx.urls, repo, sha, repo.store.commit(sha)))
