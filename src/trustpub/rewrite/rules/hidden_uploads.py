"""Uploads trustpub cannot see: a `make`, `tox`, `nox` or task-runner target, or a script.

When such a step can reach a token (a credential variable, or a secret that looks like a PyPI
token), it is reported with the file or target to look at, and left alone.
"""

from __future__ import annotations

from trustpub.publishers import TOKEN_LIKE_SECRET
from trustpub.rewrite.commands import HiddenUpload
from trustpub.rewrite.expressions import referenced_secrets
from trustpub.rewrite.indexes import DEFAULT_PYPI
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.rules.credentials_env import tool_of_credential, visible_env
from trustpub.rewrite.rules.upload_steps import Script
from trustpub.rewrite.workflow import Workflow

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
    """A plan that leaves the step alone, saying where its upload is; None when the step shows
    no sign of publishing with a token."""
    scan = script.scan
    if not scan.hidden and not (scan.problem and "upload" in scan.problem):
        return None
    env = visible_env(workflow, script.job, script.step)
    credentials = sorted(n for n in env if tool_of_credential(n))
    secrets = sorted(
        s for s in referenced_secrets(str(script.step.data)) if TOKEN_LIKE_SECRET.search(s)
    )
    if not credentials and not secrets:
        return None
    token = f"`{credentials[0]}`" if credentials else f"the secret `{secrets[0]}`"
    if scan.hidden:
        hidden = scan.hidden[0]
        problem = (
            f"the upload is hidden in `{_command(script, hidden)}`, which trustpub cannot see "
            "into, "
            f"and the step can read {token}"
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
    return StepPlan(
        script.step,
        runner,
        DEFAULT_PYPI,
        True,
        problem=problem,
        advice=advice,
    )


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
