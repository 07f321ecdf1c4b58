"""The HTTP server: authentication, rate-limit headers, faults, dispatch and the request log."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# importing the route modules registers their routes
from fake_github import (
    graphql_route,
    routes_accounts,
    routes_actions,
    routes_contents,
    routes_git,
    routes_meta,
    routes_pulls,
    routes_status,
    search,
)
from fake_github.faults import PRIMARY_LIMIT_MESSAGE, RATE_LIMIT_DOCS, Faults
from fake_github.ratelimit import Clock, RateLimits
from fake_github.router import ROUTES, ApiError, Context, Request, Response
from fake_github.shapes import Urls
from fake_github.state import World

_ROUTE_MODULES = (
    graphql_route,
    routes_accounts,
    routes_actions,
    routes_contents,
    routes_git,
    routes_meta,
    routes_pulls,
    routes_status,
    search,
)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
UNAUTHENTICATED_PREFIXES = ("/_raw/", "/_web/")


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it. `applied` means a handler ran (state may have changed)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    status: int  # 0 when the connection was dropped without an answer
    is_write: bool
    body: Any
    fault: str | None
    applied: bool
    at: float = 0.0  # the fake clock when the request arrived (epoch seconds)

    @property
    def params(self) -> dict[str, str]:
        return dict(self.query)


def graphql_operation(body: Any) -> str:
    """ "query" or "mutation" for a GraphQL request body (the first operation's keyword)."""
    document = body.get("query") if isinstance(body, dict) else None
    if not isinstance(document, str):
        return "unknown"
    lines = [line for line in document.splitlines() if not line.lstrip().startswith("#")]
    text = " ".join(lines).lstrip()
    return "query" if text.startswith(("{", "query")) else text.split(" ", 1)[0].split("(")[0]


class RequestLog:
    """Everything the server received, in order. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RecordedRequest] = []

    def append(self, record: RecordedRequest) -> None:
        with self._lock:
            self._records.append(record)

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self.snapshot())

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def __getitem__(self, index: int) -> RecordedRequest:
        return self.snapshot()[index]

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    @property
    def writes(self) -> list[RecordedRequest]:
        return [r for r in self.snapshot() if r.is_write]

    def matching(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Requests with this method and/or exact path (no query)."""
        return [
            r
            for r in self.snapshot()
            if (method is None or r.method == method.upper()) and (path is None or r.path == path)
        ]

    def count(self, method: str | None = None, path: str | None = None) -> int:
        return len(self.matching(method, path))


@dataclass
class Outcome:
    status: int
    headers: dict[str, str]
    body: bytes
    drop: bool = False


def resource_of(path: str) -> str:
    if path.startswith("/search/code"):
        return "code_search"
    if path.startswith("/search/"):
        return "search"
    if path.startswith("/graphql"):
        return "graphql"
    return "core"


class FakeServer:
    """Owns the world, the clock, the rate limits, the fault plan and the HTTP listener."""

    def __init__(
        self, token: str, *, host: str = "127.0.0.1", port: int = 0, prefix: str = "", seed: int = 0
    ) -> None:
        self.token = token
        self.prefix = prefix.rstrip("/")
        self.clock = Clock()
        self.world = World(self.clock)
        self.rate_limits = RateLimits(self.clock)
        self.faults = Faults(self.rate_limits, seed)
        self.log = RequestLog()
        self._request_ids = itertools.count(1)
        self._httpd = ThreadingHTTPServer((host, port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fake = self  # type: ignore[attr-defined]
        bound_host, bound_port = self._httpd.server_address[:2]
        self.urls = Urls(f"http://{bound_host}:{bound_port}", self.prefix)
        self.context = Context(self.world, self.urls, self.rate_limits)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fake-github",
            daemon=True,
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # ---- the request pipeline -----------------------------------------------------------
    def process(
        self, method: str, target: str, headers: dict[str, str], raw_body: bytes
    ) -> Outcome:
        arrived = self.clock.now()
        split = urlsplit(target)
        path = split.path
        if self.prefix and path.startswith(self.prefix + "/"):
            path = path[len(self.prefix) :]
        elif self.prefix.endswith("/v3") and path == self.prefix[: -len("/v3")] + "/graphql":
            path = "/graphql"  # PyGithub: https://HOST/api/v3 -> https://HOST/api/graphql
        query = tuple(parse_qsl(split.query, keep_blank_values=True))
        request_id = f"FAKE:{next(self._request_ids):06d}"
        resource = resource_of(path)
        body: Any = None
        fault: str | None = None
        applied = False
        try:
            body = json.loads(raw_body) if raw_body.strip() else None
        except ValueError:
            response = ApiError(400, "Problems parsing JSON").response()
        else:
            response, fault, applied = self._answer(
                method, path, query, headers, body, resource, request_id
            )
        if fault == "lost_response:drop":
            self._record(method, split.path, query, 0, body, fault, applied, arrived)
            return Outcome(0, {}, b"", drop=True)
        out_headers = {"X-GitHub-Request-Id": request_id, **response.headers}
        if not path.startswith(UNAUTHENTICATED_PREFIXES):
            out_headers |= self.rate_limits.headers(resource)
        if response.raw is not None:
            payload = response.raw
        elif response.body is None:
            payload = b""
        else:
            payload = json.dumps(response.body, separators=(",", ":")).encode()
            out_headers.setdefault("Content-Type", "application/json; charset=utf-8")
        self._record(method, split.path, query, response.status, body, fault, applied, arrived)
        return Outcome(response.status, out_headers, payload)

    def _record(
        self,
        method: str,
        path: str,
        query: tuple[tuple[str, str], ...],
        status: int,
        body: Any,
        fault: str | None,
        applied: bool,
        at: float = 0.0,
    ) -> None:
        is_write = method not in READ_METHODS and not path.startswith(UNAUTHENTICATED_PREFIXES)
        if is_write and path.endswith("/graphql"):  # a query reads; a mutation writes
            is_write = graphql_operation(body) != "query"
        self.log.append(
            RecordedRequest(method, path, query, status, is_write, body, fault, applied, at)
        )

    def _answer(
        self,
        method: str,
        path: str,
        query: tuple[tuple[str, str], ...],
        headers: dict[str, str],
        body: Any,
        resource: str,
        request_id: str,
    ) -> tuple[Response, str | None, bool]:
        request = Request(method, path, list(query), body, headers)
        if path.startswith(UNAUTHENTICATED_PREFIXES):
            with self.world.lock:
                return ROUTES.dispatch(self.context, request), None, False
        denied = self._authenticate(headers.get("authorization"))
        if denied is not None:
            return denied, None, False
        # GraphQL charges each query its point cost itself, and answers a spent budget in GraphQL
        if (
            resource != "graphql"
            and path != "/rate_limit"
            and not self.rate_limits.try_spend(resource)
        ):
            return self._primary_limit(request_id), "primary_rate_limit", False
        delay = self.faults.pick("latency", method, path, body)
        if delay is not None:
            time.sleep(delay.seconds)
        injected = self.faults.pick("error", method, path, body)
        if injected is not None:
            message = (injected.message or "").format(request_id=request_id)
            error = ApiError(injected.status, message, headers=dict(injected.headers))
            if injected.documentation_url:
                error.documentation_url = injected.documentation_url
            return error.response(), f"error:{injected.status}", False
        with self.world.lock:
            response = ROUTES.dispatch(self.context, request)
        if response.status < 400:
            lost = self.faults.pick("lost_response", method, path, body)
            if lost is not None:
                if lost.mode == "drop":
                    return response, "lost_response:drop", True
                return (
                    ApiError(502, lost.message or "Bad Gateway").response(),
                    "lost_response:502",
                    True,
                )
        return response, None, True

    def _authenticate(self, authorization: str | None) -> Response | None:
        if not authorization:
            return ApiError(401, "Requires authentication").response()
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() not in ("token", "bearer") or credential.strip() != self.token:
            return ApiError(401, "Bad credentials").response()
        return None

    def _primary_limit(self, request_id: str) -> Response:
        viewer = self.world.viewer
        message = PRIMARY_LIMIT_MESSAGE.format(
            user_id=viewer.id if viewer else 1, request_id=request_id, timestamp=self.clock.iso()
        )
        status = self.faults.primary_limit_status
        return ApiError(status, message, documentation_url=RATE_LIMIT_DOCS).response()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; don't wait for ACKs
    server_version = "fake-github"
    sys_version = ""

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        fake: FakeServer = self.server.fake  # type: ignore[attr-defined]
        headers = {k.lower(): v for k, v in self.headers.items()}
        outcome = fake.process(self.command, self.path, headers, raw_body)
        if outcome.drop:
            self.close_connection = True
            return
        self.send_response(outcome.status)
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(outcome.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(outcome.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log; the request log has everything."""
