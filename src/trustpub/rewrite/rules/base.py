"""What every publish-step rule produces: a plan for one step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from trustpub.rewrite.edits import Patch
from trustpub.rewrite.indexes import IndexTarget
from trustpub.rewrite.workflow import Job, Step, Workflow

# Makes the step's own edits (token inputs, env, flags) and returns what it changed.
StepEdit = Callable[[Patch], list[str]]


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
    packages_dir: str = "dist"
    needs_pypa_action: bool = False  # the tool cannot do trusted publishing itself
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_pypa_action(self) -> bool:
        return self.tool == "pypa-action"


# A rule looks at one step and returns a plan when the step publishes.
StepRule = Callable[[Workflow, Job, Step], "StepPlan | None"]
