"""An organisation the size the cost targets speak of (issue 15): 1,000 repositories, 100 of them
publishing to PyPI with a token. Every repository has workflow files, the worst case for reading:
a repository without any costs nothing beyond the listing.

Shared by tests/bot/test_costs.py (which asserts the targets) and bench/bot.py (which prints them).
"""

from __future__ import annotations

from fake_github import FakeGitHub

ORG = "bigcorp"
PUBLISH = """\
name: Release
on:
  release:
    types: [published]
jobs:
  pypi:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: python -m pip install build && python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
CI = """\
name: CI
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python: ["3.10", "3.11", "3.12", "3.13"]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python }}
      - run: python -m pip install -e .[test]
      - run: python -m pytest -q
"""
LINT = """\
name: Lint
on: [pull_request]
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pipx run ruff check .
"""


def pyproject(name: str) -> str:
    return f'[project]\nname = "{name}"\nversion = "1.0"\n'


def build_big_org(fake: FakeGitHub, repositories: int = 1000, publishers: int = 100) -> list[str]:
    """The organisation; returns the repositories that need a pull request."""
    fake.add_org(ORG)
    every = repositories // publishers
    needs: list[str] = []
    for i in range(repositories):
        name = f"{ORG}/repo-{i:04d}"
        files = {".github/workflows/ci.yml": CI, "pyproject.toml": pyproject(f"bigcorp-{i:04d}")}
        if i % 3 == 0:
            files[".github/workflows/lint.yml"] = LINT
        if i % every == 0 and len(needs) < publishers:
            files[".github/workflows/release.yml"] = PUBLISH
            needs.append(name)
        fake.add_repo(name, files=files)
    return needs
