"""The project a workflow names in its pypi.org (or test.pypi.org) project URLs."""

from __future__ import annotations

import re

from packaging.utils import InvalidName, canonicalize_name

_PYPI_URL = re.compile(
    r"https?://(?:www\.)?(?:test\.)?pypi\.org/(?:p|project)/([A-Za-z0-9][A-Za-z0-9._-]*)"
    r"(?![A-Za-z0-9._$%{<-])"
)


def project_name_from_url(text: str) -> str | None:
    """The project in a pypi.org/test.pypi.org project URL in `text`, if all such URLs agree."""
    names = [match.group(1).rstrip("._-") for match in _PYPI_URL.finditer(text)]
    valid = [name for name in names if _is_valid(name)]
    if not valid or len({canonicalize_name(name) for name in valid}) > 1:
        return None
    return valid[0]


def _is_valid(name: str) -> bool:
    try:
        canonicalize_name(name, validate=True)
    except InvalidName:
        return False
    return True
