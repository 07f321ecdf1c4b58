"""Patch operations that restructure a workflow: move steps out of a job and add whole jobs.

Like every `Patch` operation, each one pairs a text edit with the data mutation it makes. Sequence
items are addressed by their index in the original document (kept valid by `Slot`), so removals
and insertions in one sequence combine in any order.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ruamel.yaml.nodes import ScalarNode

from trustpub.rewrite.comments import all_kept_comments, kept_comments
from trustpub.rewrite.data_ops import Slot, plain_data, slot_at, value_at
from trustpub.rewrite.document import Path
from trustpub.rewrite.edits import Patch, UnsupportedEdit
from trustpub.rewrite.entry_spans import entry_index
from trustpub.rewrite.item_spans import (
    block_sequence_at,
    item_dash_column,
    item_lines_beside,
    item_span,
    keeps_trailing_blanks,
    last_indented_comment,
    reindent,
    sequence_at,
    split_lines,
)
from trustpub.rewrite.render import render_flow_scalar

# Builds a value for the intended data from the data as the earlier operations left it.
ValueFactory = Callable[[Any], Any]


@dataclass
class TakenItem:
    """A sequence item's text, re-indented for its new place, and its data once captured."""

    lines: list[str]
    captured: list[Any] = field(default_factory=list)

    def value(self) -> Any:
        if not self.captured:
            raise UnsupportedEdit("a moved item was used before its data was captured")
        return copy.deepcopy(self.captured[0])


class RestructurePatch(Patch):
    """A Patch that can also take sequence items out, put new ones in, and add entries as text."""

    # -- sequence items ------------------------------------------------------------------------

    def take_item(
        self,
        seq_path: Path,
        index: int,
        dash_column: int,
        within: Patch | None = None,
        stays: bool = False,
    ) -> TakenItem:
        """Copy an item (with the comment lines right above it) for another place in the file.

        `within` holds edits inside the item (e.g. removed token inputs): they are applied to the
        copied text and data, not to the original place. Removing the original is separate; an
        original that `stays` keeps its data too (the edits change the copy only).
        """
        seq = block_sequence_at(self.doc, seq_path)
        start, end = item_span(self.doc, seq, index)
        text = self._text_with(start, end, within)
        lines = reindent(split_lines(text), dash_column - item_dash_column(self.doc, seq, index))
        while lines and not lines[-1].strip():  # blank lines an edit left at its end (a removed
            lines.pop()  # last entry that had one above it) do not go along
        private = list(within.data_ops) if within is not None and stays else []
        if within is not None and not stays:
            self.data_ops.extend(within.data_ops)
        taken = TakenItem(lines)
        item_path = (*seq_path, index)

        def capture(data: Any) -> None:
            if private:
                data = copy.deepcopy(data)
                for op in private:
                    op(data)
            taken.captured.append(copy.deepcopy(value_at(data, item_path)))

        self.data_ops.append(capture)
        return taken

    def item_comments(self, seq_path: Path, index: int, line_ends: bool = False) -> list[str]:
        """The comments of an item (and those right above it) that are not about credentials:
        what a step that goes leaves to the step that takes its place elsewhere (with
        `line_ends`, those at the end of its lines too)."""
        seq = block_sequence_at(self.doc, seq_path)
        start, end = item_span(self.doc, seq, index)
        if line_ends:
            return all_kept_comments(self.doc, start, end, seq.value[index])
        return kept_comments(self.doc, start, end)

    def remove_item(self, seq_path: Path, index: int) -> None:
        seq = block_sequence_at(self.doc, seq_path)
        start, end = item_span(self.doc, seq, index)
        # The blank lines that separated the item from the one before go with it.
        line = self.doc.line_of(start)
        kept = index > 0 and keeps_trailing_blanks(self.doc, seq.value[index - 1])
        while index > 0 and not kept and line > 0 and not self.doc.line_text(line - 1).strip():
            line -= 1
        start = self.doc.line_start(line)
        # The file keeps ending without a newline: drop the one before the item, or the one the
        # edit just before it writes.
        at_end = end == len(self.doc.text) and not self.doc.text.endswith("\n") and start > 0
        if at_end and not self._drop_final_newline_of_edit_ending_at(start):
            start -= 2 if self.doc.text[start - 2 : start] == "\r\n" else 1
        self._add(start, end, "")

        def remove(data: Any) -> None:
            slot_at(data, seq_path, index).removed = True

        self.data_ops.append(remove)

    def remove_item_keeping_comments(self, seq_path: Path, index: int) -> None:
        """Remove an item but leave its comments (those not about credentials, those at the end
        of its lines too) in its place, as comment lines."""
        seq = block_sequence_at(self.doc, seq_path)
        start, end = item_span(self.doc, seq, index)
        comments = all_kept_comments(self.doc, start, end, seq.value[index])
        if not comments:
            self.remove_item(seq_path, index)
            return
        column = item_dash_column(self.doc, seq, index)
        ending = self.doc.newline if self.doc.text[start:end].endswith("\n") else ""
        self._add(start, end, self.doc.newline.join(" " * column + c for c in comments) + ending)

        def remove(data: Any) -> None:
            slot_at(data, seq_path, index).removed = True

        self.data_ops.append(remove)

    def replace_item(self, seq_path: Path, index: int, value: dict[str, Any]) -> None:
        """Write a new item in place of an item (and the comment lines right above it)."""
        seq = block_sequence_at(self.doc, seq_path)
        start, end = item_span(self.doc, seq, index)
        lines = item_lines_beside(self.doc, seq, index, value)
        ending = self.doc.newline if self.doc.text[start:end].endswith("\n") else ""
        self._add(start, end, self.doc.newline.join(lines) + ending)

        def replace(data: Any) -> None:
            slot_at(data, seq_path, index).item = plain_data(value)

        self.data_ops.append(replace)

    def insert_item(self, seq_path: Path, index: int, value: Any, after: bool = True) -> None:
        """Add an item next to an existing one, in that sequence's own style."""
        seq = sequence_at(self.doc, seq_path)
        item = seq.value[index]
        if seq.flow_style:
            rendered = render_flow_scalar(value)
            if after:
                self._add(item.end_mark.index, item.end_mark.index, f", {rendered}")
            else:
                self._add(item.start_mark.index, item.start_mark.index, f"{rendered}, ")
        else:
            start, end = item_span(self.doc, seq, index)
            if after:  # after the comment lines indented into the item, too
                last = last_indented_comment(
                    self.doc, self.doc.line_of(end - 1), item_dash_column(self.doc, seq, index)
                )
                end = self.doc.line_end(last)
            self._insert_lines(
                end if after else start, item_lines_beside(self.doc, seq, index, value)
            )

        def insert(data: Any) -> None:
            slot = slot_at(data, seq_path, index)
            (slot.after if after else slot.before).append(plain_data(value))

        self.data_ops.append(insert)

    # -- scalars and entries -------------------------------------------------------------------

    def replace_scalar(self, path: Path, value: Any) -> None:
        """Rewrite a one-line scalar (a mapping value or a sequence item) as `value`."""
        node = self.doc.node_at(path)
        parent = self.doc.node_at(path[:-1])
        if not isinstance(node, ScalarNode) or node.style in ("|", ">"):
            raise UnsupportedEdit("the value to replace is not a one-line scalar")
        if self.doc.line_of(node.start_mark.index) != self.doc.line_of(node.end_mark.index):
            raise UnsupportedEdit("the value to replace spans several lines")
        if id(node) in self.doc.shared_nodes:
            raise UnsupportedEdit("the value is shared through a YAML anchor")
        flow = bool(getattr(parent, "flow_style", False))
        self._add(node.start_mark.index, node.end_mark.index, render_flow_scalar(value, flow))

        def replace(data: Any) -> None:
            container = value_at(data, path[:-1])
            key = path[-1]
            if isinstance(key, int) and isinstance(container[key], Slot):
                container[key].item = plain_data(value)
            else:
                container[key] = plain_data(value)

        self.data_ops.append(replace)

    def insert_entry_text(
        self, mapping_path: Path, after: str, lines: list[str], entries: ValueFactory
    ) -> None:
        """Insert entries written out as `lines` after the entry `after` (and the comment lines
        indented into it below its last line); `entries` gives their data, in order."""
        mapping = self._mapping(mapping_path)
        if mapping.flow_style:
            raise UnsupportedEdit("cannot add entries to a flow-style mapping as lines")
        key_node, value_node = mapping.value[entry_index(mapping, after)]
        last = self.doc.last_content_line(value_node, key_node.end_mark.index)
        last = last_indented_comment(self.doc, last, self.doc.column_of(key_node.start_mark.index))
        self._insert_lines(self.doc.line_end(last), lines)

        def insert(data: Any) -> None:
            parent = value_at(data, mapping_path)
            items = list(parent.items())
            position = [k for k, _ in items].index(after) + 1
            items[position:position] = list(entries(data).items())
            parent.clear()
            parent.update(items)

        self.data_ops.append(insert)

    # -- internals -----------------------------------------------------------------------------

    def _drop_final_newline_of_edit_ending_at(self, offset: int) -> bool:
        for i, edit in enumerate(self.edits):
            if edit.end == offset and edit.text.endswith("\n"):
                text = edit.text.removesuffix("\n").removesuffix("\r")
                self.edits[i] = replace(edit, text=text)
                return True
        return False

    def _text_with(self, start: int, end: int, within: Patch | None) -> str:
        if within is None or not within.edits:
            return self.doc.text[start:end]
        if any(e.start < start or e.end > end for e in within.edits):
            raise UnsupportedEdit("the step's own edits reach outside the step")
        inside = Patch(self.doc)
        inside.edits = list(within.edits)
        text = inside.apply()
        return text[start : end + len(text) - len(self.doc.text)]
