"""The typed provenance model against PyPI's published shape, and signature verification."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
from typing import Any

import pytest

from fake_pypi.provenance import provenance
from trustpub.status.facts import ReleaseFile
from trustpub.status.provenance import ProvenanceError, Publisher, parse_provenance
from trustpub.status.verify import verify_file

WHEN = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
SHA = "ab" * 32


def served(environment: str | None = "pypi") -> dict[str, Any]:
    return provenance("pkg-1.0.tar.gz", SHA, "acme/pkg", "release.yml", environment, WHEN)


def test_reads_the_publisher_and_the_attested_file() -> None:
    found = parse_provenance(served())
    assert found.publishers() == (Publisher("GitHub", "acme/pkg", "release.yml", "pypi"),)
    statement = found.bundles[0].attestations[0].statement
    assert (statement.subject_name, statement.sha256) == ("pkg-1.0.tar.gz", SHA)
    assert statement.predicate_type == "https://docs.pypi.org/attestations/publish/v1"
    assert found.attests("pkg-1.0.tar.gz", SHA)
    assert not found.attests("pkg-1.0.tar.gz", "cd" * 32)
    assert not found.attests("other-1.0.tar.gz", SHA)


def test_an_empty_environment_is_no_environment() -> None:
    """PyPI serves "" for a publisher registered without an environment."""
    publisher = parse_provenance(served(None)).publishers()[0]
    assert publisher.environment is None
    assert publisher.describe() == "acme/pkg release.yml, no environment"


def test_other_publisher_kinds_are_kept_by_kind() -> None:
    data = served()
    data["attestation_bundles"][0]["publisher"] = {"kind": "GitLab", "repository": "g/p"}
    assert parse_provenance(data).publishers() == (Publisher("GitLab"),)


def _broken(change: str) -> dict[str, Any]:
    data = copy.deepcopy(served())
    bundle = data["attestation_bundles"][0]
    attestation = bundle["attestations"][0]
    if change == "version":
        data["version"] = 2
    elif change == "no bundles":
        data["attestation_bundles"] = []
    elif change == "no workflow":
        del bundle["publisher"]["workflow"]
    elif change == "certificate":
        attestation["verification_material"]["certificate"] = "not base64!"
    elif change == "statement":
        attestation["envelope"]["statement"] = base64.b64encode(b"[1, 2]").decode()
    elif change == "no subject name":
        statement = {"subject": [{"digest": {"sha256": SHA}}], "predicateType": "x"}
        attestation["envelope"]["statement"] = base64.b64encode(json.dumps(statement).encode())
        attestation["envelope"]["statement"] = attestation["envelope"]["statement"].decode()
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("version", "unknown provenance version 2"),
        ("no bundles", "attestation_bundles is not a non-empty list"),
        ("no workflow", "a GitHub publisher needs repository and workflow"),
        ("certificate", "certificate is not base64"),
        ("statement", "the statement is not an object"),
        ("no subject name", "no subject name or predicateType"),
    ],
)
def test_what_is_not_in_the_published_shape_is_refused(change: str, message: str) -> None:
    with pytest.raises(ProvenanceError, match=message):
        parse_provenance(_broken(change))


def test_signatures_from_outside_sigstore_fail_verification() -> None:
    """pypi-attestations (trustpub[verify]) reads the fake's provenance as PyPI's, and refuses
    its signatures: no Sigstore trust root knows the test key."""
    pytest.importorskip("pypi_attestations", reason="the verify extra is not installed")
    f = ReleaseFile("1.0", "pkg-1.0.tar.gz", WHEN, SHA, parse_provenance(served()), True)
    checked = verify_file(f, offline=True)
    assert checked.verified is False
    assert "Verification failed" in checked.verify_detail or checked.verify_detail


def test_without_the_extra_verification_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pypi_attestations", None)
    f = ReleaseFile("1.0", "pkg-1.0.tar.gz", WHEN, SHA, parse_provenance(served()), True)
    checked = verify_file(f)
    assert checked.verified is None
    assert "pip install 'trustpub[verify]'" in checked.verify_detail
