"""The JSON report (a stable, versioned schema documented in README.md)."""

from __future__ import annotations

from typing import Any

from trustpub.report.facts import registrations, unified_diff
from trustpub.repository import RepositoryResult
from trustpub.rewrite.result import RewriteResult

SCHEMA = "https://github.com/trustpub/trustpub/schema/report"
SCHEMA_VERSION = 1


def report_document(repos: list[tuple[RepositoryResult, str | None]]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for repo, _ in repos:
        counts[repo.outcome.value] = counts.get(repo.outcome.value, 0) + 1
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "repositories": [repository_json(repo, github) for repo, github in repos],
        "summary": {"repositories": len(repos), "outcomes": counts},
    }


def repository_json(repo: RepositoryResult, github: str | None) -> dict[str, Any]:
    return {
        "name": repo.name,
        "github": github,
        "outcome": repo.outcome.value,
        "error": repo.error,
        "files": [_file(f) for f in repo.files],
        "publishers": [
            {
                "index": r.publisher.index,
                "project": r.publisher.project,
                "project_source": r.publisher.project_source,
                "owner": r.owner,
                "repository": r.repository,
                "workflow": r.publisher.workflow,
                "environment": r.publisher.environment,
                "job": r.publisher.job,
                "register_url": r.existing_project_url,
                "pending_publisher_url": r.pending_publisher_url,
            }
            for r in registrations(repo, github)
        ],
        "obsolete_secrets": [
            {
                "name": s.name,
                "uses": [{"file": path, "job": u.job, "line": u.line} for path, u in s.uses],
            }
            for s in repo.obsolete_secrets
        ],
    }


def _file(file: RewriteResult) -> dict[str, Any]:
    return {
        "path": file.path,
        "status": file.status.value,
        "changes": [
            {"job": c.job, "line": c.line, "description": c.description} for c in file.changes
        ],
        "notes": [{"job": n.job, "line": n.line, "message": n.message} for n in file.notes],
        "skips": [
            {"job": s.job, "line": s.line, "reason": s.reason, "advice": s.advice}
            for s in file.skips
        ],
        "failure": None
        if file.failure is None
        else {"line": file.failure.line, "message": file.failure.message},
        "diff": unified_diff(file),
    }
