"""`trustpub secrets OWNER/REPO...`: the command line (parsing only; `secrets_report` does the
work and loads only when the command runs)."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from trustpub.github.defaults import DEFAULT_BASE_URL, DEFAULT_TOKEN_ENV


class SecretsFormat(str, enum.Enum):
    text = "text"
    json = "json"


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
    from trustpub.github.secrets_report import report_secrets

    report_secrets(repositories, token_env, base_url, project, fmt)
