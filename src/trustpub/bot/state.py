"""The bot's use of the fleet state file: one JSON line per finished repository.

Records are kept per command, so a dry run (`bot --dry-run`) never marks a repository done for
a real run. `--resume` leaves out what is done (see `outcomes.DONE`); `--only-failed` runs only
the failures.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from trustpub.bot.discovery import Candidate
from trustpub.bot.outcomes import DONE
from trustpub.fleet.state import StateError, StateFile, last_outcomes

__all__ = ["StateError", "StateFile", "choose", "state_command"]


def state_command(dry_run: bool) -> str:
    return "bot --dry-run" if dry_run else "bot"


def choose(
    candidates: Sequence[Candidate], path: Path, command: str, only_failed: bool
) -> tuple[list[Candidate], int]:
    """The candidates still to run, and how many the state file says are done."""
    outcomes = {name.lower(): outcome for name, outcome in last_outcomes(path, command).items()}
    chosen: list[Candidate] = []
    for c in candidates:
        outcome = outcomes.get(c.full_name.lower())
        wanted = outcome == "failed" if only_failed else outcome not in DONE
        if wanted:
            chosen.append(c)
    return chosen, len(candidates) - len(chosen)
