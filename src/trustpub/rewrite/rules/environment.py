"""Rule: the publish job gets a deployment environment named after the index."""

from __future__ import annotations

from typing import Any

from trustpub.rewrite.indexes import IndexKind
from trustpub.rewrite.result import Options
from trustpub.rewrite.workflow import Job

INDEX_PAGES = {
    IndexKind.PYPI: "https://pypi.org/p/",
    IndexKind.TESTPYPI: "https://test.pypi.org/p/",
}


def existing_environment(job: Job) -> str | None:
    """The name of the job's environment, if it has one."""
    env = job.data.get("environment")
    if isinstance(env, dict):
        name = env.get("name")
        return None if name is None else str(name)
    return None if env is None else str(env)


def environment_name(kind: IndexKind, options: Options) -> str:
    return options.testpypi_environment if kind is IndexKind.TESTPYPI else options.pypi_environment


def new_environment(kind: IndexKind, project: str, options: Options) -> dict[str, Any]:
    return {"name": environment_name(kind, options), "url": INDEX_PAGES[kind] + project}
