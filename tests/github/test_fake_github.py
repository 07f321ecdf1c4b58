"""The fake GitHub server, driven through real PyGithub: state, errors, pagination and faults."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
import requests
from github.EnvironmentDeploymentBranchPolicy import EnvironmentDeploymentBranchPolicyParams
from github.EnvironmentProtectionRuleReviewer import ReviewerParams
from github.PaginatedList import PaginatedList
from github.Secret import Secret
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_github import FakeGitHub
from fake_github.gitstore import MODE_FILE, ObjectStore, TreeEntry
from github import (
    BadCredentialsException,
    Github,
    GithubException,
    InputGitTreeElement,
    RateLimitExceededException,
    UnknownObjectException,
)

PUBLISH = """\
name: Release
on: push
jobs:
  pypi:
    runs-on: ubuntu-latest
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""


def raw(fake: FakeGitHub, method: str, path: str, **kwargs: Any) -> requests.Response:
    """A request PyGithub would not send as-is (no retries, no redirects followed)."""
    headers = {"Authorization": f"token {fake.token}", **kwargs.pop("headers", {})}
    return requests.request(
        method, fake.base_url + path, headers=headers, allow_redirects=False, timeout=5, **kwargs
    )


def urls_in(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [u for value in data.values() for u in urls_in(value)]
    if isinstance(data, list):
        return [u for value in data for u in urls_in(value)]
    return [data] if isinstance(data, str) and "://" in data else []


@pytest.fixture
def gh(fake_github: FakeGitHub) -> Github:
    return fake_github.client()


@pytest.fixture
def acme(fake_github: FakeGitHub) -> FakeGitHub:
    """An organisation with a package repository that publishes with a token."""
    fake_github.add_org("acme")
    fake_github.add_user("alice", name="Alice")
    fake_github.add_repo(
        "acme/pkg",
        files={
            "README.md": "# pkg\n",
            ".github/workflows/release.yml": PUBLISH,
            "src/pkg/__init__.py": "",
        },
        topics=["python"],
        description="A package",
    )
    return fake_github


# ---- repositories, accounts, errors ---------------------------------------------------------
def test_repo_fields_and_every_url_on_the_fake_host(acme: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo("acme/pkg")
    assert (repo.full_name, repo.default_branch, repo.owner.login) == ("acme/pkg", "main", "acme")
    assert (repo.archived, repo.fork, repo.private, repo.topics) == (
        False,
        False,
        False,
        ["python"],
    )
    assert repo.organization.login == "acme"
    urls = urls_in(repo.raw_data)
    assert urls
    host = acme.base_url.split("://")[1]
    assert all(host in u for u in urls), [u for u in urls if host not in u]
    assert gh.get_repo(repo.id).full_name == "acme/pkg"


def test_unknown_objects_raise_unknown_object_exception(acme: FakeGitHub, gh: Github) -> None:
    with pytest.raises(UnknownObjectException) as error:
        gh.get_repo("acme/missing")
    assert error.value.status == 404
    assert error.value.data["message"] == "Not Found"
    assert "documentation_url" in error.value.data
    with pytest.raises(UnknownObjectException):
        gh.get_organization("nobody")
    with pytest.raises(UnknownObjectException):
        gh.get_repo("acme/pkg").get_branch("nope")


def test_wrong_token_is_bad_credentials(acme: FakeGitHub) -> None:
    with pytest.raises(BadCredentialsException) as error:
        acme.client(token="wrong").get_repo("acme/pkg")
    assert error.value.status == 401
    assert [r.status for r in acme.requests] == [401]
    assert (
        raw(acme, "GET", "/user", headers={"Authorization": ""}).json()["message"]
        == "Requires authentication"
    )
    assert (
        raw(acme, "GET", "/user", headers={"Authorization": f"Bearer {acme.token}"}).status_code
        == 200
    )


def test_users_orgs_teams_and_the_authenticated_user(acme: FakeGitHub, gh: Github) -> None:
    assert gh.get_user().login == "octocat"
    assert gh.get_user("alice").name == "Alice"
    assert gh.get_user("acme").type == "Organization"
    team = acme.add_team("acme", "release-managers")
    assert gh.get_organization("acme").get_team_by_slug("release-managers").id == team.id


def test_rate_limit_headers_decrement_and_rate_limit_endpoint(acme: FakeGitHub, gh: Github) -> None:
    first = raw(acme, "GET", "/repos/acme/pkg")
    second = raw(acme, "GET", "/repos/acme/pkg")
    assert int(first.headers["X-RateLimit-Remaining"]) - 1 == int(
        second.headers["X-RateLimit-Remaining"]
    )
    assert second.headers["X-RateLimit-Resource"] == "core"
    assert {"X-RateLimit-Limit", "X-RateLimit-Reset", "X-RateLimit-Used"} <= set(second.headers)
    assert "ETag" not in second.headers and "Last-Modified" not in second.headers
    acme.set_rate_limit(limit=100, remaining=50)
    limits = gh.get_rate_limit()
    assert (limits.resources.core.limit, limits.resources.core.remaining) == (100, 50)
    assert limits.resources.code_search.limit == 10
    assert gh.rate_limiting == (50, 100)


def test_org_repos_paginate_with_link_headers_and_total_count(
    fake_github: FakeGitHub, gh: Github
) -> None:
    fake_github.add_org("big")
    for index in range(65):
        fake_github.add_repo(f"big/r{index:02d}", archived=index % 10 == 0)
    fake_github.add_repo("big/fork", fork_of="big/r01")
    org = gh.get_organization("big")
    assert len(list(org.get_repos(type="sources"))) == 65
    # a fresh list: after iterating, PyGithub 2.10 sends the totalCount request without `type`
    assert org.get_repos(type="sources").totalCount == 65
    pages = [r for r in fake_github.requests if r.path.endswith("/repos")]
    assert [r.params.get("page") for r in pages] == [None, "2", "3", None]
    assert pages[1].path == f"/organizations/{fake_github.world.account('big').id}/repos"  # type: ignore[union-attr]
    assert all(r.params["type"] == "sources" for r in pages)
    link = raw(fake_github, "GET", "/orgs/big/repos?type=all&per_page=20&page=2").headers["Link"]
    parts = link.split(", ")
    assert [p.split("; ")[1] for p in parts] == [
        'rel="next"',
        'rel="last"',
        'rel="first"',
        'rel="prev"',
    ]
    assert all("type=all" in p and "per_page=20" in p for p in parts)
    assert "page=4>" in parts[1]
    assert len(raw(fake_github, "GET", "/orgs/big/repos?per_page=500").json()) == 66


def test_user_and_viewer_repository_listings(acme: FakeGitHub, gh: Github) -> None:
    acme.add_repo("alice/public-one", owner_type="User")
    acme.add_repo("alice/secret-one", private=True)
    acme.add_repo("octocat/mine", private=True)
    assert [r.full_name for r in gh.get_user("alice").get_repos()] == ["alice/public-one"]
    mine = {r.full_name for r in gh.get_user().get_repos()}
    assert mine == {"acme/pkg", "octocat/mine"}
    assert {r.full_name for r in gh.get_user().get_repos(visibility="private")} == {"octocat/mine"}
    with pytest.raises(GithubException) as error:
        list(gh.get_user().get_repos(type="owner", visibility="all"))
    assert error.value.status == 422


def test_renamed_repository_answers_301_which_pygithub_follows(
    acme: FakeGitHub, gh: Github
) -> None:
    acme.rename_repo("acme/pkg", "package")
    assert gh.get_repo("acme/pkg").full_name == "acme/package"
    assert [r.status for r in acme.requests] == [301, 200]


# ---- contents -------------------------------------------------------------------------------
def test_contents_directory_file_and_lazy_completion(acme: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo("acme/pkg")
    listing = repo.get_contents(".github/workflows")
    assert isinstance(listing, list) and [c.path for c in listing] == [
        ".github/workflows/release.yml"
    ]
    before = len(acme.requests)
    assert listing[0].decoded_content.decode() == PUBLISH
    assert acme.requests[before].path == "/repos/acme/pkg/contents/.github/workflows/release.yml"
    assert acme.requests[before].params == {"ref": "main"}
    root = repo.get_contents("")
    assert isinstance(root, list) and {c.type for c in root} == {"dir", "file"}
    readme = repo.get_contents("README.md")
    assert not isinstance(readme, list) and readme.sha == repo.get_git_blob(readme.sha).sha
    assert requests.get(readme.download_url, timeout=5).text == "# pkg\n"
    with pytest.raises(UnknownObjectException):
        repo.get_contents("missing.txt")


def test_contents_ref_parameter_and_trailing_slash_redirect(acme: FakeGitHub, gh: Github) -> None:
    acme.commit("acme/pkg", {"README.md": "changed\n"}, branch="feature")
    repo = gh.get_repo("acme/pkg")
    assert repo.get_contents("README.md", ref="feature").decoded_content == b"changed\n"  # type: ignore[union-attr]
    assert repo.get_contents("README.md").decoded_content == b"# pkg\n"  # type: ignore[union-attr]
    listing = repo.get_contents("src/")
    assert [c.name for c in listing] == ["pkg"]  # type: ignore[union-attr]
    assert [r.status for r in acme.requests][-2:] == [302, 200]
    with pytest.raises(GithubException) as error:  # 404 without "not found": not UnknownObject
        repo.get_contents("README.md", ref="nope")
    assert (error.value.status, error.value.data["message"]) == (
        404,
        "No commit found for the ref nope",
    )
    assert not isinstance(error.value, UnknownObjectException)


def test_empty_repository(fake_github: FakeGitHub, gh: Github) -> None:
    fake_github.add_repo("acme/empty", empty=True)
    repo = gh.get_repo("acme/empty")
    with pytest.raises(GithubException) as error:
        repo.get_contents("")
    assert (error.value.status, error.value.data["message"]) == (404, "This repository is empty.")
    with pytest.raises(GithubException) as conflict:
        repo.create_git_ref("refs/heads/x", "0" * 40)
    assert conflict.value.status == 409
    repo.create_file("README.md", "first", "hello")
    assert fake_github.read("acme/empty", "README.md") == "hello"


def test_create_update_delete_file_through_the_contents_api(acme: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo("acme/pkg")
    head = acme.branch_sha("acme/pkg")
    created = repo.create_file("docs/new.md", "add docs", "hello\n", branch="main")
    assert created["commit"].parents[0].sha == head
    assert acme.read("acme/pkg", "docs/new.md") == "hello\n"
    assert acme.requests[-1].status == 201
    with pytest.raises(GithubException) as missing_sha:
        repo.create_file("docs/new.md", "again", "x")
    assert (missing_sha.value.status, missing_sha.value.data["message"]) == (
        422,
        'Invalid request.\n\n"sha" wasn\'t supplied.',
    )
    with pytest.raises(GithubException) as stale:
        repo.update_file("docs/new.md", "stale", "x", sha="0" * 40)
    assert (stale.value.status, stale.value.data["message"]) == (
        409,
        f"docs/new.md does not match {'0' * 40}",
    )
    updated = repo.update_file("docs/new.md", "update", "bye\n", created["content"].sha)
    assert acme.requests[-1].status == 200
    assert acme.read("acme/pkg", "docs/new.md") == "bye\n"
    with pytest.raises(UnknownObjectException):
        repo.update_file("docs/new.md", "wrong branch", "x", updated["content"].sha, branch="nope")
    repo.delete_file("docs/new.md", "remove", updated["content"].sha)
    assert acme.read("acme/pkg", "docs/new.md") is None
    assert len(acme.requests.writes) == 6


# ---- git data -------------------------------------------------------------------------------
def test_git_object_ids_are_real_git_ids(fake_github: FakeGitHub, gh: Github) -> None:
    fake_github.add_repo("acme/ids", files={"a/b/x.txt": "hello", "z.txt": "top", "a.txt": "m"})
    repo = gh.get_repo("acme/ids")
    assert repo.create_git_blob("hello", "utf-8").sha == "b6fc4c620b67d95f953a5c1c1230aaab5db5a1b0"
    head = repo.get_git_commit(fake_github.branch_sha("acme/ids") or "")
    # what `git write-tree` gives for the same files
    assert head.tree.sha == "2738142346e8fa61e55c398624071ffc13474ef6"


PATHS = st.sampled_from(["a", "b.txt", "a.txt", "d/x", "d/y", "d/e", "d/e/z", "d/e/f/g", "e"])
EDITS = st.lists(st.tuples(PATHS, st.one_of(st.none(), st.binary(max_size=3))), max_size=12)


@settings(max_examples=60, deadline=None)
@given(EDITS)
def test_tree_edits_behave_like_a_dict_of_files(edits: list[tuple[str, bytes | None]]) -> None:
    """Nested paths, base trees and deletions: the store agrees with a plain dict of files, and
    the resulting tree has the same sha as one written from scratch."""
    store, model, tree = ObjectStore(), {}, None
    for path, data in edits:
        if any(p.startswith(path + "/") or path.startswith(p + "/") for p in model if p != path):
            continue  # a file where a directory is (or the reverse) is not a git tree
        entry = (
            TreeEntry(path, MODE_FILE, "blob", store.put_blob(data)) if data is not None else None
        )
        tree = store.edit_tree(tree, [(path, entry)])
        if data is None:
            model.pop(path, None)
        else:
            model[path] = data
    assert store.files(tree or store.put_tree([])) == model
    fresh = ObjectStore()
    rebuilt = fresh.edit_tree(
        None, [(p, TreeEntry(p, MODE_FILE, "blob", fresh.put_blob(d))) for p, d in model.items()]
    )
    assert (tree or rebuilt) == rebuilt


def test_multi_file_commit_through_the_git_data_api(acme: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo("acme/pkg")
    ref = repo.get_git_ref("heads/main")
    base = repo.get_git_commit(ref.object.sha)
    recursive = repo.get_git_tree(ref.object.sha, recursive=True)
    assert {e.path for e in recursive.tree} >= {
        ".github/workflows/release.yml",
        "src/pkg",
        "src/pkg/__init__.py",
    }
    blob = repo.create_git_blob(base64.b64encode(b"\x00binary").decode(), "base64")
    tree = repo.create_git_tree(
        [
            InputGitTreeElement(
                ".github/workflows/release.yml", "100644", "blob", content="name: new\n"
            ),
            InputGitTreeElement("data/raw.bin", "100644", "blob", sha=blob.sha),
            InputGitTreeElement("README.md", "100644", "blob", sha=None),
        ],
        base_tree=base.tree,
    )
    commit = repo.create_git_commit("Replace the workflow", tree, [base])
    ref.edit(commit.sha)
    files = acme.files("acme/pkg")
    assert files[".github/workflows/release.yml"] == b"name: new\n"
    assert files["data/raw.bin"] == b"\x00binary"
    assert "README.md" not in files and "src/pkg/__init__.py" in files
    assert repo.get_branch("main").commit.sha == commit.sha
    assert repo.get_contents("data/raw.bin").sha == blob.sha  # type: ignore[union-attr]
    same = repo.create_git_tree(
        [InputGitTreeElement("data/raw.bin", "100644", "blob", sha=blob.sha)],
        base_tree=repo.get_git_tree(commit.sha),
    )
    assert same.sha == tree.sha  # an unchanged tree hashes the same


def test_refs_create_duplicate_fast_forward_and_delete(acme: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo("acme/pkg")
    main = acme.branch_sha("acme/pkg") or ""
    branch = repo.create_git_ref("refs/heads/trustpub", main)
    assert branch.url == f"{acme.base_url}/repos/acme/pkg/git/refs/heads/trustpub"
    with pytest.raises(GithubException) as exists:
        repo.create_git_ref("refs/heads/trustpub", main)
    assert (exists.value.status, exists.value.data["message"]) == (422, "Reference already exists")
    with pytest.raises(GithubException) as short:
        repo.create_git_ref("heads/x", main)
    assert short.value.status == 422
    ahead = acme.commit("acme/pkg", {"x": "1"}, branch="trustpub")
    diverged = acme.commit("acme/pkg", {"y": "2"}, branch="other")
    ref = repo.get_git_ref("heads/trustpub")
    with pytest.raises(GithubException) as not_ff:
        ref.edit(diverged)
    assert (not_ff.value.status, not_ff.value.data["message"]) == (
        422,
        "Update is not a fast forward",
    )
    assert acme.branch_sha("acme/pkg", "trustpub") == ahead
    ref.edit(diverged, force=True)
    assert acme.branch_sha("acme/pkg", "trustpub") == diverged
    assert {r.ref for r in repo.get_git_matching_refs("heads/")} == {
        "refs/heads/main",
        "refs/heads/other",
        "refs/heads/trustpub",
    }
    ref.delete()
    with pytest.raises(UnknownObjectException):
        repo.get_git_ref("heads/trustpub")
    with pytest.raises(UnknownObjectException) as gone:
        repo.get_branch("trustpub")
    assert gone.value.data["message"] == "Branch not found"


# ---- pull requests and labels ---------------------------------------------------------------
def test_pull_request_create_duplicate_list_and_edit(acme: FakeGitHub, gh: Github) -> None:
    acme.commit("acme/pkg", {"x.txt": "x"}, branch="trustpub")
    repo = gh.get_repo("acme/pkg")
    pull = repo.create_pull(
        "main", "trustpub", title="Use trusted publishing", body="b", draft=True
    )
    assert (pull.number, pull.draft, pull.head.ref, pull.base.ref, pull.changed_files) == (
        1,
        True,
        "trustpub",
        "main",
        1,
    )
    assert pull.issue_url == f"{acme.base_url}/repos/acme/pkg/issues/1"
    with pytest.raises(GithubException) as duplicate:
        repo.create_pull("main", "acme:trustpub", title="again")
    assert duplicate.value.status == 422
    assert (
        duplicate.value.data["errors"][0]["message"]
        == "A pull request already exists for acme:trustpub."
    )
    acme.add_pull("acme/pkg", head="unrelated")
    assert repo.get_pulls(state="open", head="acme:trustpub", base="main").totalCount == 1
    # a bare branch name (no "owner:") is ignored, as on GitHub: every pull request matches
    assert repo.get_pulls(head="trustpub").totalCount == 2
    pull.edit(title="New title", body="New body", state="closed")
    assert (repo.get_pull(1).title, repo.get_pull(1).state) == ("New title", "closed")
    assert repo.get_pulls(head="acme:trustpub").totalCount == 0
    assert acme.pull("acme/pkg", 1).body == "New body"
    with pytest.raises(GithubException) as no_diff:
        repo.create_pull("main", "main", title="nothing")
    assert no_diff.value.data["errors"][0]["message"] == "No commits between main and main"


def test_pull_states_set_from_the_test_side(acme: FakeGitHub, gh: Github) -> None:
    merged = acme.add_pull("acme/pkg", head="one", files={"one.txt": "1"})
    closed = acme.add_pull("acme/pkg", head="two")
    acme.merge_pull("acme/pkg", merged.number)
    acme.close_pull("acme/pkg", closed.number)
    repo = gh.get_repo("acme/pkg")
    assert repo.get_pull(merged.number).merged and not repo.get_pull(closed.number).merged
    assert {p.number for p in repo.get_pulls(state="closed")} == {merged.number, closed.number}
    assert acme.read("acme/pkg", "one.txt") == "1"
    with pytest.raises(GithubException):
        repo.get_pull(merged.number).edit(state="open")


def test_deleting_a_head_branch_closes_its_pull_request(acme: FakeGitHub, gh: Github) -> None:
    acme.add_pull("acme/pkg", head="feature")
    repo = gh.get_repo("acme/pkg")
    repo.get_git_ref("heads/feature").delete()
    assert repo.get_pull(1).state == "closed"


def test_pull_list_pages_use_the_id_form(acme: FakeGitHub, gh: Github) -> None:
    for index in range(35):
        acme.add_pull("acme/pkg", head=f"b{index}")
    repo = gh.get_repo("acme/pkg")
    numbers = [p.number for p in repo.get_pulls()]
    assert numbers == list(range(35, 0, -1))
    assert acme.requests[-1].path == f"/repositories/{repo.id}/pulls"


def test_issue_labels_accept_a_bare_array_and_auto_create(acme: FakeGitHub, gh: Github) -> None:
    acme.add_label("acme/pkg", "release", color="00ff00")
    number = acme.add_pull("acme/pkg", head="feature").number
    pr = gh.get_repo("acme/pkg").get_pull(number)
    pr.add_to_labels("release", "ci")
    assert acme.requests[-1].body == ["release", "ci"]
    assert [label.name for label in pr.get_labels()] == ["release", "ci"]
    ci = gh.get_repo("acme/pkg").get_label("ci")
    assert (ci.color, ci.description) == ("ededed", None)
    pr.set_labels("security")
    assert acme.pull("acme/pkg", number).labels == ["security"]
    pr.remove_from_labels("security")
    with pytest.raises(GithubException) as missing:
        pr.remove_from_labels("security")
    assert (missing.value.status, missing.value.data["message"]) == (404, "Label does not exist")


def test_repository_labels(acme: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo("acme/pkg")
    created = repo.create_label("trusted-publishing", "0e8a16", "Moved to OIDC")
    assert acme.requests[-1].status == 201
    assert repo.get_label("trusted-publishing").description == "Moved to OIDC"
    assert [label.name for label in repo.get_labels()] == [created.name]
    with pytest.raises(GithubException) as exists:
        repo.create_label("Trusted-Publishing", "0e8a16")
    assert exists.value.data["errors"] == [
        {"resource": "Label", "field": "name", "code": "already_exists"}
    ]
    with pytest.raises(GithubException) as color:
        repo.create_label("bad", "zzz")
    assert color.value.data["errors"][0]["field"] == "color"
    with pytest.raises(UnknownObjectException):
        repo.get_label("nope")


def test_requested_reviewers(acme: FakeGitHub, gh: Github) -> None:
    acme.add_team("acme", "maintainers")
    number = acme.add_pull("acme/pkg", head="feature").number
    pr = gh.get_repo("acme/pkg").get_pull(number)
    pr.create_review_request(reviewers=["alice"], team_reviewers=["maintainers"])
    users, teams = pr.get_review_requests()
    assert [u.login for u in users] == ["alice"] and [t.slug for t in teams] == ["maintainers"]
    with pytest.raises(GithubException) as unknown:
        pr.create_review_request(reviewers=["nobody"])
    assert "collaborators" in unknown.value.data["errors"][0]["message"]


# ---- environments, secrets, workflows -------------------------------------------------------
def test_environments_create_update_get_and_delete(acme: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo("acme/pkg")
    alice = acme.world.account("alice")
    assert alice is not None
    team = acme.add_team("acme", "release")
    env = repo.create_environment(
        "pypi",
        wait_timer=5,
        reviewers=[ReviewerParams("User", alice.id), ReviewerParams("Team", team.id)],
        deployment_branch_policy=EnvironmentDeploymentBranchPolicyParams(protected_branches=True),
    )
    assert acme.requests[-1].status == 200
    assert [r.type for r in env.protection_rules] == [
        "required_reviewers",
        "wait_timer",
        "branch_policy",
    ]
    reviewers = env.protection_rules[0].reviewers
    assert [(r.type, r.reviewer.id) for r in reviewers] == [("User", alice.id), ("Team", team.id)]
    assert env.deployment_branch_policy.protected_branches is True
    again = repo.create_environment("pypi")  # PyGithub sends every key: reviewers [] clears them
    assert [r.type for r in again.protection_rules] == []
    assert repo.get_environment("PyPI").name == "pypi"
    assert [e.name for e in repo.get_environments()] == ["pypi"]
    with pytest.raises(GithubException) as invalid:
        repo.create_environment(
            "x", deployment_branch_policy=EnvironmentDeploymentBranchPolicyParams(True, True)
        )
    assert invalid.value.status == 422
    repo.delete_environment("pypi")
    with pytest.raises(UnknownObjectException):
        repo.get_environment("pypi")


def test_environment_names_with_a_slash_and_environment_secrets(
    acme: FakeGitHub, gh: Github
) -> None:
    repo = gh.get_repo("acme/pkg")
    env = repo.create_environment("release/pypi")
    assert acme.requests[-1].path == "/repos/acme/pkg/environments/release%2Fpypi"
    env.create_secret("pypi_api_token", "s3cret")
    assert acme.requests[-1].status == 201
    env.create_secret("PYPI_API_TOKEN", "again")
    assert acme.requests[-1].status == 204
    assert [s.name for s in env.get_secrets()] == ["PYPI_API_TOKEN"]
    assert (
        acme.repo("acme/pkg").environments["release/pypi"].secrets["PYPI_API_TOKEN"].encrypted_value
    )
    env.delete_secret("PYPI_API_TOKEN")
    assert list(repo.get_environment("release/pypi").get_secrets()) == []


def test_repository_secrets(acme: FakeGitHub, gh: Github) -> None:
    acme.add_secret("acme/pkg", "PYPI_API_TOKEN")
    repo = gh.get_repo("acme/pkg")
    key = repo.get_public_key()
    assert len(base64.b64decode(key.key)) == 32
    repo.create_secret("test_pypi_token", "value")
    assert sorted(s.name for s in repo.get_secrets()) == ["PYPI_API_TOKEN", "TEST_PYPI_TOKEN"]
    assert repo.get_secret("PYPI_API_TOKEN").name == "PYPI_API_TOKEN"
    assert repo.delete_secret("PYPI_API_TOKEN") is True
    assert list(acme.repo("acme/pkg").secrets) == ["TEST_PYPI_TOKEN"]
    with pytest.raises(GithubException) as bad_name:
        repo.create_secret("GITHUB_TOKEN", "x")
    assert bad_name.value.status == 422


def test_organisation_secrets_and_the_ones_a_repository_sees(acme: FakeGitHub, gh: Github) -> None:
    acme.add_repo("acme/private", private=True)
    acme.add_repo("acme/chosen")
    acme.add_org_secret("acme", "PYPI_TOKEN", visibility="all")
    acme.add_org_secret("acme", "PRIVATE_ONLY", visibility="private")
    acme.add_org_secret("acme", "SELECTED", visibility="selected", repos=["acme/chosen"])
    org_secrets = {s.name: s.visibility for s in gh.get_organization("acme").get_secrets()}
    assert org_secrets == {"PYPI_TOKEN": "all", "PRIVATE_ONLY": "private", "SELECTED": "selected"}

    def visible(name: str) -> list[str]:
        repo = gh.get_repo(name)
        pages = PaginatedList(
            Secret,
            repo.requester,
            f"{repo.url}/actions/organization-secrets",
            None,
            list_item="secrets",
        )
        return [s.name for s in pages]

    assert visible("acme/pkg") == ["PYPI_TOKEN"]
    assert visible("acme/private") == ["PRIVATE_ONLY", "PYPI_TOKEN"]
    assert visible("acme/chosen") == ["PYPI_TOKEN", "SELECTED"]
    acme.add_org("other", role="member")
    with pytest.raises(GithubException) as forbidden:
        list(gh.get_organization("other").get_secrets())
    assert forbidden.value.status == 403


def test_repository_without_admin_rights_cannot_touch_secrets(acme: FakeGitHub, gh: Github) -> None:
    acme.add_repo("acme/readonly", permissions={"admin": False, "push": True, "pull": True})
    with pytest.raises(GithubException) as forbidden:
        list(gh.get_repo("acme/readonly").get_secrets())
    assert forbidden.value.status == 403


def test_workflows_are_listed_from_the_default_branch(acme: FakeGitHub, gh: Github) -> None:
    acme.commit("acme/pkg", {".github/workflows/ci.yaml": "on: push\n"})
    workflows = list(gh.get_repo("acme/pkg").get_workflows())
    assert [(w.name, w.path) for w in workflows] == [
        (".github/workflows/ci.yaml", ".github/workflows/ci.yaml"),
        ("Release", ".github/workflows/release.yml"),
    ]
    assert gh.get_repo("acme/pkg").get_workflow("release.yml").id == workflows[1].id


# ---- code search ----------------------------------------------------------------------------
def test_code_search_qualifiers_pagination_and_lazy_items(
    fake_github: FakeGitHub, gh: Github
) -> None:
    fake_github.add_org("acme")
    for index in range(7):
        fake_github.add_repo(
            f"acme/p{index}", files={".github/workflows/release.yml": PUBLISH, "setup.py": "x"}
        )
    fake_github.add_repo("acme/other", files={"docs/ci.yml": PUBLISH})
    fake_github.add_repo("acme/fork", fork_of="acme/p0")
    fake_github.add_repo("acme/gone", files={".github/workflows/r.yml": PUBLISH}, archived=True)
    fake_github.add_repo("else/where", files={".github/workflows/r.yml": PUBLISH})
    fake_github.set_search_incomplete(True)
    results = gh.search_code("pypa/gh-action-pypi-publish", org="acme", path=".github/workflows")
    paths = [(r.repository.full_name, r.path) for r in results]
    assert len(paths) == 8 and ("acme/gone", ".github/workflows/r.yml") in paths
    assert results.totalCount == 8 and results.incomplete_results is True
    query = fake_github.requests[0].params["q"]
    assert query == "pypa/gh-action-pypi-publish org:acme path:.github/workflows"
    first = results[0]
    assert first.decoded_content.decode() == PUBLISH
    assert fake_github.requests[-1].path.startswith("/repositories/")
    assert gh.get_repo("acme/gone").archived is True
    assert next(iter(gh.search_code("PYPI_API_TOKEN", repo="acme/other"))).path == "docs/ci.yml"
    assert gh.search_code("pypa", user="else", extension="yml").totalCount == 1
    assert gh.search_code("x", filename="setup.py").totalCount == 7
    assert gh.search_code("gh-action-pypi-publish", language="python").totalCount == 0
    header = raw(fake_github, "GET", "/search/code?q=x+org:acme")
    assert (header.headers["X-RateLimit-Resource"], header.headers["X-RateLimit-Limit"]) == (
        "code_search",
        "10",
    )


def test_code_search_validation(acme: FakeGitHub, gh: Github) -> None:
    with pytest.raises(GithubException) as no_term:
        list(gh.search_code("", org="acme"))
    assert no_term.value.status == 422
    with pytest.raises(GithubException) as unknown_org:
        list(gh.search_code("x", org="nobody"))
    assert "cannot be searched" in unknown_org.value.data["errors"][0]["message"]


# ---- faults ---------------------------------------------------------------------------------
def test_server_errors_on_get_are_retried(acme: FakeGitHub, gh: Github) -> None:
    acme.faults.server_error(502, times=2, path="/repos/acme/pkg")
    assert gh.get_repo("acme/pkg").name == "pkg"
    assert [(r.status, r.fault) for r in acme.requests] == [
        (502, "error:502"),
        (502, "error:502"),
        (200, None),
    ]


def test_persistent_server_errors_exhaust_the_retries(acme: FakeGitHub) -> None:
    acme.faults.server_error(500, rate=1.0)
    with pytest.raises(requests.exceptions.RetryError):
        acme.client(retry_total=2).get_repo("acme/pkg")
    assert len(acme.requests) == 3


def test_post_server_error_is_resent_but_patch_is_not(acme: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo("acme/pkg")
    acme.faults.server_error(500, method="POST", times=1)
    repo.create_git_ref("refs/heads/x", acme.branch_sha("acme/pkg") or "")
    assert [r.status for r in acme.requests.writes] == [500, 201]
    acme.faults.server_error(500, method="PATCH", times=1)
    with pytest.raises(GithubException) as error:
        repo.get_pull(acme.add_pull("acme/pkg", head="f").number).edit(title="t")
    assert error.value.status == 500
    assert acme.requests.count("PATCH") == 1


def test_secondary_limit_with_retry_after_is_retried_after_that_wait(
    acme: FakeGitHub, gh: Github
) -> None:
    acme.faults.secondary_rate_limit(retry_after=1, times=1)
    assert gh.get_repo("acme/pkg").name == "pkg"
    assert [r.status for r in acme.requests] == [403, 200]
    assert acme.retry_sleeps == [1]


def test_secondary_limit_without_retry_after_waits_the_secondary_wait(
    acme: FakeGitHub, gh: Github
) -> None:
    acme.faults.secondary_rate_limit(times=1)
    started = time.monotonic()
    assert gh.get_repo("acme/pkg").name == "pkg"
    assert acme.retry_sleeps == [60.0]  # PyGithub's default, spent on the fake clock
    assert time.monotonic() - started < 5
    acme.faults.secondary_rate_limit(times=1, method="PATCH")
    with pytest.raises(RateLimitExceededException):
        gh.get_repo("acme/pkg").edit(description="PATCH is never retried")


def test_429_is_retried_only_with_retry_after(acme: FakeGitHub, gh: Github) -> None:
    acme.faults.too_many_requests(retry_after=0, times=1)
    assert gh.get_repo("acme/pkg").name == "pkg"
    assert [r.status for r in acme.requests] == [429, 200]
    acme.requests.clear()
    acme.faults.too_many_requests(times=1)
    with pytest.raises(GithubException) as error:
        gh.get_repo("acme/pkg")
    assert error.value.status == 429 and not isinstance(error.value, RateLimitExceededException)
    assert len(acme.requests) == 1


def test_primary_limit_waits_until_the_reset_then_the_budget_refills(
    acme: FakeGitHub, gh: Github
) -> None:
    acme.faults.primary_rate_limit(reset_in=30)
    started = acme.clock.now()
    assert gh.get_repo("acme/pkg").name == "pkg"
    first, second = acme.requests
    assert (first.status, first.fault, second.status) == (403, "primary_rate_limit", 200)
    assert 29 <= acme.retry_sleeps[0] <= 32
    assert acme.clock.now() - started >= 30
    budget = acme.rate_limits.budget("core")
    assert budget.remaining == budget.limit - 1


def test_primary_limit_message_when_retries_are_off(acme: FakeGitHub) -> None:
    acme.set_rate_limit(remaining=0, reset_in=600)
    response = raw(acme, "GET", "/repos/acme/pkg")
    assert response.status_code == 403 and response.headers["X-RateLimit-Remaining"] == "0"
    assert response.json()["message"].startswith("API rate limit exceeded for user ID")
    with pytest.raises(RateLimitExceededException):
        acme.client(retry=None).get_repo("acme/pkg")
    with pytest.raises(requests.exceptions.RetryError):  # what a GithubRetry that gives up raises
        acme.client(retry_total=0).get_repo("acme/pkg")


def test_lost_post_response_is_applied_once_and_the_retry_sees_already_exists(
    acme: FakeGitHub, gh: Github
) -> None:
    repo = gh.get_repo("acme/pkg")
    acme.faults.lose_response(method="POST", path="/repos/*/git/refs")
    with pytest.raises(GithubException) as error:
        repo.create_git_ref("refs/heads/trustpub", acme.branch_sha("acme/pkg") or "")
    assert (error.value.status, error.value.data["message"]) == (422, "Reference already exists")
    posts = acme.requests.matching("POST", "/repos/acme/pkg/git/refs")
    assert [(r.status, r.fault, r.applied) for r in posts] == [
        (502, "lost_response:502", True),
        (422, None, True),
    ]
    assert "refs/heads/trustpub" in acme.repo("acme/pkg").refs


def test_dropped_connection_after_a_pull_request_was_created(acme: FakeGitHub, gh: Github) -> None:
    acme.commit("acme/pkg", {"x": "y"}, branch="trustpub")
    acme.faults.lose_response(method="POST", path="*/pulls", mode="drop")
    with pytest.raises(GithubException) as error:
        gh.get_repo("acme/pkg").create_pull("main", "trustpub", title="t")
    assert (
        error.value.data["errors"][0]["message"]
        == "A pull request already exists for acme:trustpub."
    )
    assert len(acme.pulls("acme/pkg")) == 1
    assert [r.status for r in acme.requests.writes] == [0, 422]


def test_latency_is_real_time(acme: FakeGitHub, gh: Github) -> None:
    acme.faults.latency(0.2, times=1)
    started = time.monotonic()
    gh.get_repo("acme/pkg")
    assert time.monotonic() - started >= 0.2


def test_fractional_faults_are_deterministic_for_a_seed(acme: FakeGitHub) -> None:
    def statuses(seed: int) -> list[int]:
        acme.faults.clear()
        acme.faults.seed(seed)
        acme.faults.server_error(503, rate=0.5, path="/repos/acme/pkg")
        return [raw(acme, "GET", "/repos/acme/pkg").status_code for _ in range(20)]

    first = statuses(7)
    assert first == statuses(7)
    assert {200, 503} == set(first)
    assert raw(acme, "GET", "/user").status_code == 200  # the path filter spares other routes


def test_a_read_only_flow_writes_nothing(acme: FakeGitHub, gh: Github) -> None:
    repo = gh.get_repo("acme/pkg")
    repo.get_contents(".github/workflows")
    list(repo.get_environments())
    list(repo.get_secrets())
    assert acme.requests.writes == []
    assert acme.requests.count("GET") == 4


def test_default_workflow_permissions_need_admin_access(acme: FakeGitHub, gh: Github) -> None:
    # actions-get-default-workflow-permissions: both keys, always; the repository's admins only.
    from trustpub.github.client import GitHubAccessError
    from trustpub.github.workflow_permissions import default_workflow_permissions

    assert raw(acme, "GET", "/repos/acme/pkg/actions/permissions/workflow").json() == {
        "default_workflow_permissions": "read",
        "can_approve_pull_request_reviews": False,
    }
    acme.add_repo("acme/open", default_workflow_permissions="write")
    assert default_workflow_permissions(gh.get_repo("acme/open")) == "write"
    acme.add_repo("acme/theirs", permissions={"admin": False, "push": True, "pull": True})
    with pytest.raises(GitHubAccessError, match=r"forbidden \(403.*Administration read"):
        default_workflow_permissions(gh.get_repo("acme/theirs"))
