"""What a run costs in API requests (the numbers in README.md), counted from the fake's log.

Through GraphQL an organisation is read with a query per page of 100 repositories and one per
batch of repositories to read; a new pull request costs three writes (the branch, one commit,
the pull request) and two REST reads (the obsolete secrets that exist: the repository's and the
organisation's). Through REST (`--no-graphql`, for an API without GraphQL) each repository costs
requests of its own. The targets of issue 15 are asserted on an organisation of 1,000
repositories.
"""

from __future__ import annotations

import base64
import re
from collections import Counter

import pytest
from big_org import ORG as BIG
from big_org import build_big_org
from bot_helpers import ORG, PUBLISH, BotHarness, build_org

from fake_github import FakeGitHub, RecordedRequest
from fake_github.graphql_schema import schema_available
from fake_github.shapes import node_id
from trustpub.bot.discovery import Selection
from trustpub.bot.execute import RunConfig
from trustpub.publishers import SEARCH_QUERIES

pytestmark = pytest.mark.skipif(
    not schema_available(), reason="../shared/github-api/graphql/schema.graphql is not there"
)
ONE_WORKER = RunConfig(jobs=1, write_interval=0.0, per_page=100)


def repository_of(fake: FakeGitHub, request: RecordedRequest) -> str | None:
    """The repository a request is about (REST path, or a mutation's input); None for others."""
    named = re.match(r"/repos/([^/]+/[^/]+)", request.path)
    if named:
        return named.group(1)
    if request.path != "/graphql" or not request.is_write:
        return None
    data = request.body["variables"]["input"]
    if "repositoryId" in data:
        by_node = {node_id("Repository", r.id): r.full_name for r in fake.world.repos.values()}
        return by_node[data["repositoryId"]]
    ref = data.get("refId") or (data.get("branch") or {}).get("id")
    repo_id = base64.b64decode(ref).decode().removeprefix("REF_").partition(":")[0]
    return fake.world.repos_by_id[int(repo_id)].full_name


def kinds(fake: FakeGitHub) -> Counter[str]:
    """Requests by kind: GraphQL queries and mutations, REST reads and writes, GET /meta."""
    found: Counter[str] = Counter()
    for request in fake.requests:
        if request.path == "/graphql":
            found["mutation" if request.is_write else "query"] += 1
        elif request.path == "/meta":
            found["meta"] += 1
        else:
            found["rest write" if request.is_write else "rest read"] += 1
    return found


def per_repository(fake: FakeGitHub) -> Counter[str]:
    return Counter(name for r in fake.requests if (name := repository_of(fake, r)) is not None)


def test_graphql_costs(fake: FakeGitHub, bot: BotHarness) -> None:
    org = build_org(fake, publishers=10)
    run = bot.run(Selection(org=ORG), config=ONE_WORKER)
    assert all(run.outcomes[name] == "changed" for name in org.needs_pr)
    # GET /meta, the listing (one page) and one batch read for the 24 repositories with files
    assert kinds(fake) == {"meta": 1, "query": 2, "mutation": 30, "rest read": 20}
    costs = per_repository(fake)
    for name in org.needs_pr:  # createRef, createCommitOnBranch, createPullRequest; 2 secrets
        assert costs[name] == 3 + 2
    assert sum(costs[name] for name in org.visited if name not in org.needs_pr) == 0
    assert "of them 2 GraphQL queries (2 points) and 30 mutations" in run.output

    fake.requests.clear()
    again = bot.run(Selection(org=ORG), config=ONE_WORKER)
    assert kinds(fake) == {"meta": 1, "query": 2}  # nothing to do: nothing else
    assert all(again.outcomes[name] == "unchanged" for name in org.needs_pr)


def test_graphql_costs_with_code_search(fake: FakeGitHub, bot: BotHarness) -> None:
    org = build_org(fake, publishers=10)
    bot.run(Selection(org=ORG, code_search=True), config=ONE_WORKER)
    searches = fake.requests.count("GET", "/search/code")
    assert searches == len(SEARCH_QUERIES)  # one page each
    fake.requests.clear()
    bot.run(Selection(org=ORG, code_search=True), config=ONE_WORKER)
    assert kinds(fake) == {"meta": 1, "query": 2, "rest read": len(SEARCH_QUERIES)}
    assert len(org.needs_pr) == 10


def test_update_costs(fake: FakeGitHub, bot: BotHarness) -> None:
    fake.add_org(ORG)
    name = f"{ORG}/pkg"
    files = {
        "pyproject.toml": '[project]\nname = "pkg"\n',
        ".github/workflows/release.yml": PUBLISH,
    }
    fake.add_repo(name, files=files)
    bot.run(Selection(repos=(name,)), config=ONE_WORKER)
    fake.commit(name, {".github/workflows/release.yml": PUBLISH.replace("v*", "release-*")})
    fake.requests.clear()
    run = bot.run(Selection(repos=(name,)), config=ONE_WORKER)
    assert run.outcomes[name] == "updated"
    # the name looked up, the read; updateRef, createCommitOnBranch, updatePullRequest; 2 secrets
    assert kinds(fake) == {"meta": 1, "query": 2, "mutation": 3, "rest read": 2}


def test_rest_costs(fake: FakeGitHub, bot: BotHarness) -> None:
    """--no-graphql: what each repository costs through REST alone."""
    bot.graphql = False
    org = build_org(fake, publishers=10)
    bot.run(Selection(org=ORG), config=ONE_WORKER)
    first = per_repository(fake)
    others = Counter(
        f"{r.method} {r.path}" for r in fake.requests if repository_of(fake, r) is None
    )
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
    fake.requests.clear()
    bot.run(Selection(org=ORG), config=ONE_WORKER)
    again = per_repository(fake)
    assert again[f"{ORG}/pkg-01"] == 3 + 1  # read, then the open pull request is up to date
    assert again[f"{ORG}/web-0"] == 1
    assert len(org.needs_pr) == 10


def test_an_organisation_of_a_thousand_repositories(fake: FakeGitHub, bot: BotHarness) -> None:
    """Issue 15's targets: 1,000 repositories with 100 token publishers are read in at most 30
    requests, each new pull request costs at most 3 writes, a re-run with nothing to do costs
    at most 30 requests in all."""
    needs = build_big_org(fake)
    config = RunConfig(jobs=4, write_interval=1.0)  # production pacing, on the fake's clock
    run = bot.run(Selection(org=BIG), config=config)
    assert sorted(n for n, o in run.outcomes.items() if o == "changed") == needs
    reads = [r for r in fake.requests if not r.is_write and "/actions/" not in r.path]
    assert len(reads) <= 30, Counter(r.path for r in reads)  # listing and batched reads
    secrets = [r for r in fake.requests if "/actions/" in r.path]
    assert {repository_of(fake, r) for r in secrets} == set(needs)  # only for pull requests
    writes = Counter(repository_of(fake, r) for r in fake.requests.writes)
    assert set(writes) == set(needs) and max(writes.values()) <= 3
    assert run.summary is not None and run.summary.usage is not None
    usage = run.summary.usage.graphql
    assert usage is not None and usage.queries <= 30 and usage.mutations == 300

    fake.requests.clear()
    again = bot.run(Selection(org=BIG), config=config)
    assert len(fake.requests) <= 30
    assert fake.requests.writes == []
    assert set(again.outcomes.values()) == {"unchanged"}
