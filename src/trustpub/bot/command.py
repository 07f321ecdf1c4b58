"""`trustpub bot`: the command line of the pull-request bot (parsing and connecting only)."""

from __future__ import annotations

import enum
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from trustpub.bot.body import DEFAULT_TEMPLATE, DEFAULT_TITLE, template_placeholders_unknown
from trustpub.bot.discovery import DiscoveryError, Selection, parse_shard, repos_file_names
from trustpub.bot.execute import Consoles, RunConfig, execute
from trustpub.bot.limits import Timer
from trustpub.bot.upsert import DEFAULT_BRANCH, BotSettings
from trustpub.exit_codes import EXIT_USAGE
from trustpub.github.client import (
    DEFAULT_BASE_URL,
    DEFAULT_TOKEN_ENV,
    GitHubAccessError,
    settings_from_environment,
)
from trustpub.rewrite.result import Options

# How the bot waits (pacing, rate limits); tests replace it with the fake server's clock.
TIMER = Timer()
DISCOVERY = "Repositories"
PULL = "Pull requests"
RUN = "The run"
REWRITE = "Rewrite"


class BotFormat(str, enum.Enum):
    text = "text"
    json = "json"


class BotColor(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


def _opt(*names: str, panel: str, help: str) -> Any:
    return typer.Option(*names, help=help, rich_help_panel=panel)


def bot_command(
    org: Annotated[
        str | None, _opt("--org", panel=DISCOVERY, help="Every repository of ORG.")
    ] = None,
    user: Annotated[
        str | None, _opt("--user", panel=DISCOVERY, help="Every repository of USER.")
    ] = None,
    repo: Annotated[
        list[str] | None,
        _opt("--repo", panel=DISCOVERY, help="OWNER/REPO (repeatable)."),
    ] = None,
    repos_file: Annotated[
        str | None,
        _opt("--repos-file", panel=DISCOVERY, help="A file of OWNER/REPO lines; - reads stdin."),
    ] = None,
    include_archived: Annotated[
        bool, _opt("--include-archived", panel=DISCOVERY, help="Visit archived repositories.")
    ] = False,
    include_forks: Annotated[
        bool, _opt("--include-forks", panel=DISCOVERY, help="Visit forks.")
    ] = False,
    include: Annotated[
        list[str] | None,
        _opt("--include", panel=DISCOVERY, help="Only names matching this glob (repeatable)."),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        _opt("--exclude", panel=DISCOVERY, help="Leave out names matching this glob."),
    ] = None,
    topic: Annotated[
        list[str] | None,
        _opt("--topic", panel=DISCOVERY, help="Only repositories with this topic (any of)."),
    ] = None,
    code_search: Annotated[
        bool,
        _opt(
            "--code-search",
            panel=DISCOVERY,
            help="With --org/--user: read only repositories where code search finds a publish "
            "tool in .github/workflows (always confirmed by reading the files).",
        ),
    ] = False,
    shard: Annotated[
        str | None,
        _opt("--shard", panel=DISCOVERY, help="I/N: run the I-th of N stable slices."),
    ] = None,
    branch: Annotated[
        str, _opt("--branch", panel=PULL, help="The branch trustpub owns and pushes to.")
    ] = DEFAULT_BRANCH,
    title: Annotated[str, _opt("--title", panel=PULL, help="Pull request title.")] = DEFAULT_TITLE,
    body_template: Annotated[
        Path | None,
        _opt("--body-template", panel=PULL, help="A pull request body with $placeholders."),
    ] = None,
    draft: Annotated[bool, _opt("--draft", panel=PULL, help="Open draft pull requests.")] = False,
    label: Annotated[
        list[str] | None, _opt("--label", panel=PULL, help="Label new pull requests.")
    ] = None,
    create_labels: Annotated[
        bool, _opt("--create-labels", panel=PULL, help="Create --label labels that are missing.")
    ] = False,
    reviewer: Annotated[
        list[str] | None,
        _opt("--reviewer", panel=PULL, help="Request a review from USER or ORG/TEAM."),
    ] = None,
    create_environments: Annotated[
        bool,
        _opt(
            "--create-environments",
            panel=PULL,
            help="Create the pypi/testpypi deployment environments the new jobs use.",
        ),
    ] = False,
    environment_reviewer: Annotated[
        list[str] | None,
        _opt(
            "--environment-reviewer",
            panel=PULL,
            help="With --create-environments: a required reviewer (USER or ORG/TEAM) for pypi.",
        ),
    ] = None,
    reopen: Annotated[
        bool,
        _opt(
            "--reopen",
            panel=PULL,
            help="Open a new pull request where trustpub's was closed or merged.",
        ),
    ] = False,
    pypi_environment: Annotated[
        str, _opt("--pypi-environment", panel=REWRITE, help="Environment name for PyPI jobs.")
    ] = "pypi",
    testpypi_environment: Annotated[
        str,
        _opt("--testpypi-environment", panel=REWRITE, help="Environment name for TestPyPI jobs."),
    ] = "testpypi",
    keep_build_in_job: Annotated[
        bool,
        _opt("--keep-build-in-job", panel=REWRITE, help="Keep build and upload in one job."),
    ] = False,
    add_testpypi: Annotated[
        bool,
        _opt("--add-testpypi", panel=REWRITE, help="Add a TestPyPI job where there is none."),
    ] = False,
    gate_pypi_on_testpypi: Annotated[
        bool,
        _opt("--gate-pypi-on-testpypi", panel=REWRITE, help="Make the PyPI job need TestPyPI."),
    ] = False,
    dry_run: Annotated[
        bool,
        _opt(
            "--dry-run", panel=RUN, help="Read everything, write nothing: show the pull requests."
        ),
    ] = False,
    max_prs: Annotated[
        int | None,
        typer.Option(
            "--max-prs", min=0, help="Open at most N new pull requests.", rich_help_panel=RUN
        ),
    ] = None,
    write_interval: Annotated[
        float,
        typer.Option(
            "--write-interval",
            min=0.0,
            help="Seconds between two write requests.",
            rich_help_panel=RUN,
        ),
    ] = 1.0,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=1, max=16, help="Repositories read at once.", rich_help_panel=RUN
        ),
    ] = 4,
    max_wait: Annotated[
        float,
        typer.Option(
            "--max-wait",
            min=0.0,
            help="Longest wait for a rate-limit reset; beyond it the run stops (exit 4).",
            rich_help_panel=RUN,
        ),
    ] = 900.0,
    state: Annotated[
        Path | None,
        typer.Option(
            "--state", dir_okay=False, help="Record outcomes (JSON Lines).", rich_help_panel=RUN
        ),
    ] = None,
    resume: Annotated[
        bool, _opt("--resume", panel=RUN, help="Skip what --state records as done.")
    ] = False,
    only_failed: Annotated[
        bool, _opt("--only-failed", panel=RUN, help="Run only what --state records as failed.")
    ] = False,
    fmt: Annotated[
        BotFormat, typer.Option("--format", help="Output format.", rich_help_panel=RUN)
    ] = BotFormat.text,
    summary_md: Annotated[
        Path | None,
        typer.Option(
            "--summary-md",
            dir_okay=False,
            help="Append a Markdown summary (e.g. $GITHUB_STEP_SUMMARY).",
            rich_help_panel=RUN,
        ),
    ] = None,
    quiet: Annotated[
        bool, _opt("--quiet", "-q", panel=RUN, help="No progress, no per-repository lines.")
    ] = False,
    color: Annotated[
        BotColor, typer.Option("--color", help="Colour the output.", rich_help_panel=RUN)
    ] = BotColor.auto,
    token_env: Annotated[
        str,
        _opt("--token-env", panel=RUN, help="Environment variable holding the GitHub token."),
    ] = DEFAULT_TOKEN_ENV,
    base_url: Annotated[
        str, _opt("--base-url", panel=RUN, help="GitHub API URL (GitHub Enterprise).")
    ] = DEFAULT_BASE_URL,
) -> None:
    """Open (or update) one pull request per repository that still publishes with a token."""
    err = _console(color.value, stderr=True)
    try:
        names = list(repo or [])
        if repos_file is not None:
            names += repos_file_names(repos_file)
        selection = Selection(
            org=org,
            user=user,
            repos=tuple(names),
            include_archived=include_archived,
            include_forks=include_forks,
            include=tuple(include or ()),
            exclude=tuple(exclude or ()),
            topics=tuple(t.lower() for t in topic or ()),
            code_search=code_search,
            shard=parse_shard(shard) if shard else None,
        )
        _check(selection, state, resume, only_failed, repos_file is not None)
        template = _template(body_template, err)
    except DiscoveryError as error:
        err.print(f"trustpub: error: {error}", style="red", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    try:
        github = settings_from_environment(token_env, base_url)
    except GitHubAccessError as error:
        err.print(f"trustpub: error: {error}", style="red", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    # trustpub paces writes itself (WriteGate): PyGithub's own pacing is off. PyGithub waits for
    # a primary reset only up to --max-wait; beyond it the run stops.
    github = replace(github, write_interval=0.0, max_rate_limit_wait=max_wait)
    settings = BotSettings(
        branch=branch,
        title=title,
        template=template,
        options=Options(
            pypi_environment=pypi_environment,
            testpypi_environment=testpypi_environment,
            keep_build_in_job=keep_build_in_job,
            add_testpypi=add_testpypi,
            gate_pypi_on_testpypi=gate_pypi_on_testpypi,
            github_enterprise=github.is_enterprise,
        ),
        draft=draft,
        labels=tuple(label or ()),
        create_labels=create_labels,
        reviewers=tuple(reviewer or ()),
        create_environments=create_environments,
        environment_reviewers=tuple(environment_reviewer or ()),
        reopen=reopen,
        dry_run=dry_run,
        max_prs=max_prs,
    )
    config = RunConfig(
        jobs=jobs,
        write_interval=write_interval,
        max_wait=max_wait,
        fmt=fmt.value,
        summary_md=summary_md,
        state=state,
        resume=resume,
        only_failed=only_failed,
        quiet=quiet,
    )
    out = _console(color.value)
    progress = None if quiet else (out if out.is_terminal and fmt is BotFormat.text else None)
    if progress is None and not quiet and not out.is_terminal and err.is_terminal:
        progress = err
    gh = github.connect()
    try:
        code, _ = execute(gh, selection, settings, config, Consoles(out, progress, err), TIMER)
    finally:
        gh.close()
    raise typer.Exit(code)


def _check(
    selection: Selection, state: Path | None, resume: bool, only_failed: bool, listed: bool
) -> None:
    if not (selection.org or selection.user or selection.repos or listed):
        raise DiscoveryError("say which repositories: --org, --user, --repo or --repos-file")
    if selection.org and selection.user:
        raise DiscoveryError("use either --org or --user, not both")
    if selection.code_search and not (selection.org or selection.user):
        raise DiscoveryError("--code-search needs --org or --user")
    if (resume or only_failed) and state is None:
        raise DiscoveryError("--resume and --only-failed need --state FILE")
    if resume and only_failed:
        raise DiscoveryError("use either --resume or --only-failed, not both")


def _template(path: Path | None, err: Console) -> str:
    if path is None:
        return DEFAULT_TEMPLATE
    try:
        template = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DiscoveryError(f"cannot read the body template {path}: {error}") from None
    unknown = template_placeholders_unknown(template)
    if unknown:
        err.print(
            f"trustpub: warning: {path}: unknown placeholders left as they are: "
            + ", ".join(f"${name}" for name in unknown),
            style="yellow",
            highlight=False,
        )
    return template


def _console(color: str, stderr: bool = False) -> Console:
    force = {"always": True, "never": False}.get(color)
    return Console(
        stderr=stderr,
        force_terminal=force,
        no_color=color == "never",
        highlight=False,
        soft_wrap=True,
    )
