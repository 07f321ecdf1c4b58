"""The human report: coloured diffs on a terminal, then what to do by hand."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from trustpub.report.facts import (
    PITFALLS,
    SECRET_ADVICE,
    describe_environment,
    registrations,
    secret_on_github,
    testpypi_install,
    unified_diff,
)
from trustpub.repository import RepositoryResult

_DIFF_STYLES = (("+++", "bold"), ("---", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"))


def print_diff(console: Console, repo: RepositoryResult) -> None:
    for file in repo.changed_files:
        for line in unified_diff(file).splitlines():
            style = next((s for prefix, s in _DIFF_STYLES if line.startswith(prefix)), "")
            console.print(Text(line, style=style), soft_wrap=True)


def print_report(
    console: Console, repo: RepositoryResult, github: str | None, pitfalls: bool = True
) -> None:
    """Everything after the diff: failures, publishers, secrets, TestPyPI, skips."""
    for file in repo.files:
        if file.failure:
            console.print(
                Text(f"{file.path}:{file.failure.line}: error: {file.failure.message}", style="red")
            )
    if repo.error:
        console.print(Text(f"{repo.name}: error: {repo.error}", style="red"))
    _publishers(console, repo, github, pitfalls)
    _secrets(console, repo)
    _on_github(console, repo)
    _skips(console, repo)


def _publishers(
    console: Console, repo: RepositoryResult, github: str | None, pitfalls: bool
) -> None:
    found = registrations(repo, github)
    if not found:
        return
    console.print(
        Text("\nRegister these trusted publishers before the new workflow runs:", style="bold")
    )
    for item in found:
        p = item.publisher
        console.print(
            f"  {item.index_name}: project {p.project} (from {p.project_source}), "
            f"owner {item.owner}, repository {item.repository}, workflow {p.workflow}, "
            f"environment {p.environment or '(none)'}"
        )
        console.print(
            f"    project already on {item.index_name}: {item.existing_project_url}", soft_wrap=True
        )
        console.print(
            f"    new project (pending publisher): {item.pending_publisher_url}", soft_wrap=True
        )
    if not github:
        console.print("  (owner and repository unknown: pass --github OWNER/REPO to fill them in)")
    if pitfalls:
        print_pitfalls(console)
    projects = sorted({i.publisher.project for i in found})
    console.print(
        "  Prove the pipeline on TestPyPI first (trustpub diff --add-testpypi), then install with:"
    )
    for project in projects:
        console.print(f"    {testpypi_install(project, None)}", soft_wrap=True)


def print_pitfalls(console: Console) -> None:
    console.print("  Pitfalls:")
    for pitfall in PITFALLS:
        console.print(f"    - {pitfall}")


def _secrets(console: Console, repo: RepositoryResult) -> None:
    if not repo.obsolete_secrets:
        return
    console.print(Text("\nSecrets no workflow uses any more:", style="bold"))
    for secret in repo.obsolete_secrets:
        where = ", ".join(f"{path}:{use.line} (job {use.job})" for path, use in secret.uses)
        console.print(f"  {secret.name}: was used at {where}")
        found = secret_on_github(repo.on_github, secret.name)
        if found:
            console.print(f"    {found}")
    console.print(f"  {SECRET_ADVICE}")


def _on_github(console: Console, repo: RepositoryResult) -> None:
    check = repo.on_github
    if check is None or not (check.environments or check.problems):
        return
    console.print(Text(f"\nOn GitHub ({check.repository or 'repository unknown'}):", style="bold"))
    for change in check.environments:
        console.print(f"  {describe_environment(change)}")
    for problem in check.problems:
        console.print(Text(f"  {problem}", style="yellow"))


def _skips(console: Console, repo: RepositoryResult) -> None:
    skips = [(file.path, skip) for file in repo.files for skip in file.skips]
    notes = [(file.path, note) for file in repo.files for note in file.notes]
    if skips:
        console.print(Text("\nLeft alone:", style="bold yellow"))
        for path, skip in skips:
            job = f" job {skip.job}:" if skip.job else ""
            advice = f" What to do: {skip.advice}." if skip.advice else ""
            console.print(f"  {path}:{skip.line}:{job} {skip.reason}.{advice}")
    if notes:
        console.print(Text("\nNotes:", style="bold"))
        for path, note in notes:
            job = f" job {note.job}:" if note.job else ""
            console.print(f"  {path}:{note.line}:{job} {note.message}")
