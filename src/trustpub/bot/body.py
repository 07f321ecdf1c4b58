"""The pull request: title, commit message, and a body laid out the way reviewers know from
Renovate (a summary table, what to do before merging, what to do after, how to opt out).

`--body-template FILE` replaces the layout: a `string.Template` with `$name` placeholders
(listed in `PLACEHOLDERS`). The hidden marker is always appended, so the bot finds its pull
requests again whatever the template says.
"""

from __future__ import annotations

import hashlib
import json
from string import Template

from trustpub import __version__
from trustpub.github.pulls import marker
from trustpub.report.facts import (
    LEFT_ALONE_TITLES,
    PITFALLS,
    SECRET_ADVICE,
    describe_skip,
    left_alone,
    registrations,
    secret_on_github,
    testpypi_install,
    unified_diff,
)
from trustpub.repository import RepositoryResult

MAX_BODY = 60_000  # GitHub refuses bodies over 65,536 characters
PLACEHOLDERS = (
    "repository",
    "default_branch",
    "branch",
    "summary",
    "publishers",
    "testpypi",
    "secrets",
    "diff",
    "skips",
    "opt_out",
    "workflows",
    "projects",
    "version",
)

DEFAULT_TEMPLATE = """\
This pull request moves the release workflows of `$repository` from a long-lived PyPI API token \
to **[trusted publishing](https://docs.pypi.org/trusted-publishers/)**: GitHub Actions proves \
who is publishing with a short-lived OIDC token, so there is no secret left to leak or rotate.

### What changes

$summary

$diff

### ⚠️ Before merging: register the trusted publishers

$publishers

### 🧪 Try it on TestPyPI first

$testpypi

### 🔑 After the first trusted publish: delete the old secrets

$secrets
$skips
### 🔕 Opting out, re-running

$opt_out

---
Opened by [trustpub](https://github.com/trustpub/trustpub) $version.
"""


def fingerprint(result: RepositoryResult) -> str:
    """Identifies the migration: the new text of every changed file (16 hex digits)."""
    files = sorted((f.path, f.text) for f in result.changed_files)
    return hashlib.sha256(json.dumps(files).encode()).hexdigest()[:16]


def render_body(
    template: str,
    repository: str,
    default_branch: str,
    branch: str,
    result: RepositoryResult,
    superseded: int | None = None,
    diff: bool = True,
) -> str:
    values = {
        "repository": repository,
        "default_branch": default_branch,
        "branch": branch,
        "summary": _summary(result),
        "publishers": _publishers(result, repository),
        "testpypi": _testpypi(result, repository),
        "secrets": _secrets(result),
        "diff": _diff(result) if diff else "",
        "skips": _skips(result),
        "opt_out": _opt_out(branch, superseded),
        "workflows": ", ".join(f"`{f.path}`" for f in result.changed_files),
        "projects": ", ".join(
            sorted({f"`{r.publisher.project}`" for r in registrations(result, repository)})
        ),
        "version": __version__,
    }
    body = Template(template).safe_substitute(values).strip() + "\n"
    if len(body) > MAX_BODY and diff:
        values["diff"] = "_The diff is too long for this description: see **Files changed**._"
        body = Template(template).safe_substitute(values).strip() + "\n"
    return body[:MAX_BODY] + "\n" + marker(fingerprint(result)) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _summary(result: RepositoryResult) -> str:
    rows = [(f.path, c) for f in result.changed_files for c in f.changes]
    lines = ["| workflow | job | change |", "| --- | --- | --- |"]
    lines += [f"| `{path}` | `{c.job}` | {_cell(c.description)} |" for path, c in rows]
    notes = [(f.path, n) for f in result.changed_files for n in f.notes]
    if notes:
        lines += [""] + [f"- `{path}:{n.line}`: {n.message}" for path, n in notes]
    return "\n".join(lines)


def _diff(result: RepositoryResult) -> str:
    text = "".join(unified_diff(f) for f in result.changed_files).rstrip("\n")
    return f"<details><summary>Diff</summary>\n\n```diff\n{text}\n```\n\n</details>"


def _publishers(result: RepositoryResult, repository: str) -> str:
    found = registrations(result, repository)
    if not found:
        return "Nothing to register."
    lines = [
        "The new jobs publish only once PyPI trusts this workflow. Register each publisher "
        "**before merging** (the first link for a project already on the index, the second for "
        "a new one):",
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
            f"[new project]({r.pending_publisher_url}) |"
        )
    lines += ["", *[f"- {pitfall}" for pitfall in PITFALLS]]
    return "\n".join(lines)


def _testpypi(result: RepositoryResult, repository: str) -> str:
    found = registrations(result, repository)
    projects = sorted({r.publisher.project for r in found})
    has_testpypi = any(r.publisher.index == "testpypi" for r in found)
    lines = []
    if has_testpypi:
        lines.append(
            "Register the TestPyPI publisher above (TestPyPI is a separate account), publish a "
            "pre-release, and install it from TestPyPI:"
        )
    else:
        lines.append(
            "This workflow does not publish to TestPyPI. To prove the pipeline there first, run "
            "trustpub with `--add-testpypi --gate-pypi-on-testpypi` (a TestPyPI job that the "
            "PyPI job waits for), register the TestPyPI publisher, publish a pre-release and "
            "install it:"
        )
    lines.append("")
    lines += [f"    {testpypi_install(project, None)}" for project in projects]
    return "\n".join(lines)


def _secrets(result: RepositoryResult) -> str:
    if not result.obsolete_secrets:
        return "No secret becomes unused."
    lines = []
    for secret in result.obsolete_secrets:
        where = ", ".join(f"`{path}:{u.line}`" for path, u in secret.uses)
        state = secret_on_github(result.on_github, secret.name) or "not checked on GitHub"
        lines.append(f"- `{secret.name}`: {state}; was used at {where}")
    problems = result.on_github.problems if result.on_github else ()
    lines += [f"- _{problem}_" for problem in problems]
    return "\n".join([*lines, "", SECRET_ADVICE])


def _skips(result: RepositoryResult) -> str:
    grouped = left_alone(result)
    failures = [f for f in result.files if f.failure]
    if not grouped and not failures:
        return ""
    lines = []
    for kind, skips in grouped.items():
        lines += ["", f"### {LEFT_ALONE_TITLES[kind]}", ""]
        lines += [f"- {describe_skip(path, skip, code=True)}" for path, skip in skips]
    if failures:
        lines += ["", "### Could not be read", ""]
    for f in failures:
        assert f.failure is not None
        lines.append(f"- `{f.path}:{f.failure.line}`: {f.failure.message}")
    return "\n".join(lines) + "\n"


def _opt_out(branch: str, superseded: int | None) -> str:
    lines = [
        "- **Not now?** Close this pull request: trustpub will not open it again.",
        "- **Never for a workflow or a job?** Add a `# trustpub: ignore` comment at the top of "
        "the workflow file, or on the job.",
        f"- **Re-running** trustpub updates this pull request while it is open. It owns the "
        f"branch `{branch}`: a commit pushed there by anyone else stops the updates.",
    ]
    if superseded is not None:
        lines.append(f"- This replaces #{superseded}, which was closed.")
    return "\n".join(lines)


def template_placeholders_unknown(template: str) -> list[str]:
    """Placeholders in a user template that trustpub does not fill (a likely typo)."""
    names = {
        m.group("named") or m.group("braced")
        for m in Template.pattern.finditer(template)
        if m.group("named") or m.group("braced")
    }
    return sorted(n for n in names if n not in PLACEHOLDERS)
