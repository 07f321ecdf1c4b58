"""Nothing is written outside the repository being processed, whatever paths its workflows hold
or its files point to: `apply` on one checkout and on a fleet directory, files compared byte for
byte (and link for link) over the whole temporary tree before and after.

The traps: upload paths and working directories that climb out (`../../outside`, absolute),
a workflow file that is a symlink to another repository's workflow, a `.github` directory and a
`.github/workflows` directory that are symlinks out of the tree, a workflow that is a hard link
to a file outside (an in-place write would change both), and file names with spaces, Unicode
and leading dashes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustpub.cli import app

UPLOAD = """\
on:
  push:
    tags: ["v*"]
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m build --outdir {dist}
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          packages-dir: {dist}
          password: ${{{{ secrets.PYPI_API_TOKEN }}}}
  tools:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: {dist}
    steps:
      - run: twine upload -u __token__ -p ${{{{ secrets.PYPI_API_TOKEN }}}} {dist}/*
"""
OUTSIDE_PATHS = ("../../../outside/dist", "/etc/trustpub-dist", "../" * 12 + "tmp/x")


def checkout(root: Path, workflows: dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text("[core]\n\tbare = false\n")
    (root / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    directory = root / ".github" / "workflows"
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in workflows.items():
        (directory / name).write_text(text)
    return root


def build_tree(base: Path) -> tuple[Path, Path]:
    """A fleet of checkouts full of traps, and a directory outside it with files to protect."""
    outside = base / "outside"
    (outside / "workflows").mkdir(parents=True)
    (outside / "workflows" / "release.yml").write_text(UPLOAD.format(dist="dist"))
    (outside / "hard.yml").write_text(UPLOAD.format(dist="dist"))
    fleet = base / "fleet"
    climbing = {f"climb-{n}.yml": UPLOAD.format(dist=d) for n, d in enumerate(OUTSIDE_PATHS)}
    named = {"release 🚀.yml": UPLOAD.format(dist="dist"), "-rf.yml": UPLOAD.format(dist="dist")}
    checkout(fleet / "first", {**climbing, **named})
    second = checkout(fleet / "second", {})
    (second / "ci").mkdir()
    (second / "ci" / "publish.yml").write_text(UPLOAD.format(dist="dist"))  # not a workflow
    linked = checkout(fleet / "linked-file", {})
    (linked / ".github" / "workflows" / "release.yml").symlink_to(second / "ci" / "publish.yml")
    github_out = fleet / "github-out"
    (github_out / ".git").mkdir(parents=True)
    (github_out / ".github").symlink_to(outside, target_is_directory=True)
    workflows_out = fleet / "workflows-out"
    (workflows_out / ".github").mkdir(parents=True)
    (workflows_out / ".git").mkdir()
    (workflows_out / ".github" / "workflows").symlink_to(
        outside / "workflows", target_is_directory=True
    )
    hard = checkout(fleet / "hard-link", {})
    os.link(outside / "hard.yml", hard / ".github" / "workflows" / "release.yml")
    return fleet, outside


def snapshot(root: Path) -> dict[str, tuple[str, bytes]]:
    found: dict[str, tuple[str, bytes]] = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink():
            found[name] = ("link", os.readlink(path).encode())
        elif path.is_file():
            found[name] = ("file", path.read_bytes())
    return found


def changed_files(
    before: dict[str, tuple[str, bytes]], after: dict[str, tuple[str, bytes]]
) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


@pytest.mark.parametrize("where", ["fleet", "each checkout", "each workflow file"])
def test_apply_writes_only_workflows_of_the_repository_it_processes(
    tmp_path: Path, where: str
) -> None:
    fleet, outside = build_tree(tmp_path)
    before = snapshot(tmp_path)
    outside_before = snapshot(outside)
    if where == "fleet":
        runs = [[str(fleet)]]
    elif where == "each checkout":
        runs = [[str(p)] for p in sorted(fleet.iterdir())]
    else:
        runs = [[str(p)] for p in sorted(fleet.glob("*/.github/workflows/*.yml"))]
    for paths in runs:
        result = CliRunner().invoke(app, ["apply", *paths, "--color", "never", "-j", "1"])
        assert result.exit_code in (0, 3), result.output
        assert "Traceback" not in result.output
    changed = changed_files(before, snapshot(tmp_path))
    allowed = {
        f"fleet/first/.github/workflows/{name}"
        for name in ("climb-0.yml", "climb-1.yml", "climb-2.yml", "release 🚀.yml", "-rf.yml")
    }
    # The hard-linked workflow is the repository's own file: it may change, its twin outside not.
    allowed.add("fleet/hard-link/.github/workflows/release.yml")
    assert changed <= allowed, sorted(changed - allowed)
    assert "fleet/first/.github/workflows/release 🚀.yml" in changed  # the run did migrate
    assert snapshot(outside) == outside_before
    leftovers = [p for p in tmp_path.rglob(".*") if p.name not in (".git", ".github")]
    assert not leftovers, leftovers
