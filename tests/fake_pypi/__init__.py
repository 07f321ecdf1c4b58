"""A fake PyPI on 127.0.0.1: the JSON API (`/pypi/<project>/json`) and the Integrity API
(`/integrity/<project>/<version>/<file>/provenance`) in the shapes docs.pypi.org documents,
serving provenance objects built like PyPI's (a Sigstore-style certificate, a signed in-toto
statement, a transparency entry) for files a test marks as uploaded by a trusted publisher.

    pypi = FakePyPI()
    pypi.upload("pkg", "1.0", at=when, publisher=GitHubIdentity("acme/pkg", "release.yml", "pypi"))
    ... --pypi-url pypi.url ...
    pypi.requests  # every path asked for
"""

from __future__ import annotations

from fake_pypi.server import FakePyPI, GitHubIdentity, UploadedFile

__all__ = ["FakePyPI", "GitHubIdentity", "UploadedFile"]
