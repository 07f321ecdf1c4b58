"""Which text an entry of a mapping spans: what removing it removes, and where it sits.

An entry takes the comment lines right above it and those indented into its block below it; an
entry that ends a file without a final line break takes the line break before it instead.
"""

from __future__ import annotations

from ruamel.yaml.nodes import MappingNode, ScalarNode

from trustpub.rewrite.comments import about_credentials, comment_lines
from trustpub.rewrite.document import Document
from trustpub.rewrite.text_edits import UnsupportedEdit


def entry_index(mapping: MappingNode, key: str) -> int:
    for i, (k, _) in enumerate(mapping.value):
        if isinstance(k, ScalarNode) and k.value == key:
            return i
    raise UnsupportedEdit(f"no key {key!r}")


def entry_span(doc: Document, mapping: MappingNode, index: int) -> tuple[int, int]:
    """The text that removing the entry at `index` of a block mapping removes: its lines, with
    the comment lines that belong to it."""
    key, value = mapping.value[index]
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


def removal_spans(
    doc: Document, start: int, end: int, key_line: int, keep: bool
) -> list[tuple[int, int]]:
    """The spans that remove an entry from `start` to `end` but the comment lines above its
    key (`key_line`) that are not about credentials; those indented under it go with it."""
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


def flow_spans(mapping: MappingNode, indexes: list[int]) -> list[tuple[int, int]]:
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


def _is_comment_at(doc: Document, line: int, column: int) -> bool:
    text = doc.line_text(line)
    stripped = text.lstrip()
    return stripped.startswith("#") and len(text) - len(stripped) >= column
