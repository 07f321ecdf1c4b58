"""A read-only view of a workflow's jobs and steps, over the parsed document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from trustpub.rewrite.document import Document, Path

OPT_OUT = re.compile(r"#\s*trustpub:\s*ignore\b", re.IGNORECASE)
_NON_LINUX = re.compile(r"\b(windows|macos|mac-|osx)", re.IGNORECASE)


@dataclass(frozen=True)
class Step:
    job: str
    index: int
    data: dict[str, Any]
    path: Path
    line: int  # 1-based

    @property
    def uses(self) -> str:
        value = self.data.get("uses")
        return value if isinstance(value, str) else ""

    @property
    def action(self) -> str:
        """`owner/repo` of the action, lower-cased, without the ref."""
        return self.uses.split("@", 1)[0].lower().rstrip("/")

    @property
    def with_(self) -> dict[str, Any]:
        value = self.data.get("with")
        return value if isinstance(value, dict) else {}

    @property
    def env(self) -> dict[str, Any]:
        value = self.data.get("env")
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Job:
    id: str
    data: dict[str, Any]
    node: MappingNode
    line: int  # 1-based line of the job's key

    @property
    def path(self) -> Path:
        return ("jobs", self.id)

    def steps(self) -> Iterator[Step]:
        return iter(self._steps)

    @cached_property
    def _steps(self) -> tuple[Step, ...]:
        """The job's steps, read once (every rule walks them, some many times)."""
        steps = self.data.get("steps")
        if not isinstance(steps, list):
            return ()
        nodes: list[Node] = next(
            (
                v.value
                for k, v in self.node.value
                if k.value == "steps" and isinstance(v, SequenceNode)
            ),
            [],
        )
        return tuple(
            Step(
                self.id,
                index,
                data,
                (*self.path, "steps", index),
                int(nodes[index].start_mark.line) + 1 if index < len(nodes) else self.line,
            )
            for index, data in enumerate(steps)
            if isinstance(data, dict)
        )

    @property
    def calls_reusable_workflow(self) -> bool:
        return "uses" in self.data

    @property
    def container(self) -> bool:
        return self.data.get("container") is not None

    def runner_labels(self) -> list[str]:
        """Runner labels, with `${{ matrix.x }}` expanded over the matrix values where possible."""
        runs_on = self.data.get("runs-on")
        labels = _strings(runs_on)
        matrix = (self.data.get("strategy") or {}).get("matrix")
        expanded: list[str] = []
        for label in labels:
            found = re.fullmatch(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}", label.strip())
            if found and isinstance(matrix, dict):
                expanded.extend(_matrix_values(matrix, found.group(1)))
            else:
                expanded.append(label)
        return expanded

    def non_linux_runner(self) -> str | None:
        for label in self.runner_labels():
            if _NON_LINUX.search(label):
                return label
        return None

    def checks_out_code(self) -> bool:
        return any(step.action == "actions/checkout" for step in self.steps())


class Workflow:
    def __init__(self, doc: Document, filename: str) -> None:
        self.doc = doc
        self.filename = filename
        self.data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}

    @property
    def triggers(self) -> set[str]:
        on = self.data.get("on")
        if isinstance(on, str):
            return {on}
        if isinstance(on, list):
            return {str(t) for t in on}
        if isinstance(on, dict):
            return {str(t) for t in on}
        return set()

    @property
    def permissions(self) -> Any:
        return self.data.get("permissions")

    @property
    def env(self) -> dict[str, Any]:
        value = self.data.get("env")
        return value if isinstance(value, dict) else {}

    def jobs(self) -> Iterator[Job]:
        return iter(self._jobs)

    @cached_property
    def _jobs(self) -> tuple[Job, ...]:
        """The jobs, read once: the same objects each time, so what they cache is kept."""
        jobs = self.data.get("jobs")
        node = self.doc.node_at(("jobs",))
        if not isinstance(jobs, dict) or not isinstance(node, MappingNode):
            return ()
        return tuple(
            Job(key.value, jobs[key.value], value, key.start_mark.line + 1)
            for key, value in node.value
            if isinstance(value, MappingNode) and isinstance(jobs.get(key.value), dict)
        )

    def composite_action(self) -> Job | None:
        """The `runs:` of a composite action file, viewed as a job, or None."""
        runs = self.data.get("runs")
        node = self.doc.node_at(("runs",))
        if not isinstance(runs, dict) or not isinstance(node, MappingNode):
            return None
        if runs.get("using") != "composite":
            return None
        return Job("(composite action)", runs, node, node.start_mark.line + 1)

    def file_opted_out(self) -> bool:
        """`# trustpub: ignore` among the comment lines at the top of the file."""
        for line in range(self.doc.line_count):
            if not self.doc.is_blank_or_comment(line):
                return False
            if OPT_OUT.search(self.doc.line_text(line)):
                return True
        return False

    def job_opted_out(self, job: Job) -> bool:
        """`# trustpub: ignore` on the job's line or in the comments right above it."""
        line = job.line - 1
        if OPT_OUT.search(self.doc.line_text(line)):
            return True
        while line > 0 and self.doc.is_blank_or_comment(line - 1):
            line -= 1
            if OPT_OUT.search(self.doc.line_text(line)):
                return True
        return False


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        labels = value.get("labels")
        return _strings(labels) if labels is not None else [str(value.get("group", ""))]
    return []


def _matrix_values(matrix: dict[str, Any], name: str) -> list[str]:
    values = [str(v) for v in _strings(matrix.get(name))]
    for extra in matrix.get("include") or []:
        if isinstance(extra, dict) and name in extra:
            values.append(str(extra[name]))
    return values or [f"${{{{ matrix.{name} }}}}"]
