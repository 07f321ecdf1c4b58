"""One pacer for every request, and one pause for every worker, proved from the fake's request log.

The fake stamps each request with its clock as it arrives. Waits move that clock (they are
virtual), so the log shows exactly what GitHub would see: writes at least the interval apart,
retries included, and no request at all while a rate limit asks to wait.
"""

from __future__ import annotations

import itertools

from bot_helpers import ORG, PER_PAGE, Api, BotHarness, Run, build_org
from test_faults import assert_all_done

from fake_github import FakeGitHub, RecordedRequest
from trustpub.bot.execute import RunConfig

INTERVAL = 1.0  # the production --write-interval
SLACK = 0.5  # a request already on its way when the limit came may land just after it


def paced(**changes: object) -> RunConfig:
    values: dict[str, object] = {"write_interval": INTERVAL, "per_page": PER_PAGE} | changes
    return RunConfig(**values)  # type: ignore[arg-type]


def assert_writes_apart(fake: FakeGitHub, interval: float = INTERVAL) -> None:
    """Every write GitHub received, first try or retry, answered or not, `interval` apart."""
    writes = sorted(fake.requests.writes, key=lambda r: r.at)
    assert len(writes) > 1
    for before, after in itertools.pairwise(writes):
        assert after.at - before.at >= interval, (before, after)


def limited(fake: FakeGitHub) -> list[RecordedRequest]:
    return [r for r in fake.requests if r.fault and r.fault in ("error:403", "error:429")]


def assert_silence_after(fake: FakeGitHub, limit: RecordedRequest, seconds: float) -> None:
    """No request reached GitHub from just after `limit` was answered until `seconds` later."""
    during = [r for r in fake.requests if limit.at + SLACK <= r.at < limit.at + seconds]
    assert during == [], (limit, during)


def waits(run: Run) -> list[str]:
    return [line for line in run.errors.splitlines() if line.startswith("trustpub: waiting")]


def test_writes_are_an_interval_apart_through_server_errors_and_limits(
    fake: FakeGitHub, bot: BotHarness, api: Api
) -> None:
    org = build_org(fake, publishers=6)
    fake.faults.server_error(502, times=3, **api.target("tree"))
    fake.faults.server_error(503, times=2, **api.target("pull"))
    fake.faults.secondary_rate_limit(times=1, **api.target("commit"))
    fake.faults.secondary_rate_limit(times=1, retry_after=30, **api.target("ref"))
    run = bot.run(config=paced())
    assert_all_done(fake, org, run)
    retried = [r for r in fake.requests.writes if r.fault]
    assert len(retried) == 7  # every failed write was sent again ...
    assert_writes_apart(fake)  # ... and no two writes came closer than the interval
    hits = limited(fake)
    assert len(hits) == 2
    for limit in hits:  # on the branch: Retry-After 30; on the commit: none, so a minute
        to_ref = "/git/refs" in limit.path or "createRef(" in str(limit.body)
        assert_silence_after(fake, limit, 30.0 if to_ref else 60.0)
    said = waits(run)
    assert len(said) == 2
    assert all("GitHub's secondary rate limit (403 on POST /" in line for line in said)
    assert sorted(line.split(", until ")[0] for line in said) == [
        "trustpub: waiting 30 s",
        "trustpub: waiting 60 s",
    ]
    assert "Waited 90 s in 2 pause(s) for GitHub's rate limits" in run.output


def test_a_limit_on_one_read_pauses_every_busy_worker(
    fake: FakeGitHub, bot: BotHarness, api: Api
) -> None:
    org = build_org(fake, publishers=8)
    fake.faults.latency(0.02)  # the four workers are all mid-request
    fake.faults.secondary_rate_limit(times=1, skip=3, **api.target("reads"))
    run = bot.run(config=paced(jobs=4))
    assert_all_done(fake, org, run)
    [limit] = limited(fake)
    assert_silence_after(fake, limit, 60.0)
    assert len([r for r in fake.requests if r.at >= limit.at + 60.0]) > 1  # then they went on
    [said] = waits(run)
    assert said.startswith("trustpub: waiting 60 s") and "(403 on " in said


def test_limits_met_again_and_again_back_off_exponentially(
    fake: FakeGitHub, bot: BotHarness, api: Api
) -> None:
    build_org(fake, publishers=1)
    fake.faults.secondary_rate_limit(times=3, **api.target("pull"))
    run = bot.run(config=paced(jobs=1))
    assert run.outcomes[f"{ORG}/pkg-00"] == "changed"
    hits = limited(fake)
    assert len(hits) == 3
    gaps = [b.at - a.at for a, b in itertools.pairwise([*hits, fake.requests.writes[-1]])]
    assert [round(g) for g in gaps] == [60, 120, 240], gaps
    assert [w.split(" s,")[0] for w in waits(run)] == [
        "trustpub: waiting 60",
        "trustpub: waiting 120",
        "trustpub: waiting 240",
    ]


def test_a_429_without_retry_after_waits_a_minute_for_everyone(
    fake: FakeGitHub, bot: BotHarness, api: Api
) -> None:
    org = build_org(fake, publishers=4)
    fake.faults.too_many_requests(times=1, **api.target("tree"))
    run = bot.run(config=paced())
    assert_all_done(fake, org, run)
    [limit] = limited(fake)
    assert limit.status == 429
    assert_silence_after(fake, limit, 60.0)
    assert_writes_apart(fake)
