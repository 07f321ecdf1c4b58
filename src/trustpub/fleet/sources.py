"""Where repositories come from: PATH arguments and a repos file, expanded into checkouts.

A checkout is a directory with `.git` or `.github/workflows`. Discovery never descends into a
checkout, into `node_modules`, or through a symlinked directory (so it never leaves the tree).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from trustpub.checkout import is_checkout

SKIPPED_DIRECTORIES = frozenset({"node_modules", ".git"})


class RepoListError(Exception):
    """A repos file that cannot be read: a usage error, not a repository's failure."""


@dataclass(frozen=True, slots=True)  # a fleet holds thousands
class Target:
    """One repository to run: a checkout, or only some of its workflow files."""

    root: Path  # absolute
    only: tuple[Path, ...] | None = None  # just these files, or every workflow file
    problem: str | None = None  # why it cannot be run at all (it fails with this message)


def read_repos_file(name: str) -> list[str]:
    """Paths listed one per line (`-` reads stdin); blank lines and `#` comments are ignored."""
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RepoListError(f"cannot read the repos file {name}: {error}") from None
    entries = (line.strip() for line in text.splitlines())
    return [entry for entry in entries if entry and not entry.startswith("#")]


def targets(paths: Iterable[Path], listed: Iterable[str] = ()) -> list[Target]:
    """Every repository the arguments and the repos file name, once each, sorted by path."""
    whole: dict[Path, Target] = {}
    files: dict[Path, list[Path]] = {}
    for target in _expand([*paths, *(Path(entry) for entry in listed)]):
        if target.only is None:
            whole[target.root] = target
        else:
            files.setdefault(target.root, []).extend(target.only)
    for root, only in files.items():
        if root not in whole:
            whole[root] = Target(root, tuple(sorted(set(only))))
    return [whole[root] for root in sorted(whole, key=lambda root: root.parts)]  # Path's order


def is_fleet(paths: Iterable[Path]) -> bool:
    """True when a PATH is a directory holding checkouts rather than a checkout or a file."""
    return any(path.is_dir() and not is_checkout(path) for path in paths)


def repository_root(path: Path) -> Path:
    """The checkout a workflow file belongs to (the directory above `.github/`)."""
    for parent in path.parents:
        if parent.name == ".github":
            return parent.parent
    return path.parent


def checkouts_below(directory: Path) -> Iterator[Path]:
    """Checkouts under `directory`, without following symlinked directories."""
    stack = [str(directory)]  # paths as text: a fleet has thousands, and pathlib is slow
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as entries:
                children = sorted(  # siblings: by name, as Path sorts them
                    entry.path
                    for entry in entries
                    if entry.name not in SKIPPED_DIRECTORIES and entry.is_dir(follow_symlinks=False)
                )
        except OSError:
            continue  # an unreadable directory holds no checkout we could read
        below: list[str] = []
        for child in children:
            if is_checkout(child):
                yield Path(child)
            else:
                below.append(child)
        stack.extend(reversed(below))


def _expand(paths: list[Path]) -> Iterator[Target]:
    for path in paths:
        absolute = Path(os.path.abspath(path))
        if not os.path.lexists(absolute):
            yield Target(absolute, problem="does not exist")
        elif absolute.is_file():
            yield Target(repository_root(absolute), (absolute,))
        elif is_checkout(absolute):
            yield Target(absolute)
        elif absolute.is_dir():
            yield from (Target(root) for root in checkouts_below(absolute))
        else:
            yield Target(absolute, problem="is neither a file nor a directory")
