"""`trustpub bot`: the command line of the pull-request bot (parsing and connecting only)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import typer

from trustpub.bot import options as o
from trustpub.bot.timer import Timer
from trustpub.exit_codes import EXIT_USAGE

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from trustpub.bot.discovery import Selection
    from trustpub.bot.execute import Consoles

# How the bot waits (pacing, rate limits); tests replace it with the fake server's clock.
TIMER = Timer()


def bot_command(
    org: o.Org = None,
    user: o.User = None,
    repo: o.Repo = None,
    repos_file: o.ReposFile = None,
    include_archived: o.IncludeArchived = False,
    include_forks: o.IncludeForks = False,
    include: o.Include = None,
    exclude: o.Exclude = None,
    topic: o.Topic = None,
    code_search: o.CodeSearch = False,
    shard: o.Shard = None,
    branch: o.Branch = o.DEFAULT_BRANCH,
    title: o.Title = o.DEFAULT_TITLE,
    body_template: o.BodyTemplate = None,
    draft: o.Draft = False,
    label: o.Label = None,
    create_labels: o.CreateLabels = False,
    reviewer: o.Reviewer = None,
    create_environments: o.CreateEnvironments = False,
    environment_reviewer: o.EnvironmentReviewer = None,
    reopen: o.Reopen = False,
    pypi_environment: o.PypiEnvironment = "pypi",
    testpypi_environment: o.TestPypiEnvironment = "testpypi",
    keep_build_in_job: o.KeepBuildInJob = False,
    add_testpypi: o.AddTestPypi = False,
    gate_pypi_on_testpypi: o.GatePypiOnTestPypi = False,
    dry_run: o.DryRun = False,
    max_prs: o.MaxPrs = None,
    write_interval: o.WriteInterval = 1.0,
    jobs: o.Jobs = 4,
    max_wait: o.MaxWait = 900.0,
    state: o.State = None,
    resume: o.Resume = False,
    only_failed: o.OnlyFailed = False,
    fmt: o.Format = o.BotFormat.text,
    summary_md: o.SummaryMd = None,
    quiet: o.Quiet = False,
    color: o.Color = o.BotColor.auto,
    token_env: o.TokenEnv = o.DEFAULT_TOKEN_ENV,
    base_url: o.BaseUrl = o.DEFAULT_BASE_URL,
    enterprise: o.Enterprise = None,
    graphql: o.UseGraphql = True,
) -> None:
    """Open (or update) one pull request per repository that still publishes with a token."""
    # The bot's machinery loads only when it runs, not for `--help` or the other commands.
    from trustpub.bot.discovery import DiscoveryError, Selection, parse_shard, repos_file_names
    from trustpub.bot.execute import RunConfig, execute
    from trustpub.bot.upsert import BotSettings
    from trustpub.github.client import GitHubAccessError, settings_from_environment
    from trustpub.report.output import make_console
    from trustpub.rewrite.result import Options

    err = make_console(color.value, stderr=True)
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
        github = settings_from_environment(token_env, base_url)
    except (DiscoveryError, GitHubAccessError) as error:
        err.print(f"trustpub: error: {error}")
        raise typer.Exit(EXIT_USAGE) from None
    # Every request waits at the client's gate, on TIMER; a rate limit that lifts later than
    # --max-wait stops the run instead.
    github = replace(
        github, write_interval=write_interval, max_rate_limit_wait=max_wait, timer=TIMER
    )
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
        enterprise=enterprise,
        graphql=graphql,
    )
    out = make_console(color.value)
    gh = github.connect()
    try:
        code, _ = execute(gh, selection, settings, config, _consoles(out, err, fmt, quiet))
    finally:
        gh.close()
    raise typer.Exit(code)


def _consoles(out: Console, err: Console, fmt: o.BotFormat, quiet: bool) -> Consoles:
    """The progress bar goes to a terminal: stdout for text, else stderr; never into a pipe."""
    from trustpub.bot.execute import Consoles

    progress = None
    if not quiet and out.is_terminal and fmt is o.BotFormat.text:
        progress = out
    elif not quiet and not out.is_terminal and err.is_terminal:
        progress = err
    return Consoles(out, progress, err)


def _check(
    selection: Selection, state: Path | None, resume: bool, only_failed: bool, listed: bool
) -> None:
    from trustpub.bot.discovery import DiscoveryError

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
    from trustpub.bot.body import DEFAULT_TEMPLATE, template_placeholders_unknown
    from trustpub.bot.discovery import DiscoveryError

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
            + ", ".join(f"${name}" for name in unknown)
        )
    return template
