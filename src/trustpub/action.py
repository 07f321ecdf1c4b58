"""The GitHub Action (action.yml at the repository's root) as a program: `python -m
trustpub.action`.

The composite action installs trustpub and runs this with its inputs in `TRUSTPUB_*` variables
(never interpolated into a script). `mode: check` runs `trustpub check` with annotations on the
workflow lines (`--format github`), appends the Markdown report to `$GITHUB_STEP_SUMMARY`, writes
SARIF where `sarif-file` says, and sets the `token-uploads` output; `mode: bot` runs
`trustpub bot` with the token from the `github-token` input and `--shard` from the input (or
`auto`: from the job's place in its matrix).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from trustpub.exit_codes import EXIT_CHANGES_NEEDED, EXIT_OK, EXIT_USAGE

MODES = ("check", "bot")


class InputError(Exception):
    """An input the action cannot use; shown as an error annotation, exit 2."""


@dataclass(frozen=True)
class Inputs:
    mode: str
    paths: tuple[str, ...]
    config: str
    sarif_file: str
    fail_on_findings: bool
    args: tuple[str, ...]
    org: str
    repositories: tuple[str, ...]
    shard: str
    token: str

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> Inputs:
        def value(name: str, default: str = "") -> str:
            return env.get(f"TRUSTPUB_{name}", "").strip() or default

        mode = value("MODE", "check").lower()
        if mode not in MODES:
            raise InputError(f"mode: {mode!r} is neither check nor bot")
        failing = value("FAIL_ON_FINDINGS", "true").lower()
        if failing not in ("true", "false"):
            raise InputError(f"fail-on-findings: {failing!r} is neither true nor false")
        try:
            args = tuple(shlex.split(value("ARGS")))
        except ValueError as error:
            raise InputError(f"args: {error}") from None
        return cls(
            mode=mode,
            paths=_lines(value("PATHS", ".")),
            config=value("CONFIG"),
            sarif_file=value("SARIF_FILE"),
            fail_on_findings=failing == "true",
            args=args,
            org=value("ORG"),
            repositories=_lines(value("REPOSITORIES")),
            shard=_shard(value("SHARD"), env),
            token=env.get("TRUSTPUB_GITHUB_TOKEN", ""),
        )


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _shard(text: str, env: Mapping[str, str]) -> str:
    """`I/N` as given; `auto`: this job's place in its matrix (strategy.job-index/-total)."""
    if text != "auto":
        return text
    index, total = env.get("TRUSTPUB_JOB_INDEX", ""), env.get("TRUSTPUB_JOB_TOTAL", "")
    if not (index.isdigit() and total.isdigit()) or int(total) < 1:
        raise InputError("shard: auto needs a matrix job (strategy.job-index and job-total)")
    return f"{int(index) + 1}/{total}"


def check_commands(inputs: Inputs) -> dict[str, list[str]]:
    """The `trustpub check` runs: annotations, the Markdown summary, and SARIF if asked."""
    base = ["check", *inputs.paths, *_config(inputs), *inputs.args]
    commands = {
        "github": [*base, "--format", "github"],
        "markdown": [*base, "--format", "markdown"],
    }
    if inputs.sarif_file:
        commands["sarif"] = [*base, "--format", "sarif"]
    return commands


def bot_command(inputs: Inputs, summary: str | None) -> list[str]:
    command = ["bot", *_config(inputs)]
    if inputs.org:
        command += ["--org", inputs.org]
    for name in inputs.repositories:
        command += ["--repo", name]
    if inputs.shard:
        command += ["--shard", inputs.shard]
    if summary:
        command += ["--summary-md", summary]
    return [*command, *inputs.args]


def _config(inputs: Inputs) -> list[str]:
    return ["--config", inputs.config] if inputs.config else []


def run(env: Mapping[str, str], trustpub: Sequence[str]) -> int:
    """The action's work; `trustpub` is how to start trustpub (`python -m trustpub`)."""
    try:
        inputs = Inputs.from_environment(env)
    except InputError as error:
        print(f"::error title=trustpub action::{error}")
        return EXIT_USAGE
    if inputs.mode == "bot":
        return _bot(inputs, env, trustpub)
    return _check(inputs, env, trustpub)


def _check(inputs: Inputs, env: Mapping[str, str], trustpub: Sequence[str]) -> int:
    commands = check_commands(inputs)
    quiet = {**env, "NO_COLOR": "1"}
    shown = subprocess.run(
        [*trustpub, *commands["github"]], env=quiet, check=False, text=True, stdout=subprocess.PIPE
    )
    sys.stdout.write(shown.stdout)
    sys.stdout.flush()
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        report = _output(trustpub, commands["markdown"], quiet)
        with open(summary, "a", encoding="utf-8") as out:
            out.write(report)
    if inputs.sarif_file:
        Path(inputs.sarif_file).write_text(_output(trustpub, commands["sarif"], quiet), "utf-8")
    found = sum(line.startswith("::error ") for line in shown.stdout.splitlines())
    _set_output(env, "token-uploads", str(found))
    _set_output(env, "exit-code", str(shown.returncode))
    if shown.returncode == EXIT_CHANGES_NEEDED and not inputs.fail_on_findings:
        return EXIT_OK
    return shown.returncode


def _bot(inputs: Inputs, env: Mapping[str, str], trustpub: Sequence[str]) -> int:
    if not (inputs.org or inputs.repositories or inputs.config or inputs.args):
        print("::error title=trustpub action::mode: bot needs org, repositories or a config")
        return EXIT_USAGE
    child = dict(env)
    if inputs.token:
        child["GITHUB_TOKEN"] = inputs.token
    child.pop("TRUSTPUB_GITHUB_TOKEN", None)  # the token goes no further than it must
    command = bot_command(inputs, env.get("GITHUB_STEP_SUMMARY"))
    done = subprocess.run([*trustpub, *command], env=child, check=False)
    _set_output(env, "exit-code", str(done.returncode))
    return done.returncode


def _output(trustpub: Sequence[str], command: Sequence[str], env: Mapping[str, str]) -> str:
    done = subprocess.run(
        [*trustpub, *command], env=dict(env), check=False, text=True, stdout=subprocess.PIPE
    )
    return done.stdout


def _set_output(env: Mapping[str, str], name: str, value: str) -> None:
    target = env.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(f"{name}={value}\n")


def main() -> None:
    sys.exit(run(os.environ, [sys.executable, "-m", "trustpub"]))


if __name__ == "__main__":
    main()
