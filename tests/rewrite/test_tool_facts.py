"""The per-tool facts table: trusted-publishing support, credential and index settings."""

from __future__ import annotations

import pytest

from trustpub.rewrite.indexes import IndexKind
from trustpub.rewrite.tools import (
    TOOL_NAMES,
    TOOLS,
    IndexValue,
    classify_index_env,
    classify_repository,
    credential_env_vars,
    facts,
    index_env,
    is_credential_env,
)


def test_every_tool_is_listed() -> None:
    assert set(TOOL_NAMES) == {"twine", "uv", "pdm", "poetry", "hatch", "flit", "maturin"}


@pytest.mark.parametrize(
    ("tool", "supported", "minimum"),
    [
        ("twine", True, "6.1"),
        ("uv", True, "0.4.16"),
        ("pdm", True, "2.6"),
        ("maturin", True, "0.15"),
        ("poetry", False, None),
        ("hatch", False, None),
        ("flit", False, None),
    ],
    ids=lambda v: str(v),
)
def test_trusted_publishing_support(tool: str, supported: bool, minimum: str | None) -> None:
    assert facts(tool).trusted_publishing is supported
    assert facts(tool).min_version == minimum


@pytest.mark.parametrize(
    ("tool", "names"),
    [
        ("twine", {"TWINE_USERNAME", "TWINE_PASSWORD"}),
        ("uv", {"UV_PUBLISH_TOKEN", "UV_PUBLISH_USERNAME", "UV_PUBLISH_PASSWORD"}),
        ("pdm", {"PDM_PUBLISH_USERNAME", "PDM_PUBLISH_PASSWORD"}),
        ("maturin", {"MATURIN_PYPI_TOKEN", "MATURIN_USERNAME", "MATURIN_PASSWORD"}),
        ("hatch", {"HATCH_INDEX_AUTH", "HATCH_INDEX_USER"}),
        ("flit", {"FLIT_PASSWORD", "FLIT_USERNAME"}),
        ("poetry", set()),  # only prefixes, see below
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_credential_env_vars_are_exact(tool: str, names: set[str]) -> None:
    assert credential_env_vars(tool) == names


@pytest.mark.parametrize(
    ("name", "tool"),
    [
        ("TWINE_PASSWORD", "twine"),
        ("TWINE_USERNAME", "twine"),
        ("UV_PUBLISH_TOKEN", "uv"),
        ("PDM_PUBLISH_PASSWORD", "pdm"),
        ("MATURIN_PYPI_TOKEN", "maturin"),
        ("POETRY_PYPI_TOKEN_PYPI", "poetry"),
        ("POETRY_PYPI_TOKEN_TESTPYPI", "poetry"),
        ("POETRY_HTTP_BASIC_PYPI_PASSWORD", "poetry"),
        ("POETRY_HTTP_BASIC_PYPI_USERNAME", "poetry"),
        ("HATCH_INDEX_AUTH", "hatch"),
        ("HATCH_INDEX_USER", "hatch"),
        ("FLIT_PASSWORD", "flit"),
        ("FLIT_USERNAME", "flit"),
        ("TWINE_REPOSITORY_URL", None),
        ("HATCH_INDEX_REPO", None),
        ("POETRY_VIRTUALENVS_IN_PROJECT", None),
        ("PYPI_API_TOKEN", None),
        ("GITHUB_TOKEN", None),
        ("twine_password", None),
    ],
    ids=lambda v: str(v),
)
def test_is_credential_env(name: str, tool: str | None) -> None:
    assert is_credential_env(name) == tool


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("TWINE_REPOSITORY", ("twine", IndexValue.NAME)),
        ("TWINE_REPOSITORY_URL", ("twine", IndexValue.URL)),
        ("UV_PUBLISH_URL", ("uv", IndexValue.URL)),
        ("UV_PUBLISH_INDEX", ("uv", IndexValue.NAME)),
        ("PDM_PUBLISH_REPO", ("pdm", IndexValue.NAME)),
        ("HATCH_INDEX_REPO", ("hatch", IndexValue.NAME)),
        ("FLIT_INDEX_URL", ("flit", IndexValue.URL)),
        ("MATURIN_REPOSITORY", ("maturin", IndexValue.NAME)),
        ("MATURIN_REPOSITORY_URL", ("maturin", IndexValue.URL)),
        ("TWINE_PASSWORD", None),
        ("PIP_INDEX_URL", None),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_index_env(name: str, expected: tuple[str, IndexValue] | None) -> None:
    assert index_env(name) == expected


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        ("TWINE_REPOSITORY_URL", "https://test.pypi.org/legacy/", IndexKind.TESTPYPI),
        ("TWINE_REPOSITORY_URL", "https://upload.pypi.org/legacy/", IndexKind.PYPI),
        ("TWINE_REPOSITORY_URL", "https://pypi.example.com/", IndexKind.OTHER),
        ("TWINE_REPOSITORY_URL", "${{ vars.INDEX }}", IndexKind.UNKNOWN),
        ("TWINE_REPOSITORY", "testpypi", IndexKind.TESTPYPI),
        ("TWINE_REPOSITORY", "pypi", IndexKind.PYPI),
        ("TWINE_REPOSITORY", "main", IndexKind.OTHER),  # a .pypirc section for twine
        ("TWINE_REPOSITORY", "codeartifact", IndexKind.OTHER),
        ("UV_PUBLISH_INDEX", "testpypi", IndexKind.TESTPYPI),
        ("UV_PUBLISH_INDEX", "internal", IndexKind.UNKNOWN),  # its URL is in pyproject.toml
        ("UV_PUBLISH_URL", "https://test.pypi.org/legacy", IndexKind.TESTPYPI),
        ("HATCH_INDEX_REPO", "main", IndexKind.PYPI),
        ("HATCH_INDEX_REPO", "test", IndexKind.TESTPYPI),
        ("HATCH_INDEX_REPO", "https://private.example/", IndexKind.OTHER),
        ("PDM_PUBLISH_REPO", "testpypi", IndexKind.TESTPYPI),
        ("PDM_PUBLISH_REPO", "https://test.pypi.org/legacy/", IndexKind.TESTPYPI),
        ("FLIT_INDEX_URL", "https://test.pypi.org/legacy/", IndexKind.TESTPYPI),
        ("MATURIN_REPOSITORY", "testpypi", IndexKind.TESTPYPI),
        ("MATURIN_REPOSITORY_URL", "https://private.example/", IndexKind.OTHER),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_classify_index_env(name: str, value: str, kind: IndexKind) -> None:
    assert classify_index_env(name, value).kind is kind


def test_classify_index_env_rejects_other_names() -> None:
    with pytest.raises(KeyError):
        classify_index_env("TWINE_PASSWORD", "x")


def test_classify_repository_keeps_the_name_as_detail() -> None:
    assert classify_repository("poetry", "internal").detail == "internal"


@pytest.mark.parametrize(
    ("tool", "is_credential", "is_not"),
    [
        ("twine", {"-u", "--username", "-p", "--password"}, {"-t", "-r"}),
        ("uv", {"-u", "--username", "-p", "--password", "-t", "--token"}, {"--index"}),
        ("pdm", {"-u", "--username", "-P", "--password"}, {"-p"}),  # pdm -p is --project
        ("poetry", {"-u", "--username", "-p", "--password"}, {"-r"}),
        ("hatch", {"-u", "--user", "-a", "--auth"}, {"-p"}),  # hatch -p is --publisher
        ("maturin", {"-u", "--username", "-p", "--password"}, {"-r"}),
        ("flit", set(), {"-u", "-p", "--repository"}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_credential_flags(tool: str, is_credential: set[str], is_not: set[str]) -> None:
    assert TOOLS[tool].credential_flags == is_credential
    assert not TOOLS[tool].credential_flags & is_not


@pytest.mark.parametrize(
    ("tool", "flags"),
    [
        ("twine", {"-r": "name", "--repository": "name", "--repository-url": "url"}),
        ("uv", {"--publish-url": "url", "--index": "name"}),
        ("pdm", {"-r": "name", "--repository": "name"}),
        ("poetry", {"-r": "name", "--repository": "name"}),
        ("hatch", {"-r": "name", "--repo": "name"}),
        ("flit", {"--repository": "name"}),
        ("maturin", {"-r": "name", "--repository": "name", "--repository-url": "url"}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_index_flags(tool: str, flags: dict[str, str]) -> None:
    assert {k: v.value for k, v in TOOLS[tool].index_flags.items()} == flags


@pytest.mark.parametrize(
    ("tool", "subcommands"),
    [
        ("twine", {"upload"}),
        ("uv", {"publish"}),
        ("maturin", {"upload", "publish"}),
        ("flit", {"publish"}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_upload_subcommands(tool: str, subcommands: set[str]) -> None:
    assert TOOLS[tool].upload_subcommands == subcommands


def test_facts_are_read_only() -> None:
    with pytest.raises(TypeError):
        TOOLS["twine"].index_env["X"] = IndexValue.URL  # type: ignore[index]
