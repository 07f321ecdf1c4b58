"""JSON shapes of accounts, teams and repositories, and the URL scheme of the fake.

Every URL is built from the fake's own base URL: PyGithub refuses to follow a URL on another
host or port, and no test may reach the internet through a stray `html_url` either.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlsplit

from fake_github.state import (
    Account,
    Repo,
    Team,
    World,
)

Json = dict[str, Any]

LICENSES = {
    "MIT": ("mit", "MIT License"),
    "Apache-2.0": ("apache-2.0", "Apache License 2.0"),
    "BSD-3-Clause": ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License'),
    "GPL-3.0": ("gpl-3.0", "GNU General Public License v3.0"),
    "LGPL-3.0": ("lgpl-3.0", "GNU Lesser General Public License v3.0"),
}


class Urls:
    """API URLs on the fake (with an optional GHE-style prefix), and fake "web" URLs beside them."""

    def __init__(self, root: str, prefix: str = "") -> None:
        self.root = root
        self.prefix = prefix
        self.base = root + prefix
        self.web = root + "/_web"
        self.raw = root + "/_raw"
        self.host = urlsplit(root).netloc

    def api(self, path: str) -> str:
        return self.base + path

    def repo(self, repo: Repo, tail: str = "") -> str:
        return self.api(f"/repos/{repo.full_name}{tail}")

    def repo_web(self, repo: Repo, tail: str = "") -> str:
        return f"{self.web}/{repo.full_name}{tail}"


def node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"0{len(kind)}:{kind}{number}".encode()).decode()


def simple_user(u: Urls, account: Account) -> Json:
    base = u.api(f"/users/{account.login}")
    return {
        "login": account.login,
        "id": account.id,
        "node_id": node_id(account.type, account.id),
        "avatar_url": f"{u.web}/avatars/u/{account.id}?v=4",
        "gravatar_id": "",
        "url": base,
        "html_url": f"{u.web}/{account.login}",
        "followers_url": f"{base}/followers",
        "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions",
        "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events",
        "type": account.type,
        "user_view_type": "public",
        "site_admin": False,
    }


def _visible_repo_counts(world: World, account: Account) -> tuple[int, int]:
    repos = world.repos_of(account)
    private = sum(1 for r in repos if r.private)
    return len(repos) - private, private


def user_full(u: Urls, world: World, account: Account, *, private: bool = False) -> Json:
    public_repos, private_repos = _visible_repo_counts(world, account)
    data = simple_user(u, account) | {
        "name": account.name,
        "company": account.company,
        "blog": account.blog,
        "location": account.location,
        "email": account.email,
        "hireable": account.hireable,
        "bio": account.bio,
        "twitter_username": None,
        "public_repos": public_repos,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": account.created_at,
        "updated_at": account.created_at,
    }
    if private:
        data |= {
            "private_gists": 0,
            "total_private_repos": private_repos,
            "owned_private_repos": private_repos,
            "disk_usage": 0,
            "collaborators": 0,
            "two_factor_authentication": True,
            "plan": {"name": "pro", "space": 976562499, "collaborators": 0, "private_repos": 9999},
        }
    return data


def org_full(u: Urls, world: World, org: Account) -> Json:
    base = u.api(f"/orgs/{org.login}")
    public_repos, private_repos = _visible_repo_counts(world, org)
    return {
        "login": org.login,
        "id": org.id,
        "node_id": node_id("Organization", org.id),
        "url": base,
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events",
        "hooks_url": f"{base}/hooks",
        "issues_url": f"{base}/issues",
        "members_url": f"{base}/members{{/member}}",
        "public_members_url": f"{base}/public_members{{/member}}",
        "avatar_url": f"{u.web}/avatars/u/{org.id}?v=4",
        "description": org.description,
        "name": org.name,
        "company": org.company,
        "blog": org.blog,
        "location": org.location,
        "email": org.email,
        "twitter_username": None,
        "is_verified": False,
        "has_organization_projects": True,
        "has_repository_projects": True,
        "public_repos": public_repos,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "html_url": f"{u.web}/{org.login}",
        "created_at": org.created_at,
        "updated_at": org.created_at,
        "archived_at": None,
        "type": "Organization",
        "total_private_repos": private_repos,
        "owned_private_repos": private_repos,
        "private_gists": None,
        "disk_usage": None,
        "collaborators": 0,
        "billing_email": org.email or f"billing@{org.login.lower()}.example",
        "default_repository_permission": None,
        "members_can_create_repositories": True,
        "two_factor_requirement_enabled": False,
        "members_allowed_repository_creation_type": "all",
        "members_can_create_public_repositories": True,
        "members_can_create_private_repositories": True,
        "members_can_create_internal_repositories": False,
        "members_can_create_pages": True,
        "members_can_fork_private_repositories": False,
        "web_commit_signoff_required": False,
        "deploy_keys_enabled_for_repositories": True,
        "members_can_create_public_pages": True,
        "members_can_create_private_pages": True,
        "plan": {
            "name": "free",
            "space": 976562499,
            "private_repos": 10000,
            "filled_seats": 1,
            "seats": 1,
        },
    }


def team(u: Urls, t: Team) -> Json:
    base = u.api(f"/organizations/{t.org.id}/team/{t.id}")
    return {
        "name": t.name,
        "id": t.id,
        "node_id": node_id("Team", t.id),
        "slug": t.slug,
        "description": t.description,
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "url": base,
        "html_url": f"{u.web}/orgs/{t.org.login}/teams/{t.slug}",
        "members_url": f"{base}/members{{/member}}",
        "repositories_url": f"{base}/repos",
        "permission": "pull",
        "parent": None,
    }


def license_json(u: Urls, spdx: str | None) -> Json | None:
    if spdx is None:
        return None
    key, name = LICENSES.get(spdx, (spdx.lower(), spdx))
    return {
        "key": key,
        "name": name,
        "spdx_id": spdx,
        "url": u.api(f"/licenses/{key}"),
        "node_id": node_id("License", len(key)),
    }


_REPO_LINKS = (
    ("forks_url", "/forks"),
    ("keys_url", "/keys{/key_id}"),
    ("collaborators_url", "/collaborators{/collaborator}"),
    ("teams_url", "/teams"),
    ("hooks_url", "/hooks"),
    ("issue_events_url", "/issues/events{/number}"),
    ("events_url", "/events"),
    ("assignees_url", "/assignees{/user}"),
    ("branches_url", "/branches{/branch}"),
    ("tags_url", "/tags"),
    ("blobs_url", "/git/blobs{/sha}"),
    ("git_tags_url", "/git/tags{/sha}"),
    ("git_refs_url", "/git/refs{/sha}"),
    ("trees_url", "/git/trees{/sha}"),
    ("statuses_url", "/statuses/{sha}"),
    ("languages_url", "/languages"),
    ("stargazers_url", "/stargazers"),
    ("contributors_url", "/contributors"),
    ("subscribers_url", "/subscribers"),
    ("subscription_url", "/subscription"),
    ("commits_url", "/commits{/sha}"),
    ("git_commits_url", "/git/commits{/sha}"),
    ("comments_url", "/comments{/number}"),
    ("issue_comment_url", "/issues/comments{/number}"),
    ("contents_url", "/contents/{+path}"),
    ("compare_url", "/compare/{base}...{head}"),
    ("merges_url", "/merges"),
    ("archive_url", "/{archive_format}{/ref}"),
    ("downloads_url", "/downloads"),
    ("issues_url", "/issues{/number}"),
    ("pulls_url", "/pulls{/number}"),
    ("milestones_url", "/milestones{/number}"),
    ("notifications_url", "/notifications{?since,all,participating}"),
    ("labels_url", "/labels{/name}"),
    ("releases_url", "/releases{/id}"),
    ("deployments_url", "/deployments"),
)


def repo_minimal(u: Urls, repo: Repo) -> Json:
    """The repository shape inside code-search items: no `archived`, no counts."""
    url = u.repo(repo)
    data: Json = {
        "id": repo.id,
        "node_id": node_id("Repository", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "private": repo.private,
        "owner": simple_user(u, repo.owner),
        "html_url": u.repo_web(repo),
        "description": repo.description,
        "fork": repo.fork,
        "url": url,
    }
    data.update({key: url + tail for key, tail in _REPO_LINKS})
    return data


def repo_summary(u: Urls, world: World, repo: Repo) -> Json:
    """The repository shape in lists (org/user repos, pull request heads and bases)."""
    open_issues = sum(1 for i in repo.issues.values() if i.state == "open")
    forks = sum(1 for r in world.repos.values() if r.parent is repo)
    clone = u.repo_web(repo, ".git")
    return repo_minimal(u, repo) | {
        "created_at": repo.created_at,
        "updated_at": repo.updated_at,
        "pushed_at": repo.pushed_at,
        "git_url": f"git://{u.host}/{repo.full_name}.git",
        "ssh_url": f"git@{u.host.split(':')[0]}:{repo.full_name}.git",
        "clone_url": clone,
        "svn_url": u.repo_web(repo),
        "homepage": repo.homepage,
        "size": 0,
        "stargazers_count": 0,
        "watchers_count": 0,
        "language": repo.language,
        "has_issues": True,
        "has_projects": True,
        "has_downloads": True,
        "has_wiki": True,
        "has_pages": False,
        "has_discussions": False,
        "forks_count": forks,
        "mirror_url": None,
        "archived": repo.archived,
        "disabled": repo.disabled,
        "open_issues_count": open_issues,
        "license": license_json(u, repo.license),
        "allow_forking": True,
        "is_template": False,
        "web_commit_signoff_required": False,
        "has_pull_requests": True,
        "pull_request_creation_policy": "all",
        "topics": list(repo.topics),
        "visibility": repo.visibility,
        "forks": forks,
        "open_issues": open_issues,
        "watchers": 0,
        "default_branch": repo.default_branch,
        "permissions": dict(repo.permissions),
    }


def repo_full(u: Urls, world: World, repo: Repo) -> Json:
    """GET /repos/{owner}/{repo}."""
    data = repo_summary(u, world, repo) | {
        "temp_clone_token": "",
        "allow_squash_merge": True,
        "allow_merge_commit": True,
        "allow_rebase_merge": True,
        "allow_auto_merge": False,
        "delete_branch_on_merge": False,
        "allow_update_branch": False,
        "use_squash_pr_title_as_default": False,
        "squash_merge_commit_message": "COMMIT_MESSAGES",
        "squash_merge_commit_title": "COMMIT_OR_PR_TITLE",
        "merge_commit_message": "PR_TITLE",
        "merge_commit_title": "MERGE_MESSAGE",
        "custom_properties": {},
    }
    if repo.owner.is_org:
        data["organization"] = simple_user(u, repo.owner)
    if repo.parent is not None and repo.source is not None:
        data["parent"] = repo_summary(u, world, repo.parent)
        data["source"] = repo_summary(u, world, repo.source)
    if repo.permissions.get("admin"):
        data["security_and_analysis"] = {
            name: {"status": "disabled"}
            for name in (
                "secret_scanning",
                "secret_scanning_push_protection",
                "dependabot_security_updates",
                "secret_scanning_non_provider_patterns",
                "secret_scanning_validity_checks",
            )
        }
    data["network_count"] = 1 + sum(
        1 for r in world.repos.values() if r.source is (repo.source or repo)
    )
    data["subscribers_count"] = 1
    return data
