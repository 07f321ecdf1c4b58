"""The options of `trustpub bot`, one annotated type each (the command's signature uses them)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated, Any

import typer

from trustpub.bot.defaults import DEFAULT_BRANCH, DEFAULT_TITLE
from trustpub.github.defaults import DEFAULT_BASE_URL, DEFAULT_TOKEN_ENV

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_BRANCH", "DEFAULT_TITLE", "DEFAULT_TOKEN_ENV"]


class BotFormat(str, enum.Enum):
    text = "text"
    json = "json"


class BotColor(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


def _option(*names: str, help: str, metavar: str | None = None, **extra: Any) -> Any:
    return typer.Option(*names, help=help, metavar=metavar, **extra)


# which repositories
Org = Annotated[str | None, _option("--org", metavar="ORG", help="Every repository of ORG.")]
User = Annotated[str | None, _option("--user", metavar="USER", help="Every repository of USER.")]
Repo = Annotated[
    list[str] | None, _option("--repo", metavar="OWNER/REPO", help="OWNER/REPO (repeatable).")
]
ReposFile = Annotated[
    str | None,
    _option("--repos-file", metavar="FILE", help="A file of OWNER/REPO lines; - reads stdin."),
]
IncludeArchived = Annotated[
    bool, _option("--include-archived", help="Visit archived repositories too.")
]
IncludeForks = Annotated[bool, _option("--include-forks", help="Visit forks too.")]
Include = Annotated[
    list[str] | None,
    _option("--include", metavar="GLOB", help="Only names matching this glob (repeatable)."),
]
Exclude = Annotated[
    list[str] | None,
    _option("--exclude", metavar="GLOB", help="Leave out names matching this glob."),
]
Topic = Annotated[
    list[str] | None,
    _option("--topic", metavar="TOPIC", help="Only repositories with this topic (any of)."),
]
CodeSearch = Annotated[
    bool,
    _option(
        "--code-search",
        help="With --org/--user: read only the repositories where code search finds a publish "
        "tool in .github/workflows (each confirmed by reading its files).",
    ),
]
Shard = Annotated[
    str | None, _option("--shard", metavar="I/N", help="Run the I-th of N stable slices.")
]

# the pull requests
Branch = Annotated[
    str, _option("--branch", metavar="NAME", help="The branch trustpub owns and pushes to.")
]
Title = Annotated[str, _option("--title", metavar="TEXT", help="Pull request title.")]
BodyTemplate = Annotated[
    Path | None,
    _option("--body-template", metavar="FILE", help="A pull request body with $placeholders."),
]
Draft = Annotated[bool, _option("--draft", help="Open draft pull requests.")]
Label = Annotated[
    list[str] | None, _option("--label", metavar="NAME", help="Label new pull requests.")
]
CreateLabels = Annotated[
    bool, _option("--create-labels", help="Create the --label labels a repository lacks.")
]
Reviewer = Annotated[
    list[str] | None,
    _option("--reviewer", metavar="USER|ORG/TEAM", help="Request a review of new pull requests."),
]
CreateEnvironments = Annotated[
    bool,
    _option(
        "--create-environments",
        help="Create the deployment environments (pypi, testpypi) the new jobs use.",
    ),
]
EnvironmentReviewer = Annotated[
    list[str] | None,
    _option(
        "--environment-reviewer",
        metavar="USER|ORG/TEAM",
        help="With --create-environments: a required reviewer for the PyPI environment.",
    ),
]
Reopen = Annotated[
    bool,
    _option("--reopen", help="Open a new pull request where trustpub's was closed or merged."),
]

# the rewrite
PypiEnvironment = Annotated[
    str, _option("--pypi-environment", metavar="NAME", help="Environment name for PyPI jobs.")
]
TestPypiEnvironment = Annotated[
    str,
    _option("--testpypi-environment", metavar="NAME", help="Environment name for TestPyPI jobs."),
]
KeepBuildInJob = Annotated[
    bool, _option("--keep-build-in-job", help="Keep build and upload in one job.")
]
AddTestPypi = Annotated[
    bool, _option("--add-testpypi", help="Add a TestPyPI job where there is none.")
]
GatePypiOnTestPypi = Annotated[
    bool, _option("--gate-pypi-on-testpypi", help="Make the PyPI job need the TestPyPI job.")
]

# the run
DryRun = Annotated[
    bool, _option("--dry-run", help="Read everything, write nothing: show the pull requests.")
]
MaxPrs = Annotated[
    int | None, _option("--max-prs", metavar="N", min=0, help="Open at most N pull requests.")
]
WriteInterval = Annotated[
    float,
    _option("--write-interval", metavar="SECONDS", min=0.0, help="Time between two writes."),
]
Jobs = Annotated[
    int, _option("--jobs", "-j", min=1, max=8, help="Repositories read at the same time.")
]
MaxWait = Annotated[
    float,
    _option(
        "--max-wait",
        metavar="SECONDS",
        min=0.0,
        help="Longest wait for a rate-limit reset; beyond it the run stops (exit 4).",
    ),
]
State = Annotated[
    Path | None,
    _option("--state", metavar="FILE", dir_okay=False, help="Record outcomes (JSON Lines)."),
]
Resume = Annotated[bool, _option("--resume", help="Leave out what --state records as done.")]
OnlyFailed = Annotated[
    bool, _option("--only-failed", help="Run only what --state records as failed.")
]
Format = Annotated[BotFormat, _option("--format", help="Output format.")]
SummaryMd = Annotated[
    Path | None,
    _option(
        "--summary-md",
        metavar="FILE",
        dir_okay=False,
        help="Append a Markdown summary (e.g. $GITHUB_STEP_SUMMARY).",
    ),
]
Quiet = Annotated[bool, _option("--quiet", "-q", help="No progress, no per-repository lines.")]
Color = Annotated[BotColor, _option("--color", help="Colour the output.")]
TokenEnv = Annotated[
    str,
    _option("--token-env", metavar="VAR", help="Environment variable holding the GitHub token."),
]
BaseUrl = Annotated[
    str,
    _option(
        "--base-url",
        metavar="URL",
        help="GitHub API URL: GitHub Enterprise Server (https://HOST/api/v3) or any "
        "github.com-compatible API.",
    ),
]
UseGraphql = Annotated[
    bool,
    _option(
        "--graphql/--no-graphql",
        help="Read repositories in batched GraphQL queries and write through GraphQL "
        "(--no-graphql: REST only, for an API without GraphQL; costs more requests).",
    ),
]
Enterprise = Annotated[
    bool | None,
    _option(
        "--enterprise/--no-enterprise",
        help="Whether the API is GitHub Enterprise Server (default: ask it, GET /meta).",
    ),
]
