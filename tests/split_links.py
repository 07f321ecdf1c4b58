"""The artifact a build job stores must be exactly what its publish jobs download.

Shared by the split and upload-tool fixture tests: for every publish job (one PyPA action step
and a download), the upload in a job it needs whose artifact name matches, and the directories
of the upload, the download and the action's `packages-dir` (one directory for all the artifacts
of a job that publishes several directories with one call).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any

from trustpub.rewrite.result import RewriteResult

PYPA_ACTION = "pypa/gh-action-pypi-publish"


@dataclass(frozen=True)
class Link:
    publish_job: str
    build_job: str
    upload: dict[str, Any]
    download: dict[str, Any]
    packages_dir: str


def uses(step: dict[str, Any], action: str) -> bool:
    return str(step.get("uses", "")).split("@")[0] == action


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in job.get("steps", []) if isinstance(s, dict)]


def _needs(job: dict[str, Any]) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else list(needs)


def _ancestors(jobs: dict[str, Any], job_id: str) -> list[str]:
    """The jobs `job_id` needs, directly or through others, nearest first."""
    found: list[str] = []
    todo = _needs(jobs[job_id])
    while todo:
        need = todo.pop(0)
        if need not in found and need in jobs:
            found.append(need)
            todo += _needs(jobs[need])
    return found


def _artifact_name(upload: dict[str, Any]) -> str:
    """The name a leg's upload gets, with `${{ }}` expressions as one example value."""
    return re.sub(r"\$\{\{.*?\}\}", "0", str(upload["with"].get("name", "artifact")))


def links(data: dict[str, Any]) -> list[Link]:
    """For every publish job: the download step, the upload it matches, and `packages-dir`."""
    found = []
    jobs = data["jobs"]
    for job_id, job in jobs.items():
        publish = [s for s in steps(job) if uses(s, PYPA_ACTION)]
        downloads = [s for s in steps(job) if uses(s, "actions/download-artifact")]
        if len(publish) != 1 or not downloads:
            continue
        packages_dir = str((publish[0].get("with") or {}).get("packages-dir", "dist"))
        for download in downloads:
            wanted = download["with"].get("pattern") or download["with"]["name"]
            for needed in _ancestors(jobs, job_id):  # the dists may come from further up
                for upload in steps(jobs[needed]):
                    if uses(upload, "actions/upload-artifact") and fnmatch.fnmatchcase(
                        _artifact_name(upload), wanted
                    ):
                        found.append(Link(job_id, needed, upload, download, packages_dir))
    return found


def directory(path: Any) -> str:
    return str(path).removeprefix("./").rstrip("/")


def check_links(result: RewriteResult, data: dict[str, Any]) -> list[Link]:
    """Assert that every publish job downloads what a build job it needs stored; the links."""
    found = links(data)
    linked = {link.publish_job for link in found}
    for publisher in result.publishers:
        if any(uses(s, "actions/download-artifact") for s in steps(data["jobs"][publisher.job])):
            assert publisher.job in linked, publisher.job
    for link in found:
        upload, download = link.upload["with"], link.download["with"]
        # A job that publishes several uploads' dists with one call (`same_index.py`) downloads
        # one artifact per directory they read, all into the directory its PyPA step reads.
        stored = {
            id(o.upload): o.upload["with"] for o in found if o.publish_job == link.publish_job
        }
        merged = len(stored) > 1
        if merged:
            paths = [directory(u["path"]) for u in stored.values()]
            assert len(set(paths)) == len(paths), ("one artifact per directory", link)
        else:
            assert directory(upload["path"]) == directory(download["path"]), link
        assert directory(download["path"]) == directory(link.packages_dir), link
        if "pattern" in download:
            assert download.get("merge-multiple") is True, link
            assert merged or "${{" in str(upload["name"]), "each matrix leg needs its own name"
    return found
