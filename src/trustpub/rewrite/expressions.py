"""GitHub Actions expressions: which secrets a piece of text refers to."""

from __future__ import annotations

import re

# secrets.NAME and secrets['NAME'] / secrets["NAME"]; names are case-insensitive on GitHub,
# so they are reported upper-cased, the way GitHub lists them.
_SECRET_DOT = re.compile(r"\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)")
_SECRET_INDEX = re.compile(r"""\bsecrets\[\s*(['"])([A-Za-z_][A-Za-z0-9_]*)\1\s*\]""")
# secrets[<anything that is not a string literal>]: the name is chosen at run time.
_SECRET_COMPUTED = re.compile(r"""\bsecrets\[\s*(?!['"][A-Za-z_][A-Za-z0-9_]*['"]\s*\])""")
_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)

GITHUB_TOKEN_SECRET = "GITHUB_TOKEN"


def referenced_secrets(text: str) -> frozenset[str]:
    """Every `secrets.NAME` the text refers to, upper-cased, except GITHUB_TOKEN."""
    names = {m.group(1) for m in _SECRET_DOT.finditer(text)}
    names |= {m.group(2) for m in _SECRET_INDEX.finditer(text)}
    return frozenset(n.upper() for n in names if n.upper() != GITHUB_TOKEN_SECRET)


def has_computed_secret(text: str) -> bool:
    """True when a secret's name is computed at run time (`secrets[format(...)]`)."""
    return bool(_SECRET_COMPUTED.search(text))


def is_expression(text: str) -> bool:
    """True when the text contains a `${{ }}` expression."""
    return "${{" in text


def expressions(text: str) -> list[str]:
    """The `${{ ... }}` expressions in the text, in order."""
    return _EXPRESSION.findall(text)
