"""`trustpub secrets OWNER/REPO...`: the command line (parsing only; `secrets_report` does the
work and loads only when the command runs)."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from trustpub.github.defaults import DEFAULT_BASE_URL, DEFAULT_TOKEN_ENV
from trustpub.settings.model import Settings


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
    delete: Annotated[
        bool,
        typer.Option(
            "--delete",
            help="Delete the old secrets that are provably unused after a confirmed trusted "
            "release (as `trustpub status --delete-secrets`; asks first).",
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="With --delete: do not ask.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --delete: show the plan, delete nothing.")
    ] = False,
    include_org_secrets: Annotated[
        bool,
        typer.Option(
            "--include-org-secrets",
            help="With --delete: organisation secrets too, when no repository uses them.",
        ),
    ] = False,
    pypi_url: Annotated[str, typer.Option("--pypi-url", help="PyPI's URL.")] = "https://pypi.org",
    testpypi_url: Annotated[
        str, typer.Option("--testpypi-url", help="TestPyPI's URL.")
    ] = "https://test.pypi.org",
) -> None:
    """List the secrets the migration makes obsolete that exist on GitHub (names only)."""
    if delete:
        settings = Settings(
            command="secrets",
            token_env=token_env,
            base_url=base_url,
            project=project,
            format=fmt.value,
            delete_secrets=True,
            include_org_secrets=include_org_secrets,
            yes=yes,
            dry_run=dry_run,
            pypi_url=pypi_url,
            testpypi_url=testpypi_url,
        )
        _delete(repositories, settings)
    from trustpub.github.secrets_report import report_secrets

    report_secrets(repositories, token_env, base_url, project, fmt)


def _delete(repositories: list[str], settings: Settings) -> None:
    """`secrets --delete`: the status run over these repositories, then the deletions."""
    from trustpub.bot.discovery import DiscoveryError, Selection, read_names
    from trustpub.exit_codes import EXIT_USAGE
    from trustpub.status.command import run_checked

    try:
        names = read_names(repositories)
    except DiscoveryError as error:
        typer.echo(f"trustpub: error: not OWNER/REPO: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    run_checked(Selection(repos=tuple(names)), (), settings)
