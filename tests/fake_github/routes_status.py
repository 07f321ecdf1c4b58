"""What `trustpub status` reads besides the bot's routes: workflow runs, check runs, a pull
request's files and a path's commit history. Shapes follow GitHub's REST reference (workflow-run,
check-run, diff-entry and commit objects); only the fields a client reads are filled in beyond
the identifiers and URLs.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from fake_github import shapes, shapes_git
from fake_github.router import Context, Request, Response, invalid, not_found, paginate, route
from fake_github.routes_actions import _workflows
from fake_github.routes_pulls import _pull
from fake_github.state import Repo

RUNS_DOCS = "https://docs.github.com/rest/actions/workflow-runs"


@dataclass(eq=False)
class WorkflowRun:
    id: int
    run_number: int
    path: str  # .github/workflows/release.yml
    name: str
    event: str
    head_branch: str | None
    head_sha: str
    status: str  # "completed", "in_progress", "queued"
    conclusion: str | None  # "success", "failure", "cancelled", ...
    created_at: str
    run_started_at: str
    updated_at: str


@dataclass(eq=False)
class CheckRun:
    id: int
    name: str
    head_sha: str
    status: str  # "queued", "in_progress", "completed"
    conclusion: str | None
    started_at: str
    completed_at: str | None = None


@dataclass
class StatusData:
    """Per repository: its runs and check runs (kept beside `Repo`, which stays the bot's)."""

    runs: list[WorkflowRun] = field(default_factory=list)
    checks: list[CheckRun] = field(default_factory=list)


def data_of(repo: Repo) -> StatusData:
    found = getattr(repo, "status_data", None)
    if found is None:
        found = StatusData()
        repo.status_data = found  # type: ignore[attr-defined]
    return found


def _blob_sha(data: bytes) -> str:
    return hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def _created_filter(value: str) -> tuple[str, datetime] | None:
    """GitHub's `created` search syntax, the forms a client sends: >=DATE, <=DATE, >DATE, <DATE,
    DATE..DATE, or DATE; a date or a date-time."""
    for op in (">=", "<=", ">", "<"):
        if value.startswith(op):
            return op, _parse(_full(value[len(op) :]))
    return None


def _full(text: str) -> str:
    return text if "T" in text else text + "T00:00:00Z"


def _matches_created(run: WorkflowRun, created: str | None) -> bool:
    if not created:
        return True
    when = _parse(run.created_at)
    if ".." in created:
        start, end = created.split("..", 1)
        return (start == "*" or when >= _parse(_full(start))) and (
            end == "*" or when <= _parse(_full(end))
        )
    parsed = _created_filter(created)
    if parsed is None:
        day = _parse(_full(created))
        return when.date() == day.date()
    op, moment = parsed
    return {
        ">=": when >= moment,
        "<=": when <= moment,
        ">": when > moment,
        "<": when < moment,
    }[op]


def workflow_run_json(
    ctx: Context, repo: Repo, run: WorkflowRun, workflow_id: int
) -> dict[str, Any]:
    url = ctx.urls.repo(repo, f"/actions/runs/{run.id}")
    return {
        "id": run.id,
        "name": run.name,
        "node_id": shapes.node_id("WorkflowRun", run.id),
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": run.path,
        "display_title": run.name,
        "run_number": run.run_number,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": workflow_id,
        "check_suite_id": run.id + 5_000_000,
        "url": url,
        "html_url": ctx.urls.repo_web(repo, f"/actions/runs/{run.id}"),
        "pull_requests": [],
        "created_at": run.created_at,
        "updated_at": run.updated_at,
        "run_attempt": 1,
        "run_started_at": run.run_started_at,
        "jobs_url": f"{url}/jobs",
        "logs_url": f"{url}/logs",
        "check_suite_url": ctx.urls.repo(repo, f"/check-suites/{run.id + 5_000_000}"),
        "artifacts_url": f"{url}/artifacts",
        "cancel_url": f"{url}/cancel",
        "rerun_url": f"{url}/rerun",
        "workflow_url": ctx.urls.repo(repo, f"/actions/workflows/{workflow_id}"),
        "repository": shapes.repo_minimal(ctx.urls, repo),
        "head_repository": shapes.repo_minimal(ctx.urls, repo),
    }


def _workflow_path(ctx: Context, repo: Repo, wanted: str) -> tuple[str, int]:
    """A workflow named by id or file name, as GET …/actions/workflows/{workflow_id} takes it
    (a file on the default branch, or one that has runs)."""
    for item in _workflows(ctx, repo):
        if str(item["id"]) == wanted or item["path"].rsplit("/", 1)[-1] == wanted:
            return str(item["path"]), int(item["id"])
    for path, workflow_id in repo.workflow_ids.items():
        if str(workflow_id) == wanted or path.rsplit("/", 1)[-1] == wanted:
            return path, workflow_id
    raise not_found(docs=f"{RUNS_DOCS}#list-workflow-runs-for-a-workflow")


@route("GET", "/repos/{owner}/{repo}/actions/workflows/{workflow}/runs")
def list_workflow_runs(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    path, workflow_id = _workflow_path(ctx, repo, params["workflow"])
    status = request.param("status")
    branch, event = request.param("branch"), request.param("event")
    conclusions = {"success", "failure", "neutral", "cancelled", "skipped", "timed_out"}
    try:
        runs = [
            r
            for r in data_of(repo).runs
            if r.path == path
            and (branch is None or r.head_branch == branch)
            and (event is None or r.event == event)
            and (
                status is None
                or (r.status == status if status not in conclusions else r.conclusion == status)
            )
            and _matches_created(r, request.param("created"))
        ]
    except ValueError:
        raise invalid("WorkflowRun", "created") from None
    runs.sort(key=lambda r: (r.created_at, r.id), reverse=True)
    page, headers = paginate(request, runs, ctx.urls)
    body = {
        "total_count": len(runs),
        "workflow_runs": [workflow_run_json(ctx, repo, r, workflow_id) for r in page],
    }
    return Response(200, body, headers)


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs")
def list_check_runs(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    repo = ctx.repo(params)
    sha = repo.resolve(params["ref"])
    if sha is None:
        raise not_found("No commit found for SHA: " + params["ref"])
    runs = [c for c in data_of(repo).checks if c.head_sha == sha]
    page, headers = paginate(request, runs, ctx.urls)
    items = [
        {
            "id": c.id,
            "head_sha": c.head_sha,
            "node_id": shapes.node_id("CheckRun", c.id),
            "external_id": "",
            "url": ctx.urls.repo(repo, f"/check-runs/{c.id}"),
            "html_url": ctx.urls.repo_web(repo, f"/runs/{c.id}"),
            "details_url": ctx.urls.repo_web(repo, f"/runs/{c.id}"),
            "status": c.status,
            "conclusion": c.conclusion,
            "started_at": c.started_at,
            "completed_at": c.completed_at,
            "output": {"title": None, "summary": None, "text": None, "annotations_count": 0},
            "name": c.name,
            "check_suite": {"id": c.id + 7_000_000},
            "app": None,
            "pull_requests": [],
        }
        for c in page
    ]
    return Response(200, {"total_count": len(runs), "check_runs": items}, headers)


@route("GET", "/repos/{owner}/{repo}/pulls/{number}/files")
def list_pull_files(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    """The diff entries between the base the pull request started from and its head."""
    repo = ctx.repo(params)
    _, pull = _pull(ctx, repo, params["number"])
    store = repo.store
    head = pull.head_repo.branch_sha(pull.head_ref) or pull.head_sha
    head_commit = store.commit(head)
    base = head_commit.parents[0] if head_commit.parents else None
    old = store.files(store.commit(base).tree) if base else {}
    new = store.files(head_commit.tree)
    entries = []
    for path in sorted(p for p in set(old) | set(new) if old.get(p) != new.get(p)):
        before = old.get(path, b"").decode(errors="replace").splitlines()
        after = new.get(path, b"").decode(errors="replace").splitlines()
        patch = list(difflib.unified_diff(before, after, lineterm="", n=3))[2:]
        added = sum(1 for line in patch if line.startswith("+"))
        removed = sum(1 for line in patch if line.startswith("-"))
        status = "added" if path not in old else "removed" if path not in new else "modified"
        entries.append(
            {
                "sha": _blob_sha(new.get(path, b"")),
                "filename": path,
                "status": status,
                "additions": added,
                "deletions": removed,
                "changes": added + removed,
                "blob_url": ctx.urls.repo_web(repo, f"/blob/{head}/{path}"),
                "raw_url": ctx.urls.repo_web(repo, f"/raw/{head}/{path}"),
                "contents_url": ctx.urls.repo(repo, f"/contents/{path}?ref={head}"),
                "patch": "\n".join(patch),
            }
        )
    page, headers = paginate(request, entries, ctx.urls)
    return Response(200, page, headers)


@route("GET", "/repos/{owner}/{repo}/commits")
def list_commits(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    """Commits reachable from `sha` (default branch), newest first; `path` keeps those that
    changed the file against their first parent."""
    repo = ctx.repo(params)
    start = repo.resolve(request.param("sha") or repo.default_branch)
    if start is None:
        raise not_found()
    path = request.param("path")
    store, found, seen, pending = repo.store, [], set(), [start]
    while pending:
        sha = pending.pop(0)
        if sha in seen:
            continue
        seen.add(sha)
        commit = store.commit(sha)
        pending.extend(commit.parents)
        if path is not None:
            mine = store.files(commit.tree).get(path)
            parent = commit.parents[0] if commit.parents else None
            before = store.files(store.commit(parent).tree).get(path) if parent else None
            if mine == before:
                continue
        found.append((sha, commit))
    found.sort(key=lambda pair: pair[1].committer.date, reverse=True)
    page, headers = paginate(request, found, ctx.urls)
    body = [
        {
            "sha": sha,
            "node_id": shapes.node_id("Commit", int(sha[:8], 16)),
            "commit": {
                "author": shapes_git.signature(commit.author),
                "committer": shapes_git.signature(commit.committer),
                "message": commit.message,
                "tree": {
                    "sha": commit.tree,
                    "url": ctx.urls.repo(repo, f"/git/trees/{commit.tree}"),
                },
                "url": ctx.urls.repo(repo, f"/git/commits/{sha}"),
                "comment_count": 0,
            },
            "url": ctx.urls.repo(repo, f"/commits/{sha}"),
            "html_url": ctx.urls.repo_web(repo, f"/commit/{sha}"),
            "parents": [
                {"sha": p, "url": ctx.urls.repo(repo, f"/commits/{p}")} for p in commit.parents
            ],
        }
        for sha, commit in page
    ]
    return Response(200, body, headers)
