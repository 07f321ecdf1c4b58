"""Running again: no duplicate, an update only when the migration changed, closed and merged
pull requests respected, and a branch holding someone else's commit left alone."""

from __future__ import annotations

from bot_helpers import (
    DEFAULT_BRANCH,
    ORG,
    PUBLISH,
    Api,
    BotHarness,
    assert_one_clean_commit,
    build_org,
    head_commit,
    open_pulls,
    python_repo,
    write_kinds,
)

from fake_github import FakeGitHub
from trustpub.bot.discovery import Selection
from trustpub.bot.upsert import BotSettings
from trustpub.rewrite.result import Options

PKG = f"{ORG}/pkg-00"
RELEASE = ".github/workflows/release.yml"


def one_repo(fake: FakeGitHub, name: str = PKG) -> None:
    fake.add_org(ORG)
    fake.add_repo(name, files=python_repo({"release.yml": PUBLISH}, "pkg"))


def test_second_run_writes_nothing(fake: FakeGitHub, bot: BotHarness, api: Api) -> None:
    org = build_org(fake, publishers=6)
    first = bot.run()
    for name in org.needs_pr:  # every pull request is opened by the first run
        assert first.outcomes[name] == "changed", (first.result(name), first.errors)
    fake.requests.clear()
    run = bot.run()
    assert fake.requests.writes == []
    for name in org.needs_pr:
        assert run.outcomes[name] == "unchanged"
        assert run.result(name).detail == "pull request #1 is up to date"
        assert len(fake.pulls(name)) == 1


def test_update_only_when_the_migration_changed(
    fake: FakeGitHub, bot: BotHarness, api: Api
) -> None:
    org = build_org(fake, publishers=3)
    bot.run()
    first_body = open_pulls(fake, PKG)[0].body
    fake.commit(PKG, {"README.md": "# unrelated change\n"})  # the migration stays the same
    fake.requests.clear()
    assert bot.run().outcomes[PKG] == "unchanged"
    assert fake.requests.writes == []

    edited = PUBLISH.replace("python -m build", "python -m build --sdist")
    fake.commit(PKG, {RELEASE: edited}, message="Build only an sdist")
    fake.requests.clear()
    run = bot.run()
    assert run.outcomes[PKG] == "updated"
    assert {n: o for n, o in run.outcomes.items() if n in org.needs_pr and n != PKG} == {
        f"{ORG}/pkg-01": "unchanged",
        f"{ORG}/pkg-02": "unchanged",
    }
    if api.graphql:  # the branch back to the default head, one commit on it, the body
        assert write_kinds(fake) == [
            ("mutation", "updateRef"),
            ("mutation", "createCommitOnBranch"),
            ("mutation", "updatePullRequest"),
        ]
    else:
        assert write_kinds(fake) == [
            ("POST", "git/trees"),
            ("POST", "git/commits"),
            ("PATCH", "git/refs/heads/trustpub/trusted-publishing"),
            ("PATCH", "pulls/1"),
        ]
    pulls = fake.pulls(PKG)
    assert len(pulls) == 1 and pulls[0].state == "open"
    assert pulls[0].body != first_body
    assert "python -m build --sdist" in (fake.read(PKG, RELEASE, ref=DEFAULT_BRANCH) or "")
    assert_one_clean_commit(fake, PKG, [RELEASE])


def test_merged_pull_request_means_done(fake: FakeGitHub, bot: BotHarness) -> None:
    one_repo(fake)
    bot.run()
    fake.merge_pull(PKG, 1)
    fake.requests.clear()
    assert bot.run().outcomes[PKG] == "migrated"
    assert fake.requests.writes == []

    # a token publisher added after the merge: the merged pull request still means done ...
    fake.commit(PKG, {".github/workflows/again.yml": PUBLISH})
    run = bot.run()
    assert run.outcomes[PKG] == "migrated"
    assert "#1 was merged" in run.result(PKG).detail
    assert fake.requests.writes == []
    # ... unless asked to open a new one
    run = bot.run(settings=BotSettings(reopen=True))
    assert run.outcomes[PKG] == "changed"
    assert [p.state for p in fake.pulls(PKG)] == ["closed", "open"]
    assert_one_clean_commit(fake, PKG, [".github/workflows/again.yml"])


def test_closed_pull_request_means_ignored_unless_reopen(fake: FakeGitHub, bot: BotHarness) -> None:
    one_repo(fake)
    bot.run()
    fake.close_pull(PKG, 1)
    fake.requests.clear()
    run = bot.run()
    assert run.outcomes[PKG] == "ignored"
    assert "closed without merging" in run.result(PKG).detail
    assert fake.requests.writes == []
    assert bot.run().outcomes[PKG] == "ignored"

    run = bot.run(settings=BotSettings(reopen=True))
    assert run.outcomes[PKG] == "changed"
    assert [p.state for p in fake.pulls(PKG)] == ["closed", "open"]
    assert "This replaces #1" in open_pulls(fake, PKG)[0].body
    assert_one_clean_commit(fake, PKG, [RELEASE])
    assert bot.run(settings=BotSettings(reopen=True)).outcomes[PKG] == "unchanged"
    assert len(fake.pulls(PKG)) == 2


def test_branch_with_someone_elses_commit_is_not_overwritten(
    fake: FakeGitHub, bot: BotHarness
) -> None:
    one_repo(fake)
    bot.run()
    theirs = fake.commit(
        PKG, {"NOTES.md": "mine\n"}, branch=DEFAULT_BRANCH, author=("Alice", "alice@example.com")
    )
    fake.commit(PKG, {RELEASE: PUBLISH.replace("v*", "release-*")})  # the migration changes
    fake.requests.clear()
    run = bot.run()
    assert run.outcomes[PKG] == "skipped"
    assert "has commits trustpub did not make" in run.result(PKG).detail
    assert "by Alice" in run.result(PKG).detail
    assert fake.branch_sha(PKG, DEFAULT_BRANCH) == theirs
    assert fake.requests.writes == []
    assert run.code == 0


def test_branch_made_by_someone_else_before_is_not_taken(fake: FakeGitHub, bot: BotHarness) -> None:
    one_repo(fake)
    theirs = fake.commit(
        PKG, {"x.txt": "x\n"}, branch=DEFAULT_BRANCH, author=("Bob", "bob@example.com")
    )
    run = bot.run(Selection(repos=(PKG,)))
    assert run.outcomes[PKG] == "skipped"
    assert fake.branch_sha(PKG, DEFAULT_BRANCH) == theirs
    assert fake.requests.writes == []


def test_branch_at_the_default_head_holds_nothing_to_lose(
    fake: FakeGitHub, bot: BotHarness
) -> None:
    one_repo(fake)
    fake.create_branch(PKG, DEFAULT_BRANCH)  # e.g. made by hand, no commit of its own
    run = bot.run(Selection(repos=(PKG,)))
    assert run.outcomes[PKG] == "changed"
    assert_one_clean_commit(fake, PKG, [RELEASE])


def test_someone_elses_open_pull_request_from_the_branch(fake: FakeGitHub, bot: BotHarness) -> None:
    one_repo(fake)
    fake.add_pull(PKG, head=DEFAULT_BRANCH, title="Mine", body="hand made")
    run = bot.run(Selection(repos=(PKG,)))
    assert run.outcomes[PKG] == "skipped"
    assert "was not opened by trustpub" in run.result(PKG).detail
    assert fake.requests.writes == []


def test_custom_branch_and_body_template(fake: FakeGitHub, bot: BotHarness) -> None:
    one_repo(fake)
    bot.owned = {"ci/trusted"}
    template = "Hello $repository.\n\n$summary\n\n$publishers\n\n$unknown stays\n"
    settings = BotSettings(branch="ci/trusted", template=template, title="Trusted publishing")
    bot.run(settings=settings)
    pull = open_pulls(fake, PKG)[0]
    assert pull.title == "Trusted publishing" and pull.pull.head_ref == "ci/trusted"
    assert pull.body.startswith("Hello acme/pkg-00.")
    assert "$unknown stays" in pull.body and "<!-- trustpub:v1 migration=" in pull.body
    assert fake.branch_sha(PKG, DEFAULT_BRANCH) is None
    fake.requests.clear()
    assert bot.run(settings=settings).outcomes[PKG] == "unchanged"
    assert fake.requests.writes == []


def test_never_the_default_branch(fake: FakeGitHub, bot: BotHarness) -> None:
    one_repo(fake)
    before = fake.branch_sha(PKG)
    run = bot.run(settings=BotSettings(branch="main"))
    assert run.outcomes[PKG] in ("failed", "skipped")
    assert fake.branch_sha(PKG) == before
    assert all("git/refs" not in w.path for w in fake.requests.writes)
    assert head_commit(fake, PKG, "main").message == "Initial commit"


def test_no_push_permission_is_a_skip(fake: FakeGitHub, bot: BotHarness) -> None:
    fake.add_org(ORG)
    read_only = dict(admin=False, maintain=False, push=False, triage=False, pull=True)
    fake.add_repo(PKG, files=python_repo({"release.yml": PUBLISH}, "pkg"), permissions=read_only)
    run = bot.run()
    assert run.outcomes[PKG] == "skipped"
    assert "cannot push" in run.result(PKG).detail
    assert fake.requests.writes == []


def test_marker_edited_away_by_a_maintainer(fake: FakeGitHub, bot: BotHarness) -> None:
    one_repo(fake)
    bot.run()
    pull = fake.pull(PKG, 1)
    pull.body = "We took over the description."
    fake.requests.clear()
    run = bot.run()
    assert run.outcomes[PKG] == "unchanged"  # still trustpub's branch, migration the same
    assert fake.requests.writes == [] and pull.body == "We took over the description."
    fake.commit(PKG, {RELEASE: PUBLISH.replace("v*", "release-*")})
    assert bot.run().outcomes[PKG] == "updated"
    assert len(fake.pulls(PKG)) == 1 and "<!-- trustpub:v1" in pull.body


RELEASE_AFTER_UPLOAD = PUBLISH.replace(
    "      - run: python -m pip install build && python -m build\n",
    "      - run: python -m pip install build && python -m build\n"
    "      - uses: softprops/action-gh-release@v2\n",
)


def test_the_repository_default_token_permissions_decide_the_block(
    fake: FakeGitHub, bot: BotHarness
) -> None:
    # The job's release step writes with the default token: kept in place (as asked), its block
    # keeps `contents: write` unless GitHub says the defaults are read-only (one request).
    fake.add_org(ORG)
    files = python_repo({"release.yml": RELEASE_AFTER_UPLOAD}, "pkg")
    fake.add_repo(PKG, files=files, default_workflow_permissions="write")
    fake.add_repo(f"{ORG}/pkg-01", files=files)  # GitHub's default for new repositories: read
    settings = BotSettings(options=Options(keep_build_in_job=True))
    bot.run(settings=settings)
    texts = {
        name: fake.read(name, RELEASE, DEFAULT_BRANCH) or "" for name in (PKG, f"{ORG}/pkg-01")
    }
    assert "      contents: write\n      id-token: write" in texts[PKG]
    assert "      contents: read\n      id-token: write" in texts[f"{ORG}/pkg-01"]
    asked = [r for r in fake.requests if r.path.endswith("/actions/permissions/workflow")]
    assert len(asked) == 2
