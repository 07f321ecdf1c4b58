"""The bot's cost at GitHub's limits: an organisation of 1,000 repositories, 100 of them publishing
to PyPI with a token, against the project's fake GitHub (tests/fake_github), through GraphQL and,
for comparison, through REST only (`--no-graphql`).

    python bench/bot.py [--repos 1000] [--publishers 100] [--jobs 4] [--no-rest]

Printed per API: requests to read the organisation, writes per new pull request, GraphQL queries
and points (`rateLimit { cost }`), the requests of a re-run with nothing to do, and the run's
own time. The write interval is GitHub's 1 s, on the fake's clock (so the run does not take
minutes); the time the interval would have taken is printed beside it. The re-run starts with a
fresh hour's budget (through REST the first run leaves too little for it). Needs ../shared (GitHub's
GraphQL schema). This is a script that prints figures, never a test: the targets are asserted in
tests/bot/test_costs.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "tests"), str(HERE.parent / "tests" / "bot")]

from big_org import ORG, build_big_org  # noqa: E402
from bot_helpers import TOKEN, BotHarness, Run  # noqa: E402
from test_costs import repository_of  # noqa: E402

from fake_github import FakeGitHub  # noqa: E402
from trustpub.bot.discovery import Selection  # noqa: E402
from trustpub.bot.execute import RunConfig  # noqa: E402

WRITE_INTERVAL = 1.0  # GitHub's guidance, and the bot's default


@dataclass(frozen=True)
class Costs:
    reads: int  # everything but writes and the secrets looked up for a new pull request
    secrets: int
    writes: int
    most_writes: int  # for one pull request
    queries: int
    points: int
    mutations: int
    rerun: int
    rerun_writes: int
    seconds: float
    rerun_seconds: float
    paced: float  # seconds the write interval stands for


def measure(repositories: int, publishers: int, jobs: int, graphql: bool) -> Costs:
    with FakeGitHub(token=TOKEN) as fake:
        needs = build_big_org(fake, repositories, publishers)
        bot = BotHarness(fake, graphql=graphql)
        config = RunConfig(jobs=jobs, write_interval=WRITE_INTERVAL)
        started = time.perf_counter()
        run = bot.run(Selection(org=ORG), config=config)
        seconds = time.perf_counter() - started
        changed = sorted(n for n, o in run.outcomes.items() if o == "changed")
        assert changed == needs, "the run did not open every pull request"
        writes = Counter(repository_of(fake, r) for r in fake.requests.writes)
        secrets = sum(1 for r in fake.requests if "/actions/" in r.path)
        reads = sum(1 for r in fake.requests if not r.is_write) - secrets
        queries, points, mutations = _graphql(run)
        fake.requests.clear()
        for resource in ("core", "graphql"):  # an hour later: REST alone would have run dry
            fake.set_rate_limit(resource, remaining=5000)
        started = time.perf_counter()
        again = bot.run(Selection(org=ORG), config=config)
        rerun_seconds = time.perf_counter() - started
        assert set(again.outcomes.values()) == {"unchanged"}, "the re-run did not finish"
        return Costs(
            reads,
            secrets,
            sum(writes.values()),
            max(writes.values()),
            queries,
            points,
            mutations,
            len(fake.requests),
            len(fake.requests.writes),
            seconds,
            rerun_seconds,
            sum(writes.values()) * WRITE_INTERVAL,
        )


def _graphql(run: Run) -> tuple[int, int, int]:
    usage = run.summary.usage.graphql if run.summary and run.summary.usage else None
    return (usage.queries, usage.points, usage.mutations) if usage else (0, 0, 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--publishers", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--no-rest", action="store_true", help="skip the REST comparison")
    args = parser.parse_args()
    apis = [("GraphQL", True)] + ([] if args.no_rest else [("REST only", False)])
    results = {name: measure(args.repos, args.publishers, args.jobs, g) for name, g in apis}
    print(
        f"organisation: {args.repos:,} repositories (all with workflow files), "
        f"{args.publishers} publishing with a token; --jobs {args.jobs}, write interval "
        f"{WRITE_INTERVAL:g} s on the fake's clock\n"
    )
    print("| measurement | " + " | ".join(results) + " | target (GraphQL) |")
    print("|---|" + "---|" * len(results) + "---|")
    rows = [
        ("read the organisation (requests)", lambda c: f"{c.reads:,}", "<= 30"),
        ("writes per new pull request (most)", lambda c: f"{c.most_writes}", "<= 3"),
        ("writes in all", lambda c: f"{c.writes:,}", ""),
        ("secrets looked up for the pull requests", lambda c: f"{c.secrets:,}", ""),
        (
            "GraphQL queries / points / mutations",
            lambda c: f"{c.queries} / {c.points} / {c.mutations}",
            "",
        ),
        (
            "re-run with nothing to do (requests, writes)",
            lambda c: f"{c.rerun:,}, {c.rerun_writes}",
            "<= 30, 0",
        ),
        (
            "run / re-run, this machine (s)",
            lambda c: f"{c.seconds:.1f} / {c.rerun_seconds:.1f}",
            "",
        ),
        ("time the write interval takes on GitHub (s)", lambda c: f"{c.paced:,.0f}", ""),
    ]
    for title, cell, target in rows:
        print(f"| {title} | " + " | ".join(cell(c) for c in results.values()) + f" | {target} |")
    graphql = results["GraphQL"]
    met = graphql.reads <= 30 and graphql.most_writes <= 3 and graphql.rerun <= 30
    print(f"\ntargets: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
