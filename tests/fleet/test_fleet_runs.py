"""check, diff and apply over a directory of real git checkouts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fleet_checkouts import FLEET, HEALTHY, TOKEN, json_lines, repositories, run

EXPECTED = {name: outcome for name, (_, outcome) in FLEET.items()}


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*.y*ml"))
        if p.is_file() and ".git" not in p.parts
    }


def test_diff_gives_one_outcome_per_repository_and_writes_nothing(fleet: Path) -> None:
    before = snapshot(fleet)
    code, output = run("diff", str(fleet), "--format", "json", "--jobs", "1")
    assert code == 3  # acme/broken failed
    assert repositories(output) == EXPECTED
    assert list(repositories(output)) == sorted(EXPECTED)
    assert snapshot(fleet) == before


def test_discovery_skips_nested_checkouts_node_modules_and_symlinks(fleet: Path) -> None:
    _, output = run("check", str(fleet), "--format", "json")
    found = set(repositories(output))
    assert found == set(FLEET)  # not vendor/nested, node_modules/..., nor acme/linked


def test_jobs_2_prints_the_same_lines_in_the_same_order(fleet: Path) -> None:
    one = run("diff", str(fleet), "--format", "json", "--jobs", "1")
    two = run("diff", str(fleet), "--format", "json", "--jobs", "2")
    assert one == two
    plain_one = run("check", str(fleet), "--jobs", "1", "--color", "never")
    plain_two = run("check", str(fleet), "--jobs", "2", "--color", "never")
    assert plain_one == plain_two


def test_json_lines_schema(fleet: Path) -> None:
    code, output = run("check", str(fleet), "--format", "json")
    records = json_lines(output)
    assert len(records) == len(output.strip().splitlines()) == len(FLEET) + 1
    *repos, summary = records
    for repo in repos:
        assert repo["type"] == "repository"
        assert repo["version"] == 2
        assert str(repo["schema"]).endswith("/report-lines")
        assert set(repo) >= {"name", "github", "outcome", "error", "files", "publishers"}
        assert "obsolete_secrets" in repo
    assert summary["type"] == "summary"
    assert summary["version"] == 2
    assert summary["command"] == "check"
    assert summary["repositories"] == len(FLEET)
    assert summary["outcomes"] == {"changed": 3, "failed": 1, "migrated": 1, "unchanged": 1}
    assert summary["exit_code"] == code == 3
    assert summary["interrupted"] is False
    token_a = next(r for r in repos if str(r["name"]).endswith("acme/token-a"))
    assert token_a["github"] == "acme/token-a"  # from the checkout's origin remote
    assert [s["name"] for s in token_a["obsolete_secrets"]] == ["PYPI_API_TOKEN"]  # type: ignore[index, union-attr]


def test_exit_codes_without_failures(fleet: Path) -> None:
    paths = [str(fleet / name) for name in HEALTHY]
    listed = fleet.parent / "healthy.txt"
    listed.write_text("\n".join(paths) + "\n")
    assert run("check", "--repos-file", str(listed))[0] == 1
    assert run("diff", "--repos-file", str(listed))[0] == 1
    assert run("apply", "--repos-file", str(listed))[0] == 0
    assert run("check", "--repos-file", str(listed))[0] == 0
    assert run("diff", "--repos-file", str(listed))[0] == 0


def test_apply_writes_changed_files_and_the_broken_one_fails(fleet: Path) -> None:
    broken = (fleet / "acme/broken/.github/workflows/release.yml").read_bytes()
    code, output = run("apply", str(fleet), "--color", "never", "--jobs", "2")
    assert code == 3
    assert "Traceback" not in output
    assert "password" not in (fleet / "acme/token-b/.github/workflows/publish.yaml").read_text()
    assert "id-token: write" in (fleet / "acme/token-a/.github/workflows/release.yml").read_text()
    assert (fleet / "acme/broken/.github/workflows/release.yml").read_bytes() == broken
    # Nothing outside the tree, nor below a trap, was written.
    assert (fleet.parent / "outside/elsewhere/.github/workflows/release.yml").read_text() == TOKEN
    nested = fleet / "acme/token-a/vendor/nested/.github/workflows/release.yml"
    assert nested.read_text() == TOKEN
    _, again = run("diff", str(fleet), "--format", "json")
    assert repositories(again)["acme/token-a"] == "migrated"


def test_text_output_when_piped_has_a_line_per_repository_and_a_summary(fleet: Path) -> None:
    _, output = run("diff", str(fleet), "--color", "never", "--jobs", "2")
    status = [line for line in output.splitlines() if re.match(r"fleet/[^/]+/[^/:]+: ", line)]
    names = [line.split(":", 1)[0] for line in status if ":" in line]
    assert names[: len(FLEET)] == [f"fleet/{name}" for name in sorted(FLEET)]
    assert "fleet/acme/plain: unchanged" in output
    assert "fleet/acme/token-a: changed (1 file to change; 1 publisher to register" in output
    assert "+      id-token: write" in output
    table = output[output.index("\nrepository ") + 1 :]
    assert "obsolete secrets" in table.splitlines()[0]
    assert "fleet/acme/broken" in table
    assert "fleet/acme/plain " not in table  # unchanged repositories are counted, not listed
    assert "trustpub diff: 6 repositories: 3 changed, 1 unchanged, 1 migrated, 1 failed" in output


def test_quiet_prints_only_the_summary(fleet: Path) -> None:
    _, output = run("diff", str(fleet), "--color", "never", "--quiet")
    assert "fleet/acme/plain: unchanged" not in output
    assert "+      id-token: write" not in output
    assert "fleet/acme/token-a" in output  # in the summary table
    assert "trustpub diff: 6 repositories" in output


def test_markdown_report(fleet: Path) -> None:
    code, output = run("diff", str(fleet), "--format", "markdown")
    assert code == 3
    assert output.startswith("# trustpub diff\n")
    assert "### acme/token-a: changed" in output
    assert "## Summary" in output
    assert "| `fleet/acme/broken` | failed |" in output


def test_sarif_for_a_fleet_check(fleet: Path) -> None:
    code, output = run("check", str(fleet), "--format", "sarif")
    assert code == 3
    assert '"uri": "fleet/acme/token-a/.github/workflows/release.yml"' in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--resume"], "--state"),
        (["--state", "s.jsonl", "--resume", "--only-failed"], "either"),
        (["--project", "x"], "--project"),
    ],
)
def test_usage_errors(fleet: Path, args: list[str], message: str) -> None:
    code, output = run("check", str(fleet), *args)
    assert code == 2
    assert message in output


def test_no_path_and_no_repos_file_is_a_usage_error() -> None:
    code, output = run("check")
    assert code == 2
    assert "PATH" in output
