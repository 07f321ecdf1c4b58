"""Never silent, over every real workflow in ../shared/corpus/workflows: after `apply`, no job
holds a PyPI credential unless the report names that job, and `check` on the result fails
exactly when such a job is left with a token (not an upload elsewhere, not one ignored).

What a PyPI credential reference is, is decided here on its own terms (not with the engine's
registry): a `secrets.NAME` whose name says PyPI (or an upload tool's credential variable), or an
upload tool's credential variable given any expression, anywhere in a job's steps, `env:` and the
secrets it passes to a reusable workflow (not in `if:` conditions, which do not hand it over).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from rewrite_cases import REPO_ROOT, fixed_lookup, read_text
from trustpub.rewrite.document import load_data
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import RewriteResult, SkipKind, Status

pytestmark = pytest.mark.corpus

CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "workflows"
_PYPI_SECRET = re.compile(
    r"\bsecrets\.(\w*PYPI\w*|TWINE_\w+|FLIT_\w+|UV_PUBLISH_\w+|MATURIN_\w+|HATCH_INDEX_\w+"
    r"|PDM_PUBLISH_\w+)",
    re.IGNORECASE,
)
_CREDENTIAL_VARIABLES = re.compile(
    r"TWINE_PASSWORD|UV_PUBLISH_(?:TOKEN|PASSWORD)|PDM_PUBLISH_PASSWORD|MATURIN_PYPI_TOKEN"
    r"|MATURIN_PASSWORD|POETRY_PYPI_TOKEN_\w+|POETRY_HTTP_BASIC_\w+_PASSWORD|HATCH_INDEX_AUTH"
    r"|FLIT_PASSWORD"
)
_URL_OR_USER = re.compile(r"(?:_URL|_USERNAME|_USER|_REPOSITORY|_REPO)$", re.IGNORECASE)


def _strings(data: Any, key: str = "") -> list[tuple[str, str]]:
    """(key, string) for every string in a job's data, except in `if:` conditions."""
    if key == "if":
        return []
    if isinstance(data, dict):
        return [pair for k, v in data.items() for pair in _strings(v, str(k))]
    if isinstance(data, list):
        return [pair for item in data for pair in _strings(item, key)]
    return [(key, data)] if isinstance(data, str) else []


def credential_references(job: Any, workflow_env: Any) -> list[str]:
    """The PyPI credentials the job's steps can read, as written."""
    if not isinstance(job, dict):
        return []
    pairs = _strings({k: v for k, v in job.items() if k != "if"})
    pairs += _strings(workflow_env) if "steps" in job else []
    found = ["secrets: inherit"] if job.get("secrets") == "inherit" else []
    for key, value in pairs:
        secrets = [s for s in _PYPI_SECRET.findall(value) if not _URL_OR_USER.search(s)]
        found += [f"secrets.{s}" for s in secrets]
        if _CREDENTIAL_VARIABLES.fullmatch(key) and "${{" in value:
            found.append(f"{key}: {value}")
    return found


def any_secret(job: Any, workflow_env: Any) -> bool:
    """True when some secret (not GITHUB_TOKEN) reaches the job's steps."""
    if not isinstance(job, dict):
        return False
    pairs = _strings({k: v for k, v in job.items() if k != "if"}) + _strings(workflow_env)
    named = {m.upper() for _, v in pairs for m in re.findall(r"\bsecrets\.(\w+)", v)}
    return bool(named - {"GITHUB_TOKEN"}) or job.get("secrets") == "inherit"


@dataclass(frozen=True)
class Applied:
    name: str
    result: RewriteResult
    holding: dict[str, list[str]]  # job id -> the credentials it still holds after `apply`
    again: RewriteResult  # `check` on the applied text
    given_secrets: frozenset[str]  # jobs any other secret reaches


@pytest.fixture(scope="module")
def applied() -> list[Applied]:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (it lives in shared/ beside the repository)")
    found = []
    for path in sorted(CORPUS.glob("*.yml")):
        text = read_text(path)
        result = rewrite_workflow(text, path.name, fixed_lookup("demo"))
        if result.status is Status.FAILED:
            continue  # not valid YAML: test_corpus checks that this is the only reason
        data = load_data(result.text.lstrip("\ufeff"))
        jobs = data.get("jobs") if isinstance(data, dict) else None
        holding = {
            str(job_id): refs
            for job_id, job in (jobs or {}).items()
            if (refs := credential_references(job, data.get("env")))
        }
        again = rewrite_workflow(result.text, path.name, fixed_lookup("demo"))
        given = frozenset(
            str(job_id) for job_id, job in (jobs or {}).items() if any_secret(job, data.get("env"))
        )
        found.append(Applied(path.name, result, holding, again, given))
    return found


def _naming(result: RewriteResult, job: str) -> set[SkipKind]:
    return {s.kind for s in result.skips if s.job in (job, None)}


def _noted(result: RewriteResult, job: str) -> bool:
    return any(n.job == job for n in result.notes)


def test_no_job_keeps_a_pypi_credential_unless_the_report_names_it(
    applied: list[Applied],
) -> None:
    silent = [
        f"{a.name}: job `{job}` still holds {refs[0]}"
        for a in applied
        for job, refs in a.holding.items()
        if not _naming(a.result, job) and not _noted(a.result, job)
    ]
    assert not silent, "\n".join(silent)


def test_check_fails_exactly_when_a_job_keeps_a_token(applied: list[Applied]) -> None:
    """Both ways; trustpub may also fail the gate for a secret this oracle does not call a PyPI
    credential (one handed to an action whose name says it publishes Python packages), but only
    in a job that some secret reaches: never for a job that holds none."""
    wrong = []
    for a in applied:
        kept = any(SkipKind.TOKEN in _naming(a.again, job) for job in a.holding)
        beyond = [s for s in a.again.skips if s.is_finding and s.job not in a.holding]
        more = not kept and all(s.job in a.given_secrets for s in beyond)
        if a.again.token_publishing_remains is not kept and not more:
            wrong.append(
                f"{a.name}: check says {a.again.token_publishing_remains}, jobs holding "
                f"credentials: {a.holding}, skips: {[(s.job, s.kind.value) for s in a.again.skips]}"
            )
    assert not wrong, "\n".join(wrong)


def test_report_the_counts(applied: list[Applied]) -> None:
    holding = Counter(
        kind.value
        for a in applied
        for job in a.holding
        for kind in (_naming(a.result, job) or {None})  # type: ignore[arg-type]
        if kind is not None
    )
    gate = Counter("fails" if a.again.token_publishing_remains else "passes" for a in applied)
    statuses = Counter(a.result.status.value for a in applied)
    print(
        f"\nnever silent: {len(applied)} files ({dict(statuses)}); after apply "
        f"{sum(len(a.holding) for a in applied)} jobs still hold a PyPI credential, named "
        f"{dict(holding)}; check on the applied files: {dict(gate)}"
    )
    assert len(applied) >= 100
    assert sum(len(a.holding) for a in applied) > 0  # the oracle finds what remains
