"""Fixtures for `trustpub status`: a fake GitHub (with TOKEN), a fake PyPI and TestPyPI, and the
GitHub token in the environment with every client waiting on the fake's clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import partial

import pytest
from status_world import TOKEN

from fake_github import FakeClockRetry, FakeGitHub
from fake_pypi import FakePyPI
from trustpub.github import client


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as server:
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.delenv("GH_TOKEN", raising=False)
        retry = partial(FakeClockRetry, server.clock, server.retry_sleeps)

        def for_the_fake(settings: client.GitHubSettings) -> client.GitHubSettings:
            if settings.base_url.rstrip("/") != server.base_url.rstrip("/"):
                raise AssertionError(f"a test must talk to the fake, not {settings.base_url}")
            return replace(settings, write_interval=0, retry_factory=retry)

        monkeypatch.setattr(client, "settings_hook", for_the_fake)
        # the fake is not api.github.com, but stands for it (not GitHub Enterprise Server)
        monkeypatch.setattr(client.GitHubSettings, "is_enterprise", property(lambda self: False))
        yield server


@pytest.fixture
def pypi() -> Iterator[FakePyPI]:
    server = FakePyPI()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def testpypi() -> Iterator[FakePyPI]:
    server = FakePyPI()
    try:
        yield server
    finally:
        server.close()
