"""The one `FileReader` that reads the disk: a checkout's files, never anything outside it."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from trustpub.project.names import FileReader


def directory_reader(root: Path) -> FileReader:
    """Read repo-relative paths under `root`; None for anything absent, unreadable or outside."""
    resolved: list[Path] = []  # resolved on the first read through a link: most never need one

    def read(path: str) -> str | None:
        relative = PurePosixPath(path)
        if not path or relative.is_absolute():
            return None
        try:
            target = _plain_file(root, relative.parts)
            if target is None:  # a link or `..` on the way: where does it really lead?
                if not resolved:
                    resolved.append(root.resolve())
                base = resolved[0]
                linked = base.joinpath(*relative.parts).resolve(strict=True)
                if not linked.is_relative_to(base) or not linked.is_file():
                    return None
                target = str(linked)
            elif not target:  # a directory, a device...
                return None
            with open(target, "rb") as file:
                return file.read().decode("utf-8", errors="replace")
        except (OSError, ValueError, RuntimeError):
            return None

    return read


def _plain_file(root: Path, parts: tuple[str, ...]) -> str | None:
    """The file under `root` when no symbolic link and no `..` is on the way (one `lstat` per
    part: the directories above the root are not resolved, as links there move root and file
    alike); "" for a directory or anything else that is not a file; None when the way must be
    resolved."""
    if ".." in parts:
        return None
    current = str(root)
    mode = 0
    for part in parts:
        current = os.path.join(current, part)
        mode = os.lstat(current).st_mode
        if stat.S_ISLNK(mode):
            return None
    return current if stat.S_ISREG(mode) else ""
