"""Rule: jobs that call a reusable workflow and hand it PyPI credentials.

PyPI does not accept trusted publishing from inside a reusable workflow, so a caller that passes
a PyPI token (`secrets: {pypi_token: ...}`) keeps a token upload alive however the callee is
written: a finding, with what to do. `secrets: inherit` passes every secret: to a workflow of this
repository it is a finding when that workflow uploads with a token (the repository decides, as it
reads every file: `ReusableCall`); to another repository's workflow, which trustpub cannot read,
when its name says it publishes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trustpub.rewrite.result import Note, Skip
from trustpub.rewrite.rules.credential_refs import credential_refs
from trustpub.rewrite.workflow import Job

_PUBLISHING_NAME = re.compile(r"release|publish|upload|deploy|pypi", re.IGNORECASE)
_LOCAL = re.compile(r"^(?:\./|\$/)(?P<path>[^@]+)")
ADVICE = (
    "publish from a job of the top-level workflow instead: one that needs this job, downloads "
    "the dists the reusable workflow built, and runs pypa/gh-action-pypi-publish with "
    "`id-token: write`; then stop passing the token"
)


@dataclass(frozen=True)
class ReusableCall:
    """A job that passes every secret to a workflow of the same repository."""

    job: str
    line: int
    uses: str
    path: str  # the called workflow, relative to the repository (`.github/workflows/x.yml`)

    def skip(self, callee: str) -> Skip:
        return Skip(
            self.job,
            self.line,
            f"passes every secret (`secrets: inherit`) to the reusable workflow `{self.uses}`, "
            f"which uploads to PyPI with a token (see {callee})",
            ADVICE,
        )


def reusable_call(job: Job) -> Skip | Note | ReusableCall | None:
    """What to say about a job that calls a reusable workflow (None: nothing)."""
    uses = str(job.data.get("uses", ""))
    passed = job.data.get("secrets")
    refs = credential_refs(passed, "secret")
    if refs:
        ref = refs[0]
        return Skip(
            job.id,
            job.line,
            f"passes the PyPI credential `{ref.key}` ({ref.value.strip()}) to the reusable "
            f"workflow `{uses}`; PyPI does not accept trusted publishing from inside a reusable "
            "workflow, so the token stays wherever it uploads with it",
            ADVICE,
        )
    if passed != "inherit":
        return None
    local = _LOCAL.match(uses)
    if local is not None:
        return ReusableCall(job.id, job.line, uses, local.group("path"))
    if _PUBLISHING_NAME.search(uses.split("@", 1)[0].rsplit("/", 1)[-1]):
        return Skip(
            job.id,
            job.line,
            f"passes every secret (`secrets: inherit`) to the reusable workflow `{uses}`, "
            "which trustpub cannot read; its name says it publishes, so a PyPI token may reach "
            "an upload there",
            f"read it: if it uploads to PyPI with a token, {ADVICE}. If it does not, add "
            "`# trustpub: ignore` on this job",
        )
    return Note(
        job.id,
        job.line,
        f"passes every secret (`secrets: inherit`) to the reusable workflow `{uses}`; if it "
        "publishes to PyPI, publish from a job of this workflow instead (PyPI does not accept "
        "trusted publishing from inside a reusable workflow)",
    )
