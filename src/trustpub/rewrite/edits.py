"""Minimal text edits on a workflow, each paired with the change it makes to the data.

A `Patch` is built from operations on paths through the document (remove an entry, rename a
key, insert entries). Each operation becomes a replacement of a character range of the original
text, so everything outside those ranges stays byte-identical, and a mutation of the plain data,
so the verifier can check that the new text parses to exactly the intended structure.
"""

from __future__ import annotations

import copy
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from trustpub.rewrite.data_ops import DataOp, plain_data, settle_slots, value_at
from trustpub.rewrite.document import Document, Path
from trustpub.rewrite.entry_spans import entry_index, entry_span, flow_spans, removal_spans
from trustpub.rewrite.render import render_entries, render_flow_scalar
from trustpub.rewrite.text_edits import TextEdit, UnsupportedEdit, apply_edits

__all__ = ["Patch", "TextEdit", "UnsupportedEdit", "is_block_mapping"]


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
        return apply_edits(self.doc, self.edits)

    def expected_data(self) -> Any:
        data = copy.deepcopy(self.doc.data) if self.doc.aliased else _copy_tree(self.doc.data)
        for op in self.data_ops:
            op(data)
        return settle_slots(data)

    # -- operations ----------------------------------------------------------------------------

    def remove_entry(self, mapping_path: Path, key: str, keep_comments: bool = True) -> None:
        self.remove_entries(mapping_path, [key], keep_comments=keep_comments)

    def remove_entries(
        self,
        mapping_path: Path,
        keys: list[str],
        shared: bool = False,
        keep_comments: bool = True,
    ) -> None:
        """Remove some entries of one mapping (all of them together, for a flow mapping).

        `shared`: other patches may remove the same entries (a workflow-level `env:` that several
        jobs stop needing); the identical text edits merge, and the data is removed once.
        `keep_comments`: comment lines in the removed text that are not about credentials stay
        (the caller that moves the entry elsewhere takes them along instead)."""
        mapping = self._mapping(mapping_path)
        indexes = sorted(entry_index(mapping, key) for key in keys)
        if mapping.flow_style:
            for start, end in flow_spans(mapping, indexes):
                self._add(start, end, "")
        else:
            for index in indexes:
                start, end = entry_span(self.doc, mapping, index)
                key_line = self.doc.line_of(mapping.value[index][0].start_mark.index)
                for piece in removal_spans(self.doc, start, end, key_line, keep_comments):
                    self._add(*piece, "")

        def remove(data: Any) -> None:
            for key in keys:
                parent = value_at(data, mapping_path)
                if not shared or key in parent:
                    parent.pop(key)

        self.data_ops.append(remove)

    def rename_key(self, mapping_path: Path, old: str, new: str) -> None:
        mapping = self._mapping(mapping_path)
        key_node = mapping.value[entry_index(mapping, old)][0]
        self._add(key_node.start_mark.index, key_node.end_mark.index, new)

        def rename(data: Any) -> None:
            parent = value_at(data, mapping_path)
            items = [(new if k == old else k, v) for k, v in parent.items()]
            parent.clear()
            parent.update(items)

        self.data_ops.append(rename)

    def replace_in_scalar(self, mapping_path: Path, key: str, old: str, new: str) -> None:
        """Replace `old` by `new` inside the entry's scalar value, as it is written."""
        mapping = self._mapping(mapping_path)
        value = mapping.value[entry_index(mapping, key)][1]
        written = self.doc.text[value.start_mark.index : value.end_mark.index]
        if not isinstance(value, ScalarNode) or written.count(old) != 1:
            raise UnsupportedEdit(f"cannot find {old!r} once in the value of {key!r}")
        start = value.start_mark.index + written.index(old)
        self._add(start, start + len(old), new)

        def replace(data: Any) -> None:
            parent = value_at(data, mapping_path)
            parent[key] = parent[key].replace(old, new)

        self.data_ops.append(replace)

    def replace_comment_text(self, start: int, end: int, text: str) -> None:
        """Replace text inside a comment (a pin's version comment): the data does not change."""
        self._add(start, end, text)

    def edit_scalar_text(self, path: Path, changes: list[tuple[int, int, str]], value: str) -> None:
        """Replace text ranges inside the scalar at `path`, which then reads `value`.

        The caller maps the ranges and checks the value (`scalar_source.edit_value`)."""
        for start, end, text in changes:
            self._add(start, end, text)

        def replace(data: Any) -> None:
            value_at(data, path[:-1])[path[-1]] = value

        self.data_ops.append(replace)

    def insert_entries(
        self,
        mapping_path: Path,
        entries: dict[str, Any],
        after: str | None = None,
        comments: dict[str, list[str]] | None = None,
    ) -> None:
        """Insert block entries after the entry `after` (or at the end of the mapping), each
        below the comment lines `comments` gives for its key."""
        mapping = self._mapping(mapping_path)
        if mapping.flow_style or not mapping.value:
            raise UnsupportedEdit("cannot add keys to a flow-style or empty mapping")
        index = len(mapping.value) - 1 if after is None else entry_index(mapping, after)
        column = self.doc.column_of(mapping.value[0][0].start_mark.index)
        key_node, value_node = mapping.value[index]
        last_line = self.doc.last_content_line(value_node, key_node.end_mark.index)
        lines: list[str] = []
        for key, value in entries.items():
            lines += [" " * column + c for c in (comments or {}).get(key, [])]
            lines += render_entries({key: value}, column, self.doc.style)
        self._insert_lines(self.doc.line_end(last_line), lines)

        def insert(data: Any) -> None:
            parent = value_at(data, mapping_path)
            items = list(parent.items())
            position = len(items) if after is None else [k for k, _ in items].index(after) + 1
            items[position:position] = [(k, plain_data(v)) for k, v in entries.items()]
            parent.clear()
            parent.update(items)

        self.data_ops.append(insert)

    def replace_entry(self, mapping_path: Path, key: str, value: Any) -> None:
        """Replace the entry's value, written anew as a block under the key."""
        mapping = self._mapping(mapping_path)
        index = entry_index(mapping, key)
        if mapping.flow_style:
            raise UnsupportedEdit("cannot rewrite an entry of a flow-style mapping")
        key_node, value_node = mapping.value[index]
        start = self.doc.line_start(self.doc.line_of(key_node.start_mark.index))
        if self.doc.text[start : key_node.start_mark.index].strip():
            raise UnsupportedEdit("the entry shares its line with other content")
        end = self.doc.line_end(self.doc.last_content_line(value_node, key_node.end_mark.index))
        lines = render_entries(
            {key: value}, self.doc.column_of(key_node.start_mark.index), self.doc.style
        )
        self._add(start, end, self._join(lines, end))

        def replace(data: Any) -> None:
            value_at(data, mapping_path)[key] = plain_data(value)

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
        self.data_ops.append(
            lambda data: value_at(data, mapping_path).__setitem__(key, plain_data(value))
        )

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

    def _insert_lines(self, offset: int, lines: list[str]) -> None:
        text = self.doc.text
        if offset == len(text) and text and not text.endswith("\n"):
            self._strip_final_block_scalar()
        self._add(offset, offset, self._join(lines, offset))

    def _strip_final_block_scalar(self) -> None:
        """A `|` or `>` scalar that ends the file without a line break has none in its value;
        lines added after it would give it one, unless it strips it (`|-`: the same value).
        A scalar edited already is left as it is: its edit says it is followed by text
        (`scalar_source.edit_value`); so is one that goes with the text removed around it."""
        node = self.doc.root
        while isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
            last = node.value[-1]
            node = last[1] if isinstance(last, tuple) else last
        text = self.doc.text
        if not isinstance(node, ScalarNode) or node.style not in ("|", ">"):
            return
        if node.end_mark.index != len(text):
            return
        if any(
            node.start_mark.index <= e.start <= node.end_mark.index
            or e.start <= node.start_mark.index < node.end_mark.index <= e.end
            for e in self.edits
        ):  # edited already, or gone with what is removed around it
            return
        header = text[node.start_mark.index : text.find("\n", node.start_mark.index)]
        if "-" in header.split("#")[0]:
            return
        if "+" in header.split("#")[0]:
            raise UnsupportedEdit("cannot add lines after a `|+` scalar that ends the file")
        self._add(node.start_mark.index + 1, node.start_mark.index + 1, "-")

    def _join(self, lines: list[str], offset: int) -> str:
        newline = self.doc.newline
        text = self.doc.text
        if offset == len(text) and text and not text.endswith("\n"):
            return newline + newline.join(lines)
        return newline.join(lines) + newline


def is_block_mapping(node: Node | None) -> bool:
    return isinstance(node, MappingNode) and not node.flow_style


def _copy_tree(data: Any) -> Any:
    """A copy of data that shares no mapping or list (`copy.deepcopy`, which also keeps shared
    objects shared, is needed only where aliases made some: `Document.aliased`)."""
    if isinstance(data, dict):
        return {key: _copy_tree(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_copy_tree(item) for item in data]
    if data is None or isinstance(data, (str, int, float)):  # immutable (bool is an int)
        return data
    return copy.deepcopy(data)  # a date, a `!!set`...
