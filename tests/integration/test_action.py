"""action.yml, run as the Actions runner would: each step's `run:` through `bash -e`, with the
step's `env:` (inputs substituted) and the variables Actions sets (RUNNER_TEMP,
GITHUB_ACTION_PATH, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_WORKSPACE), offline."""

from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from fake_github import FakeGitHub
from trustpub.action import InputError, Inputs

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "fixtures" / "demo"
ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*([a-z]+)\.([a-z-]+)\s*\}\}")
TOKEN = "ghp_ActionTestToken0123456789abcdefABCDEF"


def steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = ACTION["runs"]["steps"]
    return steps


def evaluate(text: str, inputs: dict[str, str], strategy: dict[str, str]) -> str:
    """The only expressions action.yml may use in `env:`: inputs and the matrix's place."""
    defaults = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}

    def one(found: re.Match[str]) -> str:
        context, name = found.groups()
        if context == "inputs":
            assert name in ACTION["inputs"], f"no input {name}"
            return inputs.get(name, defaults[name])
        assert context == "strategy", found.group(0)
        return strategy.get(name, "")

    return EXPRESSION.sub(one, text)


class Runner:
    """The runner's side: a workspace, RUNNER_TEMP, the files GitHub reads back."""

    def __init__(self, tmp_path: Path, workspace: Path) -> None:
        self.workspace = workspace
        self.temp = tmp_path / "runner-temp"
        self.temp.mkdir()
        self.summary = tmp_path / "step-summary.md"
        self.output = tmp_path / "github-output"
        self.action_path = ROOT

    def environment(self, **more: str) -> dict[str, str]:
        plain = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
        return {
            **plain,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_ACTION_PATH": str(self.action_path),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_OUTPUT": str(self.output),
            **more,
        }

    def step(
        self,
        step: dict[str, Any],
        inputs: dict[str, str],
        strategy: dict[str, str] | None = None,
        **more: str,
    ) -> subprocess.CompletedProcess[str]:
        assert step["shell"] == "bash"
        env = {k: evaluate(str(v), inputs, strategy or {}) for k, v in step.get("env", {}).items()}
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.workspace,
            env={**self.environment(**more), **env},
            capture_output=True,
            text=True,
            timeout=600,
        )

    def with_this_python(self) -> None:
        """What the install step leaves: $RUNNER_TEMP/trustpub/bin/python with trustpub."""
        bin_dir = self.temp / "trustpub" / "bin"
        bin_dir.mkdir(parents=True)
        python = bin_dir / "python"
        python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        python.chmod(0o755)

    def run(self, inputs: dict[str, str], **more: str) -> subprocess.CompletedProcess[str]:
        return self.step(steps()[-1], inputs, **more)

    def outputs(self) -> dict[str, str]:
        lines = self.output.read_text().splitlines() if self.output.exists() else []
        return dict(line.split("=", 1) for line in lines)


@pytest.fixture
def demo(tmp_path: Path) -> Runner:
    workspace = tmp_path / "workspace"
    shutil.copytree(DEMO, workspace)
    runner = Runner(tmp_path, workspace)
    runner.with_this_python()
    return runner


def test_the_action_is_a_composite_action_whose_scripts_take_no_expressions() -> None:
    assert ACTION["runs"]["using"] == "composite"
    install, run = steps()
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    assert run["run"] == '"$RUNNER_TEMP/trustpub/bin/python" -m trustpub.action'
    for step in steps():
        assert "${{" not in step["run"]  # no template injection: inputs go through env
    variables = set(run["env"])
    for name in ACTION["inputs"]:
        if name != "python":
            assert f"TRUSTPUB_{name.upper().replace('-', '_')}" in variables, name
    for name, spec in ACTION["outputs"].items():
        assert spec["value"] == f"${{{{ steps.trustpub.outputs.{name} }}}}"


def test_action_yml_follows_github_s_schema() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    if not checker.exists():
        pytest.skip("check-jsonschema is not installed (the test extra)")
    done = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-actions", str(ROOT / "action.yml")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_check_annotates_summarises_and_fails(demo: Runner) -> None:
    done = demo.run({"sarif-file": "trustpub.sarif"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=.github/workflows/release.yml,line=33,col=9," in done.stdout
    summary = demo.summary.read_text()
    assert summary.startswith("### .: changed")
    assert "**Register these trusted publishers before merging:**" in summary
    sarif = json.loads((demo.workspace / "trustpub.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 1
    assert demo.outputs() == {"token-uploads": "1", "exit-code": "1"}


def test_check_can_report_without_failing(demo: Runner) -> None:
    done = demo.run({"fail-on-findings": "false"})
    assert done.returncode == 0
    assert "::error file=" in done.stdout
    assert demo.outputs() == {"token-uploads": "1", "exit-code": "1"}


def test_check_passes_on_a_migrated_workflow(demo: Runner) -> None:
    subprocess.run(
        [sys.executable, "-m", "trustpub", "apply", str(demo.workspace)],
        check=True,
        capture_output=True,
    )
    done = demo.run({})
    assert done.returncode == 0, done.stdout
    assert "::error" not in done.stdout
    assert demo.outputs() == {"token-uploads": "0", "exit-code": "0"}
    assert "### .: migrated" in demo.summary.read_text()


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"mode": "publish"}, "mode: 'publish' is neither check nor bot"),
        ({"fail-on-findings": "yes"}, "fail-on-findings: 'yes' is neither true nor false"),
        ({"mode": "bot", "shard": "auto", "org": "acme"}, "shard: auto needs a matrix job"),
        ({"mode": "bot"}, "mode: bot needs org, repositories or a config"),
        ({"args": "--label 'ci"}, "args: No closing quotation"),
    ],
)
def test_bad_inputs_are_error_annotations(
    demo: Runner, inputs: dict[str, str], message: str
) -> None:
    done = demo.run(inputs)
    assert done.returncode == 2
    assert f"::error title=trustpub action::{message}" in done.stdout


def test_shard_auto_is_the_job_s_place_in_its_matrix() -> None:
    env = {"TRUSTPUB_SHARD": "auto", "TRUSTPUB_JOB_INDEX": "2", "TRUSTPUB_JOB_TOTAL": "4"}
    assert Inputs.from_environment(env).shard == "3/4"
    assert Inputs.from_environment({"TRUSTPUB_SHARD": "1/2"}).shard == "1/2"
    with pytest.raises(InputError):
        Inputs.from_environment({"TRUSTPUB_SHARD": "auto"})


def test_bot_mode_uses_the_token_input_and_the_matrix_shard(tmp_path: Path) -> None:
    runner = Runner(tmp_path, tmp_path)
    runner.with_this_python()
    with FakeGitHub(token=TOKEN) as fake:
        fake.add_org("acme")
        for i in range(6):
            fake.add_repo(f"acme/pkg-{i}", files={"README.md": "# pkg\n"})
        counts = []
        for index in ("0", "1"):
            runner.summary.unlink(missing_ok=True)
            inputs = {
                "mode": "bot",
                "org": "acme",
                "shard": "auto",
                "github-token": TOKEN,
                "args": f"--base-url {fake.base_url} --write-interval 0 --dry-run",
            }
            done = runner.step(
                steps()[-1], inputs, {"job-index": index, "job-total": "2"}, GITHUB_TOKEN="wrong"
            )
            assert done.returncode == 0, done.stdout + done.stderr
            assert TOKEN not in done.stdout + done.stderr
            found = re.search(r"^(\d+) repositories: ", runner.summary.read_text(), re.M)
            assert found is not None, runner.summary.read_text()
            counts.append(int(found[1]))
        assert sum(counts) == 6 and all(0 < n < 6 for n in counts)  # two slices of one org
        assert fake.requests.writes == []


def test_the_install_step_installs_the_action_s_own_trustpub(tmp_path: Path) -> None:
    """Offline: the build backend and the dependencies come from this environment."""
    pytest.importorskip("hatchling", reason="needs the build backend (the test extra)")
    action_copy = tmp_path / "action"
    action_copy.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "src"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, action_copy / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy(source, action_copy / name)
    workspace = tmp_path / "workspace"
    shutil.copytree(DEMO, workspace)
    runner = Runner(tmp_path, workspace)
    runner.action_path = action_copy
    offline = {
        "PIP_NO_INDEX": "1",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_BUILD_ISOLATION": "0",
        "PYTHONPATH": os.pathsep.join(site.getsitepackages()),
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    installed = runner.step(steps()[0], {"python": sys.executable}, **offline)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    python = runner.temp / "trustpub" / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import trustpub; print(trustpub.__file__)"],
        capture_output=True,
        text=True,
        env=runner.environment(**offline),
        check=True,
    ).stdout
    assert where.startswith(str(runner.temp))
    done = runner.step(steps()[-1], {}, **offline)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=.github/workflows/release.yml,line=33" in done.stdout
