"""`trustpub secrets OWNER/REPO...`: the obsolete secrets that actually exist on GitHub."""

from __future__ import annotations

import enum
import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from trustpub.github.client import (
    DEFAULT_BASE_URL,
    DEFAULT_TOKEN_ENV,
    GitHubAccessError,
    GitHubSettings,
    token_from_environment,
)
from trustpub.github.errors import RateLimitExhausted, explained
from trustpub.github.remote import read_workflows, remote_reader
from trustpub.github.secrets import ExistingSecret, existing_secrets
from trustpub.report.facts import SECRET_ADVICE
from trustpub.repository import ObsoleteSecret, migrate_repository

if TYPE_CHECKING:
    from github import Github

SCHEMA_VERSION = 1


class SecretsFormat(str, enum.Enum):
    text = "text"
    json = "json"


@dataclass(frozen=True)
class SecretsReport:
    repository: str
    obsolete: tuple[ObsoleteSecret, ...]
    existing: tuple[ExistingSecret, ...]
    error: str | None = None


def secrets_for(gh: Github, full_name: str, project: str | None) -> SecretsReport:
    """Run the engine over the repository's workflows and look the obsolete secrets up."""
    with explained(full_name):
        repo = gh.get_repo(full_name)
        ref = repo.default_branch
        texts = {w.path: w.text for w in read_workflows(repo, ref)}
        result = migrate_repository(full_name, texts, remote_reader(repo, ref), project=project)
    names = [s.name for s in result.obsolete_secrets]
    existing = existing_secrets(repo, names)
    return SecretsReport(full_name, result.obsolete_secrets, tuple(existing))


def secrets_command(
    repositories: Annotated[list[str], typer.Argument(help="OWNER/REPO of each repository.")],
    token_env: Annotated[
        str, typer.Option("--token-env", help="Environment variable holding the GitHub token.")
    ] = DEFAULT_TOKEN_ENV,
    base_url: Annotated[str, typer.Option("--base-url", help="GitHub API URL.")] = DEFAULT_BASE_URL,
    project: Annotated[str | None, typer.Option("--project", help="PyPI project name.")] = None,
    fmt: Annotated[
        SecretsFormat, typer.Option("--format", help="Output format.")
    ] = SecretsFormat.text,
) -> None:
    """List the secrets the migration makes obsolete that exist on GitHub (names only)."""
    console = Console(highlight=False, soft_wrap=True)
    try:
        settings = GitHubSettings(token_from_environment(token_env), base_url=base_url)
    except GitHubAccessError as error:
        console.print(f"trustpub: {error}", style="red")
        raise typer.Exit(2) from None
    reports: list[SecretsReport] = []
    code = 0
    gh = settings.connect()
    for name in repositories:
        try:
            report = secrets_for(gh, name, project)
        except RateLimitExhausted as error:
            reports.append(SecretsReport(name, (), (), str(error)))
            code = 4
            break
        except GitHubAccessError as error:
            report = SecretsReport(name, (), (), str(error))
            code = 3
        reports.append(report)
    if fmt is SecretsFormat.json:
        sys.stdout.write(json.dumps(_json(reports), indent=2) + "\n")
    else:
        for report in reports:
            _print(console, report)
    raise typer.Exit(code)


def _print(console: Console, report: SecretsReport) -> None:
    if report.error:
        console.print(f"{report.repository}: error: {report.error}", style="red")
        return
    if not report.existing:
        console.print(f"{report.repository}: no obsolete secret exists on GitHub")
        return
    console.print(f"{report.repository}: obsolete secrets that exist on GitHub:", style="bold")
    uses = {s.name: s.uses for s in report.obsolete}
    for secret in report.existing:
        when = secret.updated_at.date().isoformat() if secret.updated_at else "unknown"
        used = ", ".join(f"{path}:{u.line} (job {u.job})" for path, u in uses.get(secret.name, ()))
        console.print(
            f"  {secret.name}  {secret.scope} secret of {secret.where}, "
            f"updated {when}; used at {used}"
        )
    console.print(f"  {SECRET_ADVICE}")


def _json(reports: list[SecretsReport]) -> dict[str, Any]:
    return {
        "schema": "trustpub/secrets",
        "version": SCHEMA_VERSION,
        "repositories": [
            {
                "repository": r.repository,
                "error": r.error,
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
                            for e in r.existing
                            if e.name == s.name
                        ],
                    }
                    for s in r.obsolete
                ],
            }
            for r in reports
        ],
        "advice": SECRET_ADVICE,
    }
