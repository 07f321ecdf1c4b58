"""Rule: the new permissions of a job are never narrower than what its other steps use.

A job with no `permissions:` (at job or workflow level) runs on the repository's default token
permissions, which may allow writing everything. Its steps that write with that token (found by
`token_writes.py`) keep the job from getting a narrower block: the upload moves to a publish job
of its own and the job keeps its permissions, or, where the upload must stay, the block keeps the
scopes those steps need. A step that writes with a token of its own (a PAT, a deploy key) does not
count; nor does any step when the repository's default permissions are known to be read-only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trustpub.rewrite.rules.token_writes import (
    WriteStep,
    announces,
    env_value,
    last_checkout,
    pushes_with_checkout,
    step_name,
    writes,
)
from trustpub.rewrite.workflow import Job, Workflow

__all__ = [
    "READ_ONLY",
    "READ_WRITE",
    "TokenAccess",
    "WriteStep",
    "announces",
    "env_value",
    "in_place_note",
    "in_place_refusal",
    "kept_note",
    "last_checkout",
    "on_default_token",
    "pushes_with_checkout",
    "read_only_note",
    "step_name",
    "token_access",
    "writes",
]

READ_ONLY = "read"  # GitHub's `default_workflow_permissions` values
READ_WRITE = "write"


@dataclass(frozen=True)
class TokenAccess:
    """What a job's token must keep allowing once its uploads are migrated."""

    default_token: bool  # no `permissions:` anywhere, and the default may allow writing
    writers: tuple[WriteStep, ...]
    default_known: bool = False  # the repository's default permissions were read on GitHub
    read_only: bool = False  # on the default token, which GitHub says is read-only

    @property
    def constrains(self) -> bool:
        """True when a new `permissions` block for the job could take write access away."""
        return self.default_token and bool(self.writers)

    @property
    def scopes(self) -> frozenset[str] | None:
        """The write scopes the writers need; None when one of them may need any."""
        if any(not w.use.known for w in self.writers):
            return None
        return frozenset(s for w in self.writers for s in w.use.scopes)

    def summary(self) -> str:
        return "; ".join(w.describe() for w in self.writers)

    @property
    def default_said(self) -> str:
        if self.default_known:
            return "the repository's default token permissions (read and write)"
        return (
            "the repository's default token permissions (unknown here, so assumed to allow "
            "writing; with a GitHub token trustpub reads them)"
        )


def on_default_token(workflow: Workflow, job: Job) -> bool:
    return "permissions" not in job.data and "permissions" not in workflow.data


def token_access(
    workflow: Workflow, job: Job, uploads: Iterable[int], default_permissions: str | None
) -> TokenAccess:
    """The job's writers (its steps but `uploads`, by index) and whether they constrain it."""
    on_default = on_default_token(workflow, job)
    skipped = set(uploads)
    writers = tuple(
        w for step in job.steps() if step.index not in skipped for w in writes(workflow, job, step)
    )
    return TokenAccess(
        on_default and default_permissions != READ_ONLY,
        writers,
        default_permissions == READ_WRITE,
        on_default and default_permissions == READ_ONLY and bool(writers),
    )


# -- what the report says ----------------------------------------------------------------------


def kept_note(job: Job, access: TokenAccess) -> str:
    """Why a job whose upload moved out kept its permissions as they were."""
    return (
        f"`{job.id}` keeps {access.default_said}, without a `permissions:` block, because its "
        f"steps write with the job's token: {access.summary()}; only the new publish jobs get "
        "`id-token: write`"
    )


def read_only_note(job: Job, access: TokenAccess) -> str:
    """Why a job whose steps write with its token may still get a narrow block."""
    return (
        f"`{job.id}` runs on the repository's default token permissions, which GitHub says are "
        f"read-only: its steps that write with that token could not write before either "
        f"({access.summary()}); give them the scopes they need, or a token of their own"
    )


def in_place_note(access: TokenAccess) -> str:
    scopes = ", ".join(f"`{s}: write`" for s in sorted(access.scopes or ()))
    return (
        f"the job's new `permissions` keep {scopes} for the steps that wrote with "
        f"{access.default_said}: {access.summary()}"
    )


def in_place_refusal(access: TokenAccess) -> tuple[str, str]:
    """Why an upload that must stay in its job is left alone: a block would take access away."""
    return (
        f"the job runs on {access.default_said}, and its steps write with that token in ways "
        f"trustpub cannot reduce to a `permissions` block ({access.summary()}); adding one for "
        "`id-token: write` could take their access away",
        "move the upload to a publish job of its own that needs this job (see the Python "
        "Packaging Guide), or give this job a `permissions:` block with what its steps need",
    )
