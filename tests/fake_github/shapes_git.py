"""JSON shapes of contents, git objects, refs, branches and workflows."""

from __future__ import annotations

import base64
from urllib.parse import quote

from fake_github.gitstore import Commit, Signature, TreeEntry
from fake_github.shapes import Json, Urls, node_id
from fake_github.state import Repo

CONTENT_TYPES = {"blob": "file", "tree": "dir", "commit": "submodule"}


def wrapped_base64(data: bytes) -> str:
    """Base64 with a newline after every 60 characters, as the contents API sends it."""
    text = base64.b64encode(data).decode()
    return "".join(text[i : i + 60] + "\n" for i in range(0, len(text), 60))


def content_type(entry: TreeEntry) -> str:
    if entry.mode == "120000":
        return "symlink"
    return CONTENT_TYPES[entry.type]


def content_entry(u: Urls, repo: Repo, path: str, entry: TreeEntry, ref: str) -> Json:
    """A directory-listing entry (no `content`): the shape of GET …/contents/{dir} items."""
    kind = content_type(entry)
    url = u.repo(repo, f"/contents/{quote(path)}?ref={quote(ref, safe='')}")
    is_tree = entry.type == "tree"
    git_url = u.repo(repo, f"/git/{'trees' if is_tree else 'blobs'}/{entry.sha}")
    html_url = u.repo_web(repo, f"/{'tree' if is_tree else 'blob'}/{ref}/{quote(path)}")
    size = len(repo.store.blob(entry.sha).data) if entry.type == "blob" else 0
    download = (
        f"{u.raw}/{repo.full_name}/{quote(ref, safe='')}/{quote(path)}" if kind == "file" else None
    )
    return {
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": entry.sha,
        "size": size,
        "url": url,
        "html_url": html_url,
        "git_url": git_url,
        "download_url": download,
        "type": kind,
        "_links": {"self": url, "git": git_url, "html": html_url},
    }


def content_file(u: Urls, repo: Repo, path: str, entry: TreeEntry, ref: str) -> Json:
    """GET …/contents/{file}: the entry plus base64 `content`."""
    data = content_entry(u, repo, path, entry, ref)
    blob = repo.store.blob(entry.sha).data
    data["content"] = wrapped_base64(blob)
    data["encoding"] = "base64"
    if data["type"] == "symlink":
        data["target"] = blob.decode(errors="replace")
    return data


def signature(who: Signature) -> Json:
    return {"name": who.name, "email": who.email, "date": who.date}


def git_commit(u: Urls, repo: Repo, sha: str, commit: Commit) -> Json:
    """GET/POST …/git/commits: the git-data view of a commit."""
    return {
        "sha": sha,
        "node_id": node_id("Commit", int(sha[:8], 16)),
        "url": u.repo(repo, f"/git/commits/{sha}"),
        "html_url": u.repo_web(repo, f"/commit/{sha}"),
        "author": signature(commit.author),
        "committer": signature(commit.committer),
        "tree": {"sha": commit.tree, "url": u.repo(repo, f"/git/trees/{commit.tree}")},
        "message": commit.message,
        "parents": [
            {
                "sha": parent,
                "url": u.repo(repo, f"/git/commits/{parent}"),
                "html_url": u.repo_web(repo, f"/commit/{parent}"),
            }
            for parent in commit.parents
        ],
        "verification": {
            "verified": False,
            "reason": "unsigned",
            "signature": None,
            "payload": None,
            "verified_at": None,
        },
    }


def tree_entry(u: Urls, repo: Repo, path: str, entry: TreeEntry) -> Json:
    data: Json = {"path": path, "mode": entry.mode, "type": entry.type, "sha": entry.sha}
    if entry.type == "blob":
        data["size"] = len(repo.store.blob(entry.sha).data)
        data["url"] = u.repo(repo, f"/git/blobs/{entry.sha}")
    elif entry.type == "tree":
        data["url"] = u.repo(repo, f"/git/trees/{entry.sha}")
    return data


def git_tree(u: Urls, repo: Repo, sha: str, *, recursive: bool = False) -> Json:
    if recursive:
        entries = [tree_entry(u, repo, path, entry) for path, entry in repo.store.walk(sha)]
    else:
        entries = [tree_entry(u, repo, e.name, e) for e in repo.store.tree(sha).entries]
    return {
        "sha": sha,
        "url": u.repo(repo, f"/git/trees/{sha}"),
        "tree": entries,
        "truncated": False,
    }


def git_blob(u: Urls, repo: Repo, sha: str) -> Json:
    data = repo.store.blob(sha).data
    return {
        "sha": sha,
        "node_id": node_id("Blob", int(sha[:8], 16)),
        "size": len(data),
        "url": u.repo(repo, f"/git/blobs/{sha}"),
        "content": wrapped_base64(data),
        "encoding": "base64",
    }


def git_ref(u: Urls, repo: Repo, ref: str) -> Json:
    sha = repo.refs[ref]
    return {
        "ref": ref,
        "node_id": base64.b64encode(f"REF_{repo.id}:{ref}".encode()).decode(),
        "url": u.repo(repo, f"/git/{ref}"),
        "object": {"sha": sha, "type": "commit", "url": u.repo(repo, f"/git/commits/{sha}")},
    }


def branch(u: Urls, repo: Repo, name: str, protected: bool) -> Json:
    sha = repo.refs[f"refs/heads/{name}"]
    commit = repo.store.commit(sha)
    self_url = u.repo(repo, f"/branches/{name}")
    return {
        "name": name,
        "commit": {
            "sha": sha,
            "node_id": node_id("Commit", int(sha[:8], 16)),
            "commit": {
                "author": signature(commit.author),
                "committer": signature(commit.committer),
                "message": commit.message,
                "tree": {"sha": commit.tree, "url": u.repo(repo, f"/git/trees/{commit.tree}")},
                "url": u.repo(repo, f"/git/commits/{sha}"),
                "comment_count": 0,
                "verification": {
                    "verified": False,
                    "reason": "unsigned",
                    "signature": None,
                    "payload": None,
                },
            },
            "url": u.repo(repo, f"/commits/{sha}"),
            "html_url": u.repo_web(repo, f"/commit/{sha}"),
            "comments_url": u.repo(repo, f"/commits/{sha}/comments"),
            "author": None,
            "committer": None,
            "parents": [
                {
                    "sha": p,
                    "url": u.repo(repo, f"/commits/{p}"),
                    "html_url": u.repo_web(repo, f"/commit/{p}"),
                }
                for p in commit.parents
            ],
        },
        "_links": {"self": self_url, "html": u.repo_web(repo, f"/tree/{name}")},
        "protected": protected,
        "protection": {
            "enabled": protected,
            "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []},
        },
        "protection_url": f"{self_url}/protection",
    }


def workflow(u: Urls, repo: Repo, workflow_id: int, path: str, name: str, created_at: str) -> Json:
    return {
        "id": workflow_id,
        "node_id": node_id("Workflow", workflow_id),
        "name": name,
        "path": path,
        "state": "active",
        "created_at": created_at,
        "updated_at": created_at,
        "url": u.repo(repo, f"/actions/workflows/{workflow_id}"),
        "html_url": u.repo_web(repo, f"/blob/{repo.default_branch}/{path}"),
        "badge_url": u.repo_web(repo, f"/workflows/{quote(name)}/badge.svg"),
    }
