"""The `trustpub` command line: check, diff and apply over workflow files and checkouts."""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from trustpub import __version__
from trustpub.checkout import is_checkout
from trustpub.fleet.local import CheckoutRun, apply_changes, migrate_checkout, repository_root
from trustpub.report.data import report_document
from trustpub.report.markdown import repository_markdown
from trustpub.report.sarif import sarif_document
from trustpub.report.text import print_diff, print_report
from trustpub.repository import Outcome
from trustpub.rewrite.result import Options

EXIT_OK = 0
EXIT_CHANGES_NEEDED = 1
EXIT_USAGE = 2
EXIT_FAILED = 3
EXIT_INTERRUPTED = 4

app = typer.Typer(
    name="trustpub",
    help="Move GitHub Actions PyPI uploads from API tokens to trusted publishing (OIDC).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


class Format(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class CheckFormat(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"


class Color(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


Paths = Annotated[
    list[Path],
    typer.Argument(
        help="Workflow files, repository checkouts, or directories holding many checkouts.",
        exists=True,
        show_default=False,
    ),
]
ProjectOpt = Annotated[
    str | None,
    typer.Option("--project", help="PyPI project name, when it cannot be read from the repo."),
]
GithubOpt = Annotated[
    str | None,
    typer.Option("--github", help="OWNER/REPO for the report (default: the `origin` remote)."),
]
PypiEnvOpt = Annotated[
    str, typer.Option("--pypi-environment", help="Environment name for PyPI jobs.")
]
TestPypiEnvOpt = Annotated[
    str, typer.Option("--testpypi-environment", help="Environment name for TestPyPI jobs.")
]
KeepBuildOpt = Annotated[
    bool,
    typer.Option(
        "--keep-build-in-job",
        help="Keep build and upload in one job (add permissions and environment in place).",
    ),
]
AddTestPypiOpt = Annotated[
    bool, typer.Option("--add-testpypi", help="Add a TestPyPI publish job where there is none.")
]
GateOpt = Annotated[
    bool,
    typer.Option("--gate-pypi-on-testpypi", help="Make the PyPI job need the TestPyPI job."),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option("--base-url", help="GitHub API URL; a GitHub Enterprise Server URL is reported."),
]
ColorOpt = Annotated[Color, typer.Option("--color", help="Colour the output.")]


@dataclass(frozen=True)
class Settings:
    options: Options
    project: str | None
    github: str | None


def _settings(
    project: str | None,
    github: str | None,
    pypi_environment: str,
    testpypi_environment: str,
    keep_build_in_job: bool,
    add_testpypi: bool,
    gate_pypi_on_testpypi: bool,
    base_url: str | None,
) -> Settings:
    enterprise = bool(base_url) and "api.github.com" not in (base_url or "")
    options = Options(
        pypi_environment=pypi_environment,
        testpypi_environment=testpypi_environment,
        keep_build_in_job=keep_build_in_job,
        add_testpypi=add_testpypi,
        gate_pypi_on_testpypi=gate_pypi_on_testpypi,
        github_enterprise=enterprise,
    )
    return Settings(options, project, github)


def _console(color: Color, stderr: bool = False) -> Console:
    force = {Color.always: True, Color.never: False}.get(color)
    return Console(
        stderr=stderr,
        force_terminal=force,
        no_color=color is Color.never,
        highlight=False,
        soft_wrap=True,
    )


def _runs(paths: list[Path], settings: Settings) -> Iterator[CheckoutRun]:
    """One run per repository: files are grouped by checkout, directories expanded."""
    single_files: dict[Path, list[Path]] = {}
    for path in paths:
        path = path.absolute()
        if path.is_file():
            single_files.setdefault(repository_root(path), []).append(path)
        elif is_checkout(path):
            yield _run(path, None, settings)
        else:
            for checkout in _checkouts_below(path):
                yield _run(checkout, None, settings)
    for root, files in single_files.items():
        yield _run(root, files, settings)


def _run(root: Path, only: list[Path] | None, settings: Settings) -> CheckoutRun:
    return migrate_checkout(root, only, settings.options, settings.project, settings.github)


def _checkouts_below(directory: Path) -> Iterator[Path]:
    for child in sorted(directory.iterdir()):
        if child.is_symlink() or not child.is_dir() or child.name in ("node_modules", ".git"):
            continue
        if is_checkout(child):
            yield child
        else:
            yield from _checkouts_below(child)


def _emit(
    console: Console,
    runs: list[CheckoutRun],
    fmt: str,
    show_diff: bool,
) -> None:
    if fmt == "json":
        document = report_document([(r.result, r.github) for r in runs])
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif fmt == "markdown":
        sys.stdout.write("\n".join(repository_markdown(r.result, r.github) for r in runs))
    elif fmt == "sarif":
        sys.stdout.write(json.dumps(sarif_document([r.result for r in runs]), indent=2) + "\n")
    else:
        for run in runs:
            if show_diff:
                print_diff(console, run.result)
            print_report(console, run.result, run.github)
        _summary(console, runs)


def _summary(console: Console, runs: list[CheckoutRun]) -> None:
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.result.outcome.value] = counts.get(run.result.outcome.value, 0) + 1
    parts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
    noun = "repository" if len(runs) == 1 else "repositories"
    console.print(f"\ntrustpub: {len(runs)} {noun}: {parts or 'nothing found'}", style="bold")


def _exit_code(runs: list[CheckoutRun], needs_changes: bool) -> int:
    if any(r.result.outcome is Outcome.FAILED for r in runs):
        return EXIT_FAILED
    return EXIT_CHANGES_NEEDED if needs_changes else EXIT_OK


def _print_findings(console: Console, runs: list[CheckoutRun]) -> None:
    for run in runs:
        for file in run.result.files:
            if file.changed:
                for change in file.changes:
                    console.print(
                        f"{file.path}:{change.line}: job {change.job}: "
                        f"token publishing: {change.description}"
                    )


@app.command()
def check(
    paths: Paths,
    project: ProjectOpt = None,
    github: GithubOpt = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = CheckFormat.text,
    base_url: BaseUrlOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """Report token publishing that remains; exit 1 if any does (a CI or pre-commit gate)."""
    settings = _settings(project, github, "pypi", "testpypi", False, False, False, base_url)
    runs = list(_runs(paths, settings))
    console = _console(color)
    if fmt is CheckFormat.text:
        _print_findings(console, runs)
    _emit(console, runs, fmt.value, show_diff=False)
    raise typer.Exit(_exit_code(runs, any(r.result.token_publishing_remains for r in runs)))


@app.command()
def diff(
    paths: Paths,
    project: ProjectOpt = None,
    github: GithubOpt = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    pypi_environment: PypiEnvOpt = "pypi",
    testpypi_environment: TestPypiEnvOpt = "testpypi",
    keep_build_in_job: KeepBuildOpt = False,
    add_testpypi: AddTestPypiOpt = False,
    gate_pypi_on_testpypi: GateOpt = False,
    base_url: BaseUrlOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """Show the changes and the report; write nothing. Exit 1 if changes are needed."""
    settings = _settings(
        project,
        github,
        pypi_environment,
        testpypi_environment,
        keep_build_in_job,
        add_testpypi,
        gate_pypi_on_testpypi,
        base_url,
    )
    runs = list(_runs(paths, settings))
    _emit(_console(color), runs, fmt.value, show_diff=True)
    raise typer.Exit(_exit_code(runs, any(r.result.changed_files for r in runs)))


@app.command()
def apply(
    paths: Paths,
    project: ProjectOpt = None,
    github: GithubOpt = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    pypi_environment: PypiEnvOpt = "pypi",
    testpypi_environment: TestPypiEnvOpt = "testpypi",
    keep_build_in_job: KeepBuildOpt = False,
    add_testpypi: AddTestPypiOpt = False,
    gate_pypi_on_testpypi: GateOpt = False,
    base_url: BaseUrlOpt = None,
    color: ColorOpt = Color.auto,
) -> None:
    """Rewrite the workflows in place (atomically, only files that change)."""
    settings = _settings(
        project,
        github,
        pypi_environment,
        testpypi_environment,
        keep_build_in_job,
        add_testpypi,
        gate_pypi_on_testpypi,
        base_url,
    )
    runs = [apply_changes(run) for run in _runs(paths, settings)]
    _emit(_console(color), runs, fmt.value, show_diff=True)
    raise typer.Exit(_exit_code(runs, needs_changes=False))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"trustpub {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Move GitHub Actions PyPI uploads from API tokens to trusted publishing (OIDC)."""


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("trustpub: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
