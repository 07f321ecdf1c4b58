"""Every setting of `check`, `diff`, `apply` and `bot`, declared once.

Each field says its default, its flag on each command that has it, where a configuration file may
set it (`Files`) and how a value is checked. The commands are built from these declarations
(`settings/commands.py`), and so are the file readers (`settings/files.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from trustpub.bot.defaults import DEFAULT_BRANCH, DEFAULT_TITLE
from trustpub.github.defaults import DEFAULT_BASE_URL, DEFAULT_TOKEN_ENV
from trustpub.settings import checks
from trustpub.settings.spec import COMMANDS, LOCAL, Files, argument, on, setting, spec_of

if TYPE_CHECKING:
    from trustpub.rewrite.result import Options
    from trustpub.settings.files import ConfigFile

REWRITE = ("diff", "apply", "bot")  # the commands whose migration the user shapes
BOT = ("bot",)
STATUS = ("status",)
ON_GITHUB = ("bot", "status")  # the commands that visit repositories on GitHub
DIFF_APPLY = ("diff", "apply")
FORMATS = {
    "check": ("text", "json", "markdown", "sarif", "github"),
    "diff": ("text", "json", "markdown"),
    "apply": ("text", "json", "markdown"),
    "bot": ("text", "json"),
    "status": ("text", "json", "markdown"),
}


@dataclass(frozen=True)
class Settings:
    """One run's settings. `given` names the ones set by a flag: files never override those."""

    command: str = "check"
    given: frozenset[str] = frozenset()
    config_file: ConfigFile | None = field(default=None, compare=False)

    # what to run on
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

    # the migration
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

    # the pull requests
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

    # GitHub
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
            help="GitHub API URL (GitHub Enterprise).",
        ),
        Files.RUN,
    )

    # the run
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
            help="Time between two writes.",
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

    def options(self, github_enterprise: bool | None = None) -> Options:
        """The engine's choices. `check` reports what remains and never adds a TestPyPI job (a
        repository already on trusted publishing must pass), nor re-reads what it would write."""
        from trustpub.rewrite.result import Options

        checking = self.command == "check"
        if github_enterprise is None:
            github_enterprise = bool(self.base_url) and "api.github.com" not in (
                self.base_url or ""
            )
        return Options(
            pypi_environment=self.pypi_environment,
            testpypi_environment=self.testpypi_environment,
            keep_build_in_job=self.keep_build_in_job,
            add_testpypi=self.add_testpypi and not checking,
            gate_pypi_on_testpypi=self.gate_pypi_on_testpypi and not checking,
            github_enterprise=github_enterprise,
            verify=not checking,
        )

    def with_values(self, values: Mapping[str, Any]) -> Settings:
        """These values, except where a flag was given (flags win over files)."""
        kept = {name: value for name, value in values.items() if name not in self.given}
        return replace(self, **kept) if kept else self


def declared() -> list[tuple[str, Any]]:
    """(name, spec) of every declared setting, in declaration order."""
    found = []
    for item in fields(Settings):
        spec = spec_of(item)
        if spec is not None:
            found.append((item.name, spec))
    return found


T = TypeVar("T")


def filled(kind: type[T], settings: Settings, /, **values: Any) -> T:
    """A `kind` (a dataclass of one layer: the bot's selection, its run, ...) whose fields take
    the settings of the same name, and `values` for the others."""
    own = Settings.__dataclass_fields__
    names = [f.name for f in fields(kind)]  # type: ignore[arg-type]
    taken = {name: getattr(settings, name) for name in names if name in own and name not in values}
    return kind(**taken, **values)
