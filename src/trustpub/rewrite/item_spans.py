"""Which text an item of a block sequence spans, and how an item is written beside it.

An item opens with `- ` on its own line; it takes the comment lines right above its dash and
those indented into it below its last line. Its text moves elsewhere re-indented as a whole, so
block scalars keep their content.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from trustpub.rewrite.comments import is_comment_line
from trustpub.rewrite.document import Document, Path
from trustpub.rewrite.render import render_entries
from trustpub.rewrite.text_edits import UnsupportedEdit


def sequence_at(doc: Document, path: Path) -> SequenceNode:
    node = doc.node_at(path)
    if not isinstance(node, SequenceNode) or not node.value:
        raise UnsupportedEdit(f"no sequence at {'.'.join(map(str, path))}")
    if id(node) in doc.shared_nodes:
        raise UnsupportedEdit("the sequence is shared through a YAML anchor")
    return node


def block_sequence_at(doc: Document, path: Path) -> SequenceNode:
    node = sequence_at(doc, path)
    if node.flow_style:
        raise UnsupportedEdit("cannot move items of a flow-style sequence")
    return node


def dash_offset(doc: Document, seq: SequenceNode, index: int) -> int:
    """Offset of the `-` that opens the item, which must sit on the item's first line."""
    item = seq.value[index]
    start = item.start_mark.index
    line_start = doc.line_start(doc.line_of(start))
    before = doc.text[line_start:start]
    if before.strip() != "-" or id(item) in doc.shared_nodes:
        raise UnsupportedEdit("the sequence item does not start with `- ` on its own line")
    return line_start + before.index("-")


def item_dash_column(doc: Document, seq: SequenceNode, index: int) -> int:
    return doc.column_of(dash_offset(doc, seq, index))


def item_span(doc: Document, seq: SequenceNode, index: int) -> tuple[int, int]:
    """The item from the comment lines right above its dash to the end of its last line."""
    dash = dash_offset(doc, seq, index)
    column = doc.column_of(dash)
    first = doc.line_of(dash)
    while first > 0 and _comment_at_column(doc.line_text(first - 1), column):
        first -= 1
    last = doc.last_content_line(seq.value[index], dash + 1)
    # The comment lines right below it, indented into it, are about it too.
    while last + 1 < doc.line_count and is_comment_line(doc, last + 1):
        text = doc.line_text(last + 1)
        if len(text) - len(text.lstrip()) <= column:
            break
        last += 1
    return doc.line_start(first), doc.line_end(last)


def item_lines_beside(doc: Document, seq: SequenceNode, index: int, value: Any) -> list[str]:
    """Lines for a new item beside item `index`: same dash column, same gap after the dash."""
    dash = dash_offset(doc, seq, index)
    column = doc.column_of(dash)
    gap = seq.value[index].start_mark.index - dash - 1
    style = replace(doc.style, seq_offset=0, seq_gap=gap)
    return [_shift(line, column) for line in render_entries({"x": [value]}, 0, style)[1:]]


def keeps_trailing_blanks(doc: Document, node: Node) -> bool:
    """True when the node ends in a `|+` or `>+` block scalar, whose blank lines are content."""
    while isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    if not isinstance(node, ScalarNode) or node.style not in ("|", ">"):
        return False
    indicator = doc.text[node.start_mark.index : node.start_mark.index + 3]
    return "+" in indicator.split("\n", 1)[0]


def last_indented_comment(doc: Document, last: int, column: int) -> int:
    """The last comment line indented deeper than `column` that follows line `last`."""
    line = last + 1
    while line < doc.line_count and doc.is_blank_or_comment(line):
        text = doc.line_text(line)
        if text.strip() and len(text) - len(text.lstrip()) > column:
            last = line
        elif text.strip():
            break
        line += 1
    return last


def split_lines(text: str) -> list[str]:
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if lines and lines[-1] == "" else lines


def reindent(lines: list[str], delta: int) -> list[str]:
    """Shift every line by `delta` columns (block scalars keep their content: all lines move)."""
    return lines if delta == 0 else [_shift(line, delta) for line in lines]


def _comment_at_column(text: str, column: int) -> bool:
    stripped = text.lstrip(" ")
    return stripped.startswith("#") and len(text) - len(stripped) == column


def _shift(line: str, delta: int) -> str:
    if delta >= 0:
        return " " * delta + line if line else line
    spaces = len(line) - len(line.lstrip(" "))
    if line.strip() and spaces < -delta:
        raise UnsupportedEdit("cannot re-indent the moved text")
    return line[min(spaces, -delta) :]
