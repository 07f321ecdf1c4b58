"""Fixtures for the bot's tests. Every test (they all use `fake`) is checked afterwards: the bot
wrote nothing but git objects, the refs of the branch it owns, its pull requests, labels,
reviewers and environments, and never moved a default branch or a branch someone else holds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bot_helpers import (
    DEFAULT_BRANCH,
    OWNED_BRANCHES,
    TOKEN,
    Api,
    BotHarness,
    assert_writes_safe,
)

from fake_github import FakeGitHub
from fake_github.plugin import fake_github  # noqa: F401


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as server:
        yield server
        assert_writes_safe(server, OWNED_BRANCHES.pop(id(server), {DEFAULT_BRANCH}))


@pytest.fixture
def bot(fake: FakeGitHub) -> BotHarness:
    return BotHarness(fake)


@pytest.fixture(params=["graphql", "rest"])
def api(request: pytest.FixtureRequest, bot: BotHarness) -> Api:
    """Run the test through GraphQL, then again through REST only (--no-graphql)."""
    bot.graphql = request.param == "graphql"
    return Api(bot.graphql)
