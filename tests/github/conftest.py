from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from github_helpers import TOKEN

from fake_github import FakeGitHub
from fake_github.plugin import fake_github  # noqa: F401
from trustpub.github import client
from virtual_time import virtual_timer


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    """A fake GitHub server whose one valid token is TOKEN."""
    with FakeGitHub(token=TOKEN) as server:
        yield server


@pytest.fixture
def token_env(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    """TOKEN in GITHUB_TOKEN, and every client a command builds waits on the fake's clock.

    The settings keep GitHub's production waits (60 s secondary limit, up to an hour for a
    primary reset): the waits are virtual, recorded in `fake.retry_sleeps`. Only the pacing
    between requests is zero.
    """
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    timer = virtual_timer(fake)

    def for_the_fake(settings: client.GitHubSettings) -> client.GitHubSettings:
        if settings.base_url.rstrip("/") != fake.base_url.rstrip("/"):
            raise AssertionError(f"a test must talk to the fake, not {settings.base_url}")
        return replace(settings, write_interval=0, timer=timer)

    monkeypatch.setattr(client, "settings_hook", for_the_fake)
    return fake
