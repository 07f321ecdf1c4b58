"""Credentials in a job's or the workflow's `env:`, which other steps may read too.

Such a variable is removed only when every step that sees it and still reads it (once the planned
edits are made) is an upload that is migrated too; otherwise the upload is left alone, with why.
"""

from __future__ import annotations

from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.rules.credentials_env import (
    LEVEL_NAMES,
    EnvEntry,
    Level,
    is_username,
    mentions,
    provenance,
)
from trustpub.rewrite.rules.tool_uploads import (
    Upload,
    same_entry,
    step_name,
)
from trustpub.rewrite.rules.upload_steps import Script
from trustpub.rewrite.tools import is_credential_env
from trustpub.rewrite.workflow import Job, Step, Workflow


class SharedCredentials:
    """Decides, for all uploads of a workflow together, which shared credentials can go."""

    def __init__(
        self,
        workflow: Workflow,
        jobs: dict[str, Job],
        scripts: dict[tuple[str, int], Script],
        uploads: dict[tuple[str, int], Upload],
        hidden: dict[tuple[str, int], StepPlan],
    ) -> None:
        self.workflow = workflow
        self.jobs = jobs
        self.scripts = scripts
        self.uploads = uploads
        self.hidden = hidden
        self.workflow_removals: list[EnvEntry] = []  # the same for every upload (identical edits)

    def settle(self) -> None:
        """Refuse uploads whose credentials other steps still need, until nothing changes."""
        while True:
            pending = self._pending_edits()
            refused = False
            for upload in self._candidates():
                problem = self._still_needed(upload, pending)
                if problem is not None:
                    upload.refuse(*problem)
                    refused = True
            if not refused:
                break
        pending = self._pending_edits()
        for upload in self._candidates():
            for entry in upload.flag_sources:
                if not upload.deletes(entry) and not self._readers(entry, upload, pending):
                    upload.env.append(entry)
                    upload.secrets |= provenance(entry.name, entry.text).secrets
        self._share_workflow_env()

    def _candidates(self) -> list[Upload]:
        return [u for u in self.uploads.values() if u.problem is None]

    def _pending_edits(self) -> dict[tuple[str, int], str]:
        """Each script as the planned edits leave it (by job id and step index)."""
        edited: dict[tuple[str, int], str] = {}
        for upload in self._candidates():
            for path, edits in upload.edits.by_path.items():
                if len(path) > 4 and path[-1] == "run":
                    key = (str(path[1]), int(path[3]))
                    edited[key] = edits.result()
        return edited

    def _still_needed(
        self, upload: Upload, pending: dict[tuple[str, int], str]
    ) -> tuple[str, str] | None:
        for entry in sorted(upload.env, key=lambda e: is_username(e.name)):
            readers = self._readers(entry, upload, pending)
            if readers:
                job, step = readers[0]
                if step == upload.step:
                    return (
                        f"`{entry.name}` must go for trusted publishing, but the rest of the "
                        f"step ({self._rest_of(upload)}) may still read it",
                        f"give the upload a step of its own, without `{entry.name}`, then run "
                        "trustpub again",
                    )
                where = f"step {step_name(step)} (line {step.line})"
                if job.id != upload.job.id:
                    where += f" of job `{job.id}`"
                return (
                    f"`{entry.name}` is set in {LEVEL_NAMES[entry.level]} `env:`, and {where} "
                    "still needs it, so trustpub cannot remove it for this upload alone",
                    f"move `{entry.name}` into the `env:` of the steps that use it, then run "
                    "trustpub again",
                )
        return None

    def _rest_of(self, upload: Upload) -> str:
        hidden = upload.script.scan.hidden
        if hidden:
            return f"`{hidden[0].runner} {hidden[0].target}`"
        return "its script or inputs"

    def _readers(
        self, entry: EnvEntry, upload: Upload, pending: dict[tuple[str, int], str]
    ) -> list[tuple[Job, Step]]:
        """The steps that see `entry` and still read it once the planned edits are made."""
        found = []
        for job, step in self._scope(entry, upload):
            other = self.uploads.get((job.id, step.index))
            covered = (
                other is not None
                and other is not upload
                and other.problem is None
                and other.deletes(entry)
                and (job.id == upload.job.id or self._single_upload(job))
            )
            if not covered and self._reads(job, step, entry.name, pending):
                found.append((job, step))
        return found

    def _scope(self, entry: EnvEntry, upload: Upload) -> list[tuple[Job, Step]]:
        if entry.level is Level.STEP:
            return [(upload.job, upload.step)]
        jobs = [upload.job] if entry.level is Level.JOB else list(self.jobs.values())
        scope = []
        for job in jobs:
            if entry.level is Level.WORKFLOW and entry.name in (job.data.get("env") or {}):
                continue
            for step in job.steps():
                if entry.name not in step.env:
                    scope.append((job, step))
        return scope

    def _reads(self, job: Job, step: Step, name: str, pending: dict[tuple[str, int], str]) -> bool:
        key = (job.id, step.index)
        others = {k: v for k, v in step.data.items() if k not in ("run", "env")}
        others_text = str(others) + " " + " ".join(str(v) for k, v in step.env.items() if k != name)
        if mentions(others_text, name):
            return True
        script = self.scripts.get(key)
        upload = self.uploads.get(key)
        if script is not None and not script.action:
            text = pending.get(key, script.text)
            if mentions(text, name):
                return True
            if script.scan.hidden or script.scan.problem:
                return True
        if script is not None:
            own = upload is not None and upload.problem is None
            reads_it = any(is_credential_env(name) == u.tool for u in script.scan.uploads)
            if reads_it and not own:
                return True
        return step.uses.startswith(("./", "docker://"))

    def _single_upload(self, job: Job) -> bool:
        count = sum(1 for (j, _) in self.uploads if j == job.id)
        count += sum(1 for (j, _) in self.hidden if j == job.id)
        return count == 1 and not self.workflow.job_opted_out(job)

    def _share_workflow_env(self) -> None:
        """Every upload that removes workflow-level keys removes the same ones (identical edits)."""
        shared: list[EnvEntry] = []
        for upload in self._candidates():
            for entry in upload.env:
                if entry.level is Level.WORKFLOW and not any(same_entry(entry, e) for e in shared):
                    shared.append(entry)
        self.workflow_removals = shared
