"""Rule: uploads with twine, uv, pdm, maturin, poetry, hatch and flit, in `run:` steps and in
PyO3/maturin-action.

Tools that publish with trusted publishing themselves (twine >= 6.1, uv >= 0.4.16, pdm >= 2.6,
maturin >= 0.15) lose their credentials: the token variables in any `env:`, the credential flags,
the `export`s and config commands that set them; the rest of each command stays byte for byte.
poetry, hatch and flit hand the upload to the PyPA action (`handover.py`). A credential in a job's
or the workflow's `env:` is removed only when no step that stays needs it, so the whole workflow
is read before any step is planned (`WorkflowUploads`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from weakref import WeakKeyDictionary

from trustpub.rewrite.commands import Span, UploadCommand
from trustpub.rewrite.indexes import DEFAULT_PYPI, IndexKind, IndexTarget, classify_url
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.rules.credentials_env import (
    EnvEntry,
    visible_env,
)
from trustpub.rewrite.rules.handover import (
    HANDOVER_TOOLS,
    handover_problem,
    plan_handover,
)
from trustpub.rewrite.rules.hidden_uploads import hidden_upload_plan
from trustpub.rewrite.rules.shared_env import SharedCredentials
from trustpub.rewrite.rules.tool_credentials import CredentialFinder
from trustpub.rewrite.rules.tool_edits import UploadEditor
from trustpub.rewrite.rules.tool_pins import ToolPins
from trustpub.rewrite.rules.tool_uploads import (
    Upload,
    command_name,
    gone,
    why_not,
)
from trustpub.rewrite.rules.upload_steps import Script, step_script, working_directory
from trustpub.rewrite.tools import TOOLS, classify_index_value
from trustpub.rewrite.workflow import Job, Step, Workflow

# A file argument of an upload: `dist/*`, `pkg/dist/*.whl`, `wheels-*/*`.
_FILES = re.compile(r"(?!-)[^\s:=]*/[^\s/:=]*(?:\*|\.whl|\.tar\.gz|\.zip)[^\s/]*")
_NEVER_TRUSTED = re.compile(r"--trusted-publishing[= ]+never\b")


def plan(workflow: Workflow, job: Job, step: Step) -> StepPlan | None:
    """The plan for a step that uploads with a tool (or hides an upload), or None."""
    uploads = _ANALYSES.get(workflow)
    if uploads is None:
        uploads = _ANALYSES[workflow] = WorkflowUploads(workflow)
    return uploads.plan(job, step)


_ANALYSES: WeakKeyDictionary[Workflow, WorkflowUploads] = WeakKeyDictionary()


class WorkflowUploads:
    """Every tool upload of one workflow, planned together (they may share credentials)."""

    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow
        self.scripts: dict[tuple[str, int], Script] = {}
        self.uploads: dict[tuple[str, int], Upload] = {}
        self.hidden: dict[tuple[str, int], StepPlan] = {}
        self.jobs: dict[str, Job] = {}
        self.credentials = CredentialFinder(workflow, self.job_scripts)
        self.pins = ToolPins(self.job_scripts)
        for job in workflow.jobs():
            if not job.calls_reusable_workflow:
                self._read_job(job)
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
            return replace(found, problem=upload.problem, advice=upload.advice)
        return replace(
            found,
            secrets=frozenset(upload.secrets),
            edit=lambda patch: self.editor.edit(upload, patch),
            notes=tuple(upload.notes),
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
            else:
                hidden = hidden_upload_plan(self.workflow, script)
                if hidden is not None:
                    self.hidden[(job.id, step.index)] = hidden

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
            self._handover(upload)
        else:
            self.pins.check(upload)
        if upload.problem is None and (why := upload.edits.check(self.workflow.doc, gone(upload))):
            upload.refuse(
                f"trustpub cannot edit the script exactly: {why}",
                "remove the credentials by hand, then run trustpub again",
            )
        return upload

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
            upload.refuse(why_not(upload.tool, upload.target))
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
                        return IndexTarget(IndexKind.UNKNOWN, value)
                    return classify_index_value(command.tool, kind, value)
        if target.kind is IndexKind.OTHER and command.tool == "poetry":
            url = self._poetry_repository(script, target.detail, env)
            if url is not None:
                return (
                    classify_url(url) if "${{" not in url else IndexTarget(IndexKind.UNKNOWN, url)
                )
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

    def _handover(self, upload: Upload) -> None:
        problem = handover_problem(upload.job)
        if problem is not None:
            upload.refuse(problem, "publish from a separate ubuntu-latest job with the PyPA action")
            return
        script = upload.script
        path = script.path
        if len(upload.commands) > 1 or script.action or path is None:
            upload.refuse(
                f"the step runs {upload.tool} publish more than once", "migrate it by hand"
            )
            return
        own = upload.edits.by_path.get(path)
        deletions = sorted(own.deletions) if own else []
        found = plan_handover(
            self.workflow,
            upload.job,
            upload.step,
            script.text,
            upload.commands[0],
            upload.target,
            deletions,
        )
        if isinstance(found, str):
            upload.refuse(found, "migrate it by hand")
            return
        upload.handover = found
        command = command_name(upload.commands[0], script)
        if own is not None and found.build_tail is not None:
            tail = found.build_tail
            own.deletions = {
                s for s in own.deletions if not (tail.start <= s.start and s.end <= tail.end)
            }
        if found.build_tail is not None:  # `publish ...` -> `build`, the rest deleted
            tail = script.value_span(found.build_tail)
            word = Span(tail.start, tail.start + len("publish"))
            upload.edits.replace(path, script.value, word, "build")
            if tail.end > word.end:
                upload.edits.delete(path, script.value, [Span(word.end, tail.end)])
        elif found.remove is not None:
            upload.edits.delete(path, script.value, [found.remove])
        # The flags go with the upload command: the handover's description says it all.
        upload.descriptions = [
            d for d in upload.descriptions if not d.startswith("removed the credential flags")
        ]
        upload.descriptions.append(found.description(command))
        upload.notes.append(
            "the PyPA action publishes from the job that builds; the Python Packaging Guide "
            "recommends a separate publish job that downloads the built dists"
        )

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
