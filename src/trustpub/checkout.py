"""Local checkouts: find workflow files, read them exactly, write them back atomically."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

WORKFLOW_SUFFIXES = (".yml", ".yaml")
_ORIGIN_SECTION = re.compile(r'\[\s*remote\s+"origin"\s*\]', re.IGNORECASE)
_GITHUB_REMOTE = re.compile(
    r"(?:github\.com[:/])(?P<owner>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+?)(?:\.git)?/?$"
)


class CheckoutError(Exception):
    """A file trustpub cannot read or write, with what to do about it."""


@dataclass(frozen=True)
class WorkflowFile:
    path: Path  # absolute
    relative: str  # POSIX path inside the repository
    text: str
    raw: bytes  # the exact bytes read, to detect a change on disk before writing


@dataclass(frozen=True)
class Found:
    """A file to read, and whether a symbolic link is on its way from the repository root (the
    file itself, or a directory between): only then does it need resolving. None: not known."""

    path: Path
    linked: bool | None


def is_checkout(path: str | Path) -> bool:
    return os.path.exists(os.path.join(path, ".git")) or os.path.isdir(
        os.path.join(path, ".github", "workflows")
    )


def find_workflows(root: Path) -> list[Found]:
    """Workflow files GitHub would run, plus composite actions, sorted.

    The repository's directory, `.github` and `.github/workflows` are each read once; whether
    an entry is a symbolic link comes with the listing, so no file costs an `lstat` of its own.
    """
    top = _scan(root)
    found: list[Found] = []
    github = top.get(".github")
    if github is not None and _is_dir(github):
        linked = github.is_symlink()
        inner = _scan(github.path)
        workflows = inner.get("workflows")
        if workflows is not None and _is_dir(workflows):
            through = linked or workflows.is_symlink()
            found += [
                Found(Path(entry.path), through or entry.is_symlink())
                for entry in _scan(workflows.path).values()
                if entry.name.endswith(WORKFLOW_SUFFIXES)
            ]
        actions = inner.get("actions")
        if actions is not None and not actions.is_symlink() and _is_dir(actions):
            found += _composite_actions(actions.path, linked)
    for name in ACTION_FILES:
        entry = top.get(name)
        if entry is not None:
            found.append(Found(Path(entry.path), entry.is_symlink()))
    return sorted(found, key=lambda f: f.path)


ACTION_FILES = ("action.yml", "action.yaml")


def _scan(directory: str | Path) -> dict[str, os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            return {entry.name: entry for entry in entries}
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return {}


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # a symbolic link is followed: one stat, for links only
    except OSError:
        return False


def _composite_actions(directory: str, linked: bool) -> list[Found]:
    """`action.yml`/`action.yaml` anywhere below, never through a symlinked directory."""
    found: list[Found] = []
    pending = [directory]
    while pending:
        for entry in _scan(pending.pop()).values():
            if entry.name in ACTION_FILES:
                found.append(Found(Path(entry.path), linked or entry.is_symlink()))
            elif not entry.is_symlink() and _is_dir(entry):
                pending.append(entry.path)
    return found


def read_workflow(root: Path, path: Path, linked: bool | None = None) -> WorkflowFile:
    """Read a workflow file exactly (BOM and line endings kept), refusing unsafe ones.

    `linked`: whether a symbolic link is on the way from `root` (from the directory listing);
    None to find out here.
    """
    relative = _relative(root, path)
    through = _through_symlink(root, path) if linked is None else linked
    if through and not _inside(root, path.resolve()):
        raise CheckoutError(f"{relative}: a symlink pointing outside the repository; not followed")
    try:
        raw = _read_bytes(path)
    except FileNotFoundError:
        raise CheckoutError(f"{relative}: the file disappeared while it was being read") from None
    except IsADirectoryError:
        raise CheckoutError(f"{relative}: a directory, not a workflow file") from None
    except OSError as error:
        raise CheckoutError(f"{relative}: cannot be read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CheckoutError(
            f"{relative}:{line}: not valid UTF-8 (byte 0x{raw[error.start]:02x}); "
            "GitHub reads workflows as UTF-8: re-save the file as UTF-8"
        ) from None
    return WorkflowFile(path, relative, text, raw)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, read without a buffered file object (a third less than `read_bytes`,
    which a fleet pays for every workflow file) into a buffer of the file's size (reading into
    a large buffer that is then shrunk leaves a worker's memory fragmented)."""
    with open(path, "rb", buffering=0) as file:
        return file.readall()


def write_atomically(file: WorkflowFile, text: str) -> None:
    """Replace the file's contents, keeping its mode; refuse if it changed since it was read."""
    try:
        current = file.path.read_bytes()
    except OSError as error:
        raise CheckoutError(f"{file.relative}: cannot be re-read ({error.strerror})") from None
    if current != file.raw:
        raise CheckoutError(
            f"{file.relative}: changed on disk since trustpub read it; not written. Run again"
        )
    target = file.path.resolve()
    mode = stat.S_IMODE(target.stat().st_mode)
    import tempfile  # only `apply` writes: reading commands do not load it

    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CheckoutError(f"{file.relative}: cannot be written ({error.strerror})") from None


def github_repository(root: Path) -> str | None:
    """OWNER/REPO of the checkout's `origin` remote on github.com, if there is one."""
    try:
        config = (_git_dir(root) / "config").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    url = _origin_url(config)
    found = _GITHUB_REMOTE.search(url) if url else None
    return f"{found['owner']}/{found['repo']}" if found else None


def _origin_url(config: str) -> str | None:
    """`url` of `[remote "origin"]` in a git config (read by hand: configparser is slow)."""
    in_origin = False
    for line in config.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            in_origin = _ORIGIN_SECTION.match(stripped) is not None
        elif in_origin:
            key, equals, value = stripped.partition("=")
            if equals and key.strip().lower() == "url":
                return value.strip().strip('"')
    return None


def _git_dir(root: Path) -> Path:
    git = root / ".git"
    if git.is_file():  # a worktree or submodule: "gitdir: <path>"
        text = git.read_text(encoding="utf-8", errors="replace").strip()
        if text.startswith("gitdir:"):
            return (root / text.removeprefix("gitdir:").strip()).resolve()
    return git


def _relative(root: Path, path: Path) -> str:
    prefix = str(root) + os.sep
    text = str(path)
    if text.startswith(prefix):  # the usual case, without pathlib's cost
        return text[len(prefix) :].replace(os.sep, "/")
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _through_symlink(root: Path, path: Path) -> bool:
    """True when the path, or a directory between it and the root, is a symbolic link."""
    top = len(str(root))
    current = str(path)
    while len(current) > top:
        if os.path.islink(current):
            return True
        parent = os.path.dirname(current)
        if parent == current:
            return False
        current = parent
    return False


def _inside(root: Path, path: Path) -> bool:
    try:
        path.relative_to(root.resolve())
    except ValueError:
        return False
    return True
