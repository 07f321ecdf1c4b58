"""The evidence of a trusted release: what says a release came through trusted publishing.

The provenance PyPI keeps for an uploaded file is the proof; without it, an upload made while a
successful run of the publishing workflow went. Pure, like `decide`: every input is a fact.
"""

from __future__ import annotations

from datetime import timedelta

from trustpub.rewrite.result import TrustedPublisher
from trustpub.status.facts import IndexFacts, ReleaseFile, RepositoryFacts, RunFacts
from trustpub.status.model import Evidence, Publishing

# An upload belongs to a run when it happened while the run went (a little slack for clocks).
RUN_SLACK = timedelta(minutes=2)


def publishing(
    facts: RepositoryFacts, p: TrustedPublisher
) -> tuple[Publishing, str, Evidence | None]:
    """Did a release come through trusted publishing after the migration, and what says so."""
    index = index_of(facts, p)
    if index is None or index.exists is None:
        return Publishing.UNKNOWN, (index.error if index else None) or "not checked", None
    since = facts.migrated_at
    files = [f for f in index.files if since is None or f.uploaded >= since]
    for f in files:
        evidence = _provenance_evidence(f, facts.repository, p)
        if evidence is not None:
            return evidence
    for f in files:
        run = _run_for(f, facts.runs, p.workflow)
        if run is not None:
            return Publishing.CONFIRMED, "", _run_evidence(f, run)
    failed = [
        r
        for r in facts.runs
        if r.workflow == p.workflow and r.conclusion == "failure" and not files
    ]
    if failed:
        run = failed[0]
        return Publishing.RUN_FAILED, f"run #{run.number} of {p.workflow} failed ({run.url})", None
    if files:
        f = files[0]
        how = (
            f"no provenance and no successful run of {p.workflow} at that time"
            if facts.migrated_at is not None
            else "no provenance, and the migration date is unknown"
        )
        return Publishing.UNCONFIRMED, f"{p.project} {f.version} was uploaded with {how}", None
    return Publishing.NO_RELEASE, index_detail(index), None


def _provenance_evidence(
    f: ReleaseFile, repository: str, p: TrustedPublisher
) -> tuple[Publishing, str, Evidence | None] | None:
    if f.provenance is None:
        return None
    found = f.provenance.publishers()
    wanted = [
        pub
        for pub in found
        if pub.kind == "GitHub"
        and (pub.repository or "").lower() == repository.lower()
        and pub.workflow == p.workflow
        and (pub.environment or "").lower() == (p.environment or "").lower()
    ]
    if f.verified is False:
        detail = f"the provenance of {f.filename} failed signature verification: {f.verify_detail}"
        return Publishing.UNCONFIRMED, detail, None
    if not wanted:
        names = ", ".join(pub.describe() for pub in found)
        expected = f"{repository} {p.workflow}" + (
            f", environment {p.environment}" if p.environment else ", no environment"
        )
        detail = f"{f.filename} was published by {names}, not {expected}"
        return Publishing.OTHER_PUBLISHER, detail, None
    verified = " (signatures verified)" if f.verified else ""
    text = (
        f"provenance of {f.filename} ({f.uploaded:%Y-%m-%d}): published by "
        f"{wanted[0].describe()}{verified}"
    )
    return (
        Publishing.CONFIRMED,
        "",
        Evidence("provenance", f.version, f.filename, f.uploaded, text),
    )


def _run_for(f: ReleaseFile, runs: tuple[RunFacts, ...], workflow: str) -> RunFacts | None:
    for run in runs:
        if (
            run.workflow == workflow
            and run.conclusion == "success"
            and run.started - RUN_SLACK <= f.uploaded <= run.finished + RUN_SLACK
        ):
            return run
    return None


def _run_evidence(f: ReleaseFile, run: RunFacts) -> Evidence:
    where = f" on {run.head_branch}" if run.head_branch else ""
    text = (
        f"no provenance: {f.filename} was uploaded {f.uploaded:%Y-%m-%d %H:%M} UTC during the "
        f"successful run #{run.number} of {run.workflow}{where} ({run.url})"
    )
    return Evidence("workflow run", f.version, f.filename, f.uploaded, text)


def index_of(facts: RepositoryFacts, p: TrustedPublisher) -> IndexFacts | None:
    return next(
        (i for i in facts.indexes if i.index == p.index and i.project.lower() == p.project.lower()),
        None,
    )


def index_detail(index: IndexFacts | None) -> str:
    if index is None or index.exists is None:
        return (index.error if index else None) or "index not checked"
    if not index.exists:
        return "not on the index yet"
    plural = "release" if index.releases == 1 else "releases"
    return f"{index.releases} {plural} on the index"
