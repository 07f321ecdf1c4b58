"""Where each character of a scalar's value is written in the document text.

A `run:` script is edited in value space (the scanner reports spans of the decoded script), but
the file must be edited in source space, byte for byte. `ScalarSource` maps one to the other for
literal (`|`) and folded (`>`) block scalars, plain scalars and quoted scalars, and turns value
deletions and replacements into text edits. Where the mapping is not exact (explicit indentation
indicators, double-quoted scalars with escapes, anchors) it refuses with the reason; every edit is
then checked by re-reading the edited text, so a mapping that is wrong refuses instead of writing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import ScalarNode

from trustpub.rewrite.document import Document, Path, WorkflowSyntaxError, load_data
from trustpub.rewrite.verify import first_difference


class UnmappableScalar(Exception):
    """The scalar's value cannot be mapped exactly onto its text, or an edit would not hold."""


@dataclass(frozen=True)
class TextChange:
    """Replace the document text `[start, end)` by `text`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ScalarSource:
    """A scalar's value and, per value character, the document text it comes from.

    `units[i]` is where character i's text begins *with* what belongs to it (the indentation of
    its line for a first character, the line break and blank lines for a folded space);
    `units[len(value)]` is where the last unit ends. `tight[i]`/`tight_end[i]` are the text of the
    character alone. `line_first[i]` marks the first character of a source line.
    """

    path: Path
    style: str  # "|", ">", "'", '"' or "" (plain)
    value: str
    units: tuple[int, ...]
    tight: tuple[int, ...]
    tight_end: tuple[int, ...]
    line_first: tuple[bool, ...]
    synthetic: tuple[bool, ...]  # a folded line break: no text of its own

    def deletion(self, start: int, end: int) -> TextChange:
        """The text edit that deletes value[start:end]."""
        if start >= end:
            raise UnmappableScalar("an empty deletion")
        size = len(self.value)
        first = self.line_first[start]
        ends_line = end == size or self.line_first[end]
        if first and ends_line:  # whole lines: take their indentation too
            return TextChange(self.units[start], self.units[end], "")
        begin = self.tight[start] if first else self.units[start]
        finish = self.tight[end] if end < size and self.line_first[end] else self.units[end]
        return TextChange(begin, finish, "")

    def replacement(self, start: int, end: int, text: str) -> TextChange:
        """The text edit that replaces value[start:end] (written on one line) by `text`."""
        for i in range(start, end):
            if self.synthetic[i] or (i > start and self.tight[i] != self.tight_end[i - 1]):
                raise UnmappableScalar("the text to replace is not written in one piece")
            if self.tight_end[i] - self.tight[i] != 1:
                raise UnmappableScalar("the text to replace holds an escaped character")
        if self.style == "'":
            text = text.replace("'", "''")
        elif self.style == '"' and ('"' in text or "\\" in text):
            raise UnmappableScalar("the new text would need escapes in a double-quoted scalar")
        return TextChange(self.tight[start], self.tight_end[end - 1], text)


def scalar_source(doc: Document, path: Path) -> ScalarSource:
    """Map the scalar at `path`; UnmappableScalar says why it cannot be."""
    node = doc.node_at(path)
    if not isinstance(node, ScalarNode):
        raise UnmappableScalar("the value is not a scalar")
    if id(node) in doc.shared_nodes:
        raise UnmappableScalar("the value is shared through a YAML anchor")
    if doc.text.startswith("!", node.start_mark.index):
        raise UnmappableScalar("the value carries a YAML tag")
    style = node.style or ""
    if style in ("|", ">"):
        builder = _block(doc, node, fold=style == ">")
    else:
        builder = _flow(doc, node, style)
    if builder.value() != node.value:
        raise UnmappableScalar(f"trustpub cannot map this {_STYLE_NAMES[style]} scalar exactly")
    return builder.build(path, style)


def edit_value(
    doc: Document,
    source: ScalarSource,
    deletions: Iterable[tuple[int, int]],
    replacements: Iterable[tuple[int, int, str]] = (),
    text_follows: bool = False,
) -> tuple[list[TextChange], str]:
    """Text edits that delete and replace value spans, and the value they give.

    UnmappableScalar when the edited text would not read back as exactly that value (with the
    rest of the document unchanged). `text_follows`: other edits add text right after the scalar;
    when the scalar ends a document without a final line break, that text brings one (and a block
    scalar then reads one more line break).
    """
    edits = sorted([(start, end, "") for start, end in set(deletions)] + list(replacements))
    if any(a[1] > b[0] for a, b in itertools.pairwise(edits)):
        raise UnmappableScalar("the edits to the script overlap")
    value = source.value
    changes = []
    for start, end, text in reversed(edits):
        value = value[:start] + text + value[end:]
        change = source.replacement(start, end, text) if text else source.deletion(start, end)
        changes.append(change)
    read_back = apply_changes(doc, source, changes)
    if read_back != value:
        raise UnmappableScalar(
            f"the edited {_STYLE_NAMES[source.style]} scalar would not read back as intended"
        )
    at_end = not doc.text[source.units[-1] :].strip()
    if text_follows and at_end and not doc.text.endswith("\n"):
        value = apply_changes(doc, source, changes, final_newline=True)
    return changes, value


def apply_changes(
    doc: Document, source: ScalarSource, changes: Iterable[TextChange], final_newline: bool = False
) -> str:
    """The value the scalar has once `changes` are made; UnmappableScalar if it does not hold.

    The edited document is parsed again and the scalar read back, so the result is what the file
    will say, not what the mapping predicts.
    """
    ordered = sorted(changes, key=lambda c: (c.start, c.end))
    text = doc.text
    for change in reversed(ordered):
        text = text[: change.start] + change.text + text[change.end :]
    if final_newline and not text.endswith("\n"):
        text += doc.newline
    try:
        data = load_data(text, rewritten=True)
    except WorkflowSyntaxError as error:
        raise UnmappableScalar(f"the edited script would not be valid YAML ({error})") from None
    value = _at(data, source.path)
    if not isinstance(value, str):
        raise UnmappableScalar("the edited script would not read back as text")
    if first_difference(_replaced(doc.data, source.path, value), data) is not None:
        raise UnmappableScalar("the edit would change more than the script")
    return value


def _replaced(data: Any, path: Path, value: str) -> Any:
    """`data` with the value at `path` replaced; only the containers on the path are copied."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _replaced(data[head], rest, value)}
    items = list(data)
    items[int(head)] = _replaced(data[int(head)], rest, value)
    return items


def _at(data: Any, path: Path) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


_STYLE_NAMES = {
    "|": "literal (|)",
    ">": "folded (>)",
    "'": "single-quoted",
    '"': "double-quoted",
    "": "plain",
}


class _Builder:
    """Collects value characters with their source positions."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.units: list[int] = []
        self.tight: list[int] = []
        self.tight_end: list[int] = []
        self.line_first: list[bool] = []
        self.synthetic: list[bool] = []
        self.end = 0

    def add(self, char: str, unit: int, tight: int, tight_end: int, first: bool) -> None:
        self.chars.append(char)
        self.units.append(unit)
        self.tight.append(tight)
        self.tight_end.append(tight_end)
        self.line_first.append(first)
        self.synthetic.append(False)
        self.end = tight_end

    def add_break(self, char: str, unit: int, end: int) -> None:
        self.add(char, unit, unit, end, False)
        self.synthetic[-1] = True

    def value(self) -> str:
        return "".join(self.chars)

    def build(self, path: Path, style: str) -> ScalarSource:
        return ScalarSource(
            path=path,
            style=style,
            value=self.value(),
            units=(*self.units, self.end),
            tight=tuple(self.tight),
            tight_end=tuple(self.tight_end),
            line_first=(*self.line_first, True),
            synthetic=tuple(self.synthetic),
        )


@dataclass(frozen=True)
class _Line:
    start: int  # offset of the line's first character
    content: int  # offset of its content (after indentation or leading blanks)
    content_end: int  # offset after its content (before trailing blanks, for flow scalars)
    end: int  # offset of its line break (or of the end of the region)
    break_end: int  # offset after its line break

    @property
    def empty(self) -> bool:
        return self.content == self.content_end


def _lines(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(line start, line break offset, after the break) for each line of text[start:end]."""
    lines = []
    position = start
    while position <= end:
        newline = text.find("\n", position, end)
        if newline == -1:
            lines.append((position, end, end))
            break
        brk = newline - 1 if newline > position and text[newline - 1] == "\r" else newline
        lines.append((position, brk, newline + 1))
        position = newline + 1
        if position == end:
            break
    return lines


# -- block scalars -------------------------------------------------------------------------------


def _block(doc: Document, node: ScalarNode, fold: bool) -> _Builder:
    text = doc.text
    header_end = text.find("\n", node.start_mark.index)
    if header_end == -1:
        return _Builder()
    indicators = text[node.start_mark.index + 1 : header_end].split("#", 1)[0].strip()
    if any(c.isdigit() for c in indicators):
        raise UnmappableScalar("the block scalar has an explicit indentation indicator")
    chomping = "-" if "-" in indicators else "+" if "+" in indicators else ""
    raw = _lines(text, header_end + 1, len(text))
    indent = _content_indent(text, raw)
    lines: list[_Line] = []
    for start, brk, after in raw:
        line = text[start:brk]
        spaces = len(line) - len(line.lstrip(" "))
        blank = not line.strip(" ")
        if not blank and spaces < indent:
            break
        if blank and len(line) <= indent:
            lines.append(_Line(start, brk, brk, brk, after))
        else:
            lines.append(_Line(start, start + indent, brk, brk, after))
    return _Decoder(text, block=True, fold=fold).decode(lines, chomping)


def _content_indent(text: str, raw: list[tuple[int, int, int]]) -> int:
    for start, brk, _ in raw:
        line = text[start:brk]
        if line.strip(" "):
            return len(line) - len(line.lstrip(" "))
    return 0


# -- flow scalars --------------------------------------------------------------------------------


def _flow(doc: Document, node: ScalarNode, style: str) -> _Builder:
    text = doc.text
    start, end = node.start_mark.index, node.end_mark.index
    if style:
        start, end = start + 1, end - 1
    if style == '"' and "\\" in text[start:end]:
        raise UnmappableScalar("the double-quoted scalar holds escapes (\\)")
    raw = _lines(text, start, end)
    lines: list[_Line] = []
    for n, (line_start, brk, after) in enumerate(raw):
        line = text[line_start:brk]
        content = line_start if n == 0 else line_start + len(line) - len(line.lstrip(" \t"))
        content_end = brk if n == len(raw) - 1 else line_start + len(line.rstrip(" \t"))
        lines.append(_Line(line_start, content, max(content, content_end), brk, after))
    return _Decoder(text, block=False, fold=True, pairs=style == "'").decode(lines, "-")


class _Decoder:
    """Joins content lines the YAML way, recording the text behind every value character."""

    def __init__(self, text: str, block: bool, fold: bool, pairs: bool = False) -> None:
        self.text = text
        self.block = block
        self.fold = fold
        self.pairs = pairs  # `''` stands for `'` (single-quoted scalars)
        self.b = _Builder()

    def decode(self, lines: list[_Line], chomping: str) -> _Builder:
        b = self.b
        filled = [i for i, line in enumerate(lines) if not line.empty]
        if not filled:
            return b
        previous: _Line | None = None
        empties: list[_Line] = []
        for line in lines[: filled[-1] + 1]:
            if line.empty:
                empties.append(line)
                continue
            if previous is None:
                for empty in empties:  # leading empty lines stay line breaks
                    b.add_break("\n", empty.start, empty.break_end)
                    b.line_first[-1] = True
            else:
                self._join(previous, line, empties)
            self._content(line)
            previous, empties = line, []
        last = lines[filled[-1]]
        if self.block and chomping != "-" and last.break_end > last.end:
            b.add_break("\n", last.end, last.break_end)
            if chomping == "+":
                for empty in lines[filled[-1] + 1 :]:
                    if empty.break_end > empty.end:
                        b.add_break("\n", empty.start, empty.break_end)
                        b.line_first[-1] = True
        return b

    def _spaced(self, line: _Line) -> bool:
        """A more-indented line of a folded block scalar: its line breaks are kept."""
        return self.block and self.text[line.content] in " \t"

    def _join(self, a: _Line, line: _Line, empties: list[_Line]) -> None:
        if not self.fold or self._spaced(a) or self._spaced(line):
            starts = [a.content_end] + [e.start for e in empties]
            char = "\n"
        elif empties:  # the first break is dropped; each empty line is one break
            starts = [a.content_end] + [e.start for e in empties[1:]]
            char = "\n"
        else:
            starts, char = [a.content_end], " "
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else line.start
            self.b.add_break(char, start, end)

    def _content(self, line: _Line) -> None:
        text, i, first = self.text, line.content, True
        while i < line.content_end:
            width = 2 if self.pairs and text.startswith("''", i) else 1
            self.b.add(text[i], line.start if first else i, i, i + width, first)
            i, first = i + width, False
