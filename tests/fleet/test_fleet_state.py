"""State files, resume, retrying failures, Ctrl-C, repos files, and per-repository failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fleet_checkouts import FLEET, TOKEN, json_lines, repositories, run

from trustpub import checkout
from trustpub.fleet import local, runner


def records(state: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in state.read_text().splitlines()]


def test_state_records_every_repository_and_resume_skips_the_done(fleet: Path) -> None:
    state = fleet.parent / "state.jsonl"
    code, _ = run("apply", str(fleet), "--state", str(state), "--jobs", "2")
    assert code == 3
    first = records(state)
    assert len(first) == len(FLEET)
    assert {r["command"] for r in first} == {"apply"}
    failed = [r for r in first if r["outcome"] == "failed"]
    assert [str(r["repository"]).endswith("acme/broken") for r in failed] == [True]
    assert "expected" in str(failed[0]["error"])

    (fleet / "acme/broken/.github/workflows/release.yml").write_text(TOKEN)
    code, output = run("apply", str(fleet), "--state", str(state), "--resume", "--format", "json")
    assert code == 0
    assert repositories(output) == {"acme/broken": "changed"}
    summary = json_lines(output)[-1]
    assert summary["not_run"] == len(FLEET) - 1
    assert "password" not in (fleet / "acme/broken/.github/workflows/release.yml").read_text()
    assert records(state)[-1]["outcome"] == "changed"


def test_only_failed_retries_only_the_failures(fleet: Path) -> None:
    state = fleet.parent / "state.jsonl"
    run("diff", str(fleet), "--state", str(state))
    code, output = run(
        "diff", str(fleet), "--state", str(state), "--only-failed", "--color", "never"
    )
    assert code == 3
    assert "fleet/acme/broken: failed" in output
    assert "fleet/acme/token-a" not in output
    assert "5 repositories were left out" in output
    # Records are per command: an apply has not run anything yet, so it has nothing to retry.
    code, output = run("apply", str(fleet), "--state", str(state), "--only-failed")
    assert code == 0
    assert "left out" in output


def test_ctrl_c_exits_4_and_keeps_what_finished(
    fleet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = fleet.parent / "state.jsonl"
    real = runner.process_repository
    seen: list[Path] = []

    def interrupted_at_the_third(target: runner.Target, job: runner.RepositoryJob) -> object:
        seen.append(target.root)
        if len(seen) == 3:
            raise KeyboardInterrupt
        return real(target, job)

    monkeypatch.setattr(runner, "process_repository", interrupted_at_the_third)
    code, output = run("apply", str(fleet), "--state", str(state), "--jobs", "1")
    assert code == 4
    assert "interrupted" in output
    assert "--resume" in output
    assert len(records(state)) == 2
    monkeypatch.setattr(runner, "process_repository", real)
    code, output = run("apply", str(fleet), "--state", str(state), "--resume", "--format", "json")
    assert code == 3
    # The two that finished were acme/broken (failed: run again) and acme/migrated (done).
    assert "acme/migrated" not in repositories(output)
    assert len(repositories(output)) == len(FLEET) - 1


def test_ctrl_c_while_the_output_is_set_up_exits_4(
    fleet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers have the first repositories by then: those finish, as after any Ctrl-C.
    from trustpub.fleet import commands

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(commands._FleetDisplay, "__init__", interrupted)
    code, output = run("diff", str(fleet), "--jobs", "2")
    assert (code, output.strip()) == (4, "trustpub: interrupted")


def test_a_file_changed_between_reading_and_writing_fails_that_repository(
    fleet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = fleet / "acme/token-a/.github/workflows/release.yml"
    real_write = checkout.write_atomically

    def edited_meanwhile(file: checkout.WorkflowFile, text: str) -> None:
        if file.path == victim:
            victim.write_text(TOKEN + "# edited by someone else\n")
        real_write(file, text)

    monkeypatch.setattr(local, "write_atomically", edited_meanwhile)
    code, output = run("apply", str(fleet), "--jobs", "1", "--format", "json")
    assert code == 3
    outcomes = repositories(output)
    assert outcomes["acme/token-a"] == "failed"
    assert outcomes["acme/token-b"] == "changed"
    token_a = next(r for r in json_lines(output) if str(r.get("name")).endswith("token-a"))
    (file,) = token_a["files"]  # type: ignore[misc]
    assert "changed on disk since trustpub read it" in file["failure"]["message"]
    assert victim.read_text() == TOKEN + "# edited by someone else\n"


def test_an_exception_in_one_repository_is_its_failure_only(
    fleet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = local.migrate_repository

    def buggy(name: str, *args: object, **kwargs: object) -> object:
        if name.endswith("token-b"):
            raise KeyError("jobs")
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(local, "migrate_repository", buggy)
    code, output = run("diff", str(fleet), "--jobs", "1", "--color", "never")
    assert code == 3
    assert "fleet/acme/token-b: failed: KeyError: 'jobs'" in output
    assert "Traceback" not in output
    assert "fleet/acme/token-a: changed" in output


def test_repos_file_and_stdin(fleet: Path) -> None:
    listed = fleet.parent / "repos.txt"
    listed.write_text(
        "# the two token publishers\n"
        f"{fleet / 'acme/token-a'}\n\n"
        "fleet/acme/token-b\n"  # relative to the current directory
        "fleet/acme/missing\n"
    )
    code, output = run("check", "--repos-file", str(listed), "--format", "json")
    assert code == 3
    assert repositories(output) == {
        "acme/missing": "failed",
        "acme/token-a": "changed",
        "acme/token-b": "changed",
    }
    missing = next(r for r in json_lines(output) if str(r.get("name")).endswith("missing"))
    assert "does not exist" in str(missing["error"])
    code, output = run("check", "--repos-file", "-", "--format", "json", stdin="fleet/zeta\n")
    assert code == 1
    assert repositories(output) == {"zeta/no-git": "changed"}


def test_unreadable_repos_file_is_a_usage_error(fleet: Path) -> None:
    code, output = run("check", "--repos-file", str(fleet / "nope.txt"))
    assert code == 2
    assert "cannot read the repos file" in output


def test_single_checkouts_keep_the_one_document_report(fleet: Path) -> None:
    code, output = run("diff", str(fleet / "acme/token-a"), "--format", "json")
    assert code == 1
    document = json.loads(output)
    assert [r["outcome"] for r in document["repositories"]] == ["changed"]


def test_a_workflow_symlinked_out_of_the_repository_is_refused(fleet: Path) -> None:
    repo = fleet / "acme/plain"
    (repo / ".github/workflows/linked.yml").symlink_to(fleet.parent / "outside.yml")
    (fleet.parent / "outside.yml").write_text(TOKEN)
    code, output = run("apply", str(fleet), "--format", "json")
    assert code == 3
    plain = next(r for r in json_lines(output) if str(r.get("name")).endswith("acme/plain"))
    assert plain["outcome"] == "failed"
    assert "outside the repository" in json.dumps(plain)
    assert (fleet.parent / "outside.yml").read_text() == TOKEN


def test_a_workflows_directory_symlinked_out_of_the_repository_is_refused(fleet: Path) -> None:
    repo = fleet / "acme/plain"
    elsewhere = fleet.parent / "elsewhere-workflows"
    elsewhere.mkdir()
    (elsewhere / "release.yml").write_text(TOKEN)
    (repo / ".github/workflows/ci.yml").unlink()
    (repo / ".github/workflows").rmdir()
    (repo / ".github/workflows").symlink_to(elsewhere, target_is_directory=True)
    code, _ = run("apply", str(repo))
    assert code == 3
    assert (elsewhere / "release.yml").read_text() == TOKEN
