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

from trustpub.rewrite.comments import about_credentials, comment_lines
from trustpub.rewrite.data_ops import DataOp, plain_data, settle_slots, value_at
from trustpub.rewrite.document import Document, Path
from trustpub.rewrite.render import render_entries, render_flow_scalar
from trustpub.rewrite.text_edits import TextEdit, UnsupportedEdit, apply_edits

__all__ = ["Patch", "TextEdit", "UnsupportedEdit", "is_block_mapping", "is_sequence"]


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
        data = copy.deepcopy(self.doc.data)
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
        indexes = sorted(_entry_index(mapping, key) for key in keys)
        if mapping.flow_style:
            for start, end in _flow_spans(mapping, indexes):
                self._add(start, end, "")
        else:
            for index in indexes:
                start, end = self._entry_span(mapping, index)
                key_line = self.doc.line_of(mapping.value[index][0].start_mark.index)
                for piece in self._without_kept_comments(start, end, key_line, keep_comments):
                    self._add(*piece, "")

        def remove(data: Any) -> None:
            for key in keys:
                parent = value_at(data, mapping_path)
                if not shared or key in parent:
                    parent.pop(key)

        self.data_ops.append(remove)

    def rename_key(self, mapping_path: Path, old: str, new: str) -> None:
        mapping = self._mapping(mapping_path)
        key_node = mapping.value[_entry_index(mapping, old)][0]
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
        value = mapping.value[_entry_index(mapping, key)][1]
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
        index = len(mapping.value) - 1 if after is None else _entry_index(mapping, after)
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
        index = _entry_index(mapping, key)
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

    def _entry_span(self, mapping: MappingNode, index: int) -> tuple[int, int]:
        key, value = mapping.value[index]
        doc = self.doc
        key_line = doc.line_of(key.start_mark.index)
        line_start = doc.line_start(key_line)
        before = doc.text[line_start : key.start_mark.index]
        if before.strip():
            # `- key: value` opens a sequence item: pull the next key up onto the dash line.
            if not before.strip().startswith("-") or index + 1 >= len(mapping.value):
                raise UnsupportedEdit("the entry shares its line with other content")
            return key.start_mark.index, mapping.value[index + 1][0].start_mark.index
        if id(value) in doc.shared_nodes:
            # Deleting an anchor breaks its aliases; deleting an alias alone leaves the anchored
            # copy behind, and a second run would then delete that one: leave both to the user.
            raise UnsupportedEdit("the value is shared through a YAML anchor (&) and alias (*)")
        # The entry takes the comment lines right above it, and those indented into its block
        # right below it; comments at its own column or left of it belong to what follows.
        start_line = key_line
        key_column = doc.column_of(key.start_mark.index)
        floor = 0  # not into the entry before it: `#` lines that end a `|` scalar are content
        if index > 0:
            before_key, before_value = mapping.value[index - 1]
            floor = doc.last_content_line(before_value, before_key.end_mark.index) + 1
        while start_line > floor and _is_comment_at(doc, start_line - 1, key_column):
            start_line -= 1
        last_line = doc.last_content_line(value, key.end_mark.index)
        while last_line + 1 < doc.line_count and _is_comment_at(doc, last_line + 1, key_column + 1):
            last_line += 1
        start, end = doc.line_start(start_line), doc.line_end(last_line)
        if end == len(doc.text) and not doc.text.endswith("\n") and start > 0:
            # The entry ends a file without a final newline: take the newline before it instead,
            # and the blank lines above it, or the file would end with a line break after all.
            start -= 2 if doc.text[start - 2 : start] == "\r\n" else 1
            while start > 0 and doc.text[start - 1] == "\n":
                start -= 2 if doc.text[start - 2 : start] == "\r\n" else 1
        return start, end

    def _without_kept_comments(
        self, start: int, end: int, key_line: int, keep: bool
    ) -> list[tuple[int, int]]:
        """The spans that remove an entry from `start` to `end` but the comment lines above its
        key (`key_line`) that are not about credentials; those indented under it go with it."""
        doc = self.doc
        first, last = doc.line_of(start), doc.line_of(max(end - 1, start))
        if not keep or doc.line_start(first) != start or doc.line_end(last) != end:
            return [(start, end)]
        kept = {
            line
            for line in comment_lines(doc, first, key_line - 1)
            if not about_credentials(doc.line_text(line))
        }
        pieces: list[tuple[int, int]] = []
        for line in range(first, last + 1):
            if line in kept:
                continue
            if pieces and pieces[-1][1] == doc.line_start(line):
                pieces[-1] = (pieces[-1][0], doc.line_end(line))
            else:
                pieces.append((doc.line_start(line), doc.line_end(line)))
        return pieces

    def _insert_lines(self, offset: int, lines: list[str]) -> None:
        text = self.doc.text
        if offset == len(text) and text and not text.endswith("\n"):
            self._strip_final_block_scalar()
        self._add(offset, offset, self._join(lines, offset))

    def _strip_final_block_scalar(self) -> None:
        """A `|` or `>` scalar that ends the file without a line break has none in its value;
        lines added after it would give it one, unless it strips it (`|-`: the same value).
        A scalar edited already is left as it is: its edit says it is followed by text
        (`scalar_source.edit_value`)."""
        node = self.doc.root
        while isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
            last = node.value[-1]
            node = last[1] if isinstance(last, tuple) else last
        text = self.doc.text
        if not isinstance(node, ScalarNode) or node.style not in ("|", ">"):
            return
        if node.end_mark.index != len(text):
            return
        if any(node.start_mark.index <= e.start <= node.end_mark.index for e in self.edits):
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


def _is_comment_at(doc: Document, line: int, column: int) -> bool:
    text = doc.line_text(line)
    stripped = text.lstrip()
    return stripped.startswith("#") and len(text) - len(stripped) >= column


def _flow_spans(mapping: MappingNode, indexes: list[int]) -> list[tuple[int, int]]:
    """Text spans that remove the entries of a flow mapping, with the commas between them."""
    entries = mapping.value
    if len(indexes) == len(entries):
        raise UnsupportedEdit("removing every entry of a flow mapping")
    spans: list[tuple[int, int]] = []
    runs: list[list[int]] = []
    for index in indexes:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    for run in runs:
        first, last = run[0], run[-1]
        if last + 1 < len(entries):  # `a: 1, ` up to the next kept key
            spans.append(
                (entries[first][0].start_mark.index, entries[last + 1][0].start_mark.index)
            )
        else:  # `, a: 1` from the previous kept value
            spans.append((entries[first - 1][1].end_mark.index, entries[last][1].end_mark.index))
    return spans


def _entry_index(mapping: MappingNode, key: str) -> int:
    for i, (k, _) in enumerate(mapping.value):
        if isinstance(k, ScalarNode) and k.value == key:
            return i
    raise UnsupportedEdit(f"no key {key!r}")


def is_block_mapping(node: Node | None) -> bool:
    return isinstance(node, MappingNode) and not node.flow_style


def is_sequence(node: Node | None) -> bool:
    return isinstance(node, SequenceNode)
