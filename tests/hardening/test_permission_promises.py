"""Security promises about permissions, over every fixture and the real-world corpus.

- The rewrite never widens permissions: a job's new `permissions` grant no scope the job did not
  have before, except `id-token: write`, and `contents: read` for a job that checks out code and
  ran with the repository's defaults (see `promises.widened_permissions`).
- `id-token: write` never goes to the workflow level, to a job that does not publish, or to a job
  that a pull request can run: `pull_request_target` never, `pull_request` (and the review events)
  only when the publishing job's `if:` is false on every pull request.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from promises import id_token_problems, parse, widened_permissions

from rewrite_cases import REPO_ROOT, RewriteCase, fixed_lookup, load_case, read_text
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.pull_requests import excludes_pull_requests
from trustpub.rewrite.result import Options, RewriteResult, Status

FIXTURE_CASES = [
    load_case(d)
    for kind in ("rewrite", "split", "tools")
    for d in sorted((REPO_ROOT / "fixtures" / kind).iterdir())
    if (d / "before.yml").exists()
]
CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "workflows"


def broken_promises(text: str, path: str, options: Options) -> list[str]:
    result = rewrite_workflow(text, path, fixed_lookup("demo"), options)
    return widened_permissions(text, result) + id_token_problems(text, result)


@pytest.mark.parametrize("case", FIXTURE_CASES, ids=lambda c: f"{c.directory.parent.name}/{c.name}")
def test_fixtures_keep_the_permission_promises(case: RewriteCase) -> None:
    for options in (case.options, replace(case.options, keep_build_in_job=True)):
        assert not broken_promises(case.before, "release.yml", options), options


@pytest.mark.corpus
def test_the_corpus_keeps_the_permission_promises() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (it lives in shared/ beside the repository)")
    broken: dict[str, list[str]] = {}
    files = sorted(CORPUS.glob("*.yml"))
    for path in files:
        text = read_text(path)
        for options in (Options(), Options(keep_build_in_job=True), Options(add_testpypi=True)):
            problems = broken_promises(text, path.name, options)
            if problems:
                broken[f"{path.name} {options}"] = problems
    assert len(files) > 50
    assert not broken, broken


# -- pull requests ---------------------------------------------------------------------------------

PUBLISH_JOB = """\
on: {on}
jobs:
  release:
    runs-on: ubuntu-latest
{job_if}    steps:
      - uses: actions/checkout@v4
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
{step_if}        with:
          password: ${{{{ secrets.PYPI_API_TOKEN }}}}
"""


def publish_workflow(on: str, job_if: str = "", step_if: str = "") -> str:
    return PUBLISH_JOB.format(
        on=on,
        job_if=f"    if: {job_if}\n" if job_if else "",
        step_if=f"        if: {step_if}\n" if step_if else "",
    )


def outcome(text: str, keep_build_in_job: bool = False) -> tuple[Status, str]:
    options = Options(keep_build_in_job=keep_build_in_job)
    result = rewrite_workflow(text, "release.yml", fixed_lookup("demo"), options)
    assert not id_token_problems(text, result)
    return result.status, " ".join(s.reason for s in result.skips)


@pytest.mark.parametrize("on", ["pull_request_target", "[push, pull_request_target]"])
def test_pull_request_target_never_gets_id_token(on: str) -> None:
    guarded = publish_workflow(on, job_if="startsWith(github.ref, 'refs/tags/')")
    status, reason = outcome(guarded)
    assert status is Status.SKIPPED and "pull_request_target" in reason


@pytest.mark.parametrize(
    "on", ["[push, pull_request]", "pull_request", "[release, pull_request_review]"]
)
@pytest.mark.parametrize("keep_build_in_job", [False, True])
def test_a_job_pull_requests_can_run_is_not_given_id_token(
    on: str, keep_build_in_job: bool
) -> None:
    status, reason = outcome(publish_workflow(on), keep_build_in_job)
    assert status is Status.SKIPPED
    assert "pull request" in reason and "`if:`" in reason


GUARDS = [
    "startsWith(github.ref, 'refs/tags/')",
    "github.event_name == 'release'",
    "github.event_name == 'push'",
    "github.ref == 'refs/heads/main'",
    "github.event_name != 'pull_request'",
    "${{ github.ref_type == 'tag' }}",
    "github.repository == 'acme/pkg' && startsWith(github.event.ref, 'refs/tags')",
]


@pytest.mark.parametrize("guard", GUARDS)
def test_a_job_whose_if_excludes_pull_requests_is_migrated(guard: str) -> None:
    status, _ = outcome(publish_workflow("[push, pull_request]", job_if=guard))
    assert status is Status.CHANGED


@pytest.mark.parametrize("guard", GUARDS)
def test_the_upload_steps_if_guards_the_publish_job_it_becomes(guard: str) -> None:
    text = publish_workflow("[push, pull_request]", step_if=guard)
    assert outcome(text)[0] is Status.CHANGED  # split: the step's `if:` is the new job's
    status, reason = outcome(text, keep_build_in_job=True)  # in place: the job runs anyway
    assert status is Status.SKIPPED and "the job runs on them too" in reason


@pytest.mark.parametrize(
    ("condition", "excludes"),
    [
        ("startsWith(github.ref, 'refs/tags/')", True),
        ("startsWith(github.ref, 'refs/tags/v')", True),
        ("startsWith(github.ref, 'refs/')", False),  # refs/pull/... starts so too
        ("startsWith(github.ref, 'refs/pull/')", False),
        ("github.event_name == 'release'", True),
        ("github.event_name == 'PUSH'", True),  # comparisons ignore case
        ("github.event_name == 'pull_request'", False),
        ("github.event_name != 'pull_request'", True),
        ("!(github.event_name == 'pull_request')", True),
        ("github.ref == 'refs/heads/main'", True),
        ("github.ref == 'refs/pull/1/merge'", False),
        ("github.ref_type == 'tag'", True),
        ("startsWith(github.event.ref, 'refs/tags')", True),  # no `ref` in a pull_request payload
        ("success() && startsWith(github.ref, 'refs/tags/')", True),
        ("github.event_name == 'push' || github.event_name == 'release'", True),
        ("github.event_name == 'push' || github.event_name == 'pull_request'", False),
        ("github.repository == 'acme/pkg'", False),  # true in a fork's pull request too
        ("github.repository_owner == 'acme' || github.event_name == 'release'", False),
        ("contains(github.ref, 'tags')", False),
        ("github.event.pull_request.merged == true", False),
        ("always()", False),
        ("true", False),
        ("false", True),
        ("startsWith(github.ref, 'refs/tags/') && ${{ inputs.x }}", False),  # mixed: not read
        ("github.ref == 'refs/heads/main' &&", False),  # not an expression
        (None, False),
    ],
)
def test_which_conditions_exclude_pull_requests(condition: str | None, excludes: bool) -> None:
    assert excludes_pull_requests(condition, ["pull_request"]) is excludes


def test_every_pull_request_trigger_must_be_excluded() -> None:
    events = ["pull_request", "pull_request_review"]
    assert not excludes_pull_requests("github.event_name != 'pull_request'", events)
    assert excludes_pull_requests("github.event_name == 'push'", events)


# -- the checks themselves catch what they look for ----------------------------------------------

BEFORE = """\
on: push
permissions:
  contents: read
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: twine upload dist/*
  docs:
    runs-on: ubuntu-latest
    steps:
      - run: mkdocs build
"""


def changed(before: str, after: str) -> RewriteResult:
    return RewriteResult("release.yml", before, after, Status.CHANGED)


def test_the_checks_catch_a_widened_permission() -> None:
    after = BEFORE.replace(
        "    runs-on: ubuntu-latest\n    steps:\n      - run: twine",
        "    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n"
        "      id-token: write\n    steps:\n      - run: twine",
    )
    assert widened_permissions(BEFORE, changed(BEFORE, after)) == [
        "job `publish` now has `contents: write`, which `publish` lacked"
    ]
    assert not id_token_problems(BEFORE, changed(BEFORE, after))


def test_the_checks_catch_id_token_where_it_does_not_belong() -> None:
    workflow_level = BEFORE.replace("  contents: read\n", "  contents: read\n  id-token: write\n")
    docs = BEFORE.replace(
        "    steps:\n      - run: mkdocs",
        "    permissions:\n      id-token: write\n    steps:\n      - run: mkdocs",
    )
    on_pull_requests = docs.replace("on: push", "on: [push, pull_request]").replace(
        "mkdocs build", "twine upload dist/*"
    )
    assert id_token_problems(BEFORE, changed(BEFORE, workflow_level)) == [
        "the workflow-level permissions changed"
    ]
    assert id_token_problems(BEFORE, changed(BEFORE, docs)) == [
        "job `docs` got `id-token: write` but does not publish"
    ]
    assert id_token_problems(BEFORE, changed(BEFORE, on_pull_requests)) == [
        "job `docs` got `id-token: write` and runs on pull requests"
    ]


def test_a_github_release_job_keeps_the_defaults_its_origin_ran_with() -> None:
    # Steps that create a GitHub Release move to a job of their own, which runs with the same
    # permissions as the job they came from: here the repository's defaults (no block at all).
    text = publish_workflow("[push]").replace(
        "          password: ${{ secrets.PYPI_API_TOKEN }}\n",
        "          password: ${{ secrets.PYPI_API_TOKEN }}\n"
        "      - uses: softprops/action-gh-release@v2\n",
    )
    result = rewrite_workflow(text, "release.yml", fixed_lookup("demo"), Options())
    jobs = parse(result.text)["jobs"]
    assert "github-release" in jobs and "permissions" not in jobs["github-release"]
    assert not widened_permissions(text, result)


def test_a_job_kept_whole_may_keep_the_write_scopes_its_steps_used_through_the_defaults() -> None:
    # The one exception to "no new scope" besides id-token and contents: read: a job that ran
    # with the repository's defaults and keeps its upload gets the write scopes its other steps
    # write with (trustpub's registry); they only worked if the defaults granted them.
    text = publish_workflow("[push]").replace(
        "          password: ${{ secrets.PYPI_API_TOKEN }}\n",
        "          password: ${{ secrets.PYPI_API_TOKEN }}\n"
        "      - uses: softprops/action-gh-release@v2\n",
    )
    options = Options(keep_build_in_job=True)
    result = rewrite_workflow(text, "release.yml", fixed_lookup("demo"), options)
    job = next(iter(parse(result.text)["jobs"].values()))
    assert job["permissions"]["contents"] == "write"
    assert not widened_permissions(text, result)
    bumped = result.text.replace("softprops/action-gh-release@v2", "actions/setup-python@v5")
    assert widened_permissions(
        text.replace("softprops/action-gh-release@v2", "actions/setup-python@v5"),
        replace(result, text=bumped),
    )
