"""Rule: an action handed a PyPI credential (other than the PyPA action and maturin-action).

Third-party actions that upload with a token (`aio-libs/create-release`, semantic-release,
`casperdcl/deploy-pypi`...), local composite actions (`./.github/actions/publish`), and any other
action whose inputs or `env:` carry a PyPI credential: trustpub cannot migrate an upload made
inside an action, so each is left alone with what to do by hand (a finding of `check`), never
silently. What the registry knows about an action makes the report precise; `poetry_action.py`
migrates the actions that only build with poetry and upload.
"""

from __future__ import annotations

import re

from trustpub.publishers import (
    ActionFacts,
    ActionRole,
    IndexValue,
    find_action,
    is_pypi_credential_key,
    is_pypi_secret,
)
from trustpub.rewrite.expressions import referenced_secrets
from trustpub.rewrite.indexes import (
    DEFAULT_PYPI,
    IndexKind,
    IndexTarget,
    classify_repository_name,
    classify_url,
)
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.rules.credential_refs import (
    CredentialRef,
    credential_refs,
    minting_steps,
    secrets_of,
)
from trustpub.rewrite.workflow import Job, Step, Workflow

# `python-publish`, `pypi-upload`, `poetry-publish-action`...: names of Python publishing actions.
_PUBLISHES_PYTHON = re.compile(
    r"pypi|(?:python|poetry|pdm|hatch|flit|twine|wheel)[\w.-]*publish|publish[\w.-]*(?:python|poetry)",
    re.IGNORECASE,
)
_OWN_RULES = (ActionRole.PYPA, ActionRole.TOOL, ActionRole.POETRY_BUILD, ActionRole.OIDC_MINTER)
_FIXED_INDEX = {
    "pypi": DEFAULT_PYPI,
    "testpypi": IndexTarget(IndexKind.TESTPYPI),
}
_UNKNOWN_ADVICE = (
    "if it uploads to PyPI, publish with pypa/gh-action-pypi-publish instead, in a job that has "
    "`id-token: write` (an upload made inside another action cannot use trusted publishing), "
    "then remove the token; if it does not upload, add `# trustpub: ignore` on the job"
)
_LOCAL_ADVICE = (
    "publish with pypa/gh-action-pypi-publish directly in a job of this workflow that has "
    "`id-token: write`, and drop the token input (trusted publishing does not work from inside "
    "a composite action)"
)


def plan(workflow: Workflow, job: Job, step: Step) -> StepPlan | None:
    """A plan that leaves the step alone, saying why, when it hands an action a PyPI
    credential; None for any other step."""
    if not step.uses:
        return None
    facts = find_action(step.action)
    if facts is not None and facts.role in _OWN_RULES:
        return None
    refs = _credentials(workflow, job, step, facts)
    if not refs:
        return None
    tool = f"action {step.uses}"
    target = action_target(step, facts)
    if all(r.minted for r in refs):  # a short-lived token minted with OIDC: trusted publishing
        return StepPlan(step, tool, target, uses_token=False)
    secrets = secrets_of(refs)
    if target.kind is IndexKind.OTHER:
        why = target.why_not()
        return StepPlan(step, tool, target, True, secrets, problem=why, problem_is_index=True)
    reason, advice = _explained(step, facts, refs[0])
    return StepPlan(step, tool, target, True, secrets, problem=reason, advice=advice)


def _credentials(
    workflow: Workflow, job: Job, step: Step, facts: ActionFacts | None
) -> list[CredentialRef]:
    """Credentials in the step's inputs and `env:`, and, for an action the registry says reads
    them from the environment, in the job's and the workflow's `env:`."""
    minters = minting_steps(job)
    inputs = facts.credential_inputs if facts else ()
    variables = facts.credential_env if facts else ()
    if facts is None and _PUBLISHES_PYTHON.search(step.action.split("@", 1)[0]):
        # An action whose name says it publishes Python packages: any secret it gets counts.
        inputs = tuple(str(k) for k, v in step.with_.items() if referenced_secrets(str(v)))
    refs = credential_refs(step.data.get("with"), "input", inputs, minters)
    refs += credential_refs(step.data.get("env"), "variable", variables, minters)
    if variables:
        inherited = {**workflow.env, **_mapping(job.data.get("env"))}
        wanted = {k: v for k, v in inherited.items() if k in variables}
        refs += credential_refs(wanted, "variable", variables, minters)
    return refs


def _mapping(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def action_target(step: Step, facts: ActionFacts | None) -> IndexTarget:
    """Where the action uploads: its index inputs, else where the registry says it uploads."""
    if facts is None:
        return DEFAULT_PYPI  # a PyPI credential: PyPI, unless something says otherwise
    inputs = step.with_
    for name, kind in sorted(facts.index_inputs.items(), key=lambda i: i[1] is not IndexValue.URL):
        value = str(inputs.get(name) or "").strip()
        if value:
            return (
                classify_url(value) if kind is IndexValue.URL else classify_repository_name(value)
            )
    return _FIXED_INDEX.get(
        facts.index, IndexTarget(IndexKind.OTHER, facts.index_name or facts.name)
    )


def _explained(step: Step, facts: ActionFacts | None, ref: CredentialRef) -> tuple[str, str]:
    given = ref.describe()
    if facts is not None:
        return (
            f"`{step.uses}` {facts.what}: it is handed a PyPI token through {given}, and an "
            "upload made inside an action cannot use trusted publishing",
            facts.advice or _UNKNOWN_ADVICE,
        )
    if step.uses.startswith("./") or step.uses.startswith("$/"):
        return (
            f"the local action `{step.uses}` is handed a PyPI token through {given}; trusted "
            "publishing does not work from inside a composite action",
            _LOCAL_ADVICE,
        )
    if not ref.secrets or not _names_pypi(ref):
        return (
            f"the action `{step.uses}`, whose name says it publishes Python packages, is handed "
            f"a token through {given}; trustpub does not know how it uploads, so it cannot "
            "migrate it",
            _UNKNOWN_ADVICE,
        )
    return (
        f"the action `{step.uses}` is handed a PyPI token through {given}; trustpub does not "
        "know how it uploads, so it cannot migrate it",
        _UNKNOWN_ADVICE,
    )


def _names_pypi(ref: CredentialRef) -> bool:
    """The credential is named as a PyPI one (by its key or its secret), not only given to an
    action whose name says it publishes."""
    return is_pypi_credential_key(ref.key) or any(is_pypi_secret(s) for s in ref.secrets)
