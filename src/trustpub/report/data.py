"""The JSON report (a stable, versioned schema documented in README.md)."""

from __future__ import annotations

from typing import Any

from trustpub.report.facts import registrations, unified_diff
from trustpub.repository import ExistingSecret, GitHubCheck, RepositoryResult
from trustpub.rewrite.result import RewriteResult

SCHEMA = "https://github.com/trustpub/trustpub/schema/report"
SCHEMA_VERSION = 2  # 2: skips have a kind; "ignored"; other indexes are not "skipped"


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
        "token_publishing_remains": repo.token_publishing_remains,
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
                "on_github": _on_github(repo.on_github, s.name),
            }
            for s in repo.obsolete_secrets
        ],
        "github_check": github_check_json(repo.on_github),
    }


def existing_secret_json(secret: ExistingSecret) -> dict[str, Any]:
    return {
        "scope": secret.scope,
        "where": secret.where,
        "updated_at": secret.updated_at.isoformat() if secret.updated_at else None,
    }


def _on_github(check: GitHubCheck | None, name: str) -> list[dict[str, Any]] | None:
    """Where the secret exists on GitHub ([] when nowhere); None when it was not checked."""
    if check is None or not check.secrets_checked:
        return None
    return [existing_secret_json(s) for s in check.existing(name)]


def github_check_json(check: GitHubCheck | None) -> dict[str, Any] | None:
    if check is None:
        return None
    return {
        "repository": check.repository,
        "secrets_checked": check.secrets_checked,
        "environments": [
            {
                "name": e.environment,
                "created": e.created,
                "reviewers_added": list(e.reviewers_added),
            }
            for e in check.environments
        ],
        "problems": list(check.problems),
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
            {
                "job": s.job,
                "line": s.line,
                "reason": s.reason,
                "advice": s.advice,
                "kind": s.kind.value,
            }
            for s in file.skips
        ],
        "token_publishing_remains": file.token_publishing_remains,
        "failure": None
        if file.failure is None
        else {"line": file.failure.line, "message": file.failure.message},
        "diff": unified_diff(file),
    }
