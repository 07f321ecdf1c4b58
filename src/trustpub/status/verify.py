"""Signature verification of provenance with PyPI's own `pypi-attestations` (the optional
extra `trustpub[verify]`): the base install reads provenance but does not check signatures."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from trustpub.status.facts import ReleaseFile

MISSING = "pypi-attestations is not installed: pip install 'trustpub[verify]'"


def verify_file(f: ReleaseFile, offline: bool = False) -> ReleaseFile:
    """The file with `verified` set: every attestation checked against its bundle's publisher
    and the file's name and sha256 (from PyPI's JSON API)."""
    if f.provenance is None or f.sha256 is None:
        return f
    try:
        from pypi_attestations import AttestationError, Distribution, Provenance
    except ImportError:
        return replace(f, verified=None, verify_detail=MISSING)
    try:
        provenance: Any = Provenance.model_validate(dict(f.provenance.raw))
        dist = Distribution(name=f.filename, digest=f.sha256)
        for bundle in provenance.attestation_bundles:
            for attestation in bundle.attestations:
                attestation.verify(bundle.publisher, dist, offline=offline)
    except (AttestationError, ValueError) as error:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return replace(f, verified=False, verify_detail=first)
    return replace(f, verified=True, verify_detail="")
