"""How a repository's result travels from a worker process to the parent, compactly.

Most of a fleet's files are unchanged with nothing to say: such a file travels as its path alone
(not its text, which no report reads, nor a result object to rebuild), and comes back as an
unchanged result with empty texts. Every other file travels whole.
"""

from __future__ import annotations

from dataclasses import fields, replace

from trustpub.repository import RepositoryResult
from trustpub.rewrite.result import RewriteResult, Status

__all__ = ["pack", "unpack"]

Packed = tuple[RepositoryResult, tuple[int, ...], tuple[str, ...]]


def pack(result: RepositoryResult) -> Packed:
    """The result without its plain files, where they were, and their paths."""
    kept: list[RewriteResult] = []
    where: list[int] = []
    paths: list[str] = []
    for index, file in enumerate(result.files):
        if _plain(file):
            where.append(index)
            paths.append(file.path)
        else:
            kept.append(file)
    return replace(result, files=tuple(kept)), tuple(where), tuple(paths)


def unpack(packed: Packed) -> RepositoryResult:
    result, where, paths = packed
    files = list(result.files)
    for index, path in zip(where, paths, strict=True):
        files.insert(index, RewriteResult(path, "", "", Status.UNCHANGED))
    return replace(result, files=tuple(files))


_PLAIN = RewriteResult("", "", "", Status.UNCHANGED)
_OTHER_FIELDS = tuple(
    f.name for f in fields(RewriteResult) if f.name not in ("path", "original", "text", "status")
)
_DEFAULTS = tuple(getattr(_PLAIN, name) for name in _OTHER_FIELDS)


def _plain(file: RewriteResult) -> bool:
    """Unchanged, and nothing else known about it (every other field at its default)."""
    return (
        file.status is Status.UNCHANGED
        and file.text == file.original
        and tuple(getattr(file, name) for name in _OTHER_FIELDS) == _DEFAULTS
    )
