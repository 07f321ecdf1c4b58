"""Text edits on a workflow's original text, and how they are applied.

Edits are replacements of character ranges of the original text, applied from the end of the
text backwards so that every offset stays valid. Overlapping edits are refused, but for two
deletions that share a line. A file that ends without a line break keeps ending without one:
the edits at its end are settled first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from trustpub.rewrite.document import Document


class UnsupportedEdit(Exception):
    """The edit cannot be made without touching text it should not touch."""


@dataclass(frozen=True)
class TextEdit:
    start: int
    end: int
    text: str
    order: int = 0  # for insertions at the same offset: earlier edits come first


def apply_edits(doc: Document, edits: list[TextEdit]) -> str:
    """The document's text with `edits` made (the edits themselves are left as they are)."""
    text = doc.text
    ends = partial(_block_scalar_ends, doc)  # found only where a file's end needs them
    applied: list[TextEdit] = []
    for edit in sorted(_settle_file_end(text, edits, ends), key=_position):
        previous = applied[-1] if applied else None
        if previous is None or edit.start >= previous.end:
            applied.append(edit)
        elif previous.text or edit.text:
            raise UnsupportedEdit("two edits overlap; refusing to guess")
        else:
            # Two deleted entries can share a comment line (below one, above the next).
            end = max(previous.end, edit.end)
            merged = TextEdit(previous.start, end, "", previous.order)
            applied[-1] = _ending_deletion(text, _onto_the_dash_line(text, merged), ends)
    for edit in reversed(applied):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def _position(edit: TextEdit) -> tuple[int, int, int, int]:
    """Where an edit goes: lines inserted at one place go deepest first (lines added at the end
    of a nested block come before entries added after the block), then in the order made."""
    depth = 0
    if edit.start == edit.end and "\n" in edit.text:
        first = next((line for line in edit.text.split("\n") if line.strip()), "")
        depth = len(first) - len(first.lstrip(" "))
    return edit.start, edit.end, -depth, edit.order


def _onto_the_dash_line(text: str, edit: TextEdit) -> TextEdit:
    """Two deletions merged into one that starts after an item's dash (`- if: ...`, its first
    entries gone) and ends at a line's start take that line's indentation too, when what is on
    it (the next key, or a comment) sits where the first entry did: it comes up onto the dash
    line, as one deletion of the first entry pulls up the next key (entry_spans.py)."""
    line_start = text.rfind("\n", 0, edit.start) + 1
    opening = text[line_start : edit.start]
    if opening.strip() != "-" or not opening.endswith(" ") or text[edit.end - 1] != "\n":
        return edit
    after = edit.end
    while after < len(text) and text[after] == " ":
        after += 1
    if after - edit.end != len(opening) or text[after : after + 1] in ("", "\n", "\r"):
        return edit
    return replace(edit, end=after)


def _ending_deletion(
    text: str, edit: TextEdit, block_scalar_ends: Callable[[], set[int]]
) -> TextEdit:
    """Two deletions merged into one that ends a file without a final newline take the line
    break before them, or the file would end with one after all (the first entry's span starts
    at its line; the last one took only the line break between them). Not a `|` scalar's last
    line break, which is its content."""
    if text.endswith("\n") or edit.end != len(text) or edit.start == 0:
        return edit
    if text[edit.start - 1] != "\n" or edit.start in block_scalar_ends():
        return edit
    start = edit.start - (2 if text[edit.start - 2 : edit.start] == "\r\n" else 1)
    return replace(edit, start=start)


def _settle_file_end(
    text: str, edits: list[TextEdit], block_scalar_ends: Callable[[], set[int]]
) -> list[TextEdit]:
    """Removing the last entry of a file without a final line break takes the line break before
    it (`entry_spans.entry_span`); lines inserted right after that line break (or replacing
    the text that ends with it) then end the file, and lose their own last line break instead
    (else the two edits would overlap). When nothing is inserted there and that line break
    ends a `|` or `>` scalar's value (blank lines may come between), it stays: the file then
    ends with it, as the value must not change."""
    if text.endswith("\n"):
        return edits
    for removal in [e for e in edits if not e.text and e.start < e.end == len(text)]:
        line_break = 2 if text.startswith("\r\n", removal.start) else 1
        after = removal.start + line_break
        if text[removal.start : after].strip("\r") != "\n":
            continue
        inside = [e for e in edits if e.text and removal.start < e.start == e.end <= removal.end]
        # A replacement whose range ends with that line break (the item before, replaced).
        replaced = [
            e for e in edits if e.text.endswith("\n") and e.start < removal.start < e.end == after
        ]
        keeps = _kept_line_breaks(text, removal, block_scalar_ends())
        if not inside and not replaced and keeps is not None:
            edits = [*(e for e in edits if e is not removal), replace(removal, start=keeps)]
            continue
        if not replaced and (not inside or any(e.start != after for e in inside)):
            continue
        inside = replaced or inside
        last = max(inside, key=lambda e: e.order)
        ending = "\r\n" if last.text.endswith("\r\n") else "\n"
        kept = [e for e in edits if e is not removal and e is not last]
        edits = [
            *kept,
            replace(removal, start=after),
            replace(last, text=last.text.removesuffix(ending)),
        ]
    return edits


def _kept_line_breaks(text: str, removal: TextEdit, value_ends: set[int]) -> int | None:
    """Where a removal at the end of the file must start instead, when the line breaks it
    begins with (past blank lines) end a `|` or `>` scalar's value: right after them."""
    found = [
        end
        for end in value_ends
        if removal.start < end <= removal.end and not text[removal.start : end].strip()
    ]
    return max(found) if found else None


def _block_scalar_ends(doc: Document) -> set[int]:
    """Where the values of `|` and `>` scalars that end with a line break end in the text: the
    offset after their last line break (`|+` keeps blank lines in its value; `|` does not,
    though the node's end comes after them)."""
    ends: set[int] = set()
    stack: list[Node] = [doc.root] if doc.root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif (
            isinstance(node, ScalarNode)
            and node.style in ("|", ">")
            and str(node.value).endswith("\n")
        ):
            ends.add(_value_end(doc.text, node))
    return ends


def _value_end(text: str, node: ScalarNode) -> int:
    """The offset after the line break that ends a block scalar's value."""
    breaks = len(node.value) - len(node.value.rstrip("\n"))
    position = len(text[: node.end_mark.index].rstrip(" \t\r\n"))  # after the last content
    while breaks and position < len(text):
        newline = text.find("\n", position)
        if newline < 0:
            break
        position, breaks = newline + 1, breaks - 1
    return position
