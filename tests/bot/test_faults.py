"""GitHub misbehaving: 5xx bursts, secondary and primary limits, 429, lost answers, a run killed
part way. In every case: one pull request per repository that needs one, no partial commit, and
every repository accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bot_helpers import (
    DEFAULT_BRANCH,
    ORG,
    PER_PAGE,
    PUBLISH,
    Api,
    BotHarness,
    Org,
    Run,
    assert_one_clean_commit,
    build_org,
    committed_to,
    open_pulls,
)

from fake_github import FakeGitHub
from trustpub.bot.execute import RunConfig
from trustpub.bot.outcomes import BotResult
from trustpub.bot.upsert import BotSettings
from trustpub.github import pulls
from trustpub.github.mutations import GraphQLWrites
from virtual_time import waited

PKG = f"{ORG}/pkg-00"
RELEASE = ".github/workflows/release.yml"


def config(**changes: object) -> RunConfig:
    values: dict[str, object] = {"write_interval": 0.0, "per_page": PER_PAGE} | changes
    return RunConfig(**values)  # type: ignore[arg-type]


def assert_all_done(fake: FakeGitHub, org: Org, *runs: Run) -> None:
    """Exactly one (open) pull request and one clean commit per repository that needs one;
    every visited repository has an outcome in the last run that saw it."""
    for name, paths in org.needs_pr.items():
        assert len(fake.pulls(name)) == 1, f"{name}: {len(fake.pulls(name))} pull requests"
        assert len(open_pulls(fake, name)) == 1
        assert_one_clean_commit(fake, name, paths)
    seen: dict[str, str] = {}
    for run in runs:
        seen |= {n: o for n, o in run.outcomes.items() if o != "not run"}
    assert sorted(seen) == org.visited
    for name in org.needs_pr:
        assert seen[name] in ("changed", "updated", "unchanged"), (name, seen[name])


def test_server_error_bursts(fake: FakeGitHub, bot: BotHarness, api: Api) -> None:
    org = build_org(fake, publishers=6)
    fake.faults.server_error(502, times=4, **api.target("tree"))
    fake.faults.server_error(500, times=3, **api.target("pull"))
    fake.faults.server_error(503, times=3, **api.target("ref"))
    fake.faults.server_error(502, rate=0.1, **api.target("reads"))
    run = bot.run()
    assert_all_done(fake, org, run)
    assert sum(1 for r in fake.requests if r.fault and r.fault.startswith("error:5")) >= 10

    # REST: a PATCH is never retried (the bot retries the repository); GraphQL: the mutation is
    fake.commit(PKG, {RELEASE: PUBLISH.replace("v*", "release-*")})
    fake.faults.clear()
    fake.faults.server_error(502, times=1, **api.target("update"))
    again = bot.run()
    assert again.outcomes[PKG] == "updated"
    assert "release-*" in (fake.read(PKG, RELEASE, ref=DEFAULT_BRANCH) or "")
    assert_all_done(fake, org, again)


def test_secondary_limits_with_and_without_retry_after(
    fake: FakeGitHub, bot: BotHarness, api: Api
) -> None:
    org = build_org(fake, publishers=6)
    fake.faults.secondary_rate_limit(retry_after=30, times=3, method="POST")
    fake.faults.secondary_rate_limit(times=2, **api.target("workflows"))
    run = bot.run()
    assert_all_done(fake, org, run)
    assert waited(bot.sleeps, 30.0)  # Retry-After honoured
    assert waited(bot.sleeps, 60.0)  # no Retry-After: a minute

    # a secondary limit on an update: every worker pauses (even a PATCH is sent again after it)
    fake.commit(PKG, {RELEASE: PUBLISH.replace("v*", "release-*")})
    fake.faults.clear()
    fake.faults.secondary_rate_limit(times=1, **api.target("update"))
    again = bot.run()
    assert again.outcomes[PKG] == "updated"
    assert any(s >= 59 for s in bot.sleeps)


@pytest.mark.parametrize("retry_after", [None, 5])
def test_too_many_requests(
    fake: FakeGitHub, bot: BotHarness, api: Api, retry_after: int | None
) -> None:
    org = build_org(fake, publishers=4)
    fake.faults.too_many_requests(retry_after=retry_after, times=2, method="POST")
    fake.faults.too_many_requests(retry_after=retry_after, times=2, **api.target("reads"))
    run = bot.run()
    assert_all_done(fake, org, run)
    assert run.code == 3  # only the two broken workflows
    if retry_after is None:
        assert any(s >= 59 for s in bot.sleeps)  # at least a minute
    else:
        assert waited(bot.sleeps, 5.0)


def test_primary_limit_that_resets(fake: FakeGitHub, bot: BotHarness, api: Api) -> None:
    org = build_org(fake, publishers=4)
    fake.faults.primary_rate_limit(reset_in=120)
    if api.graphql:  # its own budget, spent too: GitHub answers 200 with RATE_LIMITED
        fake.faults.primary_rate_limit(reset_in=120, resource="graphql")
    run = bot.run()
    assert_all_done(fake, org, run)
    assert any(100 <= s <= 125 for s in bot.sleeps)  # every request waited for the reset

    # the budget runs low mid-run: the bot waits for the reset before the next repository
    fake.commit(PKG, {RELEASE: PUBLISH.replace("v*", "release-*")})
    if api.graphql:  # the listing (7 pages of 5) and the read cost 8 of 22 points: 14 < 20
        fake.set_rate_limit("graphql", remaining=22, reset_in=600)
    else:
        fake.set_rate_limit(remaining=60, reset_in=600)
    again = bot.run(config=config(jobs=1))
    assert again.code == 3 and again.outcomes[PKG] == "updated"
    assert any(550 <= s <= 610 for s in bot.sleeps)


def test_budget_that_cannot_finish_stops_cleanly_then_resumes(
    fake: FakeGitHub, bot: BotHarness, api: Api, tmp_path: Path
) -> None:
    org = build_org(fake, publishers=6)
    state = tmp_path / "state.jsonl"
    if api.graphql:  # listing 7 and the read 1 point, then 3 mutations per pull request
        fake.set_rate_limit("graphql", remaining=35, reset_in=7200)
    else:
        fake.set_rate_limit(remaining=120, reset_in=7200)
    first = bot.run(config=config(jobs=1, state=state, max_wait=900))
    assert first.code == 4
    assert "stopped: the GitHub API rate limit is spent" in first.output
    assert f"{state}: run the same command with --resume after" in first.output
    not_run = [n for n, o in first.outcomes.items() if o == "not run"]
    assert not_run and sorted(first.outcomes) == org.visited
    for name in org.needs_pr:  # nothing half-done: a pull request with its commit, or nothing
        assert len(fake.pulls(name)) == (0 if first.outcomes[name] == "not run" else 1)

    fake.clock.advance(7200)
    fake.requests.clear()
    second = bot.run(config=config(jobs=1, state=state, resume=True))
    assert second.code == 3
    failed = [n for n, o in first.outcomes.items() if o == "failed"]
    assert sorted(second.outcomes) == sorted(not_run + failed)  # not what was done
    assert_all_done(fake, org, first, second)


def test_lost_create_responses(fake: FakeGitHub, bot: BotHarness, api: Api) -> None:
    org = build_org(fake, publishers=6)
    fake.faults.lose_response(times=3, **api.target("ref"))
    fake.faults.lose_response(times=2, **api.target("pull"))
    fake.faults.lose_response(mode="drop", times=2, **api.target("pull"))
    fake.faults.lose_response(times=1, **api.target("commit"))
    run = bot.run()
    lost = [r for r in fake.requests if r.fault and r.fault.startswith("lost_response")]
    assert len(lost) == 8 and all(r.applied for r in lost)
    assert_all_done(fake, org, run)
    for name in org.needs_pr:
        assert run.outcomes[name] == "changed"
        assert run.result(name).pull is not None

    fake.commit(PKG, {RELEASE: PUBLISH.replace("v*", "release-*")})
    fake.faults.clear()
    fake.faults.lose_response(times=2, **api.target("update"))  # the ref and the body landed
    again = bot.run()
    assert again.outcomes[PKG] == "updated"
    assert_all_done(fake, org, again)
    assert "release-*" in (fake.read(PKG, RELEASE, ref=DEFAULT_BRANCH) or "")


def test_killed_part_way_then_resumed(fake: FakeGitHub, bot: BotHarness, tmp_path: Path) -> None:
    org = build_org(fake, publishers=8)
    state = tmp_path / "state.jsonl"
    finished: list[str] = []

    def kill_after_five(result: BotResult) -> None:
        finished.append(result.repository)
        if len(finished) == 5:
            raise KeyboardInterrupt

    first = bot.run(config=config(state=state), on_result=kill_after_five)
    assert first.code == 4
    assert "interrupted" in first.output and "--resume" in first.output
    records = [json.loads(line) for line in state.read_text().splitlines()]
    assert len(records) >= 5
    done = {r["repository"] for r in records if r["outcome"] != "failed"}

    second = bot.run(config=config(state=state, resume=True))
    assert not set(second.outcomes) & done
    assert_all_done(fake, org, first, second)


def test_crash_between_branch_and_pull_request(
    fake: FakeGitHub, bot: BotHarness, api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Killed after the branch was pushed: the next run reuses the branch, opens the PR."""
    org = build_org(fake, publishers=3)
    owner, attribute = (GraphQLWrites, "open_pull") if api.graphql else (pulls, "create_pull")
    real = getattr(owner, attribute)

    def killed(*args: object, **kwargs: object) -> pulls.Pull:
        raise KeyboardInterrupt

    monkeypatch.setattr(owner, attribute, killed)
    first = bot.run(config=config(jobs=1, state=tmp_path / "s"))
    assert first.code == 4
    pushed = [n for n in org.needs_pr if fake.branch_sha(n, DEFAULT_BRANCH)]
    assert pushed and all(fake.pulls(name) == [] for name in pushed)

    monkeypatch.setattr(owner, attribute, real)
    fake.requests.clear()
    second = bot.run(config=config(jobs=1, state=tmp_path / "s", resume=True))
    assert_all_done(fake, org, first, second)
    assert not committed_to(fake) & set(pushed)  # pushes reused


def test_max_prs_then_resume(fake: FakeGitHub, bot: BotHarness, tmp_path: Path) -> None:
    org = build_org(fake, publishers=6)
    state = tmp_path / "state.jsonl"
    first = bot.run(settings=BotSettings(max_prs=2), config=config(state=state))
    assert first.code == 3
    outcomes = [first.outcomes[n] for n in org.needs_pr]
    assert outcomes.count("changed") == 2 and outcomes.count("deferred") == 4
    assert "--max-prs 2 reached" in first.output
    second = bot.run(settings=BotSettings(max_prs=3), config=config(state=state, resume=True))
    assert [second.outcomes[n] for n in org.needs_pr if n in second.outcomes].count("changed") == 3
    third = bot.run(config=config(state=state, resume=True))
    assert_all_done(fake, org, first, second, third)


def test_only_failed_retries_the_failures(
    fake: FakeGitHub, bot: BotHarness, api: Api, tmp_path: Path
) -> None:
    org = build_org(fake, publishers=4)
    state = tmp_path / "state.jsonl"
    fake.faults.server_error(500, rate=1.0, **api.repository(f"{ORG}/pkg-01"))
    first = bot.run(config=config(state=state))
    assert first.code == 3
    assert first.outcomes[f"{ORG}/pkg-01"] == "failed"
    assert "kept failing" in first.result(f"{ORG}/pkg-01").detail
    assert all(first.outcomes[n] == "changed" for n in org.needs_pr if n != f"{ORG}/pkg-01")

    fake.faults.clear()
    second = bot.run(config=config(state=state, only_failed=True))
    assert sorted(second.outcomes) == sorted([f"{ORG}/pkg-01", *org.failed])
    assert_all_done(fake, org, first, second)
