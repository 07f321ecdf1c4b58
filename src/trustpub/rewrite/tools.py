"""Lookups over the upload tools of the publisher registry (`trustpub.publishers.tools`):
credential and index variables, and where a repository name or URL given to a tool points.
`commands.py` does the parsing.
"""

from __future__ import annotations

from trustpub.publishers.tools import TOOL_NAMES, TOOLS, IndexValue, ToolFacts
from trustpub.rewrite.expressions import is_expression
from trustpub.rewrite.indexes import (
    IndexKind,
    IndexTarget,
    classify_repository_name,
    classify_url,
)

__all__ = [
    "TOOLS",
    "TOOL_NAMES",
    "IndexValue",
    "ToolFacts",
    "classify_index_env",
    "classify_index_value",
    "classify_repository",
    "credential_env_vars",
    "facts",
    "index_env",
    "is_credential_env",
]


def facts(tool: str) -> ToolFacts:
    """The facts for one tool; KeyError for a name that is not an upload tool."""
    return TOOLS[tool]


def credential_env_vars(tool: str) -> frozenset[str]:
    """The exact credential variable names of a tool (poetry's are all prefixes: see below)."""
    return TOOLS[tool].credential_env


def is_credential_env(name: str) -> str | None:
    """The tool whose credential this environment variable holds, or None."""
    for facts_ in TOOLS.values():
        if name in facts_.credential_env or name.startswith(facts_.credential_env_prefixes):
            return facts_.name
    return None


def index_env(name: str) -> tuple[str, IndexValue] | None:
    """The tool an index-selecting variable belongs to and what it holds, or None."""
    for facts_ in TOOLS.values():
        if name in facts_.index_env:
            return facts_.name, facts_.index_env[name]
    return None


def classify_index_env(name: str, value: str) -> IndexTarget:
    """Where an index-selecting variable (`TWINE_REPOSITORY_URL`, `UV_PUBLISH_INDEX`...) points."""
    found = index_env(name)
    if found is None:
        raise KeyError(f"{name} does not select an upload index")
    tool, kind = found
    return classify_index_value(tool, kind, value)


def classify_index_value(tool: str, kind: IndexValue, value: str) -> IndexTarget:
    """Classify a URL or repository name given to `tool` by a flag or a variable."""
    if kind is IndexValue.URL:
        return classify_url(value)
    return classify_repository(tool, value)


def classify_repository(tool: str, value: str) -> IndexTarget:
    """Classify a repository name as `tool` reads it (`-r testpypi`, hatch `-r test`)."""
    text = value.strip()
    if is_expression(text) or "://" in text:
        return classify_repository_name(text)
    # `main` and `test` are hatch's names; to other tools they are configured sections.
    if tool != "hatch" and text.lower() in ("main", "test"):
        return _configured(tool, text)
    target = classify_repository_name(text)
    if target.kind is IndexKind.OTHER:
        return _configured(tool, text)
    return target


def _configured(tool: str, name: str) -> IndexTarget:
    # uv's `--index NAME` takes its URL from pyproject.toml, which this module cannot see.
    kind = IndexKind.UNKNOWN if tool == "uv" else IndexKind.OTHER
    return IndexTarget(kind, name)
