"""Which old credentials may be deleted: only what is provably unused, after a confirmed release.

A secret is deleted only when (1) no workflow at the default branch names it and none hands all
secrets on, (2) every project of the repository has a confirmed trusted-publishing release since
the migration, and (3) for an organisation secret, --include-org-secrets was given and no
repository that can see it still names it. The user's confirmation comes on top (retire.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trustpub.status.facts import OrgSecretUse, RepositoryFacts, SecretFacts
from trustpub.status.model import SecretState

if TYPE_CHECKING:
    from trustpub.status.decide import Judgement

NAMED_ONLY = "its name says it holds a PyPI credential"


def secret_states(
    facts: RepositoryFacts, proof: str | None, judgement: Judgement
) -> tuple[SecretState, ...]:
    return tuple(_state(s, facts, proof, judgement) for s in facts.secrets)


def _state(
    found: SecretFacts, facts: RepositoryFacts, proof: str | None, judgement: Judgement
) -> SecretState:
    secret, branch = found.secret, facts.default_branch

    def kept(reason: str) -> SecretState:
        return SecretState(secret, found.why, False, reason)

    used = facts.references.used(secret.name)
    if used:
        return kept(f"still named at {branch} by {', '.join(used)}")
    if facts.references.unknowable:
        return kept("cannot be proven unused: " + "; ".join(facts.references.unknowable))
    if proof is None:
        return kept("no confirmed trusted-publishing release since the migration yet")
    unused = f"no workflow at {branch} names it"
    if secret.scope != "organization":
        return SecretState(secret, found.why, True, f"{unused}; {proof}")
    if not judgement.include_org_secrets:
        return kept("an organisation secret: considered only with --include-org-secrets")
    use = _org_use(facts.org_secrets, secret.where, secret.name)
    if use is None or use.problem:
        return kept(use.problem if use and use.problem else "who can see it was not established")
    if use.used_by:
        return kept("still named by " + ", ".join(use.used_by))
    seen = f"none of the {len(use.visible_to)} repositories that can see it names it"
    return SecretState(secret, found.why, True, f"{unused}; {seen}; {proof}")


def _org_use(uses: tuple[OrgSecretUse, ...], org: str, name: str) -> OrgSecretUse | None:
    return next(
        (u for u in uses if u.org.lower() == org.lower() and u.name.upper() == name.upper()),
        None,
    )
