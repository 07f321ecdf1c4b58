"""Tool pins: bumped when they exclude every release with trusted publishing, else left alone."""

from __future__ import annotations

import pytest

from trustpub.rewrite.rules.tool_versions import bump, unknown_version_note

BUMPED = [
    ("twine", "==5.0.0", "==6.1.0"),
    ("twine", "===6.0.1", "==6.1.0"),
    ("twine", "@6.0.1", "@6.1.0"),
    ("twine", "<6", ">=6.1"),
    ("twine", "~=5.0", ">=6.1"),
    ("twine", "==5.*", ">=6.1"),
    ("twine", ">=4,<6", ">=6.1"),
    ("uv", "==0.4.0", "==0.4.16"),
    ("uv", "0.4.10", "0.4.16"),
    ("pdm", "2.5.6", "2.6.0"),
    ("maturin", "v0.14.17", "v0.15.0"),
    ("maturin", "==0.14.3", "==0.15.0"),
]
KEPT = [
    ("twine", ">=5"),  # allows the latest
    ("twine", "==6.2.0"),
    ("twine", "==6.1"),
    ("uv", "latest"),
    ("uv", "${{ env.UV_VERSION }}"),
    ("maturin", "v1.9.0"),
    ("poetry", "==1.8.0"),  # no trusted publishing at all: nothing to bump to
]


@pytest.mark.parametrize(("tool", "written", "expected"), BUMPED)
def test_bumped(tool: str, written: str, expected: str) -> None:
    found = bump(tool, written)
    assert found is not None
    assert found.text == expected
    assert written in found.description and expected in found.description


@pytest.mark.parametrize(("tool", "written"), KEPT)
def test_kept(tool: str, written: str) -> None:
    assert bump(tool, written) is None


def test_unknown_version_note_names_the_minimum() -> None:
    assert "twine 6.1 or later" in (unknown_version_note("twine") or "")
    assert "uv 0.4.16 or later" in (unknown_version_note("uv") or "")
    assert unknown_version_note("hatch") is None
