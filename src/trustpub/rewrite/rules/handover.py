"""poetry, hatch and flit cannot publish with trusted publishing: the PyPA action takes over.

The tool keeps building (`poetry publish --build` becomes `poetry build`, `flit publish` becomes
`flit build`); an upload that only uploads (`poetry publish`, `hatch publish`) is removed, and a
`pypa/gh-action-pypi-publish` step after it publishes the dists. A step that did nothing but
upload is replaced by the PyPA action step.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from trustpub.rewrite.commands import Span, UploadCommand
from trustpub.rewrite.indexes import TESTPYPI_UPLOAD_URL, IndexKind, IndexTarget
from trustpub.rewrite.rules.upload_steps import working_directory
from trustpub.rewrite.workflow import Job, Step, Workflow

PYPA_STEP_USES = "pypa/gh-action-pypi-publish@release/v1"
HANDOVER_TOOLS = frozenset({"poetry", "hatch", "flit"})
# Step keys the PyPA action step keeps when it replaces a step that only uploaded.
_KEPT_KEYS = ("name", "id", "if", "continue-on-error", "timeout-minutes")
_LINE_REST = re.compile(r"[ \t]*(?:;[ \t]*)?(?:#[^\n]*)?")
_OPERATOR_BEFORE = re.compile(r"[ \t]*(?:&&|;)[ \t]*$")
_OPERATOR_AFTER = re.compile(r"[ \t]*(?:&&|;)[ \t]*")


@dataclass(frozen=True)
class Handover:
    """How one poetry/hatch/flit upload becomes a build and a PyPA action step."""

    tool: str
    replace_step: bool  # the step only uploaded: the PyPA action step takes its place
    build_tail: Span | None  # from the subcommand to the end of the command: becomes `build`
    remove: Span | None  # the upload statement to delete (it does not build)
    pypa_step: dict[str, Any]
    packages_dir: str

    def description(self, command: str) -> str:
        why = f"{self.tool} cannot publish with trusted publishing"
        if self.replace_step:
            return f"replaced the `{command}` step with `pypa/gh-action-pypi-publish` ({why})"
        if self.build_tail is not None:
            return (
                f"`{command}` now only builds (`{self.tool} build`), and a "
                f"`pypa/gh-action-pypi-publish` step after it publishes ({why})"
            )
        return (
            f"removed `{command}` from the script and added a `pypa/gh-action-pypi-publish` step "
            f"after it ({why})"
        )


def handover_problem(job: Job) -> str | None:
    """Why the PyPA action cannot take over in this job."""
    if job.container:
        return (
            "the job runs in a `container:`, where pypa/gh-action-pypi-publish (which must take "
            "over the upload) does not work"
        )
    label = job.non_linux_runner()
    if label is not None:
        return (
            f"the job runs on {label!r}, and pypa/gh-action-pypi-publish (which must take over "
            "the upload) only runs on Linux"
        )
    return None


def plan_handover(
    workflow: Workflow,
    job: Job,
    step: Step,
    script: str,
    command: UploadCommand,
    target: IndexTarget,
    deletions: list[Span],
) -> Handover | str:
    """The handover for one upload command, or why it cannot be made."""
    text = script[command.span.start : command.span.end]
    tool = command.tool
    builds = tool == "flit" or (tool == "poetry" and re.search(r"(?<!\S)--build(?!\S)", text))
    tail = _subcommand_tail(text, tool)
    if tail is None:
        return f"trustpub cannot find the `publish` subcommand in `{text.strip()}`"
    packages_dir = _packages_dir(workflow, job, step, text)
    statement = statement_span(script, command.span)
    rest = _without(script, [*deletions, *([statement] if statement else [])])
    replace_step = not builds and statement is not None and not _has_commands(rest)
    build_tail = None
    remove = None
    if builds:
        build_tail = Span(command.span.start + tail, command.span.end)
    elif not replace_step:
        if statement is None:
            return (
                f"trustpub cannot remove `{text.strip()}` from the script without changing "
                "the commands around it"
            )
        remove = statement
    pypa_step = _pypa_step(step, target, packages_dir, text, replace_step)
    return Handover(tool, replace_step, build_tail, remove, pypa_step, packages_dir)


def _subcommand_tail(text: str, tool: str) -> int | None:
    program = re.search(rf"(?<![\w-]){re.escape(tool)}(?![\w-])", text)
    if program is None:
        return None
    found = re.compile(r"(?<![\w./-])publish(?![\w-])").search(text, program.end())
    return None if found is None else found.start()


def statement_span(script: str, span: Span) -> Span | None:
    """The command with what separates it from its neighbours, so deleting it keeps the script
    well formed: its own line(s), or `&& cmd` / `cmd && ` within a line; None otherwise."""
    line_start = script.rfind("\n", 0, span.start) + 1
    line_end = script.find("\n", span.end)
    line_end = len(script) if line_end == -1 else line_end
    before = script[line_start : span.start]
    after = script[span.end : line_end]
    if not before.strip(" \t") and _LINE_REST.fullmatch(after):
        if line_end < len(script):
            return Span(line_start, line_end + 1)
        return Span(max(line_start - 1, 0), line_end)
    found = _OPERATOR_BEFORE.search(before)
    if found is not None:
        return Span(line_start + found.start(), span.end)
    found = _OPERATOR_AFTER.match(after)
    if found is not None:
        return Span(span.start, span.end + found.end())
    return None


def _without(text: str, spans: list[Span]) -> str:
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    for span in reversed(merged):
        text = text[: span.start] + text[span.end :]
    return text


def _has_commands(script: str) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in script.splitlines())


def _packages_dir(workflow: Workflow, job: Job, step: Step, command: str) -> str:
    """Where the tool builds: `dist/` under the working directory (and poetry's `-C DIR`)."""
    parts = [working_directory(workflow, job, step)]
    found = re.search(r"(?:-C|--directory|--project|-P)[ =]+(\S+)", command)
    if command.lstrip().startswith("poetry") and found:
        parts.append(found.group(1).strip("'\""))
    parts.append("dist")
    joined = posixpath.normpath(posixpath.join(*[p for p in parts if p]))
    return joined


def _pypa_step(
    step: Step, target: IndexTarget, packages_dir: str, command: str, replace_step: bool
) -> dict[str, Any]:
    test = target.kind is IndexKind.TESTPYPI
    value: dict[str, Any] = {}
    if replace_step:
        value.update({k: step.data[k] for k in _KEPT_KEYS if k in step.data})
    elif "if" in step.data:
        value["if"] = step.data["if"]
    value.setdefault("name", "Publish to TestPyPI" if test else "Publish to PyPI")
    value = {"name": value.pop("name"), **value}
    value["uses"] = PYPA_STEP_USES
    inputs: dict[str, Any] = {}
    if test:
        inputs["repository-url"] = TESTPYPI_UPLOAD_URL
    if packages_dir not in ("dist", "dist/"):
        inputs["packages-dir"] = packages_dir.rstrip("/") + "/"
    if re.search(r"(?<!\S)--skip-existing(?!\S)", command):
        inputs["skip-existing"] = True
    if inputs:
        value["with"] = inputs
    return value
