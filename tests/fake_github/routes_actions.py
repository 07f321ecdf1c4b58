"""Actions secrets (repository, environment, organisation), environments and workflows."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from fake_github import shapes, shapes_git, shapes_items
from fake_github.router import (
    ApiError,
    Context,
    Request,
    Response,
    invalid,
    not_found,
    paginate,
    route,
)
from fake_github.state import Account, Environment, Repo, Secret

SECRET_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SECRET_NAME_RULES = (
    "Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) "
    "or underscores (_). "
    "Spaces are not allowed. Must start with a letter ([a-z], [A-Z]) or underscores (_)."
)
ENV_DOCS = "https://docs.github.com/rest/deployments/environments"
WORKFLOW_NAME = re.compile(r"^name:\s*['\"]?(.*?)['\"]?\s*$", re.MULTILINE)


def _wrapped(
    ctx: Context, request: Request, key: str, items: list[Any], link_path: str
) -> Response:
    page, headers = paginate(request, items, ctx.urls, link_path)
    return Response(200, {"total_count": len(items), key: page}, headers)


def _put_secret(
    secrets: dict[str, Secret], ctx: Context, name: str, body: Any, key_id: str
) -> Secret:
    if not SECRET_NAME.match(name) or name.upper().startswith("GITHUB_"):
        raise ApiError(422, SECRET_NAME_RULES)
    if not isinstance(body, dict) or not isinstance(body.get("encrypted_value"), str):
        raise ApiError(422, 'Invalid request.\n\n"encrypted_value" wasn\'t supplied.')
    try:
        base64.b64decode(body["encrypted_value"], validate=True)
    except binascii.Error:
        raise ApiError(422, "Invalid request.\n\nencrypted_value is not valid Base64.") from None
    if body.get("key_id") != key_id:
        raise ApiError(422, "Invalid request.\n\nkey_id does not match the public key.")
    existing = secrets.get(name.upper())
    if existing is None:
        existing = secrets[name.upper()] = ctx.world.new_secret(name)
    else:
        existing.updated_at = ctx.world.now()
    existing.encrypted_value, existing.key_id = body["encrypted_value"], body["key_id"]
    return existing


def _written(created: bool) -> Response:
    """GitHub answers 201 with an empty object on create and 204 on update."""
    return Response(201, {}) if created else Response(204)


# ---- repository secrets -------------------------------------------------------------------
@route("GET", "/repos/{owner}/{repo}/actions/secrets")
def list_repo_secrets(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "admin")
    items = [shapes_items.secret(s) for s in sorted(repo.secrets.values(), key=lambda s: s.name)]
    return _wrapped(ctx, request, "secrets", items, f"/repositories/{repo.id}/actions/secrets")


@route("GET", "/repos/{owner}/{repo}/actions/secrets/public-key")
def repo_public_key(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    key_id, key = ctx.repo(params, "admin").public_key
    return Response(200, {"key_id": key_id, "key": key})


@route("GET", "/repos/{owner}/{repo}/actions/secrets/{name}")
def get_repo_secret(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    found = ctx.repo(params, "admin").secrets.get(params["name"].upper())
    if found is None:
        raise not_found()
    return Response(200, shapes_items.secret(found))


@route("PUT", "/repos/{owner}/{repo}/actions/secrets/{name}")
def put_repo_secret(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "admin")
    created = params["name"].upper() not in repo.secrets
    _put_secret(repo.secrets, ctx, params["name"], request.body, repo.public_key[0])
    return _written(created)


@route("DELETE", "/repos/{owner}/{repo}/actions/secrets/{name}")
def delete_repo_secret(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "admin")
    if repo.secrets.pop(params["name"].upper(), None) is None:
        raise not_found()
    return Response(204)


@route("GET", "/repos/{owner}/{repo}/actions/organization-secrets")
def list_visible_org_secrets(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "admin")
    items = [shapes_items.secret(s) for s in ctx.world.visible_org_secrets(repo)]
    return _wrapped(
        ctx, request, "secrets", items, f"/repositories/{repo.id}/actions/organization-secrets"
    )


# ---- organisation secrets -----------------------------------------------------------------
def _org_admin(ctx: Context, login: str) -> Account:
    org = ctx.world.account(login)
    if org is None or not org.is_org:
        raise not_found()
    if ctx.world.viewer_org_roles.get(org.login.lower()) != "admin":
        raise ApiError(403, "Resource not accessible by personal access token")
    return org


def _org_secrets(ctx: Context, org: Account) -> dict[str, Secret]:
    return ctx.world.org_secrets.setdefault(org.login.lower(), {})


@route("GET", "/orgs/{org}/actions/secrets")
def list_org_secrets(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    org = _org_admin(ctx, params["org"])
    secrets = sorted(_org_secrets(ctx, org).values(), key=lambda s: s.name)
    items = [shapes_items.org_secret(ctx.urls, org, s) for s in secrets]
    return _wrapped(ctx, request, "secrets", items, f"/organizations/{org.id}/actions/secrets")


@route("GET", "/orgs/{org}/actions/secrets/public-key")
def org_public_key(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    org = _org_admin(ctx, params["org"])
    key = hashlib.sha256(f"fake-github-org-key-{org.id}".encode()).digest()
    return Response(200, {"key_id": str(org.id), "key": base64.b64encode(key).decode()})


@route("GET", "/orgs/{org}/actions/secrets/{name}")
def get_org_secret(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    org = _org_admin(ctx, params["org"])
    found = _org_secrets(ctx, org).get(params["name"].upper())
    if found is None:
        raise not_found()
    return Response(200, shapes_items.org_secret(ctx.urls, org, found))


@route("GET", "/orgs/{org}/actions/secrets/{name}/repositories")
def org_secret_repos(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    org = _org_admin(ctx, params["org"])
    found = _org_secrets(ctx, org).get(params["name"].upper())
    if found is None or found.visibility != "selected":
        raise not_found()
    repos = [
        ctx.world.repos_by_id[i]
        for i in sorted(found.selected_repository_ids)
        if i in ctx.world.repos_by_id
    ]
    items = [shapes.repo_minimal(ctx.urls, r) for r in repos]
    return _wrapped(ctx, request, "repositories", items, request.path)


@route("PUT", "/orgs/{org}/actions/secrets/{name}")
def put_org_secret(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    org = _org_admin(ctx, params["org"])
    body = request.body if isinstance(request.body, dict) else {}
    visibility = body.get("visibility")
    if visibility not in ("all", "private", "selected"):
        raise invalid("Secret", "visibility")
    secrets = _org_secrets(ctx, org)
    created = params["name"].upper() not in secrets
    stored = _put_secret(secrets, ctx, params["name"], body, str(org.id))
    stored.visibility = visibility
    stored.selected_repository_ids = {int(i) for i in body.get("selected_repository_ids") or []}
    return _written(created)


@route("DELETE", "/orgs/{org}/actions/secrets/{name}")
def delete_org_secret(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    org = _org_admin(ctx, params["org"])
    if _org_secrets(ctx, org).pop(params["name"].upper(), None) is None:
        raise not_found()
    return Response(204)


# ---- environments -------------------------------------------------------------------------
@route("GET", "/repos/{owner}/{repo}/environments")
def list_environments(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    items = [
        shapes_items.environment(ctx.urls, ctx.world, repo, e) for e in repo.environments.values()
    ]
    return _wrapped(ctx, request, "environments", items, f"/repositories/{repo.id}/environments")


def _split(repo: Repo, rest: str) -> tuple[str, str]:
    """(environment name, tail) from the path after /environments/.

    PyGithub sends names percent-encoded but builds secret URLs from the `url` field, where GitHub
    shows names like "test/env" unencoded, so the longest existing environment name wins.
    """
    if rest.lower() in repo.environments:
        return rest, ""
    for tail in ("secrets/public-key", "secrets"):
        head = rest[: -len(tail) - 1]
        if rest.endswith("/" + tail) and head.lower() in repo.environments:
            return head, tail
    head, _, name = rest.rpartition("/")
    if head.endswith("/secrets") and head[: -len("/secrets")].lower() in repo.environments:
        return head[: -len("/secrets")], f"secrets/{name}"
    return rest, ""


def _environment(repo: Repo, name: str) -> Environment:
    env = repo.environments.get(name.lower())
    if env is None:
        raise not_found(docs=f"{ENV_DOCS}#get-an-environment")
    return env


def _env_key(repo: Repo, env: Environment) -> str:
    return str(568250167242549743 + repo.id * 1000 + env.id % 1000)


@route("GET", "/repos/{owner}/{repo}/environments/{rest+}")
def get_environment_path(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    name, tail = _split(repo, params["rest"])
    env = _environment(repo, name)
    if tail == "":
        return Response(200, shapes_items.environment(ctx.urls, ctx.world, repo, env))
    ctx.repo(params, "admin")
    if tail == "secrets/public-key":
        return Response(200, {"key_id": _env_key(repo, env), "key": repo.public_key[1]})
    if tail == "secrets":
        items = [shapes_items.secret(s) for s in sorted(env.secrets.values(), key=lambda s: s.name)]
        link = f"/repositories/{repo.id}/environments/{env.name}/secrets"
        return _wrapped(ctx, request, "secrets", items, link)
    found = env.secrets.get(tail.split("/", 1)[1].upper())
    if found is None:
        raise not_found()
    return Response(200, shapes_items.secret(found))


def _configure(ctx: Context, env: Environment, body: dict[str, Any]) -> None:
    if "wait_timer" in body:
        timer = body["wait_timer"]
        if not isinstance(timer, int) or not 0 <= timer <= 43200:
            raise invalid("Environment", "wait_timer")
        env.wait_timer = timer
    if "reviewers" in body:
        reviewers = body["reviewers"] or []
        if not isinstance(reviewers, list) or len(reviewers) > 6:
            raise invalid("Environment", "reviewers")
        pairs = []
        for item in reviewers:
            kind, number = (
                (item.get("type"), item.get("id")) if isinstance(item, dict) else (None, None)
            )
            found = (
                ctx.world.team_by_id(number)
                if kind == "Team"
                else ctx.world.account_by_id(number)
                if kind == "User" and isinstance(number, int)
                else None
            )
            if found is None:
                raise invalid("Environment", "reviewers")
            pairs.append((str(kind), int(str(number))))
        env.reviewers = pairs
    if "prevent_self_review" in body:
        env.prevent_self_review = bool(body["prevent_self_review"])
    if "can_admins_bypass" in body:
        env.can_admins_bypass = bool(body["can_admins_bypass"])
    if "deployment_branch_policy" in body:
        policy = body["deployment_branch_policy"]
        if policy is not None:
            flags = (policy.get("protected_branches"), policy.get("custom_branch_policies"))
            if not all(isinstance(f, bool) for f in flags) or flags[0] == flags[1]:
                raise invalid("Environment", "deployment_branch_policy")
            policy = {"protected_branches": flags[0], "custom_branch_policies": flags[1]}
        env.deployment_branch_policy = policy


@route("PUT", "/repos/{owner}/{repo}/environments/{rest+}")
def put_environment_path(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "admin")
    name, tail = _split(repo, params["rest"])
    body = request.body if isinstance(request.body, dict) else {}
    if tail == "":
        if not name or len(name) > 255:
            raise invalid("Environment", "name")
        env = repo.environments.get(name.lower()) or ctx.world.new_environment(name)
        _configure(ctx, env, body)
        env.updated_at = ctx.world.now()
        repo.environments[name.lower()] = env
        return Response(200, shapes_items.environment(ctx.urls, ctx.world, repo, env))
    env = _environment(repo, name)
    if not tail.startswith("secrets/") or tail == "secrets/public-key":
        raise not_found()
    secret_name = tail.split("/", 1)[1]
    created = secret_name.upper() not in env.secrets
    _put_secret(env.secrets, ctx, secret_name, body, _env_key(repo, env))
    return _written(created)


@route("DELETE", "/repos/{owner}/{repo}/environments/{rest+}")
def delete_environment_path(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "admin")
    name, tail = _split(repo, params["rest"])
    env = _environment(repo, name)
    if tail == "":
        del repo.environments[name.lower()]
    elif (
        tail.startswith("secrets/") and env.secrets.pop(tail.split("/", 1)[1].upper(), None) is None
    ):
        raise not_found()
    return Response(204)


# ---- workflows ----------------------------------------------------------------------------
def _workflows(ctx: Context, repo: Repo) -> list[dict[str, Any]]:
    """Workflow files on the default branch; ids stay stable for a path."""
    tree = repo.default_tree()
    entry = repo.store.lookup(tree, ".github/workflows") if tree else None
    if entry is None or entry.type != "tree":
        return []
    found = []
    for child in repo.store.tree(entry.sha).entries:
        if child.type != "blob" or not child.name.endswith((".yml", ".yaml")):
            continue
        path = f".github/workflows/{child.name}"
        workflow_id = repo.workflow_ids.setdefault(path, ctx.world.next_id())
        match = WORKFLOW_NAME.search(repo.store.blob(child.sha).data.decode(errors="replace"))
        name = match.group(1) if match else path
        found.append(shapes_git.workflow(ctx.urls, repo, workflow_id, path, name, repo.created_at))
    return found


@route("GET", "/repos/{owner}/{repo}/actions/workflows")
def list_workflows(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    return _wrapped(
        ctx,
        request,
        "workflows",
        _workflows(ctx, repo),
        f"/repositories/{repo.id}/actions/workflows",
    )


@route("GET", "/repos/{owner}/{repo}/actions/workflows/{workflow}")
def get_workflow(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    wanted = params["workflow"]
    for item in _workflows(ctx, repo):
        if str(item["id"]) == wanted or item["path"].rsplit("/", 1)[-1] == wanted:
            return Response(200, item)
    raise not_found()


# ---- workflow permissions -----------------------------------------------------------------
@route("GET", "/repos/{owner}/{repo}/actions/permissions/workflow")
def get_workflow_permissions(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    """The default GITHUB_TOKEN permissions (actions-get-default-workflow-permissions): both keys
    are always there; reading them takes admin access to the repository."""
    repo = ctx.repo(params, "admin")
    return Response(
        200,
        {
            "default_workflow_permissions": repo.default_workflow_permissions,
            "can_approve_pull_request_reviews": repo.can_approve_pull_request_reviews,
        },
    )
