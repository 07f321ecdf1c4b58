"""Checks of setting values, shared by flags (a usage error) and files (an error with file and key).

Each returns why a value is wrong, in words a user can act on, or None when it is fine.
"""

from __future__ import annotations

import re

# GitHub: a login is 1-39 letters, digits or single inner hyphens; a repository name is letters,
# digits, `.`, `_` and `-` (up to 100), never `.` or `..`.
_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
_SLUG = re.compile(rf"^{_OWNER}/[A-Za-z0-9._-]{{1,100}}$")
_REVIEWER = re.compile(rf"^{_OWNER}(?:/[A-Za-z0-9_.-]+)?$")
_SHARD = re.compile(r"^([0-9]+)/([0-9]+)$")


def github_slug(value: str) -> str | None:
    """OWNER/REPO as GitHub spells it (`acme/widgets`)."""
    if _SLUG.match(value) and value.split("/")[1] not in (".", ".."):
        if value.endswith(".git"):
            return f"{value!r}: leave out `.git` (OWNER/REPO, e.g. {value[:-4]})"
        return None
    hint = ""
    if "github.com" in value:
        hint = " (the repository's slug, not its URL)"
    return f"{value!r} is not OWNER/REPO, e.g. acme/widgets{hint}"


def reviewer(value: str) -> str | None:
    """A user login, or an organisation and a team slug: `octocat`, `acme/release-team`."""
    if _REVIEWER.match(value):
        return None
    return f"{value!r} is neither a user login (octocat) nor ORG/TEAM-SLUG (acme/release-team)"


def shard(value: str) -> str | None:
    found = _SHARD.match(value)
    if found and 1 <= int(found[1]) <= int(found[2]):
        return None
    return f"{value!r}: expected I/N with 1 <= I <= N, e.g. 2/4"


def environment_name(value: str) -> str | None:
    """What PyPI accepts as an environment name (and GitHub as a deployment environment)."""
    if not value or value != value.strip():
        return f"{value!r}: an environment name is not empty and has no surrounding spaces"
    bad = sorted({c for c in value if c in "'\"`,;\\" or ord(c) < 32})
    if bad or len(value) > 255:
        return (
            f"{value!r}: PyPI refuses environment names with {' '.join(bad) or '> 255 characters'}"
        )
    return None


def not_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def http_url(value: str) -> str | None:
    if value.startswith(("http://", "https://")):
        return None
    return f"{value!r} is not an http(s) URL"
