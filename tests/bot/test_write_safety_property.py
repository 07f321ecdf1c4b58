"""Property: whatever state a repository is in and whatever happens between runs, the bot never
writes to a default branch nor to a branch it does not own (hardening, issue 8).

Each example builds one repository (its default branch maybe named like the bot's branch), then
plays a sequence of bot runs and events: someone else commits to the default branch or to the
bot's branch, opens a pull request from it, closes or merges the bot's pull request, deletes its
branch, GitHub fails some writes. After every run the whole write log is checked (the same check
every other bot test ends with, `assert_writes_safe`), and no branch but the bot's moved.
"""

from __future__ import annotations

import hypothesis
from bot_helpers import ORG, PUBLISH, TOKEN, BotHarness, assert_writes_safe, python_repo
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_github import FakeGitHub
from trustpub.bot.upsert import DEFAULT_BRANCH, BotSettings

PKG = f"{ORG}/pkg"
RELEASE = ".github/workflows/release.yml"
EVENTS = (
    "run",
    "someone commits to the default branch",
    "someone commits to the bot's branch",
    "someone opens a pull request from the bot's branch",
    "the bot's pull request is closed",
    "the bot's pull request is merged",
    "the bot's branch is deleted",
    "the workflow changes",
    "writes fail",
)


def play(fake: FakeGitHub, bot: BotHarness, event: str, branch: str, default: str) -> None:
    pulls = [p for p in fake.pulls(PKG) if p.pull is not None and p.pull.head_ref == branch]
    if event == "run":
        run = bot.run(settings=BotSettings(branch=branch))
        assert run.code in (0, 3, 4), run.output
    elif event == "someone commits to the default branch":
        fake.commit(PKG, {"NEWS.md": "news\n"}, author=("Bob", "bob@example.com"))
    elif event == "someone commits to the bot's branch" and fake.branch_sha(PKG, branch):
        fake.commit(PKG, {"x.txt": "x\n"}, branch=branch, author=("Bob", "bob@example.com"))
    elif event == "someone opens a pull request from the bot's branch" and not pulls:
        fake.add_pull(PKG, head=branch, title="Mine", body="hand made", user="bob")
    elif event == "the bot's pull request is closed" and pulls:
        fake.close_pull(PKG, pulls[-1].number)
    elif event == "the bot's pull request is merged" and pulls and pulls[-1].state == "open":
        fake.merge_pull(PKG, pulls[-1].number)
    elif event == "the bot's branch is deleted" and fake.branch_sha(PKG, branch):
        if branch != default:
            fake.delete_branch(PKG, branch)
    elif event == "the workflow changes":
        fake.commit(PKG, {RELEASE: PUBLISH.replace("v*", "release-*")})
    elif event == "writes fail":
        fake.faults.server_error(502, method="write", times=3)


# A fake server per example: a quarter of the profile's examples (30 by default).
@settings(max_examples=max(settings.default.max_examples // 4, 10))
@given(
    branch=st.sampled_from([DEFAULT_BRANCH, "ci/trusted", "main"]),
    default=st.sampled_from(["main", DEFAULT_BRANCH]),
    events=st.lists(st.sampled_from(EVENTS), min_size=1, max_size=6),
)
def test_the_bot_writes_only_to_its_own_branch(
    branch: str, default: str, events: list[str]
) -> None:
    with FakeGitHub(token=TOKEN) as fake:
        fake.add_org(ORG)
        fake.add_user("bob")
        files = python_repo({"release.yml": PUBLISH}, "pkg")
        fake.add_repo(PKG, files=files, default_branch=default)
        bot = BotHarness(fake)
        owned = {branch} - {default}
        for event in [*events, "run"]:
            theirs = {
                name: fake.branch_sha(PKG, name) for name in {default, "main", DEFAULT_BRANCH}
            }
            writes = len(fake.requests.writes)
            play(fake, bot, event, branch, default)
            assert_writes_safe(fake, owned)
            if event == "run":
                for name, sha in theirs.items():
                    if name not in owned:
                        assert fake.branch_sha(PKG, name) == sha, f"the bot moved {name}"
            elif event == "writes fail":
                assert len(fake.requests.writes) == writes
        event_name = "wrote" if fake.requests.writes else "wrote nothing"
        hypothesis.event(f"{event_name} ({'owns a branch' if owned else 'owns none'})")
