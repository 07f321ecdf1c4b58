"""Issue 15's "done when", against the fake with everything at once: 5xx bursts, secondary limits
with and without Retry-After, lost answers, an exhausted primary limit, and a run killed with
SIGKILL part way. The end state is exactly one correct pull request per repository that needs
one; no two writes reached GitHub closer than the interval; no request while a limit asked to
wait; and a re-run with nothing to do writes nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bot_helpers import ORG, TOKEN, BotHarness, assert_one_clean_commit, build_org, open_pulls
from test_faults import assert_all_done
from test_pacing import INTERVAL, assert_silence_after, assert_writes_apart, limited

from fake_github import FakeGitHub
from fake_github.graphql_schema import schema_available
from trustpub.bot.execute import RunConfig

pytestmark = pytest.mark.skipif(
    not schema_available(), reason="../shared/github-api/graphql/schema.graphql is not there"
)


def test_everything_at_once(fake: FakeGitHub, bot: BotHarness) -> None:
    org = build_org(fake, publishers=12)
    faults = fake.faults
    faults.server_error(502, times=3, path="/graphql", graphql="createCommitOnBranch")
    faults.server_error(503, rate=0.15, method="read")
    faults.secondary_rate_limit(times=2, path="/graphql", graphql="createPullRequest")
    faults.secondary_rate_limit(times=1, retry_after=20, method="read", skip=3)
    faults.too_many_requests(times=1, path="/graphql", graphql="createRef")
    faults.lose_response(times=2, path="/graphql", graphql="createRef")
    faults.lose_response(mode="drop", times=2, path="/graphql", graphql="createPullRequest")
    faults.lose_response(times=1, path="/graphql", graphql="createCommitOnBranch")
    faults.primary_rate_limit(reset_in=300)  # REST's budget spent: it resets in 5 minutes
    config = RunConfig(jobs=4, write_interval=INTERVAL, per_page=10)
    run = bot.run(config=config)
    assert_all_done(fake, org, run)
    assert_writes_apart(fake)
    for limit in limited(fake):  # the read's limit said Retry-After: 20; the writes' said none
        assert_silence_after(fake, limit, 60.0 if limit.is_write else 20.0)
    fired = {r.fault for r in fake.requests if r.fault}
    assert {
        "error:502",
        "error:403",
        "error:429",
        "lost_response:502",
        "lost_response:drop",
    } <= fired
    assert "primary_rate_limit" in fired

    fake.faults.clear()
    fake.requests.clear()
    again = bot.run(config=config)
    assert fake.requests.writes == []
    assert len(fake.requests) <= 30
    assert all(again.outcomes[name] == "unchanged" for name in org.needs_pr)


def test_killed_with_sigkill_then_run_again(
    fake: FakeGitHub, bot: BotHarness, tmp_path: Path
) -> None:
    """The bot in its own process, on real time, killed (SIGKILL) after a few writes; the next
    run finishes the job without a duplicate and without writing closer than the interval."""
    org = build_org(fake, publishers=10)
    fake.faults.server_error(502, rate=0.1, path="/graphql")
    fake.faults.secondary_rate_limit(times=1, retry_after=1, method="read", skip=2)
    fake.faults.lose_response(times=2, path="/graphql", graphql="createPullRequest")
    state = tmp_path / "state.jsonl"
    interval = 0.2
    command = [
        sys.executable,
        "-c",
        "from trustpub.cli import console_script; console_script()",
        "bot",
        "--org",
        ORG,
        "--base-url",
        fake.base_url,
        "--write-interval",
        str(interval),
        "--jobs",
        "2",
        "--state",
        str(state),
    ]
    environment = {**os.environ, "GITHUB_TOKEN": TOKEN}
    environment.pop("GH_TOKEN", None)
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while len(fake.requests.writes) < 7 and process.poll() is None:
            assert time.monotonic() < deadline, "the bot wrote nothing for a minute"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    killed = [n for n in org.needs_pr if not fake.pulls(n)]
    assert killed, "the run finished before it was killed: nothing left to prove"
    assert_writes_apart(fake, interval)

    fake.faults.clear()
    run = bot.run(config=RunConfig(jobs=2, write_interval=interval, state=state, resume=True))
    for name, paths in org.needs_pr.items():
        assert len(fake.pulls(name)) == 1 and len(open_pulls(fake, name)) == 1, name
        assert_one_clean_commit(fake, name, paths)
    recorded = {json.loads(line)["repository"] for line in _whole_lines(state)}
    assert sorted(recorded | set(run.outcomes)) == org.visited
    assert_writes_apart(fake, interval)  # across both runs, the killed one's last write included


def _whole_lines(path: Path) -> list[str]:
    """The state file's lines, but a last one SIGKILL may have cut short."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.endswith("}")]
