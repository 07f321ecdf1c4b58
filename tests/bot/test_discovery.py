"""Which repositories the bot visits: org, user, names, filters, shards, code search."""

from __future__ import annotations

import pytest
from bot_helpers import CI, ORG, PUBLISH, Api, BotHarness, build_org, python_repo

from fake_github import FakeGitHub
from fake_github.search import parse, search
from trustpub.bot import discovery
from trustpub.bot.discovery import (
    DiscoveryError,
    Selection,
    discover,
    in_shard,
    parse_shard,
    read_names,
)
from trustpub.bot.execute import RunConfig
from trustpub.github.graphql import GraphQL
from trustpub.github.transport import gate_of
from trustpub.publishers import SEARCH_QUERIES


def found(bot: BotHarness, selection: Selection, per_page: int = 5) -> discovery.Discovered:
    """Discovery through the API the harness uses (GraphQL or REST)."""
    gh = bot.client(RunConfig())
    gql = GraphQL(gh, gate_of(gh), 900.0) if bot.graphql else None
    return discover(gh, selection, per_page, gql)


def names(bot: BotHarness, selection: Selection, per_page: int = 5) -> list[str]:
    return [c.full_name for c in found(bot, selection, per_page).candidates]


def test_org_listing_filters(fake: FakeGitHub, bot: BotHarness, api: Api) -> None:
    org = build_org(fake)
    assert names(bot, Selection(org=ORG)) == org.visited
    with_all = names(bot, Selection(org=ORG, include_archived=True, include_forks=True))
    assert sorted(with_all) == sorted([*org.visited, *org.archived, *org.forks])
    assert names(bot, Selection(org=ORG, include=("pkg-*",))) == sorted(org.needs_pr)
    assert names(bot, Selection(org=ORG, include=("acme/web-?",), exclude=("*-1",))) == [
        f"{ORG}/web-{i}" for i in (0, 2, 3, 4, 5)
    ]
    assert names(bot, Selection(org=ORG, topics=("python",))) == sorted(org.needs_pr)
    topics = found(bot, Selection(org=ORG, topics=("python",)))
    assert topics.left_out["without the topic"] == len(org.visited) - len(org.needs_pr)
    if api.graphql:  # pages of 5, cursor by cursor: 32 repositories, 7 pages per listing
        pages = [r for r in fake.requests if "TrustpubOwnerRepositories" in str(r.body)]
        assert all(r.body["variables"]["first"] == 5 for r in pages)
        assert len(pages) == 6 * 7
    else:
        listing = [r for r in fake.requests if r.path.endswith("/repos")]
        assert all(r.params.get("per_page") == "5" for r in listing)


def test_user_listing(fake: FakeGitHub, bot: BotHarness, api: Api) -> None:
    fake.add_user("alice")
    fake.add_repo("alice/lib", files=python_repo({"r.yml": PUBLISH}, "lib"), owner_type="User")
    fake.add_repo("alice/secret", private=True, owner_type="User")
    fake.add_repo("octocat/mine", private=True, owner_type="User")
    assert names(bot, Selection(user="alice")) == ["alice/lib"]  # public only
    assert names(bot, Selection(user="octocat")) == ["octocat/mine"]  # the viewer: private too


def test_named_repositories(fake: FakeGitHub, bot: BotHarness, api: Api) -> None:
    org = build_org(fake, publishers=2)
    selection = Selection(repos=(f"{ORG}/pkg-00", f"{ORG}/old-0", f"{ORG}/nope", f"{ORG}/pkg-00"))
    run = bot.run(selection)
    assert run.outcomes == {
        f"{ORG}/pkg-00": "changed",
        f"{ORG}/old-0": "skipped",
        f"{ORG}/nope": "failed",
    }
    assert run.result(f"{ORG}/old-0").detail.startswith("archived (--include-archived")
    assert "not found" in run.result(f"{ORG}/nope").detail
    assert len(org.needs_pr) == 2


def test_repos_file_lines() -> None:
    lines = [
        "# platform team",
        "acme/a",
        "",
        "https://github.com/acme/b.git  # trailing",
        "acme/c/",
    ]
    assert read_names(lines) == ["acme/a", "acme/b", "acme/c"]
    with pytest.raises(DiscoveryError, match="line 2"):
        read_names(["acme/a", "not-a-repo"])


def test_shards_partition_the_repositories(fake: FakeGitHub, bot: BotHarness) -> None:
    org = build_org(fake)
    shards = [names(bot, Selection(org=ORG, shard=(i, 3))) for i in (1, 2, 3)]
    assert sorted(n for shard in shards for n in shard) == org.visited
    assert all(shards)  # each shard has work
    assert shards[1] == names(bot, Selection(org=ORG, shard=(2, 3)))  # stable
    assert in_shard("Acme/Pkg", (1, 2)) == in_shard("acme/pkg", (1, 2))
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "x", "1/0"):
        with pytest.raises(DiscoveryError):
            parse_shard(bad)


def test_code_search_narrows_and_is_confirmed(fake: FakeGitHub, bot: BotHarness, api: Api) -> None:
    org = build_org(fake, publishers=3)
    # a hit that is no publish step: code search only suggests, reading decides
    fake.add_repo(f"{ORG}/mentions", files={".github/workflows/ci.yml": CI + "# twine\n"})
    run = bot.run(Selection(org=ORG, code_search=True))
    searches = [r for r in fake.requests if r.path == "/search/code"]
    scope = f" org:{ORG} path:.github/workflows"
    assert {r.params["q"] for r in searches} == {q + scope for q in SEARCH_QUERIES}
    for query in SEARCH_QUERIES:  # one request per page of 5 (a full last page: one more)
        hits = len(search(fake.world, parse(query + scope)))
        pages = [r for r in searches if r.params["q"] == query + scope]
        assert len(pages) == hits // 5 + 1, (query, hits)
    assert all(f"org:{ORG}" in r.params["q"] for r in searches)
    assert all("path:.github/workflows" in r.params["q"] for r in searches)
    assert run.outcomes[f"{ORG}/mentions"] == "unchanged"
    visited = sorted([*org.needs_pr, *org.migrated, *org.failed, *org.ignored, f"{ORG}/mentions"])
    assert sorted(run.outcomes) == visited
    assert run.summary is not None
    assert run.summary.left_out["no publish tool found by code search"] == len(org.unchanged)
    web = [r for r in fake.requests if f"{ORG}/web-" in r.path or "web-" in str(r.body)]
    assert web == []  # read neither by REST nor in a GraphQL batch


def test_code_search_incomplete_or_capped(
    fake: FakeGitHub, bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = build_org(fake, publishers=3)
    fake.set_search_incomplete(True)
    run = bot.run(Selection(org=ORG, code_search=True))
    assert "incomplete results" in run.output
    monkeypatch.setattr(discovery, "SEARCH_CAP", 2)
    run = bot.run(Selection(org=ORG, code_search=True))
    assert "reading every repository instead" in run.output
    assert sorted(run.outcomes) == org.visited


def test_unknown_org(fake: FakeGitHub, bot: BotHarness, api: Api) -> None:
    run = bot.run(Selection(org="nobody"))
    assert run.code == 2 and run.summary is None
    assert "organisation nobody not found" in run.errors
