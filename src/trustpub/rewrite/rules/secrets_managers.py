"""Rule: a step that fetches a PyPI credential from a secrets manager at run time.

`hashicorp/vault-action` (and its kind) can put a secret into the job's environment for every
later step (`exportEnv`), where no `env:` of the workflow shows it: an upload after it may read a
`TWINE_PASSWORD` trustpub cannot see. When such a step names a PyPI credential, the job's uploads
are left alone with why, and a job with no upload trustpub can read is reported all the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from trustpub.publishers import TOOL_PREFIXES, ActionRole, find_action
from trustpub.rewrite.indexes import DEFAULT_PYPI
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.tools import is_credential_env
from trustpub.rewrite.workflow import Job, Step

_PYPI_WORDS = re.compile(
    "|".join(["pypi", *(re.escape(p.lower()) for p in TOOL_PREFIXES)]), re.IGNORECASE
)
ADVICE = (
    "hand the upload nothing from the secrets manager and publish with trusted publishing (a "
    "job that has `id-token: write`), then stop fetching the token; if the fetched value is "
    "not for PyPI, add `# trustpub: ignore` on the job"
)


@dataclass(frozen=True)
class FetchedCredential:
    step: Step
    mentions: str  # the PyPI-like name in its settings, as written

    def reason(self, what: str) -> str:
        return (
            f"the step `{self.step.uses}` (line {self.step.line}) fetches `{self.mentions}` from a "
            f"secrets manager at run time, where no `env:` shows it; {what}"
        )


def fetched_credentials(job: Job) -> list[FetchedCredential]:
    """The job's steps that fetch something named like a PyPI credential from a manager."""
    found = []
    for step in job.steps():
        facts = find_action(step.action) if step.uses else None
        if facts is None or facts.role is not ActionRole.SECRETS_MANAGER:
            continue
        settings = f"{step.data.get('with', '')} {step.data.get('env', '')}"
        words = [w for w in re.findall(r"[\w./-]+", settings) if _PYPI_WORDS.search(w)]
        if words:  # a credential variable it sets (`TWINE_PASSWORD`) says most
            named = [w for w in words if is_credential_env(w)]
            found.append(FetchedCredential(step, (named or words)[0]))
    return found


def fetched_only(fetched: FetchedCredential) -> StepPlan:
    """For a job with no upload trustpub can read: the fetch itself, left alone."""
    reason = fetched.reason("trustpub finds no upload in the job that it can read")
    return StepPlan(
        fetched.step, "secrets manager", DEFAULT_PYPI, True, problem=reason, advice=ADVICE
    )


def read_at_run_time(plan: StepPlan, fetched: FetchedCredential) -> StepPlan:
    """An upload in such a job: what credential it reads cannot be known from the workflow."""
    if plan.problem and not plan.problem_is_index:
        return plan
    reason = fetched.reason(
        "the upload on line "
        f"{plan.step.line} may read it, so trustpub cannot tell which "
        "credential it uses"
    )
    return replace(plan, uses_token=True, problem=reason, advice=ADVICE, problem_is_index=False)
