"""scalar_source: value spans of a scalar mapped back onto the file's text, for every style."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustpub.rewrite.commands import remove_spans, scan_script
from trustpub.rewrite.document import Document, load_data
from trustpub.rewrite.scalar_source import UnmappableScalar, edit_value, scalar_source

PATH = ("a", "run")


def edited(text: str, deletions: list[tuple[int, int]], replacements=()) -> str:  # type: ignore[no-untyped-def]
    """The document text after deleting value spans of `a.run`."""
    doc = Document.parse(text)
    source = scalar_source(doc, PATH)
    changes, _ = edit_value(doc, source, deletions, replacements)
    for change in sorted(changes, key=lambda c: c.start, reverse=True):
        text = text[: change.start] + change.text + text[change.end :]
    return text


def without_credentials(text: str) -> str:
    """The document with every credential flag, export and config command of `a.run` removed."""
    doc = Document.parse(text)
    value = scalar_source(doc, PATH).value
    scan = scan_script(value)
    spans = [s for u in scan.uploads for s in u.credential_flags]
    spans += [e.span for e in scan.exports] + [c.span for c in scan.config_commands]
    result = edited(text, [(s.start, s.end) for s in spans])
    assert load_data(result)["a"]["run"] == remove_spans(value, spans)
    return result


CASES = [
    (
        "literal-continuations",
        "a:\n  run: |\n    twine upload \\\n      -u __token__ \\\n      -p ${{ secrets.X }} \\\n"
        "      dist/*\n    echo done\n\n  b: 1\n",
        "a:\n  run: |\n    twine upload \\\n      dist/*\n    echo done\n\n  b: 1\n",
    ),
    (
        "literal-config-line",
        "a:\n  run: |\n    poetry config pypi-token.pypi ${{ secrets.X }}\n    poetry publish\n",
        "a:\n  run: |\n    poetry publish\n",
    ),
    (
        "literal-last-line",
        "a:\n  run: |-\n    poetry build\n    export TWINE_PASSWORD=x\n  b: 1\n",
        "a:\n  run: |-\n    poetry build\n  b: 1\n",
    ),
    (
        "literal-prefix-assignment",
        "a:\n  run: |\n    TWINE_PASSWORD=${{ secrets.X }} twine upload dist/*\n",
        "a:\n  run: |\n    twine upload dist/*\n",
    ),
    (
        "folded-lines",
        "a:\n  run: >\n    twine upload\n    -u __token__\n    -p ${{ secrets.X }}\n    dist/*\n",
        "a:\n  run: >\n    twine upload\n    dist/*\n",
    ),
    (
        "folded-strip",
        "a:\n  run: >-\n    twine upload -u __token__ -p X dist/*\n  b: 1\n",
        "a:\n  run: >-\n    twine upload dist/*\n  b: 1\n",
    ),
    (
        "plain",
        "a:\n  run: twine upload -u __token__ -p ${{ secrets.X }} dist/*  # upload\n",
        "a:\n  run: twine upload dist/*  # upload\n",
    ),
    (
        "plain-multi-line",
        "a:\n  run: twine upload\n    -u __token__   \n    -p ${{ secrets.X }}\n    dist/*\n",
        "a:\n  run: twine upload\n    dist/*\n",
    ),
    (
        "single-quoted-pairs",
        "a:\n  run: 'twine upload -u ''__token__'' -p ''X'' dist/*'\n",
        "a:\n  run: 'twine upload dist/*'\n",
    ),
    (
        "double-quoted",
        'a:\n  run: "twine upload -p ${{ secrets.X }} dist/*"\n',
        'a:\n  run: "twine upload dist/*"\n',
    ),
    (
        "crlf",
        "a:\r\n  run: |\r\n    poetry config pypi-token.pypi X\r\n    poetry publish\r\n",
        "a:\r\n  run: |\r\n    poetry publish\r\n",
    ),
    (
        "no-final-newline",
        "a:\n  run: |\n    echo\n    poetry config pypi-token.pypi X",
        "a:\n  run: |\n    echo",
    ),
    (
        "unicode",
        "a:\n  run: |\n    echo 🐍 \\\n      && twine upload -p X dist/*\n",
        "a:\n  run: |\n    echo 🐍 \\\n      && twine upload dist/*\n",
    ),
]


@pytest.mark.parametrize(("before", "after"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_credentials_come_out_of_every_style(before: str, after: str) -> None:
    assert without_credentials(before) == after


def test_replacement_inside_a_line() -> None:
    text = 'a:\n  run: pip install "twine==5.0.0" build\n'
    doc = Document.parse(text)
    value = scalar_source(doc, PATH).value
    start = value.index("==5.0.0")
    assert edited(text, [], [(start, start + 7, "==6.1.0")]) == (
        'a:\n  run: pip install "twine==6.1.0" build\n'
    )


def test_replacement_in_single_quotes_doubles_quotes() -> None:
    text = "a:\n  run: 'echo x'\n"
    assert edited(text, [], [(5, 6, "it's")]) == "a:\n  run: 'echo it''s'\n"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('a:\n  run: "twine upload -p \\"x\\" dist/*"\n', "escapes"),
        ("a:\n  run: |2\n      twine upload -p x\n", "indentation indicator"),
        ("a:\n  run: &cmd twine upload -p x\nb: *cmd\n", "anchor"),
        ("a:\n  run: !!str twine upload -p x\n", "tag"),
        ("a:\n  run: [twine]\n", "not a scalar"),
    ],
)
def test_refuses_what_it_cannot_map(text: str, why: str) -> None:
    with pytest.raises(UnmappableScalar, match=why):
        scalar_source(Document.parse(text), PATH)


def test_an_edit_that_would_not_read_back_is_refused() -> None:
    text = "a:\n  run: twine upload\n  b: 1\n"
    doc = Document.parse(text)
    source = scalar_source(doc, PATH)
    with pytest.raises(UnmappableScalar):
        edit_value(doc, source, [(0, 5)])  # a plain scalar cannot start with a blank


def test_overlapping_edits_are_refused() -> None:
    doc = Document.parse("a:\n  run: twine upload -p x\n")
    source = scalar_source(doc, PATH)
    with pytest.raises(UnmappableScalar, match="overlap"):
        edit_value(doc, source, [(5, 12)], [(10, 14, "y")])


STYLES = {
    "literal": lambda lines: "|\n" + "".join(f"    {line}\n" for line in lines),
    "literal-strip": lambda lines: "|-\n" + "".join(f"    {line}\n" for line in lines),
    "folded": lambda lines: ">\n" + "".join(f"    {line}\n" for line in lines),
    "plain": lambda lines: " ".join(lines) + "\n",
    "single": lambda lines: "'" + " ".join(lines).replace("'", "''") + "'\n",
}
WORDS = st.sampled_from(["twine", "upload", "-p", "x", "dist/*", "&&", "echo", "a'b", "#c", ""])


@settings(max_examples=150, deadline=None)
@given(
    style=st.sampled_from(sorted(STYLES)),
    lines=st.lists(st.lists(WORDS, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=4),
    data=st.data(),
)
def test_never_writes_a_wrong_value(style: str, lines: list[str], data: st.DataObject) -> None:
    """Any deletion is either refused or leaves exactly the expected value, and the rest."""
    text = "a:\n  run: " + STYLES[style](lines) + "  b: 1\n"
    try:
        doc = Document.parse(text)
    except Exception:
        return
    try:
        source = scalar_source(doc, PATH)
    except UnmappableScalar:
        return
    value = source.value
    cuts = sorted({0, len(value), *(i for i, c in enumerate(value) if c in " \n")})
    start, end = data.draw(st.sampled_from(list(itertools.combinations(cuts, 2)) or [(0, 0)]))
    if start == end:
        return
    try:
        changes, new = edit_value(doc, source, [(start, end)])
    except UnmappableScalar:
        return
    assert new == value[:start] + value[end:]
    for change in sorted(changes, key=lambda c: c.start, reverse=True):
        text = text[: change.start] + change.text + text[change.end :]
    assert load_data(text) == {"a": {"run": new, "b": 1}}
