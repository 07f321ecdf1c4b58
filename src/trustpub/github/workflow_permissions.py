"""The repository's default GITHUB_TOKEN permissions, which a job without `permissions:` runs with.

GET /repos/{owner}/{repo}/actions/permissions/workflow answers `default_workflow_permissions`:
"read" (contents and packages read-only) or "write" (read and write). The engine assumes "write"
while it does not know; only a repository where that assumption decided a layout is asked (one
request), and migrated again with the answer, before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from trustpub.github.client import GitHubAccessError
from trustpub.github.errors import explained
from trustpub.repository import GitHubCheck, RepositoryResult
from trustpub.rewrite.result import Options

if TYPE_CHECKING:
    from github.Repository import Repository

WORKFLOW_PERMISSIONS_ACCESS = (
    "reading them takes admin access to the repository (a classic token: the `repo` scope; a "
    "fine-grained one: Administration read)"
)
VALUES = ("read", "write")


def default_workflow_permissions(repo: Repository) -> str:
    """ "read" or "write"; GitHubAccessError when GitHub does not say."""
    what = f"{repo.full_name}: reading the default workflow permissions"
    with explained(what, WORKFLOW_PERMISSIONS_ACCESS):
        _, data = repo._requester.requestJsonAndCheck(
            "GET", f"{repo.url}/actions/permissions/workflow"
        )
    value = data.get("default_workflow_permissions") if isinstance(data, dict) else None
    if value not in VALUES:
        raise GitHubAccessError(f"{what}: GitHub answered {value!r}, not 'read' or 'write'")
    return str(value)


def with_default_permissions(
    result: RepositoryResult,
    options: Options,
    read: Callable[[], str],
    migrate: Callable[[Options], RepositoryResult],
) -> RepositoryResult:
    """The repository migrated with its default token permissions, when a layout depended on
    them (`read` asks GitHub, `migrate` runs the engine again); else `result` as it is. A
    failed lookup leaves the (safe) assumption and says why in the result's GitHub problems."""
    if not any(f.assumed_default_permissions for f in result.files):
        return result
    try:
        value = read()
    except GitHubAccessError as error:
        check = result.on_github or GitHubCheck(result.name)
        problem = f"{error}; trustpub assumed they allow writing, and kept what jobs can write"
        return replace(result, on_github=replace(check, problems=(*check.problems, problem)))
    return migrate(replace(options, default_permissions=value))
