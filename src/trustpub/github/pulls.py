"""The bot's pull requests: find its own by head branch and marker, create, update, decorate.

Each function is one or two requests through the repository's requester (so PyGithub's retries
apply). Creates look their object up again when the answer is lost: PyGithub retries a POST,
and a pull request that was made on the first try answers the retry with 422 "already exists".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from github.Repository import Repository

MARKER = "<!-- trustpub:"
_MARKER_LINE = re.compile(r"<!-- trustpub:v\d+ migration=([0-9a-f]+) -->")
LABEL_COLOR = "1d76db"


@dataclass(frozen=True)
class Pull:
    number: int
    url: str  # the html_url, for people
    state: str  # "open" or "closed"
    merged: bool
    body: str
    draft: bool = False
    node_id: str = ""  # for GraphQL's updatePullRequest

    @property
    def ours(self) -> bool:
        return MARKER in self.body

    @property
    def fingerprint(self) -> str | None:
        found = _MARKER_LINE.search(self.body)
        return found.group(1) if found else None

    @property
    def is_open(self) -> bool:
        return self.state == "open"


def marker(fingerprint: str) -> str:
    return f"<!-- trustpub:v1 migration={fingerprint} -->"


def find_pulls(repo: Repository, branch: str, state: str = "all") -> list[Pull]:
    """Pull requests whose head is `owner:branch` in this repository, newest first (one read).

    The `head` filter needs the `owner:` part: GitHub ignores a bare branch name and lists all.
    """
    head = f"{repo.owner.login}:{branch}"
    _, data = repo._requester.requestJsonAndCheck(
        "GET",
        f"{repo.url}/pulls",
        parameters={"state": state, "head": head, "per_page": 100},
    )
    pulls = [_pull(item) for item in data or [] if _head_matches(item, head)]
    return sorted(pulls, key=lambda p: p.number, reverse=True)


def create_pull(
    repo: Repository,
    base: str,
    branch: str,
    title: str,
    body: str,
    draft: bool,
) -> Pull:
    from github.GithubException import GithubException

    try:
        _, data = repo._requester.requestJsonAndCheck(
            "POST",
            f"{repo.url}/pulls",
            input={"base": base, "head": branch, "title": title, "body": body, "draft": draft},
        )
    except GithubException:
        again = [p for p in find_pulls(repo, branch, "open") if p.ours]
        if again:
            return again[0]
        raise
    return _pull(data)


def update_pull(repo: Repository, number: int, title: str, body: str) -> None:
    """Replace title and body (PATCH is never retried: on an error, check whether it landed)."""
    from github.GithubException import GithubException

    try:
        repo._requester.requestJsonAndCheck(
            "PATCH", f"{repo.url}/pulls/{number}", input={"title": title, "body": body}
        )
    except GithubException:
        _, data = repo._requester.requestJsonAndCheck("GET", f"{repo.url}/pulls/{number}")
        if (data or {}).get("body") != body:
            raise


def existing_labels(repo: Repository, names: Iterable[str]) -> tuple[list[str], list[str]]:
    """(labels the repository has, labels it lacks): one read per label."""
    from github.GithubException import GithubException

    have: list[str] = []
    lack: list[str] = []
    for name in names:
        try:
            repo._requester.requestJsonAndCheck("GET", f"{repo.url}/labels/{quote(name, safe='')}")
        except GithubException as error:
            if error.status != 404:
                raise
            lack.append(name)
        else:
            have.append(name)
    return have, lack


def create_label(repo: Repository, name: str) -> None:
    from github.GithubException import GithubException

    try:
        repo._requester.requestJsonAndCheck(
            "POST", f"{repo.url}/labels", input={"name": name, "color": LABEL_COLOR}
        )
    except GithubException as error:
        if error.status != 422:  # already exists (made by a lost first try, or meanwhile)
            raise


def add_labels(repo: Repository, number: int, names: list[str]) -> None:
    """Adding existing labels is idempotent, so a retried POST is harmless."""
    repo._requester.requestJsonAndCheck(
        "POST", f"{repo.url}/issues/{number}/labels", input={"labels": names}
    )


def request_reviewers(repo: Repository, number: int, reviewers: list[str]) -> None:
    """`login` asks a user; `org/team-slug` asks a team."""
    users = [r for r in reviewers if "/" not in r]
    teams = [r.partition("/")[2] for r in reviewers if "/" in r]
    repo._requester.requestJsonAndCheck(
        "POST",
        f"{repo.url}/pulls/{number}/requested_reviewers",
        input={"reviewers": users, "team_reviewers": teams},
    )


def _pull(item: dict[str, Any]) -> Pull:
    return Pull(
        number=int(item["number"]),
        url=str(item.get("html_url") or item.get("url") or ""),
        state=str(item.get("state") or "open"),
        merged=bool(item.get("merged_at") or item.get("merged")),
        body=str(item.get("body") or ""),
        draft=bool(item.get("draft")),
        node_id=str(item.get("node_id") or ""),
    )


def _head_matches(item: dict[str, Any], head: str) -> bool:
    label = str((item.get("head") or {}).get("label") or "")
    return not label or label.lower() == head.lower()
