"""What a repository costs in API requests, in each discovery mode (the numbers in README.md).

Counted from the fake server's request log, with one worker so the log is in order. GET
/rate_limit is listed apart: GitHub does not count it against the budget.
"""

from __future__ import annotations

import re
from collections import Counter

from bot_helpers import ORG, PUBLISH, BotHarness, build_org

from fake_github import FakeGitHub
from trustpub.bot.discovery import Selection
from trustpub.bot.execute import RunConfig

ONE_WORKER = RunConfig(jobs=1, write_interval=0.0, per_page=100)


def per_repository(fake: FakeGitHub) -> tuple[Counter[str], Counter[str]]:
    """Requests by repository, and the others (listing, search, rate limit) by endpoint."""
    ids = {repo.id: repo.full_name for repo in fake.world.repos.values()}
    repos: Counter[str] = Counter()
    others: Counter[str] = Counter()
    for request in fake.requests:
        named = re.match(r"/repos/([^/]+/[^/]+)", request.path)
        by_id = re.match(r"/repositories/(\d+)", request.path)
        if named:
            repos[named.group(1)] += 1
        elif by_id:
            repos[ids[int(by_id.group(1))]] += 1
        else:
            others[f"{request.method} {request.path}"] += 1
    return repos, others


def test_request_costs_by_mode(fake: FakeGitHub, bot: BotHarness) -> None:
    build_org(fake, publishers=10)
    costs = {}
    for mode, search in (("listing", False), ("code search", True)):
        fake.requests.clear()
        for name in fake.world.repos.values():  # a fresh start: no branch, no pull request
            name.issues.clear()
            name.refs.pop("refs/heads/trustpub/trusted-publishing", None)
        bot.run(Selection(org=ORG, code_search=search), config=ONE_WORKER)
        first, first_others = per_repository(fake)
        fake.requests.clear()
        bot.run(Selection(org=ORG, code_search=search), config=ONE_WORKER)
        again, again_others = per_repository(fake)
        costs[mode] = (first, first_others, again, again_others)

    first, others, again, _ = costs["listing"]
    assert first[f"{ORG}/web-0"] == 1  # no .github/workflows: one listing answered 404
    assert first[f"{ORG}/empty-0"] == 1
    assert first[f"{ORG}/web-1"] == 2  # the listing and one workflow file
    assert first[f"{ORG}/done-0"] == 2  # already trusted publishing: no project name needed
    # a new pull request: listing, the workflow, pyproject.toml (4 reads), PR and branch
    # look-ups, repository/environment/organisation secrets, the default head, a re-check of
    # the workflows there (7 reads), then tree, commit, branch and pull request (4 writes)
    assert first[f"{ORG}/pkg-01"] == 3 + 7 + 4
    assert first[f"{ORG}/pkg-00"] == 4 + 7 + 4  # one more workflow file (ci.yml)
    assert others == {
        f"GET /orgs/{ORG}": 1,
        f"GET /orgs/{ORG}/repos": 1,  # one page per 100 repositories
        "GET /meta": 1,  # GitHub Enterprise Server or not
    }
    assert again[f"{ORG}/pkg-01"] == 3 + 1  # read, then the open pull request is up to date
    assert again[f"{ORG}/web-0"] == 1

    first, others, again, _ = costs["code search"]
    assert first[f"{ORG}/web-0"] == first[f"{ORG}/web-1"] == first[f"{ORG}/empty-0"] == 0
    assert first[f"{ORG}/pkg-01"] == 3 + 7 + 4
    assert others["GET /search/code"] == 2  # two queries, one page each
    assert again[f"{ORG}/web-1"] == 0 and again[f"{ORG}/pkg-01"] == 4


def test_update_costs(fake: FakeGitHub, bot: BotHarness) -> None:
    fake.add_org(ORG)
    name = f"{ORG}/pkg"
    fake.add_repo(
        name,
        files={
            "pyproject.toml": '[project]\nname = "pkg"\n',
            ".github/workflows/release.yml": PUBLISH,
        },
    )
    bot.run(Selection(repos=(name,)), config=ONE_WORKER)
    fake.commit(name, {".github/workflows/release.yml": PUBLISH.replace("v*", "release-*")})
    fake.requests.clear()
    run = bot.run(Selection(repos=(name,)), config=ONE_WORKER)
    assert run.outcomes[name] == "updated"
    repos, _ = per_repository(fake)
    # GET /repos/{name} (named on the command line), the read (3), PR look-up, branch ref and
    # head commit, secrets (3), default head, re-check; tree, commit, PATCH ref, PATCH body
    assert repos[name] == 1 + 3 + 1 + 2 + 3 + 2 + 4
