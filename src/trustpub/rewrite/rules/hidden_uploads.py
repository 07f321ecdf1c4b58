"""Uploads trustpub cannot see: a `make`, `tox`, `nox` or task-runner target, or a script.

When such a step can reach a token (a credential variable, or a secret that looks like a PyPI
token), it is reported with the file or target to look at, and left alone.
"""

from __future__ import annotations

import re

from trustpub.publishers import (
    TOKEN_LIKE_SECRET,
    UPLOAD_TEXT,
    is_other_registry_secret,
    is_pypi_secret,
)
from trustpub.rewrite.commands import HiddenUpload
from trustpub.rewrite.expressions import referenced_secrets
from trustpub.rewrite.indexes import DEFAULT_PYPI
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.rules.credential_refs import credential_refs
from trustpub.rewrite.rules.credentials_env import visible_env
from trustpub.rewrite.rules.upload_steps import Script
from trustpub.rewrite.tools import is_credential_env
from trustpub.rewrite.workflow import Workflow

# The `tool` of a plan for a step given a credential in which no upload was found.
UNRECOGNISED = "unrecognised"
_TASK_FILES = {
    "make": "the `{target}` target of the Makefile",
    "tox": "the `{target}` environment of tox (tox.ini, tox.toml or pyproject.toml)",
    "nox": "the `{target}` session in noxfile.py",
    "invoke": "the `{target}` task in tasks.py",
    "inv": "the `{target}` task in tasks.py",
    "just": "the `{target}` recipe in the justfile",
    "poe": "the `{target}` task in pyproject.toml ([tool.poe.tasks])",
    "python setup.py": "setup.py (`setup.py upload` no longer works on PyPI: upload with twine)",
}


def hidden_upload_plan(workflow: Workflow, script: Script) -> StepPlan | None:
    """A plan that leaves the step alone, saying where its upload may be; None when the step
    shows no sign of publishing with a token."""
    scan = script.scan
    env = visible_env(workflow, script.job, script.step)
    credentials = sorted(n for n in env if is_credential_env(n))
    secrets = sorted(
        s
        for s in referenced_secrets(str(script.step.data))
        if TOKEN_LIKE_SECRET.search(s) and not is_other_registry_secret(s)
    )
    if scan.hidden or (scan.problem and "upload" in scan.problem):
        if not credentials and not secrets:
            return None
        token = f"`{credentials[0]}`" if credentials else f"the secret `{secrets[0]}`"
        return _hidden(script, token)
    given = [
        f"the step is given {r.describe()}"
        for r in credential_refs(script.step.data.get("env"), "variable")
        if not r.minted
    ]
    given += [
        f"the step's script uses the secret `{name}`"
        for name in sorted(referenced_secrets(script.text))
        if is_pypi_secret(name)
    ]
    seen = UPLOAD_TEXT.search(script.text)
    if given or (seen and (credentials or secrets)):
        return _unrecognised(script, given[0] if given else None, seen)
    return None


def _hidden(script: Script, token: str) -> StepPlan:
    scan = script.scan
    if scan.hidden:
        hidden = scan.hidden[0]
        problem = (
            f"the upload is hidden in `{_command(script, hidden)}`, which trustpub cannot see "
            f"into, and the step can read {token}"
        )
        advice = (
            f"look at {look_at(hidden)}: drop the token there and upload with a tool that "
            "does trusted publishing (or pypa/gh-action-pypi-publish), then run trustpub again"
        )
        runner = hidden.runner
    else:
        problem = f"{scan.problem}, and the step can read {token}"
        advice = "migrate this step by hand"
        runner = "script"
    return StepPlan(script.step, runner, DEFAULT_PYPI, True, problem=problem, advice=advice)


def _unrecognised(script: Script, given: str | None, seen: re.Match[str] | None) -> StepPlan:
    """A step handed a PyPI credential (or showing an upload trustpub cannot read) in which no
    upload command was found: it may upload with it, so it is never passed over in silence."""
    if seen is not None:
        what = (
            f"the script shows `{seen.group(0).strip()}`, which trustpub cannot read as an upload"
        )
    else:
        what = f"it runs `{_first_command(script.text)}`, where trustpub finds no upload"
    problem = f"{given}; {what}" if given else f"{what}, and can read a token"
    advice = (
        "if it uploads to PyPI, upload with a tool that does trusted publishing (or "
        "pypa/gh-action-pypi-publish) in a job that has `id-token: write` and drop the token, "
        "then run trustpub again; if it does not upload, add `# trustpub: ignore` on the job"
    )
    secrets = referenced_secrets(f"{script.step.data.get('env')} {script.text}")
    return StepPlan(
        script.step, UNRECOGNISED, DEFAULT_PYPI, True, secrets, problem=problem, advice=advice
    )


def _first_command(text: str) -> str:
    lines = [line.strip() for line in text.splitlines()]
    first = next((line for line in lines if line and not line.startswith("#")), "")
    first = first.rstrip("\\ ")
    return first if len(first) <= 80 else first[:77] + "..."


def look_at(hidden: HiddenUpload) -> str:
    """The file, target or script a user should read to find the hidden upload."""
    template = _TASK_FILES.get(hidden.runner)
    if template is not None:
        return template.format(target=hidden.target)
    if hidden.runner.endswith(" run"):
        return f"the `{hidden.target}` script that `{hidden.runner}` runs (pyproject.toml)"
    return f"`{hidden.target}`"


def _command(script: Script, hidden: HiddenUpload) -> str:
    """The command as written (its first line, without the secrets it is given)."""
    text = script.text[hidden.span.start : hidden.span.end].strip().split("\n")[0].rstrip("\\ ")
    return text if len(text) <= 80 else text[:77] + "..."
