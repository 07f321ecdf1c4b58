"""The fake's GraphQL endpoint: GitHub's schema executed over the fake's world, GitHub's wire
format (../shared/github-api/replay/GraphQl.*), limits, costs and mutations."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from github_helpers import TOKEN

from fake_github import FakeGitHub
from fake_github.graphql_schema import schema_available
from github import Github

pytestmark = pytest.mark.skipif(
    not schema_available(), reason="../shared/github-api/graphql/schema.graphql is not there"
)


@pytest.fixture
def fake() -> Any:
    with FakeGitHub(token=TOKEN) as server:
        server.add_org("acme")
        for i in range(5):
            server.add_repo(f"acme/r{i}", files={".github/workflows/ci.yml": f"name: ci{i}\n"})
        yield server


@pytest.fixture
def gh(fake: FakeGitHub) -> Github:
    return fake.client()


def post(gh: Github, query: str, **variables: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    headers, body = gh.requester.requestJsonAndCheck(
        "POST", gh.requester.graphql_url, input={"query": query, "variables": variables}
    )
    return headers, body


def test_pygithubs_graphql_query_works_and_charges_the_graphql_budget(gh: Github) -> None:
    headers, data = gh.requester.graphql_query(
        "query Q($owner: String!, $name: String!) {\n"
        "  repository(owner: $owner, name: $name) { url }\n}",
        {"owner": "acme", "name": "r1"},
    )
    assert data["data"]["repository"]["url"].endswith("/acme/r1")
    assert headers["x-ratelimit-resource"] == "graphql"
    assert headers["content-type"].startswith("application/json")


def test_not_found_is_200_with_partial_data_and_a_typed_error(gh: Github) -> None:
    _, body = post(
        gh,
        'query { a: repository(owner: "acme", name: "nope") { id }\n'
        'b: repository(owner: "acme", name: "r0") { name } }',
    )
    assert body["data"] == {"a": None, "b": {"name": "r0"}}
    [error] = body["errors"]
    assert error["type"] == "NOT_FOUND" and error["path"] == ["a"]
    assert error["message"] == "Could not resolve to a Repository with the name 'acme/nope'."
    assert error["locations"][0].keys() == {"line", "column"}


def test_a_field_github_does_not_have_fails_validation(gh: Github) -> None:
    _, body = post(gh, 'query { repository(owner: "acme", name: "r0") { workflowFiles } }')
    assert "data" not in body
    assert "Cannot query field 'workflowFiles' on type 'Repository'" in body["errors"][0]["message"]


def test_pages_follow_cursors_and_the_cost_follows_githubs_formula(gh: Github) -> None:
    query = """query($after: String) {
      organization(login: "acme") {
        repositories(first: 2, after: $after, orderBy: {field: NAME, direction: ASC}) {
          pageInfo { hasNextPage endCursor }
          nodes { name pullRequests(first: 50) { totalCount } }
        }
      }
      rateLimit { cost nodeCount remaining }
    }"""
    names, after, costs = [], None, []
    while True:
        _, body = post(gh, query, after=after)
        page = body["data"]["organization"]["repositories"]
        names += [n["name"] for n in page["nodes"]]
        costs.append((body["data"]["rateLimit"]["cost"], body["data"]["rateLimit"]["nodeCount"]))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert names == ["r0", "r1", "r2", "r3", "r4"]
    assert costs == [(1, 2 + 2 * 50)] * 3  # 1 + 2 requests: rounds to 1 point


def test_connection_limits(gh: Github) -> None:
    _, body = post(gh, 'query { organization(login: "acme") { repositories { totalCount } } }')
    assert body["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    _, body = post(
        gh, 'query { organization(login: "acme") { repositories(first: 101) { totalCount } } }'
    )
    assert body["errors"][0]["type"] == "EXCESSIVE_PAGINATION"
    deep = (
        'query { organization(login: "acme") { repositories(first: 100) { nodes {\n'
        "pullRequests(first: 100) { nodes { commits(first: 100) { totalCount } } } } } } }"
    )
    _, body = post(gh, deep)
    assert body["errors"][0]["type"] == "MAX_NODE_LIMIT_EXCEEDED"  # 1,010,100 nodes


def test_a_spent_graphql_budget_answers_rate_limited(fake: FakeGitHub, gh: Github) -> None:
    fake.set_rate_limit("graphql", remaining=0, reset_in=600)
    headers, body = post(gh, "query { viewer { login } }")
    assert body["errors"][0]["type"] == "RATE_LIMITED"
    assert headers["x-ratelimit-remaining"] == "0"
    assert gh.get_repo("acme/r0").name == "r0"  # REST has its own budget


def test_blob_text_is_cut_and_binary_has_none(fake: FakeGitHub, gh: Github) -> None:
    fake.add_repo("acme/files", files={"big.txt": "x" * 50, "bin.dat": b"\x00\x01"})
    fake.graphql.text_limit = 10
    query = """query { repository(owner: "acme", name: "files") {
      big: object(expression: "HEAD:big.txt") { ... on Blob { text isTruncated byteSize isBinary } }
      bin: object(expression: "HEAD:bin.dat") { ... on Blob { text isTruncated byteSize isBinary } }
    } }"""
    _, body = post(gh, query)
    repo = body["data"]["repository"]
    assert repo["big"] == {"text": "x" * 10, "isTruncated": True, "byteSize": 50, "isBinary": False}
    assert repo["bin"] == {"text": None, "isTruncated": False, "byteSize": 2, "isBinary": True}


def test_commit_on_branch_refuses_a_moved_branch(fake: FakeGitHub, gh: Github) -> None:
    head = fake.branch_sha("acme/r0")
    fake.create_branch("acme/r0", "topic")
    mutation = """mutation($input: CreateCommitOnBranchInput!) {
      createCommitOnBranch(input: $input) { commit { oid message } }
    }"""
    payload = {
        "branch": {"repositoryNameWithOwner": "acme/r0", "branchName": "topic"},
        "expectedHeadOid": head,
        "message": {"headline": "Change", "body": "Why.\n"},
        "fileChanges": {
            "additions": [{"path": "a.txt", "contents": base64.b64encode(b"a\n").decode()}]
        },
    }
    _, body = post(gh, mutation, input=payload)
    commit = body["data"]["createCommitOnBranch"]["commit"]
    assert commit["message"] == "Change\n\nWhy.\n"
    assert fake.branch_sha("acme/r0", "topic") == commit["oid"]
    assert fake.read("acme/r0", "a.txt", ref="topic") == "a\n"
    _, body = post(gh, mutation, input=payload)  # the same again: the branch moved since
    assert body["data"]["createCommitOnBranch"] is None
    assert body["errors"][0]["type"] == "STALE_DATA"
    assert fake.branch_sha("acme/r0", "topic") == commit["oid"]


def test_refs_and_pull_requests_are_created_once(fake: FakeGitHub, gh: Github) -> None:
    repo_id = gh.get_repo("acme/r0").node_id
    head = fake.branch_sha("acme/r0")
    create_ref = "mutation($input: CreateRefInput!) { createRef(input: $input) { ref { name } } }"
    ref = {"repositoryId": repo_id, "name": "refs/heads/topic", "oid": head}
    _, body = post(gh, create_ref, input=ref)
    assert body["data"]["createRef"]["ref"]["name"] == "topic"
    _, body = post(gh, create_ref, input=ref)
    assert "already exists" in body["errors"][0]["message"]
    fake.commit("acme/r0", {"b.txt": "b\n"}, branch="topic")
    create_pull = """mutation($input: CreatePullRequestInput!) {
      createPullRequest(input: $input) { pullRequest { number state headRefName } }
    }"""
    pull = {"repositoryId": repo_id, "baseRefName": "main", "headRefName": "topic", "title": "T"}
    _, body = post(gh, create_pull, input=pull)
    assert body["data"]["createPullRequest"]["pullRequest"] == {
        "number": 1,
        "state": "OPEN",
        "headRefName": "topic",
    }
    _, body = post(gh, create_pull, input=pull)
    assert body["errors"][0]["message"] == "A pull request already exists for acme:topic."
    assert len(fake.pulls("acme/r0")) == 1


def test_a_query_too_heavy_times_out_with_githubs_answer(fake: FakeGitHub) -> None:
    from github import GithubException

    gh = fake.client(retry=None)  # the answer itself, not retries of it
    fake.graphql.timeout_after_blobs = 2
    query = (
        'query { organization(login: "acme") { repositories(first: 5) { nodes {\n'
        'object(expression: "HEAD:.github/workflows/ci.yml") { ... on Blob { text } } } } } }'
    )
    with pytest.raises(GithubException) as error:
        post(gh, query)
    assert error.value.status == 502
    assert "This may be the result of a timeout" in str(error.value.data)
