"""A stateful fake GitHub REST API server for tests that drive PyGithub.

Use the `fake_github` pytest fixture (see `fake_github.plugin`) or `FakeGitHub()` directly:

    def test_opens_one_pull_request(fake_github):
        fake_github.add_org("acme")
        fake_github.add_repo("acme/pkg", files={".github/workflows/release.yml": "..."})
        fake_github.add_secret("acme/pkg", "PYPI_API_TOKEN")
        fake_github.faults.lose_response(method="POST", path="/repos/*/pulls")
        run_the_cli(fake_github.base_url, fake_github.token)  # or use fake_github.client()
        assert [p.title for p in fake_github.pulls("acme/pkg")] == ["Use trusted publishing"]
        assert fake_github.read("acme/pkg", ".github/workflows/release.yml", ref="trustpub")
        assert {r.path for r in fake_github.requests.writes} <= {...}

Modules: `state` and `gitstore` hold the world; `routes_*` and `search` answer requests in the
shapes of `shapes*`; `graphql_*` serve POST /graphql by executing GitHub's schema over the world
(`graphql_route` the endpoint, `graphql_root` queries and mutations, `graphql_objects` and
`graphql_git` the types, `graphql_cost` limits and points); `router` matches raw paths and
paginates; `faults` and `ratelimit` inject errors and limits; `server` runs the HTTP pipeline and
the request log; `handle` is the test API.
"""

from __future__ import annotations

from fake_github.faults import FaultRule, Faults
from fake_github.handle import FakeGitHub
from fake_github.retry import FakeClockRetry
from fake_github.server import RecordedRequest, RequestLog

__all__ = ["FakeClockRetry", "FakeGitHub", "FaultRule", "Faults", "RecordedRequest", "RequestLog"]
