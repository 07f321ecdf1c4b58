"""Rule: dists a job downloaded are downloaded again by its publish jobs, not uploaded twice.

A job that downloads the dists (from the jobs that built them), does other things with them (a
GitHub release) and uploads them already has an artifact: its publish jobs copy its download
step instead of storing the dists under a new name for a second round trip. Only when nothing
between the download and the uploads can change what is in that directory: no step writes
there (`step_needs.py`), builds, or is an action trustpub does not know that names it; and no
step of the job deletes or replaces artifacts.
"""

from __future__ import annotations

import itertools
import posixpath

from trustpub.rewrite import artifacts
from trustpub.rewrite.github_token import ACTIONS, READING_ACTIONS
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.rules.step_needs import JobSteps
from trustpub.rewrite.workflow import Job, Step, Workflow

_BUILDERS = frozenset({"build", "pyproject-build", "cibuildwheel", "maturin"})
_BUILD_SUBCOMMANDS = ("build", "sdist", "bdist_wheel", "wheel")


def reusable_download(
    workflow: Workflow, job: Job, plans: list[StepPlan], path: str
) -> Step | None:
    """The job's download step whose dists the uploads publish unchanged, or None."""
    if "strategy" in job.data or any(
        not p.is_pypa_action and not (p.hand_off and getattr(p.hand_off, "goes", False))
        for p in plans
    ):
        return None  # a matrix job, or a tool's step that builds what it uploads
    first = min(p.step.index for p in plans)
    downloads = [
        s
        for s in job.steps()
        if s.index < first and s.action == artifacts.DOWNLOAD and _directory(s) == _norm(path)
    ]
    if len(downloads) != 1:
        return None
    download = downloads[0]
    facts = JobSteps(workflow, job, frozenset())
    uploads = {p.step.index for p in plans}
    between = [s for s in job.steps() if download.index < s.index < max(uploads)]
    if any(s.index not in uploads and may_change(s, facts, _norm(path)) for s in between):
        return None
    # A step that deletes or replaces artifacts (after the uploads, too: it then runs before
    # the publish jobs download) would take the artifact away from them.
    later = [s for s in job.steps() if s.index > download.index and s.index not in uploads]
    if any("artifact" in s.action and s.action != artifacts.DOWNLOAD for s in later):
        return None
    return download


def may_change(step: Step, facts: JobSteps, directory: str) -> bool:
    mentions = directory in str(step.data)
    if step.uses:
        known = step.action in READING_ACTIONS or step.action in ACTIONS
        build = any(w in step.action for w in ("build", "wheel", "dist", "artifact"))
        return build or (mentions and not known)
    found = facts.facts[step.index]
    if found.programs is None:
        return mentions
    if any(
        _norm(w) == directory or _norm(w).startswith(directory + "/") for w in found.writes_files
    ):
        return True
    return bool(found.programs & _BUILDERS) or _runs_build(str(step.data.get("run", "")))


def _runs_build(script: str) -> bool:
    words = script.split()
    return any(
        a in ("-m", "run", "uv", "poetry", "hatch", "flit", "pdm", "setup.py")
        and b in _BUILD_SUBCOMMANDS
        for a, b in itertools.pairwise(words)
    )


def _directory(step: Step) -> str:
    return _norm(str(step.with_.get("path", ".")))


def _norm(path: str) -> str:
    return posixpath.normpath(path.strip().removeprefix("./")).rstrip("/") or "."
