"""The pure core's rules, one fact at a time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from trustpub.repository import ExistingSecret, migrate_repository
from trustpub.rewrite.result import Options
from trustpub.status.decide import Judgement, decide
from trustpub.status.facts import (
    IndexFacts,
    PullFacts,
    ReleaseFile,
    RepositoryFacts,
    RunFacts,
    SecretFacts,
    references,
)
from trustpub.status.model import Publishing

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
MERGED = NOW - timedelta(days=10)
MIGRATED = """\
on: push
jobs:
  pypi:
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
"""
PUBLISH = (
    MIGRATED.replace("    environment: pypi\n    permissions:\n      id-token: write\n", "")
    + "        with:\n          password: ${{ secrets.PYPI_API_TOKEN }}\n"
)


def facts(workflow: str = MIGRATED, **changes: object) -> RepositoryFacts:
    texts = {".github/workflows/release.yml": workflow}
    options = Options(publishers_in_use=True)
    result = migrate_repository("acme/pkg", texts, lambda p: None, options, project="pkg")
    pull = PullFacts(3, "https://x/pull/3", "closed", True, MERGED - timedelta(days=1), MERGED)
    base = RepositoryFacts(
        "acme/pkg", "main", result, pull=pull, migrated_at=MERGED, references=references(texts)
    )
    return RepositoryFacts(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def upload(at: datetime) -> IndexFacts:
    f = ReleaseFile("1.1", "pkg-1.1.tar.gz", at, "ab" * 32, looked_up=True)
    return IndexFacts("pypi", "pkg", True, (f,), releases=2)


def run(start: datetime, conclusion: str = "success") -> RunFacts:
    return RunFacts(1, 7, "https://x/runs/1", "release.yml", "push", "v1.1", conclusion, start,
                    start + timedelta(minutes=5))  # fmt: skip


def test_a_run_confirms_only_an_upload_made_while_it_ran() -> None:
    at = MERGED + timedelta(days=1)
    inside = decide(
        facts(indexes=(upload(at),), runs=(run(at - timedelta(minutes=1)),)), Judgement(NOW)
    )
    assert inside.rows[0].publishing is Publishing.CONFIRMED
    assert inside.rows[0].evidence is not None and inside.rows[0].evidence.kind == "workflow run"
    later = decide(
        facts(indexes=(upload(at),), runs=(run(at + timedelta(hours=1)),)), Judgement(NOW)
    )
    assert later.rows[0].publishing is Publishing.UNCONFIRMED
    failed = decide(facts(indexes=(upload(at),), runs=(run(at, "failure"),)), Judgement(NOW))
    assert failed.rows[0].publishing is Publishing.UNCONFIRMED


def test_an_upload_before_the_migration_proves_nothing() -> None:
    before = MERGED - timedelta(hours=1)
    status = decide(facts(indexes=(upload(before),), runs=(run(before),)), Judgement(NOW))
    assert status.rows[0].publishing is Publishing.NO_RELEASE
    assert status.rows[0].action.text == "waiting for the first release"


def test_a_new_project_needs_a_pending_publisher_that_expires() -> None:
    missing = IndexFacts("pypi", "pkg", False)
    pull = PullFacts(
        3, "https://x/pull/3", "open", False, NOW - timedelta(days=4), checks="pending (1 of 2)"
    )
    status = decide(facts(PUBLISH, pull=pull, indexes=(missing,)), Judgement(NOW))
    row = status.rows[0]
    assert row.action.link == "https://pypi.org/manage/account/publishing/"
    assert "pending publisher" in row.action.text and "30 days" in row.action.text
    assert status.migration_detail.startswith("#3 open for 4 days, checks pending (1 of 2)")


def test_secrets_handed_on_wholesale_are_never_proven_unused() -> None:
    at = MERGED + timedelta(days=1)
    inherit = MIGRATED + "  call:\n    uses: ./.github/workflows/x.yml\n    secrets: inherit\n"
    secret = SecretFacts(ExistingSecret("PYPI_API_TOKEN", "repository", "acme/pkg", None), "why")
    status = decide(
        facts(inherit, indexes=(upload(at),), runs=(run(at),), secrets=(secret,)), Judgement(NOW)
    )
    assert status.confirmed is not None
    assert not status.secrets[0].deletable
    assert "secrets: inherit" in status.secrets[0].reason
