"""Where each character of a scalar's value is written in the document text.

A `run:` script is edited in value space (the scanner reports spans of the decoded script), but
the file must be edited in source space, byte for byte. `ScalarSource` maps one to the other for
literal (`|`) and folded (`>`) block scalars, plain scalars and quoted scalars, and turns value
deletions and replacements into text edits. Where the mapping is not exact (explicit indentation
indicators, double-quoted scalars with escapes, anchors) it refuses with the reason; every edit is
then checked by re-reading the edited text, so a mapping that is wrong refuses instead of writing.
(`scalar_decode` reads the text the YAML way; this module maps, edits and checks.)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import ScalarNode

from trustpub.rewrite.document import Document, Path, WorkflowSyntaxError, load_data
from trustpub.rewrite.scalar_decode import (
    UnmappableScalar,
    ValueBuilder,
    block_scalar,
    flow_scalar,
)
from trustpub.rewrite.verify import first_difference

__all__ = [
    "ScalarSource",
    "TextChange",
    "UnmappableScalar",
    "apply_changes",
    "edit_value",
    "scalar_source",
]


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
        builder = block_scalar(doc, node, fold=style == ">")
    else:
        builder = flow_scalar(doc, node, style)
    if builder.value() != node.value:
        raise UnmappableScalar(f"trustpub cannot map this {_STYLE_NAMES[style]} scalar exactly")
    return _mapped(builder, path, style)


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


def _mapped(b: ValueBuilder, path: Path, style: str) -> ScalarSource:
    return ScalarSource(
        path=path,
        style=style,
        value=b.value(),
        units=(*b.units, b.end),
        tight=tuple(b.tight),
        tight_end=tuple(b.tight_end),
        line_first=(*b.line_first, True),
        synthetic=tuple(b.synthetic),
    )
