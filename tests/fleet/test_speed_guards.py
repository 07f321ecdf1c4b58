"""What keeps trustpub fast, checked by behaviour (never by timing): see bench/ for the figures."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fleet_checkouts import CI, TOKEN, git_checkout, repositories, run

HEAVY = ("github", "libcst")  # PyGithub and libcst: only for the GitHub layer and setup.py


def python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    loaded = python(
        "import sys, trustpub.cli\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    assert loaded.strip() == "[]"


def test_checking_a_token_workflow_loads_no_heavy_library(tmp_path: Path) -> None:
    repo = git_checkout(tmp_path / "acme" / "pkg", {"release.yml": TOKEN}, git=False)
    loaded = python(
        "import sys\n"
        f"sys.argv = ['trustpub', 'check', {str(repo)!r}]\n"
        "from trustpub.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
        "print('tempfile' in sys.modules)"  # only writing (`apply`) needs it
    )
    assert "token publishing" in loaded
    assert loaded.splitlines()[-2:] == ["[]", "False"]


def test_check_uses_the_c_parser_where_installed() -> None:
    pytest.importorskip("_ruamel_yaml", reason="ruamel.yaml.clib is not installed")
    parser = python(
        "from ruamel.yaml import YAML\nprint(YAML(typ='safe', pure=False).Parser.__name__)"
    )
    # ruamel.yaml.clib, not the [libyaml] extra, provides it (validators.md, section 0.12).
    assert parser.strip() == "CParser"


def test_without_the_c_parser_the_results_are_the_same(tmp_path: Path) -> None:
    git_checkout(tmp_path / "fleet" / "acme" / "pkg", {"release.yml": TOKEN, "ci.yml": CI})
    code = (
        "import sys\n"
        "{block}"
        f"sys.argv = ['trustpub', 'diff', {str(tmp_path / 'fleet')!r}, '--format', 'json']\n"
        "from trustpub.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    with_c = python(code.format(block=""))
    pure = python(code.format(block="sys.modules['_ruamel_yaml'] = None  # as if not installed\n"))
    assert json.loads(pure.splitlines()[0]) == json.loads(with_c.splitlines()[0])
    assert repositories(pure) == {"acme/pkg": "changed"}


def test_workflows_that_cannot_upload_are_never_parsed(tmp_path: Path) -> None:
    # Broken YAML, but no word any upload needs (upload-artifact is not one): never parsed.
    broken_ci = CI + "  lint: [\n"
    repo = git_checkout(tmp_path / "fleet" / "acme" / "ci-only", {"ci.yml": broken_ci})
    code, output = run("check", str(repo))
    assert code == 0, output


def test_a_worker_keeps_no_workflow_alive_between_repositories(tmp_path: Path) -> None:
    # Memory must stay flat however many repositories one worker process runs.
    from trustpub.fleet.runner import RepositoryJob, process_repository
    from trustpub.fleet.sources import Target
    from trustpub.rewrite.result import Options
    from trustpub.rewrite.workflow import Workflow

    job = RepositoryJob("diff", Options())
    twine = TOKEN.replace(
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
        "        with:\n          password: ${{ secrets.PYPI_API_TOKEN }}\n",
        "      - run: twine upload dist/*\n"
        "        env:\n          TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n",
    )
    for i in range(6):
        workflows = {"release.yml": TOKEN if i % 2 else twine, "ci.yml": CI}
        repo = git_checkout(tmp_path / "acme" / f"pkg-{i}", workflows, git=False)
        assert process_repository(Target(repo), job).result.outcome.value == "changed"
    gc.collect()
    assert sum(isinstance(o, Workflow) for o in gc.get_objects()) <= 1


def test_a_worker_sends_an_unchanged_file_with_nothing_to_say_as_its_path(tmp_path: Path) -> None:
    # Workers send results to the parent process: a fleet's unchanged files are most of its
    # bytes, and no report shows their text (diffs and columns are of files with findings).
    import pickle

    from trustpub.fleet.runner import RepositoryJob, process_repository
    from trustpub.fleet.sources import Target
    from trustpub.rewrite.result import Options

    other_index = CI.replace(
        "- run: pytest",
        "- run: twine upload --repository-url https://pkgs.example.com/simple dist/*\n"
        "        env: {TWINE_PASSWORD: '${{ secrets.PYPI_TOKEN }}'}",
    )
    assert other_index != CI
    workflows = {"release.yml": TOKEN, "ci.yml": CI, "private.yml": other_index}
    repo = git_checkout(tmp_path / "acme" / "pkg", workflows, git=False)
    report = process_repository(Target(repo), RepositoryJob("diff", Options()))
    sent = pickle.dumps(report)
    assert CI.encode() not in sent
    received = pickle.loads(sent)
    assert received.result.outcome == report.result.outcome
    before = {f.path: f for f in report.result.files}
    after = {f.path: f for f in received.result.files}
    assert list(after) == list(before)
    ci = after[".github/workflows/ci.yml"]
    assert (ci.original, ci.text, ci.status.value) == ("", "", "unchanged")
    for path in (".github/workflows/release.yml", ".github/workflows/private.yml"):
        assert after[path] == before[path]  # changed, or with something to say: whole
    assert after[".github/workflows/private.yml"].skips  # an upload to another index


@pytest.mark.parametrize(
    "text",
    [
        "uses: pypa/gh-action-pypi-publish@release/v1",
        "run: python -m twine upload dist/*",
        "run: uv publish",
        "run: pdm publish",
        "run: poetry publish --build",
        "run: hatch publish",
        "run: flit publish",
        "run: maturin upload target/wheels/*",
        "uses: PyO3/maturin-action@v1\nwith: {command: upload}",
        "env: {FLIT_PASSWORD: x}\nrun: ./release.sh",
        "env: {HATCH_INDEX_AUTH: x}\nrun: make release",
        "env: {T: '${{ secrets.UPLOAD_TOKEN }}'}\nrun: tox -e release",
        "env: {T: '${{ secrets.POETRY_AUTH }}'}\nrun: make dist",
    ],
)
def test_the_pre_filter_lets_every_upload_through(text: str) -> None:
    from trustpub.rewrite.engine import may_publish

    assert may_publish(text)


@pytest.mark.parametrize(
    "text",
    [CI, "run: poetry install && poetry run pytest", "uses: actions/upload-pages-artifact@v3"],
)
def test_the_pre_filter_stops_ordinary_ci(text: str) -> None:
    from trustpub.rewrite.engine import may_publish

    assert not may_publish(text)
