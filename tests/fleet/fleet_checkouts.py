"""The test fleet: real git checkouts with token publishers, migrated, broken, and traps."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from trustpub.cli import app

TOKEN = """\
name: Release
on:
  release:
    types: [published]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
MIGRATED = """\
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
"""
CI = """\
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pytest
      - uses: actions/upload-artifact@v4
        with: {name: coverage, path: .coverage}
"""
BROKEN = "on: push\njobs:\n  publish: [\n"

# repository (relative to the fleet) -> (workflow files, outcome of `diff`)
FLEET: dict[str, tuple[dict[str, str], str]] = {
    "acme/broken": ({"release.yml": BROKEN, "ci.yml": CI}, "failed"),
    "acme/migrated": ({"release.yml": MIGRATED}, "migrated"),
    "acme/plain": ({"ci.yml": CI}, "unchanged"),
    "acme/token-a": ({"release.yml": TOKEN}, "changed"),
    "acme/token-b": ({"ci.yml": CI, "publish.yaml": TOKEN}, "changed"),
    "zeta/no-git": ({"release.yml": TOKEN}, "changed"),  # `.github/workflows` makes a checkout
}
HEALTHY = [name for name, (_, outcome) in FLEET.items() if outcome != "failed"]


def git_checkout(root: Path, workflows: dict[str, str], git: bool = True) -> Path:
    directory = root / ".github" / "workflows"
    directory.mkdir(parents=True)
    for name, text in workflows.items():
        (directory / name).write_text(text, encoding="utf-8")
    (root / "pyproject.toml").write_text(f'[project]\nname = "{root.name}"\n')
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        url = f"https://github.com/{root.parent.name}/{root.name}.git"
        subprocess.run(["git", "-C", str(root), "remote", "add", "origin", url], check=True)
    return root


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def json_lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def repositories(output: str) -> dict[str, str]:
    """Repository path relative to the fleet -> outcome, in the order printed."""
    found: dict[str, str] = {}
    for record in json_lines(output):
        if record["type"] == "repository":
            name = str(record["name"])
            found[name.split("/fleet/", 1)[1]] = str(record["outcome"])
    return found
