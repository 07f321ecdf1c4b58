"""The human report: coloured diffs on a terminal, then what to do by hand."""

from __future__ import annotations

from trustpub.report.facts import (
    LEFT_ALONE_TITLES,
    PITFALLS,
    SECRET_ADVICE,
    describe_environment,
    describe_skip,
    left_alone,
    registrations,
    secret_on_github,
    testpypi_install,
    unified_diff,
)
from trustpub.report.output import Output
from trustpub.repository import RepositoryResult
from trustpub.rewrite.result import SkipKind

_DIFF_STYLES = (("+++", "bold"), ("---", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"))


def print_diff(out: Output, repo: RepositoryResult) -> None:
    for file in repo.changed_files:
        for line in unified_diff(file).splitlines():
            style = next((s for prefix, s in _DIFF_STYLES if line.startswith(prefix)), "")
            out.line(line, style)


def print_findings(out: Output, repo: RepositoryResult) -> None:
    """`check`: one line per token upload the migration would remove (those left alone follow
    in the report, with what to do by hand)."""
    from trustpub.report.problems import TOKEN_PUBLISHING, problems

    for problem in problems(repo):
        if problem.rule == TOKEN_PUBLISHING:
            column = f"{problem.column}:" if problem.column else ""
            out.line(f"{problem.path}:{problem.line}:{column} token publishing: {problem.message}")
            for change in problem.changes:
                out.line(f"    {change}")


def print_report(
    out: Output, repo: RepositoryResult, github: str | None, pitfalls: bool = True
) -> None:
    """Everything after the diff: failures, publishers, secrets, TestPyPI, skips."""
    for file in repo.files:
        if file.failure:
            out.line(f"{file.path}:{file.failure.line}: error: {file.failure.message}", "red")
    if repo.error:
        out.line(f"{repo.name}: error: {repo.error}", "red")
    _publishers(out, repo, github, pitfalls)
    _secrets(out, repo)
    _on_github(out, repo)
    _skips(out, repo)


def _publishers(out: Output, repo: RepositoryResult, github: str | None, pitfalls: bool) -> None:
    found = registrations(repo, github)
    if not found:
        return
    out.line("\nRegister these trusted publishers before the new workflow runs:", "bold")
    for item in found:
        p = item.publisher
        out.line(
            f"  {item.index_name}: project {p.project} (from {p.project_source}), "
            f"owner {item.owner}, repository {item.repository}, workflow {p.workflow}, "
            f"environment {p.environment or '(none)'}"
        )
        out.line(f"    project already on {item.index_name}: {item.existing_project_url}")
        out.line(f"    new project (pending publisher): {item.pending_publisher_url}")
    if not github:
        out.line("  (owner and repository unknown: pass --github OWNER/REPO to fill them in)")
    if pitfalls:
        print_pitfalls(out)
    projects = sorted({i.publisher.project for i in found})
    out.line(
        "  Prove the pipeline on TestPyPI first (trustpub diff --add-testpypi), then install with:"
    )
    for project in projects:
        out.line(f"    {testpypi_install(project, None)}")


def print_pitfalls(out: Output) -> None:
    out.line("  Pitfalls:")
    for pitfall in PITFALLS:
        out.line(f"    - {pitfall}")


def _secrets(out: Output, repo: RepositoryResult) -> None:
    if not repo.obsolete_secrets:
        return
    out.line("\nSecrets no workflow uses any more:", "bold")
    for secret in repo.obsolete_secrets:
        where = ", ".join(f"{path}:{use.line} (job {use.job})" for path, use in secret.uses)
        out.line(f"  {secret.name}: was used at {where}")
        found = secret_on_github(repo.on_github, secret.name)
        if found:
            out.line(f"    {found}")
    out.line(f"  {SECRET_ADVICE}")


def _on_github(out: Output, repo: RepositoryResult) -> None:
    check = repo.on_github
    if check is None or not (check.environments or check.problems):
        return
    out.line(f"\nOn GitHub ({check.repository or 'repository unknown'}):", "bold")
    for change in check.environments:
        out.line(f"  {describe_environment(change)}")
    for problem in check.problems:
        out.line(f"  {problem}", "yellow")


def _skips(out: Output, repo: RepositoryResult) -> None:
    notes = [(file.path, note) for file in repo.files for note in file.notes]
    for kind, skips in left_alone(repo).items():
        style = "bold yellow" if kind is SkipKind.TOKEN else "bold"
        out.line(f"\n{LEFT_ALONE_TITLES[kind]}:", style)
        for path, skip in skips:
            out.line(f"  {describe_skip(path, skip)}")
    if notes:
        out.line("\nNotes:", "bold")
        for path, note in notes:
            job = f" job {note.job}:" if note.job else ""
            out.line(f"  {path}:{note.line}:{job} {note.message}")
