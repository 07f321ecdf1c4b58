"""The pure core of `status`: from gathered facts to states, evidence and the next action.

No I/O: every input is in `RepositoryFacts`, so each rule is a unit test away. Whether a release
came through trusted publishing, and what proves it, is `evidence`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from trustpub.repository import Outcome
from trustpub.rewrite.result import TrustedPublisher
from trustpub.status.evidence import index_detail, index_of, publishing
from trustpub.status.facts import RepositoryFacts
from trustpub.status.links import DEFAULT_INDEX_URLS, register_url, revoke_url
from trustpub.status.model import (
    Action,
    Evidence,
    Migration,
    Publishing,
    RepositoryStatus,
    Row,
    SecretState,
    Stage,
)
from trustpub.status.secrets_rules import NAMED_ONLY, secret_states

# Migration states with no publisher to look up on the index.
WITHOUT_PUBLISHERS = frozenset(
    {Migration.FAILED, Migration.NOT_NEEDED, Migration.LEFT_ALONE, Migration.IGNORED}
)


@dataclass(frozen=True)
class Judgement:
    """What the decisions depend on besides the facts."""

    now: datetime
    index_urls: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_INDEX_URLS))
    include_org_secrets: bool = False


def decide(facts: RepositoryFacts, judgement: Judgement) -> RepositoryStatus:
    migration, detail = migration_state(facts, judgement.now)
    base = RepositoryStatus(
        facts.repository,
        migration,
        detail,
        (),
        pull_url=facts.pull.url if facts.pull else None,
        origin=facts.origin,
    )
    if migration in WITHOUT_PUBLISHERS:
        return _without_publishers(base, facts)
    publishers = expected_publishers(facts)
    if not publishers:
        return _project_unknown(base)
    if migration in (Migration.MERGED, Migration.BY_HAND):
        return _migrated(base, facts, publishers, judgement)
    rows = tuple(_pending_row(base, facts, p, judgement) for p in publishers)
    return _with(base, rows=rows, secrets=secret_states(facts, None, judgement))


def migration_state(facts: RepositoryFacts, now: datetime) -> tuple[Migration, str]:
    """From the engine at the default branch first, then trustpub's pull request."""
    result, pull = facts.result, facts.pull
    if facts.error or result is None:
        return Migration.FAILED, facts.error or "the workflows could not be read"
    outcome = result.outcome
    if outcome is Outcome.FAILED:
        broken = [f"{f.path}:{x.line}: {x.message}" for f in result.files if (x := f.failure)]
        return Migration.FAILED, "; ".join(broken) or (result.error or "failed")
    if result.changed_files:
        if pull is not None and pull.state == "open":
            age = max((now - pull.created_at).days, 0)
            checks = f", checks {pull.checks}" if pull.checks else ""
            return Migration.OPEN, f"#{pull.number} open for {age} days{checks}: {pull.url}"
        if pull is not None and not pull.merged:
            return Migration.CLOSED, f"#{pull.number} closed without merging: {pull.url}"
        after = f" (trustpub's #{pull.number} was merged, then token use came back)" if pull else ""
        return Migration.NEEDED, "trustpub would change the workflows" + after
    if outcome is Outcome.SKIPPED:
        reasons = [f"{f.path}: {s.reason}" for f in result.files for s in f.skips if s.is_finding]
        return Migration.LEFT_ALONE, "; ".join(reasons)
    if outcome is Outcome.MIGRATED:
        if pull is not None and pull.merged and pull.merged_at is not None:
            return Migration.MERGED, f"#{pull.number} merged {pull.merged_at:%Y-%m-%d}: {pull.url}"
        return Migration.BY_HAND, "the default branch publishes with trusted publishing"
    if outcome is Outcome.IGNORED:
        return Migration.IGNORED, "token publishing is acknowledged with `# trustpub: ignore`"
    return Migration.NOT_NEEDED, "no workflow publishes to PyPI or TestPyPI"


def expected_publishers(facts: RepositoryFacts) -> tuple[TrustedPublisher, ...]:
    """What trustpub registered (or asks to register): the migrated jobs' publishers, and the
    publishers the pending migration adds."""
    assert facts.result is not None
    found: dict[tuple[str, str], TrustedPublisher] = {}
    for file in facts.result.files:
        for p in (*file.in_use, *(file.publishers if file.changed else ())):
            found.setdefault((p.index, p.project.lower()), p)
    return tuple(found[k] for k in sorted(found))


def _without_publishers(base: RepositoryStatus, facts: RepositoryFacts) -> RepositoryStatus:
    if base.migration is Migration.FAILED:
        action, stage = Action(f"fix what stops trustpub: {base.migration_detail}"), Stage.FAILED
    elif base.migration is Migration.LEFT_ALONE:
        action, stage = Action("migrate by hand: " + base.migration_detail), Stage.LEFT_ALONE
    elif base.migration is Migration.IGNORED:
        action, stage = Action("nothing to do (ignored on purpose)"), Stage.IGNORED
    else:
        action, stage = Action("nothing to do"), Stage.NOT_NEEDED
    row = Row(base.repository, None, None, None, None, None, "", None, action, stage)
    return _with(base, rows=(row,))


def _project_unknown(base: RepositoryStatus) -> RepositoryStatus:
    action = Action("name the project: trustpub cannot read it (pass --project NAME)")
    row = Row(base.repository, None, None, None, None, None, "", None, action, Stage.FAILED)
    return _with(base, rows=(row,))


def _pending_row(
    base: RepositoryStatus, facts: RepositoryFacts, p: TrustedPublisher, judgement: Judgement
) -> Row:
    index = index_of(facts, p)
    exists = index.exists if index else None
    link = register_url(p, base.repository, exists, judgement.index_urls)
    register = "register the pending publisher on PyPI (it expires after 30 days unused)"
    if exists is not False:
        register = "register the publisher on PyPI"
    if base.migration is Migration.OPEN:
        number = facts.pull.number if facts.pull else 0
        action = Action(f"{register}, then merge the pull request #{number}", link)
        stage = Stage.OPEN
    elif base.migration is Migration.CLOSED:
        action = Action(
            "the pull request was closed without merging: reopen it (trustpub bot --reopen), "
            "or opt out with a `# trustpub: ignore` comment",
            base.pull_url,
        )
        stage = Stage.CLOSED
    else:
        action = Action(f"open the pull request: trustpub bot --repo {base.repository}")
        stage = Stage.NEEDED
    detail = index_detail(index)
    return _row(base, p, Publishing.NOT_MIGRATED, detail, None, action, stage, link, judgement)


def _migrated(
    base: RepositoryStatus,
    facts: RepositoryFacts,
    publishers: tuple[TrustedPublisher, ...],
    judgement: Judgement,
) -> RepositoryStatus:
    judged = [(p, *publishing(facts, p)) for p in publishers]
    confirmed = [e for _, state, _, e in judged if state is Publishing.CONFIRMED and e]
    proof = None
    if len(confirmed) == len(judged):
        proof = "; ".join(e.text for e in confirmed)
    secrets = secret_states(facts, proof, judgement)
    rows = []
    for p, state, detail, evidence in judged:
        index = index_of(facts, p)
        exists = index.exists if index else None
        link = register_url(p, base.repository, exists, judgement.index_urls)
        action, stage = _migrated_action(
            p, state, detail, facts, secrets, proof, link, judgement.index_urls
        )
        rows.append(_row(base, p, state, detail, evidence, action, stage, link, judgement))
    return _with(base, rows=tuple(rows), secrets=secrets, confirmed=proof)


def _migrated_action(
    p: TrustedPublisher,
    state: Publishing,
    detail: str,
    facts: RepositoryFacts,
    secrets: tuple[SecretState, ...],
    proof: str | None,
    link: str,
    index_urls: Mapping[str, str],
) -> tuple[Action, Stage]:
    if state is Publishing.RUN_FAILED:
        return Action(f"{detail}: register the publisher on PyPI", link), Stage.PUBLISH_FAILED
    if state is Publishing.OTHER_PUBLISHER:
        text = f"{detail}: check the trusted publisher registered on PyPI"
        return Action(text, link), Stage.UNCONFIRMED
    if state is Publishing.UNCONFIRMED:
        return Action(f"{detail}: check how it was uploaded"), Stage.UNCONFIRMED
    if state is Publishing.UNKNOWN:
        return Action(f"run again when the index answers ({detail})"), Stage.UNCONFIRMED
    if state is Publishing.NO_RELEASE:
        index = index_of(facts, p)
        if index is not None and index.exists is False:
            text = (
                "waiting for the first release (a new project: the pending publisher must be "
                "registered, and it expires after 30 days unused)"
            )
            return Action(text, link), Stage.WAITING
        return Action("waiting for the first release"), Stage.WAITING
    if proof is None:
        text = "confirmed; the old secrets wait until every project of the repository is"
        return Action(text), Stage.WAITING
    states = list(secrets)
    deletable = [s for s in states if s.deletable]
    if deletable:
        names = ", ".join(f"{s.secret.name} ({s.secret.scope} {s.secret.where})" for s in deletable)
        return Action(f"delete secret {names}"), Stage.SECRETS
    # An organisation secret suspected only by its name is the organisation's business: it is
    # listed, but it does not hold this repository back.
    kept = [s for s in states if not s.deletable and not _only_named(s)]
    if kept:
        s = kept[0]
        return Action(f"secret {s.secret.name} is kept: {s.reason}"), Stage.SECRETS
    if facts.pull is not None and facts.pull.removed_secrets:
        return Action("revoke the token on PyPI", revoke_url(p, index_urls)), Stage.REVOKE
    return Action("done"), Stage.DONE


def _only_named(state: SecretState) -> bool:
    return state.secret.scope == "organization" and state.why == NAMED_ONLY


def _row(
    base: RepositoryStatus,
    p: TrustedPublisher,
    state: Publishing,
    detail: str,
    evidence: Evidence | None,
    action: Action,
    stage: Stage,
    link: str,
    judgement: Judgement,
) -> Row:
    return Row(
        base.repository,
        p.index,
        p.project,
        p.workflow,
        p.environment,
        state,
        detail,
        evidence,
        action,
        stage,
        link,
        revoke_url(p, judgement.index_urls),
    )


def _with(base: RepositoryStatus, **changes: object) -> RepositoryStatus:
    from dataclasses import replace

    return replace(base, **changes)  # type: ignore[arg-type]
