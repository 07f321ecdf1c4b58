"""Rule: an upload whose `if:` reads a step output can still move to a publish job.

A job-level `if:` cannot read `steps`, but it can read `needs.<job>.outputs`: the build job
promotes each step output (or outcome) the condition reads to a job output, and the publish
job's condition reads that instead (`if: steps.version.outputs.tag` becomes
`if: needs.release.outputs.version-tag`). A matrix job cannot: its outputs are whichever leg set
them last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from trustpub.rewrite import conditions
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.result import ResultBuilder
from trustpub.rewrite.rules.base import SplitRefused, StepPlan
from trustpub.rewrite.rules.job_keys import anchor_key
from trustpub.rewrite.workflow import Job

_READ = re.compile(
    r"\bsteps\s*\.\s*([A-Za-z_][\w-]*)\s*\.\s*(?:outputs\s*\.\s*([A-Za-z_][\w-]*)|(outcome|conclusion))\b"
)
_BY_HAND = "split it by hand into a build job and one publish job per index (see the guide)"


@dataclass
class Promotion:
    """The job outputs a split adds, and the conditions rewritten to read them."""

    job: Job
    outputs: dict[str, str] = field(default_factory=dict)  # name -> `${{ steps... }}`
    names: dict[str, str] = field(default_factory=dict)  # `steps.x.outputs.y` -> name

    def condition(self, value: Any) -> Any:
        """The condition with each promoted step value read from the job's outputs."""
        if value is None or not self.names:
            return value
        text = str(value)
        return _READ.sub(lambda m: f"needs.{self.job.id}.outputs.{self.names[_key(m)]}", text)

    def apply(self, patch: RestructurePatch, report: ResultBuilder) -> None:
        if not self.outputs:
            return
        if isinstance(self.job.data.get("outputs"), dict):
            patch.insert_entries((*self.job.path, "outputs"), dict(self.outputs))
        else:
            patch.insert_entries(
                self.job.path, {"outputs": dict(self.outputs)}, after=anchor_key(self.job)
            )
        for name, value in self.outputs.items():
            report.change(
                self.job.id,
                self.job.line,
                f"added the job output `{name}` ({value}), which the publish job's `if:` reads",
            )


def promote(job: Job, plans: list[StepPlan]) -> Promotion:
    """The outputs the uploads' conditions need; SplitRefused when a condition reads what a job
    output cannot carry."""
    promotion = Promotion(job)
    ids = {str(s.data["id"]): s.index for s in job.steps() if "id" in s.data}
    taken = (
        set(job.data.get("outputs") or {}) if isinstance(job.data.get("outputs"), dict) else set()
    )
    for plan in plans:
        text = conditions.expression(plan.step.data.get("if")) or ""
        rest = _READ.sub("", text)
        if not _READ.search(text) or conditions.step_only_context(rest):
            continue  # nothing to promote, or what is left is refused by the split's own checks
        if "strategy" in job.data:
            raise SplitRefused(
                f"the upload on line {plan.step.line} runs only if a step output holds, and a "
                "matrix job's outputs are those of whichever leg set them last",
                _BY_HAND,
            )
        for match in _READ.finditer(text):
            step_id = match.group(1)
            if ids.get(step_id, plan.step.index) >= plan.step.index:
                raise SplitRefused(
                    f"the upload on line {plan.step.line} reads step `{step_id}`, which does not "
                    "run before it in this job",
                    _BY_HAND,
                )
            key = _key(match)
            if key not in promotion.names:
                name = _free_name(f"{step_id}-{match.group(2) or match.group(3)}", taken)
                promotion.names[key] = name
                promotion.outputs[name] = "${{ " + key + " }}"
    return promotion


def _key(match: re.Match[str]) -> str:
    step_id, output, status = match.groups()
    return f"steps.{step_id}.outputs.{output}" if output else f"steps.{step_id}.{status}"


def _free_name(base: str, taken: set[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]", "-", base)
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate
