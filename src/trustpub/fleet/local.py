"""A local checkout as a source (read its workflows) and a sink (write changed files)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from trustpub.checkout import (
    CheckoutError,
    Found,
    WorkflowFile,
    find_workflows,
    github_repository,
    read_workflow,
    write_atomically,
)
from trustpub.fleet.sources import repository_root
from trustpub.project import directory_reader
from trustpub.repository import RepositoryResult, migrate_repository
from trustpub.rewrite.prefilter import may_publish
from trustpub.rewrite.result import Failure, Options, RewriteResult, Status

__all__ = [
    "CheckoutFiles",
    "CheckoutRun",
    "apply_changes",
    "migrate_checkout",
    "migrate_files",
    "read_checkout",
    "repository_root",
]


@dataclass(frozen=True)
class CheckoutRun:
    root: Path
    result: RepositoryResult
    files: dict[str, WorkflowFile]  # what was read, by repository-relative path
    github: str | None


@dataclass(frozen=True)
class CheckoutFiles:
    """A checkout's workflow files as read: their texts, and those that could not be read."""

    root: Path
    texts: dict[str, str]
    files: dict[str, WorkflowFile]
    unreadable: tuple[RewriteResult, ...]

    @property
    def may_publish(self) -> bool:
        """False when no file can hold an upload (the engine's pre-filter)."""
        return any(may_publish(text) for text in self.texts.values())


def read_checkout(root: Path, only: list[Path] | None = None) -> CheckoutFiles:
    """Read a checkout's workflow files (or just `only`)."""
    texts: dict[str, str] = {}
    files: dict[str, WorkflowFile] = {}
    unreadable: list[RewriteResult] = []
    listed = find_workflows(root) if only is None else [Found(p, None) for p in only]
    for path, linked in ((f.path, f.linked) for f in listed):
        try:
            file = read_workflow(root, path, linked)
        except CheckoutError as error:
            relative = _relative(root, path)
            failure = Failure(1, str(error).removeprefix(f"{relative}: "))
            unreadable.append(RewriteResult(relative, "", "", Status.FAILED, failure=failure))
            continue
        texts[file.relative] = file.text
        files[file.relative] = file
    return CheckoutFiles(root, texts, files, tuple(unreadable))


def migrate_checkout(
    root: Path,
    only: list[Path] | None = None,
    options: Options | None = None,
    project: str | None = None,
    github: str | None = None,
    ignore: tuple[str, ...] = (),
    remote: bool = True,
) -> CheckoutRun:
    """Read a checkout's workflow files (or just `only`) and run the engine over them."""
    read = read_checkout(root, only)
    return migrate_files(read, options, project, github, ignore, remote)


def migrate_files(
    read: CheckoutFiles,
    options: Options | None = None,
    project: str | None = None,
    github: str | None = None,
    ignore: tuple[str, ...] = (),
    remote: bool = True,
) -> CheckoutRun:
    """Run the engine over a checkout's files as read.

    The `origin` remote (OWNER/REPO) is read from `.git/config` when `remote` says the report
    always shows it, else only when the result has something that names it (publishers to
    register, obsolete secrets to look up on GitHub).
    """
    root = read.root
    result = migrate_repository(
        str(root), read.texts, directory_reader(root), options, project, ignore
    )
    if read.unreadable:
        result = replace(
            result, files=tuple(sorted((*result.files, *read.unreadable), key=lambda f: f.path))
        )
    if github is None and (remote or needs_remote(result)):
        github = github_repository(root)
    return CheckoutRun(root, result, read.files, github)


def needs_remote(result: RepositoryResult) -> bool:
    """Whether a report of `result` names the repository on GitHub (register links, secrets)."""
    return bool(result.obsolete_secrets) or any(f.changed and f.publishers for f in result.files)


def apply_changes(run: CheckoutRun) -> CheckoutRun:
    """Write every changed file atomically; a file that cannot be written fails, others go on."""
    written: list[RewriteResult] = []
    for file in run.result.files:
        if file.changed:
            try:
                write_atomically(run.files[file.path], file.text)
            except CheckoutError as error:
                message = str(error).removeprefix(f"{file.path}: ")
                file = replace(
                    file, status=Status.FAILED, failure=Failure(1, message), text=file.original
                )
        written.append(file)
    return replace(run, result=replace(run.result, files=tuple(written)))


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
