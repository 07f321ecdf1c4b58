"""Interruption and resume, what moved since the last run, checkouts, formats, request counts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from status_world import ORG, World, build, status

from fake_github import FakeGitHub
from fake_pypi import FakePyPI

REPOSITORIES = 10


@pytest.fixture
def world(fake: FakeGitHub, pypi: FakePyPI) -> World:
    return build(fake, pypi)


def test_an_exhausted_rate_limit_stops_and_resume_goes_on(world: World, tmp_path: Path) -> None:
    state = tmp_path / "status.jsonl"
    world.fake.requests.clear()
    status(world, "--org", ORG, "--format", "json")
    total = len(world.fake.requests)
    world.fake.set_rate_limit("core", remaining=total // 2, reset_in=7200)
    first = status(world, "--org", ORG, "--state", str(state), "--format", "json")
    assert first.code == 4
    done = [r["repository"] for r in first.json()["repositories"]]
    assert 0 < len(done) < REPOSITORIES
    assert "run again with --resume" in first.stderr
    world.fake.set_rate_limit("core", remaining=5000, reset_in=3600)
    world.fake.requests.clear()
    second = status(world, "--org", ORG, "--state", str(state), "--resume", "--format", "json")
    assert second.code == 0, second.stderr
    assert sorted(second.by_repo()) == sorted(f"{ORG}/{n}" for n in _names())
    read_again = {
        r.path.split("/")[3] for r in world.fake.requests if r.path.startswith(f"/repos/{ORG}/")
    }
    assert not read_again & {name.split("/")[1] for name in done}
    lines = [json.loads(line) for line in state.read_text().splitlines()]
    assert [e["complete"] for e in lines if e["type"] == "run-end"] == [False, True]


def test_ctrl_c_ends_the_run_cleanly(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustpub.status import run as status_run

    real = status_run.gather
    calls = []

    def interrupted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(status_run, "gather", interrupted)
    state = tmp_path / "s.jsonl"
    run = status(world, "--org", ORG, "--state", str(state))
    assert run.code == 4
    assert "interrupted; run again with --resume" in run.stderr
    records = [json.loads(line) for line in state.read_text().splitlines()]
    assert sum(1 for r in records if r["type"] == "status") == 2


def test_state_reports_what_moved_since_the_previous_run(world: World, tmp_path: Path) -> None:
    state = tmp_path / "status.jsonl"
    first = status(world, "--org", ORG, "--state", str(state), "--format", "json")
    assert first.json()["moved"] is None  # no previous run
    number = world.fake.pulls(f"{ORG}/open")[0].number
    world.fake.merge_pull(f"{ORG}/open", number)
    again = status(world, "--org", ORG, "--state", str(state), "--format", "json")
    assert again.json()["moved"] == [
        {
            "repository": f"{ORG}/open",
            "from": "pull request open",
            "to": "waiting for the first release",
        }
    ]
    text = status(world, "--org", ORG, "--state", str(state))
    assert "nothing moved since the previous run" in text.stdout


def test_local_checkouts_are_named_by_their_origin(world: World, tmp_path: Path) -> None:
    checkout = tmp_path / "waiting"
    subprocess.run(["git", "init", "-q", str(checkout)], check=True)
    subprocess.run(
        ["git", "-C", str(checkout), "remote", "add", "origin", "git@github.com:acme/waiting.git"],
        check=True,
    )
    stray = tmp_path / "stray"
    subprocess.run(["git", "init", "-q", str(stray)], check=True)
    run = status(world, str(checkout), str(stray), "--format", "json")
    got = run.by_repo()
    assert got[f"{ORG}/waiting"]["origin"] == str(checkout)
    assert got[f"{ORG}/waiting"]["stage"] == "waiting for the first release"
    assert got[str(stray)]["rows"][0]["next_action"].startswith("fix what stops trustpub: no")
    assert run.code == 3


def test_markdown_is_one_table_row_per_repository_and_project(world: World) -> None:
    run = status(world, "--org", ORG, "--format", "markdown")
    table = [line for line in run.stdout.splitlines() if line.startswith("| `acme/")]
    assert len(table) == REPOSITORIES
    assert any("`acme/published`" in line and "provenance" in line for line in table)
    assert "- 10 repositories:" in run.stdout


def test_an_index_that_fails_is_said_not_guessed(world: World) -> None:
    world.pypi.fail_paths["/pypi/acme-published/"] = 503
    got = status(world, "--org", ORG, "--format", "json").by_repo()
    row = got[f"{ORG}/published"]["rows"][0]
    assert row["publishing"] == "the index could not be read"
    assert "answered 503" in row["publishing_detail"]
    assert not any(s["deletable"] for s in got[f"{ORG}/published"]["secrets"])


def test_request_counts_per_repository(world: World) -> None:
    """The figures in README's "Request counts"."""
    world.fake.requests.clear()
    world.pypi.requests.clear()
    run = status(world, "--org", ORG, "--format", "json")
    assert run.code == 0
    per_repo = {}
    for name in _names():
        github = sum(
            1
            for r in world.fake.requests
            if r.path.startswith((f"/repos/{ORG}/{name}/", f"/repos/{ORG}/{name}"))
        )
        pypi = world.pypi.count(f"/pypi/acme-{name}/") + world.pypi.count(
            f"/integrity/acme-{name}/"
        )
        per_repo[name] = (github, pypi)
    listing = len(world.fake.requests) - sum(g for g, _ in per_repo.values())
    # README "Request counts": GitHub reads the workflows (directory, each file, pyproject.toml),
    # trustpub's pull requests, the secrets (repository, environments, organisation), then by
    # stage: check runs (open), the merged pull request's files and the runs since (merged), the
    # workflow's last commit and the runs since (by hand); PyPI: the project, then provenance.
    assert per_repo == {
        "published": (10, 3),
        "run-only": (11, 3),
        "waiting": (10, 1),
        "unregistered": (10, 1),
        "elsewhere": (10, 3),
        "open": (9, 1),
        "closed": (8, 1),
        "needed": (7, 1),
        "byhand": (10, 3),
        "web": (6, 0),
    }
    # the organisation, its repositories, and GET /meta: GitHub Enterprise Server or not (the
    # fake is not api.github.com, so it is asked)
    assert listing == 3
    assert world.fake.requests.count("GET", "/meta") == 1


def _names() -> list[str]:
    return [
        "published", "run-only", "waiting", "unregistered", "elsewhere",
        "open", "closed", "needed", "byhand", "web",
    ]  # fmt: skip
