"""Reading through GraphQL: batches, what GraphQL cannot give (REST fallbacks), and an API that
has no GraphQL at all. The fake runs every document against GitHub's schema."""

from __future__ import annotations

import pytest
from bot_helpers import ORG, PUBLISH, BotHarness, build_org, open_pulls, python_repo
from graphql import parse, validate
from test_faults import assert_all_done

from fake_github import FakeGitHub
from fake_github.graphql_schema import github_schema, schema_available
from trustpub.bot.discovery import Selection
from trustpub.bot.execute import RunConfig
from trustpub.bot.upsert import BotSettings
from trustpub.github.batch_read import BatchReader

pytestmark = pytest.mark.skipif(
    not schema_available(), reason="../shared/github-api/graphql/schema.graphql is not there"
)
PKG = f"{ORG}/pkg"
COMPOSITE = """\
name: Publish
runs:
  using: composite
  steps:
    - run: twine upload dist/* -u __token__ -p ${{ inputs.token }}
      shell: bash
"""


def graphql_queries(fake: FakeGitHub) -> list[str]:
    return [str(r.body["query"]) for r in fake.requests if r.path == "/graphql" and not r.is_write]


def test_every_document_a_run_sends_is_valid_against_githubs_schema(
    fake: FakeGitHub, bot: BotHarness
) -> None:
    build_org(fake, publishers=4)
    fake.add_repo(f"{ORG}/actions", files={".github/actions/build/action.yml": COMPOSITE})
    bot.run(Selection(org=ORG, repos=(f"{ORG}/pkg-00", f"{ORG}/nope")))
    fake.commit(f"{ORG}/pkg-00", {".github/workflows/release.yml": PUBLISH + "# changed\n"})
    fake.faults.lose_response(path="/graphql", graphql="createPullRequest", times=1)
    fake.close_pull(f"{ORG}/pkg-01", 1)
    bot.run(settings=BotSettings(reopen=True))
    sent = [str(r.body["query"]) for r in fake.requests if r.path == "/graphql"]
    names = {parse(d).definitions[0].name.value for d in sent}  # type: ignore[union-attr]
    assert names >= {
        "TrustpubOwnerRepositories",
        "TrustpubNamedRepositories",
        "TrustpubRead",
        "TrustpubCreateRef",
        "TrustpubUpdateRef",
        "TrustpubCommit",
        "TrustpubCreatePull",
        "TrustpubUpdatePull",
        "TrustpubBranch",
    }
    schema = github_schema()
    assert all(validate(schema, parse(document)) == [] for document in sent)


def test_a_file_graphql_cuts_or_cannot_show_is_read_through_rest(
    fake: FakeGitHub, bot: BotHarness
) -> None:
    fake.add_org(ORG)
    big = PUBLISH + "".join(f"# {'x' * 70}\n" for _ in range(40))
    files = python_repo({"release.yml": big, "ci.yml": "name: CI\n"}, "pkg")
    fake.add_repo(PKG, files=files | {".github/workflows/data.yml": b"\xff\xfe\x00binary"})
    fake.graphql.text_limit = 1000  # release.yml is about 3.7 kB: GraphQL cuts it
    run = bot.run(Selection(repos=(PKG,)))
    assert run.outcomes[PKG] == "changed"
    blobs = [r.path for r in fake.requests if "/git/blobs/" in r.path]
    assert len(blobs) == 2  # release.yml (cut) and data.yml (binary), nothing else
    files = {f.path for f in run.result(PKG).result.files}  # type: ignore[union-attr]
    assert files == {
        ".github/workflows/release.yml",
        ".github/workflows/ci.yml",
        ".github/workflows/data.yml",
    }
    release = next(f for f in run.result(PKG).result.files if f.path.endswith("release.yml"))  # type: ignore[union-attr]
    assert release.changed and release.original == big  # the whole text, not GraphQL's cut


def test_composite_actions_are_read_and_reported(fake: FakeGitHub, bot: BotHarness) -> None:
    fake.add_org(ORG)
    files = python_repo({"ci.yml": "name: CI\non: push\n"}, "pkg")
    files[".github/actions/release/action.yml"] = COMPOSITE
    files[".github/actions/group/upload/action.yaml"] = COMPOSITE
    fake.add_repo(PKG, files=files)
    run = bot.run(Selection(repos=(PKG,)))
    result = run.result(PKG)
    assert result.outcome.value == "skipped"
    assert "composite action" in result.detail
    paths = sorted(f.path for f in result.result.files)  # type: ignore[union-attr]
    assert paths == [
        ".github/actions/group/upload/action.yaml",
        ".github/actions/release/action.yml",
        ".github/workflows/ci.yml",
    ]
    assert fake.requests.writes == []


def test_a_batch_that_times_out_is_split(fake: FakeGitHub, bot: BotHarness) -> None:
    org = build_org(fake, publishers=8)
    fake.graphql.timeout_after_blobs = 12  # a query reading more blob texts times out
    run = bot.run(config=RunConfig(jobs=2, write_interval=0.0, per_page=100))
    assert_all_done(fake, org, run)
    timeouts = [r for r in fake.requests if r.path == "/graphql" and r.status == 502]
    assert timeouts  # the first, big batch timed out (twice: the transport tries it again) ...
    reads = [r for r in fake.requests if r.status == 200 and "TrustpubRead" in str(r.body)]
    assert len(reads) >= 3  # ... and its halves went through


def test_an_api_without_graphql_is_read_through_rest(fake: FakeGitHub, bot: BotHarness) -> None:
    org = build_org(fake, publishers=3)
    fake.graphql.enabled = False  # POST /graphql answers 404
    run = bot.run()
    assert_all_done(fake, org, run)
    assert "no GraphQL endpoint (404): reading through REST instead" in run.errors
    assert fake.requests.count("POST", "/graphql") == 1  # asked once
    assert {w.path.split("/")[-1] for w in fake.requests.writes} >= {"trees", "commits", "pulls"}


def test_an_older_schema_is_read_through_rest(
    fake: FakeGitHub, bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An API whose GraphQL schema lacks a field trustpub asks for (an older GitHub Enterprise
    Server): the query is refused as invalid, so the run reads through REST."""
    from trustpub.github import listing, queries

    one = python_repo({"release.yml": PUBLISH}, "pkg")
    fake.add_org(ORG)
    fake.add_repo(PKG, files=one)
    monkeypatch.setattr(
        listing, "OWNER_PAGE", queries.OWNER_PAGE.replace("viewerPermission", "viewerPermissions")
    )
    run = bot.run()
    assert run.outcomes[PKG] == "changed"
    assert "GraphQL schema is not GitHub's" in run.errors


def test_a_limit_inside_a_graphql_answer_pauses_everyone(fake: FakeGitHub, bot: BotHarness) -> None:
    org = build_org(fake, publishers=3)
    fake.graphql.secondary_in_body = 1  # 200 {"errors": [{"type": "RATE_LIMITED", ...}]}
    run = bot.run()
    assert_all_done(fake, org, run)
    assert any(s >= 59 for s in bot.sleeps)
    assert "waiting 60 s" in run.errors and "GraphQL" in run.errors


def test_a_fork_with_a_branch_of_the_same_name_is_not_ours(
    fake: FakeGitHub, bot: BotHarness
) -> None:
    fake.add_org(ORG)
    fake.add_repo(PKG, files=python_repo({"release.yml": PUBLISH}, "pkg"))
    fake.add_user("mallory")
    fake.add_repo("mallory/pkg", fork_of=PKG, owner_type="User")
    fake.add_pull(
        PKG, head="mallory:trustpub/trusted-publishing", body="<!-- trustpub:v1 migration=0 -->"
    )
    run = bot.run(Selection(repos=(PKG,)))
    assert run.outcomes[PKG] == "changed"
    assert len(open_pulls(fake, PKG)) == 2  # theirs, from the fork, and trustpub's own


def test_a_repository_gone_since_the_listing_fails_alone(
    fake: FakeGitHub, bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = build_org(fake, publishers=3)
    gone = fake.repo(f"{ORG}/pkg-01")
    real = BatchReader.read

    def deleted_first(self: BatchReader, items: object) -> object:
        with fake.world.lock:  # deleted between the listing and the read
            fake.world.repos.pop(gone.full_name.lower(), None)
            fake.world.repos_by_id.pop(gone.id, None)
        return real(self, items)  # type: ignore[arg-type]

    monkeypatch.setattr(BatchReader, "read", deleted_first)
    run = bot.run()
    assert run.outcomes[gone.full_name] == "failed"
    assert "Could not resolve to a Repository" in run.result(gone.full_name).detail
    for name in org.needs_pr:
        if name != gone.full_name:
            assert run.outcomes[name] == "changed"


def test_a_read_query_the_server_refuses_falls_back_to_rest(
    fake: FakeGitHub, bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older GitHub Enterprise Server that lists through GraphQL but lacks a field the batched
    read asks for (Commit.file, say): the repositories are read, and written, through REST."""
    from trustpub.github import batch_read, queries

    org = build_org(fake, publishers=3)
    monkeypatch.setattr(
        batch_read, "read", lambda actions: queries.read(actions).replace("file(", "fileAt(")
    )
    run = bot.run()
    assert_all_done(fake, org, run)
    refused = [r for r in fake.requests if "TrustpubRead" in str(r.body)]
    assert len(refused) == 1  # asked once, then REST
    listing = fake.requests.count("GET", f"/repos/{ORG}/pkg-00/contents/.github/workflows")
    assert listing == 2  # the REST read, and its re-check before committing


def test_a_mutation_the_server_refuses_falls_back_to_rest(
    fake: FakeGitHub, bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustpub.github import mutations

    org = build_org(fake, publishers=3)
    monkeypatch.setattr(
        mutations, "CREATE_COMMIT", mutations.CREATE_COMMIT.replace("commit { oid }", "commitUrl")
    )
    run = bot.run(config=RunConfig(jobs=1, write_interval=0.0))
    assert_all_done(fake, org, run)
    assert fake.requests.count("POST", f"/repos/{ORG}/pkg-00/git/commits") == 1
    assert any("createRef" in str(w.body) for w in fake.requests.writes)  # before the refusal
