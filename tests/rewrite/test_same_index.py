"""Several uploads to one index in one job publish with one PyPA action call (`same_index.py`).

The shapes are fixtures (fixtures/split/same-index-*) and the refusals are in the noop table
(test_noop.py); these are the rules between them: what counts as the same input, what is told,
which uploads keep publishing themselves.
"""

from __future__ import annotations

from rewrite_cases import WORKFLOW_PATH, fixed_lookup
from trustpub.project import ProjectName
from trustpub.rewrite.document import load_data
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import Options, RewriteResult, Status

TOKEN = "${{ secrets.PYPI_API_TOKEN }}"


def _job(*uploads: str, head: str = "", build: str = "      - run: pipx run build\n") -> str:
    return (
        "on:\n  push:\n    tags: ['v*']\n\njobs:\n  release:\n    runs-on: ubuntu-latest\n"
        f"{head}    steps:\n      - uses: actions/checkout@v4\n{build}" + "".join(uploads)
    )


def _pypa(ref: str = "release/v1", inputs: str = "") -> str:
    return (
        f"      - uses: pypa/gh-action-pypi-publish@{ref}\n"
        f"        with:\n          password: {TOKEN}\n{inputs}"
    )


def _rewrite(text: str, options: Options | None = None) -> RewriteResult:
    return rewrite_workflow(text, WORKFLOW_PATH, fixed_lookup("example"), options)


def _pypa_steps(result: RewriteResult) -> dict[str, list[dict[str, object]]]:
    jobs = load_data(result.text)["jobs"]
    return {
        job_id: [s for s in job["steps"] if "gh-action-pypi-publish" in str(s.get("uses"))]
        for job_id, job in jobs.items()
    }


def test_an_input_set_to_its_unchanging_default_agrees_with_one_left_unset() -> None:
    text = _job(_pypa(inputs="          skip-existing: false\n"), _pypa())
    result = _rewrite(text)
    assert result.status is Status.CHANGED, [s.reason for s in result.skips]
    assert _pypa_steps(result) == {
        "release": [],
        "publish-to-pypi": [{"uses": "pypa/gh-action-pypi-publish@release/v1"}],
    }


def test_an_input_with_a_default_that_changed_between_releases_must_be_the_same() -> None:
    # `verbose` defaults to false in v1.10 and to true in v1.14: unset is not `false`.
    text = _job(_pypa(inputs="          verbose: false\n"), _pypa())
    result = _rewrite(text)
    assert result.status is Status.SKIPPED
    assert "set `verbose` differently (`false` and unset)" in result.skips[0].reason


def test_the_kept_step_pins_the_version_and_the_report_says_so() -> None:
    text = _job(_pypa("v1.10.3"), _pypa("v1.12.4"))
    result = _rewrite(text)
    assert result.status is Status.CHANGED
    assert _pypa_steps(result)["publish-to-pypi"] == [
        {"uses": "pypa/gh-action-pypi-publish@v1.12.4"}
    ]
    notes = [n.message for n in result.notes if n.job == "publish-to-pypi"]
    assert notes == [
        "the uploads used `pypa/gh-action-pypi-publish@v1.10.3` and "
        "`pypa/gh-action-pypi-publish@v1.12.4`; `publish-to-pypi` runs "
        "`pypa/gh-action-pypi-publish@v1.12.4`, the version of the step on line 14, for all of "
        "them"
    ]


def test_every_upload_is_reported_with_its_secret() -> None:
    text = _job(_pypa(), _pypa())
    result = _rewrite(text)
    assert [(u.line, u.index) for u in result.token_uploads] == [(11, "pypi"), (14, "pypi")]
    assert sorted((s.line, s.name) for s in result.secret_uses) == [
        (11, "PYPI_API_TOKEN"),
        (14, "PYPI_API_TOKEN"),
    ]


def test_uploads_of_two_projects_register_a_publisher_each_for_the_one_publish_job() -> None:
    text = _job(
        _pypa(inputs="          packages-dir: core/dist/\n"),
        _pypa(inputs="          packages-dir: plugin/dist/\n"),
    )

    def lookup(directory: str) -> ProjectName:
        return ProjectName(f"demo-{directory}", f"{directory}/pyproject.toml")

    result = rewrite_workflow(text, WORKFLOW_PATH, lookup)
    assert result.status is Status.CHANGED
    assert [(p.project, p.job, p.environment) for p in result.publishers] == [
        ("demo-plugin", "publish-to-pypi", "pypi"),
        ("demo-core", "publish-to-pypi", "pypi"),
    ]
    download = load_data(result.text)["jobs"]["publish-to-pypi"]["steps"][0]
    assert download["with"]["path"] == "plugin/dist/"


def test_tools_that_publish_themselves_keep_both_uploads_in_place() -> None:
    twine = (
        "      - run: twine upload wheelhouse/*\n        env:\n"
        f"          TWINE_USERNAME: __token__\n          TWINE_PASSWORD: {TOKEN}\n"
    )
    sdist = twine.replace("wheelhouse/*", "dist/*")
    result = _rewrite(_job(twine, sdist), Options(keep_build_in_job=True))
    assert result.status is Status.CHANGED
    assert "publish-to-pypi" not in result.text
    assert result.text.count("twine upload") == 2


def test_an_upload_the_pypa_action_cannot_take_over_leaves_the_job_alone() -> None:
    maturin = (
        "      - uses: PyO3/maturin-action@v1\n        with:\n          command: upload\n"
        "          args: --skip-existing dist/*\n"
        f"        env:\n          MATURIN_PYPI_TOKEN: {TOKEN}\n"
    )
    result = _rewrite(_job(maturin, _pypa()))
    assert result.status is Status.SKIPPED
    assert result.text == _job(maturin, _pypa())
    assert result.skips[0].reason == (
        "pypa/gh-action-pypi-publish cannot take over an upload made by PyO3/maturin-action, "
        "which must go to a publish job of its own"
    )
