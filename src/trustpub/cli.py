"""The `trustpub` command line: check, diff and apply over workflow files, checkouts and fleets."""

from __future__ import annotations

import contextlib
import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple, NoReturn

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
from trustpub.github.defaults import DEFAULT_TOKEN_ENV
from trustpub.status.command import status_command

if TYPE_CHECKING:
    from trustpub.github.lookup import GitHubLookup, LookupRequest
    from trustpub.rewrite.result import Options

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
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,  # a traceback must never print the GitHub token
)


class Format(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class CheckFormat(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"


class Color(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


Paths = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Workflow files, repository checkouts, or directories holding many checkouts.",
        exists=True,
        show_default=False,
    ),
]
ProjectOpt = Annotated[
    str | None,
    typer.Option("--project", help="PyPI project name, when it cannot be read from the repo."),
]
GithubOpt = Annotated[
    str | None,
    typer.Option("--github", help="OWNER/REPO for the report (default: the `origin` remote)."),
]
PypiEnvOpt = Annotated[
    str, typer.Option("--pypi-environment", help="Environment name for PyPI jobs.")
]
TestPypiEnvOpt = Annotated[
    str, typer.Option("--testpypi-environment", help="Environment name for TestPyPI jobs.")
]
KeepBuildOpt = Annotated[
    bool,
    typer.Option(
        "--keep-build-in-job",
        help="Keep build and upload in one job (add permissions and environment in place).",
    ),
]
AddTestPypiOpt = Annotated[
    bool, typer.Option("--add-testpypi", help="Add a TestPyPI publish job where there is none.")
]
GateOpt = Annotated[
    bool,
    typer.Option("--gate-pypi-on-testpypi", help="Make the PyPI job need the TestPyPI job."),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option("--base-url", help="GitHub API URL; a GitHub Enterprise Server URL is reported."),
]
ColorOpt = Annotated[Color, typer.Option("--color", help="Colour the output.")]
TokenEnvOpt = Annotated[
    str,
    typer.Option(
        "--token-env",
        help="Environment variable holding a GitHub token (else GH_TOKEN); with one, the report "
        "says which obsolete secrets exist on GitHub.",
    ),
]
ReposFileOpt = Annotated[
    str | None,
    typer.Option(
        "--repos-file",
        help="A file listing checkouts (or directories of them), one per line; - reads stdin.",
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", min=1, help="Repositories run in parallel processes [default: all cores]."
    ),
]
StateOpt = Annotated[
    Path | None,
    typer.Option(
        "--state", dir_okay=False, help="Record each repository's outcome in this JSON Lines file."
    ),
]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help="Skip the repositories --state records as done.")
]
OnlyFailedOpt = Annotated[
    bool, typer.Option("--only-failed", help="Run only the repositories --state records as failed.")
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Fleet runs: no progress, no per-repository output."),
]


@app.command()
def check(
    paths: Paths = None,
    project: ProjectOpt = None,
    github: GithubOpt = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = CheckFormat.text,
    base_url: BaseUrlOpt = None,
    color: ColorOpt = Color.auto,
    repos_file: ReposFileOpt = None,
    jobs: JobsOpt = None,
    state: StateOpt = None,
    resume: ResumeOpt = False,
    only_failed: OnlyFailedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Report token publishing that remains; exit 1 if any does (a CI or pre-commit gate)."""
    # check writes nothing: it plans the migration but does not re-read the text it would write.
    options = _options("pypi", "testpypi", False, False, False, base_url, verify=False)
    fleet = FleetArgs(repos_file, jobs, state, resume, only_failed, quiet)
    _run("check", paths, options, project, github, fmt.value, color.value, fleet)


@app.command()
def diff(
    paths: Paths = None,
    project: ProjectOpt = None,
    github: GithubOpt = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    pypi_environment: PypiEnvOpt = "pypi",
    testpypi_environment: TestPypiEnvOpt = "testpypi",
    keep_build_in_job: KeepBuildOpt = False,
    add_testpypi: AddTestPypiOpt = False,
    gate_pypi_on_testpypi: GateOpt = False,
    base_url: BaseUrlOpt = None,
    color: ColorOpt = Color.auto,
    repos_file: ReposFileOpt = None,
    jobs: JobsOpt = None,
    state: StateOpt = None,
    resume: ResumeOpt = False,
    only_failed: OnlyFailedOpt = False,
    quiet: QuietOpt = False,
    token_env: TokenEnvOpt = DEFAULT_TOKEN_ENV,
) -> None:
    """Show the changes and the report; write nothing. Exit 1 if changes are needed."""
    from trustpub.github.lookup import LookupRequest

    options = _options(
        pypi_environment,
        testpypi_environment,
        keep_build_in_job,
        add_testpypi,
        gate_pypi_on_testpypi,
        base_url,
    )
    fleet = FleetArgs(repos_file, jobs, state, resume, only_failed, quiet)
    on_github = LookupRequest(token_env, base_url)
    _run("diff", paths, options, project, github, fmt.value, color.value, fleet, on_github)


def _reviewer_option(values: list[str] | None) -> list[str]:
    """Typer callback for --pypi-reviewer: each value is USER or ORG/TEAM."""
    from trustpub.github.environments import invalid_reviewer

    for value in values or []:
        problem = invalid_reviewer(value)
        if problem:
            raise typer.BadParameter(problem)
    return list(values or [])


@app.command()
def apply(
    paths: Paths = None,
    project: ProjectOpt = None,
    github: GithubOpt = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    pypi_environment: PypiEnvOpt = "pypi",
    testpypi_environment: TestPypiEnvOpt = "testpypi",
    keep_build_in_job: KeepBuildOpt = False,
    add_testpypi: AddTestPypiOpt = False,
    gate_pypi_on_testpypi: GateOpt = False,
    base_url: BaseUrlOpt = None,
    color: ColorOpt = Color.auto,
    repos_file: ReposFileOpt = None,
    jobs: JobsOpt = None,
    state: StateOpt = None,
    resume: ResumeOpt = False,
    only_failed: OnlyFailedOpt = False,
    quiet: QuietOpt = False,
    token_env: TokenEnvOpt = DEFAULT_TOKEN_ENV,
    create_environments: Annotated[
        bool,
        typer.Option(
            "--create-environments",
            help="Create the publish jobs' environments on GitHub (existing rules are kept).",
        ),
    ] = False,
    pypi_reviewer: Annotated[
        list[str] | None,
        typer.Option(
            "--pypi-reviewer",
            callback=_reviewer_option,
            help="USER or ORG/TEAM to require as reviewer of the PyPI environment (repeatable; "
            "with --create-environments).",
        ),
    ] = None,
) -> None:
    """Rewrite the workflows in place (atomically, only files that change)."""
    from trustpub.github.lookup import LookupRequest

    options = _options(
        pypi_environment,
        testpypi_environment,
        keep_build_in_job,
        add_testpypi,
        gate_pypi_on_testpypi,
        base_url,
    )
    fleet = FleetArgs(repos_file, jobs, state, resume, only_failed, quiet)
    if pypi_reviewer and not create_environments:
        raise typer.BadParameter("needs --create-environments", param_hint="--pypi-reviewer")
    on_github = LookupRequest(token_env, base_url, create_environments, tuple(pypi_reviewer or ()))
    _run("apply", paths, options, project, github, fmt.value, color.value, fleet, on_github)


app.command(name="secrets")(secrets_command)
app.command(name="bot")(bot_command)
app.command(name="status")(status_command)


class FleetArgs(NamedTuple):
    repos_file: str | None
    jobs: int | None
    state: Path | None
    resume: bool
    only_failed: bool
    quiet: bool


def _options(
    pypi_environment: str,
    testpypi_environment: str,
    keep_build_in_job: bool,
    add_testpypi: bool,
    gate_pypi_on_testpypi: bool,
    base_url: str | None,
    verify: bool = True,
) -> Options:
    # The engine and the reports load only when a command runs, not for --help or --version.
    from trustpub.rewrite.result import Options

    return Options(
        pypi_environment=pypi_environment,
        testpypi_environment=testpypi_environment,
        keep_build_in_job=keep_build_in_job,
        add_testpypi=add_testpypi,
        gate_pypi_on_testpypi=gate_pypi_on_testpypi,
        github_enterprise=bool(base_url) and "api.github.com" not in (base_url or ""),
        verify=verify,
    )


def _run(
    command: str,
    paths: list[Path] | None,
    options: Options,
    project: str | None,
    github: str | None,
    fmt: str,
    color: str,
    fleet: FleetArgs,
    on_github: LookupRequest | None = None,
) -> None:
    from trustpub.fleet.commands import Request, run_command
    from trustpub.fleet.runner import RepositoryJob

    job = RepositoryJob(command, options, project, github, remote=fmt != "text")
    look_up: GitHubLookup | None = None
    if on_github is not None:  # diff and apply: `check` never loads the GitHub layer
        from trustpub.github.lookup import GitHubLookup

        look_up = GitHubLookup(on_github)
    request = Request(command, tuple(paths or ()), job, fmt, color, *fleet, look_up=look_up)
    try:
        code = run_command(request)
    finally:
        if look_up is not None:
            look_up.close()
    # An exhausted rate limit ends the run like an interruption: some lookups were not done.
    raise typer.Exit(EXIT_INTERRUPTED if look_up and look_up.rate_limited else code)


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
        app()
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
