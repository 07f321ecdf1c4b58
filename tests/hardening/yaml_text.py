"""A tiny YAML writer for generated workflows: every node carries its own style.

The hypothesis strategies build trees of `Map`, `Seq` and `Scalar`, choosing for each node how it
is written (block or flow, plain or quoted or a block scalar, comments before and after), and
`render` turns a tree into text with a file-wide `Layout` (indent width, sequence style). `data`
gives the plain value the text must parse to, so the generator can check itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Union

Node = Union["Scalar", "Map", "Seq"]

# Plain scalars YAML 1.2 (core schema) would read as something other than a string.
_NOT_A_STRING = re.compile(
    r"(?i:true|false|null|~|yes|no|on|off|y|n)$|[-+]?(\.\d+|\d[\d_]*(\.\d*)?)([eE][-+]?\d+)?$"
    r"|0x[0-9a-fA-F]+$|0o[0-7]+$|[-+]?\.(inf|Inf|INF)$|\.(nan|NaN|NAN)$"
)
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_FLOW_SPECIAL = ",[]{}:"  # ruamel reads `{a: https://x}` as an error


class Protected(str):
    """A line inside a block scalar: a comment or whitespace added there would change data."""

    __slots__ = ()


@dataclass(frozen=True)
class Layout:
    """File-wide choices: mapping indent, where a sequence's dash sits, the gap after it."""

    indent: int = 2  # 2 or 4
    indent_sequences: bool = True  # `steps:\n  - x` (True) or `steps:\n- x` (False)
    dash_gap: int = 1  # spaces after `-`: 1, or indent - 1 (`-   uses:`)

    @property
    def seq_offset(self) -> int:
        return self.indent if self.indent_sequences else 0


@dataclass
class Scalar:
    value: str | bool | int | None
    style: str = "plain"  # plain, single, double, literal (|, |-), folded (>-)
    keep_final_newline: bool = True  # literal only: `|` (True) or `|-`

    def data(self) -> Any:
        if not _block_scalar_ok(self):
            return self.value
        assert isinstance(self.value, str)
        lines = self.value.rstrip("\n").split("\n")
        if self.style == "folded":
            return " ".join(lines)
        return "\n".join(lines) + ("\n" if self.keep_final_newline else "")


@dataclass
class Entry:
    key: str
    value: Node
    comment: str | None = None  # end of line
    before: list[str] = field(default_factory=list)  # own-line comments above the key


@dataclass
class Map:
    entries: list[Entry]
    flow: bool = False

    def data(self) -> dict[str, Any]:
        return {e.key: e.value.data() for e in self.entries}

    def get(self, key: str) -> Node | None:
        return next((e.value for e in self.entries if e.key == key), None)

    def entry(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)


@dataclass
class Item:
    value: Node
    before: list[str] = field(default_factory=list)


@dataclass
class Seq:
    items: list[Item]
    flow: bool = False

    def data(self) -> list[Any]:
        return [i.value.data() for i in self.items]


# -- building helpers ---------------------------------------------------------------------------


def plain(value: Any) -> Node:
    """A node for plain data, written in block style with plain scalars where possible."""
    if isinstance(value, Map | Seq | Scalar):
        return value
    if isinstance(value, dict):
        return Map([Entry(str(k), plain(v)) for k, v in value.items()])
    if isinstance(value, list):
        return Seq([Item(plain(v)) for v in value])
    return Scalar(value)


def block_map(**entries: Any) -> Map:
    return Map([Entry(k.replace("_", "-"), plain(v)) for k, v in entries.items()])


# -- scalars ------------------------------------------------------------------------------------


def plain_allowed(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or "\n" in text or _NOT_A_STRING.fullmatch(text):
        return False
    if text[0] in _INDICATORS and not (text[0] in "-?:" and len(text) > 1 and text[1] != " "):
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text:
        return False
    return not (flow and any(c in text for c in _FLOW_SPECIAL))


def _quoted(text: str, style: str) -> str:
    """Single quotes, or double quotes where no escape is needed (trustpub does not edit scripts
    written with escapes), or escapes where nothing else can write the text."""
    escapes = '"' in text or "\\" in text
    if "\n" not in text and not any(ord(c) < 32 for c in text) and (style == "single" or escapes):
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def inline_scalar(node: Scalar, flow: bool) -> str:
    value = node.value
    if value is None:
        return "null" if flow else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    style = node.style
    if style in ("literal", "folded"):
        style = "double"
    if style == "plain" and plain_allowed(value, flow):
        return value
    return _quoted(value, "single" if style == "single" else "double")


def _block_scalar_lines(node: Scalar, column: int, comment: str | None) -> tuple[str, list[str]]:
    """The header (`|`, `|-`, `>-`, with the comment) and the content lines."""
    assert isinstance(node.value, str)
    text = node.value.rstrip("\n")
    if node.style == "literal":
        header = "|" if node.keep_final_newline else "|-"
        lines = text.split("\n")
    else:
        header = ">-"
        lines = text.split("\n")  # each line a folded run of words: the generator keeps them short
    content = [Protected((" " * column + line) if line else "") for line in lines]
    return header + _eol(comment), content


def _block_scalar_ok(node: Scalar) -> bool:
    if not isinstance(node.value, str) or node.style not in ("literal", "folded"):
        return False
    lines = node.value.rstrip("\n").split("\n")
    if not lines or not lines[0] or lines[0][0] == " ":
        return False  # an indentation indicator would be needed
    if node.style == "folded":
        return all(line and line == line.strip() for line in lines)
    return all(line == line.rstrip() for line in lines)


def _eol(comment: str | None) -> str:
    return f"  # {comment}" if comment is not None else ""


# -- flow collections ---------------------------------------------------------------------------


def inline(node: Node) -> str:
    if isinstance(node, Scalar):
        return inline_scalar(node, flow=True)
    if isinstance(node, Map):
        inner = ", ".join(f"{_key(e.key, True)}: {inline(e.value)}" for e in node.entries)
        return "{" + inner + "}"
    return "[" + ", ".join(inline(i.value) for i in node.items) + "]"


def _key(key: str, flow: bool) -> str:
    if key == "on" or plain_allowed(key, flow):  # `on:` is how every workflow spells it
        return key
    return json.dumps(key, ensure_ascii=False)


def _is_flow(node: Node) -> bool:
    if isinstance(node, Map):
        return node.flow or not node.entries
    if isinstance(node, Seq):
        return node.flow or not node.items
    return False


# -- block collections --------------------------------------------------------------------------


def render(root: Map, layout: Layout, header: list[str] | None = None) -> str:
    """The text of a document whose root is a block mapping."""
    return "\n".join(render_lines(root, layout, header)) + "\n"


def render_lines(root: Map, layout: Layout, header: list[str] | None = None) -> list[str]:
    """The lines of the document; lines inside block scalars are `Protected`."""
    lines = [f"# {c}" if c else "" for c in header or []]
    return lines + _map_lines(root, 0, layout)


def _comment_lines(comments: list[str], column: int) -> list[str]:
    return [(" " * column + f"# {c}") if c else "" for c in comments]


def _map_lines(
    node: Map, column: int, layout: Layout, first_prefix: str | None = None
) -> list[str]:
    """Lines of a block mapping at `column`; `first_prefix` replaces the indentation of the
    first key's line (a sequence item's `- `)."""
    lines: list[str] = []
    for number, entry in enumerate(node.entries):
        before = _comment_lines(entry.before, column)
        prefix = " " * column
        if number == 0 and first_prefix is not None:
            if before:
                # Comments above the first key of an item go above the dash.
                dash_column = len(first_prefix) - len(first_prefix.lstrip())
                before = _comment_lines(entry.before, dash_column)
            prefix = first_prefix
        lines += before
        lines += _entry_lines(entry, prefix, column, layout)
    return lines


def _entry_lines(entry: Entry, prefix: str, column: int, layout: Layout) -> list[str]:
    key = f"{prefix}{_key(entry.key, False)}:"
    value = entry.value
    if isinstance(value, Scalar):
        if _block_scalar_ok(value):
            header, content = _block_scalar_lines(value, column + layout.indent, entry.comment)
            return [f"{key} {header}", *content]
        text = inline_scalar(value, flow=False)
        return [f"{key} {text}".rstrip() + _eol(entry.comment)]
    if _is_flow(value):
        return [f"{key} {inline(value)}{_eol(entry.comment)}"]
    lines = [key + _eol(entry.comment)]
    if isinstance(value, Map):
        return lines + _map_lines(value, column + layout.indent, layout)
    return lines + _seq_lines(value, column + layout.seq_offset, layout)


def _seq_lines(node: Seq, dash_column: int, layout: Layout) -> list[str]:
    lines: list[str] = []
    content = dash_column + 1 + layout.dash_gap
    dash = " " * dash_column + "-" + " " * layout.dash_gap
    for item in node.items:
        value = item.value
        lines += _comment_lines(item.before, dash_column)
        if isinstance(value, Map) and not _is_flow(value):
            lines += _map_lines(value, content, layout, first_prefix=dash)
        elif isinstance(value, Scalar):
            lines.append(dash + inline_scalar(value, flow=False))
        elif _is_flow(value):
            lines.append(dash + inline(value))
        else:
            raise ValueError("a block sequence directly inside a sequence is not generated")
    return lines
