"""The settings of how a run goes: GitHub access, pacing, state, output, and `status`'s own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trustpub.github.defaults import DEFAULT_BASE_URL, DEFAULT_TOKEN_ENV
from trustpub.settings import checks
from trustpub.settings.commands_of import (
    BOT,
    COMMANDS,
    DIFF_APPLY,
    LOCAL,
    ON_GITHUB,
    STATUS,
)
from trustpub.settings.spec import Files, on, setting

FORMATS = {
    "check": ("text", "json", "markdown", "sarif", "github"),
    "diff": ("text", "json", "markdown"),
    "apply": ("text", "json", "markdown"),
    "bot": ("text", "json"),
    "status": ("text", "json", "markdown"),
}


@dataclass(frozen=True)
class Running:
    create_environments: bool = setting(
        False,
        on(
            ("apply",),
            "--create-environments",
            help="Create the publish jobs' environments on GitHub (existing rules are kept).",
        )
        | on(
            BOT,
            "--create-environments",
            help="Create the deployment environments (pypi, testpypi) the new jobs use.",
        ),
        Files.RUN,
    )
    pypi_reviewers: tuple[str, ...] = setting(
        (),
        on(
            ("apply",),
            "--pypi-reviewer",
            help="USER or ORG/TEAM to require as reviewer of the PyPI environment (repeatable; "
            "with --create-environments).",
        )
        | on(
            BOT,
            "--environment-reviewer",
            metavar="USER|ORG/TEAM",
            help="With --create-environments: a required reviewer for the PyPI environment.",
        ),
        Files.RUN,
        checks.reviewer,
    )
    token_env: str = setting(
        DEFAULT_TOKEN_ENV,
        on(
            DIFF_APPLY,
            "--token-env",
            help="Environment variable holding a GitHub token (else GH_TOKEN); with one, the "
            "report says which obsolete secrets exist on GitHub.",
        )
        | on(
            ON_GITHUB,
            "--token-env",
            metavar="VAR",
            help="Environment variable holding the GitHub token.",
        ),
        Files.RUN,
        checks.not_empty,
    )
    base_url: str | None = setting(
        None,
        on(
            LOCAL,
            "--base-url",
            help="GitHub API URL; a GitHub Enterprise Server URL is reported.",
        )
        | on(
            ON_GITHUB,
            "--base-url",
            metavar="URL",
            default=DEFAULT_BASE_URL,
            help="GitHub API URL: GitHub Enterprise Server (https://HOST/api/v3) or any "
            "github.com-compatible API.",
        ),
        Files.RUN,
    )
    enterprise: bool | None = setting(
        None,
        on(
            BOT,
            "--enterprise/--no-enterprise",
            help="Whether the API is GitHub Enterprise Server [default: ask it, GET /meta].",
        ),
    )
    graphql: bool = setting(
        True,
        on(
            BOT,
            "--graphql/--no-graphql",
            help="Read repositories in batched GraphQL queries and write through GraphQL "
            "(--no-graphql: REST only, for an API without GraphQL; costs more requests).",
        ),
        Files.RUN,
    )

    dry_run: bool = setting(
        False,
        on(BOT, "--dry-run", help="Read everything, write nothing: show the pull requests.")
        | on(STATUS, "--dry-run", help="Show the deletion plan; delete nothing."),
    )
    max_prs: int | None = setting(
        None,
        on(BOT, "--max-prs", metavar="N", min=0, help="Open at most N pull requests."),
        Files.RUN,
    )
    write_interval: float = setting(
        1.0,
        on(
            BOT,
            "--write-interval",
            metavar="SECONDS",
            min=0.0,
            help="Least time between two writes, retries included.",
        ),
        Files.RUN,
    )
    jobs: int | None = setting(
        None,
        on(
            LOCAL,
            "--jobs",
            "-j",
            min=1,
            help="Repositories run in parallel processes [default: all cores].",
        )
        | on(
            BOT,
            "--jobs",
            "-j",
            default=4,
            min=1,
            max=8,
            help="Repositories read at the same time.",
        ),
        Files.RUN,
    )
    max_wait: float = setting(
        900.0,
        on(
            BOT,
            "--max-wait",
            metavar="SECONDS",
            min=0.0,
            help="Longest wait for a rate-limit reset; beyond it the run stops (exit 4).",
        ),
        Files.RUN,
    )
    state: Path | None = setting(
        None,
        on(
            LOCAL,
            "--state",
            dir_okay=False,
            help="Record each repository's outcome in this JSON Lines file.",
        )
        | on(
            BOT,
            "--state",
            metavar="FILE",
            dir_okay=False,
            help="Record outcomes (JSON Lines).",
        )
        | on(
            STATUS,
            "--state",
            metavar="FILE",
            dir_okay=False,
            help="JSON Lines history: report what moved since the previous run; --resume goes "
            "on after an interrupted run.",
        ),
    )
    resume: bool = setting(
        False,
        on(LOCAL, "--resume", help="Skip the repositories --state records as done.")
        | on(ON_GITHUB, "--resume", help="Leave out what --state records as done."),
    )
    only_failed: bool = setting(
        False,
        on(LOCAL, "--only-failed", help="Run only the repositories --state records as failed.")
        | on(BOT, "--only-failed", help="Run only what --state records as failed."),
    )
    format: str = setting(
        "text",
        {
            command: flag
            for command, choices in FORMATS.items()
            for flag in on((command,), "--format", choices=choices, help="Output format.").values()
        },
    )
    summary_md: Path | None = setting(
        None,
        on(
            BOT,
            "--summary-md",
            metavar="FILE",
            dir_okay=False,
            help="Append a Markdown summary (e.g. $GITHUB_STEP_SUMMARY).",
        ),
    )
    quiet: bool = setting(
        False,
        on(LOCAL, "--quiet", "-q", help="Fleet runs: no progress, no per-repository output.")
        | on(BOT, "--quiet", "-q", help="No progress, no per-repository lines."),
    )
    pypi_url: str = setting(
        "https://pypi.org",
        on(STATUS, "--pypi-url", metavar="URL", help="PyPI (or a server with its APIs)."),
        Files.RUN,
        checks.http_url,
    )
    testpypi_url: str = setting(
        "https://test.pypi.org",
        on(STATUS, "--testpypi-url", metavar="URL", help="TestPyPI (or a server like it)."),
        Files.RUN,
        checks.http_url,
    )
    verify: bool = setting(
        False,
        on(STATUS, "--verify", help="Check provenance signatures (needs trustpub[verify])."),
        Files.RUN,
    )
    delete_secrets: bool = setting(
        False,
        on(
            STATUS,
            "--delete-secrets",
            help="Delete the old secrets that are provably unused after a confirmed trusted "
            "release (asks first; --yes to skip the question).",
        ),
    )
    include_org_secrets: bool = setting(
        False,
        on(
            STATUS,
            "--include-org-secrets",
            help="Also consider organisation secrets (deleted only when no repository that can "
            "see them still uses them).",
        ),
        Files.RUN,
    )
    yes: bool = setting(
        False, on(STATUS, "--yes", "-y", help="Delete without asking (the list is shown).")
    )
    color: str = setting(
        "auto",
        on(
            COMMANDS,
            "--color",
            choices=("auto", "always", "never"),
            help="Colour the output (auto: on a terminal, unless NO_COLOR is set; FORCE_COLOR "
            "forces it).",
        ),
    )
