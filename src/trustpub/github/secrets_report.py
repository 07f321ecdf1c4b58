"""`trustpub secrets`: the obsolete secrets that actually exist on GitHub, as text or JSON."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.text import Text

from trustpub.exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from trustpub.github.client import GitHubAccessError, redact, settings_from_environment
from trustpub.github.command import SecretsFormat
from trustpub.github.errors import RateLimitExhausted, TokenRejected, explained
from trustpub.github.remote import read_workflows, remote_reader
from trustpub.github.secrets import ExistingSecret, existing_secrets
from trustpub.report.facts import SECRET_ADVICE, describe_secret
from trustpub.report.output import make_console
from trustpub.repository import ObsoleteSecret, RepositoryResult, migrate_repository

if TYPE_CHECKING:
    from github.Repository import Repository

    from github import Github

SCHEMA = "https://github.com/trustpub/trustpub/schema/secrets"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class SecretsReport:
    """One repository: the secrets the migration makes obsolete, and which of them exist.

    `existing` is complete only when `checked`; `error` says why a repository was not checked.
    """

    repository: str
    obsolete: tuple[ObsoleteSecret, ...]
    existing: tuple[ExistingSecret, ...]
    error: str | None = None  # one line, without the repository's name in front
    checked: bool = True


def migrated(
    gh: Github, full_name: str, project: str | None
) -> tuple[Repository, RepositoryResult]:
    """The repository and the engine's result over its workflows on the default branch."""
    with explained(full_name):
        repo = gh.get_repo(full_name)
        ref = repo.default_branch
        texts = {w.path: w.text for w in read_workflows(repo, ref)}
        result = migrate_repository(full_name, texts, remote_reader(repo, ref), project=project)
    return repo, result


def _check_one(
    gh: Github, full_name: str, project: str | None
) -> tuple[SecretsReport, GitHubAccessError | None]:
    try:
        repo, result = migrated(gh, full_name, project)
    except GitHubAccessError as error:
        return SecretsReport(full_name, (), (), _detail(error, full_name), False), error
    try:
        existing = existing_secrets(repo, [s.name for s in result.obsolete_secrets])
    except GitHubAccessError as error:
        # The workflows were read: still say which secrets became obsolete.
        detail = _detail(error, full_name)
        return SecretsReport(full_name, result.obsolete_secrets, (), detail, False), error
    return SecretsReport(full_name, result.obsolete_secrets, tuple(existing)), None


def _detail(error: GitHubAccessError, full_name: str) -> str:
    return str(error).removeprefix(f"{full_name}: ")


def report_secrets(
    repositories: list[str], token_env: str, base_url: str, project: str | None, fmt: SecretsFormat
) -> None:
    """Check each repository and print the report; ends with `typer.Exit` and the exit code."""
    console = make_console("auto")
    errors = make_console("auto", stderr=True)
    bad = [name for name in repositories if name.count("/") != 1 or "" in name.split("/")]
    if bad:
        errors.print(f"trustpub: error: not OWNER/REPO: {', '.join(bad)}", style="red")
        raise typer.Exit(EXIT_USAGE)
    try:
        settings = settings_from_environment(token_env, base_url)
    except GitHubAccessError as error:
        errors.print(f"trustpub: error: {error}", style="red")
        raise typer.Exit(EXIT_USAGE) from None
    gh = settings.connect()
    try:
        run = _check_all(gh, repositories, project)
    finally:
        gh.close()
    if fmt is SecretsFormat.json:
        sys.stdout.write(json.dumps(_json(run), indent=2) + "\n")
    else:
        for report in run.reports:
            _print(console, report)
        _closing(errors, run)
    raise typer.Exit(run.exit_code)


@dataclass
class _Run:
    reports: list[SecretsReport]
    stopped: GitHubAccessError | None = None  # an exhausted rate limit, or a rejected token
    unchecked: list[str] = field(default_factory=list)  # from the one that stopped the run on

    @property
    def exhausted(self) -> RateLimitExhausted | None:
        return self.stopped if isinstance(self.stopped, RateLimitExhausted) else None

    @property
    def exit_code(self) -> int:
        if self.exhausted:
            return EXIT_INTERRUPTED
        return EXIT_FAILED if any(r.error for r in self.reports) else EXIT_OK

    @property
    def resume(self) -> str | None:
        return "trustpub secrets " + " ".join(self.unchecked) if self.exhausted else None


def _check_all(gh: Github, repositories: list[str], project: str | None) -> _Run:
    """One report per repository; after an exhausted rate limit or a rejected token the rest
    are not checked (no request could succeed)."""
    run = _Run([])
    for name in repositories:
        if run.stopped is not None:
            run.reports.append(SecretsReport(name, (), (), _not_checked(run.stopped), False))
            run.unchecked.append(name)
            continue
        try:
            report, error = _check_one(gh, name, project)
        except Exception as bug:  # a bug for one repository must not hide the others
            report, error = SecretsReport(name, (), (), _internal(bug), False), None
        if isinstance(error, RateLimitExhausted | TokenRejected):
            run.stopped = error
            run.unchecked.append(name)
        run.reports.append(report)
    return run


def _not_checked(stopped: GitHubAccessError) -> str:
    if isinstance(stopped, RateLimitExhausted):
        return f"not checked: the GitHub API rate limit is exhausted; run again {stopped.when}"
    return "not checked: GitHub rejected the token (401)"


def _internal(error: Exception) -> str:
    first = redact((str(error).strip().splitlines() or [""])[0])
    return f"internal error ({type(error).__name__}: {first}); please report it"


def _print(console: Console, report: SecretsReport) -> None:
    name = report.repository
    if report.error:
        console.print(Text(f"{name}: error: {report.error}", style="red"))
        if not report.obsolete:
            return
    elif not report.obsolete:
        console.print(f"{name}: no secret becomes obsolete")
        return
    else:
        found = "exist" if report.existing else "do not exist"
        console.print(
            Text(f"{name}: secrets that become obsolete {found} on GitHub:", style="bold")
        )
    for secret in report.obsolete:
        used = ", ".join(f"{path}:{u.line} (job {u.job})" for path, u in secret.uses)
        places = [e for e in report.existing if e.name == secret.name]
        for place in places:
            console.print(f"  {secret.name}: {describe_secret(place)}; was used at {used}")
        if not places:
            status = "not found on GitHub" if report.checked else "not checked on GitHub"
            console.print(f"  {secret.name}: {status}; was used at {used}")
    if report.existing:
        console.print(f"  {SECRET_ADVICE}")


def _closing(console: Console, run: _Run) -> None:
    exhausted = run.exhausted
    if exhausted:
        console.print(
            Text(
                f"trustpub: the GitHub API rate limit is exhausted; run again {exhausted.when} "
                f"for the repositories not checked: {run.resume}",
                style="yellow",
            )
        )


def _json(run: _Run) -> dict[str, Any]:
    exhausted = run.exhausted
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "repositories": [_report_json(r) for r in run.reports],
        "summary": {
            "repositories": len(run.reports),
            "checked": sum(r.checked for r in run.reports),
            "failed": sum(bool(r.error) for r in run.reports),
            "existing_secrets": sum(len(r.existing) for r in run.reports),
        },
        "rate_limit": {
            "exhausted": exhausted is not None,
            "resets_at": exhausted.resets_at.isoformat()
            if exhausted is not None and exhausted.resets_at
            else None,
            "resume": run.resume,
        },
        "advice": SECRET_ADVICE,
    }


def _report_json(report: SecretsReport) -> dict[str, Any]:
    return {
        "repository": report.repository,
        "checked": report.checked,
        "error": report.error,
        "obsolete_secrets": [
            {
                "name": s.name,
                "uses": [{"file": p, "job": u.job, "line": u.line} for p, u in s.uses],
                "exists": [
                    {
                        "scope": e.scope,
                        "where": e.where,
                        "updated_at": e.updated_at.isoformat() if e.updated_at else None,
                    }
                    for e in report.existing
                    if e.name == s.name
                ]
                if report.checked
                else None,
            }
            for s in report.obsolete
        ],
    }
