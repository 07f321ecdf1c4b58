"""A bot run whose pull requests ask for more than PyPI's 100 registrations a day says so."""

from __future__ import annotations

from trustpub.bot.display import Summary, closing_notes, registrations_needed
from trustpub.bot.outcomes import BotOutcome, BotResult
from trustpub.bot.run import RunOutcome
from trustpub.repository import RepositoryResult
from trustpub.rewrite.result import RewriteResult, Status, TrustedPublisher


def opened(name: str, outcome: BotOutcome = BotOutcome.CHANGED) -> BotResult:
    publisher = TrustedPublisher("pypi", name, "release.yml", "pypi", "publish", "pyproject.toml")
    file = RewriteResult(
        ".github/workflows/release.yml", "a", "b", Status.CHANGED, publishers=(publisher,)
    )
    return BotResult(f"acme/{name}", outcome, result=RepositoryResult(f"acme/{name}", (file,)))


def test_a_plan_beyond_a_day_of_registrations_is_told() -> None:
    results = [opened(f"pkg-{i:03d}") for i in range(150)]
    results.append(opened("untouched", BotOutcome.UNCHANGED))  # asks for no registration
    summary = Summary(RunOutcome(results))
    assert registrations_needed(summary) == 150
    notes = closing_notes(summary)
    assert any(
        "150 trusted publishers to register" in n and "at least 2 days" in n for n in notes
    ), notes


def test_a_day_s_worth_says_nothing() -> None:
    summary = Summary(RunOutcome([opened(f"pkg-{i}") for i in range(100)]))
    assert not any("registrations per user" in n for n in closing_notes(summary))
