"""The publisher registry: everything trustpub knows about the ways packages reach PyPI.

Upload tools (`tools.py`), actions (`actions.py`) and how PyPI credentials are named
(`credentials.py`). The rules, the engine's pre-filter, the hidden-upload scan and the bot's code
search all read from here, so supporting a new tool or action is one entry (and its fixtures).
"""

from __future__ import annotations

import re

from trustpub.publishers.actions import (
    ACTIONS,
    ActionFacts,
    ActionRole,
    canonical_action,
    find_action,
)
from trustpub.publishers.credentials import (
    OTHER_INDEX_SERVICES,
    TOOL_PREFIXES,
    is_install_setting,
    is_other_registry_secret,
    is_pypi_credential_key,
    is_pypi_name,
    is_pypi_secret,
    normalized,
)
from trustpub.publishers.tools import TOOL_NAMES, TOOLS, IndexValue, ToolFacts

__all__ = [
    "ACTIONS",
    "OTHER_INDEX_SERVICES",
    "PREFILTER_WORDS",
    "SEARCH_QUERIES",
    "TOKEN_LIKE_SECRET",
    "TOOLS",
    "TOOL_NAMES",
    "TOOL_PREFIXES",
    "UPLOAD_TEXT",
    "ActionFacts",
    "ActionRole",
    "IndexValue",
    "ToolFacts",
    "canonical_action",
    "find_action",
    "is_install_setting",
    "is_other_registry_secret",
    "is_pypi_credential_key",
    "is_pypi_name",
    "is_pypi_secret",
    "normalized",
]


def _minimal(words: list[str]) -> tuple[str, ...]:
    """The words without those that contain another (a substring test finds them anyway)."""
    unique = list(dict.fromkeys(words))
    return tuple(w for w in unique if not any(o != w and o in w for o in unique))


def _tool_terms() -> list[str]:
    """How an upload by each tool is written: `twine`, `maturin` (upload or publish), and
    `uv publish`, `poetry publish`... for tools whose only upload subcommand is `publish`."""
    return [
        f"{name} publish" if facts.upload_subcommands == {"publish"} else name
        for name, facts in TOOLS.items()
    ]


# Lower-case words one of which every workflow that can upload to PyPI holds: the tools, their
# subcommand `publish`, their credential variables, PyPI itself, and the actions. A file without
# any is never parsed. Not "upload" alone: most workflows have actions/upload-artifact.
PREFILTER_WORDS: tuple[str, ...] = _minimal(
    [
        "pypi",
        "publish",
        *(t for t in _tool_terms() if " " not in t),
        *(p.lower() for p in TOOL_PREFIXES),
        *(a.search.lower() for a in ACTIONS if a.search),
    ]
)

# A secret whose name suggests an upload token, for uploads hidden in scripts (`UPLOAD_TOKEN`).
TOKEN_LIKE_SECRET = re.compile(
    "|".join(["pypi", "upload", "publish", *(n for n in TOOLS if len(n) > 3)]), re.IGNORECASE
)

# An upload command anywhere in a text: `twine ... upload`, `uv ... publish`, `maturin ...
# upload|publish` (for text the shell scanner cannot parse: heredocs, `bash -c` strings).
UPLOAD_TEXT = re.compile(
    "|".join(
        rf"\b{re.escape(name)}\b[^\n]*?\b(?:{'|'.join(sorted(facts.upload_subcommands))})\b"
        for name, facts in TOOLS.items()
    )
)


def _search_queries(terms: list[str], per_query: int = 6) -> tuple[str, ...]:
    """GitHub code search allows five AND/OR/NOT per query: six terms joined by OR."""
    quoted = [f'"{t}"' if " " in t else t for t in terms]
    return tuple(" OR ".join(quoted[i : i + per_query]) for i in range(0, len(quoted), per_query))


# What the bot's `--code-search` looks for in workflow files (a pre-filter: every hit is read).
# Terms are whole words to code search, so none is dropped for containing another.
SEARCH_QUERIES: tuple[str, ...] = _search_queries(
    list(dict.fromkeys([*_tool_terms(), "pypi", *(a.search for a in ACTIONS if a.search)]))
)
