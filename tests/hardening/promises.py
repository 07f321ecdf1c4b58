"""Checks of trustpub's security promises on one rewrite, shared by the property tests and the
tests over the fixtures and the corpus. Each returns the broken promises as sentences (empty:
kept), reading only the text before and after and the result's report.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ruamel.yaml import YAML

from trustpub.rewrite.result import RewriteResult
from trustpub.rewrite.rules.followers import RELEASE_ACTIONS

# Every scope of the GITHUB_TOKEN (github-token-available-permissions.md), for the shorthands.
SCOPES = (
    "actions",
    "artifact-metadata",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
)
LEVELS = {"none": 0, "read": 1, "write": 2}
DEFAULTS = "defaults"  # the repository's default token permissions: not knowable from the file
_ADDED_FROM = re.compile(r"added job `([^`]+)`: publishes to \S+ from `([^`]+)`")
_UPLOADS = re.compile(
    r"\b(twine|pdm|uv|hatch|flit|poetry)\b[^\n]*\b(upload|publish)\b|\bmaturin\s+(upload|publish)\b"
)
# The PyPA action, and maturin-action under its current and its older name.
MATURIN_OR_PYPA = (
    "pypa/gh-action-pypi-publish@",
    "pyo3/maturin-action@",
    "messense/maturin-action@",
)
PULL_REQUEST_EVENTS = ("pull_request", "pull_request_review", "pull_request_review_comment")


@functools.lru_cache(maxsize=64)
def parse(text: str) -> Any:
    """Plain data (cached: callers must not change it)."""
    return YAML(typ="safe", pure=False).load(text.removeprefix("\ufeff"))


def parse_pure(text: str) -> Any:
    """Plain data, read with the pure-Python parser: the engine reads with the C one."""
    return YAML(typ="safe", pure=True).load(text.removeprefix("\ufeff"))


def scopes(value: Any) -> dict[str, int] | str:
    """{scope: level} a `permissions` value grants (DEFAULTS when it is absent)."""
    if value == "read-all":
        return {s: LEVELS["read"] for s in SCOPES if s != "id-token"}
    if value == "write-all":
        return dict.fromkeys(SCOPES, LEVELS["write"])
    if isinstance(value, dict):
        return {str(k): LEVELS.get(str(v), 0) for k, v in value.items() if LEVELS.get(str(v))}
    return {}


def effective(job: dict[str, Any], workflow: dict[str, Any]) -> dict[str, int] | str:
    if "permissions" in job:
        return scopes(job["permissions"])
    if "permissions" in workflow:
        return scopes(workflow["permissions"])
    return DEFAULTS


def origins(before: dict[str, Any], after: dict[str, Any], result: RewriteResult) -> dict[str, str]:
    """Each job of the output -> the job of the input it was made from."""
    jobs_before = before.get("jobs") or {}
    found = {j: j for j in (after.get("jobs") or {}) if j in jobs_before}
    for change in result.changes:
        added = _ADDED_FROM.match(change.description)
        if added:
            found[added.group(1)] = added.group(2)
    for job_id, job in (after.get("jobs") or {}).items():
        if job_id in found or not isinstance(job, dict):
            continue
        needs = job.get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        made_from = [found[n] for n in needs if n in found and n not in jobs_before]
        if made_from:  # a job for steps that followed the upload: it waits for the publish job
            found[job_id] = made_from[0]
    return found


def widened_permissions(before_text: str, result: RewriteResult) -> list[str]:
    """Jobs whose new `permissions` grant a scope the job did not have before, except
    `id-token: write`, and `contents: read` for a job that checks out code and had it through
    the repository's defaults."""
    if result.text == before_text:
        return []
    before, after = parse(before_text), parse(result.text)
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    made_from = origins(before, after, result)
    problems = []
    for job_id, job in (after.get("jobs") or {}).items():
        if not isinstance(job, dict) or "uses" in job:
            continue
        origin = made_from.get(job_id)
        if origin is None:
            problems.append(f"job `{job_id}` is new, and trustpub did not say where it came from")
            continue
        old = effective(before["jobs"][origin], before)
        new = effective(job, after)
        if new == DEFAULTS:
            if old != DEFAULTS and job_id != origin:
                problems.append(f"new job `{job_id}` runs with the defaults; `{origin}` did not")
            continue
        assert isinstance(new, dict)
        for scope, level in new.items():
            had = 0 if old == DEFAULTS else old.get(scope, 0)  # type: ignore[union-attr]
            if level <= had or (scope, level) == ("id-token", LEVELS["write"]):
                continue
            checks_out = any(
                isinstance(s, dict) and str(s.get("uses", "")).startswith("actions/checkout@")
                for s in job.get("steps") or []
            )
            if old == DEFAULTS and (scope, level) == ("contents", LEVELS["read"]) and checks_out:
                continue
            if old == DEFAULTS and scope == "contents" and _release_job(job, job_id, origin):
                continue  # the GitHub Release steps it holds needed write access before
            name = {v: k for k, v in LEVELS.items()}[level]
            problems.append(f"job `{job_id}` now has `{scope}: {name}`, which `{origin}` lacked")
    return problems


def _release_job(job: dict[str, Any], job_id: str, origin: str) -> bool:
    """A job trustpub made for the GitHub Release steps that followed an upload. Where the old
    job ran with the defaults, those steps worked only with `contents: write`, so the new job's
    `contents: write` is what the old one had in effect (a judgement call: see the tests)."""
    if job_id == origin:
        return False
    for step in job.get("steps") or []:
        uses = str(step.get("uses", "")).split("@")[0].lower() if isinstance(step, dict) else ""
        run = str(step.get("run", "")) if isinstance(step, dict) else ""
        if uses in RELEASE_ACTIONS or re.search(r"\bgh\s+release\s+(create|upload|edit)", run):
            return True
    return False


def publishes(job: dict[str, Any]) -> bool:
    """The job uploads to PyPI or TestPyPI (with the PyPA action, maturin-action or a tool)."""
    for step in job.get("steps") or []:
        if not isinstance(step, dict):
            continue
        uses = str(step.get("uses", "")).lower()
        if uses.startswith(MATURIN_OR_PYPA):
            return True
        if _UPLOADS.search(str(step.get("run", ""))):
            return True
    return False


def id_token_problems(before_text: str, result: RewriteResult) -> list[str]:
    """`id-token: write` newly at the workflow level, or in a job that does not publish, or in a
    job that runs on pull requests (pull_request_target, or pull_request without an `if:`)."""
    if result.text == before_text:
        return []
    before, after = parse(before_text), parse(result.text)
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    problems = []
    if after.get("permissions") != before.get("permissions"):
        problems.append("the workflow-level permissions changed")
    old_jobs = before.get("jobs") or {}
    for job_id, job in (after.get("jobs") or {}).items():
        if not isinstance(job, dict) or "uses" in job:
            continue
        if not _grants_id_token(job.get("permissions")):
            continue
        old = old_jobs.get(job_id)
        if isinstance(old, dict) and _grants_id_token(old.get("permissions")):
            continue  # it had it before
        if not publishes(job):
            problems.append(f"job `{job_id}` got `id-token: write` but does not publish")
        on = _triggers(after)
        if "pull_request_target" in on:
            problems.append(f"job `{job_id}` got `id-token: write` on pull_request_target")
        if any(e in on for e in PULL_REQUEST_EVENTS) and not job.get("if"):
            problems.append(f"job `{job_id}` got `id-token: write` and runs on pull requests")
    return problems


def _grants_id_token(value: Any) -> bool:
    return value == "write-all" or (isinstance(value, dict) and value.get("id-token") == "write")


def _triggers(data: dict[str, Any]) -> list[str]:
    on = data.get("on", data.get(True))
    if isinstance(on, str):
        return [on]
    return [str(t) for t in on] if isinstance(on, list | dict) else []
