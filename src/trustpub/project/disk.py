"""The one `FileReader` that reads the disk: a checkout's files, never anything outside it."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from trustpub.project.names import FileReader


def directory_reader(root: Path) -> FileReader:
    """Read repo-relative paths under `root`; None for anything absent, unreadable or outside."""
    resolved: list[Path] = []  # resolved on the first read: most repositories never need one

    def read(path: str) -> str | None:
        relative = PurePosixPath(path)
        if not path or relative.is_absolute():
            return None
        try:
            if not resolved:
                resolved.append(root.resolve())
            base = resolved[0]
            target = base.joinpath(*relative.parts).resolve(strict=True)
            if not target.is_relative_to(base) or not target.is_file():
                return None
            return target.read_text(encoding="utf-8", errors="replace")
        except (OSError, ValueError, RuntimeError):
            return None

    return read
