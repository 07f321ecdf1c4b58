"""Requests, responses, errors, routing on the raw path, and GitHub-style pagination."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urlencode

from fake_github.ratelimit import RateLimits
from fake_github.shapes import Json, Urls
from fake_github.state import Repo, World

T = TypeVar("T")
DOCS = "https://docs.github.com/rest"
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100


@dataclass
class Request:
    method: str
    path: str  # raw (still percent-encoded), without the base prefix and the query
    query: list[tuple[str, str]]
    body: Any
    headers: dict[str, str]

    def param(self, name: str, default: str | None = None) -> str | None:
        return next((value for key, value in self.query if key == name), default)


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # a non-JSON body (raw file downloads)


class ApiError(Exception):
    """An error answer in GitHub's shape: message, documentation_url, status and maybe errors."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[Json] | None = None,
        documentation_url: str = DOCS,
        headers: dict[str, str] | None = None,
        extra: Json | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.errors = errors
        self.documentation_url = documentation_url
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> Json:
        data: Json = {"message": self.message}
        if self.errors is not None:
            data["errors"] = self.errors
        data |= self.extra
        data["documentation_url"] = self.documentation_url
        data["status"] = str(self.status)
        return data

    def response(self) -> Response:
        return Response(self.status, self.body(), dict(self.headers))


def not_found(message: str = "Not Found", docs: str = DOCS) -> ApiError:
    return ApiError(404, message, documentation_url=docs)


def invalid(
    resource: str, field_name: str, code: str = "invalid", message: str | None = None
) -> ApiError:
    error: Json = {"resource": resource, "field": field_name, "code": code}
    if message is not None:
        error["message"] = message
    return ApiError(422, "Validation Failed", errors=[error])


def custom_invalid(resource: str, message: str, docs: str = DOCS) -> ApiError:
    error = {"resource": resource, "code": "custom", "message": message}
    return ApiError(422, "Validation Failed", errors=[error], documentation_url=docs)


@dataclass
class Context:
    world: World
    urls: Urls
    rate_limits: RateLimits

    def repo(self, params: dict[str, str], permission: str = "pull") -> Repo:
        """The repository named in the path; 301 for a renamed one; 403 without `permission`."""
        owner, name = params["owner"], params["repo"]
        repo = self.world.repo(owner, name)
        if repo is None:
            moved = self.world.renamed.get(f"{owner}/{name}".lower())
            if moved is not None:
                raise Moved(moved)
            raise not_found(docs="https://docs.github.com/rest/repos/repos#get-a-repository")
        if not repo.permissions.get(permission, False):
            if not repo.permissions.get("pull", False) and repo.private:
                raise not_found()
            raise ApiError(403, "Resource not accessible by personal access token")
        return repo


class Moved(ApiError):
    """301 to the id form of a renamed repository; the router fills in the rest of the path."""

    def __init__(self, repo: Repo) -> None:
        super().__init__(301, "Moved Permanently")
        self.repo = repo


Handler = Callable[[Context, Request, dict[str, str]], Response]


class Router:
    def __init__(self) -> None:
        self._routes: list[tuple[str, list[str], Handler]] = []

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._routes.append((method, pattern.strip("/").split("/"), handler))
            return handler

        return register

    @staticmethod
    def _match(pattern: list[str], segments: list[str]) -> dict[str, str] | None:
        params: dict[str, str] = {}
        for index, part in enumerate(pattern):
            if part.startswith("{") and part.endswith("+}"):
                rest = segments[index:]
                if not rest or rest == [""]:
                    return None
                params[part[1:-2]] = "/".join(unquote(s) for s in rest)
                return params
            if part.startswith("{") and part.endswith("*}"):
                params[part[1:-2]] = "/".join(unquote(s) for s in segments[index:])
                return params
            if index >= len(segments):
                return None
            if part.startswith("{"):
                if not segments[index]:
                    return None
                params[part[1:-1]] = unquote(segments[index])
            elif part != segments[index]:
                return None
        if len(segments) == len(pattern) + 1 and segments[-1] == "":
            return params  # a trailing slash
        return params if len(segments) == len(pattern) else None

    def dispatch(self, ctx: Context, request: Request) -> Response:
        segments = request.path[1:].split("/")
        try:
            segments = _canonical(ctx, segments)
            for method, pattern, handler in self._routes:
                if method != request.method:
                    continue
                params = self._match(pattern, segments)
                if params is not None:
                    return handler(ctx, request, params)
        except Moved as moved:
            rest = segments[3:]
            location = ctx.urls.api("/".join([f"/repositories/{moved.repo.id}", *rest]))
            query = urlencode(request.query)
            location += f"?{query}" if query else ""
            body = {"message": moved.message, "url": location, "documentation_url": DOCS}
            return Response(301, body, {"Location": location})
        except ApiError as error:
            return error.response()
        return not_found().response()


def _canonical(ctx: Context, segments: list[str]) -> list[str]:
    """Map the id forms GitHub emits (/repositories/1, /organizations/2, /user/3) to name forms."""
    if len(segments) >= 2 and segments[1].isdigit():
        number = int(segments[1])
        if segments[0] == "repositories":
            repo = ctx.world.repos_by_id.get(number)
            if repo is None:
                raise not_found()
            return ["repos", quote(repo.owner.login), quote(repo.name), *segments[2:]]
        if segments[0] in ("organizations", "user"):
            account = ctx.world.account_by_id(number)
            if account is None:
                raise not_found()
            head = "orgs" if segments[0] == "organizations" else "users"
            return [head, quote(account.login), *segments[2:]]
    return segments


def paginate(
    request: Request, items: Sequence[T], urls: Urls, link_path: str | None = None
) -> tuple[list[T], dict[str, str]]:
    """One page of `items` and the `Link` header GitHub would send, repeating every parameter."""
    try:
        per_page = min(max(int(request.param("per_page") or DEFAULT_PER_PAGE), 1), MAX_PER_PAGE)
    except ValueError:
        per_page = DEFAULT_PER_PAGE
    try:
        page = max(int(request.param("page") or 1), 1)
    except ValueError:
        page = 1
    last = max(math.ceil(len(items) / per_page), 1)
    chunk = list(items[(page - 1) * per_page : page * per_page])
    rels: list[tuple[str, int]] = []
    if page < last:
        rels += [("next", page + 1), ("last", last)]
    if page > 1:
        rels += [("first", 1), ("prev", min(page - 1, last))]
    if not rels:
        return chunk, {}
    path = link_path or request.path
    links = [
        f'<{urls.api(path)}?{_with_page(request.query, number)}>; rel="{rel}"'
        for rel, number in rels
    ]
    return chunk, {"Link": ", ".join(links)}


def _with_page(query: list[tuple[str, str]], page: int) -> str:
    pairs = [(k, str(page)) if k == "page" else (k, v) for k, v in query]
    if not any(k == "page" for k, _ in query):
        pairs.append(("page", str(page)))
    return urlencode(pairs)


ROUTES = Router()
route = ROUTES.route
