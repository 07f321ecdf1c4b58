"""Rule: `pypa/gh-action-pypi-publish` steps lose their token inputs."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from trustpub.publishers import ACTIONS
from trustpub.rewrite.edits import Patch
from trustpub.rewrite.expressions import has_computed_secret, referenced_secrets
from trustpub.rewrite.indexes import classify_url
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.workflow import Job, Step, Workflow

PYPA = ACTIONS[0]
PYPA_ACTION = PYPA.name
# Trusted publishing shipped in v1.8.0; the `master` branch was sunset before that, and the
# action's README points its users to `release/v1`.
TRUSTED_PUBLISHING_SINCE = (1, 8)
SUNSET_REF, SUPPORTED_REF = "@master", "@release/v1"
_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.\d+)*")
_VERSION_COMMENT = re.compile(r"#\s*(v?\d+\.\d+(?:\.\d+)*)")
TOKEN_INPUTS = PYPA.credential_inputs
KEBAB_NAMES = {
    "repository_url": "repository-url",
    "packages_dir": "packages-dir",
    "verify_metadata": "verify-metadata",
    "skip_existing": "skip-existing",
    "print_hash": "print-hash",
}


def plan(workflow: Workflow, job: Job, step: Step) -> StepPlan | None:
    if step.action != PYPA_ACTION:
        return None
    inputs = step.with_
    url = inputs.get("repository-url", inputs.get("repository_url", ""))
    target = classify_url(str(url) if url is not None else "")
    password = inputs.get("password")
    uses_token = password not in (None, "")
    token_text = " ".join(str(inputs[k]) for k in TOKEN_INPUTS if k in inputs)
    packages_dir = str(inputs.get("packages-dir", inputs.get("packages_dir", "dist")))
    found = StepPlan(step, "pypa-action", target, uses_token, packages_dir=packages_dir)
    if not target.migratable:
        return replace(found, problem=target.why_not(), problem_is_index=True)
    if has_computed_secret(token_text):
        return replace(
            found,
            problem="the token's secret name is computed at run time, so trustpub cannot tell "
            "which secret it removes",
            advice="migrate this step by hand: remove `password`, then delete the secrets",
        )
    if uses_token and "secrets." not in str(password) and "secrets[" not in str(password):
        return replace(
            found,
            problem=f"the token comes from {str(password)!r}, not from a repository secret, so "
            "trustpub cannot prove it is a PyPI token it may remove",
            advice="check where that value comes from; if it is a PyPI token, remove `password`",
        )
    renames = {old: new for old, new in KEBAB_NAMES.items() if old in inputs}
    removals = [k for k in TOKEN_INPUTS if k in inputs]
    if not removals and not renames:
        return found
    old_pin = _pin_before_trusted_publishing(workflow, step)
    return replace(
        found,
        secrets=referenced_secrets(token_text),
        edit=lambda patch: _edit(patch, step, inputs, removals, renames),
        notes=(old_pin,) if old_pin else (),
    )


def _pin_before_trusted_publishing(workflow: Workflow, step: Step) -> str | None:
    """A note when the step pins a version older than trusted publishing (by tag or comment)."""
    ref = step.uses.partition("@")[2]
    version = ref if _VERSION.fullmatch(ref) else None
    node = workflow.doc.node_at((*step.path, "uses"))
    if version is None and node is not None:
        doc = workflow.doc
        rest = doc.text[node.end_mark.index : doc.line_end(doc.line_of(node.end_mark.index))]
        comment = _VERSION_COMMENT.search(rest)
        version = comment.group(1) if comment else None
    found = _VERSION.fullmatch(version) if version else None
    if found is None or (int(found[1]), int(found[2])) >= TRUSTED_PUBLISHING_SINCE:
        return None
    return (
        f"{PYPA_ACTION} {version} predates trusted publishing (v1.8.0) and cannot publish "
        "without a password: update the pin (for example to `release/v1`) before this runs"
    )


def _edit(
    patch: Patch, step: Step, inputs: dict[str, Any], removals: list[str], renames: dict[str, str]
) -> list[str]:
    with_path = (*step.path, "with")
    done: list[str] = []
    if step.uses.endswith(SUNSET_REF):
        patch.replace_in_scalar(step.path, "uses", SUNSET_REF, SUPPORTED_REF)
        done.append(f"moved the sunset `{SUNSET_REF}` ref to `{SUPPORTED_REF}`")
    dropped = set(removals) | {old for old, new in renames.items() if new in inputs}
    if dropped == set(inputs):
        patch.remove_entry(step.path, "with")
        return [*done, f"removed `with:` ({', '.join(sorted(dropped))})"]
    done.extend(f"removed input `{key}`" for key in removals)
    for old, new in renames.items():
        if new in inputs:
            done.append(f"removed `{old}` (`{new}` is set and wins)")
        else:
            patch.rename_key(with_path, old, new)
            done.append(f"renamed `{old}` to `{new}`")
    superseded = [old for old, new in renames.items() if new in inputs]
    if removals or superseded:
        patch.remove_entries(with_path, [*removals, *superseded])
    return done
