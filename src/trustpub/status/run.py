"""One `status` run from a connected client to an exit code: select, read, decide, report, and
(with --delete-secrets) retire the old secrets. The library entry point tests drive."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustpub.bot.defaults import DEFAULT_BRANCH
from trustpub.bot.discovery import Candidate, Selection, candidate, discover
from trustpub.exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from trustpub.github.client import GitHubAccessError, redact
from trustpub.github.errors import RateLimitExhausted, TokenRejected, explained
from trustpub.state_file import StateError
from trustpub.status import report
from trustpub.status.decide import Judgement, decide
from trustpub.status.facts import RepositoryFacts
from trustpub.status.github_reader import ReadSettings, gather
from trustpub.status.links import DEFAULT_INDEX_URLS
from trustpub.status.model import RepositoryStatus
from trustpub.status.org_secrets import OrgSecretScan
from trustpub.status.pypi import PyPIReader
from trustpub.status.retire import retire
from trustpub.status.state import StatusState, read_history

if TYPE_CHECKING:
    from github import Github

Say = Callable[[str], None]


@dataclass(frozen=True)
class StatusRequest:
    selection: Selection = field(default_factory=Selection)
    checkouts: tuple[Path, ...] = ()  # local checkouts, named by their `origin`
    read: ReadSettings = field(default_factory=lambda: ReadSettings(DEFAULT_BRANCH, _options()))
    index_urls: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_INDEX_URLS))
    include_org_secrets: bool = False
    fmt: str = "text"
    state: Path | None = None
    resume: bool = False
    delete: bool = False
    yes: bool = False
    dry_run: bool = False


def _options() -> Any:
    from trustpub.rewrite.result import Options

    return Options(publishers_in_use=True)


@dataclass
class Outcome:
    statuses: list[RepositoryStatus] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    deletions: list[dict[str, Any]] = field(default_factory=list)
    stopped: str | None = None
    interrupted: bool = False


def run_status(
    gh: Github,
    request: StatusRequest,
    say: Say,
    warn: Say,
    confirm: Callable[[str], bool] | None = None,
    now: datetime | None = None,
) -> int:
    """Prints the report through `say` (stdout) and problems through `warn` (stderr)."""
    now = now or datetime.now(timezone.utc)
    try:
        history = read_history(request.state) if request.state else None
        candidates, refused = _candidates(gh, request)
    except (StateError, GitHubAccessError) as error:
        warn(f"trustpub: error: {error}")
        return EXIT_INTERRUPTED if isinstance(error, RateLimitExhausted) else EXIT_USAGE
    readers = {index: PyPIReader(url) for index, url in request.index_urls.items()}
    judgement = Judgement(now, request.index_urls, request.include_org_secrets)
    outcome = Outcome()
    state = StatusState(request.state) if request.state else None
    try:
        if state is not None:
            state.__enter__()
        _read_all(gh, request, candidates, refused, readers, judgement, history, state, outcome)
        if request.delete:
            # JSON keeps stdout for the document: the plan and the log go to stderr then.
            narrate = warn if request.fmt == "json" else say
            retire(gh, request, outcome, narrate, warn, confirm, state)
    except StateError as error:
        warn(f"trustpub: error: {error}")
        return EXIT_USAGE
    finally:
        if state is not None:
            state.end(outcome.stopped is None)
            state.__exit__(None, None, None)
    moves = (
        report.moved(history.previous, outcome.records)
        if history and history.previous is not None
        else None
    )
    _print(request.fmt, outcome, moves, readers, say)
    if outcome.stopped:
        warn(f"trustpub: {outcome.stopped}")
    if outcome.stopped or outcome.interrupted:
        return EXIT_INTERRUPTED
    failed = any(r["migration"] == "could not be read" for r in outcome.records)
    return (
        EXIT_FAILED
        if failed or any(d["result"] == "failed" for d in outcome.deletions)
        else EXIT_OK
    )


def _candidates(
    gh: Github, request: StatusRequest
) -> tuple[list[tuple[Candidate, str | None]], list[tuple[str, str | None, str]]]:
    """(candidate, its checkout) pairs, and (name, checkout, why) for what cannot be read."""
    found: list[tuple[Candidate, str | None]] = []
    refused: list[tuple[str, str | None, str]] = []
    selection = request.selection
    if selection.org or selection.user or selection.repos:
        with explained("listing the repositories"):
            discovered = discover(gh, selection)
        found += [(c, None) for c in discovered.candidates]
        refused += [(name, None, why) for name, _, why in discovered.refused]
    for root in request.checkouts:
        from trustpub.checkout import github_repository

        name = github_repository(root)
        if name is None:
            refused.append(
                (str(root), str(root), "no github.com `origin` remote: name it with --repo")
            )
            continue
        try:
            with explained(name):
                found.append((candidate(gh.get_repo(name)), str(root)))
        except (RateLimitExhausted, TokenRejected):
            raise
        except GitHubAccessError as error:
            refused.append((name, str(root), str(error)))
    unique: dict[str, tuple[Candidate, str | None]] = {}
    for c, origin in found:
        unique.setdefault(c.full_name.lower(), (c, origin))
    return sorted(unique.values(), key=lambda p: p[0].full_name.lower()), refused


def _read_all(
    gh: Github,
    request: StatusRequest,
    candidates: list[tuple[Candidate, str | None]],
    refused: list[tuple[str, str | None, str]],
    readers: dict[str, PyPIReader],
    judgement: Judgement,
    history: Any,
    state: StatusState | None,
    outcome: Outcome,
) -> None:
    scan = OrgSecretScan(gh, {}) if request.include_org_secrets else None

    def finished(status: RepositoryStatus | None, rec: dict[str, Any]) -> None:
        if status is not None:
            outcome.statuses.append(status)
        outcome.records.append(rec)
        if state is not None:
            state.status(rec)

    for name, origin, why in refused:
        facts = RepositoryFacts(name, error=why, origin=origin)
        status = decide(facts, judgement)
        finished(status, report.record(status))
    earlier = history.unfinished if (history is not None and request.resume) else {}
    for c, origin in candidates:
        if outcome.stopped:
            break
        recorded = earlier.get(c.full_name.lower())
        if recorded is not None:
            finished(None, recorded)
            continue
        try:
            facts = _facts(c, origin, request, readers, judgement, scan)
        except (RateLimitExhausted, TokenRejected) as error:
            outcome.stopped = f"stopped: {error}; run again with --resume to go on"
            break
        except KeyboardInterrupt:
            outcome.stopped = "interrupted; run again with --resume to go on"
            outcome.interrupted = True
            break
        status = decide(facts, judgement)
        finished(status, report.record(status))
    outcome.records.sort(key=lambda r: str(r["repository"]).lower())


def _facts(
    c: Candidate,
    origin: str | None,
    request: StatusRequest,
    readers: dict[str, PyPIReader],
    judgement: Judgement,
    scan: OrgSecretScan | None,
) -> RepositoryFacts:
    try:
        facts = gather(c.repo, c.default_branch, request.read, readers, judgement.now)
    except (RateLimitExhausted, TokenRejected):
        raise
    except GitHubAccessError as error:
        return RepositoryFacts(c.full_name, c.default_branch, error=str(error), origin=origin)
    except Exception as bug:  # one repository's bug must not hide the others
        first = redact((str(bug).strip().splitlines() or [""])[0])
        detail = f"internal error ({type(bug).__name__}: {first}); please report it"
        return RepositoryFacts(c.full_name, c.default_branch, error=detail, origin=origin)
    facts = replace(facts, origin=origin)
    if scan is not None:
        scan.known[c.full_name.lower()] = facts.references
        facts = replace(facts, org_secrets=scan.uses_for(facts))
    return facts


def _print(
    fmt: str,
    outcome: Outcome,
    moves: list[dict[str, Any]] | None,
    readers: dict[str, PyPIReader],
    say: Say,
) -> None:
    import json

    total = report.summary(outcome.records)
    if fmt == "json":
        requests = {f"{index}_requests": r.requests for index, r in readers.items()}
        doc = report.document(outcome.records, moves, outcome.deletions, requests, outcome.stopped)
        say(json.dumps(doc, indent=2))
    elif fmt == "markdown":
        say(report.markdown(outcome.records, total, moves).rstrip("\n"))
    else:
        for line in [*report.text_lines(outcome.records), "", *report.summary_lines(total, moves)]:
            say(line)


def stdin_confirm(question: str) -> bool:
    """Ask on a terminal; never without one (a scheduled job must pass --yes)."""
    if not sys.stdin.isatty():
        return False
    import typer

    return bool(typer.confirm(question, default=False))
