"""Rule: uploads with twine, uv, pdm, maturin, poetry, hatch and flit, in `run:` steps and in
PyO3/maturin-action.

Tools that publish with trusted publishing themselves (twine >= 6.1, uv >= 0.4.16, pdm >= 2.6,
maturin >= 0.15) lose their credentials: the token variables in any `env:`, the credential flags,
the `export`s and config commands that set them; the rest of each command stays byte for byte.
poetry, hatch and flit hand the upload to the PyPA action (`handover.py`), and so does every tool
in a job split by index (`hand_offs.py`). A credential in a job's
or the workflow's `env:` is removed only when no step that stays needs it, so the whole workflow
is read before any step is planned (`WorkflowUploads`).
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import replace

from trustpub.rewrite.commands import UploadCommand
from trustpub.rewrite.indexes import (
    DEFAULT_PYPI,
    IndexKind,
    IndexTarget,
    chosen_at_run_time,
    classify_url,
)
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.rules.credentials_env import (
    EnvEntry,
    visible_env,
)
from trustpub.rewrite.rules.hand_offs import hand_off, hand_over, publish_job_variant
from trustpub.rewrite.rules.handover import HANDOVER_TOOLS
from trustpub.rewrite.rules.hidden_uploads import UNRECOGNISED, hidden_upload_plan
from trustpub.rewrite.rules.shared_env import SharedCredentials
from trustpub.rewrite.rules.tool_credentials import CredentialFinder
from trustpub.rewrite.rules.tool_edits import UploadEditor
from trustpub.rewrite.rules.tool_pins import ToolPins
from trustpub.rewrite.rules.tool_uploads import Upload, gone, why_not
from trustpub.rewrite.rules.upload_steps import Script, step_script, working_directory
from trustpub.rewrite.tools import TOOLS, classify_index_value
from trustpub.rewrite.workflow import Job, Step, Workflow

# A file argument of an upload: `dist/*`, `pkg/dist/*.whl`, `wheels-*/*`.
_FILES = re.compile(r"(?!-)[^\s:=]*/[^\s/:=]*(?:\*|\.whl|\.tar\.gz|\.zip)[^\s/]*")
_NEVER_TRUSTED = re.compile(r"--trusted-publishing[= ]+never\b")


def plan(workflow: Workflow, job: Job, step: Step) -> StepPlan | None:
    """The plan for a step that uploads with a tool (or hides an upload), or None."""
    if _LAST and _LAST[0][0] is workflow:
        uploads = _LAST[0][1]
    else:
        uploads = WorkflowUploads(workflow)
        _LAST[:] = [(workflow, uploads)]
    return uploads.plan(job, step)


# The analysis of the workflow being rewritten (steps are planned one workflow at a time). Not a
# WeakKeyDictionary: its values refer to their keys, so it kept every workflow (and its YAML nodes)
# alive, and a worker's memory grew with every repository it ran.
_LAST: list[tuple[Workflow, WorkflowUploads]] = []


class WorkflowUploads:
    """Every tool upload of one workflow, planned together (they may share credentials)."""

    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow
        self.scripts: dict[tuple[str, int], Script] = {}
        self.uploads: dict[tuple[str, int], Upload] = {}
        # Each upload as found, before it was planned in its job: a publish job's plan
        # (`variants`) starts from it, when a split asks for one.
        self.as_found: dict[tuple[str, int], Upload] = {}
        self.variants: dict[tuple[str, int], Upload] = {}
        self.hidden: dict[tuple[str, int], StepPlan] = {}
        self.jobs: dict[str, Job] = {}
        self.credentials = CredentialFinder(workflow, self.job_scripts)
        self.pins = ToolPins(self.job_scripts)
        for job in workflow.jobs():
            if not job.calls_reusable_workflow:
                self._read_job(job)
        self._drop_claimed_steps()
        shared = SharedCredentials(workflow, self.jobs, self.scripts, self.uploads, self.hidden)
        shared.settle()
        self.editor = UploadEditor(workflow, self.jobs, shared.workflow_removals)

    def plan(self, job: Job, step: Step) -> StepPlan | None:
        if job.id not in self.jobs:  # a composite action's `runs:`: nothing is shared there
            self._read_job(job)
        key = (job.id, step.index)
        if key in self.hidden:
            return self.hidden[key]
        upload = self.uploads.get(key)
        if upload is None:
            return None
        found = StepPlan(
            step,
            upload.tool,
            upload.target,
            upload.uses_token,
            packages_dir=self._packages_dir(upload),
            needs_pypa_action=upload.tool in HANDOVER_TOOLS,
        )
        if upload.problem:
            return replace(
                found,
                problem=upload.problem,
                advice=upload.advice,
                problem_is_index=upload.problem_is_index,
            )
        return replace(
            found,
            secrets=frozenset(upload.secrets),
            edit=lambda patch: self.editor.edit(upload, patch),
            notes=tuple(upload.notes),
            plan_hand_off=functools.cache(
                lambda: hand_off(self._variant(key), upload, self.editor)
            ),
        )

    def _read_job(self, job: Job) -> None:
        self.jobs[job.id] = job
        for step in job.steps():
            script = step_script(self.workflow, job, step)
            if script is not None:
                self.scripts[(job.id, step.index)] = script
        for step in job.steps():
            script = self.scripts.get((job.id, step.index))
            if script is None:
                continue
            upload = self._upload(script)
            if upload is not None:
                self.uploads[(job.id, step.index)] = upload
                self.as_found[(job.id, step.index)] = upload.copy()
                self._plan_in_job(upload)
            else:
                hidden = hidden_upload_plan(self.workflow, script)
                if hidden is not None:
                    self.hidden[(job.id, step.index)] = hidden

    def _drop_claimed_steps(self) -> None:
        """A step given a credential that an upload of the workflow removes (a `poetry config`
        step before `poetry publish`) is part of that upload, not an upload of its own."""
        claimed = {  # a publish job's plan edits no other step than these do
            path[:-1]
            for upload in self.uploads.values()
            for path in [*upload.edits.by_path, *(e.mapping_path for e in upload.env)]
        }
        for key, plan in list(self.hidden.items()):
            if plan.tool == UNRECOGNISED and plan.step.path in claimed:
                del self.hidden[key]

    def job_scripts(self, job: Job) -> list[Script]:
        return [s for (j, _), s in self.scripts.items() if j == job.id]

    def _upload(self, script: Script) -> Upload | None:
        commands = [u for u in script.scan.uploads if not u.dry_run]
        if not commands:
            return None
        env = visible_env(self.workflow, script.job, script.step)
        targets = [self._target(script, c, env) for c in commands]
        tool = commands[0].tool
        target = next((t for t in targets if not t.migratable), targets[0])
        upload = Upload(script, tool, commands, target)
        self._check_commands(upload, targets, env)
        self.credentials.find(upload, env)
        if tool in HANDOVER_TOOLS:
            upload.uses_token = True  # it cannot publish any other way
        return upload

    def _plan_in_job(self, upload: Upload) -> None:
        """Plan the upload migrated where it is."""
        if upload.tool in HANDOVER_TOOLS:
            hand_over(self.workflow, upload, in_job=True)
        else:
            self.pins.check(upload)
        self._check_edits(upload)

    def _variant(self, key: tuple[str, int]) -> Upload:
        """The upload planned for a publish job (once, on the first ask)."""
        if key not in self.variants:
            variant = publish_job_variant(self.workflow, self.as_found[key])
            self._check_edits(variant)
            self.variants[key] = variant
        return self.variants[key]

    def _check_edits(self, upload: Upload) -> None:
        why = upload.problem is None and upload.edits.check(self.workflow.doc, gone(upload))
        if why:
            upload.refuse(
                f"trustpub cannot edit the script exactly: {why}",
                "remove the credentials by hand, then run trustpub again",
            )

    def _check_commands(
        self, upload: Upload, targets: list[IndexTarget], env: dict[str, EnvEntry]
    ) -> None:
        tools = sorted({c.tool for c in upload.commands})
        if len(tools) > 1:
            upload.refuse(
                f"the step uploads with {' and '.join(tools)}; trustpub migrates one upload "
                "tool per step",
                "give each upload its own step (and its own publish job)",
            )
        kinds = sorted({t.kind.value for t in targets})
        if len(kinds) > 1 and all(t.migratable for t in targets):
            upload.refuse(
                f"the step uploads to {' and '.join(kinds)}; trusted publishing needs one "
                "upload per job, each with its own environment",
                "split it into one publish job per index (see the Python Packaging Guide)",
            )
        if not upload.target.migratable:
            upload.refuse(why_not(upload.tool, upload.target), about_index=True)
        if upload.script.scan.problem:
            upload.refuse(upload.script.scan.problem, "migrate this step by hand")
        text = upload.script.text
        never = env.get("UV_TRUSTED_PUBLISHING")
        if upload.tool == "uv" and (
            any(_NEVER_TRUSTED.search(text[c.span.start : c.span.end]) for c in upload.commands)
            or (never is not None and never.text.strip().lower() == "never")
        ):
            upload.refuse(
                "`uv publish` is told never to use trusted publishing (`--trusted-publishing "
                "never`)",
                "drop that setting if the upload should move to trusted publishing",
            )

    def _target(
        self, script: Script, command: UploadCommand, env: dict[str, EnvEntry]
    ) -> IndexTarget:
        """The index, from flags (the scanner), else `env:` variables, else the tool's default."""
        target = command.index
        facts = TOOLS[command.tool]
        if target == DEFAULT_PYPI:
            for name, kind in sorted(facts.index_env.items(), key=lambda i: i[1].value != "url"):
                if name in env:
                    value = env[name].text
                    if "${{" in value:
                        return chosen_at_run_time(value)
                    return classify_index_value(command.tool, kind, value)
        if target.kind is IndexKind.OTHER and command.tool == "poetry":
            url = self._poetry_repository(script, target.detail, env)
            if url is not None:
                return classify_url(url) if "${{" not in url else chosen_at_run_time(url)
        return target

    def _poetry_repository(self, script: Script, name: str, env: dict[str, EnvEntry]) -> str | None:
        """The URL a poetry repository name is configured with in this job, if it is."""
        variable = "POETRY_REPOSITORIES_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper() + "_URL"
        if variable in env:
            return env[variable].text
        for other in self.job_scripts(script.job):
            for config in other.scan.config_commands:
                if config.tool == "poetry" and config.repository == name and config.url:
                    return config.url
        return None

    def _packages_dir(self, upload: Upload) -> str:
        """Where the uploaded files are (for the project name of a repository with several)."""
        if upload.handover is not None:
            return upload.handover.packages_dir
        script = upload.script
        command = upload.commands[0]
        words = script.text[command.span.start : command.span.end].split()
        files = [w.strip("'\"") for w in words if _FILES.fullmatch(w.strip("'\""))]
        where = posixpath.dirname(files[0]) if files else "dist"
        if any(c in where for c in "*?[") or "${{" in where:
            where = "dist"
        if script.action:
            return where
        base = working_directory(self.workflow, upload.job, upload.step)
        return posixpath.normpath(posixpath.join(base, where)) if base else where
