"""The facts every report format shares: diffs, registration links, advice."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from trustpub.report.diffs import unified_lines
from trustpub.repository import EnvironmentChange, ExistingSecret, GitHubCheck, RepositoryResult
from trustpub.rewrite.result import RewriteResult, Skip, SkipKind, TrustedPublisher

INDEX_HOSTS = {"pypi": "pypi.org", "testpypi": "test.pypi.org"}
INDEX_NAMES = {"pypi": "PyPI", "testpypi": "TestPyPI"}
OWNER_PLACEHOLDER = "<owner>"
REPOSITORY_PLACEHOLDER = "<repository>"

PITFALLS = (
    "The project name, workflow file name and environment name must match what you register, "
    "exactly (environment names are compared case-insensitively).",
    "Renaming the workflow file, or moving the publish job to another file, breaks publishing "
    "until the trusted publisher on PyPI is updated.",
    "TestPyPI is a separate service with a separate account: register its publisher there too.",
    "A pending publisher (for a project not yet on PyPI) does not reserve the name, and it "
    "expires after 30 days unused: register it shortly before the first release.",
    "PyPI allows at most 100 publisher registrations per user per 24 hours.",
    "A release older than 14 days refuses new files: prove the pipeline (a tracer upload) with a "
    "new version, not by adding files to an existing release.",
    "PyPI rejects trusted publishing from `pull_request_target` runs, and a reusable workflow "
    "cannot be the trusted workflow: keep the publish job in this workflow file.",
)
REGISTRATIONS_PER_DAY = 100


def registration_plan_note(publishers: int) -> str | None:
    """Said when a fleet needs more registrations than one account may make in a day."""
    if publishers <= REGISTRATIONS_PER_DAY:
        return None
    days = -(-publishers // REGISTRATIONS_PER_DAY)
    return (
        f"{publishers} trusted publishers to register: PyPI allows {REGISTRATIONS_PER_DAY} "
        f"registrations per user per 24 hours, so this takes at least {days} days for one "
        "account (spread them over the days, or over several owners)"
    )


SECRET_ADVICE = (
    "Delete these secrets and revoke the tokens on PyPI only after the first successful trusted "
    "publish: while a secret still exists nothing changes, and an emptied secret silently "
    "switches pypa/gh-action-pypi-publish to trusted publishing."
)


@dataclass(frozen=True)
class Registration:
    publisher: TrustedPublisher
    owner: str
    repository: str

    @property
    def index_name(self) -> str:
        return INDEX_NAMES[self.publisher.index]

    @property
    def existing_project_url(self) -> str:
        host = INDEX_HOSTS[self.publisher.index]
        query = {
            "provider": "github",
            "owner": self.owner,
            "repository": self.repository,
            "workflow_filename": self.publisher.workflow,
        }
        if self.publisher.environment:
            query["environment"] = self.publisher.environment
        return f"https://{host}/manage/project/{self.publisher.project}/settings/publishing/?" + (
            urlencode(query)
        )

    @property
    def pending_publisher_url(self) -> str:
        return f"https://{INDEX_HOSTS[self.publisher.index]}/manage/account/publishing/"


def registrations(repo: RepositoryResult, github: str | None) -> list[Registration]:
    owner, _, name = (github or "").partition("/")
    seen: set[tuple[str, str, str, str | None]] = set()
    found: list[Registration] = []
    for file in repo.files:
        if not file.changed:
            continue
        for publisher in file.publishers:
            key = (publisher.index, publisher.project, publisher.workflow, publisher.environment)
            if key not in seen:
                seen.add(key)
                found.append(
                    Registration(
                        publisher, owner or OWNER_PLACEHOLDER, name or REPOSITORY_PLACEHOLDER
                    )
                )
    return found


def unified_diff(file: RewriteResult) -> str:
    """The file's diff (empty when nothing changed), keeping its own line endings visible."""
    if not file.changed:
        return ""
    lines = unified_lines(
        file.original.splitlines(keepends=True),
        file.text.splitlines(keepends=True),
        f"a/{file.path.lstrip('/')}",  # an absolute path (outside the current directory)
        f"b/{file.path.lstrip('/')}",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def testpypi_install(project: str, version: str | None) -> str:
    return (
        "pip install --index-url https://test.pypi.org/simple/ "
        f"--extra-index-url https://pypi.org/simple/ {project}=={version or '<version>'}"
    )


def describe_secret(secret: ExistingSecret) -> str:
    when = secret.updated_at.date().isoformat() if secret.updated_at else "unknown"
    return f"{secret.scope} secret of {secret.where} (updated {when})"


def secret_on_github(check: GitHubCheck | None, name: str) -> str | None:
    """Where an obsolete secret exists on GitHub, as one phrase; None when it was not checked."""
    if check is None or not check.secrets_checked:
        return None
    found = check.existing(name)
    if not found:
        return "not found on GitHub (no repository, environment or organisation secret)"
    return "exists on GitHub as " + "; ".join(describe_secret(s) for s in found)


def describe_environment(change: EnvironmentChange) -> str:
    done = "created" if change.created else "already there"
    if change.reviewers_added:
        done += ", required reviewers added: " + ", ".join(change.reviewers_added)
    elif not change.created:
        done += ", left as it was"
    return f"environment {change.environment}: {done}"


# The report's sections for what was left as it is, by kind, in this order.
LEFT_ALONE_TITLES = {
    SkipKind.TOKEN: "Left alone (a PyPI token is still used here: migrate it by hand)",
    SkipKind.IGNORED: "Ignored with `# trustpub: ignore` (token publishing acknowledged)",
    SkipKind.OTHER_INDEX: "Uploads to other indexes (not PyPI: left as they are)",
}


def left_alone(repo: RepositoryResult) -> dict[SkipKind, list[tuple[str, Skip]]]:
    """Every skip of the repository, with its file, grouped by kind (empty kinds left out)."""
    grouped: dict[SkipKind, list[tuple[str, Skip]]] = {}
    for kind in LEFT_ALONE_TITLES:
        found = [(f.path, skip) for f in repo.files for skip in f.skips if skip.kind is kind]
        if found:
            grouped[kind] = found
    return grouped


def describe_skip(path: str, skip: Skip, code: bool = False) -> str:
    """`path:line: job J: reason. What to do: advice.`; with `code`, in Markdown:
    `` `path:line` job `J`: reason. ``"""
    advice = f" What to do: {skip.advice}." if skip.advice else ""
    if code:
        job = f" job `{skip.job}`" if skip.job else ""
        return f"`{path}:{skip.line}`{job}: {skip.reason}.{advice}"
    job = f" job {skip.job}:" if skip.job else ""
    return f"{path}:{skip.line}:{job} {skip.reason}.{advice}"
