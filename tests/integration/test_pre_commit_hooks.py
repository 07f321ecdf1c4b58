"""The hooks in .pre-commit-hooks.yaml, run by pre-commit itself against temporary git
repositories, offline: `pre-commit try-repo` (what a hook author runs), and `pre-commit run`
with a `.pre-commit-config.yaml` naming the hooks' repository and rev (what a user runs).

pre-commit builds the hook's environment as it would for a user (`virtualenv`, then
`pip install .` of a copy of this project), but pip may not reach any index: the build backend
and trustpub's dependencies come from this test environment's site-packages (PYTHONPATH), and
trustpub itself is installed into the hook's environment from the copy.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "fixtures" / "demo"
COPIED = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml", "src")
GIT = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}
COMPOSITE = """name: publish
runs:
  using: composite
  steps:
    - run: twine upload dist/*
      shell: bash
      env:
        TWINE_PASSWORD: ${{ inputs.token }}
"""

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None
    or shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is None,
    reason="needs git and pre-commit (the dev extra)",
)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=_env())


def _env(**more: str) -> dict[str, str]:
    return {**os.environ, **GIT, "HOME": os.environ.get("HOME", "/tmp"), **more}


def repository(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "start")
    return path


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed copy of this project: what pre-commit clones from a `repo:` URL."""
    copy = tmp_path_factory.mktemp("hooks") / "trustpub"
    copy.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    git(copy, "init", "-q", "-b", "main")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "-m", "hooks")
    return copy


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's home for `pre-commit run`, shared: the hook environment is installed once
    (`try-repo` always installs into a temporary one)."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _offline(cache: Path) -> dict[str, str]:
    return _env(
        PRE_COMMIT_HOME=str(cache),
        PIP_NO_INDEX="1",
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_BUILD_ISOLATION="0",  # pip reads this as --no-build-isolation
        PYTHONPATH=os.pathsep.join(site.getsitepackages()),
        HTTP_PROXY="http://127.0.0.1:9",  # nothing may reach the network
        HTTPS_PROXY="http://127.0.0.1:9",
        NO_COLOR="1",
    )


def pre_commit(cache: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    program = Path(sys.executable).parent / "pre-commit"
    return subprocess.run(
        [str(program), *args, "--all-files", "--color", "never"],
        cwd=cwd,
        env=_offline(cache),
        capture_output=True,
        text=True,
        timeout=600,
    )


def try_repo(hooks: Path, cache: Path, target: Path, hook: str) -> subprocess.CompletedProcess[str]:
    return pre_commit(cache, target, "try-repo", str(hooks), hook)


def configured(hooks: Path, target: Path) -> Path:
    """The target with a .pre-commit-config.yaml that uses both hooks at the hooks' HEAD."""
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=hooks, capture_output=True, text=True, check=True
    ).stdout.strip()
    config = (
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n"
        "      - id: trustpub-fix\n      - id: trustpub-check\n"
    )
    (target / ".pre-commit-config.yaml").write_text(config)
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "pre-commit")
    return target


def demo_files() -> dict[str, str]:
    return {
        str(p.relative_to(DEMO)): p.read_text(encoding="utf-8")
        for p in DEMO.rglob("*")
        if p.is_file()
    }


def test_check_fails_on_a_token_upload_and_names_it(
    hooks: Path, cache: Path, tmp_path: Path
) -> None:
    target = repository(tmp_path / "project", demo_files())
    done = try_repo(hooks, cache, target, "trustpub-check")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "trustpub check (no PyPI token uploads in GitHub Actions)...Failed" in _dots(done)
    assert ".github/workflows/release.yml:33:9: token publishing" in done.stdout


def test_fix_migrates_then_check_passes(hooks: Path, cache: Path, tmp_path: Path) -> None:
    target = repository(tmp_path / "project", demo_files())
    workflow = target / ".github" / "workflows" / "release.yml"
    before = workflow.read_text()
    fixed = try_repo(hooks, cache, target, "trustpub-fix")
    assert fixed.returncode == 1  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in fixed.stdout
    assert workflow.read_text() != before
    assert "id-token: write" in workflow.read_text()
    assert "PYPI_API_TOKEN" not in workflow.read_text()
    checked = try_repo(hooks, cache, target, "trustpub-check")
    assert checked.returncode == 0, checked.stdout


def test_both_hooks_from_a_pre_commit_config(hooks: Path, cache: Path, tmp_path: Path) -> None:
    target = configured(hooks, repository(tmp_path / "project", demo_files()))
    first = pre_commit(cache, target, "run")
    assert first.returncode == 1
    assert "trustpub apply (migrate PyPI uploads to trusted publishing)...Failed" in _dots(first)
    assert "trustpub check (no PyPI token uploads in GitHub Actions)...Passed" in _dots(first)
    second = pre_commit(cache, target, "run")
    assert second.returncode == 0, second.stdout  # nothing left to change
    installed = list(cache.glob("repo*/py_env-*/lib/python*/site-packages/trustpub/cli.py"))
    assert installed, "trustpub was not installed into the hook's environment"


def test_only_workflows_and_composite_actions_are_passed(
    hooks: Path, cache: Path, tmp_path: Path
) -> None:
    token = (DEMO / ".github" / "workflows" / "release.yml").read_text()
    clean = repository(
        tmp_path / "clean",
        {
            "pyproject.toml": '[project]\nname = "x"\n',
            "docs/examples/release.yml": token,  # an example in the docs, not a workflow
            ".github/workflows/drafts/release.yml": token,  # GitHub runs no subdirectory
            ".github/dependabot.yml": "version: 2\n",
        },
    )
    done = pre_commit(cache, configured(hooks, clean), "run", "trustpub-check")
    assert done.returncode == 0, done.stdout
    assert "(no files to check)Skipped" in done.stdout
    action = repository(
        tmp_path / "action",
        {
            "pyproject.toml": '[project]\nname = "x"\n',
            ".github/actions/publish/action.yml": COMPOSITE,
        },
    )
    found = pre_commit(cache, configured(hooks, action), "run", "trustpub-check")
    assert found.returncode == 1, found.stdout
    assert ".github/actions/publish/action.yml" in found.stdout
    assert "composite action" in found.stdout


def test_it_runs_from_a_subdirectory_of_any_repository(
    hooks: Path, cache: Path, tmp_path: Path
) -> None:
    target = repository(
        tmp_path / "elsewhere" / "project", {**demo_files(), "docs/index.md": "x\n"}
    )
    configured(hooks, target)
    done = pre_commit(cache, target / "docs", "run", "trustpub-check")
    assert done.returncode == 1, done.stdout + done.stderr
    assert ".github/workflows/release.yml:33:9: token publishing" in done.stdout


def _dots(done: subprocess.CompletedProcess[str]) -> str:
    """pre-commit's status lines with the run of dots shortened to three."""
    import re

    return re.sub(r"\.{4,}", "...", done.stdout)
