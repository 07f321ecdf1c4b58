"""The edits that migrate one tool upload: scripts, `env:` entries, steps removed or added."""

from __future__ import annotations

from typing import Any

from trustpub.rewrite.document import Path
from trustpub.rewrite.edits import Patch, UnsupportedEdit
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.rules.credentials_env import (
    LEVEL_NAMES,
    EnvEntry,
    Level,
)
from trustpub.rewrite.rules.tool_uploads import Upload, gone, step_name
from trustpub.rewrite.workflow import Job, Step, Workflow


class UploadEditor:
    """Edits the uploads of one workflow."""

    def __init__(
        self, workflow: Workflow, jobs: dict[str, Job], workflow_removals: list[EnvEntry]
    ) -> None:
        self.workflow = workflow
        self.jobs = jobs
        self.workflow_removals = workflow_removals

    def edit(self, upload: Upload, patch: Patch, text_follows: bool = False) -> list[str]:
        """Make the upload's edits; returns what changed. `text_follows`: a step is added
        right after the upload's (for a handover, the PyPA action step says so itself)."""
        if not isinstance(patch, RestructurePatch):
            raise UnsupportedEdit("this upload needs a patch that can add and remove steps")
        done = list(upload.descriptions)
        skip = gone(upload)
        for path, description in upload.other_steps.items():
            if path not in skip:
                done.append(description)
        for path in sorted(skip, key=str):
            if path != upload.script.path:  # a step that only set the token
                patch.remove_item(path[:3], int(path[3]))
                done.append(f"removed step {step_name(self._step(path))} (it only set the token)")
        handover = upload.handover
        in_job = handover is not None and handover.in_job
        inserts_after = in_job and handover is not None and not handover.replace_step
        follows = inserts_after or text_follows
        upload.edits.apply(patch, skip=skip, text_follows=upload.script.path if follows else None)
        replaced = handover is not None and handover.replace_step
        if upload.action_args is not None and upload.script.path is not None and not replaced:
            self._edit_action_args(upload, patch)
        done += self._remove_env(upload, patch, {p[:4] for p in skip}, replaced)
        if handover is not None and handover.in_job:
            steps = (*upload.job.path, "steps")
            if handover.replace_step:
                patch.replace_item(steps, upload.step.index, handover.pypa_step)
            else:
                patch.insert_item(steps, upload.step.index, handover.pypa_step, after=True)
        return done

    def _edit_action_args(self, upload: Upload, patch: RestructurePatch) -> None:
        path = upload.script.path
        assert path is not None and upload.action_args is not None
        if upload.action_args:
            patch.replace_scalar(path, upload.action_args)
        else:
            patch.remove_entry(path[:-1], str(path[-1]))

    def _remove_env(
        self, upload: Upload, patch: Patch, removed_steps: set[Path], replaced: bool
    ) -> list[str]:
        """Delete the credentials from `env:` mappings (not from steps that go as a whole)."""
        done = []
        entries = [e for e in upload.env if e.level is not Level.WORKFLOW]
        if any(e.level is Level.WORKFLOW for e in upload.env):
            entries += self.workflow_removals
        by_mapping: dict[tuple[str | int, ...], list[EnvEntry]] = {}
        for entry in entries:
            own_step = entry.mapping_path[:-1] == upload.step.path
            if entry.level is Level.STEP and (
                entry.mapping_path[:4] in removed_steps or (replaced and own_step)
            ):
                continue
            by_mapping.setdefault(entry.mapping_path, []).append(entry)
        for mapping_path, removed in by_mapping.items():
            names = list(dict.fromkeys(e.name for e in removed))
            # Several uploads may remove them: those of every job (workflow level), those of
            # one job split into publish jobs (job level).
            shared = removed[0].level is not Level.STEP
            mapping = self._mapping(mapping_path)
            if set(names) >= set(mapping):
                patch.remove_entries(mapping_path[:-1], [str(mapping_path[-1])], shared=shared)
            else:
                patch.remove_entries(mapping_path, names, shared=shared)
            mine = [n for n in names if any(e.name == n for e in upload.env)]
            listed = ", ".join(f"`{n}`" for n in mine)
            if mine:
                done.append(f"removed {listed} from {LEVEL_NAMES[removed[0].level]} `env:`")
        return done

    def _mapping(self, path: tuple[str | int, ...]) -> dict[str, Any]:
        data: Any = self.workflow.data
        for part in path:
            data = data[part]
        return data if isinstance(data, dict) else {}

    def _step(self, path: tuple[str | int, ...]) -> Step:
        job = self.jobs[str(path[1])]
        return next(s for s in job.steps() if s.index == path[3])
