"""Done when: on a simulated organisation at every stage, `trustpub status` puts each repository
in the right state with the right next action, and `--delete-secrets` removes exactly the secrets
that are provably unused (see status_world for the organisation)."""

from __future__ import annotations

import pytest
from status_world import ORG, World, build, status

from fake_github import FakeGitHub
from fake_pypi import FakePyPI

# repository: (migration, stage, next action starts with, evidence kind)
EXPECTED = {
    "published": ("merged", "old secrets to delete", "delete secret PYPI_API_TOKEN", "provenance"),
    "run-only": ("merged", "old secrets to delete", "delete secret PYPI_API_TOKEN", "workflow run"),
    "waiting": ("merged", "waiting for the first release", "waiting for the first release", None),
    "unregistered": (
        "merged",
        "publishing failed after the migration",
        "run #1 of release.yml failed",
        None,
    ),
    "elsewhere": ("merged", "release not confirmed", "acme_elsewhere-2.0", None),
    "open": ("pull request open", "pull request open", "register the publisher on PyPI", None),
    "closed": (
        "closed unmerged",
        "pull request closed unmerged",
        "the pull request was closed",
        None,
    ),
    "needed": ("needed", "migration needed", "open the pull request: trustpub bot", None),
    "byhand": (
        "migrated by hand",
        "old secrets to delete",
        "delete secret PYPI_PASSWORD",
        "provenance",
    ),
    "web": ("not needed", "not publishing to PyPI", "nothing to do", None),
}


@pytest.fixture
def world(fake: FakeGitHub, pypi: FakePyPI) -> World:
    return build(fake, pypi)


def secrets_left(fake: FakeGitHub) -> set[str]:
    found = set()
    with fake.world.lock:
        for repo in fake.world.repos.values():
            found |= {f"{repo.full_name}:{name}" for name in repo.secrets}
            for env in repo.environments.values():
                found |= {f"{repo.full_name}/{env.name}:{name}" for name in env.secrets}
        for org, secrets in fake.world.org_secrets.items():
            found |= {f"{org}:{name}" for name in secrets}
    return found


def test_every_repository_gets_its_state_and_next_action(world: World) -> None:
    run = status(world, "--org", ORG, "--format", "json")
    assert run.code == 0, run.stderr
    got = run.by_repo()
    assert sorted(got) == sorted(f"{ORG}/{name}" for name in EXPECTED)
    for name, (migration, stage, action, evidence) in EXPECTED.items():
        record = got[f"{ORG}/{name}"]
        row = record["rows"][0]
        assert (record["migration"], record["stage"]) == (migration, stage), name
        assert row["next_action"].startswith(action), (name, row["next_action"])
        assert (row["evidence"] or {}).get("kind") == evidence, name
    summary = run.json()["summary"]["stages"]
    assert summary == {
        "migration needed": 1,
        "pull request closed unmerged": 1,
        "pull request open": 1,
        "publishing failed after the migration": 1,
        "release not confirmed": 1,
        "waiting for the first release": 1,
        "old secrets to delete": 3,
        "not publishing to PyPI": 1,
    }


def test_links_and_details_say_where_to_act(world: World) -> None:
    got = status(world, "--org", ORG, "--format", "json").by_repo()
    open_row = got[f"{ORG}/open"]["rows"][0]
    assert open_row["link"] == (
        f"{world.pypi.url}/manage/project/acme-open/settings/publishing/?provider=github"
        "&owner=acme&repository=open&workflow_filename=release.yml&environment=pypi"
    )
    assert "checks passing (1)" in got[f"{ORG}/open"]["migration_detail"]
    assert got[f"{ORG}/open"]["migration_detail"].startswith("#1 open for 0 days")
    unregistered = got[f"{ORG}/unregistered"]["rows"][0]
    assert unregistered["link"] == unregistered["register_url"]
    assert "/actions/runs/" in unregistered["next_action"]
    published = got[f"{ORG}/published"]
    assert published["rows"][0]["evidence"]["text"].startswith(
        "provenance of acme_published-1.0-py3-none-any.whl"
    )
    assert published["rows"][0]["revoke_url"] == f"{world.pypi.url}/manage/account/#api-tokens"
    elsewhere = got[f"{ORG}/elsewhere"]["rows"][0]["next_action"]
    assert "published by acme/elsewhere deploy.yml, no environment" in elsewhere
    assert "not acme/elsewhere release.yml, environment pypi" in elsewhere


def test_delete_removes_exactly_the_provably_unused_secrets(world: World) -> None:
    before = secrets_left(world.fake)
    world.fake.requests.clear()
    run = status(world, "--org", ORG, "--delete-secrets", "--yes")
    assert run.code == 0, run.stderr
    deleted = before - secrets_left(world.fake)
    assert deleted == {
        "acme/published:PYPI_API_TOKEN",
        "acme/run-only/release:PYPI_API_TOKEN",
        "acme/byhand:PYPI_PASSWORD",
    }
    assert len(world.fake.requests.matching("DELETE")) == 3
    # every deletion is logged with what proved it safe, and where to revoke the token
    assert (
        "deleted: repository secret PYPI_API_TOKEN of acme/published, because no workflow at "
        "main names it; provenance of acme_published-1.0-py3-none-any.whl" in run.stdout
    )
    assert "during the successful run #1 of release.yml" in run.stdout
    assert "PyPI project acme-published: revoke the old token at " in run.stdout
    # what stays, and why
    assert (
        "keep repository secret TEST_PYPI_TOKEN of acme/byhand: still named at main" in run.stdout
    )
    assert (
        "keep repository secret PYPI_API_TOKEN of acme/waiting: no confirmed trusted-publishing "
        "release since the migration yet" in run.stdout
    )
    assert (
        "keep organization secret SHARED_PYPI_TOKEN of acme: an organisation secret" in run.stdout
    )


def test_deleted_secrets_leave_the_token_to_revoke_then_done(world: World) -> None:
    status(world, "--org", ORG, "--delete-secrets", "--yes")
    got = status(world, "--org", ORG, "--format", "json").by_repo()
    published = got[f"{ORG}/published"]
    assert published["stage"] == "tokens to revoke on PyPI"
    assert published["rows"][0]["next_action"] == "revoke the token on PyPI"
    assert published["rows"][0]["link"] == f"{world.pypi.url}/manage/account/#api-tokens"
    # by hand: no trustpub pull request says a token was used, and no secret is left
    byhand = got[f"{ORG}/byhand"]
    assert byhand["rows"][0]["next_action"].startswith("secret TEST_PYPI_TOKEN is kept")


def test_organisation_secrets_only_with_the_flag_and_only_when_nobody_uses_them(
    world: World,
) -> None:
    run = status(world, "--org", ORG, "--delete-secrets", "--include-org-secrets", "--yes")
    assert run.code == 0, run.stderr
    left = secrets_left(world.fake)
    assert "acme:SHARED_PYPI_TOKEN" not in left  # only acme/published sees it; nobody names it
    assert "acme:ORG_PYPI_TOKEN" in left
    assert "keep organization secret ORG_PYPI_TOKEN of acme: still named by acme/needed" in (
        run.stdout
    )
    assert "none of the 1 repositories that can see it names it" in run.stdout


def test_an_organisation_secret_another_repository_uses_is_kept(world: World) -> None:
    """Run over acme/published alone: the organisation's other repositories are read too."""
    world.fake.add_org_secret(
        ORG, "SHARED_PYPI_TOKEN", visibility="selected", repos=[f"{ORG}/published", f"{ORG}/needed"]
    )
    uses = "      - run: echo ${{ secrets.SHARED_PYPI_TOKEN }}\n"
    steps = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" + uses
    world.fake.commit(f"{ORG}/needed", {".github/workflows/x.yml": steps})
    run = status(
        world, "--repo", f"{ORG}/published", "--delete-secrets", "--include-org-secrets", "--yes"
    )
    assert run.code == 0, run.stderr
    assert "acme:SHARED_PYPI_TOKEN" in secrets_left(world.fake)
    assert "still named by acme/needed" in run.stdout


def test_dry_run_prints_the_plan_and_deletes_nothing(world: World) -> None:
    before = secrets_left(world.fake)
    world.fake.requests.clear()
    run = status(world, "--org", ORG, "--delete-secrets", "--dry-run", "--format", "json")
    assert run.code == 0, run.stderr
    assert secrets_left(world.fake) == before
    assert world.fake.requests.matching("DELETE") == []
    planned = run.json()["deletions"]
    assert {(d["where"], d["name"], d["result"]) for d in planned} == {
        ("acme/published", "PYPI_API_TOKEN", "planned"),
        ("acme/run-only environment release", "PYPI_API_TOKEN", "planned"),
        ("acme/byhand", "PYPI_PASSWORD", "planned"),
    }
    assert all("no workflow at main names it" in d["proof"] for d in planned)


def test_without_confirmation_nothing_is_deleted(world: World) -> None:
    before = secrets_left(world.fake)
    run = status(world, "--org", ORG, "--delete-secrets", stdin="y\n")  # not a terminal
    assert secrets_left(world.fake) == before
    assert "nothing deleted (confirm at the prompt, or pass --yes)" in run.stderr


def test_secrets_delete_takes_the_same_rules(world: World) -> None:
    before = secrets_left(world.fake)
    run = status(
        world, f"{ORG}/published", f"{ORG}/waiting", "--delete", "--yes", command="secrets"
    )
    assert run.code == 0, run.stderr
    assert before - secrets_left(world.fake) == {"acme/published:PYPI_API_TOKEN"}
