"""PyPI credentials handed to something trustpub cannot migrate: an action's inputs or `env:`.

A credential is a non-empty value given to a key that names one (`pypi_token`, `TWINE_PASSWORD`,
an input the registry lists for the action), or any value that refers to a PyPI-named secret,
input, variable or output (`${{ secrets.PYPI_API_TOKEN }}`, `${{ inputs.pypi-token }}`).
Installer settings (`PIP_INDEX_URL`) never count. A value that is the output of a step running an
action that mints a short-lived token with OIDC is trusted publishing, not a stored token.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from trustpub.publishers import (
    ActionRole,
    find_action,
    is_install_setting,
    is_pypi_credential_key,
    is_pypi_secret,
    normalized,
)
from trustpub.rewrite.expressions import referenced_secrets
from trustpub.rewrite.workflow import Job

# `inputs.NAME`, `env.NAME`, `vars.NAME`, `steps.ID.outputs.NAME`, `needs.ID.outputs.NAME`.
_NAMED = re.compile(
    r"\b(?:inputs|env|vars|github\.event\.inputs)\.([A-Za-z_][\w-]*)"
    r"|\b(?:steps|needs)\.[\w-]+\.outputs\.([A-Za-z_][\w-]*)"
)
_STEP_OUTPUT = re.compile(r"\bsteps\.([\w-]+)\.outputs\b")
_USER_NAME = re.compile(r"(?:^|_)(?:USER|USERNAME)$")


@dataclass(frozen=True)
class CredentialRef:
    """A credential given to `key` (an input, or a variable of an `env:`)."""

    key: str
    value: str
    where: str  # "input" or "variable"
    secrets: frozenset[str]
    minted: bool = False  # the output of a step that mints a token with OIDC

    def describe(self) -> str:
        what = "input" if self.where == "input" else "variable"
        return f"the {what} `{self.key}` ({self.value.strip()})"


def credential_refs(
    mapping: Any, where: str, keys: Collection[str] = (), minters: Collection[str] = ()
) -> list[CredentialRef]:
    """The credentials in an `env:` or `with:` mapping; `keys` are credentials whatever their
    name (the registry's inputs of a known action); `minters`: ids of OIDC-minting steps."""
    if not isinstance(mapping, dict):
        return []
    found = []
    for key, value in mapping.items():
        text = "" if value is None else str(value)
        name = str(key)
        if not text.strip() or is_install_setting(name):
            continue
        secrets = referenced_secrets(text)
        if _USER_NAME.search(normalized(name)) and not secrets:
            continue  # a user name written out (`__token__`) is no secret
        if name in keys or is_pypi_credential_key(name) or _names_a_credential(text):
            minted = bool(minters) and set(_STEP_OUTPUT.findall(text)) <= set(minters)
            minted = minted and bool(_STEP_OUTPUT.search(text))
            found.append(CredentialRef(name, text, where, secrets, minted))
    return sorted(found, key=lambda ref: not ref.secrets)  # those naming a secret first


def _names_a_credential(text: str) -> bool:
    if any(is_pypi_secret(s) for s in referenced_secrets(text)):
        return True
    return any(is_pypi_credential_key(a or b) for a, b in _NAMED.findall(text))


def minting_steps(job: Job) -> frozenset[str]:
    """Ids of the job's steps that mint a short-lived PyPI token with OIDC."""
    found = set()
    for step in job.steps():
        facts = find_action(step.action) if step.uses else None
        step_id = step.data.get("id")
        if facts is not None and facts.role is ActionRole.OIDC_MINTER and step_id is not None:
            found.add(str(step_id))
    return frozenset(found)


def secrets_of(refs: Iterable[CredentialRef]) -> frozenset[str]:
    return frozenset().union(*(r.secrets for r in refs))
