"""Write new YAML entries in the style of the file they go into."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from trustpub.rewrite.document import Style, WorkflowSyntaxError, load_data


@dataclass(frozen=True)
class Commented:
    """A scalar value written with an end-of-line comment."""

    value: Any
    comment: str


@dataclass(frozen=True)
class Flow:
    """A list of scalars written as a flow sequence on one line (`needs: [build, test]`)."""

    items: tuple[Any, ...]


@dataclass(frozen=True)
class Literal:
    """A string written as a `|` block scalar (for multi-line `run:` scripts)."""

    value: str


def render_entries(entries: dict[str, Any], column: int, style: Style) -> list[str]:
    """Lines (without line endings) for block mapping entries whose keys start at `column`."""
    lines: list[str] = []
    for key, value in entries.items():
        lines.extend(_entry(render_flow_scalar(key), value, column, style))
    return lines


def _entry(key: str, value: Any, column: int, style: Style) -> list[str]:
    pad = " " * column
    if isinstance(value, dict) and value:
        return [f"{pad}{key}:", *render_entries(value, column + style.indent, style)]
    if isinstance(value, list) and value:
        return [f"{pad}{key}:", *_sequence(value, column + style.seq_offset, style)]
    if isinstance(value, Literal):
        body = [
            f"{pad}{' ' * style.indent}{line}" if line else "" for line in value.value.splitlines()
        ]
        indicator = "|" if value.value.endswith("\n") else "|-"
        return [f"{pad}{key}: {indicator}", *body]
    return [f"{pad}{key}: {_scalar_text(value)}"]


def _sequence(items: list[Any], dash_column: int, style: Style) -> list[str]:
    lines: list[str] = []
    item_column = dash_column + 1 + style.seq_gap
    for item in items:
        if isinstance(item, dict) and item:
            rendered = render_entries(item, item_column, style)
            first = rendered[0]
            rendered[0] = " " * dash_column + "-" + " " * style.seq_gap + first[item_column:]
            lines.extend(rendered)
        else:
            lines.append(" " * dash_column + "-" + " " * style.seq_gap + _scalar_text(item))
    return lines


def _scalar_text(value: Any) -> str:
    if isinstance(value, Commented):
        return f"{_scalar_text(value.value)}  # {value.comment}"
    return render_flow_scalar(value, flow=False)


def render_flow_scalar(value: Any, flow: bool = True) -> str:
    """A scalar as it can stand inside a flow collection (or, with flow=False, after `key: `)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict) and not value:
        return "{}"
    if isinstance(value, list) and not value:
        return "[]"
    if isinstance(value, Commented):
        return render_flow_scalar(value.value, flow)
    if isinstance(value, Flow):
        return "[" + ", ".join(render_flow_scalar(item) for item in value.items) + "]"
    return _string(str(value), flow)


@functools.lru_cache(maxsize=4096)
def _string(text: str, flow: bool) -> str:
    if "\n" not in text and _reads_back(text, text, flow):
        return text
    quoted = "'" + text.replace("'", "''") + "'"
    if "\n" not in text and _reads_back(quoted, text, flow):
        return quoted
    return json.dumps(text, ensure_ascii=False)


def _reads_back(rendered: str, text: str, flow: bool) -> bool:
    probe = f"j: [{rendered}]\n" if flow else f"k: {rendered}\n"
    try:
        loaded = load_data(probe)
    except WorkflowSyntaxError:
        return False
    expected = {"j": [text]} if flow else {"k": text}
    return bool(loaded == expected)
