"""Edits inside `run:` scripts (and `with: args:`), collected per scalar and made in one go.

Spans are in value space (what the scanner saw); `scalar_source` maps them onto the file's text
for every scalar style and checks that the edited text reads back as intended.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from trustpub.rewrite.commands import Span
from trustpub.rewrite.document import Document, Path
from trustpub.rewrite.edits import Patch, UnsupportedEdit
from trustpub.rewrite.scalar_source import (
    TextChange,
    UnmappableScalar,
    edit_value,
    scalar_source,
)


@dataclass
class ScalarEdits:
    """Deletions and replacements planned in one scalar's value."""

    value: str
    deletions: set[Span] = field(default_factory=set)
    replacements: dict[Span, str] = field(default_factory=dict)

    def result(self) -> str:
        """The value once edited (the text the scanner would see next time)."""
        text = self.value
        edits = [(s, "") for s in _merged(self.deletions)] + list(self.replacements.items())
        for span, new in sorted(edits, key=lambda e: e[0].start, reverse=True):
            text = text[: span.start] + new + text[span.end :]
        return text


class ScriptEdits:
    """The scalar edits one plan makes, by the path of each scalar."""

    def __init__(self) -> None:
        self.by_path: dict[Path, ScalarEdits] = {}

    def __bool__(self) -> bool:
        return any(e.deletions or e.replacements for e in self.by_path.values())

    def copy(self) -> ScriptEdits:
        copied = ScriptEdits()
        for path, edits in self.by_path.items():
            copied.by_path[path] = ScalarEdits(
                edits.value, set(edits.deletions), dict(edits.replacements)
            )
        return copied

    def of(self, path: Path, value: str) -> ScalarEdits:
        return self.by_path.setdefault(path, ScalarEdits(value))

    def delete(self, path: Path, value: str, spans: Iterable[Span]) -> None:
        self.of(path, value).deletions.update(spans)

    def replace(self, path: Path, value: str, span: Span, text: str) -> None:
        self.of(path, value).replacements[span] = text

    def check(self, doc: Document, skip: Iterable[Path] = ()) -> str | None:
        """Why these edits cannot be made exactly (None when they can)."""
        skipped = set(skip)
        for path, edits in self.by_path.items():
            if path in skipped:
                continue
            try:
                _changes(doc, path, edits)
            except UnmappableScalar as error:
                return str(error)
        return None

    def apply(
        self, patch: Patch, skip: Iterable[Path] = (), text_follows: Path | None = None
    ) -> None:
        """Make the edits; `text_follows`: the scalar after which other edits add text."""
        skipped = set(skip)
        for path, edits in self.by_path.items():
            if path in skipped or not (edits.deletions or edits.replacements):
                continue
            try:
                changes, value = _changes(patch.doc, path, edits, path == text_follows)
            except UnmappableScalar as error:
                raise UnsupportedEdit(str(error)) from None
            patch.edit_scalar_text(path, [(c.start, c.end, c.text) for c in changes], value)


def _changes(
    doc: Document, path: Path, edits: ScalarEdits, text_follows: bool = False
) -> tuple[list[TextChange], str]:
    """The text changes for `edits` and the value they give, worked out once per document.

    Working them out parses the edited document; a plan checks the same edits for each way it
    may migrate, and again when it makes them.
    """
    key = (
        "script edits",
        path,
        edits.value,
        frozenset(edits.deletions),
        frozenset(edits.replacements.items()),
        text_follows,
    )
    if key not in doc.derived:
        try:
            doc.derived[key] = _work_out_changes(doc, path, edits, text_follows)
        except UnmappableScalar as error:
            doc.derived[key] = error
    found = doc.derived[key]
    if isinstance(found, UnmappableScalar):
        raise UnmappableScalar(str(found))
    changes, value = found
    return list(changes), value


def _work_out_changes(
    doc: Document, path: Path, edits: ScalarEdits, text_follows: bool
) -> tuple[list[TextChange], str]:
    source = scalar_source(doc, path)
    if source.value != edits.value:
        raise UnmappableScalar("the script changed under trustpub")
    deletions = [(s.start, s.end) for s in _merged(edits.deletions)]
    replacements = [(s.start, s.end, text) for s, text in edits.replacements.items()]
    return edit_value(doc, source, deletions, replacements, text_follows)


def _merged(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching deletions as one."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged
