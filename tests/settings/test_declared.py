"""The commands are built from `Settings`: their flags stay what users type, and every flag
reaches the settings object, from the command line as from a file."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
import typer.main

from trustpub.cli import app
from trustpub.settings import commands as built
from trustpub.settings.model import Settings, declared
from trustpub.settings.spec import Files, file_key

LOCAL = {
    "--project", "--github", "--format", "--base-url", "--color", "--repos-file", "--jobs", "-j",
    "--state", "--resume", "--only-failed", "--quiet", "-q", "--config",
}  # fmt: skip
REWRITE = {
    "--pypi-environment", "--testpypi-environment", "--keep-build-in-job", "--add-testpypi",
    "--gate-pypi-on-testpypi", "--token-env",
}  # fmt: skip
BOT = {
    "--org", "--user", "--repo", "--repos-file", "--include-archived", "--include-forks",
    "--include", "--exclude", "--topic", "--code-search", "--shard", "--branch", "--title",
    "--body-template", "--draft", "--label", "--create-labels", "--reviewer",
    "--create-environments", "--environment-reviewer", "--reopen", "--pypi-environment",
    "--testpypi-environment", "--keep-build-in-job", "--add-testpypi", "--gate-pypi-on-testpypi",
    "--dry-run", "--max-prs", "--write-interval", "--jobs", "-j", "--max-wait", "--state",
    "--resume", "--only-failed", "--format", "--summary-md", "--quiet", "-q", "--color",
    "--token-env", "--base-url", "--config", "--enterprise", "--graphql",
}  # fmt: skip
STATUS = {
    "--org", "--user", "--repo", "--repos-file", "--include-archived", "--include-forks",
    "--include", "--exclude", "--topic", "--shard", "--branch", "--project", "--pypi-environment",
    "--testpypi-environment", "--pypi-url", "--testpypi-url", "--verify", "--format", "--state",
    "--resume", "--delete-secrets", "--include-org-secrets", "-y", "--yes", "--dry-run",
    "--token-env", "--base-url", "--config",
}  # fmt: skip
EXPECTED = {
    "check": LOCAL,
    "diff": LOCAL | REWRITE,
    "apply": LOCAL | REWRITE | {"--create-environments", "--pypi-reviewer"},
    "bot": BOT,
    "status": STATUS,
}


def flags_of(command: str) -> set[str]:
    group = typer.main.get_command(app)
    found = group.commands[command]  # type: ignore[attr-defined]
    return {o for p in found.params for o in p.opts if o.startswith("-")} - {"--help", "-h"}


@pytest.mark.parametrize("command", sorted(EXPECTED))
def test_each_command_keeps_its_flags(command: str) -> None:
    assert flags_of(command) == EXPECTED[command]


def test_every_setting_a_file_may_hold_has_a_type_files_can_give() -> None:
    for name, spec in declared():
        if spec.files is not Files.NONE:
            kind = built.field_type(name)
            assert kind in (str, bool, int, float, str | None, int | None, Path | None) or (
                kind == tuple[str, ...]
            ), name


def test_a_file_key_is_the_setting_s_name_with_dashes() -> None:
    names = {item.name for item in fields(Settings)}
    assert file_key("pypi_environment") == "pypi-environment"
    assert {file_key(name) for name, _ in declared()} <= {n.replace("_", "-") for n in names}


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["check", "--github", "acme"], "'acme' is not OWNER/REPO, e.g. acme/widgets"),
        (["check", "--github", "https://github.com/a/b"], "the repository's slug, not its URL"),
        (["check", "--github", "acme/widgets.git"], "leave out `.git`"),
        (["check", "--github", "-acme/x"], "is not OWNER/REPO"),
        (["diff", "--pypi-environment", "a;b"], "PyPI refuses environment names"),
        (["apply", "--pypi-reviewer", "a b"], "neither a user login"),
    ],
)
def test_bad_values_are_usage_errors(args: list[str], problem: str) -> None:
    from typer.testing import CliRunner

    demo = str(Path(__file__).parents[2] / "fixtures" / "demo")
    result = CliRunner().invoke(app, [*args, demo])
    assert result.exit_code == 2
    assert problem in result.output


def test_a_flag_given_is_never_overridden_by_a_file() -> None:
    settings = Settings(command="diff", given=frozenset({"pypi_environment"}), pypi_environment="x")
    assert settings.with_values({"pypi_environment": "y", "add_testpypi": True}) == Settings(
        command="diff",
        given=frozenset({"pypi_environment"}),
        pypi_environment="x",
        add_testpypi=True,
    )
