"""Users, organisations, teams, repositories and their listings, and /rate_limit."""

from __future__ import annotations

from fake_github import shapes
from fake_github.router import ApiError, Context, Request, Response, not_found, paginate, route
from fake_github.state import Account, Repo

ORG_TYPES = {"all", "public", "private", "forks", "sources", "member"}
USER_TYPES = {"all", "owner", "member"}
SELF_TYPES = {"all", "owner", "public", "private", "member"}


def _account(ctx: Context, login: str, *, org: bool | None = None) -> Account:
    account = ctx.world.account(login)
    if account is None or (org is not None and account.is_org != org):
        raise not_found()
    return account


def _sorted(repos: list[Repo], request: Request, default_sort: str) -> list[Repo]:
    sort = request.param("sort") or default_sort
    keys = {
        "created": lambda r: (r.created_at, r.id),
        "updated": lambda r: (r.updated_at, r.id),
        "pushed": lambda r: (r.pushed_at, r.id),
        "full_name": lambda r: (r.full_name.lower(), r.id),
    }
    if sort not in keys:
        raise ApiError(
            422,
            "Validation Failed",
            errors=[{"resource": "Search", "field": "sort", "code": "invalid"}],
        )
    direction = request.param("direction") or ("asc" if sort == "full_name" else "desc")
    return sorted(repos, key=keys[sort], reverse=direction == "desc")


def _repo_list(
    ctx: Context, request: Request, repos: list[Repo], link_path: str | None
) -> Response:
    page, headers = paginate(request, repos, ctx.urls, link_path)
    return Response(200, [shapes.repo_summary(ctx.urls, ctx.world, r) for r in page], headers)


@route("GET", "/user")
def get_viewer(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    if ctx.world.viewer is None:
        raise not_found()
    return Response(200, shapes.user_full(ctx.urls, ctx.world, ctx.world.viewer, private=True))


@route("GET", "/users/{login}")
def get_user(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    account = _account(ctx, params["login"])
    return Response(200, shapes.user_full(ctx.urls, ctx.world, account))


@route("GET", "/orgs/{org}")
def get_org(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    org = _account(ctx, params["org"], org=True)
    return Response(200, shapes.org_full(ctx.urls, ctx.world, org))


@route("GET", "/orgs/{org}/teams/{slug}")
def get_team(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    org = _account(ctx, params["org"], org=True)
    found = ctx.world.teams.get((org.login.lower(), params["slug"].lower()))
    if found is None:
        raise not_found()
    return Response(200, shapes.team(ctx.urls, found))


@route("GET", "/orgs/{org}/repos")
def list_org_repos(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    org = _account(ctx, params["org"], org=True)
    kind = request.param("type") or "all"
    if kind not in ORG_TYPES:
        raise ApiError(
            422,
            "Validation Failed",
            errors=[{"resource": "Repository", "field": "type", "code": "invalid"}],
        )
    keep = {
        "all": lambda r: True,
        "member": lambda r: True,
        "public": lambda r: not r.private,
        "private": lambda r: r.private,
        "forks": lambda r: r.fork,
        "sources": lambda r: not r.fork,
    }[kind]
    repos = _sorted([r for r in ctx.world.repos_of(org) if keep(r)], request, "created")
    return _repo_list(ctx, request, repos, f"/organizations/{org.id}/repos")


@route("GET", "/users/{login}/repos")
def list_user_repos(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    account = _account(ctx, params["login"])
    kind = request.param("type") or "owner"
    if kind not in USER_TYPES:
        raise ApiError(
            422,
            "Validation Failed",
            errors=[{"resource": "Repository", "field": "type", "code": "invalid"}],
        )
    repos = [r for r in ctx.world.repos_of(account) if not r.private] if kind != "member" else []
    return _repo_list(
        ctx, request, _sorted(repos, request, "full_name"), f"/user/{account.id}/repos"
    )


@route("GET", "/user/repos")
def list_viewer_repos(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    viewer = ctx.world.viewer
    if viewer is None:
        raise not_found()
    kind = request.param("type")
    visibility = request.param("visibility") or "all"
    affiliation = request.param("affiliation") or "owner,collaborator,organization_member"
    if kind is not None and (request.param("visibility") or request.param("affiliation")):
        raise ApiError(
            422,
            "If you specify visibility or affiliation, you cannot specify type.",
            documentation_url="https://docs.github.com/rest/repos/repos#list-repositories-for-the-authenticated-user",
        )
    if kind is not None and kind not in SELF_TYPES:
        raise ApiError(
            422,
            "Validation Failed",
            errors=[{"resource": "Repository", "field": "type", "code": "invalid"}],
        )
    kind = kind or "all"
    affiliations = set(affiliation.split(","))
    repos = []
    for repo in ctx.world.repos.values():
        owned = repo.owner is viewer
        member = repo.owner.login.lower() in ctx.world.viewer_org_roles
        if kind == "owner" and not owned:
            continue
        if kind == "member" and owned:
            continue
        if kind in ("public", "private") and repo.visibility != kind:
            continue
        if visibility != "all" and repo.visibility != visibility:
            continue
        if not (
            (owned and "owner" in affiliations)
            or (member and "organization_member" in affiliations)
        ):
            continue
        repos.append(repo)
    return _repo_list(ctx, request, _sorted(repos, request, "full_name"), None)


@route("GET", "/repos/{owner}/{repo}")
def get_repo(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    return Response(200, shapes.repo_full(ctx.urls, ctx.world, repo))


@route("GET", "/rate_limit")
def get_rate_limit(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    return Response(200, ctx.rate_limits.as_json())
