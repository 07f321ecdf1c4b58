"""`trustpub status`: the command line (parsing and connecting only; `run` does the work)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from trustpub.bot import options as o
from trustpub.exit_codes import EXIT_USAGE

if TYPE_CHECKING:
    from trustpub.bot.discovery import Selection


class StatusFormat(str, enum.Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


Checkouts = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Local checkouts, named on GitHub by their `origin` remote.",
        exists=True,
        file_okay=False,
        show_default=False,
    ),
]
PypiUrl = Annotated[
    str, typer.Option("--pypi-url", metavar="URL", help="PyPI (or a server with its APIs).")
]
TestPypiUrl = Annotated[
    str, typer.Option("--testpypi-url", metavar="URL", help="TestPyPI (or a server like it).")
]
DeleteSecrets = Annotated[
    bool,
    typer.Option(
        "--delete-secrets",
        help="Delete the old secrets that are provably unused after a confirmed trusted "
        "release (asks first; --yes to skip the question).",
    ),
]
IncludeOrgSecrets = Annotated[
    bool,
    typer.Option(
        "--include-org-secrets",
        help="Also consider organisation secrets (deleted only when no repository that can "
        "see them still uses them).",
    ),
]
Yes = Annotated[
    bool, typer.Option("--yes", "-y", help="Delete without asking (the list is shown).")
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show the deletion plan; delete nothing.")]
Verify = Annotated[
    bool,
    typer.Option("--verify", help="Check provenance signatures (needs trustpub[verify])."),
]
Project = Annotated[str | None, typer.Option("--project", help="PyPI project name.")]
StatusState = Annotated[
    Path | None,
    typer.Option(
        "--state",
        metavar="FILE",
        dir_okay=False,
        help="JSON Lines history: report what moved since the previous run; --resume goes on "
        "after an interrupted run.",
    ),
]


def status_command(
    checkouts: Checkouts = None,
    org: o.Org = None,
    user: o.User = None,
    repo: o.Repo = None,
    repos_file: o.ReposFile = None,
    include_archived: o.IncludeArchived = False,
    include_forks: o.IncludeForks = False,
    include: o.Include = None,
    exclude: o.Exclude = None,
    topic: o.Topic = None,
    shard: o.Shard = None,
    branch: o.Branch = o.DEFAULT_BRANCH,
    project: Project = None,
    pypi_environment: o.PypiEnvironment = "pypi",
    testpypi_environment: o.TestPypiEnvironment = "testpypi",
    pypi_url: PypiUrl = "https://pypi.org",
    testpypi_url: TestPypiUrl = "https://test.pypi.org",
    verify: Verify = False,
    fmt: Annotated[StatusFormat, typer.Option("--format", help="Output format.")] = (
        StatusFormat.text
    ),
    state: StatusState = None,
    resume: o.Resume = False,
    delete_secrets: DeleteSecrets = False,
    include_org_secrets: IncludeOrgSecrets = False,
    yes: Yes = False,
    dry_run: DryRun = False,
    token_env: o.TokenEnv = o.DEFAULT_TOKEN_ENV,
    base_url: o.BaseUrl = o.DEFAULT_BASE_URL,
) -> None:
    """Where each repository stands: pull request, first trusted release, old secrets, next step."""
    from trustpub.bot.discovery import DiscoveryError, Selection, parse_shard, repos_file_names

    try:
        names = list(repo or [])
        if repos_file is not None:
            names += repos_file_names(repos_file)
        selection = Selection(
            org=org,
            user=user,
            repos=tuple(names),
            include_archived=include_archived,
            include_forks=include_forks,
            include=tuple(include or ()),
            exclude=tuple(exclude or ()),
            topics=tuple(t.lower() for t in topic or ()),
            shard=parse_shard(shard) if shard else None,
        )
        if not (org or user or names or checkouts):
            raise DiscoveryError(
                "say which repositories: --org, --user, --repo, --repos-file or checkouts"
            )
        if org and user:
            raise DiscoveryError("use either --org or --user, not both")
        if resume and state is None:
            raise DiscoveryError("--resume needs --state FILE")
    except DiscoveryError as error:
        typer.echo(f"trustpub: error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    run_checked(
        selection,
        tuple(checkouts or ()),
        Settings(
            branch=branch,
            project=project,
            pypi_environment=pypi_environment,
            testpypi_environment=testpypi_environment,
            pypi_url=pypi_url,
            testpypi_url=testpypi_url,
            verify=verify,
            fmt=fmt.value,
            state=state,
            resume=resume,
            delete=delete_secrets,
            include_org_secrets=include_org_secrets,
            yes=yes,
            dry_run=dry_run,
            token_env=token_env,
            base_url=base_url,
        ),
    )


@dataclass(frozen=True)
class Settings:
    """The command line's choices for a status (or `secrets --delete`) run."""

    branch: str = o.DEFAULT_BRANCH
    project: str | None = None
    pypi_environment: str = "pypi"
    testpypi_environment: str = "testpypi"
    pypi_url: str = "https://pypi.org"
    testpypi_url: str = "https://test.pypi.org"
    verify: bool = False
    fmt: str = "text"
    state: Path | None = None
    resume: bool = False
    delete: bool = False
    include_org_secrets: bool = False
    yes: bool = False
    dry_run: bool = False
    token_env: str = o.DEFAULT_TOKEN_ENV
    base_url: str = o.DEFAULT_BASE_URL


def run_checked(selection: Selection, checkouts: tuple[Path, ...], settings: Settings) -> None:
    """Connect, run, and end with the exit code (`typer.Exit`)."""
    from trustpub.github.client import GitHubAccessError, settings_from_environment
    from trustpub.github.enterprise import detect_platform
    from trustpub.rewrite.result import Options
    from trustpub.status.github_reader import ReadSettings
    from trustpub.status.run import StatusRequest, run_status, stdin_confirm
    from trustpub.status.verify import verify_file

    s = settings
    for flag, url in (("--pypi-url", s.pypi_url), ("--testpypi-url", s.testpypi_url)):
        if not url.startswith(("http://", "https://")):
            typer.echo(f"trustpub: error: {flag} {url!r} is not an http(s) URL", err=True)
            raise typer.Exit(EXIT_USAGE)
    try:
        github = settings_from_environment(s.token_env, s.base_url)
    except GitHubAccessError as error:
        typer.echo(f"trustpub: error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    gh = github.connect()
    # GitHub Enterprise Server is what the server says it is (GET /meta), not what the URL
    # suggests (see github/enterprise.py).
    enterprise = detect_platform(gh, github.base_url).enterprise
    options = Options(
        pypi_environment=s.pypi_environment,
        testpypi_environment=s.testpypi_environment,
        github_enterprise=enterprise,
        publishers_in_use=True,
    )
    request = StatusRequest(
        selection=selection,
        checkouts=checkouts,
        read=ReadSettings(s.branch, options, s.project, verify_file if s.verify else None),
        index_urls={"pypi": s.pypi_url, "testpypi": s.testpypi_url},
        include_org_secrets=s.include_org_secrets,
        fmt=s.fmt,
        state=s.state,
        resume=s.resume,
        delete=s.delete,
        yes=s.yes,
        dry_run=s.dry_run,
    )
    try:
        code = run_status(
            gh,
            request,
            lambda line: typer.echo(line),
            lambda line: typer.echo(line, err=True),
            stdin_confirm,
        )
    finally:
        gh.close()
    raise typer.Exit(code)
