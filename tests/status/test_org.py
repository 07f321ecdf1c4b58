"""Done when: on a simulated organisation at every stage, `trustpub status` puts each repository
in the right state with the right next action, and `--delete-secrets` removes exactly the secrets
that are provably unused."""

from __future__ import annotations

import pytest
from status_world import ORG, World, build, status

from fake_github import FakeGitHub
from fake_pypi import FakePyPI


@pytest.fixture
def world(fake: FakeGitHub, pypi: FakePyPI) -> World:
    return build(fake, pypi)


def test_explore(world: World) -> None:
    run = status(world, "--org", ORG)
    print(run.stdout, run.stderr, run.exception)
    assert run.code == 0
