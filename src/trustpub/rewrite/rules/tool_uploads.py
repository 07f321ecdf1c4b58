"""An upload found in a step: what it needs removed, and why it may have to be left alone."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from trustpub.rewrite.commands import Span, UploadCommand
from trustpub.rewrite.document import Path
from trustpub.rewrite.indexes import IndexKind, IndexTarget
from trustpub.rewrite.rules.credentials_env import EnvEntry
from trustpub.rewrite.rules.handover import Handover
from trustpub.rewrite.rules.script_edits import ScriptEdits
from trustpub.rewrite.rules.upload_steps import Script
from trustpub.rewrite.tools import TOOLS
from trustpub.rewrite.workflow import Job, Step


@dataclass
class Upload:
    """A step that uploads with a tool: what to remove, and why it may have to stay."""

    script: Script
    tool: str
    commands: list[UploadCommand]
    target: IndexTarget
    problem: str | None = None
    advice: str = ""
    problem_is_index: bool = False  # the problem is only where it uploads to
    uses_token: bool = False
    edits: ScriptEdits = field(default_factory=ScriptEdits)
    env: list[EnvEntry] = field(default_factory=list)  # the tool's credentials: removed
    flag_sources: list[EnvEntry] = field(default_factory=list)  # read only by removed flags
    secrets: set[str] = field(default_factory=set)
    descriptions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    other_steps: dict[Path, str] = field(default_factory=dict)  # scripts of other steps edited
    handover: Handover | None = None
    action_spans: list[Span] = field(default_factory=list)  # maturin-action: flags in `args`
    action_args: str | None = None  # maturin-action: the new `args` ("" drops it)

    @property
    def job(self) -> Job:
        return self.script.job

    @property
    def step(self) -> Step:
        return self.script.step

    def refuse(self, problem: str, advice: str = "", about_index: bool = False) -> None:
        if self.problem is None:
            self.problem, self.advice, self.problem_is_index = problem, advice, about_index

    def copy(self) -> Upload:
        """An independent copy, to plan another way of migrating the same upload."""
        return replace(
            self,
            edits=self.edits.copy(),
            env=list(self.env),
            flag_sources=list(self.flag_sources),
            secrets=set(self.secrets),
            descriptions=list(self.descriptions),
            notes=list(self.notes),
            other_steps=dict(self.other_steps),
            action_spans=list(self.action_spans),
        )

    def deletes(self, entry: EnvEntry) -> bool:
        return any(same_entry(entry, e) for e in self.env)


def same_entry(a: EnvEntry, b: EnvEntry) -> bool:
    return a.name == b.name and a.mapping_path == b.mapping_path


def command_name(command: UploadCommand, script: Script) -> str:
    """`twine upload`, `uv publish`...: how a command is named in messages."""
    words = script.text[command.span.start : command.span.end].split()
    sub = next((w for w in words if w in TOOLS[command.tool].upload_subcommands), "")
    return f"{command.tool} {sub}".strip()


def step_name(step: Step) -> str:
    name = step.data.get("name")
    return f"{str(name)!r}" if name else f"#{step.index + 1}"


def has_commands(script: str) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in script.splitlines())


def why_not(tool: str, target: IndexTarget) -> str:
    detail = target.detail
    if target.kind is IndexKind.UNKNOWN and "secrets." in detail:
        return (
            f"the index URL comes from a secret ({detail}), so trustpub cannot prove it is PyPI "
            "or TestPyPI; its credentials stay"
        )
    if target.kind is IndexKind.UNKNOWN and "inputs." in detail:
        return (
            f"the index comes from a workflow input ({detail}), so trustpub cannot prove it is "
            "PyPI or TestPyPI; its credentials stay"
        )
    if tool == "uv" and target.kind is IndexKind.UNKNOWN and "$" not in detail:
        return (
            f"the index `{detail}` is defined in pyproject.toml (`[[tool.uv.index]]`), which "
            "trustpub does not read, so it cannot prove the index is PyPI or TestPyPI; its "
            "credentials stay"
        )
    return target.why_not()


def gone(upload: Upload) -> set[Path]:
    """The scripts that go as a whole, so their edits are not made: a step that only set the
    token (removed), and the upload's own step when the PyPA action step replaces it."""
    found = {
        path
        for path, edits in upload.edits.by_path.items()
        if path != upload.script.path and path[-1] == "run" and not has_commands(edits.result())
    }
    if upload.handover is not None and upload.handover.replace_step and upload.script.path:
        found.add(upload.script.path)
    return found
