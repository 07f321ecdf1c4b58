"""Migrating a job's uploads where they are: the step edits, then the job's `if:` (lifted from
the upload), environment and permissions, and the trusted publisher to register."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trustpub.project import ProjectName
from trustpub.rewrite.registrations import trusted_publisher
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.result import Options, ResultBuilder
from trustpub.rewrite.rules import environment, permissions
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.rules.job_keys import anchor_key
from trustpub.rewrite.rules.lift_condition import lift
from trustpub.rewrite.rules.split import Splitter
from trustpub.rewrite.workflow import Job, Workflow

Upload = tuple[StepPlan, ProjectName]


@dataclass
class InPlace:
    """Edits jobs of one workflow in place, telling `result` what it noticed."""

    workflow: Workflow
    options: Options
    splitter: Splitter
    result: ResultBuilder

    def edit(
        self, patch: RestructurePatch, job: Job, uploads: list[Upload]
    ) -> list[tuple[StepPlan, list[str]]]:
        """Migrate the job's uploads (one index) in place; what changed, by upload."""
        edited = [(plan, plan.edit(patch) if plan.edit else []) for plan, _ in uploads]
        descriptions = edited[-1][1]  # the job-level changes are told at the last upload
        new_entries: dict[str, Any] = {}
        comments: dict[str, list[str]] = {}
        if job.id in self.splitter.lifted:  # the upload's `if:` is the job's now
            written = job.id in self.splitter.written_ifs  # within the TestPyPI gate's
            lifted = lift(patch, self.workflow, job, uploads[0][0], job_if_written=written)
            if lifted.entry is not None:
                new_entries["if"] = lifted.entry
                comments["if"] = lifted.comments
            descriptions.append(lifted.description)
        env_name = self._environment(job, uploads, new_entries, descriptions)
        self._permissions(patch, job, uploads, new_entries, descriptions)
        if new_entries:
            patch.insert_entries(job.path, new_entries, after=anchor_key(job), comments=comments)
        kind = uploads[0][0].target.kind
        for project in {p.name: p for _, p in uploads}.values():
            self.result.publishers.append(
                trusted_publisher(self.workflow, job, kind, project, env_name)
            )
        return edited

    def _environment(
        self,
        job: Job,
        uploads: list[Upload],
        new_entries: dict[str, Any],
        descriptions: list[str],
    ) -> str:
        existing = environment.existing_environment(job)
        if existing is not None:
            self.result.note(job.id, job.line, f"kept the job's existing environment {existing!r}")
            return existing
        kind = uploads[0][0].target.kind
        new_entries["environment"] = environment.new_environment(
            kind, uploads[0][1].normalized, self.options
        )
        name = environment.environment_name(kind, self.options)
        descriptions.append(f"added `environment: {name}`")
        return name

    def _permissions(
        self,
        patch: RestructurePatch,
        job: Job,
        uploads: list[Upload],
        new_entries: dict[str, Any],
        descriptions: list[str],
    ) -> None:
        if "permissions" in job.data:
            changed = permissions.edit_job_permissions(patch, job)
            if changed:
                descriptions.append(changed)
            return
        access = self.splitter.access(job, [p for p, _ in uploads])
        keep = (access.scopes or frozenset()) if access.constrains else frozenset()
        block = permissions.new_job_permissions(self.workflow, job, keep)
        if block is not None:
            new_entries["permissions"] = block
            descriptions.append("added job-level `permissions` with `id-token: write`")
        elif inherited := permissions.workflow_level_id_token(self.workflow):
            self.result.note(job.id, job.line, inherited)
