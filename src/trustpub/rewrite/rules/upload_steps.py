"""The scripts of a workflow's steps, read once: `run:` scripts and PyO3/maturin-action uploads.

A `Script` is the text a step runs with the scanner's findings, and where that text lives in the
file (the `run:` scalar, or maturin-action's `with: args:`), so edits can be mapped back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trustpub.publishers import canonical_action
from trustpub.rewrite.commands import ScriptScan, Span, scan_script
from trustpub.rewrite.document import Path
from trustpub.rewrite.workflow import Job, Step, Workflow

MATURIN_ACTION = "pyo3/maturin-action"
MATURIN_UPLOAD_COMMANDS = ("upload", "publish")


@dataclass(frozen=True)
class Script:
    """A step's script and what the scanner found in it."""

    job: Job
    step: Step
    text: str  # what was scanned
    scan: ScriptScan
    path: Path | None  # the scalar whose value is `text[offset:]`; None: no such scalar
    offset: int = 0  # maturin-action: the length of the `maturin upload ` written in front
    action: bool = False  # a maturin-action step, not a `run:` step

    @property
    def value(self) -> str:
        """The scalar's value."""
        return self.text[self.offset :]

    def value_span(self, span: Span) -> Span:
        """A span of `text` as a span of the scalar's value."""
        return Span(max(span.start - self.offset, 0), max(span.end - self.offset, 0))


def step_script(workflow: Workflow, job: Job, step: Step) -> Script | None:
    """The step's script, or None for a step that runs none."""
    if canonical_action(step.action) == MATURIN_ACTION:
        return _maturin_action(job, step)
    run = step.data.get("run")
    if not isinstance(run, str):
        return None
    scan = scan_script(run, shell(workflow, job, step))
    return Script(job, step, run, scan, (*step.path, "run"))


def _maturin_action(job: Job, step: Step) -> Script | None:
    inputs = step.with_
    command = str(inputs.get("command") or "").strip()
    if command not in MATURIN_UPLOAD_COMMANDS:
        return None
    args = inputs.get("args")
    args_text = "" if args is None else str(args)
    prefix = f"maturin {command} "
    path = (*step.path, "with", "args") if "args" in inputs else None
    scan = scan_script(prefix + args_text)
    return Script(job, step, prefix + args_text, scan, path, len(prefix), action=True)


def shell(workflow: Workflow, job: Job, step: Step) -> str | None:
    """The shell that runs the step: its `shell:`, else the job's or workflow's default, else
    PowerShell on Windows runners and bash elsewhere (None)."""
    for data in (step.data, run_defaults(job.data), run_defaults(workflow.data)):
        value: Any = data.get("shell")
        if isinstance(value, str) and value.strip():
            return value
    if any("windows" in label.lower() for label in job.runner_labels()):
        return "pwsh"
    return None


def working_directory(workflow: Workflow, job: Job, step: Step) -> str:
    """The directory a `run:` step runs in, relative to the checkout ("" for its root)."""
    for data in (step.data, run_defaults(job.data), run_defaults(workflow.data)):
        value = data.get("working-directory")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def run_defaults(data: dict[str, Any]) -> dict[str, Any]:
    defaults = data.get("defaults")
    run = defaults.get("run") if isinstance(defaults, dict) else None
    return run if isinstance(run, dict) else {}
