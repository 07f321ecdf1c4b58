"""The PyPA action takes over an upload: poetry, hatch and flit, and any tool in a split job.

poetry, hatch and flit cannot publish with trusted publishing; in a job split by index (SPEC rule
7) every tool's upload moves to a publish job, where pypa/gh-action-pypi-publish publishes. The
tool keeps building (`poetry publish --build` becomes `poetry build`, `pdm publish` becomes `pdm
build`); an upload that only uploads is removed from its script, and a step that did nothing but
upload goes. The PyPA action step publishes right after it (in the same job) or in a publish job.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from trustpub.publishers import TOOLS
from trustpub.rewrite.commands import Span, UploadCommand
from trustpub.rewrite.indexes import TESTPYPI_UPLOAD_URL, IndexKind, IndexTarget
from trustpub.rewrite.rules.upload_steps import working_directory
from trustpub.rewrite.workflow import Job, Step, Workflow

PYPA_STEP_USES = "pypa/gh-action-pypi-publish@release/v1"
# poetry, hatch and flit: tools that cannot publish with trusted publishing.
HANDOVER_TOOLS = frozenset(name for name, facts in TOOLS.items() if facts.hands_over)
# Step keys the PyPA action step keeps when it replaces a step that only uploaded.
_KEPT_KEYS = ("name", "id", "if", "continue-on-error", "timeout-minutes")
# ... and in a publish job of its own, whose `if:` is the step's.
_KEPT_IN_PUBLISH_JOB = ("name", "continue-on-error", "timeout-minutes")
_LINE_REST = re.compile(r"[ \t]*(?:;[ \t]*)?(?:#[^\n]*)?")
_OPERATOR_BEFORE = re.compile(r"[ \t]*(?:&&|;)[ \t]*$")
_OPERATOR_AFTER = re.compile(r"[ \t]*(?:&&|;)[ \t]*")


@dataclass(frozen=True)
class Handover:
    """How one upload becomes a build (or nothing) and a PyPA action step."""

    tool: str
    replace_step: bool  # the step only uploaded: it goes (the PyPA action step takes its place)
    build_tail: Span | None  # from the subcommand to the end of the command: becomes `build`
    remove: Span | None  # the upload statement to delete (it does not build)
    pypa_step: dict[str, Any]  # the PyPA action step for this job
    packages_dir: str
    in_job: bool = True  # the PyPA action publishes in this job; else in a publish job
    build: str = "build"  # what replaces `publish` in a command that builds, with its options

    @property
    def why(self) -> str:
        if self.tool in HANDOVER_TOOLS:
            return f"{self.tool} cannot publish with trusted publishing"
        return "trusted publishing takes one index per job"

    def description(self, command: str) -> str:
        if not self.in_job:
            return self._publish_job_description(command)
        why = self.why
        if self.replace_step:
            return f"replaced the `{command}` step with `pypa/gh-action-pypi-publish` ({why})"
        if self.build_tail is not None:
            return (
                f"`{command}` now only builds (`{self.tool} {self.build}`), and a "
                f"`pypa/gh-action-pypi-publish` step after it publishes ({why})"
            )
        return (
            f"removed `{command}` from the script and added a `pypa/gh-action-pypi-publish` step "
            f"after it ({why})"
        )

    def _publish_job_description(self, command: str) -> str:
        where = f"pypa/gh-action-pypi-publish publishes in a job of its own ({self.why})"
        if self.replace_step:
            return f"the `{command}` step moved out: {where}"
        if self.build_tail is not None:
            return f"`{command}` now only builds (`{self.tool} {self.build}`); {where}"
        return f"removed `{command}` from the script; {where}"

    def note(self, command: str) -> str:
        if self.in_job:
            return (
                "the PyPA action publishes from the job that builds; the Python Packaging Guide "
                "recommends a separate publish job that downloads the built dists"
            )
        if self.tool in HANDOVER_TOOLS:
            why = f"{self.tool} cannot publish with trusted publishing"
        else:
            why = "trusted publishing allows one index per job, so each index has its own job"
        return (
            f"`{command}` was replaced by pypa/gh-action-pypi-publish in the publish job: {why}, "
            "and the PyPA action also makes attestations for the dists it publishes"
        )

    def publish_job_step(self, step: Step) -> dict[str, Any]:
        """The PyPA action step for a publish job of its own (its `if:` is the job's)."""
        kept = _KEPT_IN_PUBLISH_JOB if self.replace_step else ("continue-on-error",)
        value: dict[str, Any] = {"name": self.pypa_step["name"]}
        value.update({k: step.data[k] for k in kept if k in step.data and k != "name"})
        value["uses"] = self.pypa_step["uses"]
        if "with" in self.pypa_step:
            value["with"] = self.pypa_step["with"]
        return value


def plan_handover(
    workflow: Workflow,
    job: Job,
    step: Step,
    script: str,
    command: UploadCommand,
    target: IndexTarget,
    deletions: list[Span],
    name: str,
) -> Handover | str:
    """The handover for one upload command (`name` in messages), or why it cannot be made."""
    # The tools' option tables load only when an upload is handed over (most workflows: none).
    from trustpub.rewrite.rules.upload_options import read_upload

    reading = read_upload(command, name)
    if isinstance(reading, str):
        return reading
    text = script[command.span.start : command.span.end]
    tool = command.tool
    tail = _subcommand_tail(text, tool) if reading.builds else 0
    if tail is None:
        return f"trustpub cannot find the `publish` subcommand in `{text.strip()}`"
    base = working_directory(workflow, job, step)
    packages_dir = posixpath.normpath(posixpath.join(base, reading.directory))
    if packages_dir.startswith("..") or "${{" in packages_dir:
        return f"trustpub cannot tell where `{name}` finds the dists ({packages_dir!r})"
    statement = statement_span(script, command.span)
    rest = _without(script, [*deletions, *([statement] if statement else [])])
    replace_step = not reading.builds and statement is not None and not _has_commands(rest)
    build_tail = None
    remove = None
    if reading.builds:
        build_tail = Span(command.span.start + tail, command.span.end)
    elif not replace_step:
        if statement is None:
            return (
                f"trustpub cannot remove `{text.strip()}` from the script without changing "
                "the commands around it"
            )
        remove = statement
    inputs = _inputs(target, packages_dir, reading.inputs)
    pypa_step = _pypa_step(step, target, inputs, replace_step)
    build = " ".join(("build", *reading.build_words))
    return Handover(tool, replace_step, build_tail, remove, pypa_step, packages_dir, build=build)


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


def _inputs(target: IndexTarget, packages_dir: str, carried: dict[str, Any]) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    if target.kind is IndexKind.TESTPYPI:
        inputs["repository-url"] = TESTPYPI_UPLOAD_URL
    if packages_dir not in ("dist", "dist/"):
        inputs["packages-dir"] = packages_dir.rstrip("/") + "/"
    return {**inputs, **carried}


def _pypa_step(
    step: Step, target: IndexTarget, inputs: dict[str, Any], replace_step: bool
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
    if inputs:
        value["with"] = inputs
    return value
