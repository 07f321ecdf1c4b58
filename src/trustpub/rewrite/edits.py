"""Minimal text edits on a workflow, each paired with the change it makes to the data.

A `Patch` is built from operations on paths through the document (remove an entry, rename a
key, insert entries). Each operation becomes a replacement of a character range of the original
text, so everything outside those ranges stays byte-identical, and a mutation of the plain data,
so the verifier can check that the new text parses to exactly the intended structure.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from trustpub.rewrite.document import Document, Path
from trustpub.rewrite.render import Commented, render_entries, render_flow_scalar


class UnsupportedEdit(Exception):
    """The edit cannot be made without touching text it should not touch."""


@dataclass(frozen=True)
class TextEdit:
    start: int
    end: int
    text: str
    order: int = 0  # for insertions at the same offset: earlier edits come first


DataOp = Callable[[Any], None]


class Patch:
    """Edits to one document, applied to the original text from the end backwards."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.edits: list[TextEdit] = []
        self.data_ops: list[DataOp] = []

    def __bool__(self) -> bool:
        return bool(self.edits)

    # -- results -------------------------------------------------------------------------------

    def apply(self) -> str:
        text = self.doc.text
        edits = sorted(self.edits, key=lambda e: (e.start, e.end, e.order))
        for before, after in itertools.pairwise(edits):
            if after.start < before.end:
                raise UnsupportedEdit("two edits overlap; refusing to guess")
        for edit in reversed(edits):
            text = text[: edit.start] + edit.text + text[edit.end :]
        return text

    def expected_data(self) -> Any:
        data = copy.deepcopy(self.doc.data)
        for op in self.data_ops:
            op(data)
        return data

    # -- operations ----------------------------------------------------------------------------

    def remove_entry(self, mapping_path: Path, key: str) -> None:
        mapping = self._mapping(mapping_path)
        index = _entry_index(mapping, key)
        start, end = self._entry_span(mapping, index)
        self._add(start, end, "")
        self.data_ops.append(lambda data: _get(data, mapping_path).pop(key))

    def rename_key(self, mapping_path: Path, old: str, new: str) -> None:
        mapping = self._mapping(mapping_path)
        key_node = mapping.value[_entry_index(mapping, old)][0]
        self._add(key_node.start_mark.index, key_node.end_mark.index, new)

        def rename(data: Any) -> None:
            parent = _get(data, mapping_path)
            items = [(new if k == old else k, v) for k, v in parent.items()]
            parent.clear()
            parent.update(items)

        self.data_ops.append(rename)

    def insert_entries(
        self, mapping_path: Path, entries: dict[str, Any], after: str | None = None
    ) -> None:
        """Insert block entries after the entry `after` (or at the end of the mapping)."""
        mapping = self._mapping(mapping_path)
        if mapping.flow_style or not mapping.value:
            raise UnsupportedEdit("cannot add keys to a flow-style or empty mapping")
        index = len(mapping.value) - 1 if after is None else _entry_index(mapping, after)
        column = self.doc.column_of(mapping.value[0][0].start_mark.index)
        last_line = self.doc.last_content_line(mapping.value[index][1])
        lines = render_entries(entries, column, self.doc.style)
        self._insert_lines(self.doc.line_end(last_line), lines)

        def insert(data: Any) -> None:
            parent = _get(data, mapping_path)
            items = list(parent.items())
            position = len(items) if after is None else [k for k, _ in items].index(after) + 1
            items[position:position] = [(k, _plain(v)) for k, v in entries.items()]
            parent.clear()
            parent.update(items)

        self.data_ops.append(insert)

    def replace_entry(self, mapping_path: Path, key: str, value: Any) -> None:
        """Replace the entry's value, written anew as a block under the key."""
        mapping = self._mapping(mapping_path)
        index = _entry_index(mapping, key)
        if mapping.flow_style:
            raise UnsupportedEdit("cannot rewrite an entry of a flow-style mapping")
        key_node, value_node = mapping.value[index]
        start = self.doc.line_start(self.doc.line_of(key_node.start_mark.index))
        if self.doc.text[start : key_node.start_mark.index].strip():
            raise UnsupportedEdit("the entry shares its line with other content")
        end = self.doc.line_end(self.doc.last_content_line(value_node))
        lines = render_entries(
            {key: value}, self.doc.column_of(key_node.start_mark.index), self.doc.style
        )
        self._add(start, end, self._join(lines, end))

        def replace(data: Any) -> None:
            _get(data, mapping_path)[key] = _plain(value)

        self.data_ops.append(replace)

    def set_flow_entry(self, mapping_path: Path, key: str, value: Any) -> None:
        """Add `key: value` to a flow mapping such as `{contents: read}`."""
        mapping = self._mapping(mapping_path)
        if not mapping.flow_style:
            raise UnsupportedEdit("not a flow mapping")
        close = mapping.end_mark.index - 1
        if self.doc.text[close] != "}":
            raise UnsupportedEdit("unexpected flow mapping end")
        rendered = f"{key}: {render_flow_scalar(value)}"
        if mapping.value:
            last_value = mapping.value[-1][1]
            self._add(last_value.end_mark.index, last_value.end_mark.index, f", {rendered}")
        else:
            self._add(mapping.start_mark.index, mapping.end_mark.index, "{" + rendered + "}")
        self.data_ops.append(lambda data: _get(data, mapping_path).__setitem__(key, _plain(value)))

    # -- internals -----------------------------------------------------------------------------

    def _add(self, start: int, end: int, text: str) -> None:
        self.edits.append(TextEdit(start, end, text, len(self.edits)))

    def _mapping(self, path: Path) -> MappingNode:
        node = self.doc.node_at(path)
        if not isinstance(node, MappingNode):
            raise UnsupportedEdit(f"no mapping at {'.'.join(map(str, path))}")
        if id(node) in self.doc.shared_nodes:
            raise UnsupportedEdit("the mapping is shared through a YAML anchor")
        if any(
            isinstance(k, ScalarNode) and (k.tag or "").endswith(":merge") for k, _ in node.value
        ):
            raise UnsupportedEdit("the mapping uses a YAML merge key (<<)")
        return node

    def _entry_span(self, mapping: MappingNode, index: int) -> tuple[int, int]:
        key, value = mapping.value[index]
        if mapping.flow_style:
            return _flow_entry_span(mapping, index)
        doc = self.doc
        key_line = doc.line_of(key.start_mark.index)
        line_start = doc.line_start(key_line)
        before = doc.text[line_start : key.start_mark.index]
        if before.strip():
            # `- key: value` opens a sequence item: pull the next key up onto the dash line.
            if not before.strip().startswith("-") or index + 1 >= len(mapping.value):
                raise UnsupportedEdit("the entry shares its line with other content")
            return key.start_mark.index, mapping.value[index + 1][0].start_mark.index
        start_line = key_line
        key_column = doc.column_of(key.start_mark.index)
        while start_line > 0 and _is_comment_at(doc, start_line - 1, key_column):
            start_line -= 1
        return doc.line_start(start_line), doc.line_end(doc.last_content_line(value))

    def _insert_lines(self, offset: int, lines: list[str]) -> None:
        self._add(offset, offset, self._join(lines, offset))

    def _join(self, lines: list[str], offset: int) -> str:
        newline = self.doc.newline
        text = self.doc.text
        if offset == len(text) and text and not text.endswith("\n"):
            return newline + newline.join(lines)
        return newline.join(lines) + newline


def _is_comment_at(doc: Document, line: int, column: int) -> bool:
    text = doc.line_text(line)
    stripped = text.lstrip()
    return stripped.startswith("#") and len(text) - len(stripped) >= column


def _flow_entry_span(mapping: MappingNode, index: int) -> tuple[int, int]:
    entries = mapping.value
    key, value = entries[index]
    if index + 1 < len(entries):
        return key.start_mark.index, entries[index + 1][0].start_mark.index
    if index > 0:
        return entries[index - 1][1].end_mark.index, value.end_mark.index
    raise UnsupportedEdit("removing the only entry of a flow mapping")


def _entry_index(mapping: MappingNode, key: str) -> int:
    for i, (k, _) in enumerate(mapping.value):
        if isinstance(k, ScalarNode) and k.value == key:
            return i
    raise UnsupportedEdit(f"no key {key!r}")


def _get(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, Commented):
        return _plain(value.value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def is_block_mapping(node: Node | None) -> bool:
    return isinstance(node, MappingNode) and not node.flow_style


def is_sequence(node: Node | None) -> bool:
    return isinstance(node, SequenceNode)
