"""A thin reader of PyPI's JSON API and Integrity API (the standard library's HTTP client: two
GET routes do not justify a dependency). Works against any index that serves the same routes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from trustpub import __version__
from trustpub.status.facts import IndexFacts, ReleaseFile
from trustpub.status.provenance import ProvenanceError, parse_provenance

USER_AGENT = f"trustpub/{__version__} (+https://github.com/trustpub/trustpub)"
INTEGRITY_ACCEPT = "application/vnd.pypi.integrity.v1+json"
# Files whose provenance is asked for per project: the newest uploads since the migration.
MAX_PROVENANCE_LOOKUPS = 6


class IndexUnreachable(Exception):
    """The index did not answer usably (one line, for the report)."""


@dataclass
class PyPIReader:
    """One index (PyPI, TestPyPI, or a server that serves their routes)."""

    base_url: str
    timeout: float = 20.0
    requests: int = 0  # made so far, for the request counts

    def project(
        self,
        index: str,
        project: str,
        since: datetime | None,
        verify: Callable[[ReleaseFile], ReleaseFile] | None = None,
    ) -> IndexFacts:
        """The project's files uploaded since `since` (newest first) with their provenance."""
        try:
            data = self._get(f"/pypi/{quote(project, safe='')}/json", "application/json")
        except IndexUnreachable as error:
            return IndexFacts(index, project, None, error=str(error))
        if data is None:
            return IndexFacts(index, project, False)
        try:
            files = _files(data)
        except (KeyError, TypeError, ValueError):
            shape = f"{self.base_url}/pypi/{project}/json is not in PyPI's JSON API shape"
            return IndexFacts(index, project, None, error=shape)
        releases = len(data.get("releases") or {})
        recent = [f for f in files if since is None or f.uploaded >= since]
        looked = [self._with_provenance(project, f) for f in recent[:MAX_PROVENANCE_LOOKUPS]]
        if verify is not None:
            looked = [verify(f) if f.provenance is not None else f for f in looked]
        return IndexFacts(index, project, True, tuple(looked), releases=releases)

    def _with_provenance(self, project: str, f: ReleaseFile) -> ReleaseFile:
        path = "/integrity/{}/{}/{}/provenance".format(
            *(quote(part, safe="") for part in (project, f.version, f.filename))
        )
        try:
            data = self._get(path, INTEGRITY_ACCEPT)
        except IndexUnreachable as error:
            return _replace(f, looked_up=True, problem=str(error))
        if data is None:
            return _replace(f, looked_up=True)
        try:
            provenance = parse_provenance(data)
        except ProvenanceError as error:
            return _replace(f, looked_up=True, problem=f"provenance of {f.filename}: {error}")
        if not provenance.attests(f.filename, f.sha256):
            problem = f"the provenance of {f.filename} attests another file or digest"
            return _replace(f, looked_up=True, problem=problem)
        return _replace(f, looked_up=True, provenance=provenance)

    def _get(self, path: str, accept: str) -> Any:
        """The JSON body; None for 404."""
        url = self.base_url.rstrip("/") + path
        request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": USER_AGENT})
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise IndexUnreachable(f"{url} answered {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise IndexUnreachable(f"{url} could not be reached ({reason})") from None
        except ValueError:
            raise IndexUnreachable(f"{url} did not answer with JSON") from None


def _files(data: dict[str, Any]) -> list[ReleaseFile]:
    files = []
    for version, items in (data.get("releases") or {}).items():
        for item in items:
            files.append(
                ReleaseFile(
                    str(version),
                    str(item["filename"]),
                    _time(item),
                    (item.get("digests") or {}).get("sha256"),
                )
            )
    return sorted(files, key=lambda f: f.uploaded, reverse=True)


def _time(item: dict[str, Any]) -> datetime:
    text = item.get("upload_time_iso_8601") or item["upload_time"]
    when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _replace(f: ReleaseFile, **changes: Any) -> ReleaseFile:
    from dataclasses import replace

    return replace(f, **changes)
