"""The settings that shape the migration and the bot's pull requests (most of them may differ per
repository: see `Files.REPOSITORY`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trustpub.bot.defaults import DEFAULT_BRANCH, DEFAULT_TITLE
from trustpub.settings import checks
from trustpub.settings.commands_of import BOT, LOCAL, ON_GITHUB, REWRITE, STATUS
from trustpub.settings.spec import Files, on, setting


@dataclass(frozen=True)
class Migration:
    project: str | None = setting(
        None,
        on(
            LOCAL,
            "--project",
            help="PyPI project name, when it cannot be read from the repo.",
        )
        | on(STATUS, "--project", help="PyPI project name."),
        Files.ONE_REPOSITORY,
        checks.not_empty,
    )
    github: str | None = setting(
        None,
        on(
            LOCAL,
            "--github",
            metavar="OWNER/REPO",
            help="OWNER/REPO for the report (default: the `origin` remote).",
        ),
        Files.ONE_REPOSITORY,
        checks.github_slug,
    )
    pypi_environment: str = setting(
        "pypi",
        on(
            (*REWRITE, "status"),
            "--pypi-environment",
            metavar="NAME",
            help="Environment name for PyPI jobs.",
        ),
        Files.REPOSITORY,
        checks.environment_name,
    )
    testpypi_environment: str = setting(
        "testpypi",
        on(
            (*REWRITE, "status"),
            "--testpypi-environment",
            metavar="NAME",
            help="Environment name for TestPyPI jobs.",
        ),
        Files.REPOSITORY,
        checks.environment_name,
    )
    keep_build_in_job: bool = setting(
        False,
        on(
            REWRITE,
            "--keep-build-in-job",
            help="Keep build and upload in one job (add permissions and environment in place).",
        ),
        Files.REPOSITORY,
    )
    add_testpypi: bool = setting(
        False,
        on(REWRITE, "--add-testpypi", help="Add a TestPyPI publish job where there is none."),
        Files.REPOSITORY,
    )
    gate_pypi_on_testpypi: bool = setting(
        False,
        on(REWRITE, "--gate-pypi-on-testpypi", help="Make the PyPI job need the TestPyPI job."),
        Files.REPOSITORY,
    )
    ignore: tuple[str, ...] = setting((), None, Files.REPOSITORY)  # workflow path globs

    branch: str = setting(
        DEFAULT_BRANCH,
        on(ON_GITHUB, "--branch", metavar="NAME", help="The branch trustpub owns and pushes to."),
        Files.REPOSITORY,
        checks.not_empty,
    )
    title: str = setting(
        DEFAULT_TITLE,
        on(BOT, "--title", metavar="TEXT", help="Pull request title."),
        Files.RUN,
        checks.not_empty,
    )
    body_template: Path | None = setting(
        None,
        on(
            BOT,
            "--body-template",
            metavar="FILE",
            help="A pull request body with $placeholders.",
        ),
        Files.RUN,
    )
    draft: bool = setting(False, on(BOT, "--draft", help="Open draft pull requests."), Files.RUN)
    labels: tuple[str, ...] = setting(
        (), on(BOT, "--label", metavar="NAME", help="Label new pull requests."), Files.REPOSITORY
    )
    create_labels: bool = setting(
        False,
        on(BOT, "--create-labels", help="Create the --label labels a repository lacks."),
        Files.RUN,
    )
    reviewers: tuple[str, ...] = setting(
        (),
        on(
            BOT,
            "--reviewer",
            metavar="USER|ORG/TEAM",
            help="Request a review of new pull requests.",
        ),
        Files.REPOSITORY,
        checks.reviewer,
    )
    reopen: bool = setting(
        False,
        on(BOT, "--reopen", help="Open a new pull request where trustpub's was closed or merged."),
        Files.RUN,
    )
