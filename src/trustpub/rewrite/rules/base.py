"""What every publish-step rule produces: a plan for one step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trustpub.rewrite.edits import Patch
from trustpub.rewrite.indexes import IndexTarget
from trustpub.rewrite.workflow import Job, Step, Workflow

# Makes the step's own edits (token inputs, env, flags) and returns what it changed.
StepEdit = Callable[[Patch], list[str]]


class SplitRefused(Exception):
    """The job cannot be split (or its uploads merged) safely; why, and what to do instead."""

    def __init__(self, reason: str, advice: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.advice = advice


@dataclass(frozen=True)
class HandOff:
    """A tool's upload taken over by the PyPA action in a publish job of its own (SPEC rule 7).

    The build job keeps the step's other commands (a `publish` that built now only builds);
    `edit` makes those edits and removes the credentials, and is told when text follows the step
    (the artifact upload). A step that did nothing else `goes`: the split removes it.
    """

    publish_step: dict[str, Any]  # the PyPA action step of the publish job (no `if:`)
    packages_dir: str  # where the dists are, relative to the checkout (`dist/`)
    goes: bool
    edit: Callable[[Patch, bool], list[str]]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoHandOff:
    """Why the PyPA action cannot take over a tool's upload in a publish job."""

    reason: str
    advice: str = ""


@dataclass(frozen=True)
class StepPlan:
    """A publish step found in a job, and how to migrate it."""

    step: Step
    tool: str  # "pypa-action", "twine", "uv", ...
    target: IndexTarget
    uses_token: bool
    secrets: frozenset[str] = frozenset()  # secrets the removed text referred to
    edit: StepEdit | None = None  # None: nothing to remove in the step itself
    problem: str | None = None  # why this step must be left alone
    advice: str = ""
    # The problem is only where it uploads to: what credentials it sends is known.
    problem_is_index: bool = False
    packages_dir: str = "dist"
    needs_pypa_action: bool = False  # the tool cannot do trusted publishing itself
    notes: tuple[str, ...] = field(default_factory=tuple)
    # For tools: how to publish from a job of its own, planned only when a split asks for it
    # (most tool uploads stay in place). None: the upload cannot be handed off at all.
    plan_hand_off: Callable[[], HandOff | NoHandOff] | None = None

    @property
    def hand_off(self) -> HandOff | NoHandOff | None:
        return None if self.plan_hand_off is None else self.plan_hand_off()

    @property
    def is_pypa_action(self) -> bool:
        return self.tool == "pypa-action"

    @property
    def sends_no_token(self) -> bool:
        """True when trustpub can see that no credential reaches this upload."""
        return not self.uses_token and (self.problem is None or self.problem_is_index)


# A rule looks at one step and returns a plan when the step publishes.
StepRule = Callable[[Workflow, Job, Step], "StepPlan | None"]
