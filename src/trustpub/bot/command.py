"""`trustpub bot`: the command line of the pull-request bot (parsing and connecting only)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import typer

from trustpub.bot.timer import Timer
from trustpub.exit_codes import EXIT_USAGE
from trustpub.settings.model import filled

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from trustpub.bot.discovery import Selection
    from trustpub.bot.execute import Consoles
    from trustpub.bot.upsert import BotSettings
    from trustpub.settings.model import Settings

# How the bot waits (pacing, rate limits); tests replace it with the fake server's clock.
TIMER = Timer()


def bot_command(settings: Settings) -> None:
    """Open (or update) one pull request per repository that still publishes with a token."""
    # The bot's machinery loads only when it runs, not for `--help` or the other commands.
    from trustpub.bot.discovery import DiscoveryError, repos_file_names
    from trustpub.bot.execute import RunConfig, execute
    from trustpub.github.client import GitHubAccessError, settings_from_environment
    from trustpub.report.output import make_console

    err = make_console(settings.color, stderr=True)
    try:
        names = list(settings.repos)
        if settings.repos_file is not None:
            names += repos_file_names(settings.repos_file)
        selection = selection_of(settings, tuple(names))
        _check(
            selection,
            settings.state,
            settings.resume,
            settings.only_failed,
            settings.repos_file is not None,
        )
        template = _template(settings.body_template, err)
        github = settings_from_environment(settings.token_env, settings.base_url or "")
    except (DiscoveryError, GitHubAccessError) as error:
        err.print(f"trustpub: error: {error}")
        raise typer.Exit(EXIT_USAGE) from None
    # Every request waits at the client's gate, on TIMER; a rate limit that lifts later than
    # --max-wait stops the run instead. Whether the API is GitHub Enterprise Server is asked of
    # it when the run starts (GET /meta), unless --enterprise/--no-enterprise says.
    github = replace(
        github,
        write_interval=settings.write_interval,
        max_rate_limit_wait=settings.max_wait,
        timer=TIMER,
    )
    bot_settings = bot_settings_of(settings, template, bool(settings.enterprise))
    config = filled(RunConfig, settings, fmt=settings.format)
    out = make_console(settings.color)
    consoles = _consoles(out, err, settings.format, settings.quiet)
    gh = github.connect()
    try:
        code, _ = execute(gh, selection, bot_settings, config, consoles)
    finally:
        gh.close()
    raise typer.Exit(code)


def selection_of(settings: Settings, names: tuple[str, ...]) -> Selection:
    from trustpub.bot.discovery import Selection, parse_shard

    return filled(
        Selection,
        settings,
        repos=names,
        topics=tuple(t.lower() for t in settings.topics),
        shard=parse_shard(settings.shard) if settings.shard else None,
    )


def bot_settings_of(settings: Settings, template: str, enterprise: bool) -> BotSettings:
    from trustpub.bot.upsert import BotSettings

    return filled(
        BotSettings,
        settings,
        template=template,
        options=settings.options(github_enterprise=enterprise),
        environment_reviewers=settings.pypi_reviewers,
        settings=settings,
    )


def _consoles(out: Console, err: Console, fmt: str, quiet: bool) -> Consoles:
    """The progress bar goes to a terminal: stdout for text, else stderr; never into a pipe."""
    from trustpub.bot.execute import Consoles

    progress = None
    if not quiet and out.is_terminal and fmt == "text":
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
