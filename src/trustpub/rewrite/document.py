"""A parsed workflow: the exact text, its YAML node tree with character positions, and its style.

Edits are made to the text itself, at positions the parser reports, so every byte outside an edit
survives. ruamel.yaml's composer gives the positions (`yaml_loader` sets it up and refuses what
cannot be edited safely); its C parser is used where installed.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from trustpub.rewrite.yaml_loader import (
    WorkflowSyntaxError,
    check_expansion,
    check_flow_depth,
    compose_and_construct,
)

__all__ = [
    "BOM",
    "Document",
    "Path",
    "Style",
    "WorkflowSyntaxError",
    "child",
    "load_data",
]

BOM = "\ufeff"
_ALIAS = re.compile(r"\*[^\s,\[\]{}]+")
Path = tuple[str | int, ...]


def load_data(text: str, *, rewritten: bool = False) -> Any:
    """Plain data for the text, the way the engine and its verifier read it.

    `rewritten`: the text is the engine's edit of a document `Document.parse` accepted. Its keys
    and aliases are those of that document (edits never add either), so the walk that refuses
    complex keys and alias bombs is not repeated.
    """
    return _parse(text, checked=rewritten)[1]


def _parse(text: str, checked: bool = False) -> tuple[Node | None, Any, bool]:
    """The node tree, the data, and whether a node is referenced twice (an alias; True when
    `checked`, as the walk that finds out is not made then)."""
    try:
        node, construct = compose_and_construct(text)
        if node is None:
            return None, None, False
        aliased = check_expansion(node) if not checked else True
        data = construct(node)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if _indented_with_tab(text, line):
            problem = "a tab character where YAML needs spaces (tabs cannot indent YAML)"
        raise WorkflowSyntaxError(line, problem) from None
    except YAMLError as exc:
        raise WorkflowSyntaxError(1, str(exc).strip().splitlines()[0]) from None
    except UnicodeError:  # a str holding lone surrogates (not from a file read as UTF-8)
        raise WorkflowSyntaxError(1, "the text holds characters that are not valid UTF-8") from None
    except RecursionError:
        raise WorkflowSyntaxError(1, "the document is nested too deeply") from None
    return node, data, aliased


def _indented_with_tab(text: str, line: int) -> bool:
    lines = text.split("\n", line)
    if len(lines) < line:
        return False
    current = lines[line - 1]
    return "\t" in current[: len(current) - len(current.lstrip(" \t"))]


@dataclass(frozen=True)
class Style:
    """How this file writes block collections."""

    indent: int = 2  # columns a nested mapping is indented by
    seq_offset: int = 2  # columns from a key to the dash of its block sequence
    seq_gap: int = 1  # spaces between a dash and the item


@dataclass
class Document:
    """The text of one workflow (without BOM), its nodes and its data."""

    text: str
    bom: str
    root: Node | None
    data: Any
    _line_starts: list[int] = field(default_factory=list, repr=False)
    aliased: bool = True  # a node is referenced twice (anchors and aliases): False only if known
    # What rules work out from this (never changing) document, so that each is worked out once.
    derived: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def parse(cls, source: str) -> Document:
        bom = BOM if source.startswith(BOM) else ""
        text = source[len(bom) :]
        if "\0" in text:
            raise WorkflowSyntaxError(text[: text.index("\0")].count("\n") + 1, "NUL byte in file")
        check_flow_depth(text)
        root, data, aliased = _parse(text)
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        return cls(text, bom, root, data, starts, aliased=aliased)

    # -- lines ---------------------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def line_of(self, index: int) -> int:
        """0-based line number of a character offset."""
        return bisect.bisect_right(self._line_starts, index) - 1

    def line_start(self, line: int) -> int:
        if line >= len(self._line_starts):
            return len(self.text)
        return self._line_starts[line]

    def line_end(self, line: int) -> int:
        """Offset just past the line's terminator (or the end of the text)."""
        return self.line_start(line + 1)

    def line_text(self, line: int) -> str:
        return self.text[self.line_start(line) : self.line_end(line)].rstrip("\r\n")

    @cached_property
    def newline(self) -> str:
        crlf = self.text.count("\r\n")
        return "\r\n" if crlf and crlf * 2 >= self.text.count("\n") else "\n"

    def is_blank_or_comment(self, line: int) -> bool:
        stripped = self.line_text(line).strip()
        return not stripped or stripped.startswith("#")

    def column_of(self, index: int) -> int:
        return index - self.line_start(self.line_of(index))

    # -- nodes ---------------------------------------------------------------------------------

    def node_at(self, path: Path) -> Node | None:
        node = self.root
        for part in path:
            if node is None:
                return None
            node = child(node, part)
        return node

    def key_node(self, mapping_path: Path, key: str) -> Node | None:
        mapping = self.node_at(mapping_path)
        if not isinstance(mapping, MappingNode):
            return None
        for k, _ in mapping.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return k
        return None

    def last_content_line(self, node: Node, after: int | None = None) -> int:
        """The last line holding any of the node's content (not trailing blanks or comments).

        `after` is where this reference to the node begins (its key's end): a node that starts
        before it is an alias of a node anchored earlier, and its content is the `*alias` token.
        """
        if after is not None and node.start_mark.index < after:
            return self.line_of(self._alias_end(after))
        if isinstance(node, MappingNode) and not node.flow_style and node.value:
            key, value = node.value[-1]
            return self.last_content_line(value, key.end_mark.index)
        if isinstance(node, SequenceNode) and not node.flow_style and node.value:
            position = node.start_mark.index
            for item in node.value[:-1]:
                aliased = item.start_mark.index < position
                position = self._alias_end(position) if aliased else item.end_mark.index
            return self.last_content_line(node.value[-1], position)
        end = node.end_mark.index
        line = self.line_of(end)
        if self.column_of(end) == 0 and end > node.start_mark.index:
            line -= 1
        start_line = self.line_of(node.start_mark.index)
        # Inside a `|`/`>` block scalar a line starting with `#` is content, not a comment.
        block = isinstance(node, ScalarNode) and node.style in ("|", ">")
        while line > start_line and (
            not self.line_text(line).strip() if block else self.is_blank_or_comment(line)
        ):
            line -= 1
        return line

    def _alias_end(self, start: int) -> int:
        """The offset of the last character of the first `*alias` token at or after `start`."""
        found = _ALIAS.search(self.text, start)
        return found.end() - 1 if found else start

    @cached_property
    def shared_nodes(self) -> frozenset[int]:
        """ids of nodes that appear more than once (anchors with aliases)."""
        if not self.aliased:
            return frozenset()
        counts: Counter[int] = Counter()
        for node in _walk(self.root):
            counts[id(node)] += 1
        return frozenset(k for k, v in counts.items() if v > 1)

    @cached_property
    def style(self) -> Style:
        return _detect_style(self)


def child(node: Node, part: str | int) -> Node | None:
    if isinstance(part, int):
        if isinstance(node, SequenceNode) and 0 <= part < len(node.value):
            result: Node = node.value[part]
            return result
        return None
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == part:
                found: Node = value
                return found
    return None


def _walk(root: Node | None) -> Iterator[Node]:
    """Every node reference; an aliased node is yielded once per reference, not descended twice."""
    if root is None:
        return
    seen: set[int] = set()
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        yield node
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)


def _detect_style(doc: Document) -> Style:
    indents: Counter[int] = Counter()
    offsets: Counter[int] = Counter()
    gaps: Counter[int] = Counter()
    starts = doc._line_starts

    def line_of(index: int) -> int:
        return bisect.bisect_right(starts, index) - 1

    for node in _walk(doc.root):
        if not isinstance(node, MappingNode) or node.flow_style:
            continue
        for key, value in node.value:
            if not value.value or not isinstance(value, (MappingNode, SequenceNode)):
                continue
            if value.flow_style:
                continue
            key_at = key.start_mark.index
            key_line = line_of(key_at)
            key_col = key_at - starts[key_line]
            if isinstance(value, MappingNode):
                first = value.value[0][0].start_mark.index
                first_line = line_of(first)
                if first_line > key_line:
                    indents[first - starts[first_line] - key_col] += 1
                continue
            dash = value.start_mark.index
            dash_line = line_of(dash)
            if dash_line > key_line:
                offsets[dash - starts[dash_line] - key_col] += 1
                item = value.value[0].start_mark.index
                gap = item - dash - 1
                if line_of(item) == dash_line and gap > 0:
                    gaps[gap] += 1
    indent = _most_common(indents, 2, positive=True)
    return Style(
        indent=indent, seq_offset=_most_common(offsets, indent), seq_gap=_most_common(gaps, 1)
    )


def _most_common(counter: Counter[int], default: int, positive: bool = False) -> int:
    for value, _ in counter.most_common():
        if not positive or value > 0:
            return value
    return default
