"""pytest plugin: the function-scoped `fake_github` fixture.

Import the fixture into a conftest.py: `from fake_github.plugin import fake_github  # noqa: F401`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_github.handle import FakeGitHub


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A fresh fake GitHub server on 127.0.0.1 (any free port), stopped after the test."""
    fake = FakeGitHub()
    try:
        yield fake
    finally:
        fake.close()
