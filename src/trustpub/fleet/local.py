"""A local checkout as a source (read its workflows) and a sink (write changed files)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from trustpub.checkout import (
    CheckoutError,
    WorkflowFile,
    github_repository,
    read_workflow,
    workflow_paths,
    write_atomically,
)
from trustpub.fleet.sources import repository_root
from trustpub.project import directory_reader
from trustpub.repository import RepositoryResult, migrate_repository
from trustpub.rewrite.result import Failure, Options, RewriteResult, Status

__all__ = ["CheckoutRun", "apply_changes", "migrate_checkout", "repository_root"]


@dataclass(frozen=True)
class CheckoutRun:
    root: Path
    result: RepositoryResult
    files: dict[str, WorkflowFile]  # what was read, by repository-relative path
    github: str | None


def migrate_checkout(
    root: Path,
    only: list[Path] | None = None,
    options: Options | None = None,
    project: str | None = None,
    github: str | None = None,
    ignore: tuple[str, ...] = (),
) -> CheckoutRun:
    """Read a checkout's workflow files (or just `only`) and run the engine over them."""
    texts: dict[str, str] = {}
    files: dict[str, WorkflowFile] = {}
    unreadable: list[RewriteResult] = []
    for path in only if only is not None else workflow_paths(root):
        try:
            file = read_workflow(root, path)
        except CheckoutError as error:
            relative = _relative(root, path)
            failure = Failure(1, str(error).removeprefix(f"{relative}: "))
            unreadable.append(RewriteResult(relative, "", "", Status.FAILED, failure=failure))
            continue
        texts[file.relative] = file.text
        files[file.relative] = file
    result = migrate_repository(str(root), texts, directory_reader(root), options, project, ignore)
    if unreadable:
        result = replace(
            result, files=tuple(sorted((*result.files, *unreadable), key=lambda f: f.path))
        )
    return CheckoutRun(root, result, files, github or github_repository(root))


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
