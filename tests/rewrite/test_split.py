"""One index per job: fixtures/split/<case>/ before.yml becomes after.yml, and what holds for each.

The cases use the fixture format of `rewrite_cases` (before.yml, after.yml written by hand from
the rules, case.toml). Beyond the byte-exact text: the dists a build job stores are exactly what
its publish jobs download, a second run changes nothing, and every after.yml passes the offline
validators (no `use-trusted-publishing`, no more `excessive-permissions` than before, but for a
job that keeps the repository's default token because its steps write with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from rewrite_cases import (
    REPO_ROOT,
    RewriteCase,
    assert_byte_variant,
    assert_expectations,
    assert_same_text,
    byte_variants,
    load_case,
)
from split_links import check_links, links
from trustpub.rewrite.document import load_data
from trustpub.rewrite.result import Status
from validators import (
    LintError,
    SchemaError,
    ValidatorMissing,
    ZizmorFinding,
    actionlint,
    broad_permissions,
    check_jsonschema,
    idents,
    zizmor,
)

SPLIT_FIXTURES = REPO_ROOT / "fixtures" / "split"
CASES = [load_case(d) for d in sorted(SPLIT_FIXTURES.iterdir()) if (d / "before.yml").exists()]
CHANGED = [c for c in CASES if c.status is Status.CHANGED]
PYPA_ACTION = "pypa/gh-action-pypi-publish"


@pytest.fixture(params=CASES, ids=lambda case: case.name)
def case(request: pytest.FixtureRequest) -> RewriteCase:
    result: RewriteCase = request.param
    return result


def test_there_are_cases() -> None:
    assert len(CASES) >= 20


def test_before_becomes_after(case: RewriteCase) -> None:
    result = case.rewrite(case.before)
    assert result.failure is None, result.failure
    assert_same_text(result.text, case.after)
    assert result.status is case.status


def test_expectations(case: RewriteCase) -> None:
    assert_expectations(case, case.rewrite(case.before))


@pytest.mark.parametrize(("variant_case", "variant"), byte_variants(CASES))
def test_byte_variants(variant_case: RewriteCase, variant: str) -> None:
    """The same case with CRLF endings, a BOM or no final newline gives the same variant out."""
    assert_byte_variant(variant_case, variant)


def test_publishers_name_jobs_that_exist_and_publish(case: RewriteCase) -> None:
    result = case.rewrite(case.before)
    jobs = load_data(result.text)["jobs"]
    for publisher in result.publishers:
        steps = jobs[publisher.job]["steps"]
        assert sum(str(s.get("uses", "")).startswith(PYPA_ACTION) for s in steps) == 1


def test_idempotent(case: RewriteCase) -> None:
    again = case.rewrite(case.after)
    assert again.failure is None
    assert_same_text(again.text, case.after)
    assert again.status is case.rerun_status


def test_every_job_holds_at_most_one_pypa_action_call(case: RewriteCase) -> None:
    if case.status is not Status.CHANGED:
        return
    for job_id, job in load_data(case.after)["jobs"].items():
        calls = [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith(PYPA_ACTION)]
        assert len(calls) <= 1, job_id


# -- the artifact the build job stores is what the publish jobs download -------------------------


@pytest.mark.parametrize("case", CHANGED, ids=lambda case: case.name)
def test_publish_jobs_download_what_the_build_job_stored(case: RewriteCase) -> None:
    result = case.rewrite(case.before)
    check_links(result, load_data(result.text))


def test_split_cases_have_links() -> None:
    split = [c for c in CHANGED if "publish-to-" in c.after and "publish-to-" not in c.before]
    assert len(split) >= 15
    for case in split:
        assert links(load_data(case.after)), case.name


# -- validators --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Validation:
    zizmor: dict[Path, list[ZizmorFinding]]
    actionlint: dict[Path, list[LintError]]
    schema: dict[Path, list[SchemaError]]


@pytest.fixture(scope="module")
def validated() -> Validation:
    afters = [c.after_path for c in CASES]
    try:
        return Validation(
            zizmor([c.before_path for c in CASES] + afters),
            actionlint(afters),
            check_jsonschema(afters),
        )
    except ValidatorMissing as error:
        pytest.fail(str(error))


@pytest.mark.validators
def test_after_passes_actionlint(case: RewriteCase, validated: Validation) -> None:
    assert validated.actionlint[case.after_path] == []


@pytest.mark.validators
def test_after_passes_the_schema(case: RewriteCase, validated: Validation) -> None:
    assert validated.schema[case.after_path] == []


@pytest.mark.validators
def test_after_is_trusted_and_no_more_permissive(case: RewriteCase, validated: Validation) -> None:
    after = idents(validated.zizmor[case.after_path])
    if case.status is Status.CHANGED:
        assert after["use-trusted-publishing"] == 0
    # A job that keeps the default token its steps write with is flagged as it was (and the
    # workflow level with it): only other excessive-permissions findings may never grow.
    found_before, found_after = (
        validated.zizmor[case.before_path],
        validated.zizmor[case.after_path],
    )
    assert broad_permissions(found_after, case.after) <= broad_permissions(
        found_before, case.before
    )
