"""The order of the publish jobs a split adds: an upload that ran after another still does.

Within one job a failed upload stopped the uploads after it; as jobs of their own, the later
one needs the earlier one, and keeps running when that one is skipped by its own condition
where its `if:` can say so.
"""

from __future__ import annotations

import itertools
from typing import Any

from trustpub.rewrite import conditions
from trustpub.rewrite.render import Commented, Flow
from trustpub.rewrite.result import ResultBuilder
from trustpub.rewrite.rules.followers import PublishTarget
from trustpub.rewrite.workflow import Job


def gate(
    job: Job, targets: list[PublishTarget], gate_testpypi: bool, report: ResultBuilder
) -> None:
    """Each upload that ran after another in the job still runs after it (a failed TestPyPI
    upload stopped the PyPI one); an added TestPyPI job gates PyPI when asked to."""
    chain = [t for t in targets if t.plan is not None or gate_testpypi]
    for earlier, later in itertools.pairwise(chain):
        assert earlier.job is not None and later.job is not None
        earlier_if = earlier.job.header.get("if")
        if isinstance(earlier_if, Commented):
            earlier_if = earlier_if.value
        run_after(job.id, earlier.job.id, earlier_if, later, report)


def run_after(
    source: str,
    earlier: str,
    earlier_if: Any,
    later: PublishTarget,
    report: ResultBuilder,
) -> None:
    """Make `later`'s job need the job `earlier` (whose condition is `earlier_if`)."""
    assert later.job is not None
    header = later.job.header
    needs = list(header.get("needs", Flow(())).items)
    written = header.get("if")  # maybe with the end-of-line comment of the upload's `if:`
    condition = written.value if isinstance(written, Commented) else written
    line = later.source.step.line
    header["needs"] = Flow((*needs, earlier))
    report.change(later.job_id, line, f"`{later.job_id}` runs after `{earlier}`, as in `{source}`")
    if conditions.implies(condition, earlier_if):
        return  # whenever `earlier` is skipped by its condition, so is `later`
    careful = conditions.after_earlier_job(condition, earlier, needs)
    if careful is None:
        report.note(
            later.job_id,
            line,
            f"`{earlier}` runs under a different condition; whenever it is skipped, "
            f"`{later.job_id}` is skipped too (its `if:` calls a status function trustpub "
            "cannot carry over)",
        )
        return
    kept = Commented(careful, written.comment) if isinstance(written, Commented) else careful
    later.job.header = _with_condition(header, kept)
    report.change(
        later.job_id,
        line,
        f"`{later.job_id}` still runs when `{earlier}` is skipped by its own condition",
    )


def _with_condition(header: dict[str, Any], condition: Any) -> dict[str, Any]:
    """The header with `if:` set, right after `needs:`."""
    rest = {k: v for k, v in header.items() if k not in ("needs", "if")}
    return {"needs": header["needs"], "if": condition, **rest}
