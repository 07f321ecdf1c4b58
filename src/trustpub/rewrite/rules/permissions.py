"""Rule: the publish job gets `id-token: write`, and keeps every scope it had before.

A job-level `permissions` block replaces the workflow-level one, so the new block carries over
what the job had: the workflow's scopes, the job's own block, or `read-all` spelled out.
"""

from __future__ import annotations

from typing import Any

from trustpub.rewrite.edits import Patch, UnsupportedEdit
from trustpub.rewrite.render import Commented
from trustpub.rewrite.workflow import Job, Workflow

ID_TOKEN = "id-token"
ID_TOKEN_WRITE = Commented("write", "trusted publishing")
# The scopes `read-all` grants, as GitHub documents them for github.com
# (github-token-available-permissions.md; id-token has no read level).
READ_ALL_SCOPES = (
    "actions",
    "artifact-metadata",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
)


def grants_id_token(permissions: Any) -> bool:
    if permissions == "write-all":
        return True
    return isinstance(permissions, dict) and permissions.get(ID_TOKEN) == "write"


def job_has_id_token(workflow: Workflow, job: Job) -> bool:
    if "permissions" in job.data:
        return grants_id_token(job.data["permissions"])
    return grants_id_token(workflow.permissions)


def workflow_level_id_token(workflow: Workflow) -> str | None:
    """Why relying on the workflow-level `id-token: write` is discouraged (None: it is not)."""
    granted = workflow.permissions
    if not grants_id_token(granted):
        return None
    spelled = "`permissions: write-all`" if granted == "write-all" else "`id-token: write`"
    return (
        f"the job gets `id-token: write` from {spelled} at the workflow level, which gives it to "
        "every job in the workflow (discouraged); grant it in the publish job's own "
        "`permissions` instead"
    )


def _read_all() -> dict[str, Any]:
    return {scope: "read" for scope in READ_ALL_SCOPES}


def new_job_permissions(
    workflow: Workflow, job: Job, keep: frozenset[str] = frozenset()
) -> dict[str, Any] | None:
    """The block to add to a job that has none, or None when the job already has id-token.

    `keep`: write scopes the job's other steps use with the default token (`token_access.py`).
    """
    inherited = workflow.permissions
    if grants_id_token(inherited):
        return None
    if isinstance(inherited, dict):
        scopes = {k: v for k, v in inherited.items() if k != ID_TOKEN}
    elif inherited == "read-all":
        scopes = _read_all()
    elif inherited is None and "permissions" not in workflow.data:
        # Default token permissions: keep read access to the code the job checks out.
        scopes = {"contents": "read"} if job.checks_out_code() else {}
        scopes.update({scope: "write" for scope in sorted(keep) if scope != ID_TOKEN})
    else:
        scopes = {}
    return {**scopes, ID_TOKEN: ID_TOKEN_WRITE}


def edit_job_permissions(patch: Patch, job: Job) -> str | None:
    """Add id-token to the job's own `permissions`; returns what changed (None: nothing)."""
    current = job.data["permissions"]
    path = (*job.path, "permissions")
    if grants_id_token(current):
        return None
    if current == "read-all":
        patch.replace_entry(job.path, "permissions", {**_read_all(), ID_TOKEN: ID_TOKEN_WRITE})
        return "spelled out `permissions: read-all` and added `id-token: write`"
    if current in (None, {}):
        patch.replace_entry(job.path, "permissions", {ID_TOKEN: ID_TOKEN_WRITE})
        return "added `id-token: write` to the job's permissions"
    if not isinstance(current, dict):
        raise UnsupportedEdit(
            f"the job's permissions are {current!r}, which trustpub cannot extend"
        )
    node = patch.doc.node_at(path)
    flow = getattr(node, "flow_style", False)
    if ID_TOKEN in current:
        if flow:  # `{contents: read, id-token: none}`: only the value changes
            patch.replace_in_scalar(path, ID_TOKEN, str(current[ID_TOKEN]), "write")
        else:
            patch.replace_entry(path, ID_TOKEN, ID_TOKEN_WRITE)
        return f"changed `id-token: {current[ID_TOKEN]}` to `id-token: write`"
    if flow:
        patch.set_flow_entry(path, ID_TOKEN, "write")
    else:
        patch.insert_entries(path, {ID_TOKEN: ID_TOKEN_WRITE})
    return "added `id-token: write` to the job's permissions"
