"""The fake's git objects in GraphQL: Blob, Tree, TreeEntry and Commit (see graphql_objects.py
for how graphql-core resolves them)."""

from __future__ import annotations

from typing import Any

from fake_github.gitstore import Blob, Commit, Tree, TreeEntry
from fake_github.graphql_base import connection, run_of
from fake_github.shapes import node_id
from fake_github.state import Repo

MODES = {"100644": 0o100644, "100755": 0o100755, "120000": 0o120000, "040000": 0o40000}


class GBlob:
    __typename = "Blob"

    def __init__(self, repo: Repo, oid: str) -> None:
        self.repo, self.oid = repo, oid
        self.abbreviatedOid = oid[:7]
        self.id = node_id("Blob", int(oid[:8], 16))

    @property
    def _data(self) -> bytes:
        return self.repo.store.blob(self.oid).data

    def byteSize(self, info: Any) -> int:
        return len(self._data)

    def isBinary(self, info: Any) -> bool:
        return _binary(self._data)

    def isTruncated(self, info: Any) -> bool:
        return len(self._data) > run_of(info).settings.text_limit

    def text(self, info: Any) -> str | None:
        run = run_of(info)
        run.blobs_read += 1
        data = self._data
        if _binary(data):
            return None
        return data[: run.settings.text_limit].decode("utf-8", errors="ignore")


def _binary(data: bytes) -> bool:
    if b"\0" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


class GTree:
    __typename = "Tree"

    def __init__(self, repo: Repo, oid: str, path: str = "") -> None:
        self.repo, self.oid, self.path = repo, oid, path
        self.abbreviatedOid = oid[:7]
        self.id = node_id("Tree", int(oid[:8], 16))

    def entries(self, info: Any) -> list[GTreeEntry]:
        tree = self.repo.store.tree(self.oid)
        prefix = f"{self.path}/" if self.path else ""
        return [GTreeEntry(self.repo, e, prefix + e.name) for e in tree.entries]


class GTreeEntry:
    __typename = "TreeEntry"

    def __init__(self, repo: Repo, entry: TreeEntry, path: str) -> None:
        self.repo, self.entry, self.path = repo, entry, path
        self.name, self.type, self.oid = entry.name, entry.type, entry.sha
        self.mode = MODES.get(entry.mode, int(entry.mode, 8))
        self.extension = "." + entry.name.rsplit(".", 1)[1] if "." in entry.name else None
        self.isGenerated = False

    def object(self, info: Any) -> GBlob | GTree | GCommit | None:
        return git_object(self.repo, self.oid, self.path)

    def size(self, info: Any) -> int:
        if self.entry.type != "blob":
            return 0
        return len(self.repo.store.blob(self.oid).data)

    def lineCount(self, info: Any) -> int | None:
        if self.entry.type != "blob":
            return None
        return self.repo.store.blob(self.oid).data.count(b"\n")


class GCommit:
    __typename = "Commit"

    def __init__(self, repo: Repo, oid: str) -> None:
        self.repo, self.oid = repo, oid
        self.abbreviatedOid = oid[:7]
        self.id = node_id("Commit", int(oid[:8], 16))
        self.commit: Commit = repo.store.commit(oid)
        self.message = self.commit.message
        headline, _, body = self.message.partition("\n")
        self.messageHeadline = headline
        self.messageBody = body.lstrip("\n")
        self.committedDate = self.commit.committer.date
        self.authoredDate = self.commit.author.date

    def tree(self, info: Any) -> GTree:
        return GTree(self.repo, self.commit.tree)

    def file(self, info: Any, path: str) -> GTreeEntry | None:
        clean = path.strip("/")
        entry = self.repo.store.lookup(self.commit.tree, clean)
        if entry is None or not clean:
            return None
        return GTreeEntry(self.repo, entry, clean)

    def parents(
        self, info: Any, first: int | None = None, after: str | None = None, **_: Any
    ) -> Any:
        nodes = [GCommit(self.repo, sha) for sha in self.commit.parents]
        return connection(nodes, first, after, _.get("last"))

    def author(self, info: Any) -> dict[str, Any]:
        who = self.commit.author
        return {"name": who.name, "email": who.email, "date": who.date, "user": None}

    def committer(self, info: Any) -> dict[str, Any]:
        who = self.commit.committer
        return {"name": who.name, "email": who.email, "date": who.date, "user": None}

    def url(self, info: Any) -> str:
        return run_of(info).ctx.urls.repo_web(self.repo, f"/commit/{self.oid}")


def git_object(repo: Repo, oid: str, path: str = "") -> GBlob | GTree | GCommit | None:
    found = repo.store.objects.get(oid)
    if isinstance(found, Blob):
        return GBlob(repo, oid)
    if isinstance(found, Tree):
        return GTree(repo, oid, path)
    if isinstance(found, Commit):
        return GCommit(repo, oid)
    return None
