"""JSON shapes of what a repository holds: secrets, environments, labels, issues, pull requests."""

from __future__ import annotations

from urllib.parse import quote

from fake_github.shapes import Json, Urls, node_id, repo_summary, simple_user, team
from fake_github.state import Account, Environment, Issue, Label, PullInfo, Repo, Secret, World


def secret(s: Secret) -> Json:
    return {"name": s.name, "created_at": s.created_at, "updated_at": s.updated_at}


def org_secret(u: Urls, org: Account, s: Secret) -> Json:
    data = secret(s) | {"visibility": s.visibility}
    if s.visibility == "selected":
        data["selected_repositories_url"] = u.api(
            f"/orgs/{org.login}/actions/secrets/{s.name}/repositories"
        )
    return data


def environment(u: Urls, world: World, repo: Repo, env: Environment) -> Json:
    review_id, wait_id, branch_id = env.rule_ids
    rules: list[Json] = []
    if env.reviewers:
        reviewers: list[Json] = []
        for kind, reviewer_id in env.reviewers:
            if kind == "Team":
                found_team = world.team_by_id(reviewer_id)
                body = team(u, found_team) if found_team else {"id": reviewer_id}
            else:
                found_user = world.account_by_id(reviewer_id)
                body = simple_user(u, found_user) if found_user else {"id": reviewer_id}
            reviewers.append({"type": kind, "reviewer": body})
        rules.append(
            {
                "id": review_id,
                "node_id": node_id("GateRule", review_id),
                "type": "required_reviewers",
                "prevent_self_review": env.prevent_self_review,
                "reviewers": reviewers,
            }
        )
    if env.wait_timer:
        rules.append(
            {
                "id": wait_id,
                "node_id": node_id("GateRule", wait_id),
                "type": "wait_timer",
                "wait_timer": env.wait_timer,
            }
        )
    if env.deployment_branch_policy is not None:
        rules.append(
            {"id": branch_id, "node_id": node_id("GateRule", branch_id), "type": "branch_policy"}
        )
    return {
        "id": env.id,
        "node_id": node_id("Environment", env.id),
        "name": env.name,
        "url": u.repo(repo, f"/environments/{env.name}"),
        "html_url": u.repo_web(
            repo, f"/deployments/activity_log?environments_filter={quote(env.name, safe='')}"
        ),
        "created_at": env.created_at,
        "updated_at": env.updated_at,
        "can_admins_bypass": env.can_admins_bypass,
        "protection_rules": rules,
        "deployment_branch_policy": dict(env.deployment_branch_policy)
        if env.deployment_branch_policy
        else None,
    }


def label(u: Urls, repo: Repo, lab: Label) -> Json:
    return {
        "id": lab.id,
        "node_id": node_id("Label", lab.id),
        "url": u.repo(repo, f"/labels/{quote(lab.name, safe='')}"),
        "name": lab.name,
        "color": lab.color,
        "default": lab.default,
        "description": lab.description,
    }


def issue_labels(u: Urls, repo: Repo, issue: Issue) -> list[Json]:
    return [
        label(u, repo, repo.labels[name.lower()])
        for name in issue.labels
        if name.lower() in repo.labels
    ]


def issue(u: Urls, repo: Repo, item: Issue) -> Json:
    url = u.repo(repo, f"/issues/{item.number}")
    data: Json = {
        "url": url,
        "repository_url": u.repo(repo),
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": u.repo_web(repo, f"/{'pull' if item.pull else 'issues'}/{item.number}"),
        "id": item.id,
        "node_id": node_id("Issue", item.id),
        "number": item.number,
        "title": item.title,
        "user": simple_user(u, item.user),
        "labels": issue_labels(u, repo, item),
        "state": item.state,
        "locked": False,
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "comments": 0,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_at": item.closed_at,
        "author_association": "OWNER",
        "active_lock_reason": None,
        "body": item.body,
        "timeline_url": f"{url}/timeline",
        "performed_via_github_app": None,
        "state_reason": None if item.state == "open" else "completed",
    }
    if item.pull is not None:
        pulls = u.repo(repo, f"/pulls/{item.number}")
        data["pull_request"] = {
            "url": pulls,
            "html_url": u.repo_web(repo, f"/pull/{item.number}"),
            "diff_url": u.repo_web(repo, f"/pull/{item.number}.diff"),
            "patch_url": u.repo_web(repo, f"/pull/{item.number}.patch"),
            "merged_at": item.pull.merged_at,
        }
    return data


def pull_simple(u: Urls, world: World, repo: Repo, item: Issue, pull: PullInfo) -> Json:
    """A pull request as GET …/pulls lists it."""
    url = u.repo(repo, f"/pulls/{item.number}")
    html = u.repo_web(repo, f"/pull/{item.number}")
    head_sha = pull.head_repo.branch_sha(pull.head_ref) if item.state == "open" else None
    sides = {
        "head": (pull.head_repo, pull.head_ref, head_sha or pull.head_sha),
        "base": (repo, pull.base_ref, repo.branch_sha(pull.base_ref) or ""),
    }
    links = {
        "self": url,
        "html": html,
        "issue": u.repo(repo, f"/issues/{item.number}"),
        "comments": u.repo(repo, f"/issues/{item.number}/comments"),
        "review_comments": f"{url}/comments",
        "review_comment": u.repo(repo, "/pulls/comments{/number}"),
        "commits": f"{url}/commits",
        "statuses": u.repo(repo, f"/statuses/{head_sha or pull.head_sha}"),
    }
    return {
        "url": url,
        "id": pull.id,
        "node_id": node_id("PullRequest", pull.id),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": links["issue"],
        "number": item.number,
        "state": item.state,
        "locked": False,
        "title": item.title,
        "user": simple_user(u, item.user),
        "body": item.body,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_at": item.closed_at,
        "merged_at": pull.merged_at,
        "merge_commit_sha": pull.merge_commit_sha or head_sha or pull.head_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [simple_user(u, a) for a in pull.requested_reviewers],
        "requested_teams": [team(u, t) for t in pull.requested_teams],
        "labels": issue_labels(u, repo, item),
        "milestone": None,
        "draft": pull.draft,
        "commits_url": links["commits"],
        "review_comments_url": links["review_comments"],
        "review_comment_url": links["review_comment"],
        "comments_url": links["comments"],
        "statuses_url": links["statuses"],
        **{
            side: {
                "label": f"{side_repo.owner.login}:{ref}",
                "ref": ref,
                "sha": sha,
                "user": simple_user(u, side_repo.owner),
                "repo": repo_summary(u, world, side_repo),
            }
            for side, (side_repo, ref, sha) in sides.items()
        },
        "_links": {name: {"href": href} for name, href in links.items()},
        "author_association": "OWNER",
        "auto_merge": None,
        "active_lock_reason": None,
    }
