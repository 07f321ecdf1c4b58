"""Rule: a job's uploads to one index publish with one PyPA action call (wheels, then sdist).

pypa/gh-action-pypi-publish fails when it runs twice in one job (the attestations of the first
call are in the way of the second, domain.md 2.3), and a job has one environment: uploads to the
same index become one call that publishes the dists of all of them. The call is the last of their
PyPA action steps (a tool's upload the action takes over, when none is one); it reads one
directory, its own, where the publish job downloads every artifact (`dists.py`). The uploads must
agree on what one call cannot do two ways: their `if:`, their inputs (but the credentials and
`packages-dir`), and the step keys the call keeps. A job that only downloads and publishes keeps
the call where the last upload was (`merge_in_place.py`).
"""

from __future__ import annotations

import re
from typing import Any

from trustpub.rewrite import conditions
from trustpub.rewrite.indexes import IndexKind
from trustpub.rewrite.rules.base import HandOff, SplitRefused, StepPlan
from trustpub.rewrite.rules.pypa_action import KEBAB_NAMES, TOKEN_INPUTS
from trustpub.rewrite.rules.pypa_pin import pin_bump
from trustpub.rewrite.workflow import Job, Workflow

INDEX_NAMES = {IndexKind.PYPI: "PyPI", IndexKind.TESTPYPI: "TestPyPI"}
# Inputs whose unset value is the same in every release of the action.
_DEFAULTS = {"skip-existing": "false", "verify-metadata": "true"}
# Inputs one call may set one way for all the uploads: the directory is the call's own, and the
# index is the same (as the grouping by index says, however its URL is spelled).
_NOT_COMPARED = frozenset({"packages-dir", "repository-url"})
_STEP_KEYS = ("continue-on-error", "timeout-minutes")
_ONCE = "and one publish job runs the PyPA action once for all of them"
_BY_HAND = "split the job by hand into one publish job per upload (see the Python Packaging Guide)"


def by_index(plans: list[StepPlan]) -> list[list[StepPlan]]:
    """The uploads grouped by index (each group in step order), first uploads first."""
    groups: dict[IndexKind, list[StepPlan]] = {}
    for plan in sorted(plans, key=lambda p: p.step.index):
        groups.setdefault(plan.target.kind, []).append(plan)
    return list(groups.values())


def repeats_an_index(plans: list[StepPlan]) -> bool:
    kinds = [p.target.kind for p in plans]
    return len(set(kinds)) != len(kinds)


def kept(group: list[StepPlan]) -> StepPlan:
    """The upload whose step publishes for the whole group: the last PyPA action step (its text
    moves), else the last upload the action takes over."""
    pypa = [p for p in group if p.is_pypa_action]
    return (pypa or group)[-1]


def check(workflow: Workflow, job: Job, group: list[StepPlan]) -> None:
    """SplitRefused when one PyPA action call cannot publish for every upload of the group."""
    first = group[0]
    for other in group[1:]:
        a, b = first.step.data.get("if"), other.step.data.get("if")
        if not conditions.same_condition(a, b):
            raise SplitRefused(
                f"{_uploads(first, other)} run under different conditions "
                f"({_shown(conditions.expression(a))} and {_shown(conditions.expression(b))}), "
                "and the one publish job that publishes them both has one `if:`",
                "give the uploads the same `if:`, or " + _BY_HAND,
            )
    settings = [(plan, _settings(plan)) for plan in group]
    for key in sorted({k for _, found in settings for k in found}):
        values = [(plan, found.get(key)) for plan, found in settings]
        differ = next((pv for pv in values[1:] if pv[1] != values[0][1]), None)
        if differ is not None:
            (plan_a, value_a), (plan_b, value_b) = values[0], differ
            raise SplitRefused(
                f"{_uploads(plan_a, plan_b)} set `{key}` differently ({_shown(value_a)} and "
                f"{_shown(value_b)}), {_ONCE}",
                f"give the uploads the same `{key}`, or {_BY_HAND}",
            )
    keep = kept(group)
    for plan in group:
        step_id = plan.step.data.get("id")
        if plan is not keep and step_id is not None and _read(job, str(step_id)):
            raise SplitRefused(
                f"other steps read the step `{step_id}` (line {plan.step.line}), an upload that "
                f"goes: the step on line {keep.step.line} publishes its dists, {_ONCE}",
                f"read the step on line {keep.step.line} instead, or {_BY_HAND}",
            )


def merged_name(group: list[StepPlan]) -> str | None:
    """The name of the step that publishes for the group, when their names differ (both kept:
    `Publish wheels and Publish sdist`), else None (the kept step keeps its own)."""
    names = list(dict.fromkeys(n for n in map(_name, group) if n))
    if len(names) < 2 or _name(kept(group)) is None:
        return None
    return ", ".join(names[:-1]) + " and " + names[-1]


def version_note(workflow: Workflow, group: list[StepPlan], job_id: str) -> str | None:
    """What to say when the group's PyPA action steps pin different versions of it."""
    refs = {}
    for plan in group:
        if plan.is_pypa_action:
            bump = pin_bump(workflow, plan.step)
            uses = plan.step.uses
            refs[plan.step.index] = uses.replace(bump.old_ref, bump.new_ref) if bump else uses
    keep = kept(group)
    if len(set(refs.values())) < 2 or keep.step.index not in refs:
        return None
    shown = " and ".join(f"`{r}`" for r in dict.fromkeys(refs.values()))
    return (
        f"the uploads used {shown}; `{job_id}` runs `{refs[keep.step.index]}`, the version of "
        f"the step on line {keep.step.line}, for all of them"
    )


def merged_description(group: list[StepPlan], plan: StepPlan) -> str:
    """What became of an upload whose dists another step of its group now publishes."""
    keep = kept(group)
    return (
        f"the upload on line {plan.step.line} goes: the PyPA action step of line "
        f"{keep.step.line} publishes its dists too, as the action can publish only once in a job"
    )


def not_kept_note(job_id: str, group: list[StepPlan]) -> str:
    """Why `--keep-build-in-job` did not keep the group's uploads in the job that builds."""
    index = INDEX_NAMES.get(group[0].target.kind, group[0].target.kind.value)
    return (
        f"not kept in `{job_id}` (`--keep-build-in-job`): it uploads to {index} {len(group)} "
        "times, and the PyPA action can publish only once in a job, so one publish job "
        "publishes them all"
    )


def named_description(name: str) -> str:
    return f"named the PyPA action step {name!r}, after the uploads it publishes for"


# -- internals ---------------------------------------------------------------------------------


def _settings(plan: StepPlan) -> dict[str, str]:
    """What the group's one call must do for this upload: its inputs and step keys, as text."""
    if isinstance(plan.hand_off, HandOff) and not plan.is_pypa_action:
        step = plan.hand_off.publish_step
        inputs = dict(step.get("with") or {})
    else:
        step = plan.step.data
        written = plan.step.with_
        inputs = {KEBAB_NAMES[k]: v for k, v in written.items() if k in KEBAB_NAMES}
        inputs.update({k: v for k, v in written.items() if k not in KEBAB_NAMES})
        for key in TOKEN_INPUTS:
            inputs.pop(key, None)
        if "env" in step:
            inputs["env"] = step["env"]
    found = {**_DEFAULTS, **{k: _text(v) for k, v in inputs.items() if k not in _NOT_COMPARED}}
    found.update({k: _text(step[k]) for k in _STEP_KEYS if k in step})
    return found


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    return text.lower() if text.lower() in ("true", "false") else text


def _name(plan: StepPlan) -> str | None:
    """The name the upload's step gave it (a tool's step that keeps building keeps its own)."""
    hand_off = plan.hand_off
    stays = isinstance(hand_off, HandOff) and not plan.is_pypa_action and not hand_off.goes
    value = None if stays else plan.step.data.get("name")
    return value if isinstance(value, str) and value.strip() and "\n" not in value else None


def _uploads(a: StepPlan, b: StepPlan) -> str:
    index = INDEX_NAMES.get(a.target.kind, a.target.kind.value)
    return f"the uploads to {index} on lines {a.step.line} and {b.step.line}"


def _shown(value: str | None) -> str:
    return "unset" if value is None else f"`{value}`"


def _read(job: Job, step_id: str) -> bool:
    """True when something in the job reads the step `step_id` (its outputs or outcome)."""
    pattern = re.compile(rf"\bsteps\s*(?:\.\s*{re.escape(step_id)}\b|\[\s*'{re.escape(step_id)}')")
    return pattern.search(str(job.data)) is not None
