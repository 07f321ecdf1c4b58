"""The publisher registry: one place that knows tools, actions and credential names, from which
the pre-filter, the upload-text scan and the bot's code search are derived."""

from __future__ import annotations

import pytest

from trustpub.publishers import (
    ACTIONS,
    PREFILTER_WORDS,
    SEARCH_QUERIES,
    TOOLS,
    UPLOAD_TEXT,
    ActionRole,
    canonical_action,
    find_action,
    is_other_registry_secret,
    is_pypi_credential_key,
    is_pypi_secret,
)
from trustpub.rewrite.engine import may_publish


def upload_command(tool: str) -> str:
    return f"{tool} {sorted(TOOLS[tool].upload_subcommands)[0]} dist/*"


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_every_tool_upload_passes_the_prefilter_and_the_text_scan(tool: str) -> None:
    text = f"jobs:\n  a:\n    steps:\n      - run: {upload_command(tool)}\n"
    assert may_publish(text)
    assert UPLOAD_TEXT.search(upload_command(tool))


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_every_tool_credential_variable_is_a_pypi_credential(tool: str) -> None:
    for name in TOOLS[tool].credential_env:
        if not name.endswith(("USERNAME", "_USER")):
            assert is_pypi_credential_key(name), name
            assert may_publish(f"env:\n  {name}: ${{{{ secrets.X }}}}\n"), name


@pytest.mark.parametrize("action", [name for a in ACTIONS for name in a.names])
def test_every_action_is_found_by_any_of_its_names_and_any_case(action: str) -> None:
    facts = find_action(action.upper())
    assert facts is not None
    assert canonical_action(action) == facts.name
    if facts.role not in (ActionRole.OIDC_MINTER, ActionRole.SECRETS_MANAGER, ActionRole.SETUP):
        assert may_publish(f"      - uses: {action}@v1\n"), action


def test_an_older_name_is_the_same_action() -> None:
    assert canonical_action("messense/maturin-action") == "pyo3/maturin-action"
    assert canonical_action("PyO3/maturin-action/") == "pyo3/maturin-action"
    assert canonical_action("acme/other-action") == "acme/other-action"


def test_code_search_queries_cover_every_tool_and_action_within_githubs_limits() -> None:
    terms = [t.strip().strip('"') for q in SEARCH_QUERIES for t in q.split(" OR ")]
    assert all(q.count(" OR ") <= 5 for q in SEARCH_QUERIES)  # five AND/OR/NOT at most
    assert len(terms) == len(set(terms))
    for tool, facts in TOOLS.items():
        assert tool in terms or f"{tool} publish" in terms
        assert facts.upload_subcommands == {"publish"} or tool in terms
    for action in ACTIONS:
        assert not action.search or action.search in terms
    assert "pypi" in terms


def test_prefilter_words_are_lower_case_and_none_contains_another() -> None:
    for word in PREFILTER_WORDS:
        assert word == word.lower()
        assert not any(other != word and other in word for other in PREFILTER_WORDS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("TWINE_PASSWORD", True),
        ("TWINE_USERNAME", False),  # a user name alone is public
        ("POETRY_PYPI_TOKEN_PYPI", True),
        ("POETRY_HTTP_BASIC_PYPI_PASSWORD", True),
        ("UV_PUBLISH_TOKEN", True),
        ("MATURIN_PYPI_TOKEN", True),
        ("HATCH_INDEX_AUTH", True),
        ("FLIT_PASSWORD", True),
        ("PDM_PUBLISH_PASSWORD", True),
        ("PYPI_TOKEN", True),
        ("pypi_token", True),  # an action's input
        ("twine-token", True),
        ("repository_password", False),  # not PyPI-named: only a known action's input says so
        ("PYPI_URL", False),
        ("UPLOAD_TO_PYPI", False),  # a switch, not a secret
        ("PYPI_SERVER", False),
        ("PYPI_API_KEY", True),
        ("TWINE_REPOSITORY_URL", False),
        ("PIP_INDEX_URL", False),
        ("PIP_EXTRA_INDEX_URL", False),
        ("UV_INDEX_PRIVATE_PASSWORD", False),  # installs from a private index
        ("CODECOV_TOKEN", False),
        ("GITHUB_TOKEN", False),
    ],
)
def test_pypi_credential_keys(name: str, expected: bool) -> None:
    assert is_pypi_credential_key(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("PYPI_API_TOKEN", True),
        ("TEST_PYPI_API_TOKEN", True),
        ("pypi_password", True),
        ("TESTPYPI", True),
        ("TWINE_PASSWORD", True),
        ("PYPI_USERNAME", False),
        ("PYPI_REPOSITORY_URL", False),
        ("GH_TOKEN", False),
        ("NPM_TOKEN", False),
    ],
)
def test_pypi_secrets(name: str, expected: bool) -> None:
    assert is_pypi_secret(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("NPM_PUBLISH_TOKEN", True),
        ("CARGO_REGISTRY_TOKEN", True),
        ("DOCKER_PASSWORD", True),
        ("PUBLISH_TOKEN", False),
        ("UPLOAD_TOKEN", False),
        ("CONDA_PYPI_TOKEN", False),  # it names PyPI
    ],
)
def test_secrets_of_other_registries(name: str, expected: bool) -> None:
    assert is_other_registry_secret(name) is expected
