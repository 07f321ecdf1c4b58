"""The problems `check` reports: one per PyPI or TestPyPI token upload that remains.

A token upload the rewrite migrates is a `token-publishing` problem (its help is the migration);
one left alone is `token-not-auto-migratable` (its help is what to do by hand); a file that could
not be read is `unreadable-workflow`. Uploads to other indexes and acknowledged ones are never
problems. SARIF, `--format github` and the text findings are all made from this list.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from trustpub.publishers.actions import ACTIONS, ActionRole
from trustpub.report.facts import INDEX_NAMES
from trustpub.repository import RepositoryResult
from trustpub.rewrite.result import RewriteResult, Skip, TokenUpload

TOKEN_PUBLISHING = "token-publishing"
NOT_AUTO_MIGRATABLE = "token-not-auto-migratable"
UNREADABLE = "unreadable-workflow"

# The engine names an upload by its tool; the PyPA action by its role (the registry's name).
TOOL_NAMES = {"pypa-action": next(a.name for a in ACTIONS if a.role is ActionRole.PYPA)}


@dataclass(frozen=True)
class Problem:
    rule: str
    path: str  # as the report shows it (relative to the current directory)
    line: int
    column: int | None  # 1-based, where known
    job: str | None
    message: str  # one line
    help: str  # what to do about this one: the migration, or the manual recipe
    fingerprint: str  # the same across runs while the problem stays (lines may move)
    changes: tuple[str, ...] = ()  # the migration's changes, one line each ("job `x`: ...")


def problems(repo: RepositoryResult) -> list[Problem]:
    found: list[Problem] = []
    for file in repo.files:
        seen: dict[str, int] = {}
        for upload in file.token_uploads:
            found.append(_migratable(file, upload, _ordinal(seen, _upload_key(upload))))
        for skip in (s for s in file.skips if s.is_finding):
            found.append(_left_alone(file, skip, _ordinal(seen, f"{skip.job}\0{skip.reason}")))
        if file.failure is not None:
            message = f"trustpub could not check this file: {file.failure.message}"
            found.append(
                Problem(
                    UNREADABLE,
                    file.path,
                    max(file.failure.line, 1),
                    None,
                    None,
                    message,
                    "Fix the file (GitHub cannot run it either), then run trustpub again.",
                    _fingerprint(UNREADABLE, file.path, "", 0),
                )
            )
    return found


def _migratable(file: RewriteResult, upload: TokenUpload, ordinal: int) -> Problem:
    tool = TOOL_NAMES.get(upload.tool, upload.tool)
    index = INDEX_NAMES.get(upload.index, "PyPI or TestPyPI")
    secrets = ", ".join(sorted(upload.secrets))
    token = f"the long-lived API token {secrets}" if secrets else "a long-lived API token"
    message = (
        f"Job {upload.job} uploads to {index} with {tool} and {token}; "
        "`trustpub apply` migrates it to trusted publishing"
    )
    changes = [c for c in file.changes if c.line == upload.line] or [
        c for c in file.changes if c.job == upload.job
    ]
    lines = tuple(f"job `{c.job}`: {c.description}" for c in changes)
    help_text = "`trustpub apply` (or `trustpub diff` to see it first) makes these changes:\n" + (
        "\n".join(f"- {line}" for line in lines)
    )
    return Problem(
        TOKEN_PUBLISHING,
        file.path,
        upload.line,
        column(file.original, upload.line),
        upload.job,
        message,
        help_text,
        _fingerprint(TOKEN_PUBLISHING, file.path, _upload_key(upload), ordinal),
        lines,
    )


def _left_alone(file: RewriteResult, skip: Skip, ordinal: int) -> Problem:
    job = f"Job {skip.job}: " if skip.job else ""
    message = f"{job}a PyPI token upload trustpub cannot migrate automatically: {skip.reason}"
    return Problem(
        NOT_AUTO_MIGRATABLE,
        file.path,
        max(skip.line, 1),
        column(file.original, skip.line),
        skip.job,
        message,
        skip.advice or "Migrate this upload by hand (see the rule's help).",
        _fingerprint(NOT_AUTO_MIGRATABLE, file.path, f"{skip.job}\0{skip.reason}", ordinal),
    )


def column(text: str, line: int) -> int | None:
    """The 1-based column where the step or key on `line` starts (after a sequence's `- `)."""
    lines = text.lstrip("\ufeff").splitlines()
    if not 1 <= line <= len(lines):
        return None
    content = lines[line - 1]
    start = len(content) - len(content.lstrip(" "))
    while content[start : start + 2] == "- ":
        start += 2
        start += len(content[start:]) - len(content[start:].lstrip(" "))
    return start + 1 if start < len(content) else None


def _upload_key(upload: TokenUpload) -> str:
    return f"{upload.job}\0{upload.tool}\0{upload.index}"


def _ordinal(seen: dict[str, int], key: str) -> int:
    seen[key] = seen.get(key, 0) + 1
    return seen[key]


def _fingerprint(rule: str, path: str, key: str, ordinal: int) -> str:
    text = "\0".join((rule, path, key, str(ordinal)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
