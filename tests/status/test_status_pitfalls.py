"""What PyPI will refuse, said before it bites: in the report, the pull request body and a fleet
plan that needs more registrations than PyPI allows in a day."""

from __future__ import annotations

from trustpub.bot.body import DEFAULT_TEMPLATE, render_body
from trustpub.report.facts import registration_plan_note
from trustpub.repository import migrate_repository

PUBLISH = """\
on: push
jobs:
  pypi:
    runs-on: ubuntu-latest
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""


def test_the_pull_request_body_warns_of_what_pypi_refuses() -> None:
    result = migrate_repository(
        "acme/pkg", {".github/workflows/release.yml": PUBLISH}, lambda p: None, project="pkg"
    )
    body = render_body(DEFAULT_TEMPLATE, "acme/pkg", "main", "trustpub/x", result)
    assert "expires after 30 days unused" in body
    assert "A release older than 14 days refuses new files" in body
    assert "new version" in body
    assert "`pull_request_target`" in body
    assert "a reusable workflow cannot be the trusted workflow" in body
    assert "100 publisher registrations per user per 24 hours" in body


def test_a_fleet_plan_beyond_a_days_registrations_says_so() -> None:
    assert registration_plan_note(100) is None
    note = registration_plan_note(250)
    assert note is not None
    assert note.startswith("250 trusted publishers to register")
    assert "at least 3 days for one account" in note
