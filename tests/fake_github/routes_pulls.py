"""Pull requests, issues, issue labels, repository labels and requested reviewers."""

from __future__ import annotations

import difflib
import re
from typing import Any
from urllib.parse import quote

from fake_github import shapes, shapes_items
from fake_github.router import (
    Context,
    Request,
    Response,
    custom_invalid,
    invalid,
    not_found,
    paginate,
    route,
)
from fake_github.state import Issue, PullInfo, Repo, World

PULLS_DOCS = "https://docs.github.com/rest/pulls/pulls"
COLOR = re.compile(r"^[0-9a-fA-F]{6}$")


def _pull(ctx: Context, repo: Repo, number: str) -> tuple[Issue, PullInfo]:
    issue = repo.issues.get(int(number)) if number.isdigit() else None
    if issue is None or issue.pull is None:
        raise not_found(docs=f"{PULLS_DOCS}#get-a-pull-request")
    return issue, issue.pull


def _issue(repo: Repo, number: str) -> Issue:
    issue = repo.issues.get(int(number)) if number.isdigit() else None
    if issue is None:
        raise not_found(docs="https://docs.github.com/rest/issues/issues#get-an-issue")
    return issue


def _diff_stats(world: World, repo: Repo, pull: PullInfo) -> dict[str, int]:
    """commits/additions/deletions/changed_files between the base branch and the head."""
    store = repo.store
    head = pull.head_repo.branch_sha(pull.head_ref) or pull.head_sha
    base = repo.branch_sha(pull.base_ref)
    commits, pending, seen = 0, [head], set()
    while pending:
        sha = pending.pop()
        if sha in seen or (base and store.is_ancestor(sha, base)):
            continue
        seen.add(sha)
        commits += 1
        pending.extend(store.commit(sha).parents)
    old = store.files(store.commit(base).tree) if base else {}
    new = store.files(store.commit(head).tree)
    changed = [p for p in set(old) | set(new) if old.get(p) != new.get(p)]
    added = deleted = 0
    for path in changed:
        before = old.get(path, b"").decode(errors="replace").splitlines()
        after = new.get(path, b"").decode(errors="replace").splitlines()
        for line in difflib.ndiff(before, after):
            added += line.startswith("+ ")
            deleted += line.startswith("- ")
    return {
        "commits": commits,
        "additions": added,
        "deletions": deleted,
        "changed_files": len(changed),
    }


def pull_full(ctx: Context, repo: Repo, issue: Issue, pull: PullInfo) -> dict[str, Any]:
    data = shapes_items.pull_simple(ctx.urls, ctx.world, repo, issue, pull)
    is_open = issue.state == "open"
    data |= {
        "merged": pull.merged,
        "mergeable": True if is_open else None,
        "rebaseable": True if is_open else None,
        "mergeable_state": "clean" if is_open else "unknown",
        "merged_by": shapes.simple_user(ctx.urls, pull.merged_by) if pull.merged_by else None,
        "comments": 0,
        "review_comments": 0,
        "maintainer_can_modify": pull.maintainer_can_modify,
        **_diff_stats(ctx.world, repo, pull),
    }
    return data


def _head_repo(ctx: Context, repo: Repo, owner: str, head_repo_name: Any) -> Repo:
    """The repository an `owner:branch` head lives in: the base repo or the owner's fork of it."""
    if owner.lower() == repo.owner.login.lower():
        return repo
    network = repo.source or repo
    for candidate in ctx.world.repos.values():
        if (
            candidate.owner.login.lower() != owner.lower()
            or (candidate.source or candidate) is not network
        ):
            continue
        if head_repo_name is None or candidate.name.lower() == str(head_repo_name).lower():
            return candidate
    raise invalid("PullRequest", "head")


@route("POST", "/repos/{owner}/{repo}/pulls")
def create_pull(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "push")
    body = request.body if isinstance(request.body, dict) else {}
    head, base = body.get("head"), body.get("base")
    if not isinstance(head, str) or not head:
        raise invalid("PullRequest", "head", "missing_field")
    if not isinstance(base, str) or not base:
        raise invalid("PullRequest", "base", "missing_field")
    if not isinstance(body.get("title"), str) and body.get("issue") is None:
        raise invalid("PullRequest", "title", "missing_field")
    issue = open_pull(
        ctx,
        repo,
        head,
        base,
        str(body.get("title", "")),
        body.get("body"),
        bool(body.get("draft", False)),
        bool(body.get("maintainer_can_modify", False)),
        body.get("head_repo"),
    )
    assert issue.pull is not None
    data = pull_full(ctx, repo, issue, issue.pull)
    return Response(201, data, {"Location": data["url"]})


def open_pull(
    ctx: Context,
    repo: Repo,
    head: str,
    base: str,
    title: str,
    body: str | None,
    draft: bool,
    maintainer_can_modify: bool,
    head_repo_name: Any = None,
) -> Issue:
    """A new pull request from `head` (`branch` or `owner:branch`) to `base`: REST and GraphQL
    both open them here, with the same checks."""
    owner, _, branch = head.rpartition(":")
    head_repo = _head_repo(ctx, repo, owner or repo.owner.login, head_repo_name)
    head_sha, base_sha = head_repo.branch_sha(branch), repo.branch_sha(base)
    if head_sha is None:
        raise invalid("PullRequest", "head")
    if base_sha is None:
        raise invalid("PullRequest", "base")
    label = f"{head_repo.owner.login}:{branch}"
    for other in repo.issues.values():
        pull = other.pull
        if (
            other.state == "open"
            and pull
            and (pull.head_repo, pull.head_ref, pull.base_ref) == (head_repo, branch, base)
        ):
            raise custom_invalid(
                "PullRequest",
                f"A pull request already exists for {label}.",
                f"{PULLS_DOCS}#create-a-pull-request",
            )
    if repo.store.is_ancestor(head_sha, base_sha):
        raise custom_invalid(
            "PullRequest",
            f"No commits between {base} and {head}",
            f"{PULLS_DOCS}#create-a-pull-request",
        )
    user = ctx.world.viewer or repo.owner
    issue = ctx.world.add_issue(repo, title, body, user)
    issue.pull = PullInfo(
        ctx.world.next_id(),
        head_repo,
        branch,
        base,
        head_sha,
        draft=draft,
        maintainer_can_modify=maintainer_can_modify,
    )
    return issue


@route("GET", "/repos/{owner}/{repo}/pulls")
def list_pulls(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    state = request.param("state") or "open"
    head, base = request.param("head"), request.param("base")
    found = []
    for issue in repo.issues.values():
        pull = issue.pull
        if pull is None or (state != "all" and issue.state != state):
            continue
        # a bare branch name (no "owner:") is ignored by GitHub, so every pull request matches
        if (
            head
            and ":" in head
            and f"{pull.head_repo.owner.login}:{pull.head_ref}".lower() != head.lower()
        ):
            continue
        if base and pull.base_ref != base:
            continue
        found.append(issue)
    sort = request.param("sort") or "created"
    direction = request.param("direction") or ("desc" if sort == "created" else "asc")
    key = (
        (lambda i: (i.updated_at, i.number))
        if sort in ("updated", "long-running")
        else (lambda i: i.number)
    )
    found.sort(key=key, reverse=direction == "desc")
    page, headers = paginate(request, found, ctx.urls, f"/repositories/{repo.id}/pulls")
    body = [shapes_items.pull_simple(ctx.urls, ctx.world, repo, i, i.pull) for i in page if i.pull]
    return Response(200, body, headers)


@route("GET", "/repos/{owner}/{repo}/pulls/{number}")
def get_pull(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    issue, pull = _pull(ctx, repo, params["number"])
    return Response(200, pull_full(ctx, repo, issue, pull))


@route("PATCH", "/repos/{owner}/{repo}/pulls/{number}")
def edit_pull(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "push")
    issue, pull = _pull(ctx, repo, params["number"])
    body = request.body if isinstance(request.body, dict) else {}
    state = body.get("state")
    if state not in (None, "open", "closed"):
        raise invalid("PullRequest", "state")
    if "base" in body and repo.branch_sha(str(body["base"])) is None:
        raise invalid("PullRequest", "base")
    if state == "open" and issue.state == "closed":
        if pull.merged:
            raise custom_invalid("PullRequest", "Cannot reopen a merged pull request.")
        if pull.head_repo.branch_sha(pull.head_ref) is None:
            raise custom_invalid(
                "PullRequest", "state cannot be changed. The head branch was deleted."
            )
    if "title" in body:
        issue.title = str(body["title"])
    if "body" in body:
        issue.body = body["body"]
    if "base" in body:
        pull.base_ref = str(body["base"])
    if "maintainer_can_modify" in body:
        pull.maintainer_can_modify = bool(body["maintainer_can_modify"])
    if state is not None and state != issue.state:
        issue.state, issue.closed_at = state, (ctx.world.now() if state == "closed" else None)
    issue.updated_at = ctx.world.now()
    return Response(200, pull_full(ctx, repo, issue, pull))


@route("POST", "/repos/{owner}/{repo}/pulls/{number}/requested_reviewers")
def request_reviewers(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "push")
    issue, pull = _pull(ctx, repo, params["number"])
    body = request.body if isinstance(request.body, dict) else {}
    users = [ctx.world.account(str(login)) for login in body.get("reviewers") or []]
    teams = [
        ctx.world.teams.get((repo.owner.login.lower(), str(s).lower()))
        for s in body.get("team_reviewers") or []
    ]
    if any(u is None or u.is_org for u in users) or any(t is None for t in teams):
        raise custom_invalid(
            "PullRequest",
            "Reviews may only be requested from collaborators. "
            "One or more of the users or teams you "
            f"specified is not a collaborator of the {repo.full_name} repository.",
        )
    if any(u is issue.user for u in users):
        raise custom_invalid("PullRequest", "Review cannot be requested from pull request author.")
    pull.requested_reviewers += [
        u for u in users if u is not None and u not in pull.requested_reviewers
    ]
    pull.requested_teams += [t for t in teams if t is not None and t not in pull.requested_teams]
    return Response(201, shapes_items.pull_simple(ctx.urls, ctx.world, repo, issue, pull))


@route("GET", "/repos/{owner}/{repo}/pulls/{number}/requested_reviewers")
def list_requested_reviewers(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    _, pull = _pull(ctx, repo, params["number"])
    users = [shapes.simple_user(ctx.urls, u) for u in pull.requested_reviewers]
    return Response(
        200, {"users": users, "teams": [shapes.team(ctx.urls, t) for t in pull.requested_teams]}
    )


# ---- issues and labels --------------------------------------------------------------------
@route("GET", "/repos/{owner}/{repo}/issues")
def list_issues(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    state = request.param("state") or "open"
    wanted = {n.lower() for n in (request.param("labels") or "").split(",") if n}
    found = [
        i
        for i in sorted(
            repo.issues.values(),
            key=lambda i: i.number,
            reverse=request.param("direction") != "asc",
        )
        if (state == "all" or i.state == state) and wanted <= {n.lower() for n in i.labels}
    ]
    page, headers = paginate(request, found, ctx.urls, f"/repositories/{repo.id}/issues")
    return Response(200, [shapes_items.issue(ctx.urls, repo, i) for i in page], headers)


@route("GET", "/repos/{owner}/{repo}/issues/{number}")
def get_issue(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    return Response(200, shapes_items.issue(ctx.urls, repo, _issue(repo, params["number"])))


def _label_names(body: Any) -> list[str]:
    """PyGithub sends a bare JSON array; the documented form is {"labels": [...]}."""
    items = body.get("labels") if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise invalid("Label", "labels")
    return [str(i["name"]) if isinstance(i, dict) else str(i) for i in items]


def _issue_labels(ctx: Context, repo: Repo, issue: Issue, status: int = 200) -> Response:
    return Response(status, shapes_items.issue_labels(ctx.urls, repo, issue))


@route("GET", "/repos/{owner}/{repo}/issues/{number}/labels")
def list_issue_labels(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    return _issue_labels(ctx, repo, _issue(repo, params["number"]))


@route("POST", "/repos/{owner}/{repo}/issues/{number}/labels")
def add_issue_labels(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "triage")
    issue = _issue(repo, params["number"])
    for name in _label_names(request.body):
        stored = ctx.world.ensure_label(repo, name)
        if stored.name.lower() not in {n.lower() for n in issue.labels}:
            issue.labels.append(stored.name)
    return _issue_labels(ctx, repo, issue)


@route("PUT", "/repos/{owner}/{repo}/issues/{number}/labels")
def set_issue_labels(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "triage")
    issue = _issue(repo, params["number"])
    names = [ctx.world.ensure_label(repo, n).name for n in _label_names(request.body)]
    issue.labels = list(dict.fromkeys(names))
    return _issue_labels(ctx, repo, issue)


@route("DELETE", "/repos/{owner}/{repo}/issues/{number}/labels")
def clear_issue_labels(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "triage")
    _issue(repo, params["number"]).labels = []
    return Response(204)


@route("DELETE", "/repos/{owner}/{repo}/issues/{number}/labels/{name}")
def remove_issue_label(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "triage")
    issue = _issue(repo, params["number"])
    kept = [n for n in issue.labels if n.lower() != params["name"].lower()]
    if len(kept) == len(issue.labels):
        raise not_found(
            "Label does not exist",
            "https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue",
        )
    issue.labels = kept
    return _issue_labels(ctx, repo, issue)


@route("GET", "/repos/{owner}/{repo}/labels")
def list_labels(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    page, headers = paginate(
        request, list(repo.labels.values()), ctx.urls, f"/repositories/{repo.id}/labels"
    )
    return Response(200, [shapes_items.label(ctx.urls, repo, lab) for lab in page], headers)


@route("GET", "/repos/{owner}/{repo}/labels/{name}")
def get_label(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    found = repo.labels.get(params["name"].lower())
    if found is None:
        raise not_found(docs="https://docs.github.com/rest/issues/labels#get-a-label")
    return Response(200, shapes_items.label(ctx.urls, repo, found))


@route("POST", "/repos/{owner}/{repo}/labels")
def create_label(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params, "push")
    body = request.body if isinstance(request.body, dict) else {}
    name, color = body.get("name"), str(body.get("color", "ededed")).lstrip("#")
    if not isinstance(name, str) or not name:
        raise invalid("Label", "name", "missing_field")
    if name.lower() in repo.labels:
        raise invalid("Label", "name", "already_exists")
    if not COLOR.match(color):
        raise invalid("Label", "color")
    created = ctx.world.ensure_label(repo, name)
    created.color, created.description = color.lower(), body.get("description")
    data = shapes_items.label(ctx.urls, repo, created)
    return Response(201, data, {"Location": ctx.urls.repo(repo, f"/labels/{quote(name, safe='')}")})
