"""The version of the upload tool a job installs: pins bumped, unknown versions noted."""

from __future__ import annotations

from collections.abc import Callable

from trustpub.publishers import ACTIONS
from trustpub.rewrite.commands import Span
from trustpub.rewrite.rules import tool_versions
from trustpub.rewrite.rules.tool_uploads import Upload
from trustpub.rewrite.rules.upload_steps import Script
from trustpub.rewrite.workflow import Job

# Actions that install a tool, and the input that pins its version (the publisher registry).
_VERSION_INPUTS = {name: a.installs for a in ACTIONS if a.installs for name in a.names}


class ToolPins:
    """Checks the tool versions of uploads in one workflow."""

    def __init__(self, job_scripts: Callable[[Job], list[Script]]) -> None:
        self.job_scripts = job_scripts

    def check(self, upload: Upload) -> None:
        """Bump pins that predate trusted publishing; note a version trustpub cannot see."""
        tool = upload.tool
        found = False
        for command in upload.commands:
            if command.version is not None:
                found = True
                self._bump(upload, upload.script, command.version, command.version_span)
        for other in self.job_scripts(upload.job):
            for pin in other.scan.pins:
                if pin.tool == tool:
                    found = True
                    self._bump(upload, other, pin.spec, pin.span)
        for step in upload.job.steps():
            pinned = _VERSION_INPUTS.get(step.action)
            if pinned is None or pinned[0] != tool:
                continue
            value = step.with_.get(pinned[1])
            found = True
            if value is None:
                continue  # the action's default: the latest release
            bump = tool_versions.bump(tool, str(value))
            if bump is not None:
                path = (*step.path, "with", pinned[1])
                upload.edits.replace(path, str(value), Span(0, len(str(value))), bump.text)
                upload.descriptions.append(bump.description)
        if not found:
            note = tool_versions.unknown_version_note(tool)
            if note:
                upload.notes.append(note)

    def _bump(self, upload: Upload, script: Script, spec: str, span: Span | None) -> None:
        bump = tool_versions.bump(upload.tool, spec)
        if bump is None:
            if "$" in spec:
                note = tool_versions.unknown_version_note(upload.tool)
                if note:
                    upload.notes.append(note)
            return
        if span is None or script.path is None or script.action:
            upload.refuse(
                f"{upload.tool} is pinned to `{spec}`, which cannot publish with trusted "
                f"publishing, and trustpub cannot rewrite that pin here",
                f"pin {upload.tool} to {tool_versions.minimum(upload.tool)} or later",
            )
            return
        upload.edits.replace(script.path, script.value, script.value_span(span), bump.text)
        upload.descriptions.append(bump.description)
