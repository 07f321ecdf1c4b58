"""Provenance objects in PyPI's shape, built the way PyPI's are: a short-lived X.509 certificate
carrying the GitHub Actions identity in Fulcio's extensions, a DSSE-signed in-toto statement
naming the file and its sha256, and one transparency-log entry. The key is a throwaway one made
for the test run (no Sigstore trust root knows it, so real verification must fail)."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

PUBLISH_V1 = "https://docs.pypi.org/attestations/publish/v1"
ISSUER = "https://token.actions.githubusercontent.com"
# Fulcio's OID arc (sigstore/fulcio docs/oid-info.md): the claims certificates carry.
_FULCIO = "1.3.6.1.4.1.57264.1."
_BUILD_SIGNER_URI, _BUILD_CONFIG_URI = "9", "18"
_ISSUER_V2, _SOURCE_REPOSITORY_URI, _SOURCE_REPOSITORY_REF = "8", "12", "14"


@functools.cache
def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _der_utf8(text: str) -> bytes:
    raw = text.encode()
    if len(raw) < 128:
        return b"\x0c" + bytes([len(raw)]) + raw
    size = len(raw).to_bytes(2, "big")
    return b"\x0c\x82" + size + raw


def certificate(repository: str, workflow: str, ref: str, when: dt.datetime) -> bytes:
    """A leaf certificate for a GitHub Actions identity, valid ten minutes from `when`."""
    uri = f"https://github.com/{repository}/.github/workflows/{workflow}@{ref}"
    claims = {
        _ISSUER_V2: ISSUER,
        _BUILD_SIGNER_URI: uri,
        _SOURCE_REPOSITORY_URI: f"https://github.com/{repository}",
        _SOURCE_REPOSITORY_REF: ref,
        _BUILD_CONFIG_URI: uri,
    }
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sigstore.dev"),
                    x509.NameAttribute(NameOID.COMMON_NAME, "sigstore-intermediate"),
                ]
            )
        )
        .public_key(_key().public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(when)
        .not_valid_after(when + dt.timedelta(minutes=10))
        .add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(uri)]), critical=True
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CODE_SIGNING]), critical=False
        )
    )
    for suffix, value in claims.items():
        oid = x509.ObjectIdentifier(_FULCIO + suffix)
        builder = builder.add_extension(x509.UnrecognizedExtension(oid, _der_utf8(value)), False)
    cert = builder.sign(_key(), hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.DER)


def _pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding: what the signature covers."""
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def attestation(filename: str, sha256: str, cert: bytes, when: dt.datetime) -> dict[str, Any]:
    statement = json.dumps(
        {
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": filename, "digest": {"sha256": sha256}}],
            "predicateType": PUBLISH_V1,
            "predicate": None,
        },
        separators=(",", ":"),
    ).encode()
    signature = _key().sign(
        _pae("application/vnd.in-toto+json", statement), ec.ECDSA(hashes.SHA256())
    )
    envelope_hash = hashlib.sha256(statement + signature).hexdigest()
    body = {
        "apiVersion": "0.0.1",
        "kind": "dsse",
        "spec": {
            "envelopeHash": {"algorithm": "sha256", "value": envelope_hash},
            "payloadHash": {"algorithm": "sha256", "value": hashlib.sha256(statement).hexdigest()},
        },
    }
    index = int(when.timestamp()) % 100_000_000
    entry = {
        "logIndex": str(index),
        "logId": {"keyId": base64.b64encode(hashlib.sha256(b"fake-rekor").digest()).decode()},
        "kindVersion": {"kind": "dsse", "version": "0.0.1"},
        "integratedTime": str(int(when.timestamp())),
        "inclusionPromise": {"signedEntryTimestamp": base64.b64encode(signature).decode()},
        "inclusionProof": {
            "logIndex": str(index),
            "rootHash": base64.b64encode(hashlib.sha256(statement).digest()).decode(),
            "treeSize": str(index + 1),
            "hashes": [base64.b64encode(hashlib.sha256(signature).digest()).decode()],
            "checkpoint": {"envelope": f"rekor.sigstore.dev - 1\n{index + 1}\n\n"},
        },
        "canonicalizedBody": base64.b64encode(json.dumps(body).encode()).decode(),
    }
    return {
        "version": 1,
        "verification_material": {
            "certificate": base64.b64encode(cert).decode(),
            "transparency_entries": [entry],
        },
        "envelope": {
            "statement": base64.b64encode(statement).decode(),
            "signature": base64.b64encode(signature).decode(),
        },
    }


def provenance(
    filename: str,
    sha256: str,
    repository: str,
    workflow: str,
    environment: str | None,
    when: dt.datetime,
    ref: str = "refs/tags/v1",
) -> dict[str, Any]:
    cert = certificate(repository, workflow, ref, when)
    return {
        "version": 1,
        "attestation_bundles": [
            {
                "publisher": {
                    "kind": "GitHub",
                    "repository": repository,
                    "workflow": workflow,
                    "environment": environment or "",
                    "claims": None,
                },
                "attestations": [attestation(filename, sha256, cert, when)],
            }
        ],
    }
