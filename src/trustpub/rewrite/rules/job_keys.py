"""Rule: a job trustpub makes from a job keeps the job-level keys that still apply to it.

`timeout-minutes`, `continue-on-error` and `concurrency` go with what the job did; `runs-on` when
its labels name a Linux runner the new job can use (`ubuntu-24.04`, a self-hosted Linux runner);
`defaults` where the new job runs `run:` steps. A key that reads the matrix cannot go to a job
that runs once, and a key the new job has no use for stays; the report says which, and why.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from trustpub.rewrite.runner import RETIRED_IMAGES
from trustpub.rewrite.workflow import Job

DEFAULT_RUNNER = "ubuntu-latest"
_MATRIX = re.compile(r"\b(?:matrix|strategy)\s*[.\[]")
_LINUX = re.compile(r"^(?:ubuntu-[\w.-]+|linux|self-hosted|x64|arm64|x86_64|aarch64)$", re.I)
_WITHOUT_USE = {
    "env": "the download and the PyPA action read no job variables",
    "container": "the PyPA action does not run in a container",
    "services": "publishing needs no service containers",
    "strategy": "it publishes once, after every matrix leg",
}


@dataclass
class CarriedKeys:
    """The entries a new job takes from the job it is made from, and what it leaves."""

    entries: dict[str, Any] = field(default_factory=dict)
    left: list[str] = field(default_factory=list)  # "`key` (why)"

    def note(self, new_id: str, source: str) -> str | None:
        if not self.left:
            return None
        return f"not carried from `{source}` to `{new_id}`: " + "; ".join(self.left)


def carried_keys(job: Job, runs_scripts: bool, parallel: bool = False) -> CarriedKeys:
    """What a new job made from `job` keeps: `runs_scripts` when it has `run:` steps, `parallel`
    when another new job of the same concurrency group may run at the same time."""
    carried = CarriedKeys()
    data = job.data
    carried.entries["runs-on"] = _runs_on(data.get("runs-on"), runs_scripts, carried)
    for key in ("timeout-minutes", "continue-on-error"):
        if key in data:
            _carry(carried, key, data[key])
    if "concurrency" in data:
        _concurrency(carried, data["concurrency"], parallel)
    if "defaults" in data:
        if runs_scripts:
            _carry(carried, "defaults", data["defaults"])
        else:
            carried.left.append("`defaults` (it runs no `run:` steps)")
    if not runs_scripts:
        for key, why in _WITHOUT_USE.items():
            if key in data:
                carried.left.append(f"`{key}` ({why})")
    return carried


def _carry(carried: CarriedKeys, key: str, value: Any) -> None:
    if _MATRIX.search(str(value)):
        carried.left.append(f"`{key}` (it reads the matrix, and the new job has none)")
    else:
        carried.entries[key] = copy.deepcopy(value)


def _runs_on(value: Any, runs_scripts: bool, carried: CarriedKeys) -> Any:
    if value is None or value == DEFAULT_RUNNER:
        return DEFAULT_RUNNER
    labels = [value] if isinstance(value, str) else value
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        carried.left.append("`runs-on` (trustpub cannot tell that it names a Linux runner)")
        return DEFAULT_RUNNER
    if any(_MATRIX.search(label) or "${{" in label for label in labels):
        carried.left.append("`runs-on` (it is chosen at run time)")
        return DEFAULT_RUNNER
    retired = sorted(set(labels) & RETIRED_IMAGES)
    if retired:
        carried.left.append(f"`runs-on: {retired[0]}` (GitHub no longer runs that image)")
        return DEFAULT_RUNNER
    linux = all(_LINUX.match(x.strip()) for x in labels)
    if "self-hosted" in labels and "linux" not in [x.lower() for x in labels]:
        linux = False
    if runs_scripts or linux:
        return copy.deepcopy(value)
    carried.left.append(
        f"`runs-on: {value}` (pypa/gh-action-pypi-publish runs only on Linux: `{DEFAULT_RUNNER}`)"
    )
    return DEFAULT_RUNNER


def _concurrency(carried: CarriedKeys, value: Any, parallel: bool) -> None:
    cancels = isinstance(value, dict) and value.get("cancel-in-progress") not in (None, False)
    if parallel and cancels:
        carried.left.append(
            "`concurrency` (the publish jobs run at the same time, and one would cancel the other)"
        )
        return
    _carry(carried, "concurrency", value)


def anchor_key(job: Job) -> str | None:
    """The key new job-level entries go after: `runs-on`, else the key before `steps`."""
    keys = list(job.data)
    if "runs-on" in keys:
        return "runs-on"
    if "steps" in keys and keys.index("steps") > 0:
        return keys[keys.index("steps") - 1]
    return None
