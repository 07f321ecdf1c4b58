"""The fake PyPI's state and HTTP server (a thread on 127.0.0.1, any free port)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from fake_pypi.provenance import provenance

INTEGRITY_TYPE = "application/vnd.pypi.integrity.v1+json"
_ROUTE_JSON = re.compile(r"^/pypi/([^/]+)/json/?$")
_ROUTE_PROVENANCE = re.compile(r"^/integrity/([^/]+)/([^/]+)/([^/]+)/provenance/?$")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class GitHubIdentity:
    repository: str
    workflow: str
    environment: str | None = None


@dataclass
class UploadedFile:
    filename: str
    version: str
    uploaded: dt.datetime
    content: bytes
    publisher: GitHubIdentity | None = None  # a trusted-publishing upload with attestations

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class Project:
    name: str
    files: list[UploadedFile] = field(default_factory=list)


class FakePyPI:
    def __init__(self) -> None:
        self.projects: dict[str, Project] = {}
        self.requests: list[str] = []
        self.fail_paths: dict[str, int] = {}  # path prefix -> status to answer with
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"pypi": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def upload(
        self,
        project: str,
        version: str,
        *,
        at: dt.datetime,
        publisher: GitHubIdentity | None = None,
        wheel: bool = True,
    ) -> list[UploadedFile]:
        """A release: an sdist (and a wheel), with provenance when `publisher` is given."""
        stem = normalize(project).replace("-", "_")
        names = [f"{stem}-{version}.tar.gz"] + (
            [f"{stem}-{version}-py3-none-any.whl"] if wheel else []
        )
        with self._lock:
            entry = self.projects.setdefault(normalize(project), Project(project))
            made = [
                UploadedFile(n, version, at + dt.timedelta(seconds=i), n.encode() * 3, publisher)
                for i, n in enumerate(names)
            ]
            entry.files += made
            return made

    def count(self, prefix: str) -> int:
        with self._lock:
            return sum(1 for path in self.requests if path.startswith(prefix))

    # ---- answers ----------------------------------------------------------------------------
    def answer(self, path: str, accept: str) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests.append(path)
            for prefix, status in self.fail_paths.items():
                if path.startswith(prefix):
                    return status, {"Content-Type": "text/html"}, b"<h1>Service Unavailable</h1>"
            match = _ROUTE_JSON.match(path)
            if match:
                return self._project_json(unquote(match.group(1)))
            match = _ROUTE_PROVENANCE.match(path)
            if match:
                if accept and not any(
                    a.strip().split(";")[0] in (INTEGRITY_TYPE, "application/json", "*/*")
                    for a in accept.split(",")
                ):
                    return 406, {"Content-Type": "text/plain"}, b"Not Acceptable"
                return self._provenance(*(unquote(g) for g in match.groups()))
        return _not_found()

    def _project_json(self, name: str) -> tuple[int, dict[str, str], bytes]:
        project = self.projects.get(normalize(name))
        if project is None or not project.files:
            return _not_found()
        releases: dict[str, list[dict[str, Any]]] = {}
        for f in sorted(project.files, key=lambda f: f.uploaded):
            releases.setdefault(f.version, []).append(self._file_json(f))
        latest = max(project.files, key=lambda f: f.uploaded).version
        body = {
            "info": {
                "name": project.name,
                "version": latest,
                "summary": f"The {project.name} project",
                "package_url": f"{self.url}/project/{project.name}/",
                "project_url": f"{self.url}/project/{project.name}/",
                "release_url": f"{self.url}/project/{project.name}/{latest}/",
                "requires_python": ">=3.9",
                "yanked": False,
                "yanked_reason": None,
                "bugtrack_url": None,
            },
            "last_serial": 1000 + len(project.files),
            "releases": releases,
            "urls": releases[latest],
            "vulnerabilities": [],
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def _file_json(self, f: UploadedFile) -> dict[str, Any]:
        md5 = hashlib.md5(f.content).hexdigest()
        blake = hashlib.blake2b(f.content, digest_size=32).hexdigest()
        wheel = f.filename.endswith(".whl")
        return {
            "comment_text": "",
            "digests": {"blake2b_256": blake, "md5": md5, "sha256": f.sha256},
            "downloads": -1,
            "filename": f.filename,
            "has_sig": False,
            "md5_digest": md5,
            "packagetype": "bdist_wheel" if wheel else "sdist",
            "python_version": "py3" if wheel else "source",
            "requires_python": ">=3.9",
            "size": len(f.content),
            "upload_time": f.uploaded.strftime("%Y-%m-%dT%H:%M:%S"),
            "upload_time_iso_8601": f.uploaded.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "url": f"{self.url}/packages/{blake[:2]}/{blake[2:4]}/{blake[4:]}/{f.filename}",
            "yanked": False,
            "yanked_reason": None,
        }

    def _provenance(
        self, name: str, version: str, filename: str
    ) -> tuple[int, dict[str, str], bytes]:
        project = self.projects.get(normalize(name))
        found = [
            f
            for f in (project.files if project else [])
            if f.filename == filename and f.version == version
        ]
        if not found or found[0].publisher is None:
            return _not_found()
        f = found[0]
        assert f.publisher is not None
        body = provenance(
            f.filename,
            f.sha256,
            f.publisher.repository,
            f.publisher.workflow,
            f.publisher.environment,
            f.uploaded,
        )
        return 200, {"Content-Type": INTEGRITY_TYPE}, json.dumps(body).encode()


def _not_found() -> tuple[int, dict[str, str], bytes]:
    return 404, {"Content-Type": "application/json"}, json.dumps({"message": "Not Found"}).encode()


class _Handler(BaseHTTPRequestHandler):
    pypi: FakePyPI

    def do_GET(self) -> None:
        status, headers, body = self.pypi.answer(
            urlsplit(self.path).path, self.headers.get("Accept", "")
        )
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request list is the log."""
