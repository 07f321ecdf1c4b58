"""A git object store with real SHA-1 object ids (blobs, trees, commits).

Objects are hashed in git's canonical forms, so the ids agree with `git hash-object` and an
unchanged tree always gets the same sha. Forks share one store, as a GitHub fork network does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

MODE_FILE = "100644"
MODE_EXECUTABLE = "100755"
MODE_SYMLINK = "120000"
MODE_TREE = "040000"
MODE_SUBMODULE = "160000"
TYPE_FOR_MODE = {
    MODE_FILE: "blob",
    MODE_EXECUTABLE: "blob",
    MODE_SYMLINK: "blob",
    MODE_TREE: "tree",
    MODE_SUBMODULE: "commit",
}
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


@dataclass(frozen=True)
class Blob:
    data: bytes


@dataclass(frozen=True)
class TreeEntry:
    name: str
    mode: str
    type: str
    sha: str


@dataclass(frozen=True)
class Tree:
    entries: tuple[TreeEntry, ...]


@dataclass(frozen=True)
class Signature:
    name: str
    email: str
    date: str  # ISO 8601, as the API shows it


@dataclass(frozen=True)
class Commit:
    tree: str
    parents: tuple[str, ...]
    author: Signature
    committer: Signature
    message: str


GitObject = Blob | Tree | Commit


def _hash(kind: str, payload: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(payload)}\0".encode() + payload).hexdigest()


def _sort_key(entry: TreeEntry) -> bytes:
    # git orders a tree as if every subtree name ended with "/"
    return entry.name.encode() + (b"/" if entry.type == "tree" else b"")


def _git_timestamp(iso: str) -> str:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "-" if minutes < 0 else "+"
    return f"{int(moment.timestamp())} {sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


class ObjectStore:
    """Content-addressed storage; `KeyError` for an unknown sha."""

    def __init__(self) -> None:
        self.objects: dict[str, GitObject] = {}
        self.put_tree([])

    def __contains__(self, sha: object) -> bool:
        return sha in self.objects

    def put_blob(self, data: bytes) -> str:
        sha = _hash("blob", data)
        self.objects[sha] = Blob(data)
        return sha

    def put_tree(self, entries: Iterable[TreeEntry]) -> str:
        ordered = tuple(sorted(entries, key=_sort_key))
        payload = b"".join(
            f"{e.mode.lstrip('0')} {e.name}".encode() + b"\0" + bytes.fromhex(e.sha)
            for e in ordered
        )
        sha = _hash("tree", payload)
        self.objects[sha] = Tree(ordered)
        return sha

    def put_commit(self, commit: Commit) -> str:
        lines = [f"tree {commit.tree}"]
        lines += [f"parent {parent}" for parent in commit.parents]
        for role, who in (("author", commit.author), ("committer", commit.committer)):
            lines.append(f"{role} {who.name} <{who.email}> {_git_timestamp(who.date)}")
        sha = _hash("commit", ("\n".join(lines) + "\n\n" + commit.message).encode())
        self.objects[sha] = commit
        return sha

    def blob(self, sha: str) -> Blob:
        obj = self.objects[sha]
        if not isinstance(obj, Blob):
            raise KeyError(sha)
        return obj

    def tree(self, sha: str) -> Tree:
        obj = self.objects[sha]
        if not isinstance(obj, Tree):
            raise KeyError(sha)
        return obj

    def commit(self, sha: str) -> Commit:
        obj = self.objects[sha]
        if not isinstance(obj, Commit):
            raise KeyError(sha)
        return obj

    def kind(self, sha: str) -> str:
        return {Blob: "blob", Tree: "tree", Commit: "commit"}[type(self.objects[sha])]

    def tree_sha(self, treeish: str) -> str:
        """The tree of a commit, or the tree itself (GitHub accepts both as tree-ish)."""
        obj = self.objects[treeish]
        if isinstance(obj, Commit):
            return obj.tree
        if isinstance(obj, Tree):
            return treeish
        raise KeyError(treeish)

    def lookup(self, tree_sha: str, path: str) -> TreeEntry | None:
        """The entry at `path` below a tree; the root itself for an empty path."""
        entry = TreeEntry("", MODE_TREE, "tree", tree_sha)
        for part in [p for p in path.split("/") if p]:
            if entry.type != "tree":
                return None
            entry_by_name = {e.name: e for e in self.tree(entry.sha).entries}
            if part not in entry_by_name:
                return None
            entry = entry_by_name[part]
        return entry

    def walk(self, tree_sha: str, prefix: str = "") -> Iterator[tuple[str, TreeEntry]]:
        """Every entry below a tree, depth first, with its full path."""
        for entry in self.tree(tree_sha).entries:
            path = f"{prefix}{entry.name}"
            yield path, entry
            if entry.type == "tree":
                yield from self.walk(entry.sha, path + "/")

    def files(self, tree_sha: str) -> dict[str, bytes]:
        return {
            path: self.blob(entry.sha).data
            for path, entry in self.walk(tree_sha)
            if entry.type == "blob"
        }

    def edit_tree(
        self, base_tree: str | None, changes: Iterable[tuple[str, TreeEntry | None]]
    ) -> str:
        """Apply (path, entry-or-None) changes to a tree; None deletes. Empty subtrees vanish."""
        root: str | None = base_tree
        for path, entry in changes:
            parts = [p for p in path.split("/") if p]
            root = self._edit(root, parts, entry)
        return root if root is not None else EMPTY_TREE

    def _edit(self, tree_sha: str | None, parts: list[str], entry: TreeEntry | None) -> str | None:
        entries = {e.name: e for e in self.tree(tree_sha).entries} if tree_sha else {}
        name = parts[0]
        if len(parts) == 1:
            if entry is None:
                entries.pop(name, None)
            else:
                entries[name] = TreeEntry(name, entry.mode, entry.type, entry.sha)
        else:
            child = entries.get(name)
            child_tree = child.sha if child is not None and child.type == "tree" else None
            new_child = self._edit(child_tree, parts[1:], entry)
            if new_child is None:
                entries.pop(name, None)
            else:
                entries[name] = TreeEntry(name, MODE_TREE, "tree", new_child)
        if not entries:
            return None
        return self.put_tree(entries.values())

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """True when `ancestor` is `descendant` or reachable through its parents."""
        seen: set[str] = set()
        pending = [descendant]
        while pending:
            sha = pending.pop()
            if sha == ancestor:
                return True
            if sha in seen or sha not in self.objects:
                continue
            seen.add(sha)
            obj = self.objects[sha]
            if isinstance(obj, Commit):
                pending.extend(obj.parents)
        return False
