"""Environment variables around an upload step: which it sees, and where a credential comes from.

A step sees the workflow's `env:`, its job's and its own, the nearer one winning. A credential is
removed only when it provably comes from a repository secret (or is written out as text): a value
from another step's output, an input or a secret whose name is computed is left alone, with why.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

from trustpub.rewrite.document import Path
from trustpub.rewrite.expressions import has_computed_secret, is_expression, referenced_secrets
from trustpub.rewrite.workflow import Job, Step, Workflow


class Level(enum.Enum):
    STEP = "step"
    JOB = "job"
    WORKFLOW = "workflow"


# How messages name the `env:` of each level.
LEVEL_NAMES = {Level.STEP: "the step's", Level.JOB: "the job's", Level.WORKFLOW: "the workflow's"}


@dataclass(frozen=True)
class EnvEntry:
    """One `NAME: value` of an `env:` mapping."""

    name: str
    value: Any
    level: Level
    mapping_path: Path  # the `env:` mapping it is in

    @property
    def text(self) -> str:
        return "" if self.value is None else str(self.value)


def env_entries(mapping: Any, level: Level, path: Path) -> dict[str, EnvEntry]:
    if not isinstance(mapping, dict):
        return {}
    return {str(k): EnvEntry(str(k), v, level, path) for k, v in mapping.items()}


def job_env(job: Job) -> dict[str, EnvEntry]:
    return env_entries(job.data.get("env"), Level.JOB, (*job.path, "env"))


def workflow_env(workflow: Workflow) -> dict[str, EnvEntry]:
    return env_entries(workflow.data.get("env"), Level.WORKFLOW, ("env",))


def step_env(step: Step) -> dict[str, EnvEntry]:
    return env_entries(step.data.get("env"), Level.STEP, (*step.path, "env"))


def visible_env(workflow: Workflow, job: Job, step: Step) -> dict[str, EnvEntry]:
    """What the step's processes see: its own `env:` over its job's over the workflow's."""
    return {**workflow_env(workflow), **job_env(job), **step_env(step)}


# -- what a credential is -----------------------------------------------------------------------


def is_username(name: str) -> bool:
    """A user name variable (`TWINE_USERNAME`, `HATCH_INDEX_USER`...): never a secret by itself."""
    return name.endswith(("USERNAME", "_USER"))


@dataclass(frozen=True)
class Provenance:
    """Where a credential's value comes from."""

    secrets: frozenset[str]
    problem: str | None = None
    literal: bool = False  # written out in the workflow: a token that is not secret at all


_STEP_OUTPUT = re.compile(r"\bsteps\.[\w-]+\.outputs\b|\bsteps\[")
_JOB_OUTPUT = re.compile(r"\bneeds\.[\w-]+\.outputs\b")
_INPUT = re.compile(r"\b(?:github\.event\.)?inputs\.")


def provenance(what: str, value: str) -> Provenance:
    """Classify the text that sets a credential; `what` names it in messages (`TWINE_PASSWORD`)."""
    secrets = referenced_secrets(value)
    if has_computed_secret(value):
        return Provenance(
            secrets,
            f"the secret behind {what} is chosen at run time ({value.strip()}), so trustpub "
            "cannot tell which secret it would remove",
        )
    if _STEP_OUTPUT.search(value):
        return Provenance(
            secrets,
            f"{what} comes from another step's output ({value.strip()}), such as a secrets "
            "manager; trustpub removes only tokens it can trace to a repository secret",
        )
    if _JOB_OUTPUT.search(value):
        return Provenance(
            secrets,
            f"{what} comes from another job's output ({value.strip()}); trustpub "
            "removes only tokens it can trace to a repository secret",
        )
    if _INPUT.search(value):
        return Provenance(
            secrets,
            f"{what} comes from a workflow input ({value.strip()}); trustpub removes only "
            "tokens it can trace to a repository secret",
        )
    if is_expression(value) and not secrets:
        return Provenance(
            secrets,
            f"{what} is set from {value.strip()!r}, not from a repository secret, so trustpub "
            "cannot prove it is a PyPI token it may remove",
        )
    return Provenance(secrets, literal=not is_expression(value) and bool(value.strip()))


# -- who reads a variable -----------------------------------------------------------------------


def mentions(text: str, name: str) -> bool:
    """True when the text names the variable (`$NAME`, `${NAME}`, `env.NAME`, `$env:NAME`...)."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


# `$NAME`, `${NAME}` (not `${{`), PowerShell `$env:NAME`.
_SHELL_VARIABLE = re.compile(
    r"\$(?:env:)?([A-Za-z_][A-Za-z0-9_]*)|\$\{(?!\{)([A-Za-z_][A-Za-z0-9_]*)\}"
)


def shell_variables(text: str) -> list[str]:
    """The shell variables a piece of script text expands."""
    return [m.group(1) or m.group(2) for m in _SHELL_VARIABLE.finditer(text)]


def runs_a_command(text: str) -> bool:
    """True when the text substitutes a command's output (`$(...)`, backticks)."""
    return "$(" in text or "`" in text.replace("``", "")
