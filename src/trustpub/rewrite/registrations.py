"""The trusted publishers a workflow's jobs publish through, and the project each upload is of."""

from __future__ import annotations

from pathlib import PurePosixPath

from trustpub.project import ProjectName, ProjectNameProblem
from trustpub.rewrite.indexes import IndexKind
from trustpub.rewrite.result import ProjectLookup, TrustedPublisher
from trustpub.rewrite.rules import environment
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.workflow import Job, Workflow


def project_of(lookup: ProjectLookup, plan: StepPlan) -> ProjectName | ProjectNameProblem:
    """The project an upload publishes: the one of the directory its dists are built in."""
    return lookup(project_directory(plan.packages_dir))


def project_directory(packages_dir: str) -> str:
    """`pkg/dist` -> `pkg`: the directory whose project a publish step uploads."""
    parts = [p for p in PurePosixPath(packages_dir.strip()).parts if p not in (".", "/")]
    if len(parts) > 1 and "${{" not in packages_dir:
        return "/".join(parts[:-1])
    return ""


def trusted_publisher(
    workflow: Workflow, job: Job, kind: IndexKind, project: ProjectName, env_name: str | None
) -> TrustedPublisher:
    return TrustedPublisher(
        index="testpypi" if kind is IndexKind.TESTPYPI else "pypi",
        project=project.name,
        workflow=workflow.filename,
        environment=env_name,
        job=job.id,
        project_source=project.source,
    )


def publishers_in_use(
    workflow: Workflow, job: Job, plans: list[StepPlan], lookup: ProjectLookup
) -> list[TrustedPublisher]:
    """The trusted publishers an already-migrated job publishes through (what `status`
    compares with PyPI's provenance); uploads to other indexes have none."""
    found = []
    for plan in plans:
        kind = plan.target.kind
        project = project_of(lookup, plan)
        if kind in (IndexKind.PYPI, IndexKind.TESTPYPI) and isinstance(project, ProjectName):
            env_name = environment.existing_environment(job)
            found.append(trusted_publisher(workflow, job, kind, project, env_name))
    return found
