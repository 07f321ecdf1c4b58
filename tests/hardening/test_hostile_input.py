"""Broken and hostile input: a clear message, no traceback, nothing changed on disk."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustpub import checkout
from trustpub.cli import app
from trustpub.project import ProjectName
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import Status

PUBLISH = """\
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""


def lookup(directory: str) -> ProjectName:
    return ProjectName("demo", "test")


def billion_laughs() -> str:
    lines = ['a: &a ["publish", "publish"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    lines.append(
        "jobs: {x: {runs-on: ubuntu-latest, steps: [{uses: pypa/gh-action-pypi-publish@v1}]}}"
    )
    return "\n".join(lines) + "\n"


def deep_nesting() -> str:
    return "jobs:\n  publish:\n    x: " + "[" * 60_000 + "]" * 60_000 + "\n"


@dataclass(frozen=True)
class Case:
    text: str
    message: str  # a substring of the failure message


ENGINE_CASES = {
    "invalid-yaml": Case("on: push\njobs:\n  publish: [\n", "expected"),
    "duplicate-keys": Case(PUBLISH + "jobs:\n  x: {}\n", "duplicate"),
    "tab-indentation": Case("jobs:\n\tpublish:\n\t\truns-on: x\n", "tab"),
    "nul-byte": Case("name: publish\0\n", "NUL"),
    "empty-file": Case("\n\n", "empty"),
    "only-comments": Case("# publish later\n", "empty"),
    "list-document": Case("- publish\n- upload\n", "mapping"),
    "jobs-not-a-mapping": Case("on: push\njobs: [publish]\n", "`jobs:` must be a mapping"),
    "yaml-bomb": Case(billion_laughs(), "alias"),
    "deep-nesting": Case(deep_nesting(), "nested too deeply"),
    "recursive-alias": Case(PUBLISH + "x: &loop [publish, *loop]\n", "refers to itself"),
    "recursive-alias-in-a-mapping": Case(PUBLISH + "x: &m {a: {b: *m}}\n", "refers to itself"),
    "multiple-documents": Case(PUBLISH + "---\n" + PUBLISH, "another document"),
    "unknown-tag": Case(PUBLISH.replace("ubuntu-latest", "!Ref ubuntu-latest"), "!Ref"),
    "list-as-a-key": Case("on: push\njobs:\n  ? [publish]\n  : {runs-on: x}\n", "key"),
    "lone-surrogate": Case(PUBLISH + "# \udcff\n", "UTF-8"),
}


@pytest.mark.parametrize("name", sorted(ENGINE_CASES))
def test_engine_refuses_with_a_clear_message(name: str) -> None:
    case = ENGINE_CASES[name]
    result = rewrite_workflow(case.text, "x.yml", lookup)
    assert result.status is Status.FAILED
    assert result.failure is not None
    assert case.message.lower() in result.failure.message.lower()
    assert result.text == case.text


def test_yaml_bomb_is_refused_quickly_and_small() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    rewrite_workflow(billion_laughs(), "x.yml", lookup)
    assert time.perf_counter() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB


def test_ten_megabyte_workflow_is_handled() -> None:
    blob = "".join(f"          {i:08d}" + "QUJD" * 30 + "\n" for i in range(80_000))
    filler = "  blobs:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n" + blob
    text = PUBLISH + filler
    assert len(text) > 10_000_000
    result = rewrite_workflow(text, "x.yml", lookup)
    assert result.status is Status.CHANGED
    assert result.text.endswith(filler)


# -- on disk ------------------------------------------------------------------------------------


def make_repo(root: Path) -> Path:
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    return workflows


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


Setup = Callable[[Path, Path], None]


def symlink_outside(repo: Path, workflows: Path) -> None:
    outside = repo.parent / "outside.yml"
    outside.write_text(PUBLISH)
    (workflows / "linked.yml").symlink_to(outside)


def directory_named_yml(repo: Path, workflows: Path) -> None:
    (workflows / "x.yml").mkdir()


def non_utf8(repo: Path, workflows: Path) -> None:
    (workflows / "release.yml").write_bytes(PUBLISH.encode() + b"# caf\xe9\n")


DISK_CASES: dict[str, tuple[Setup, str]] = {
    "symlink-outside-repository": (symlink_outside, "outside the repository"),
    "directory-named-x.yml": (directory_named_yml, "a directory"),
    "non-utf8-bytes": (non_utf8, "not valid UTF-8"),
}


@pytest.mark.parametrize("name", sorted(DISK_CASES))
def test_apply_refuses_and_changes_nothing(tmp_path: Path, name: str) -> None:
    setup, message = DISK_CASES[name]
    repo = tmp_path / "repo"
    workflows = make_repo(repo)
    setup(repo, workflows)
    before = snapshot(tmp_path)
    code, output = run("apply", str(repo), "--color", "never")
    assert code == 3, output
    assert message in output
    assert "Traceback" not in output
    assert snapshot(tmp_path) == before


def test_read_only_file_is_a_clear_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root in CI, where chmod cannot make a file unwritable: refuse the rename.
    repo = tmp_path / "repo"
    workflows = make_repo(repo)
    (workflows / "release.yml").write_text(PUBLISH)

    def refuse(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("trustpub.checkout.os.replace", refuse)
    code, output = run("apply", str(repo), "--color", "never")
    assert code == 3
    assert "cannot be written (Permission denied)" in output
    assert (workflows / "release.yml").read_text() == PUBLISH
    assert sorted(p.name for p in workflows.iterdir()) == ["release.yml"]


def test_file_deleted_between_listing_and_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    workflows = make_repo(repo)
    (workflows / "release.yml").write_text(PUBLISH)
    from trustpub.fleet import local

    listed = local.find_workflows(repo)

    def vanished(root: Path) -> list[checkout.Found]:
        (workflows / "release.yml").unlink()
        return listed

    monkeypatch.setattr(local, "find_workflows", vanished)
    code, output = run("apply", str(repo), "--color", "never")
    assert code == 3
    assert "disappeared" in output


def test_file_changed_between_reading_and_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    workflows = make_repo(repo)
    path = workflows / "release.yml"
    path.write_text(PUBLISH)
    from trustpub import checkout

    real_write = checkout.write_atomically

    def edited_meanwhile(file: checkout.WorkflowFile, text: str) -> None:
        path.write_text(PUBLISH + "# edited by someone else\n")
        real_write(file, text)

    monkeypatch.setattr("trustpub.fleet.local.write_atomically", edited_meanwhile)
    code, output = run("apply", str(repo), "--color", "never")
    assert code == 3
    assert "changed on disk" in output
    assert path.read_text() == PUBLISH + "# edited by someone else\n"


def test_nothing_is_written_outside_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    workflows = make_repo(repo)
    text = PUBLISH.replace(
        "password: ${{ secrets.PYPI_API_TOKEN }}",
        "password: ${{ secrets.PYPI_API_TOKEN }}\n          packages-dir: ../../../../etc/dist",
    )
    (workflows / "release.yml").write_text(text)
    outside_before = {p for p in tmp_path.rglob("*") if not str(p).startswith(str(repo))}
    code, _ = run("apply", str(repo), "--color", "never")
    assert code in (0, 3)
    assert {p for p in tmp_path.rglob("*") if not str(p).startswith(str(repo))} == outside_before
    leftovers = [p.name for p in workflows.iterdir() if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.parametrize("name", sorted(set(ENGINE_CASES) - {"lone-surrogate"}))
def test_apply_on_disk_reports_the_case_and_changes_nothing(tmp_path: Path, name: str) -> None:
    # The engine's table, on disk (a lone surrogate cannot be written as UTF-8): the run says
    # what is wrong and where, and leaves every byte as it was.
    case = ENGINE_CASES[name]
    repo = tmp_path / "repo"
    workflows = make_repo(repo)
    (workflows / "release.yml").write_text(case.text, encoding="utf-8", newline="")
    before = snapshot(tmp_path)
    code, output = run("apply", str(repo), "--color", "never")
    assert code == 3, output
    assert "release.yml" in output and case.message.lower() in output.lower()
    assert "Traceback" not in output
    assert snapshot(tmp_path) == before
