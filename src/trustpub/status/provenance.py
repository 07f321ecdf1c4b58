"""PEP 740 provenance as PyPI's Integrity API serves it, read into typed values.

Shape (docs.pypi.org/api/integrity, PEP 740): `{"version": 1, "attestation_bundles": [{"publisher":
{"kind": "GitHub", "repository": "owner/repo", "workflow": "release.yml", "environment": "",
"claims": null}, "attestations": [{"version": 1, "verification_material": {"certificate": <base64
DER>, "transparency_entries": [...]}, "envelope": {"statement": <base64 in-toto statement>,
"signature": <base64>}}]}]}`. Reading checks that shape and decodes each statement's subject (the
file name and sha256 it attests); signatures are checked only by `verify.py` (an optional extra).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PUBLISH_V1 = "https://docs.pypi.org/attestations/publish/v1"
SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1"


class ProvenanceError(ValueError):
    """The document is not a provenance object in PyPI's published shape."""


@dataclass(frozen=True)
class Publisher:
    """The trusted publisher identity PyPI verified for a bundle of attestations."""

    kind: str  # "GitHub", "GitLab", "Google", "ActiveState", ...
    repository: str | None = None
    workflow: str | None = None
    environment: str | None = None  # None when the publisher had none ("" on the wire)

    def describe(self) -> str:
        if self.kind != "GitHub":
            return f"a {self.kind} publisher"
        env = f", environment {self.environment}" if self.environment else ", no environment"
        return f"{self.repository} {self.workflow}{env}"


@dataclass(frozen=True)
class Statement:
    """The in-toto statement an attestation signs: which file, which digest, which kind."""

    subject_name: str
    sha256: str | None
    predicate_type: str


@dataclass(frozen=True)
class Attestation:
    statement: Statement
    certificate: bytes  # DER
    signature: bytes
    transparency_entries: int
    raw: Mapping[str, Any]  # as served, for signature verification


@dataclass(frozen=True)
class AttestationBundle:
    publisher: Publisher
    attestations: tuple[Attestation, ...]


@dataclass(frozen=True)
class Provenance:
    bundles: tuple[AttestationBundle, ...]
    raw: Mapping[str, Any]

    def publishers(self) -> tuple[Publisher, ...]:
        return tuple(dict.fromkeys(b.publisher for b in self.bundles))

    def attests(self, filename: str, sha256: str | None) -> bool:
        """Every attestation names this file (and its digest, when PyPI gave one)."""
        statements = [a.statement for b in self.bundles for a in b.attestations]
        return bool(statements) and all(
            s.subject_name == filename and (sha256 is None or s.sha256 == sha256)
            for s in statements
        )


def parse_provenance(data: Any) -> Provenance:
    """A provenance object from the Integrity API's JSON; ProvenanceError when it is not one."""
    body = _mapping(data, "the provenance")
    if body.get("version") != 1:
        raise ProvenanceError(f"unknown provenance version {body.get('version')!r} (expected 1)")
    bundles = _list(body.get("attestation_bundles"), "attestation_bundles")
    return Provenance(tuple(_bundle(b, i) for i, b in enumerate(bundles)), body)


def _bundle(data: Any, index: int) -> AttestationBundle:
    where = f"attestation_bundles[{index}]"
    body = _mapping(data, where)
    attestations = _list(body.get("attestations"), f"{where}.attestations")
    return AttestationBundle(
        _publisher(body.get("publisher"), f"{where}.publisher"),
        tuple(_attestation(a, f"{where}.attestations[{i}]") for i, a in enumerate(attestations)),
    )


def _publisher(data: Any, where: str) -> Publisher:
    body = _mapping(data, where)
    kind = body.get("kind")
    if not isinstance(kind, str) or not kind:
        raise ProvenanceError(f"{where}.kind is missing")
    if kind != "GitHub":
        return Publisher(kind)
    repository, workflow = body.get("repository"), body.get("workflow")
    if not isinstance(repository, str) or not isinstance(workflow, str):
        raise ProvenanceError(f"{where}: a GitHub publisher needs repository and workflow")
    environment = body.get("environment")
    if environment is not None and not isinstance(environment, str):
        raise ProvenanceError(f"{where}.environment is not a string")
    return Publisher(kind, repository, workflow, environment or None)


def _attestation(data: Any, where: str) -> Attestation:
    body = _mapping(data, where)
    if body.get("version") != 1:
        raise ProvenanceError(f"{where}: unknown attestation version {body.get('version')!r}")
    material = _mapping(body.get("verification_material"), f"{where}.verification_material")
    envelope = _mapping(body.get("envelope"), f"{where}.envelope")
    entries = _list(material.get("transparency_entries"), f"{where}.transparency_entries")
    statement = _b64(envelope.get("statement"), f"{where}.envelope.statement")
    return Attestation(
        _statement(statement, where),
        _b64(material.get("certificate"), f"{where}.verification_material.certificate"),
        _b64(envelope.get("signature"), f"{where}.envelope.signature"),
        len(entries),
        body,
    )


def _statement(raw: bytes, where: str) -> Statement:
    try:
        decoded = json.loads(raw)
    except ValueError:
        raise ProvenanceError(f"{where}: the statement is not JSON") from None
    body = _mapping(decoded, f"{where}: the statement")
    subjects = _list(body.get("subject"), f"{where}: the statement's subject")
    subject = _mapping(subjects[0], f"{where}: the statement's subject")
    digest = subject.get("digest")
    sha256 = digest.get("sha256") if isinstance(digest, dict) else None
    predicate = body.get("predicateType")
    if not isinstance(subject.get("name"), str) or not isinstance(predicate, str):
        raise ProvenanceError(f"{where}: the statement has no subject name or predicateType")
    return Statement(subject["name"], sha256 if isinstance(sha256, str) else None, predicate)


def _mapping(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ProvenanceError(f"{where} is not an object")
    return data


def _list(data: Any, where: str) -> list[Any]:
    if not isinstance(data, list) or not data:
        raise ProvenanceError(f"{where} is not a non-empty list")
    return data


def _b64(data: Any, where: str) -> bytes:
    if not isinstance(data, str) or not data:
        raise ProvenanceError(f"{where} is missing")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ProvenanceError(f"{where} is not base64") from None
