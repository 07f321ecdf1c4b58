"""One repository's migration: every workflow file through the engine, one outcome. Pure."""

from __future__ import annotations

import enum
import fnmatch
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from trustpub.project import (
    FileReader,
    ProjectName,
    ProjectNameProblem,
    find_project_name,
    project_name_from_option,
    project_name_from_url,
)
from trustpub.rewrite.document import load_data
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.expressions import referenced_secrets
from trustpub.rewrite.result import Options, RewriteResult, SecretUse, Skip, SkipKind, Status


class Outcome(enum.Enum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    MIGRATED = "migrated"
    SKIPPED = "skipped"
    IGNORED = "ignored"
    FAILED = "failed"


@dataclass(frozen=True)
class ObsoleteSecret:
    """A secret only the removed lines used: delete it after the first trusted publish."""

    name: str
    uses: tuple[tuple[str, SecretUse], ...]  # (workflow path, where it was used)


@dataclass(frozen=True)
class ExistingSecret:
    """A secret (name and dates only: values are never readable) that exists on GitHub."""

    name: str
    scope: str  # "repository", "environment" or "organization"
    where: str  # the repository, "<repo> environment <name>", or the organisation
    updated_at: datetime | None


@dataclass(frozen=True)
class EnvironmentChange:
    """A deployment environment trustpub created or gave required reviewers on GitHub."""

    repository: str
    environment: str
    created: bool
    reviewers_added: tuple[str, ...]


@dataclass(frozen=True)
class GitHubCheck:
    """What trustpub looked up (and changed) on GitHub for a repository, or why it did not."""

    repository: str | None  # OWNER/REPO
    secrets_checked: bool = False  # existing_secrets is the complete answer
    existing_secrets: tuple[ExistingSecret, ...] = ()
    environments: tuple[EnvironmentChange, ...] = ()
    problems: tuple[str, ...] = ()  # one line each: an error, or why a step was not done

    def existing(self, name: str) -> tuple[ExistingSecret, ...]:
        return tuple(s for s in self.existing_secrets if s.name == name.upper())


@dataclass(frozen=True)
class RepositoryResult:
    name: str
    files: tuple[RewriteResult, ...]
    obsolete_secrets: tuple[ObsoleteSecret, ...] = ()
    error: str | None = None  # the repository could not be processed at all
    on_github: GitHubCheck | None = None  # filled in when the command looked at GitHub

    @property
    def outcome(self) -> Outcome:
        statuses = {f.status for f in self.files}
        if self.error or Status.FAILED in statuses:
            return Outcome.FAILED
        for status, outcome in (
            (Status.CHANGED, Outcome.CHANGED),
            (Status.SKIPPED, Outcome.SKIPPED),
            (Status.MIGRATED, Outcome.MIGRATED),
            (Status.IGNORED, Outcome.IGNORED),
        ):
            if status in statuses:
                return outcome
        return Outcome.UNCHANGED

    @property
    def headline(self) -> str:
        """The error, or the first reason something was left alone (a token upload first), in
        one line; "" when there is neither."""
        if self.error:
            return self.error
        for file in self.files:
            if file.failure:
                return f"{file.path}:{file.failure.line}: {file.failure.message}"
        skips = [(file.path, skip) for file in self.files for skip in file.skips]
        for path, skip in sorted(skips, key=lambda item: not item[1].is_finding):
            return f"{path}:{skip.line}: {skip.reason}"
        return ""

    @property
    def changed_files(self) -> tuple[RewriteResult, ...]:
        return tuple(f for f in self.files if f.changed)

    @property
    def token_publishing_remains(self) -> bool:
        """True while a PyPI or TestPyPI token upload is there, migratable or not (uploads to
        other indexes and uploads acknowledged with `# trustpub: ignore` do not count)."""
        return any(f.token_publishing_remains for f in self.files)


def migrate_repository(
    name: str,
    workflows: Mapping[str, str],
    read: FileReader,
    options: Options | None = None,
    project: str | None = None,
    ignore: tuple[str, ...] = (),
) -> RepositoryResult:
    """Run the engine over a repository's workflow files (path -> text); files matching an
    `ignore` glob keep their text, and their token publishing is reported as ignored."""
    lookup = ProjectLookupCache(read, workflows.values(), project)
    results = tuple(
        ignored(rewrite_workflow(text, path, lookup, options), ignore)
        for path, text in sorted(workflows.items())
    )

    def callee(path: str) -> RewriteResult | None:
        """A called workflow's result: one of these files, else read (not reported) for this."""
        if path in by_path:
            return by_path[path]
        text = read(path)
        return None if text is None else rewrite_workflow(text, path, lookup, options)

    by_path = {r.path: r for r in results}
    results = resolve_reusable_calls(results, callee)
    return RepositoryResult(name, results, obsolete_secrets(results))


def ignored(result: RewriteResult, globs: tuple[str, ...]) -> RewriteResult:
    """The result for a file the `ignore` setting names: nothing changed, the gate passes, and
    the report says why (a file with no token publishing is reported as it is)."""
    glob = next((g for g in globs if fnmatch.fnmatchcase(result.path, g)), None)
    if glob is None or not result.token_publishing_remains:
        return result
    reason = f'ignored by the setting ignore = ["{glob}"]'
    skip = Skip(None, 1, reason, kind=SkipKind.IGNORED)
    return RewriteResult(
        result.path, result.original, result.original, Status.IGNORED, skips=(skip,)
    )


def resolve_reusable_calls(
    results: tuple[RewriteResult, ...], callee: Callable[[str], RewriteResult | None]
) -> tuple[RewriteResult, ...]:
    """A job passing every secret to a workflow of this repository that uploads to PyPI with a
    token keeps that token alive: the caller is reported too (the callee reports itself)."""
    resolved = []
    for result in results:
        skips = [
            call.skip(call.path)
            for call in result.reusable_calls
            if (called := callee(call.path)) is not None and any(s.is_finding for s in called.skips)
        ]
        if skips and result.status is not Status.FAILED:
            status = Status.CHANGED if result.changed else Status.SKIPPED
            result = replace(result, skips=(*result.skips, *skips), status=status)
        resolved.append(result)
    return tuple(resolved)


class ProjectLookupCache:
    """Project names by directory: --project, then the packaging files, then workflow URLs."""

    def __init__(self, read: FileReader, texts: Iterable[str], override: str | None) -> None:
        self._read = read
        self._texts = list(texts)
        self._override = override
        self._found: dict[str, ProjectName | ProjectNameProblem] = {}

    def __call__(self, directory: str) -> ProjectName | ProjectNameProblem:
        if directory not in self._found:
            self._found[directory] = self._find(directory)
        return self._found[directory]

    def _find(self, directory: str) -> ProjectName | ProjectNameProblem:
        if self._override:
            return project_name_from_option(self._override)
        found = find_project_name(self._read, directory)
        if isinstance(found, ProjectName):
            return found
        for text in self._texts:
            name = project_name_from_url(text)
            if name:
                return ProjectName(name, "an existing PyPI project URL in the workflow")
        return found


def obsolete_secrets(results: Iterable[RewriteResult]) -> tuple[ObsoleteSecret, ...]:
    """Secrets the removed lines referred to that no remaining workflow line uses."""
    results = list(results)
    uses: dict[str, list[tuple[str, SecretUse]]] = {}
    for result in results:
        if not result.changed:
            continue
        for use in result.secret_uses:
            uses.setdefault(use.name, []).append((result.path, use))
    still_used: set[str] = set()
    for result in results:
        # Parsing is the costly part: only a file that names a candidate (in any case) can use it.
        upper = result.text.upper() if uses else ""
        if any(name in upper for name in uses):
            still_used |= _secrets_in(result)
    return tuple(
        ObsoleteSecret(name, tuple(where))
        for name, where in sorted(uses.items())
        if name not in still_used
    )


def _secrets_in(result: RewriteResult) -> frozenset[str]:
    """Secrets the final text uses; comments do not count, except in files never parsed."""
    if "secrets" not in result.text:
        return frozenset()
    try:
        data = load_data(result.text.lstrip("\ufeff"))
    except Exception:
        return referenced_secrets(result.text)
    return frozenset().union(*(referenced_secrets(s) for s in _strings(data)))


def _strings(data: Any) -> Iterable[str]:
    stack = [data]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict | list) and id(item) not in seen:
            seen.add(id(item))
            stack.extend(item.values() if isinstance(item, dict) else item)
            if isinstance(item, dict):
                stack.extend(k for k in item if isinstance(k, str))
