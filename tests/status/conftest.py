"""Fixtures for `trustpub status`: a fake GitHub (with TOKEN), a fake PyPI and TestPyPI, and the
GitHub token in the environment with every client waiting on the fake's clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from status_world import TOKEN

from fake_github import FakeGitHub
from fake_pypi import FakePyPI
from trustpub.github import client
from virtual_time import virtual_timer


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as server:
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.delenv("GH_TOKEN", raising=False)
        timer = virtual_timer(server)

        def for_the_fake(settings: client.GitHubSettings) -> client.GitHubSettings:
            if settings.base_url.rstrip("/") != server.base_url.rstrip("/"):
                raise AssertionError(f"a test must talk to the fake, not {settings.base_url}")
            return replace(settings, write_interval=0, timer=timer)

        monkeypatch.setattr(client, "settings_hook", for_the_fake)
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
