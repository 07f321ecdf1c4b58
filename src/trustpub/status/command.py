"""`trustpub status`: the command line (parsing and connecting only; `run` does the work)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from trustpub.exit_codes import EXIT_USAGE
from trustpub.github.defaults import DEFAULT_BASE_URL
from trustpub.settings.model import filled

if TYPE_CHECKING:
    from trustpub.bot.discovery import Selection
    from trustpub.settings.model import Settings


def status_command(command: Settings) -> None:
    """Where each repository stands: pull request, first trusted release, old secrets, next step."""
    from trustpub.bot.command import selection_of
    from trustpub.bot.discovery import DiscoveryError, repos_file_names

    try:
        names = list(command.repos)
        if command.repos_file is not None:
            names += repos_file_names(command.repos_file)
        selection = selection_of(command, tuple(names))
        if not (command.org or command.user or names or command.paths):
            raise DiscoveryError(
                "say which repositories: --org, --user, --repo, --repos-file or checkouts"
            )
        if command.org and command.user:
            raise DiscoveryError("use either --org or --user, not both")
        if command.resume and command.state is None:
            raise DiscoveryError("--resume needs --state FILE")
    except DiscoveryError as error:
        typer.echo(f"trustpub: error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    # `--base-url ''` means GitHub's, as no --base-url does.
    settings = replace(command, base_url=command.base_url or DEFAULT_BASE_URL)
    run_checked(selection, command.paths, settings)


def run_checked(selection: Selection, checkouts: tuple[Path, ...], settings: Settings) -> None:
    """Connect, run, and end with the exit code (`typer.Exit`); `secrets --delete` runs it too."""
    from trustpub.github.client import GitHubAccessError, settings_from_environment
    from trustpub.github.enterprise import detect_platform
    from trustpub.rewrite.result import Options
    from trustpub.status.github_reader import ReadSettings
    from trustpub.status.run import StatusRequest, run_status, stdin_confirm
    from trustpub.status.verify import verify_file

    s = settings
    for flag, url in (("--pypi-url", s.pypi_url), ("--testpypi-url", s.testpypi_url)):
        if not url.startswith(("http://", "https://")):
            typer.echo(f"trustpub: error: {flag} {url!r} is not an http(s) URL", err=True)
            raise typer.Exit(EXIT_USAGE)
    try:
        github = settings_from_environment(s.token_env, s.base_url or "")
    except GitHubAccessError as error:
        typer.echo(f"trustpub: error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    gh = github.connect()
    # GitHub Enterprise Server is what the server says it is (GET /meta), not what the URL
    # suggests (see github/enterprise.py).
    enterprise = detect_platform(gh, github.base_url).enterprise
    options = Options(
        pypi_environment=s.pypi_environment,
        testpypi_environment=s.testpypi_environment,
        github_enterprise=enterprise,
        publishers_in_use=True,
    )
    request = filled(
        StatusRequest,
        s,
        selection=selection,
        checkouts=checkouts,
        read=ReadSettings(s.branch, options, s.project, verify_file if s.verify else None),
        index_urls={"pypi": s.pypi_url, "testpypi": s.testpypi_url},
        fmt=s.format,
        delete=s.delete_secrets,
    )
    try:
        code = run_status(
            gh,
            request,
            lambda line: typer.echo(line),
            lambda line: typer.echo(line, err=True),
            stdin_confirm,
        )
    finally:
        gh.close()
    raise typer.Exit(code)
