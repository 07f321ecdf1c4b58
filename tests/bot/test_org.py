"""A whole organisation, over several pages: the right pull requests and nothing else written."""

from __future__ import annotations

import json

from bot_helpers import (
    DEFAULT_BRANCH,
    ORG,
    PUBLISH,
    Api,
    BotHarness,
    assert_one_clean_commit,
    build_org,
    open_pulls,
    write_kinds,
)
from ruamel.yaml import YAML

from fake_github import FakeGitHub
from json_schemas import assert_valid
from trustpub.bot.discovery import Selection
from trustpub.bot.execute import RunConfig
from trustpub.bot.upsert import BotSettings


def jobs_of(text: str) -> dict[str, dict[str, object]]:
    data = YAML(typ="safe").load(text)
    jobs: dict[str, dict[str, object]] = data["jobs"]
    return jobs


def test_org_gets_one_pull_request_per_token_publisher(
    fake: FakeGitHub, bot: BotHarness, api: Api
) -> None:
    org = build_org(fake)
    run = bot.run()

    assert run.code == 3  # the two broken workflows are failures to look at
    outcomes = run.outcomes
    assert sorted(outcomes) == org.visited  # archived and forks left out, everything else there
    assert {n for n, o in outcomes.items() if o == "changed"} == set(org.needs_pr)
    assert {n for n, o in outcomes.items() if o == "migrated"} == set(org.migrated)
    assert {n for n, o in outcomes.items() if o == "unchanged"} == set(org.unchanged)
    assert {n for n, o in outcomes.items() if o == "failed"} == set(org.failed)
    assert {n for n, o in outcomes.items() if o == "ignored"} == set(org.ignored)
    assert run.summary is not None
    assert run.summary.left_out == {"archived": 3, "forks": 3}
    assert "did not find expected" in run.result(f"{ORG}/broken-0").detail

    for name, paths in org.needs_pr.items():
        pulls = open_pulls(fake, name)
        assert len(pulls) == 1, name
        pull = pulls[0]
        assert pull.pull.head_ref == DEFAULT_BRANCH and pull.pull.base_ref == "main"
        assert run.result(name).pull.url.endswith(f"/pull/{pull.number}")
        assert_one_clean_commit(fake, name, paths)
        for path in paths:
            text = fake.read(name, path, ref=DEFAULT_BRANCH)
            assert text is not None
            assert "secrets.PYPI" not in text and "password:" not in text
            jobs = jobs_of(text)
            publishing = [j for j in jobs.values() if "id-token" in str(j.get("permissions"))]
            assert publishing, f"{name}: no job with id-token: write"
            assert all(j["permissions"]["id-token"] == "write" for j in publishing)  # type: ignore[index]
        assert fake.read(name, paths[0]) != fake.read(name, paths[0], ref=DEFAULT_BRANCH)

    writes = write_kinds(fake)
    if api.graphql:  # nothing else: per pull request the branch, one commit, the pull request
        assert len(writes) == 3 * len(org.needs_pr)
        assert sorted(set(writes)) == [
            ("mutation", "createCommitOnBranch"),
            ("mutation", "createPullRequest"),
            ("mutation", "createRef"),
        ]
    else:  # a tree, a commit, the branch and the pull request itself
        assert len(writes) == 4 * len(org.needs_pr)
        assert sorted(set(writes)) == [
            ("POST", "git/commits"),
            ("POST", "git/refs"),
            ("POST", "git/trees"),
            ("POST", "pulls"),
        ]
    untouched = [*org.archived, *org.forks, *org.migrated, *org.unchanged, *org.failed]
    for name in [*untouched, *org.ignored]:
        assert fake.pulls(name) == []
        assert fake.branch_sha(name, DEFAULT_BRANCH) is None


def test_pull_request_body(fake: FakeGitHub, bot: BotHarness) -> None:
    org = build_org(fake, publishers=3)
    bot.run(settings=BotSettings(draft=True))
    body = open_pulls(fake, f"{ORG}/pkg-00")[0].body
    assert body.rstrip().endswith("-->") and "<!-- trustpub:v1 migration=" in body
    assert "| workflow | job | change |" in body
    assert "```diff" in body and "-          password: ${{ secrets.PYPI_API_TOKEN }}" in body
    assert "Before merging" in body
    link = (
        "https://pypi.org/manage/project/acme-pkg-00/settings/publishing/?provider=github"
        "&owner=acme&repository=pkg-00&workflow_filename=release.yml&environment=pypi"
    )
    assert link in body and "https://pypi.org/manage/account/publishing/" in body
    assert "`PYPI_API_TOKEN`: exists on GitHub as repository secret of acme/pkg-00" in body
    assert "after the first successful trusted publish" in body
    assert "pip install --index-url https://test.pypi.org/simple/" in body
    assert "acme-pkg-00==<version>" in body
    assert "# trustpub: ignore" in body and "Close this pull request" in body
    assert open_pulls(fake, f"{ORG}/pkg-00")[0].pull.draft

    both = open_pulls(fake, f"{ORG}/pkg-02")[0].body
    assert "| TestPyPI | `acme-pkg-02` |" in both and "| PyPI | `acme-pkg-02` |" in both
    assert "https://test.pypi.org/manage/project/acme-pkg-02/settings/publishing/" in both
    twine = open_pulls(fake, f"{ORG}/pkg-01")[0].body
    assert "`PYPI_TOKEN`: not found on GitHub" in twine
    assert set(org.needs_pr) == {f"{ORG}/pkg-0{i}" for i in range(3)}


def test_labels_reviewers_environments(fake: FakeGitHub, bot: BotHarness) -> None:
    fake.add_org(ORG)
    fake.add_user("alice")
    fake.add_team(ORG, "release")
    files = {"pyproject.toml": '[project]\nname = "one"\n', ".github/workflows/r.yml": PUBLISH}
    fake.add_repo(f"{ORG}/one", files=files)
    fake.add_label(f"{ORG}/one", "ci")
    settings = BotSettings(
        labels=("ci", "security"),
        reviewers=("alice", f"{ORG}/release"),
        create_environments=True,
        environment_reviewers=("alice",),
    )
    run = bot.run(settings=settings)
    pull = open_pulls(fake, f"{ORG}/one")[0]
    assert pull.labels == ["ci"]  # "security" does not exist and is not created
    assert any("security" in note for note in run.result(f"{ORG}/one").notes)
    assert [u.login for u in pull.pull.requested_reviewers] == ["alice"]
    assert [t.slug for t in pull.pull.requested_teams] == ["release"]
    env = fake.repo(f"{ORG}/one").environments["pypi"]
    assert env.reviewers == [("User", fake.world.account("alice").id)]  # type: ignore[union-attr]
    assert "security" not in fake.repo(f"{ORG}/one").labels

    fake.add_repo(f"{ORG}/two", files=files)
    bot.run(
        Selection(repos=(f"{ORG}/two",)),
        settings=BotSettings(labels=("security",), create_labels=True),
    )
    assert open_pulls(fake, f"{ORG}/two")[0].labels == ["security"]
    assert fake.repo(f"{ORG}/two").labels["security"].color == "1d76db"


def test_dry_run_writes_nothing_and_shows_the_pull_requests(
    fake: FakeGitHub, bot: BotHarness
) -> None:
    org = build_org(fake, publishers=4)
    run = bot.run(settings=BotSettings(dry_run=True))
    assert fake.requests.writes == []
    assert "acme/pkg-00: would open a pull request" in run.output
    assert "-          password: ${{ secrets.PYPI_API_TOKEN }}" in run.output
    assert run.result(f"{ORG}/pkg-00").body is not None
    assert all(run.outcomes[name] == "changed" for name in org.needs_pr)
    assert "trustpub bot --dry-run: 20 repositories" in run.output

    as_json = bot.run(
        settings=BotSettings(dry_run=True),
        config=RunConfig(write_interval=0, per_page=5, fmt="json"),
    )
    document = json.loads(as_json.output)
    assert_valid("bot", document)
    assert document["dry_run"] is True
    assert document["summary"]["outcomes"]["changed"] == 4
    first = next(r for r in document["repositories"] if r["repository"] == f"{ORG}/pkg-00")
    assert first["would_open"]["title"] == "ci: publish to PyPI with trusted publishing"
    assert "<!-- trustpub:v1" in first["would_open"]["body"]
    assert first["report"]["publishers"][0]["project"] == "acme-pkg-00"
    assert fake.requests.writes == []


def test_progress_bar_on_a_terminal_plain_lines_otherwise(
    fake: FakeGitHub, bot: BotHarness
) -> None:
    build_org(fake, publishers=2)
    plain = bot.run(settings=BotSettings(dry_run=True))
    assert "acme/web-0: unchanged\n" in plain.output  # every repository, one line each
    assert "\x1b[" not in plain.output
    terminal = bot.run(settings=BotSettings(dry_run=True), terminal=True)
    assert "acme/web-0: unchanged" not in terminal.output  # the bar counts those
    assert "Summary" in terminal.output and "trustpub bot" in terminal.output
    assert "acme/pkg-00" in terminal.output
