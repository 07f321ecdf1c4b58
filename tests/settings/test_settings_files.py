"""Settings from flags, `--config FILE` and `[tool.trustpub]`: flags over files over defaults,
per-repository tables, and clear errors (file and key) that stop the run before anything runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from trustpub.cli import app

DEMO = Path(__file__).parents[2] / "fixtures" / "demo"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, [*args, "--color", "never"])


def environments(result: Result) -> list[str]:
    """The environment names the migration adds (from the JSON report's publishers)."""
    document = json.loads(result.stdout)
    return [p["environment"] for r in document["repositories"] for p in r["publishers"]]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    repo = tmp_path / "acme" / "widgets"
    shutil.copytree(DEMO, repo)
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_text(
        '[remote "origin"]\n\turl = https://github.com/acme/widgets.git\n'
    )
    return repo


def own_settings(repo: Path, table: str) -> None:
    """The demo's pyproject.toml with this `[tool.trustpub]` table."""
    original = (DEMO / "pyproject.toml").read_text()
    (repo / "pyproject.toml").write_text(original + "\n[tool.trustpub]\n" + table)


def test_defaults_then_config_then_flags(demo: Path, tmp_path: Path) -> None:
    assert environments(run("diff", str(demo), "--format", "json")) == ["pypi"]
    config = tmp_path / "trustpub.toml"
    config.write_text('pypi-environment = "release"\n')
    with_config = run("diff", str(demo), "--format", "json", "--config", str(config))
    assert environments(with_config) == ["release"]
    flagged = run(
        "diff", str(demo), "--format", "json", "--config", str(config), "--pypi-environment", "x"
    )
    assert environments(flagged) == ["x"]


def test_a_repository_s_own_file_wins_over_the_config_top_and_loses_to_its_table(
    demo: Path, tmp_path: Path
) -> None:
    own_settings(demo, 'pypi-environment = "own"\n')
    config = tmp_path / "trustpub.toml"
    config.write_text('pypi-environment = "top"\n')
    assert environments(run("diff", str(demo), "--format", "json", "--config", str(config))) == [
        "own"
    ]
    config.write_text('pypi-environment = "top"\n[repositories."acme/*"]\npypi-environment = "t"\n')
    assert environments(run("diff", str(demo), "--format", "json", "--config", str(config))) == [
        "t"
    ]
    # A table also names a checkout by its path below the configuration file.
    config.write_text('[repositories."acme/widgets"]\nproject = "acme-gadgets"\n')
    (demo / ".git" / "config").unlink()  # no origin remote: the path is what matches
    document = json.loads(
        run("diff", str(demo), "--format", "json", "--config", str(config)).stdout
    )
    assert [p["project"] for p in document["repositories"][0]["publishers"]] == ["acme-gadgets"]


def test_pyproject_alone_configures_the_repository(demo: Path) -> None:
    own_settings(demo, "add-testpypi = true\n")
    document = json.loads(run("diff", str(demo), "--format", "json").stdout)
    publishers = document["repositories"][0]["publishers"]
    assert sorted(p["index"] for p in publishers) == ["pypi", "testpypi"]
    own_settings(demo, "keep-build-in-job = true\n")
    document = json.loads(run("diff", str(demo), "--format", "json").stdout)
    assert [p["job"] for p in document["repositories"][0]["publishers"]] == ["release"]


def test_check_never_adds_a_testpypi_job(demo: Path) -> None:
    """A repository already on trusted publishing passes `check`, whatever the files say."""
    assert run("apply", str(demo)).exit_code == 0
    own_settings(demo, "add-testpypi = true\ngate-pypi-on-testpypi = true\n")
    assert run("check", str(demo)).exit_code == 0


def test_ignore_globs_leave_files_alone_and_say_so(demo: Path) -> None:
    own_settings(demo, 'ignore = [".github/workflows/release.*"]\n')
    result = run("check", str(demo))
    assert result.exit_code == 0, result.output
    assert 'ignored by the setting ignore = [".github/workflows/release.*"]' in result.output
    assert run("apply", str(demo)).exit_code == 0
    assert "secrets.PYPI_API_TOKEN" in (demo / ".github/workflows/release.yml").read_text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'pypi-enviroment = "x"\n',
            "key 'pypi-enviroment': unknown (did you mean 'pypi-environment'?)",
        ),
        ("add-testpypi = 1\n", "key 'add-testpypi': expected true or false, got 1"),
        ('labels = "ci"\n', "key 'labels': expected a list of strings, got \"ci\""),
        ("jobs = 0\n", "key 'jobs': 0 is less than 1"),
        ('project = "x"\n', "key 'project': names one repository"),
        ('format = "json"\n', "key 'format': can only be given on the command line (use --for"),
        ('color = "never"\n', "key 'color': can only be given on the command line (use --color)"),
        ('github = "acme"\n', "key 'github': names one repository"),
        ('[repositories."a/b"]\ngithub = "acme"\n', "key 'github': 'acme' is not OWNER/REPO"),
        ('[repositories."a/b"]\njobs = 2\n', "key 'jobs': is a setting of the whole run"),
        ("repositories = 1\n", "repositories: expected tables"),
        ("pypi-environment = \n", "not valid TOML"),
        ('pypi-environment = "a,b"\n', "key 'pypi-environment': 'a,b': PyPI refuses"),
    ],
)
def test_a_bad_config_file_is_a_usage_error_naming_file_and_key(
    demo: Path, tmp_path: Path, text: str, message: str
) -> None:
    config = tmp_path / "trustpub.toml"
    config.write_text(text)
    before = (demo / ".github/workflows/release.yml").read_bytes()
    result = run("apply", str(demo), "--config", str(config))
    assert result.exit_code == 2
    assert f"trustpub: error: {config}: " in result.stderr
    assert message in result.stderr
    assert (demo / ".github/workflows/release.yml").read_bytes() == before


def test_a_bad_tool_trustpub_fails_that_repository_only(demo: Path, tmp_path: Path) -> None:
    other = tmp_path / "acme" / "gadgets"
    shutil.copytree(demo, other)
    own_settings(demo, "add-testpypi = 'yes'\n")
    result = run("check", str(tmp_path / "acme"))
    assert result.exit_code == 3
    assert (
        "pyproject.toml: [tool.trustpub] key 'add-testpypi': expected true or false, got \"yes\""
        in result.output
    )
    assert "acme/gadgets: changed" in result.output


def test_a_repository_that_cannot_publish_does_not_read_its_settings(
    demo: Path, tmp_path: Path
) -> None:
    """Its own settings could change nothing: a bad table there fails nothing either."""
    for workflow in (demo / ".github" / "workflows").iterdir():
        workflow.write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n")
    own_settings(demo, "add-testpypi = 'yes'\n")
    result = run("check", str(tmp_path / "acme"))
    assert result.exit_code == 0, result.output
    assert "acme/widgets" not in result.output or "unchanged" in result.output


def test_run_settings_do_not_belong_in_a_repository(demo: Path) -> None:
    own_settings(demo, "jobs = 3\n")
    result = run("check", str(demo))
    assert result.exit_code == 3
    assert "key 'jobs': is a setting of the whole run" in result.output


def test_a_pyproject_can_be_the_config_file(demo: Path, tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[project]\nname = "x"\n[tool.trustpub]\ntestpypi-environment = "tp"\n')
    result = run("diff", str(demo), "--add-testpypi", "--format", "json", "--config", str(config))
    assert sorted(environments(result)) == ["pypi", "tp"]


def test_a_missing_config_file_is_a_usage_error(demo: Path, tmp_path: Path) -> None:
    result = run("check", str(demo), "--config", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2
    assert "nope.toml: cannot be read" in result.stderr
