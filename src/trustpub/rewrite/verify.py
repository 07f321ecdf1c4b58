"""Check that rewritten text parses to exactly the structure the edits intended."""

from __future__ import annotations

from typing import Any

from trustpub.rewrite.document import WorkflowSyntaxError, load_data
from trustpub.rewrite.edits import UnsupportedEdit


def verify(text: str, expected: Any) -> None:
    """Raise UnsupportedEdit unless `text` parses to `expected` (key order included)."""
    try:
        actual = load_data(text, rewritten=True)
    except WorkflowSyntaxError as error:
        raise UnsupportedEdit(f"the result is not valid YAML: {error}") from None
    difference = first_difference(expected, actual)
    if difference is not None:
        raise UnsupportedEdit(f"the result differs from the intended structure at {difference}")


def first_difference(expected: Any, actual: Any, path: str = "") -> str | None:
    """Where two plain data trees differ (dict key order counts), or None."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if list(expected) != list(actual):
            return f"{path or '/'} (keys {list(expected)} != {list(actual)})"
        for key in expected:
            found = first_difference(expected[key], actual[key], f"{path}/{key}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path or '/'} (length {len(expected)} != {len(actual)})"
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            found = first_difference(e, a, f"{path}/{i}")
            if found:
                return found
        return None
    if type(expected) is not type(actual) or expected != actual:
        return f"{path or '/'} ({expected!r} != {actual!r})"
    return None
