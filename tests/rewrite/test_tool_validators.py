"""Every changed fixtures/tools/<case>/after.yml passes the offline validators.

actionlint and check-jsonschema find nothing in it; zizmor reports no `use-trusted-publishing` on
it and no more `excessive-permissions` than on before.yml. One batch per tool.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from rewrite_cases import RewriteCase
from tool_cases import load_tool_cases
from trustpub.rewrite.result import Status
from validators import (
    LintError,
    SchemaError,
    ValidatorMissing,
    ZizmorFinding,
    actionlint,
    check_jsonschema,
    idents,
    zizmor,
)

pytestmark = pytest.mark.validators

CHANGED = [case for case in load_tool_cases() if case.status is Status.CHANGED]
# zizmor 1.32's `use-trusted-publishing` audit aborts its whole run on these inputs ("failed to
# locate subfeature" for a single-quoted `run:` with `''` inside): their before.yml is read in a
# batch of its own with that audit off (only its `excessive-permissions` are compared).
ZIZMOR_CRASHES_ON_BEFORE = frozenset({"twine-single-quoted"})
CRASHING_AUDIT = "use-trusted-publishing"


@dataclass(frozen=True)
class Validation:
    zizmor: dict[Path, list[ZizmorFinding]]
    actionlint: dict[Path, list[LintError]]
    schema: dict[Path, list[SchemaError]]


@pytest.fixture(scope="module")
def validated() -> Validation:
    afters = [case.after_path for case in CHANGED]
    befores = [c.before_path for c in CHANGED if c.name not in ZIZMOR_CRASHES_ON_BEFORE]
    unreadable = [c.before_path for c in CHANGED if c.name in ZIZMOR_CRASHES_ON_BEFORE]
    try:
        findings = {**zizmor(befores + afters), **zizmor(unreadable, disabled=[CRASHING_AUDIT])}
        return Validation(findings, actionlint(afters), check_jsonschema(afters))
    except ValidatorMissing as error:
        pytest.fail(str(error))


@pytest.fixture(params=CHANGED, ids=lambda case: case.name)
def case(request: pytest.FixtureRequest) -> RewriteCase:
    result: RewriteCase = request.param
    return result


def test_after_passes_actionlint(case: RewriteCase, validated: Validation) -> None:
    assert validated.actionlint[case.after_path] == []


def test_after_passes_check_jsonschema(case: RewriteCase, validated: Validation) -> None:
    assert validated.schema[case.after_path] == []


def test_zizmor_sees_no_token_publishing(case: RewriteCase, validated: Validation) -> None:
    assert idents(validated.zizmor[case.after_path])["use-trusted-publishing"] == 0


def test_no_new_excessive_permissions(case: RewriteCase, validated: Validation) -> None:
    before = idents(validated.zizmor[case.before_path])["excessive-permissions"]
    after = idents(validated.zizmor[case.after_path])["excessive-permissions"]
    assert after <= before
