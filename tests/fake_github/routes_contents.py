"""The contents API (read, create/update, delete), the readme, and raw file downloads."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import quote, unquote, urlencode

from fake_github import shapes_git
from fake_github.gitstore import TreeEntry
from fake_github.router import ApiError, Context, Request, Response, not_found, route
from fake_github.routes_git import signature_from
from fake_github.state import Repo

CONTENTS_DOCS = "https://docs.github.com/rest/repos/contents"


def _resolve(repo: Repo, ref: str | None) -> tuple[str, str]:
    """(commit sha, ref name for URLs) for `ref`, or for the default branch."""
    if not repo.refs:
        raise not_found("This repository is empty.", f"{CONTENTS_DOCS}#get-repository-content")
    name = ref or repo.default_branch
    sha = repo.resolve(name)
    if sha is None:
        raise not_found(
            f"No commit found for the ref {name}", f"{CONTENTS_DOCS}#get-repository-content"
        )
    return sha, name


def _listing(
    ctx: Context, repo: Repo, path: str, entry: TreeEntry, ref: str
) -> list[dict[str, Any]]:
    prefix = f"{path}/" if path else ""
    return [
        shapes_git.content_entry(ctx.urls, repo, prefix + child.name, child, ref)
        for child in repo.store.tree(entry.sha).entries
    ]


@route("GET", "/repos/{owner}/{repo}/contents/{path*}")
def get_contents(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    path = params["path"]
    if path.endswith("/") and path.strip("/"):
        # GitHub answers a trailing slash with a 302 to the canonical id form (Issue174 recording)
        location = ctx.urls.api(
            f"/repositories/{repo.id}/contents/{request.path.split('/contents/', 1)[1].rstrip('/')}"
        )
        location += f"?{urlencode(request.query)}" if request.query else ""
        return Response(302, None, {"Location": location})
    sha, ref = _resolve(repo, request.param("ref"))
    path = path.strip("/")
    entry = repo.store.lookup(repo.store.commit(sha).tree, path)
    if entry is None:
        raise not_found(docs=f"{CONTENTS_DOCS}#get-repository-content")
    if entry.type == "tree":
        return Response(200, _listing(ctx, repo, path, entry, ref))
    if entry.type == "commit":
        data = shapes_git.content_entry(ctx.urls, repo, path, entry, ref)
        data["submodule_git_url"] = None
        return Response(200, data)
    return Response(200, shapes_git.content_file(ctx.urls, repo, path, entry, ref))


@route("GET", "/repos/{owner}/{repo}/readme")
def get_readme(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    sha, ref = _resolve(repo, request.param("ref"))
    for entry in repo.store.tree(repo.store.commit(sha).tree).entries:
        if entry.type == "blob" and entry.name.lower().split(".")[0] == "readme":
            return Response(200, shapes_git.content_file(ctx.urls, repo, entry.name, entry, ref))
    raise not_found(docs=f"{CONTENTS_DOCS}#get-a-repository-readme")


def _missing(field: str) -> ApiError:
    return ApiError(
        422, f'Invalid request.\n\n"{field}" wasn\'t supplied.', documentation_url=CONTENTS_DOCS
    )


def _target_branch(repo: Repo, body: dict[str, Any]) -> str:
    branch = body.get("branch") or repo.default_branch
    if not isinstance(branch, str):
        raise ApiError(422, "Invalid request.\n\nFor 'properties/branch', it is not a string.")
    if repo.branch_sha(branch) is None and not (not repo.refs and branch == repo.default_branch):
        raise not_found(f"Branch {branch} not found", CONTENTS_DOCS)
    return branch


def _check_sha(
    repo: Repo, branch: str, path: str, body: dict[str, Any], required: bool
) -> TreeEntry | None:
    head = repo.branch_sha(branch)
    current = repo.store.lookup(repo.store.commit(head).tree, path) if head else None
    if current is not None and current.type == "tree":
        raise ApiError(
            422, f"Invalid request.\n\n{path} is a directory.", documentation_url=CONTENTS_DOCS
        )
    if current is None:
        if required:
            raise not_found(docs=CONTENTS_DOCS)
        return None
    sha = body.get("sha")
    if sha is None:
        raise _missing("sha")
    if sha != current.sha:
        raise ApiError(409, f"{path} does not match {sha}", documentation_url=CONTENTS_DOCS)
    return current


def _commit(
    ctx: Context, repo: Repo, branch: str, path: str, content: bytes | None, body: dict[str, Any]
) -> str:
    message = body.get("message")
    author = signature_from(ctx, body.get("author"))
    committer = signature_from(ctx, body.get("committer"))
    return ctx.world.commit_changes(
        repo, branch, [(path, content)], str(message), author or committer, committer or author
    )


@route("PUT", "/repos/{owner}/{repo}/contents/{path+}")
def put_contents(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "push")
    body = request.body if isinstance(request.body, dict) else {}
    path = params["path"].strip("/")
    for field in ("message", "content"):
        if not isinstance(body.get(field), str):
            raise _missing(field)
    try:
        content = base64.b64decode(body["content"], validate=True)
    except binascii.Error:
        raise ApiError(
            422, "content is not valid Base64", documentation_url=CONTENTS_DOCS
        ) from None
    branch = _target_branch(repo, body)
    existing = _check_sha(repo, branch, path, body, required=False)
    sha = _commit(ctx, repo, branch, path, content, body)
    entry = repo.store.lookup(repo.store.commit(sha).tree, path)
    assert entry is not None
    data = {
        "content": shapes_git.content_entry(ctx.urls, repo, path, entry, branch),
        "commit": shapes_git.git_commit(ctx.urls, repo, sha, repo.store.commit(sha)),
    }
    if existing:
        return Response(200, data)
    return Response(201, data, {"Location": ctx.urls.repo(repo, f"/contents/{quote(path)}")})


@route("DELETE", "/repos/{owner}/{repo}/contents/{path+}")
def delete_contents(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "push")
    body = request.body if isinstance(request.body, dict) else {}
    path = params["path"].strip("/")
    if not isinstance(body.get("message"), str):
        raise _missing("message")
    branch = _target_branch(repo, body)
    _check_sha(repo, branch, path, body, required=True)
    sha = _commit(ctx, repo, branch, path, None, body)
    commit = shapes_git.git_commit(ctx.urls, repo, sha, repo.store.commit(sha))
    return Response(200, {"content": None, "commit": commit})


@route("GET", "/_raw/{owner}/{repo}/{ref}/{path+}")
def raw_file(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    """download_url targets: the file's bytes, like raw.githubusercontent.com."""
    repo = ctx.world.repo(params["owner"], params["repo"])
    sha = repo.resolve(unquote(params["ref"])) if repo else None
    entry = repo.store.lookup(repo.store.commit(sha).tree, params["path"]) if repo and sha else None
    if repo is None or entry is None or entry.type != "blob":
        return Response(404, None, {"Content-Type": "text/plain"}, raw=b"404: Not Found")
    return Response(
        200,
        None,
        {"Content-Type": "text/plain; charset=utf-8"},
        raw=repo.store.blob(entry.sha).data,
    )
