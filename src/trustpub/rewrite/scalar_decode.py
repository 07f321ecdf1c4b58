"""A scalar's value read from its text the way YAML reads it, with where each character comes from.

Block scalars (literal `|`, folded `>`, their chomping) and flow scalars (plain, single- and
double-quoted) are decoded line by line into a `ValueBuilder`: per value character, the text
behind it. `scalar_source` turns that into edits; what cannot be decoded exactly is refused here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ruamel.yaml.nodes import ScalarNode

from trustpub.rewrite.document import Document


class UnmappableScalar(Exception):
    """The scalar's value cannot be mapped exactly onto its text, or an edit would not hold."""


class ValueBuilder:
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


def block_scalar(doc: Document, node: ScalarNode, fold: bool) -> ValueBuilder:
    text = doc.text
    header_end = text.find("\n", node.start_mark.index)
    if header_end == -1:
        return ValueBuilder()
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


def flow_scalar(doc: Document, node: ScalarNode, style: str) -> ValueBuilder:
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
        self.b = ValueBuilder()

    def decode(self, lines: list[_Line], chomping: str) -> ValueBuilder:
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
