"""What `check` asks of the file system per repository: each directory on the way listed once, no
`lstat` of a file unless a symbolic link is on its way (the symlink rule), and `.git/config` read
only when the report names the repository on GitHub."""

from __future__ import annotations

import os
import pathlib
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fleet_checkouts import MIGRATED

from trustpub import checkout as checkout_module
from trustpub.fleet.local import migrate_checkout

RELEASE = """\
on: push
jobs:
  pypi:
    runs-on: ubuntu-latest
    steps:
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
CI = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"


def checkout(root: Path, release: bool) -> Path:
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for i in range(6):
        (workflows / f"ci{i}.yml").write_text(CI)
    if release:
        (workflows / "release.yml").write_text(RELEASE)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(
        '[remote "origin"]\n\turl = git@github.com:acme/pkg.git\n'
    )
    (root / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    return root


def _from_trustpub() -> bool:
    frame = sys._getframe(2)
    for _ in range(6):
        if frame is None:
            return False
        if f"{os.sep}trustpub{os.sep}" in frame.f_code.co_filename:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


class Calls:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.scandir: Counter[str] = Counter()
        self.lstat: list[str] = []
        self.read: list[str] = []


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Calls]:
    found = Calls()
    real_scandir, real_lstat = os.scandir, os.lstat
    real_text, real_bytes = pathlib.Path.read_text, pathlib.Path.read_bytes

    def scandir(path: object = ".") -> object:
        found.scandir[os.fspath(path)] += 1  # type: ignore[arg-type]
        return real_scandir(path)  # type: ignore[arg-type]

    def lstat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if _from_trustpub():  # not pytest's own (its output capture looks at files too)
            found.lstat.append(os.fspath(path))  # type: ignore[arg-type]
        return real_lstat(path, *args, **kwargs)  # type: ignore[arg-type]

    def read_text(self: Path, *args: object, **kwargs: object) -> str:
        found.read.append(str(self))
        return real_text(self, *args, **kwargs)  # type: ignore[arg-type]

    def read_bytes(self: Path) -> bytes:
        found.read.append(str(self))
        return real_bytes(self)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "lstat", lstat)
    monkeypatch.setattr(pathlib.Path, "read_text", read_text)
    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    real_workflow_bytes = checkout_module._read_bytes

    def read_workflow_bytes(path: Path) -> bytes:
        found.read.append(str(path))
        return real_workflow_bytes(path)

    monkeypatch.setattr(checkout_module, "_read_bytes", read_workflow_bytes)
    yield found


def test_each_directory_is_listed_once_and_no_file_is_lstat(tmp_path: Path, calls: Calls) -> None:
    root = checkout(tmp_path / "pkg", release=False)
    calls.clear()  # what making the checkout did
    run = migrate_checkout(root, remote=False)
    assert len(run.files) == 6
    assert calls.scandir == {
        str(root): 1,
        str(root / ".github"): 1,
        str(root / ".github" / "workflows"): 1,
    }
    assert calls.lstat == []
    assert str(root / ".git" / "config") not in calls.read  # nothing in the report names it
    assert run.github is None


def test_the_remote_is_read_when_the_report_names_the_repository(
    tmp_path: Path, calls: Calls
) -> None:
    root = checkout(tmp_path / "pkg", release=True)
    calls.clear()
    run = migrate_checkout(root, remote=False)
    assert run.result.changed_files  # publishers to register: the links need OWNER/REPO
    assert run.github == "acme/pkg"
    assert calls.read.count(str(root / ".git" / "config")) == 1
    # pyproject.toml (the project's name) is checked for links on its way, to stay inside the
    # repository: one `lstat`, no resolving of the directories above the root; no workflow file
    assert not [p for p in calls.lstat if p.endswith(".yml")]
    assert calls.lstat == [str(root / "pyproject.toml")]


def test_a_format_that_always_shows_the_remote_reads_it(tmp_path: Path, calls: Calls) -> None:
    root = checkout(tmp_path / "pkg", release=False)
    assert migrate_checkout(root, remote=True).github == "acme/pkg"


def test_only_a_symlinked_file_is_resolved(tmp_path: Path, calls: Calls) -> None:
    root = checkout(tmp_path / "pkg", release=False)
    workflows = root / ".github" / "workflows"
    (workflows / "linked.yml").symlink_to(workflows / "ci0.yml")
    (tmp_path / "outside.yml").write_text(CI)
    (workflows / "away.yml").symlink_to(tmp_path / "outside.yml")
    calls.clear()
    run = migrate_checkout(root, remote=False)
    assert {f.path for f in run.result.files if f.failure} == {".github/workflows/away.yml"}
    assert "linked.yml" in str(sorted(run.files))
    lstat_of = {Path(p).name for p in calls.lstat}
    assert not lstat_of & {f"ci{i}.yml" for i in range(1, 6)}  # neither links nor their targets


def check_fleet(fleet: Path, *args: str) -> int:
    from typer.testing import CliRunner

    from trustpub.cli import app

    result = CliRunner().invoke(app, ["check", str(fleet), "--jobs", "1", "--quiet", *args])
    return result.exit_code


def test_a_fleet_check_reads_no_remote_that_its_report_does_not_name(
    tmp_path: Path, calls: Calls
) -> None:
    root = checkout(tmp_path / "fleet" / "pkg", release=False)
    (root / ".github" / "workflows" / "release.yml").write_text(MIGRATED)
    calls.clear()
    assert check_fleet(tmp_path / "fleet") == 0
    assert str(root / ".github" / "workflows" / "release.yml") in calls.read
    assert str(root / ".git" / "config") not in calls.read


def test_a_fleet_check_reads_the_remote_once_for_a_report_that_names_it(
    tmp_path: Path, calls: Calls
) -> None:
    root = checkout(tmp_path / "fleet" / "pkg", release=True)
    calls.clear()
    assert check_fleet(tmp_path / "fleet") == 1
    assert calls.read.count(str(root / ".git" / "config")) == 1


def test_config_tables_naming_repositories_read_the_remote_to_match_it(
    tmp_path: Path, calls: Calls
) -> None:
    root = checkout(tmp_path / "fleet" / "pkg", release=False)
    (root / ".github" / "workflows" / "release.yml").write_text(MIGRATED)
    config = tmp_path / "trustpub.toml"
    config.write_text('[repositories."acme/pkg"]\npypi-environment = "release"\n')
    calls.clear()
    assert check_fleet(tmp_path / "fleet", "--config", str(config)) == 0
    assert calls.read.count(str(root / ".git" / "config")) == 1
