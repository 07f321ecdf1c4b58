"""One bot run from a connected client to an exit code: discover, select, run, report.

This is the library entry point (the command line only parses arguments and connects), so tests
drive it with a client of the fake GitHub server and the fake's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from trustpub.bot.discovery import Discovered, DiscoveryError, Selection, discover
from trustpub.bot.display import Summary, TextDisplay, append_summary_markdown, write_json
from trustpub.bot.limits import RESERVE_PER_WORKER, Budget, WriteGate
from trustpub.bot.outcomes import BotOutcome, BotResult
from trustpub.bot.reading import SnapshotSource
from trustpub.bot.run import Runner, RunOutcome
from trustpub.bot.state import StateError, StateFile, choose, state_command
from trustpub.bot.upsert import BotSettings, PullCount, Upsert
from trustpub.bot.usage import Usage
from trustpub.bot.writes import Writes
from trustpub.exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from trustpub.github.batch_read import BatchReader
from trustpub.github.client import GitHubAccessError
from trustpub.github.defaults import DEFAULT_BASE_URL
from trustpub.github.enterprise import detect_platform
from trustpub.github.errors import RateLimitExhausted, explained
from trustpub.github.graphql import GraphQL, GraphQLUnavailable
from trustpub.github.pacing import RequestGate, Wait
from trustpub.github.transport import gate_of

if TYPE_CHECKING:
    from github import Github


@dataclass(frozen=True)
class RunConfig:
    """How to run (as opposed to what to do in each repository, `BotSettings`)."""

    jobs: int = 4
    write_interval: float = 1.0
    max_wait: float = 900.0
    per_page: int = 100
    fmt: str = "text"
    summary_md: Path | None = None
    state: Path | None = None
    resume: bool = False
    only_failed: bool = False
    quiet: bool = False
    enterprise: bool | None = None  # None: ask the server (GET /meta)
    graphql: bool = True  # read (and write) through GraphQL where the API has it


@dataclass(frozen=True)
class Consoles:
    out: Console
    progress: Console | None = None  # where the bar goes (a terminal), None for no bar
    err: Console | None = None


def execute(
    gh: Github,
    selection: Selection,
    settings: BotSettings,
    config: RunConfig,
    consoles: Consoles,
    on_result: Callable[[BotResult], None] = lambda result: None,
) -> tuple[int, Summary | None]:
    err = consoles.err or consoles.out
    gate = gate_of(gh)  # every request of `gh` passes it, first try or retry
    gate.timer.interrupt.clear()  # a previous run may have stopped its waits
    gate.interval = config.write_interval
    gate.max_wait = config.max_wait
    gate.announce = _announcer(err)
    gate.begin()
    platform = detect_platform(gh, gh.requester.base_url, config.enterprise)
    if platform.how != DEFAULT_BASE_URL:
        err.print(Text(platform.line))
    options = replace(settings.options, github_enterprise=platform.enterprise)
    settings = replace(settings, options=options)
    try:
        with explained("listing the repositories"):
            found, gql = _discover(gh, selection, config, gate, err)
    except DiscoveryError as error:
        err.print(f"trustpub: error: {error}", style="red", highlight=False)
        return EXIT_USAGE, None
    except RateLimitExhausted as error:
        err.print(f"trustpub: {error}; run again after the reset", style="red", highlight=False)
        return EXIT_INTERRUPTED, None
    except GitHubAccessError as error:
        err.print(f"trustpub: error: {error}", style="red", highlight=False)
        return EXIT_FAILED, None
    try:
        summary = _run(gh, found, gql, settings, config, consoles, gate, on_result)
    except StateError as error:
        err.print(f"trustpub: error: {error}", style="red", highlight=False)
        return EXIT_USAGE, None
    if config.fmt == "json":
        write_json(consoles.out, summary)
    if config.summary_md is not None:
        append_summary_markdown(config.summary_md, summary)
    return summary.exit_code(), summary


def _discover(
    gh: Github, selection: Selection, config: RunConfig, gate: RequestGate, err: Console
) -> tuple[Discovered, GraphQL | None]:
    """Through GraphQL where the API has it (REST otherwise, and with --no-graphql)."""
    if not config.graphql:
        return discover(gh, selection, config.per_page), None
    gql = GraphQL(gh, gate, config.max_wait)
    try:
        return discover(gh, selection, config.per_page, gql), gql
    except GraphQLUnavailable as error:
        err.print(Text(f"trustpub bot: {error}: reading through REST instead (more requests)"))
        return discover(gh, selection, config.per_page), None


def _run(
    gh: Github,
    found: Discovered,
    gql: GraphQL | None,
    settings: BotSettings,
    config: RunConfig,
    consoles: Consoles,
    gate: RequestGate,
    on_result: Callable[[BotResult], None],
) -> Summary:
    command = state_command(settings.dry_run)
    candidates, already_done = found.candidates, 0
    refused = [BotResult(name, BotOutcome(o), why) for name, o, why in found.refused]
    if config.state is not None and (config.resume or config.only_failed):
        candidates, already_done = choose(candidates, config.state, command, config.only_failed)
    timer = gate.timer
    reader = BatchReader(gql, settings.branch) if gql is not None else None
    upsert = Upsert(
        gh,
        settings,
        WriteGate(),
        PullCount(settings.max_prs),
        SnapshotSource(reader, candidates),
        Writes(settings.branch, gql),
    )
    budget = Budget(gate, timer, config.max_wait, RESERVE_PER_WORKER * max(config.jobs, 1))
    text = TextDisplay(
        consoles.out,
        None if config.quiet else consoles.progress,
        lines=config.fmt == "text" and not config.quiet,
    )
    with ExitStack() as stack:
        state = (
            stack.enter_context(StateFile(config.state, command))
            if config.state is not None
            else None
        )

        def finished(result: BotResult) -> None:
            if state is not None and result.outcome is not BotOutcome.NOT_RUN:
                error = result.detail if result.failed else None
                state.record(result.repository, result.outcome.value, error)
            text.result(result)
            on_result(result)

        stack.enter_context(text)
        text.start(len(candidates) + len(refused))
        for result in refused:
            finished(result)
        runner = Runner(
            upsert,
            jobs=config.jobs,
            timer=timer,
            pause=gate.pause,
            budget=budget,
            max_wait=config.max_wait,
            on_result=finished,
        )
        outcome = runner.run(candidates) if candidates else RunOutcome()
    outcome.results = sorted([*outcome.results, *refused], key=lambda r: r.repository.lower())
    summary = Summary(
        outcome,
        found.left_out,
        found.notes,
        already_done,
        config.state,
        settings.dry_run,
        budget.remaining("core"),
        waits=list(gate.pause.waits),
        usage=Usage(gate.sent, gate.writes, gql.usage if gql is not None else None),
    )
    if config.fmt == "text":
        text.finish(summary)
    return summary


def _announcer(err: Console) -> Callable[[Wait], None]:
    """Every wait for GitHub's limits is said as it begins: how long, until when, and why."""

    def announce(wait: Wait) -> None:
        err.print(Text(wait.describe(), style="yellow"))

    return announce


__all__ = ["EXIT_OK", "Consoles", "RunConfig", "execute"]
