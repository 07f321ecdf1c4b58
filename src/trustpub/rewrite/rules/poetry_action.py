"""Rule: an action that only builds with poetry and uploads (`JRubics/poetry-publish`) becomes
`poetry build` in the job, and pypa/gh-action-pypi-publish publishes the dists with trusted
publishing (in a publish job of its own, or right after the build with `keep_build_in_job`).

The action ran `pip install poetry`, `poetry build` and `poetry publish` in a container; the new
build step installs poetry with pipx (on every GitHub-hosted runner) and builds. Inputs that
shape the build (the Python and poetry versions, the format, plugins, system packages) are
carried over; any other input is a reason to leave the step alone, said in the report.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from trustpub.publishers import ActionFacts, ActionRole, find_action
from trustpub.rewrite.edits import Patch, UnsupportedEdit
from trustpub.rewrite.indexes import TESTPYPI_UPLOAD_URL, IndexKind, IndexTarget
from trustpub.rewrite.render import Literal
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.rules.action_uploads import action_target
from trustpub.rewrite.rules.base import HandOff, StepPlan
from trustpub.rewrite.rules.credential_refs import credential_refs, minting_steps, secrets_of
from trustpub.rewrite.rules.handover import PYPA_STEP_USES
from trustpub.rewrite.workflow import Job, Step, Workflow

SETUP_PYTHON = "actions/setup-python"
SETUP_PYTHON_CURRENT = f"{SETUP_PYTHON}@v6"
# Inputs the build step carries over; the credentials and the index go with the upload.
_BUILD_INPUTS = frozenset(
    {
        "python_version",
        "poetry_version",
        "build_format",
        "plugins",
        "extra_build_dependency_packages",
        "allow_poetry_pre_release",
        "ignore_dev_requirements",  # for `poetry install`, which building does not need
    }
)
# Step keys the build step keeps (`name` is its own).
_KEPT_KEYS = ("id", "if", "continue-on-error", "timeout-minutes", "env", "working-directory")


def plan(workflow: Workflow, job: Job, step: Step) -> StepPlan | None:
    if not step.uses:
        return None
    facts = find_action(step.action)
    if facts is None or facts.role is not ActionRole.POETRY_BUILD:
        return None
    refs = credential_refs(
        step.data.get("with"), "input", facts.credential_inputs, minting_steps(job)
    )
    minted = bool(refs) and all(r.minted for r in refs)
    target = action_target(step, facts)
    found = StepPlan(
        step,
        "poetry",
        target,
        uses_token=bool(refs) and not minted,
        secrets=secrets_of(refs),
        needs_pypa_action=True,
    )
    problem = _problem(step, facts, target)
    if problem is not None:
        return StepPlan(
            step,
            "poetry",
            target,
            found.uses_token,
            found.secrets,
            problem=problem,
            advice="replace it by hand with `poetry build` and pypa/gh-action-pypi-publish in "
            "a publish job that has `id-token: write`",
            problem_is_index=not target.migratable,
            needs_pypa_action=True,
        )
    pypa_step = _pypa_step(target)
    build = _BuildSteps(workflow, step, facts)
    hand_off = HandOff(
        publish_step=pypa_step,
        packages_dir="dist/",
        goes=False,
        edit=lambda patch, follows: build.edit(patch),
        notes=(build.note,),
    )
    return StepPlan(
        step,
        "poetry",
        target,
        found.uses_token,
        found.secrets,
        edit=partial(build.edit, publish=_in_job_step(step, pypa_step)),
        packages_dir="dist",
        needs_pypa_action=True,
        notes=(build.note,),
        plan_hand_off=lambda: hand_off,
    )


def _problem(step: Step, facts: ActionFacts, target: IndexTarget) -> str | None:
    if not target.migratable:
        return target.why_not()
    known = {*_BUILD_INPUTS, *facts.credential_inputs, *facts.index_inputs}
    unknown = sorted(k for k in step.with_ if k not in known)
    if unknown:
        names = ", ".join(f"`{k}`" for k in unknown)
        return (
            f"`{step.uses}` builds and uploads with poetry, but it is given {names}, which "
            "trustpub does not know how to carry over to a `poetry build` step"
        )
    if "${{" in str({k: v for k, v in step.with_.items() if k in _BUILD_INPUTS}):
        return (
            f"`{step.uses}` is given its build settings from an expression, which trustpub "
            "cannot carry over to a `poetry build` step"
        )
    return None


def _pypa_step(target: IndexTarget) -> dict[str, Any]:
    test = target.kind is IndexKind.TESTPYPI
    value: dict[str, Any] = {
        "name": "Publish to TestPyPI" if test else "Publish to PyPI",
        "uses": PYPA_STEP_USES,
    }
    if test:
        value["with"] = {"repository-url": TESTPYPI_UPLOAD_URL}
    return value


def _in_job_step(step: Step, pypa_step: dict[str, Any]) -> dict[str, Any]:
    """The PyPA action step right after the build, in the same job: with the step's `if:`."""
    if "if" not in step.data:
        return pypa_step
    return {"name": pypa_step["name"], "if": step.data["if"], **pypa_step}


class _BuildSteps:
    """The steps that build what the action built: set up Python if it chose one, then poetry."""

    def __init__(self, workflow: Workflow, step: Step, facts: ActionFacts) -> None:
        self.workflow = workflow
        self.step = step
        self.inputs = {k: str(v) for k, v in step.with_.items() if v is not None}
        self.note = (
            f"`{step.uses}` was replaced by a `poetry build` step: pypa/gh-action-pypi-publish "
            "publishes the dists with trusted publishing, which poetry cannot do (the action "
            "also ran `poetry install` first, which building does not need)"
        )

    def edit(self, patch: Patch, publish: dict[str, Any] | None = None) -> list[str]:
        if not isinstance(patch, RestructurePatch):
            raise UnsupportedEdit("this upload needs a patch that can add and replace steps")
        steps = self.step.path[:-1]
        index = self.step.index
        python = self._python_version()
        added = python is not None and not self._python_set_up()
        if added:
            setup = {
                "name": "Set up Python",
                "uses": self._setup_python(),
                "with": {"python-version": python},
            }
            patch.insert_item(steps, index, setup, after=False)
        patch.replace_item(steps, index, self._build_step(python is not None))
        if publish is not None:
            patch.insert_item(steps, index, publish, after=True)
        done = [f"replaced `{self.step.uses}` with a `poetry build` step"]
        if added:
            done.append(f"added `{SETUP_PYTHON}` for Python {python}, as the action used")
        if publish is not None:
            done.append("added a `pypa/gh-action-pypi-publish` step after it")
        return done

    def _python_version(self) -> str | None:
        value = self.inputs.get("python_version", "").strip()
        return None if value in ("", "latest") else value

    def _python_set_up(self) -> bool:
        """True when an earlier step of the job already sets Python up."""
        job = self.workflow.data["jobs"][self.step.job]
        earlier = job["steps"][: self.step.index]
        return any(
            isinstance(s, dict) and str(s.get("uses", "")).lower().startswith(SETUP_PYTHON + "@")
            for s in earlier
        )

    def _setup_python(self) -> str:
        """The workflow's own `actions/setup-python` ref (pinned as it pins it), else current."""
        for job in self.workflow.jobs():
            for step in job.steps():
                if step.action == SETUP_PYTHON:
                    return step.uses
        return SETUP_PYTHON_CURRENT

    def _build_step(self, own_python: bool) -> dict[str, Any]:
        value: dict[str, Any] = {"name": "Build with poetry"}
        value.update({k: self.step.data[k] for k in _KEPT_KEYS if k in self.step.data})
        value["run"] = Literal(self._script(own_python))
        return value

    def _script(self, own_python: bool) -> str:
        lines = []
        packages = self.inputs.get("extra_build_dependency_packages", "").strip()
        if packages:
            lines.append(
                f"sudo apt-get update && sudo apt-get install -y --no-install-recommends {packages}"
            )
        options = " --python python" if own_python else ""
        if self.inputs.get("allow_poetry_pre_release", "").strip():
            options += " --pip-args=--pre"
        version = self.inputs.get("poetry_version", "").strip()
        spec = "" if version in ("", "latest") else version
        lines.append(f"pipx install{options} {_quoted('poetry' + spec)}")
        plugins = self.inputs.get("plugins", "").strip()
        if plugins:
            lines.append(f"pipx inject poetry {' '.join(map(_quoted, plugins.split()))}")
        build = self.inputs.get("build_format", "").strip()
        lines.append(f"poetry build --format {build}" if build else "poetry build")
        return "\n".join(lines) + "\n"


def _quoted(word: str) -> str:
    return f"'{word}'" if any(c in word for c in "<>=!~[] ") else word
