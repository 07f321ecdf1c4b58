"""The settings that say which repositories a run visits (checkouts, a repos file, an owner on
GitHub and its filters)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trustpub.settings import checks
from trustpub.settings.commands_of import BOT, COMMANDS, LOCAL, ON_GITHUB, STATUS
from trustpub.settings.spec import Files, argument, on, setting


@dataclass(frozen=True)
class Targets:
    paths: tuple[Path, ...] = setting(
        (),
        argument(
            LOCAL,
            "Workflow files, repository checkouts, or directories holding many checkouts.",
            exists=True,
        )
        | argument(
            STATUS,
            "Local checkouts, named on GitHub by their `origin` remote.",
            exists=True,
            file_okay=False,
        ),
    )
    repos_file: str | None = setting(
        None,
        on(
            LOCAL,
            "--repos-file",
            help="A file listing checkouts (or directories of them), one per line; - reads stdin.",
        )
        | on(
            ON_GITHUB,
            "--repos-file",
            metavar="FILE",
            help="A file of OWNER/REPO lines; - reads stdin.",
        ),
    )
    config: Path | None = setting(
        None,
        on(
            (*COMMANDS, "status"),
            "--config",
            metavar="FILE",
            dir_okay=False,
            help="A TOML file of settings, with per-repository tables (see README: "
            "Configuration). A repository's own pyproject.toml [tool.trustpub] is read too.",
        ),
    )
    org: str | None = setting(
        None, on(ON_GITHUB, "--org", metavar="ORG", help="Every repository of ORG."), Files.RUN
    )
    user: str | None = setting(
        None, on(ON_GITHUB, "--user", metavar="USER", help="Every repository of USER."), Files.RUN
    )
    repos: tuple[str, ...] = setting(
        (),
        on(ON_GITHUB, "--repo", metavar="OWNER/REPO", help="OWNER/REPO (repeatable)."),
        Files.RUN,
        checks.github_slug,
    )
    include_archived: bool = setting(
        False,
        on(ON_GITHUB, "--include-archived", help="Visit archived repositories too."),
        Files.RUN,
    )
    include_forks: bool = setting(
        False, on(ON_GITHUB, "--include-forks", help="Visit forks too."), Files.RUN
    )
    include: tuple[str, ...] = setting(
        (),
        on(
            ON_GITHUB,
            "--include",
            metavar="GLOB",
            help="Only names matching this glob (repeatable).",
        ),
        Files.RUN,
    )
    exclude: tuple[str, ...] = setting(
        (),
        on(ON_GITHUB, "--exclude", metavar="GLOB", help="Leave out names matching this glob."),
        Files.RUN,
    )
    topics: tuple[str, ...] = setting(
        (),
        on(
            ON_GITHUB,
            "--topic",
            metavar="TOPIC",
            help="Only repositories with this topic (any of).",
        ),
        Files.RUN,
    )
    code_search: bool = setting(
        False,
        on(
            BOT,
            "--code-search",
            help="With --org/--user: read only the repositories where code search finds a "
            "publish tool in .github/workflows (each confirmed by reading its files).",
        ),
        Files.RUN,
    )
    shard: str | None = setting(
        None,
        on(ON_GITHUB, "--shard", metavar="I/N", help="Run the I-th of N stable slices."),
        Files.RUN,
        checks.shard,
    )
