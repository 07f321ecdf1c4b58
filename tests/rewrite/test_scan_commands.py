"""scan_script: upload commands, credentials, pins and hidden uploads in `run:` scripts."""

from __future__ import annotations

import collections
import dataclasses
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustpub.rewrite.commands import (
    ScriptScan,
    Span,
    UploadCommand,
    as_specifier,
    remove_spans,
    scan_script,
)
from trustpub.rewrite.indexes import IndexKind
from trustpub.rewrite.tools import TOOLS


def text(script: str, span: Span | None) -> str:
    assert span is not None
    return script[span.start : span.end]


def only_upload(script: str, shell: str | None = None) -> UploadCommand:
    scan = scan_script(script, shell)
    assert scan.problem is None
    assert len(scan.uploads) == 1, scan.uploads
    return scan.uploads[0]


def without_credentials(script: str, shell: str | None = None) -> str:
    scan = scan_script(script, shell)
    return remove_spans(script, [s for u in scan.uploads for s in u.credential_flags])


# ---------------------------------------------------------------------------------------------
# Every spelling of every tool

SPELLINGS = [
    ("twine upload dist/*", "twine"),
    ("python -m twine upload dist/*", "twine"),
    ("python3 -m twine upload dist/*", "twine"),
    ("python3.12 -m twine upload dist/*", "twine"),
    ("py -m twine upload dist/*", "twine"),
    ("py -3.12 -m twine upload dist/*", "twine"),
    ("python -mtwine upload dist/*", "twine"),
    ("pipx run twine upload dist/*", "twine"),
    ("pipx run twine==6.1.0 upload dist/*", "twine"),
    ("pipx run --spec twine==6.1.0 twine upload dist/*", "twine"),
    ("uvx twine upload dist/*", "twine"),
    ("uvx twine@6.1.0 upload dist/*", "twine"),
    ("uvx --from 'twine>=6.1' twine upload dist/*", "twine"),
    ("uv tool run twine upload dist/*", "twine"),
    ("uv run twine upload dist/*", "twine"),
    ("uv run --with twine twine upload dist/*", "twine"),
    ("uv run --no-sync python -m twine upload dist/*", "twine"),
    ("poetry run twine upload dist/*", "twine"),
    ("pdm run twine upload dist/*", "twine"),
    ("hatch run twine upload dist/*", "twine"),
    ("$HOME/.local/bin/twine upload dist/*", "twine"),
    ("/usr/local/bin/twine upload dist/*", "twine"),
    ("twine --no-color upload dist/*", "twine"),
    ("uv publish", "uv"),
    ("uv publish dist/*", "uv"),
    ("uv --directory pkg publish", "uv"),
    ("python -m uv publish", "uv"),
    ("pdm publish", "pdm"),
    ("pdm -p sub publish", "pdm"),
    ("poetry publish", "poetry"),
    ("poetry publish --build", "poetry"),
    ("poetry -C pkg publish --build", "poetry"),
    ("hatch publish", "hatch"),
    ("hatch -e release publish", "hatch"),
    ("flit publish", "flit"),
    ("flit --repository testpypi publish", "flit"),
    ("maturin upload dist/*", "maturin"),
    ("maturin publish", "maturin"),
    ("maturin publish --skip-existing", "maturin"),
]


@pytest.mark.parametrize(("script", "tool"), SPELLINGS, ids=[s for s, _ in SPELLINGS])
def test_spelling(script: str, tool: str) -> None:
    upload = only_upload(script)
    assert upload.tool == tool
    assert text(script, upload.span) == script


WRAPPED = [
    "sudo twine upload dist/*",
    "sudo -E twine upload dist/*",
    "sudo -u runner -E twine upload dist/*",
    "time twine upload dist/*",
    "timeout 10 twine upload dist/*",
    "timeout -s KILL 5m twine upload dist/*",
    "env TWINE_NON_INTERACTIVE=1 twine upload dist/*",
    "nice -n 5 twine upload dist/*",
    "exec twine upload dist/*",
    "command twine upload dist/*",
    "xargs -n1 twine upload",
    "TWINE_NON_INTERACTIVE=1 twine upload dist/*",
    "A=1 B=2 sudo -E twine upload dist/*",
]


@pytest.mark.parametrize("script", WRAPPED, ids=WRAPPED)
def test_wrappers_and_prefix_assignments_are_part_of_the_command(script: str) -> None:
    upload = only_upload(script)
    assert upload.tool == "twine"
    assert text(script, upload.span) == script


IN_CONTEXT = [
    ("python -m build && twine upload dist/*", "twine upload dist/*"),
    ("twine check dist/* || twine upload dist/*", "twine upload dist/*"),
    ("cd dist; twine upload *", "twine upload *"),
    ("twine upload dist/* | tee upload.log", "twine upload dist/*"),
    ("twine upload dist/* 2>&1", "twine upload dist/* 2>&1"),
    ("twine upload dist/* >log 2>&1 &", "twine upload dist/* >log 2>&1"),
    ("python -m build\ntwine upload dist/*\n", "twine upload dist/*"),
    ("twine upload \\\n  dist/*", "twine upload \\\n  dist/*"),
    ("twine \\\n  upload dist/*", "twine \\\n  upload dist/*"),
    ('if [ -n "$TAG" ]; then twine upload dist/*; fi', "twine upload dist/*"),
    ("if [ -n x ]; then\n  twine upload dist/*\nfi", "twine upload dist/*"),
    ("if twine upload dist/*; then echo ok; fi", "twine upload dist/*"),
    ("while ! twine upload dist/*; do sleep 5; done", "twine upload dist/*"),
    ("(cd pkg && twine upload dist/*)", "twine upload dist/*"),
    ("{ twine upload dist/*; }", "twine upload dist/*"),
    ('for f in dist/*; do twine upload "$f"; done', 'twine upload "$f"'),
    ('case "$X" in\n  pypi) twine upload dist/*;;\nesac', "twine upload dist/*"),
    ("! twine upload dist/*", "twine upload dist/*"),
    (
        "twine upload --comment \"${{ github.event.release.name || 'a b' }}\" dist/*",
        "twine upload --comment \"${{ github.event.release.name || 'a b' }}\" dist/*",
    ),
    ("cat <<EOF\nnotes\nEOF\ntwine upload dist/*", "twine upload dist/*"),
    ("cat <<-EOF\n\tnotes\n\tEOF\ntwine upload dist/*", "twine upload dist/*"),
    ('echo "a<<EOF"\ntwine upload dist/*', "twine upload dist/*"),
    ('V="$(python -c "print(1)")"\ntwine upload dist/*', "twine upload dist/*"),
    ("twine upload dist/* # -p ${{ secrets.IN_A_COMMENT }}", "twine upload dist/*"),
]


@pytest.mark.parametrize(("script", "command"), IN_CONTEXT, ids=[s for s, _ in IN_CONTEXT])
def test_upload_found_in_context(script: str, command: str) -> None:
    assert text(script, only_upload(script).span) == command


NOT_UPLOADS = [
    "# twine upload dist/*",
    "echo done  # twine upload dist/*",
    "echo 'twine upload dist/*'",
    "echo uv publish",
    "twine check dist/*",
    "python -m twine check --strict dist/*",
    "pipx run twine check dist/*",
    "uv run --no-sync python -m twine check dist/*",
    "pip install twine",
    "uv build",
    "poetry build",
    "poetry version patch",
    "hatch build",
    "flit build",
    "maturin build --release",
    "pdm build",
    "git commit -m 'twine upload'",
    'python -c "print(1)"',
    "",
]


@pytest.mark.parametrize("script", NOT_UPLOADS, ids=repr)
def test_not_an_upload(script: str) -> None:
    assert scan_script(script) == ScriptScan()


@pytest.mark.parametrize(
    ("script", "dry_run"),
    [
        ("uv publish --dry-run", True),
        ("poetry publish -r test-pypi --dry-run", True),
        ("pdm publish --dry-run", True),
        ("uv publish", False),
        ("uv publish -- --dry-run", False),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_dry_run(script: str, dry_run: bool) -> None:
    assert only_upload(script).dry_run is dry_run


# ---------------------------------------------------------------------------------------------
# Credential flags and what deleting them leaves

CREDENTIALS = [
    ("twine upload -u __token__ -p ${{ secrets.T }} dist/*", "twine upload dist/*"),
    ("twine upload --username __token__ --password ${{ secrets.T }} dist/*", "twine upload dist/*"),
    ("twine upload --password=${{ secrets.T }} dist/*", "twine upload dist/*"),
    ("twine upload -p${{ secrets.T }} dist/*", "twine upload dist/*"),
    ("twine upload -u__token__ dist/*", "twine upload dist/*"),
    ('twine upload -p "${{ secrets.T }}" dist/*', "twine upload dist/*"),
    ("twine upload -p '${{ secrets.T }}' dist/*", "twine upload dist/*"),
    ("twine upload dist/* -p ${{ secrets.T }}", "twine upload dist/*"),
    ("uv publish --token ${{ secrets.T }}", "uv publish"),
    ("uv publish -t ${{ secrets.T }}", "uv publish"),
    ("uv publish --token=${{ secrets.T }} dist/*", "uv publish dist/*"),
    ("uv publish -u __token__ -p ${{ secrets.T }}", "uv publish"),
    ("pdm publish -u __token__ -P ${{ secrets.T }}", "pdm publish"),
    ("pdm publish --password ${{ secrets.T }}", "pdm publish"),
    ("pdm -p sub publish -P ${{ secrets.T }}", "pdm -p sub publish"),
    ("poetry publish -u __token__ -p ${{ secrets.T }}", "poetry publish"),
    (
        "poetry publish --build --username __token__ --password ${{ secrets.T }}",
        "poetry publish --build",
    ),
    ("hatch publish -u __token__ -a ${{ secrets.T }}", "hatch publish"),
    ("hatch publish --user __token__ --auth ${{ secrets.T }}", "hatch publish"),
    ("hatch publish -p index -a ${{ secrets.T }}", "hatch publish -p index"),
    ("maturin upload -u __token__ -p ${{ secrets.T }} dist/*", "maturin upload dist/*"),
    (
        "maturin publish --password ${{ secrets.T }} --skip-existing",
        "maturin publish --skip-existing",
    ),
    (
        "pipx run twine==6.1.0 upload -p ${{ secrets.T }} dist/*",
        "pipx run twine==6.1.0 upload dist/*",
    ),
    (
        "TWINE_NON_INTERACTIVE=1 twine upload -p ${{ secrets.T }}",
        "TWINE_NON_INTERACTIVE=1 twine upload",
    ),
]


@pytest.mark.parametrize(("script", "after"), CREDENTIALS, ids=[s for s, _ in CREDENTIALS])
def test_credential_flags_delete_cleanly(script: str, after: str) -> None:
    upload = only_upload(script)
    assert remove_spans(script, upload.credential_flags) == after
    assert upload.referenced_secrets == ({"T"} if "secrets.T" in script else set())


def test_flit_has_no_credential_flags() -> None:
    assert only_upload("flit publish -p x").credential_flags == ()


DELETIONS = [
    (
        "twine upload \\\n  -u __token__ \\\n  -p ${{ secrets.T }} \\\n  dist/*",
        "twine upload \\\n  dist/*",
    ),
    (
        "twine upload dist/* \\\n  --password ${{ secrets.T }}\necho ok",
        "twine upload dist/*\necho ok",
    ),
    (
        "python -m build && twine upload -u __token__ -p ${{ secrets.T }} dist/* && echo done",
        "python -m build && twine upload dist/* && echo done",
    ),
    ("twine upload -p ${{ secrets.T }} dist/*; echo ok", "twine upload dist/*; echo ok"),
    (
        "twine upload -r testpypi -p ${{ secrets.TEST }} dist/*\n"
        "twine upload -p ${{ secrets.PROD }} dist/*\n",
        "twine upload -r testpypi dist/*\ntwine upload dist/*\n",
    ),
    (
        "if [ x ]; then\n  poetry publish \\\n    -u __token__ \\\n    -p ${{ secrets.T }}\nfi",
        "if [ x ]; then\n  poetry publish\nfi",
    ),
    ("uv publish\t--token\t${{ secrets.T }}\tdist/*", "uv publish\tdist/*"),
]


@pytest.mark.parametrize(("script", "after"), DELETIONS, ids=[s for s, _ in DELETIONS])
def test_deleting_every_credential_flag(script: str, after: str) -> None:
    assert without_credentials(script) == after


@pytest.mark.parametrize(
    ("script", "secrets", "computed", "from_shell"),
    [
        ("twine upload -p ${{ secrets.PYPI_TOKEN }}", {"PYPI_TOKEN"}, False, False),
        ("twine upload -p ${{ secrets['PYPI_TOKEN'] }}", {"PYPI_TOKEN"}, False, False),
        ("twine upload -p ${{ secrets.A || secrets.B }}", {"A", "B"}, False, False),
        ("twine upload -p ${{ secrets[format('{0}_T', matrix.i)] }}", set(), True, False),
        ("twine upload -p $PYPI_TOKEN", set(), False, True),
        ('twine upload -p "$PYPI_TOKEN"', set(), False, True),
        ('twine upload -p "${PYPI_TOKEN}"', set(), False, True),
        ('twine upload -p "$(cat token.txt)"', set(), False, True),
        ("twine upload -p `cat token.txt`", set(), False, True),
        ("twine upload -u $USER_NAME dist/*", set(), False, True),
        ("twine upload -u ${{ secrets.GITHUB_TOKEN }}", set(), False, False),
        ("twine upload -u __token__", set(), False, False),
        ("twine upload -r ${{ secrets.REPO }} dist/*", set(), False, False),  # not a credential
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_what_the_credential_values_hold(
    script: str, secrets: set[str], computed: bool, from_shell: bool
) -> None:
    upload = only_upload(script)
    assert upload.referenced_secrets == secrets
    assert upload.computed_secret is computed
    assert upload.credential_from_shell is from_shell


def test_credential_flag_without_value_is_a_problem() -> None:
    script = "poetry publish -u ${{ secrets.U }} -p\n${{ secrets.P }}"
    scan = scan_script(script)
    assert scan.problem is not None
    assert "`-p` has no value" in scan.problem
    assert "line 1" in scan.problem


# ---------------------------------------------------------------------------------------------
# Which index each upload goes to

INDEXES = [
    ("twine upload dist/*", IndexKind.PYPI, ""),
    ("twine upload -r testpypi dist/*", IndexKind.TESTPYPI, "testpypi"),
    ("twine upload --repository pypi dist/*", IndexKind.PYPI, "pypi"),
    ("twine upload -rtestpypi dist/*", IndexKind.TESTPYPI, "testpypi"),
    (
        "twine upload --repository-url https://test.pypi.org/legacy/ dist/*",
        IndexKind.TESTPYPI,
        "https://test.pypi.org/legacy/",
    ),
    (
        "twine upload --repository-url https://test.pypi.org/legacy dist/*",
        IndexKind.TESTPYPI,
        "https://test.pypi.org/legacy",
    ),
    (
        "twine upload --repository-url=https://upload.pypi.org/legacy/",
        IndexKind.PYPI,
        "https://upload.pypi.org/legacy/",
    ),
    (
        'twine upload --repository-url "https://test.pypi.org/legacy/" dist/*',
        IndexKind.TESTPYPI,
        "https://test.pypi.org/legacy/",
    ),
    (
        "twine upload --repository-url https://private.example/ dist/*",
        IndexKind.OTHER,
        "https://private.example/",
    ),
    (
        "twine upload --repository-url ${{ secrets.URL }} dist/*",
        IndexKind.UNKNOWN,
        "${{ secrets.URL }}",
    ),
    ("twine upload --repository-url $REPO_URL dist/*", IndexKind.UNKNOWN, "$REPO_URL"),
    ("twine upload -r codeartifact dist/*", IndexKind.OTHER, "codeartifact"),
    ("twine upload -r main dist/*", IndexKind.OTHER, "main"),
    (
        "twine upload -r testpypi --repository-url https://upload.pypi.org/legacy/",
        IndexKind.PYPI,
        "https://upload.pypi.org/legacy/",
    ),
    ("twine upload -r pypi -r testpypi", IndexKind.TESTPYPI, "testpypi"),
    (
        "TWINE_REPOSITORY_URL=https://test.pypi.org/legacy/ twine upload dist/*",
        IndexKind.TESTPYPI,
        "https://test.pypi.org/legacy/",
    ),
    ("export TWINE_REPOSITORY=testpypi\ntwine upload dist/*", IndexKind.TESTPYPI, "testpypi"),
    ("TWINE_REPOSITORY=testpypi\ntwine upload dist/*", IndexKind.TESTPYPI, "testpypi"),
    ("export TWINE_REPOSITORY_URL=$(get-url)\ntwine upload", IndexKind.UNKNOWN, "$(get-url)"),
    ("TWINE_REPOSITORY=testpypi twine upload -r pypi", IndexKind.PYPI, "pypi"),
    (
        "uv publish --publish-url https://private.example/",
        IndexKind.OTHER,
        "https://private.example/",
    ),
    (
        "uv publish --publish-url https://test.pypi.org/legacy/",
        IndexKind.TESTPYPI,
        "https://test.pypi.org/legacy/",
    ),
    ("uv publish --index testpypi", IndexKind.TESTPYPI, "testpypi"),
    ("uv publish --index pypi", IndexKind.PYPI, "pypi"),
    ("uv publish --index internal", IndexKind.UNKNOWN, "internal"),
    (
        "UV_PUBLISH_URL=https://test.pypi.org/legacy/ uv publish",
        IndexKind.TESTPYPI,
        "https://test.pypi.org/legacy/",
    ),
    ("pdm publish -r testpypi", IndexKind.TESTPYPI, "testpypi"),
    ("pdm publish --repository pypi", IndexKind.PYPI, "pypi"),
    ("pdm publish -r https://private.example/", IndexKind.OTHER, "https://private.example/"),
    ("poetry publish -r testpypi", IndexKind.TESTPYPI, "testpypi"),
    ("poetry publish --repository=internal", IndexKind.OTHER, "internal"),
    (
        "poetry config repositories.tp https://test.pypi.org/legacy/\npoetry publish -r tp",
        IndexKind.TESTPYPI,
        "https://test.pypi.org/legacy/",
    ),
    ("hatch publish -r test", IndexKind.TESTPYPI, "test"),
    ("hatch publish -r main", IndexKind.PYPI, "main"),
    ("hatch publish --repo https://private.example/", IndexKind.OTHER, "https://private.example/"),
    ("HATCH_INDEX_REPO=test hatch publish", IndexKind.TESTPYPI, "test"),
    ("flit publish --repository testpypi", IndexKind.TESTPYPI, "testpypi"),
    ("flit --repository testpypi publish", IndexKind.TESTPYPI, "testpypi"),
    (
        "FLIT_INDEX_URL=https://test.pypi.org/legacy/ flit publish",
        IndexKind.TESTPYPI,
        "https://test.pypi.org/legacy/",
    ),
    ("maturin upload -r testpypi dist/*", IndexKind.TESTPYPI, "testpypi"),
    (
        "maturin publish --repository-url https://test.pypi.org/legacy/",
        IndexKind.TESTPYPI,
        "https://test.pypi.org/legacy/",
    ),
    ("MATURIN_REPOSITORY=testpypi maturin upload", IndexKind.TESTPYPI, "testpypi"),
]


@pytest.mark.parametrize(("script", "kind", "detail"), INDEXES, ids=[s for s, _, _ in INDEXES])
def test_index(script: str, kind: IndexKind, detail: str) -> None:
    index = only_upload(script).index
    assert (index.kind, index.detail) == (kind, detail)


# ---------------------------------------------------------------------------------------------
# Versions written in the command

VERSIONS = [
    ("pipx run twine==5.0.0 upload dist/*", "==5.0.0"),
    ("pipx run 'twine<6' upload dist/*", "<6"),
    ("pipx run --spec twine==5 twine upload dist/*", "==5"),
    ("uvx twine@6.0.0 upload dist/*", "@6.0.0"),
    ("uvx --from 'twine>=6' twine upload dist/*", ">=6"),
    ("uvx --from=twine==6.0.0 twine upload dist/*", "==6.0.0"),
    ("uv run --with twine==5.1.1 twine upload dist/*", "==5.1.1"),
    ("uv tool run twine@5.1.1 upload dist/*", "@5.1.1"),
    ("pipx run poetry==1.8.3 publish", "==1.8.3"),
]


@pytest.mark.parametrize(("script", "version"), VERSIONS, ids=[s for s, _ in VERSIONS])
def test_version_in_the_command(script: str, version: str) -> None:
    upload = only_upload(script)
    assert upload.version == version
    assert text(script, upload.version_span) == version


@pytest.mark.parametrize(
    "script",
    ["twine upload dist/*", "uvx --from twine twine upload", "uv run --with build twine upload"],
)
def test_no_version(script: str) -> None:
    upload = only_upload(script)
    assert (upload.version, upload.version_span) == (None, None)


@pytest.mark.parametrize(
    ("written", "specifier"), [("@6.0.0", "==6.0.0"), ("==5", "==5"), (">=6,<7", ">=6,<7")]
)
def test_as_specifier(written: str, specifier: str) -> None:
    assert as_specifier(written) == specifier


# ---------------------------------------------------------------------------------------------
# Credential configuration commands

CONFIGS = [
    ("poetry config pypi-token.pypi ${{ secrets.T }}", "poetry", "pypi", None, True, {"T"}),
    ("poetry config pypi-token.testpypi ${{ secrets.T }}", "poetry", "testpypi", None, True, {"T"}),
    (
        "poetry config http-basic.pypi __token__ ${{ secrets.T }}",
        "poetry",
        "pypi",
        None,
        True,
        {"T"},
    ),
    ("poetry config --local pypi-token.pypi $TOKEN", "poetry", "pypi", None, True, set()),
    (
        "poetry config repositories.testpypi https://test.pypi.org/legacy/",
        "poetry",
        "testpypi",
        "https://test.pypi.org/legacy/",
        False,
        set(),
    ),
    ("pdm config repository.pypi.password ${{ secrets.T }}", "pdm", "pypi", None, True, {"T"}),
    ("pdm config repository.pypi.username __token__", "pdm", "pypi", None, True, set()),
    ("hatch config set publish.index.auth ${{ secrets.T }}", "hatch", "main", None, True, {"T"}),
]


@pytest.mark.parametrize(
    ("script", "tool", "repository", "url", "credential", "secrets"),
    CONFIGS,
    ids=[c[0] for c in CONFIGS],
)
def test_config_command(
    script: str, tool: str, repository: str, url: str | None, credential: bool, secrets: set[str]
) -> None:
    scan = scan_script(script)
    assert scan.uploads == ()
    (config,) = scan.config_commands
    assert (config.tool, config.repository, config.url) == (tool, repository, url)
    assert config.is_credential is credential
    assert config.referenced_secrets == secrets
    assert text(script, config.span) == script


@pytest.mark.parametrize(
    "script",
    [
        "poetry config virtualenvs.in-project true",
        "poetry config --unset pypi-token.pypi",
        "poetry config repositories.test-pypi",  # reads the value
        "pdm config python.use_venv true",
    ],
)
def test_not_a_credential_config(script: str) -> None:
    assert scan_script(script).config_commands == ()


STATEMENT_DELETIONS = [
    ("poetry config pypi-token.pypi X\npoetry publish", "poetry publish"),
    (
        "poetry build\npoetry config pypi-token.pypi X\npoetry publish",
        "poetry build\npoetry publish",
    ),
    ("poetry build\npoetry config pypi-token.pypi X", "poetry build"),
    ("poetry build\npoetry config pypi-token.pypi X\n", "poetry build\n"),
    ("poetry config pypi-token.pypi X && poetry publish", "poetry publish"),
    ("poetry build && poetry config pypi-token.pypi X", "poetry build"),
    (
        "poetry build && poetry config pypi-token.pypi X && poetry publish",
        "poetry build && poetry publish",
    ),
    (
        "poetry build; poetry config pypi-token.pypi X; poetry publish",
        "poetry build; poetry publish",
    ),
    (
        "poetry build; poetry config pypi-token.pypi X\npoetry publish",
        "poetry build\npoetry publish",
    ),
    ("  poetry config pypi-token.pypi X  # the token\npoetry publish", "poetry publish"),
    ("poetry build &&\n  poetry config pypi-token.pypi X\necho ok", "poetry build\necho ok"),
    ("poetry config pypi-token.pypi \\\n  X\npoetry publish", "poetry publish"),
    ("poetry config pypi-token.pypi X", ""),
]


@pytest.mark.parametrize(
    ("script", "after"), STATEMENT_DELETIONS, ids=[s for s, _ in STATEMENT_DELETIONS]
)
def test_deleting_a_config_command(script: str, after: str) -> None:
    (config,) = scan_script(script).config_commands
    assert remove_spans(script, [config.span]) == after


# ---------------------------------------------------------------------------------------------
# Exported credentials

EXPORTS: list[tuple[str, str | None, list[str], str]] = [
    (
        "export TWINE_PASSWORD=${{ secrets.T }}\ntwine upload dist/*",
        None,
        ["TWINE_PASSWORD"],
        "twine upload dist/*",
    ),
    (
        "export TWINE_USERNAME=__token__ TWINE_PASSWORD=${{ secrets.T }}\ntwine upload",
        None,
        ["TWINE_USERNAME", "TWINE_PASSWORD"],
        "export\ntwine upload",
    ),
    (
        "export PATH=$PATH:bin TWINE_PASSWORD=${{ secrets.T }}",
        None,
        ["TWINE_PASSWORD"],
        "export PATH=$PATH:bin",
    ),
    (
        "TWINE_PASSWORD=${{ secrets.T }} twine upload dist/*",
        None,
        ["TWINE_PASSWORD"],
        "twine upload dist/*",
    ),
    (
        "TWINE_USERNAME=__token__ TWINE_PASSWORD=${{ secrets.T }} twine upload dist/*",
        None,
        ["TWINE_USERNAME", "TWINE_PASSWORD"],
        "twine upload dist/*",
    ),
    (
        "env UV_PUBLISH_TOKEN=${{ secrets.T }} uv publish",
        None,
        ["UV_PUBLISH_TOKEN"],
        "env uv publish",
    ),
    (
        "sudo -E MATURIN_PYPI_TOKEN=${{ secrets.T }} maturin upload",
        None,
        ["MATURIN_PYPI_TOKEN"],
        "sudo -E maturin upload",
    ),
    ('echo "UV_PUBLISH_TOKEN=${{ secrets.T }}" >> $GITHUB_ENV', None, ["UV_PUBLISH_TOKEN"], ""),
    (
        'uv build\necho "UV_PUBLISH_TOKEN=${{ secrets.T }}" >> "$GITHUB_ENV"\n',
        None,
        ["UV_PUBLISH_TOKEN"],
        "uv build\n",
    ),
    (
        "echo POETRY_PYPI_TOKEN_PYPI=${{ secrets.T }} >> $GITHUB_ENV",
        None,
        ["POETRY_PYPI_TOKEN_PYPI"],
        "",
    ),
    (
        'echo "TWINE_PASSWORD=${{ secrets.T }}" | tee -a $GITHUB_ENV\necho ok',
        None,
        ["TWINE_PASSWORD"],
        "echo ok",
    ),
    (
        "TWINE_PASSWORD=${{ secrets.T }}\nexport TWINE_PASSWORD\ntwine upload",
        None,
        ["TWINE_PASSWORD", "TWINE_PASSWORD"],
        "twine upload",
    ),
    ("declare -x MATURIN_PYPI_TOKEN=${{ secrets.T }}", None, ["MATURIN_PYPI_TOKEN"], ""),
    (
        '$env:TWINE_PASSWORD = "${{ secrets.T }}"\ntwine upload dist/*',
        "pwsh",
        ["TWINE_PASSWORD"],
        "twine upload dist/*",
    ),
    (
        '"UV_PUBLISH_TOKEN=${{ secrets.T }}" | Out-File -FilePath $env:GITHUB_ENV -Append',
        "pwsh",
        ["UV_PUBLISH_TOKEN"],
        "",
    ),
    (
        'echo "UV_PUBLISH_TOKEN=${{ secrets.T }}" >> $env:GITHUB_ENV',
        "pwsh",
        ["UV_PUBLISH_TOKEN"],
        "",
    ),
]


@pytest.mark.parametrize(
    ("script", "shell", "names", "after"), EXPORTS, ids=[e[0] for e in EXPORTS]
)
def test_exported_credential(script: str, shell: str | None, names: list[str], after: str) -> None:
    scan = scan_script(script, shell)
    assert scan.problem is None
    assert [e.name for e in scan.exports] == names
    assert {s for e in scan.exports for s in e.referenced_secrets} == (
        {"T"} if "secrets.T" in script else set()
    )
    assert remove_spans(script, [e.span for e in scan.exports]) == after


@pytest.mark.parametrize(
    "script",
    [
        "export PATH=$PATH:bin",
        'echo "VERSION=1.0" >> $GITHUB_ENV',
        "echo 'TWINE_PASSWORD=x'",  # printed, not written to GITHUB_ENV
        '"TWINE_PASSWORD=x" == "y"',
        "declare TWINE_PASSWORD",  # not exported
    ],
)
def test_not_an_exported_credential(script: str) -> None:
    assert scan_script(script).exports == ()


# ---------------------------------------------------------------------------------------------
# Uploads the scanner cannot see

HIDDEN = [
    ("make release", "make", "release"),
    ("make publish", "make", "publish"),
    ("make -C pkg upload", "make", "upload"),
    ("make VERSION=1.0 release", "make", "release"),
    ("make publish-test", "make", "publish-test"),
    ("tox -e release", "tox", "release"),
    ("tox -e py311,publish", "tox", "publish"),
    ("tox r -e upload", "tox", "upload"),
    ("tox -e ${{ matrix.env }}", "tox", "${{ matrix.env }}"),
    ("nox -s release", "nox", "release"),
    ("nox --session=publish", "nox", "publish"),
    ("invoke release", "invoke", "release"),
    ("inv publish --dry", "inv", "publish"),
    ("just release", "just", "release"),
    ("./scripts/release.sh", "script", "./scripts/release.sh"),
    ("scripts/upload-to-pypi", "script", "scripts/upload-to-pypi"),
    ("bash publish.sh", "bash", "publish.sh"),
    ('bash dev/publish.sh "pypi"', "bash", "dev/publish.sh"),
    ("sh -e ./scripts/upload.sh", "sh", "./scripts/upload.sh"),
    ("source ./release.sh", "source", "./release.sh"),
    ("python scripts/upload.py", "python", "scripts/upload.py"),
    ("python setup.py sdist bdist_wheel upload", "python setup.py", "upload"),
    ("pdm run publish", "pdm run", "publish"),
    ("uv run scripts/release.py", "script", "scripts/release.py"),
]


@pytest.mark.parametrize(("script", "runner", "target"), HIDDEN, ids=[h[0] for h in HIDDEN])
def test_hidden_upload(script: str, runner: str, target: str) -> None:
    scan = scan_script(script)
    assert scan.uploads == ()
    (hidden,) = scan.hidden
    assert (hidden.runner, hidden.target) == (runner, target)
    assert text(script, hidden.span) == script


@pytest.mark.parametrize(
    "script",
    [
        "make build",
        "make test",
        "tox -e py311",
        "tox",
        "inv build.dist",
        "./scripts/poedit.sh download",
        "python setup.py sdist bdist_wheel",
        "poetry run pytest",
        "bash -e",
    ],
)
def test_not_a_hidden_upload(script: str) -> None:
    assert scan_script(script).hidden == ()


# ---------------------------------------------------------------------------------------------
# Installs that pin a tool's version

PINS = [
    ("pip install twine==5.0.0", "twine", "==5.0.0"),
    ('pip install "twine<6"', "twine", "<6"),
    ("python -m pip install -U build twine==4.0.2", "twine", "==4.0.2"),
    ("pip3 install --upgrade 'twine>=5,<6'", "twine", ">=5,<6"),
    ("pip install 'twine[keyring]==5.1'", "twine", "==5.1"),
    ("pip install -r requirements.txt twine==5", "twine", "==5"),
    ("pip install --user twine~=4.0", "twine", "~=4.0"),
    ("pipx install twine==5.0.0", "twine", "==5.0.0"),
    ("uv tool install twine==5.0.0", "twine", "==5.0.0"),
    ("uv pip install --system twine==5.0.0", "twine", "==5.0.0"),
    ("pip install poetry==1.8", "poetry", "==1.8"),
    ("pipx install 'pdm<2.6'", "pdm", "<2.6"),
    ("pip install 'maturin>=0.14,<0.15'", "maturin", ">=0.14,<0.15"),
    ("pip install flit~=3.4", "flit", "~=3.4"),
    ("pip install Twine==5.0.0", "twine", "==5.0.0"),
    ("pip install twine==${{ env.TWINE_VERSION }}", "twine", "==${{ env.TWINE_VERSION }}"),
]


@pytest.mark.parametrize(("script", "tool", "spec"), PINS, ids=[p[0] for p in PINS])
def test_pin(script: str, tool: str, spec: str) -> None:
    (pin,) = scan_script(script).pins
    assert (pin.tool, pin.spec) == (tool, spec)
    assert text(script, pin.span) == spec


@pytest.mark.parametrize(
    "script",
    [
        "pip install twine",
        "pip install build==1.0",
        "pip install -U pip setuptools wheel twine",
        "pip download twine==5.0.0",
        "pip install -e .",
    ],
)
def test_not_a_pin(script: str) -> None:
    assert scan_script(script).pins == ()


# ---------------------------------------------------------------------------------------------
# PowerShell and shells that are not scanned

PWSH = [
    ("twine upload dist/*", "twine upload dist/*"),
    ("python -m twine upload dist/*", "python -m twine upload dist/*"),
    ("& twine upload dist/*", "& twine upload dist/*"),
    ("if ($env:TAG) { twine upload dist/* }", "twine upload dist/*"),
    ("Write-Host 'it''s'; uv publish", "uv publish"),
    ('Write-Host "Don`"t"\nuv publish', "uv publish"),
    ("<# twine upload #>\nuv publish", "uv publish"),
]


@pytest.mark.parametrize(("script", "command"), PWSH, ids=[p[0] for p in PWSH])
def test_powershell(script: str, command: str) -> None:
    assert text(script, only_upload(script, "pwsh").span) == command


def test_powershell_backtick_continuation() -> None:
    script = "python -m twine upload `\n  -u __token__ `\n  -p $env:PYPI_TOKEN `\n  dist/*"
    upload = only_upload(script, "powershell")
    assert upload.credential_from_shell
    assert remove_spans(script, upload.credential_flags) == "python -m twine upload `\n  dist/*"


@pytest.mark.parametrize(
    ("shell", "scanned"),
    [
        (None, True),
        ("bash", True),
        ("sh", True),
        ("bash -e {0}", True),
        ("bash --noprofile --norc -eo pipefail {0}", True),
        ("zsh", True),
        ("pwsh", True),
        ("python", False),
        ("python {0}", False),
        ("cmd", False),
    ],
    ids=str,
)
def test_which_shells_are_scanned(shell: str | None, scanned: bool) -> None:
    scan = scan_script("twine upload dist/*", shell)
    assert len(scan.uploads) == (1 if scanned else 0)
    assert scan.problem is None


# ---------------------------------------------------------------------------------------------
# Scripts that cannot be scanned reliably

PROBLEMS = [
    ("echo 'unterminated", "unterminated single quote on line 1"),
    ('echo ok\necho "unterminated', "unterminated double quote on line 2"),
    ("echo ${{ secrets.T", "unterminated ${{ expression"),
    ("echo $(date", "unterminated $("),
    ("echo `date", "unterminated `"),
    ("cat <<EOF\ntwine upload dist/*\nEOF", "upload inside a heredoc"),
    ("python - <<'EOF'\nimport subprocess\nsubprocess.run(['twine', 'upload'])\nEOF", "heredoc"),
    ("cat <<EOF > .env\nTWINE_PASSWORD=${{ secrets.T }}\nEOF", "a heredoc sets TWINE_PASSWORD"),
    ("OUT=$(twine upload dist/*)", "upload inside a command substitution"),
    ('eval "twine upload dist/*"', "string run by `eval`"),
    ("bash -c 'uv publish'", "string run by `bash -c`"),
    ("python -c \"import os; os.system('twine upload dist/*')\"", "`python -c`"),
    ("docker run img sh -c 'twine upload dist/*'", "`docker`"),
    ("docker run -v $PWD:/w img twine upload dist/*", "`docker`"),
    ("ssh host uv publish", "`ssh`"),
    ("cat > ~/.pypirc <<EOF\n[pypi]\npassword = x\nEOF", ".pypirc"),
    ('echo "password = x" >> ~/.pypirc', ".pypirc"),
    ("poetry publish -u x -p\n${{ secrets.P }}", "has no value"),
]


@pytest.mark.parametrize(("script", "reason"), PROBLEMS, ids=[p[0] for p in PROBLEMS])
def test_problem(script: str, reason: str) -> None:
    problem = scan_script(script).problem
    assert problem is not None
    assert reason in problem


def test_python_and_cmd_scripts_are_not_read() -> None:
    script = "import os\nos.system('twine upload -p ' + os.environ['T'])\n"
    assert scan_script(script, "python") == ScriptScan()


# ---------------------------------------------------------------------------------------------
# Property: for scripts built from these pieces, scanning never raises and deleting the
# credential spans removes exactly the credential flags

_VALUES = [
    "__token__",
    "${{ secrets.PYPI_API_TOKEN }}",
    '"${{ secrets.PYPI_API_TOKEN }}"',
    "'${{ secrets[\"TOKEN\"] }}'",
    "$PYPI_TOKEN",
    '"$(cat token)"',
]
_PLAIN_ARGS = [
    "dist/*",
    "--skip-existing",
    "--verbose",
    '"dist/*.whl"',
    "--comment '${{ github.ref }} release'",
    "wheels-*/*",
]
_JOINS = [" ", "  ", "\t", " \\\n  ", " \\\n\t"]
_PREFIXES = {
    "twine": ["twine upload", "python -m twine upload", "pipx run twine==6.1.0 upload"],
    "uv": ["uv publish", "uvx uv@0.5.0 publish"],
    "pdm": ["pdm publish"],
    "poetry": ["poetry publish", "poetry publish --build"],
    "hatch": ["hatch publish"],
    "maturin": ["maturin upload", "maturin publish"],
    "flit": ["flit publish"],
}


def _credential_forms(flag: str, value: str) -> list[str]:
    if flag.startswith("--"):
        return [f"{flag} {value}", f"{flag}={value}"]
    return [f"{flag} {value}", f"{flag}{value}"]


@st.composite
def upload_commands(draw: st.DrawFn) -> tuple[str, str]:
    """(command, the same command without its credential flags)."""
    tool = draw(st.sampled_from(sorted(_PREFIXES)))
    prefix = draw(st.sampled_from(_PREFIXES[tool]))
    flags = sorted(TOOLS[tool].credential_flags)
    pieces: list[tuple[bool, str]] = []
    for _ in range(draw(st.integers(0, 5))):
        if flags and draw(st.booleans()):
            flag = draw(st.sampled_from(flags))
            form = draw(st.sampled_from(_credential_forms(flag, draw(st.sampled_from(_VALUES)))))
            pieces.append((True, form))
        else:
            pieces.append((False, draw(st.sampled_from(_PLAIN_ARGS))))
    joins = [draw(st.sampled_from(_JOINS)) for _ in pieces]
    full = prefix + "".join(j + p for j, (_, p) in zip(joins, pieces, strict=True))
    kept = prefix + "".join(j + p for j, (c, p) in zip(joins, pieces, strict=True) if not c)
    return full, kept


_OTHER_COMMANDS = [
    "python -m build",
    'echo "done: ${{ github.ref }}"',
    "# twine upload -p ${{ secrets.IN_COMMENT }}",
    "ls -la dist/",
    "cat <<EOF\nnotes\nEOF",
]
_SEPARATORS = ["\n", " && ", "; ", " || ", "\n\n", " &&\n"]


@st.composite
def scripts(draw: st.DrawFn) -> tuple[str, str, int]:
    """(script, expected script after deleting credentials, number of uploads)."""
    full, kept, uploads = "", "", 0
    own_line = False  # comments and heredocs end their line
    for i in range(draw(st.integers(1, 4))):
        separator = draw(st.sampled_from(_SEPARATORS)) if i else ""
        if draw(st.booleans()):
            command, without = draw(upload_commands())
            uploads += 1
        else:
            command = without = draw(st.sampled_from(_OTHER_COMMANDS))
        if i and (own_line or command.startswith("#")):
            separator = "\n"
        own_line = command.startswith("#") or command.endswith("EOF")
        full += separator + command
        kept += separator + without
    return full, kept, uploads


@settings(max_examples=400, deadline=None)
@given(scripts())
def test_property_deleting_credentials_removes_exactly_the_flags(
    case: tuple[str, str, int],
) -> None:
    script, expected, uploads = case
    scan = scan_script(script)
    assert scan.problem is None
    assert len(scan.uploads) == uploads
    spans = sorted(s for u in scan.uploads for s in u.credential_flags)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert remove_spans(script, spans) == expected
    rescan = scan_script(expected)
    assert len(rescan.uploads) == uploads
    assert all(u.credential_flags == () for u in rescan.uploads)


_SHELL_ALPHABET = st.sampled_from(
    [*"abtw -=\"'`$(){}[]<>|&;#\\\n\t*@:", "${{", "}}", "twine upload", "<<EOF", "\nEOF"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_SHELL_ALPHABET, max_size=40).map("".join), st.sampled_from([None, "pwsh"]))
def test_property_scanning_never_raises(script: str, shell: str | None) -> None:
    scan = scan_script(script, shell)
    for upload in scan.uploads:
        for span in (upload.span, *upload.credential_flags):
            assert 0 <= span.start <= span.end <= len(script)


# ---------------------------------------------------------------------------------------------
# The real workflows in ../shared/corpus

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "workflows"


def _upload_line(tool: str, subcommand: str) -> re.Pattern[str]:
    """A line (outside a comment) with the tool word and, later, the subcommand word."""
    return re.compile(
        rf"^[^#\n]*(?<![\w.-]){tool}(?:[@=][^\s]*)?\s(?:[^#\n]*\s)?{subcommand}(?:\s|$)",
        re.MULTILINE,
    )


_UPLOAD_LINE = {
    "twine": _upload_line("twine", "upload"),
    "uv": _upload_line("uv", "publish"),
    "pdm": _upload_line("pdm", "publish"),
    "poetry": _upload_line("poetry", "publish"),
    "hatch": _upload_line("hatch", "publish"),
    "flit": _upload_line("flit", "publish"),
    "maturin": _upload_line("maturin", "(?:upload|publish)"),
}


def _run_steps(node: Any) -> list[tuple[str, str | None]]:
    if isinstance(node, dict):
        found = [(node["run"], node.get("shell"))] if isinstance(node.get("run"), str) else []
        return found + [r for value in node.values() for r in _run_steps(value)]
    if isinstance(node, list):
        return [r for value in node for r in _run_steps(value)]
    return []


@pytest.mark.corpus
def test_corpus_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not checked out next to the repository ({CORPUS})")
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="safe")
    found: collections.Counter[str] = collections.Counter()
    present: set[str] = set()
    unreadable = []
    for path in sorted(CORPUS.glob("*.yml")):
        try:
            document = yaml.load(path.read_text(encoding="utf-8"))
        except YAMLError:
            unreadable.append(path.name)  # the corpus holds invalid files on purpose
            continue
        for script, shell in _run_steps(document):
            scan = scan_script(script, shell)
            found.update(u.tool for u in scan.uploads)
            for tool, line in _UPLOAD_LINE.items():
                if line.search(script):
                    present.add(tool)
                    assert scan.uploads or scan.problem, f"{path.name}: {script!r}"
    with capsys.disabled():
        print(f"\nuploads found per tool in {CORPUS}: {dict(sorted(found.items()))}")
    assert len(unreadable) <= 2, unreadable
    assert present
    assert {tool for tool in present if found[tool] == 0} == set()


def test_a_script_is_scanned_once_per_process_and_shell() -> None:
    # Fleets repeat scripts from repository to repository; the scan is pure and immutable.
    text = "python -m twine upload -u __token__ -p $TOKEN dist/*\n"
    first = scan_script(text)
    assert first.uploads and first is scan_script(text)
    assert scan_script(text, "cmd") is not first  # another shell reads it another way
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.uploads = ()  # type: ignore[misc]
