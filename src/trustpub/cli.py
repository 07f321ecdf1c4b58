"""The `trustpub` command line: check, diff and apply over workflow files, checkouts and fleets."""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from trustpub import __version__
from trustpub.bot.command import bot_command
from trustpub.exit_codes import (
    EXIT_CHANGES_NEEDED,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
)
from trustpub.github.command import secrets_command
from trustpub.settings.commands import command
from trustpub.status.command import status_command

if TYPE_CHECKING:
    from trustpub.github.lookup import GitHubLookup
    from trustpub.settings.model import Settings

__all__ = [
    "EXIT_CHANGES_NEEDED",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "app",
    "console_script",
    "main",
]

app = typer.Typer(
    name="trustpub",
    help="Move GitHub Actions PyPI uploads from API tokens to trusted publishing (OIDC).",
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion [bash|zsh|fish|powershell]
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,  # a traceback must never print the GitHub token
)


def _run_local(settings: Settings) -> None:
    """`check`, `diff` and `apply`: from the settings to an exit code."""
    from trustpub.fleet.commands import Request, run_command
    from trustpub.fleet.runner import RepositoryJob

    command = settings.command
    if settings.pypi_reviewers and not settings.create_environments:
        raise typer.BadParameter("needs --create-environments", param_hint="--pypi-reviewer")
    job = RepositoryJob(
        command,
        settings.options(),
        settings.project,
        settings.github,
        settings.ignore,
        settings,
        remote=settings.format != "text",
    )
    look_up: GitHubLookup | None = None
    if command != "check":  # `check` never loads the GitHub layer
        from trustpub.github.lookup import GitHubLookup, LookupRequest

        look_up = GitHubLookup(
            LookupRequest(
                settings.token_env,
                settings.base_url,
                settings.create_environments,
                settings.pypi_reviewers,
            )
        )
        if look_up.settings is not None:  # a repository's default token permissions, too
            job = replace(job, token_env=settings.token_env, base_url=settings.base_url)
    request = Request(
        command,
        settings.paths,
        job,
        settings.format,
        settings.color,
        settings.repos_file,
        settings.jobs,
        settings.state,
        settings.resume,
        settings.only_failed,
        settings.quiet,
        look_up=look_up,
    )
    try:
        code = run_command(request)
    finally:
        if look_up is not None:
            look_up.close()
    # An exhausted rate limit ends the run like an interruption: some lookups were not done.
    raise typer.Exit(EXIT_INTERRUPTED if look_up and look_up.rate_limited else code)


command(
    app,
    "check",
    _run_local,
    "Report token publishing that remains; exit 1 if any does (a CI or pre-commit gate).",
)
command(
    app,
    "diff",
    _run_local,
    "Show the changes and the report; write nothing. Exit 1 if changes are needed.",
)
command(
    app, "apply", _run_local, "Rewrite the workflows in place (atomically, only files that change)."
)
app.command(name="secrets")(secrets_command)
command(
    app,
    "bot",
    bot_command,
    "Open (or update) one pull request per repository that still publishes with a token.",
)
command(
    app,
    "status",
    status_command,
    "Where each repository stands: pull request, first trusted release, old secrets, next step.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"trustpub {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Move GitHub Actions PyPI uploads from API tokens to trusted publishing (OIDC)."""


def main() -> None:
    """Run the command line; ends with SystemExit, as a typer application does."""
    try:
        app(prog_name="trustpub")  # also as `python -m trustpub`
    except KeyboardInterrupt:
        sys.stderr.write("trustpub: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)


def console_script() -> NoReturn:
    """The `trustpub` executable: `main`, then the process ends at once (as mypy's does).

    Once the output is flushed nothing is left to clean up (worker processes, state files and
    temporary files are closed by then), and tearing down every loaded module would cost a tenth
    of a short run. An exception other than SystemExit still ends the usual way, with its report.
    """
    try:
        main()
        status: int | str | None = EXIT_OK
    except SystemExit as done:
        status = done.code
    if isinstance(status, str):  # sys.exit("message"): printed, and the status is 1
        sys.stderr.write(status + "\n")
        status = 1
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (`trustpub diff | head`) or stream has nothing more to take.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status or 0)
