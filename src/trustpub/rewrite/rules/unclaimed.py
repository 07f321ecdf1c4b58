"""The last net: a PyPI credential in a job's or the workflow's `env:` that no upload claimed.

Every step sees its job's and its workflow's `env:`. When such an `env:` holds a PyPI credential
and trustpub found nothing in the job (or in the whole workflow) that it migrated or reported,
some step may still upload with it in a way trustpub cannot see: say so, never stay silent.
"""

from __future__ import annotations

from trustpub.rewrite.result import Skip, SkipKind
from trustpub.rewrite.rules.credential_refs import credential_refs, minting_steps
from trustpub.rewrite.workflow import Workflow

_ADVICE = (
    "if a step uploads to PyPI with it, upload with a tool that does trusted publishing (or "
    "pypa/gh-action-pypi-publish) in a job that has `id-token: write` and remove the variable; "
    "if nothing uploads with it, remove it, or add `# trustpub: ignore` on the job"
)


def unclaimed_credentials(workflow: Workflow, named: set[str | None]) -> list[Skip]:
    """Skips for `env:` credentials of jobs (and of the workflow) the report does not name."""
    found: list[Skip] = []
    for job in workflow.jobs():
        if job.calls_reusable_workflow or job.id in named:
            continue
        minters = minting_steps(job)
        refs = credential_refs(job.data.get("env"), "variable", minters=minters)
        refs = [r for r in refs if not r.minted]
        if not refs:
            continue
        kind = SkipKind.IGNORED if workflow.job_opted_out(job) else SkipKind.TOKEN
        found.append(
            Skip(
                job.id,
                job.line,
                f"the job's `env:` gives every step {refs[0].describe()}, a PyPI credential, "
                "and trustpub finds no upload in the job that it can read",
                _ADVICE if kind is SkipKind.TOKEN else "",
                kind,
            )
        )
    if named or found:
        return found
    refs = credential_refs(workflow.data.get("env"), "variable")
    node = workflow.doc.node_at(("env",))
    if refs and node is not None:
        line = workflow.doc.line_of(node.start_mark.index) + 1
        found.append(
            Skip(
                None,
                line,
                f"the workflow's `env:` gives every job {refs[0].describe()}, a PyPI "
                "credential, and trustpub finds no upload that it can read",
                _ADVICE,
            )
        )
    return found
