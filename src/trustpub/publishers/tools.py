"""The upload tools: trusted-publishing support, credential and index settings, for each.

Facts come from docs/domain.md section 4 (each tool's CLI and environment variables at the
snapshot read there). Part of the publisher registry (`trustpub.publishers`): a new tool is one
entry here, and its fixtures.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


class IndexValue(enum.Enum):
    """What an index-selecting flag or variable holds."""

    URL = "url"
    NAME = "name"  # a repository name: built in (pypi, testpypi, hatch main/test) or configured


@dataclass(frozen=True)
class ToolFacts:
    name: str
    upload_subcommands: frozenset[str]
    trusted_publishing: bool
    min_version: str | None  # the first release that publishes with trusted publishing
    credential_env: frozenset[str]
    credential_env_prefixes: tuple[str, ...]
    index_env: Mapping[str, IndexValue]
    credential_flags: frozenset[str]  # exact spellings, short and long
    index_flags: Mapping[str, IndexValue]
    # Options placed before the subcommand that take a value, so the value is not taken
    # for the subcommand (`uv --directory pkg publish`).
    global_value_options: frozenset[str]

    @property
    def hands_over(self) -> bool:
        """True for a tool that cannot publish with trusted publishing (poetry, hatch, flit):
        it keeps building and pypa/gh-action-pypi-publish takes its upload over."""
        return not self.trusted_publishing


def _facts(
    name: str,
    *,
    upload: tuple[str, ...],
    min_version: str | None,
    env: tuple[str, ...],
    env_prefixes: tuple[str, ...] = (),
    index_env: dict[str, IndexValue],
    flags: tuple[str, ...],
    index_flags: dict[str, IndexValue],
    global_value_options: tuple[str, ...] = (),
) -> ToolFacts:
    return ToolFacts(
        name=name,
        upload_subcommands=frozenset(upload),
        trusted_publishing=min_version is not None,
        min_version=min_version,
        credential_env=frozenset(env),
        credential_env_prefixes=env_prefixes,
        index_env=MappingProxyType(index_env),
        credential_flags=frozenset(flags),
        index_flags=MappingProxyType(index_flags),
        global_value_options=frozenset(global_value_options),
    )


_URL, _NAME = IndexValue.URL, IndexValue.NAME

TOOLS: Mapping[str, ToolFacts] = MappingProxyType(
    {
        "twine": _facts(
            "twine",
            upload=("upload",),
            min_version="6.1",
            env=("TWINE_USERNAME", "TWINE_PASSWORD"),
            index_env={"TWINE_REPOSITORY": _NAME, "TWINE_REPOSITORY_URL": _URL},
            flags=("-u", "--username", "-p", "--password"),
            index_flags={"-r": _NAME, "--repository": _NAME, "--repository-url": _URL},
        ),
        "uv": _facts(
            "uv",
            upload=("publish",),
            min_version="0.4.16",
            env=("UV_PUBLISH_TOKEN", "UV_PUBLISH_USERNAME", "UV_PUBLISH_PASSWORD"),
            index_env={"UV_PUBLISH_URL": _URL, "UV_PUBLISH_INDEX": _NAME},
            flags=("-u", "--username", "-p", "--password", "-t", "--token"),
            index_flags={"--publish-url": _URL, "--index": _NAME},
            global_value_options=(
                "--directory",
                "--project",
                "--cache-dir",
                "--config-file",
                "--color",
            ),
        ),
        "pdm": _facts(
            "pdm",
            upload=("publish",),
            min_version="2.6",
            env=("PDM_PUBLISH_USERNAME", "PDM_PUBLISH_PASSWORD"),
            index_env={"PDM_PUBLISH_REPO": _NAME},
            # pdm's `-p` is `--project`, not a password.
            flags=("-u", "--username", "-P", "--password"),
            index_flags={"-r": _NAME, "--repository": _NAME},
            global_value_options=("-p", "--project", "-c", "--config"),
        ),
        "poetry": _facts(
            "poetry",
            upload=("publish",),
            min_version=None,
            env=(),
            env_prefixes=("POETRY_PYPI_TOKEN_", "POETRY_HTTP_BASIC_"),
            index_env={},
            flags=("-u", "--username", "-p", "--password"),
            index_flags={"-r": _NAME, "--repository": _NAME},
            global_value_options=("-C", "--directory", "-P", "--project"),
        ),
        "hatch": _facts(
            "hatch",
            upload=("publish",),
            min_version=None,
            env=("HATCH_INDEX_AUTH", "HATCH_INDEX_USER"),
            index_env={"HATCH_INDEX_REPO": _NAME},
            # hatch's `-p` is `--publisher`, not a password.
            flags=("-u", "--user", "-a", "--auth"),
            index_flags={"-r": _NAME, "--repo": _NAME},
            global_value_options=(
                "-e",
                "--env",
                "-p",
                "--project",
                "--data-dir",
                "--cache-dir",
                "--config",
                "--color",
            ),
        ),
        "flit": _facts(
            "flit",
            upload=("publish",),
            min_version=None,
            env=("FLIT_USERNAME", "FLIT_PASSWORD"),
            index_env={"FLIT_INDEX_URL": _URL},
            flags=(),
            index_flags={"--repository": _NAME},
            global_value_options=("-f", "--ini-file", "--repository"),
        ),
        "maturin": _facts(
            "maturin",
            upload=("upload", "publish"),
            min_version="0.15",
            env=("MATURIN_PYPI_TOKEN", "MATURIN_USERNAME", "MATURIN_PASSWORD"),
            index_env={"MATURIN_REPOSITORY": _NAME, "MATURIN_REPOSITORY_URL": _URL},
            flags=("-u", "--username", "-p", "--password"),
            index_flags={"-r": _NAME, "--repository": _NAME, "--repository-url": _URL},
        ),
    }
)

TOOL_NAMES: tuple[str, ...] = tuple(TOOLS)
