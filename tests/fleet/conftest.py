"""Fixtures: a fleet of real git checkouts in tmp_path (see fleet_checkouts.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fleet_checkouts import FLEET, TOKEN, git_checkout


@pytest.fixture(scope="session")
def fleet_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("fleet-template")
    fleet = base / "fleet"
    for name, (workflows, _) in FLEET.items():
        git_checkout(fleet / name, workflows, git=not name.endswith("no-git"))
    # Traps: none of these may be discovered as a repository of its own.
    git_checkout(fleet / "acme" / "token-a" / "vendor" / "nested", {"release.yml": TOKEN})
    git_checkout(fleet / "acme" / "node_modules" / "some-package", {"release.yml": TOKEN})
    outside = git_checkout(base / "outside" / "elsewhere", {"release.yml": TOKEN})
    (fleet / "acme" / "linked").symlink_to(outside, target_is_directory=True)
    return fleet


@pytest.fixture
def fleet(fleet_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the fleet (symlinks kept as symlinks), with the cwd above it."""
    copy = tmp_path / "fleet"
    shutil.copytree(fleet_template, copy, symlinks=True)
    outside = fleet_template.parent / "outside"
    if not (tmp_path / "outside").exists():
        shutil.copytree(outside, tmp_path / "outside", symlinks=True)
    (copy / "acme" / "linked").unlink()
    (copy / "acme" / "linked").symlink_to(tmp_path / "outside" / "elsewhere")
    return copy


@pytest.fixture(autouse=True)
def _inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
