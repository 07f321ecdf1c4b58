"""Differential test against zizmor's `use-trusted-publishing` audit (offline) over the corpus:
every PyPI or TestPyPI upload zizmor flags, trustpub flags too (it migrates it, or names it in
"Left alone"), or this test names why not. zizmor also flags uploads to other registries (npm,
crates.io, RubyGems, NuGet), which are not trustpub's: those are told apart by the command.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from rewrite_cases import REPO_ROOT, fixed_lookup, read_text
from trustpub.rewrite.document import WorkflowSyntaxError, load_data
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import RewriteResult, SkipKind
from validators import ValidatorMissing, zizmor

pytestmark = [pytest.mark.corpus, pytest.mark.validators]

CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "workflows"
_OTHER_REGISTRIES = re.compile(
    r"\b(?:cargo|npm|yarn|pnpm|bun|gem|nuget|dotnet)\b[^\n]*\b(?:publish|push)\b"
    r"|rubygems/|actions/setup-node",
)


def _data(path: Path) -> Any:
    try:
        return load_data(read_text(path).lstrip("\ufeff"))
    except WorkflowSyntaxError:
        return None


def _step(data: Any, route: tuple[Any, ...]) -> Any:
    if len(route) < 4 or route[0] != "jobs" or route[2] != "steps":
        return None
    return data["jobs"][route[1]]["steps"][route[3]]


def _elsewhere(result: RewriteResult, job: str) -> bool:
    return any(s.job == job and s.kind is SkipKind.OTHER_INDEX for s in result.skips)


def _flags(result: RewriteResult, job: str) -> bool:
    """trustpub migrates or names the upload of this job."""
    return (
        any(u.job == job for u in result.token_uploads)
        or any(c.job == job for c in result.changes)
        or any(s.job in (job, None) and s.is_finding for s in result.skips)
    )


def test_every_pypi_upload_zizmor_flags_is_flagged_by_trustpub() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (it lives in shared/ beside the repository)")
    files = [p for p in sorted(CORPUS.glob("*.yml")) if _data(p) is not None]
    refused: dict[Path, str] = {}
    try:
        found = zizmor(files, refused=refused)
    except ValidatorMissing as error:
        pytest.fail(str(error))
    assert len(refused) <= 5, refused  # valid YAML zizmor's parser rejects: rare
    missed, counts = [], Counter[str]()
    for path in files:
        if path in refused:
            continue
        data = _data(path)
        result = rewrite_workflow(read_text(path), path.name, fixed_lookup("demo"))
        for finding in found[path]:
            if finding.ident != "use-trusted-publishing":
                continue
            for route in finding.routes:
                step = _step(data, route)
                if step is None:
                    counts["not a workflow step"] += 1
                    continue
                if _OTHER_REGISTRIES.search(str(step)):
                    counts["another registry (npm, crates.io, RubyGems, NuGet)"] += 1
                    continue
                job = str(route[1])
                if _flags(result, job):
                    counts["flagged by trustpub"] += 1
                elif _elsewhere(result, job):
                    # zizmor does not read where a `run:` command uploads to.
                    counts["uploads to another index (trustpub tells, as information)"] += 1
                else:
                    missed.append(f"{path.name}: jobs.{job}.steps[{route[3]}]")
    print(f"\nzizmor use-trusted-publishing over {len(files)} files: {dict(counts)}")
    assert counts["flagged by trustpub"] >= 50
    assert not missed, "\n".join(missed)
