"""The Markdown report, for pull request bodies and `$GITHUB_STEP_SUMMARY`."""

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
from trustpub.repository import RepositoryResult


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def repository_markdown(repo: RepositoryResult, github: str | None, diff: bool = True) -> str:
    lines = [f"### {github or repo.name}: {repo.outcome.value}", ""]
    changes = [(f.path, c) for f in repo.files for c in f.changes]
    if changes:
        lines += ["| workflow | job | change |", "| --- | --- | --- |"]
        lines += [f"| `{p}` | `{c.job}` | {_cell(c.description)} |" for p, c in changes]
        lines.append("")
    if diff and repo.changed_files:
        lines += ["<details><summary>Diff</summary>", "", "```diff"]
        lines += [unified_diff(f).rstrip("\n") for f in repo.changed_files]
        lines += ["```", "", "</details>", ""]
    found = registrations(repo, github)
    if found:
        lines += [
            "**Register these trusted publishers before merging:**",
            "",
            "| index | project | owner | repository | workflow | environment | register |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for r in found:
            p = r.publisher
            lines.append(
                f"| {r.index_name} | `{p.project}` | `{r.owner}` | `{r.repository}` "
                f"| `{p.workflow}` | `{p.environment or ''}` "
                f"| [existing project]({r.existing_project_url}) · "
                f"[new project (pending)]({r.pending_publisher_url}) |"
            )
        lines += ["", *[f"- {pitfall}" for pitfall in PITFALLS], ""]
        lines += ["To prove the pipeline on TestPyPI first, then install from there:", ""]
        projects = sorted({r.publisher.project for r in found})
        lines += [f"    {testpypi_install(project, None)}" for project in projects]
        lines.append("")
    if repo.obsolete_secrets:
        lines += ["**Secrets no workflow uses any more:**", ""]
        for s in repo.obsolete_secrets:
            where = ", ".join(f"`{path}:{u.line}` (job `{u.job}`)" for path, u in s.uses)
            exists = secret_on_github(repo.on_github, s.name)
            lines.append(f"- `{s.name}`: was used at {where}" + (f"; {exists}" if exists else ""))
        lines += ["", SECRET_ADVICE, ""]
    check = repo.on_github
    if check is not None and (check.environments or check.problems):
        lines += [f"**On GitHub** ({check.repository or 'repository unknown'}):", ""]
        lines += [f"- {describe_environment(change)}" for change in check.environments]
        lines += [f"- {problem}" for problem in check.problems]
        lines.append("")
    for kind, skips in left_alone(repo).items():
        lines += [f"**{LEFT_ALONE_TITLES[kind]}:**", ""]
        lines += [f"- {describe_skip(path, skip, code=True)}" for path, skip in skips]
        lines.append("")
    failures = [f for f in repo.files if f.failure]
    for f in failures:
        assert f.failure is not None
        lines.append(f"- **error** `{f.path}:{f.failure.line}`: {f.failure.message}")
    if repo.error:
        lines.append(f"- **error**: {repo.error}")
    return "\n".join(lines).rstrip("\n") + "\n"
