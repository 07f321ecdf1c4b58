"""How a workflow passes dists from a build job to its publish jobs: artifact actions and names.

New `uses:` lines follow the workflow's conventions: the major version of upload/download-artifact
it already uses (v4 or later: v1-v3 no longer run on github.com), else the current majors (those of
the Python Packaging Guide's sample workflow); pinned to a commit SHA when the workflow pins most
of its actions and the SHA is known here, else the tag with a note to pin it.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from trustpub.rewrite.edits import UnsupportedEdit
from trustpub.rewrite.render import Commented
from trustpub.rewrite.workflow import Workflow

UPLOAD = "actions/upload-artifact"
DOWNLOAD = "actions/download-artifact"
DOWNLOAD_ACTIONS = frozenset({DOWNLOAD, "dawidd6/action-download-artifact"})
# The majors in packaging.python.org's github-actions-ci-cd-sample/publish-to-pypi.yml.
CURRENT_MAJOR = {UPLOAD: 7, DOWNLOAD: 8}
OLDEST_WORKING_MAJOR = 4  # v1-v3 use the retired artifact service (actionlint: "too old")
# Release commits, checked against the Python Packaging Guide's sample workflow (v7.0.1, v8.0.1)
# and against many public workflows pinning them (v4, v5).
KNOWN_SHAS: dict[tuple[str, int], tuple[str, str]] = {
    (UPLOAD, 4): ("ea165f8d65b6e75b540449e92b4886f43607fa02", "v4.6.2"),
    (UPLOAD, 5): ("330a01c490aca151604b8cf639adc76d48f6c5d4", "v5.0.0"),
    (UPLOAD, 7): ("043fb46d1a93c77aae656e7c1c64a875d1fc6a0a", "v7.0.1"),
    (DOWNLOAD, 4): ("d3f86a106a0bac45b974a628896c90dbdf5c8093", "v4.3.0"),
    (DOWNLOAD, 5): ("634f93cb2916e3fdff6788551b99b062d0335ce0", "v5.0.0"),
    (DOWNLOAD, 8): ("3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
}
BASE_NAME = "python-package-distributions"
_SHA = re.compile(r"@[0-9a-f]{40}$")
_MAJOR_TAG = re.compile(r"@v(\d+)\b")
_MAJOR_COMMENT = re.compile(r"#\s*v?(\d+)\b")
_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


@dataclass(frozen=True)
class ActionRef:
    """What to write after `uses:` for an action, and what to tell the user about it."""

    uses: Any  # a string, or Commented for `owner/repo@sha  # vX.Y.Z`
    note: str | None = None


class Conventions:
    """The `uses:` conventions of one workflow, read once."""

    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow

    @cached_property
    def _uses(self) -> list[tuple[str, str]]:
        """(uses value, the rest of its line) for every step and reusable-workflow call."""
        found: list[tuple[str, str]] = []
        for job in self.workflow.jobs():
            if job.calls_reusable_workflow:
                found.append((str(job.data["uses"]), ""))
            for step in job.steps():
                if step.uses:
                    found.append((step.uses, self._line_after(step.path)))
        return found

    def _line_after(self, step_path: tuple[str | int, ...]) -> str:
        doc = self.workflow.doc
        node = doc.node_at((*step_path, "uses"))
        if node is None:
            return ""
        line = doc.line_of(node.end_mark.index)
        return doc.line_text(line)[doc.column_of(node.end_mark.index) :]

    def comment_after(self, step_path: tuple[str | int, ...]) -> str | None:
        """The end-of-line comment after a step's `uses:` value (`v1.12.4` for a pinned SHA)."""
        found = re.search(r"#\s*(.*\S)", self._line_after(step_path))
        return found.group(1) if found else None

    @cached_property
    def pins_by_sha(self) -> bool:
        remote = [u for u, _ in self._uses if not u.startswith(("./", "docker://", "$/"))]
        return sum(1 for u in remote if _SHA.search(u)) * 2 > len(remote)

    def major(self, action: str) -> tuple[int, str | None]:
        """The major version to use for `action`, with a note when the workflow's is too old."""
        majors: Counter[int] = Counter()
        for uses, rest in self._uses:
            if uses.split("@", 1)[0].lower() == action:
                found = _MAJOR_TAG.search(uses) or _MAJOR_COMMENT.search(rest)
                if found:
                    majors[int(found.group(1))] += 1
        working = [m for m, _ in majors.most_common() if m >= OLDEST_WORKING_MAJOR]
        if working:
            return working[0], None
        current = CURRENT_MAJOR[action]
        if majors:
            old = max(majors)
            return current, (
                f"the workflow uses `{action}@v{old}`, which no longer runs on github.com; "
                f"the new steps use v{current}"
            )
        return current, None

    def ref(self, action: str) -> ActionRef:
        major, note = self.major(action)
        if not self.pins_by_sha:
            return ActionRef(f"{action}@v{major}", note)
        known = KNOWN_SHAS.get((action, major))
        if known is not None:
            sha, tag = known
            return ActionRef(Commented(f"{action}@{sha}", tag), note)
        pin = f"pin `{action}@v{major}` to a commit SHA like the workflow's other actions"
        return ActionRef(f"{action}@v{major}", f"{note}; {pin}" if note else pin)


def retired_major(uses: str) -> int | None:
    """The major of an artifact action ref older than v4 (which no longer runs on github.com)."""
    action, _, ref = uses.partition("@")
    found = _MAJOR_TAG.match("@" + ref)
    if action.lower() not in (UPLOAD, DOWNLOAD) or found is None:
        return None
    major = int(found.group(1))
    return major if major < OLDEST_WORKING_MAJOR else None


class ArtifactNames:
    """Artifact names already used in a workflow, and new ones that match none of them."""

    def __init__(self, workflow: Workflow) -> None:
        self.taken: list[str] = []
        for job in workflow.jobs():
            for step in job.steps():
                if step.action == UPLOAD:
                    name = _EXPRESSION.sub("*", str(step.with_.get("name", "artifact")))
                    if name.strip("*"):  # a name wholly computed at run time cannot be avoided
                        self.taken.append(name)

    def allocate(self, job_id: str, matrix: bool) -> str:
        """A new name, or for a matrix job a prefix whose `prefix-*` pattern is its own."""
        alternatives = (f"{job_id}-dists", *(f"{job_id}-dists-{n}" for n in range(2, 100)))
        for candidate in (BASE_NAME, f"{BASE_NAME}-{job_id}", *alternatives):
            pattern = f"{candidate}-*" if matrix else candidate
            if not any(_clash(pattern, name) for name in self.taken):
                self.taken.append(pattern)
                return candidate
        raise UnsupportedEdit("no free artifact name for the dists")


def _clash(a: str, b: str) -> bool:
    return a == b or fnmatch.fnmatchcase(a, b) or fnmatch.fnmatchcase(b, a)


def upload_step(ref: ActionRef, name: str, path: str, matrix: bool) -> dict[str, Any]:
    artifact = f"{name}-${{{{ strategy.job-index }}}}" if matrix else name
    return {
        "name": "Store the distribution packages",
        "uses": ref.uses,
        "with": {"name": artifact, "path": path},
    }


def download_step(ref: ActionRef, name: str, path: str, matrix: bool) -> dict[str, Any]:
    source: dict[str, Any] = (
        {"pattern": f"{name}-*", "merge-multiple": True} if matrix else {"name": name}
    )
    return {"name": "Download all the dists", "uses": ref.uses, "with": {**source, "path": path}}
