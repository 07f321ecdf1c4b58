"""Every fixture's after.yml passes the offline validators, and is no worse than its before.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from rewrite_cases import RewriteCase, load_cases
from trustpub.rewrite.result import Status
from validators import (
    LintError,
    SchemaError,
    ValidatorMissing,
    ZizmorFinding,
    actionlint,
    check_jsonschema,
    executable,
    idents,
    zizmor,
)

pytestmark = pytest.mark.validators

CASES = load_cases()


# Rides along in every batch, to prove each validator reads its files and reports findings.
PROBE = """\
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    enviroment: pypi
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""


@dataclass(frozen=True)
class FixtureValidation:
    probe: Path
    zizmor: dict[Path, list[ZizmorFinding]]
    actionlint: dict[Path, list[LintError]]
    schema: dict[Path, list[SchemaError]]


@pytest.fixture(scope="session")
def validated(tmp_path_factory: pytest.TempPathFactory) -> FixtureValidation:
    """One run of each validator over all the fixtures (befores for zizmor's comparison)."""
    probe = tmp_path_factory.mktemp("probe") / "probe.yml"
    probe.write_text(PROBE)
    afters = [case.after_path for case in CASES] + [probe]
    try:
        return FixtureValidation(
            probe,
            zizmor([case.before_path for case in CASES] + afters),
            actionlint(afters),
            check_jsonschema(afters),
        )
    except ValidatorMissing as error:
        pytest.fail(str(error))


def test_validators_see_the_probe(validated: FixtureValidation) -> None:
    assert idents(validated.zizmor[validated.probe])["use-trusted-publishing"] == 1
    assert [e.kind for e in validated.actionlint[validated.probe]] == ["syntax-check"]
    assert "enviroment" in validated.schema[validated.probe][0].message


@pytest.fixture(params=CASES, ids=lambda case: case.name)
def case(request: pytest.FixtureRequest) -> RewriteCase:
    result: RewriteCase = request.param
    return result


def test_after_passes_actionlint(case: RewriteCase, validated: FixtureValidation) -> None:
    assert validated.actionlint[case.after_path] == []


def test_after_passes_check_jsonschema(case: RewriteCase, validated: FixtureValidation) -> None:
    assert validated.schema[case.after_path] == []


@pytest.mark.parametrize(
    "changed", [c for c in CASES if c.status is Status.CHANGED], ids=lambda case: case.name
)
def test_zizmor_sees_no_token_publishing(
    changed: RewriteCase, validated: FixtureValidation
) -> None:
    # Only changed cases must have lost their token (a skipped one keeps it on purpose).
    assert idents(validated.zizmor[changed.after_path])["use-trusted-publishing"] == 0


def test_no_new_excessive_permissions(case: RewriteCase, validated: FixtureValidation) -> None:
    before = idents(validated.zizmor[case.before_path])["excessive-permissions"]
    after = idents(validated.zizmor[case.after_path])["excessive-permissions"]
    assert after <= before


def test_a_missing_validator_says_what_to_install() -> None:
    with pytest.raises(ValidatorMissing, match=r"pip install -e '\.\[test\]'"):
        executable("no-such-validator")
