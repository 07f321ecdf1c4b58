"""The engine's YAML reading: its faster resolver and constructor must read every document as
ruamel.yaml does (the same values of the same types, and the same errors)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from rewrite_cases import REPO_ROOT, read_text
from trustpub.rewrite import yaml_loader as document
from trustpub.rewrite.document import WorkflowSyntaxError, load_data

CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "workflows"
# Plain scalars whose type depends on the resolver: YAML 1.1 booleans, numbers in every base,
# dates, nulls, infinities, version-like strings and merge keys.
TRICKY_SCALARS = [
    "yes", "No", "on", "OFF", "y", "true", "False", "~", "null", "Null", "", "0", "-0", "017",
    "0o17", "0x1F", "0b101", "1_000", "3.10", "3.1e3", ".inf", "-.Inf", ".NaN", "2024-01-31",
    "2024-01-31T12:00:00Z", "12:30:00", "1.2.3", "v1", "=", "<<", "0.", "+1", "1e3", "0x", ".5",
]  # fmt: skip


def stock(text: str) -> Any:
    """What ruamel.yaml's own safe loader (C parser, stock resolver) reads."""
    return YAML(typ="safe", pure=False).load(text)


def assert_reads_as_ruamel(text: str) -> None:
    try:
        expected = stock(text)
    except Exception:
        with pytest.raises(WorkflowSyntaxError):
            load_data(text)
        return
    assert_same(load_data(text), expected)
    assert_same(load_data(text, rewritten=True), expected)


def assert_same(found: Any, expected: Any) -> None:
    """Equal, and of the same types all the way down (`True == 1` and `1.0 == 1` in Python)."""
    assert type(found) is type(expected), (found, expected)
    if isinstance(expected, dict):
        assert len(found) == len(expected)
        for (key, value), (want_key, want) in zip(found.items(), expected.items(), strict=True):
            assert_same(key, want_key)
            assert_same(value, want)
    elif isinstance(expected, list):
        assert len(found) == len(expected)
        for item, want in zip(found, expected, strict=True):
            assert_same(item, want)
    elif expected == expected:  # not NaN
        assert found == expected


@pytest.mark.parametrize("scalar", TRICKY_SCALARS)
def test_a_plain_scalar_reads_as_ruamel_reads_it(scalar: str) -> None:
    assert_reads_as_ruamel(f"key: {scalar}\nlist: [{scalar}]\n{scalar or 'empty'}: value\n")


@given(st.lists(st.sampled_from(TRICKY_SCALARS) | st.from_regex(r"\A[-+.0-9a-zA-Z:_]{1,12}\Z")))
def test_generated_scalars_read_as_ruamel_reads_them(scalars: list[str]) -> None:
    assert_reads_as_ruamel("".join(f"k{i}: {s}\n" for i, s in enumerate(scalars)) or "{}\n")


def test_a_yaml_directive_changes_nothing_with_the_c_parser() -> None:
    text = "%YAML 1.1\n---\non: yes\n"
    assert load_data(text) == stock(text) == {"on": "yes"}


def _workflows() -> list[Path]:
    fixtures = sorted((REPO_ROOT / "fixtures").rglob("*.yml"))
    corpus = sorted(CORPUS.glob("*.yml")) if CORPUS.is_dir() else []
    return fixtures + corpus


@pytest.mark.parametrize("path", _workflows(), ids=lambda p: str(p.relative_to(REPO_ROOT.parent)))
def test_every_fixture_and_corpus_workflow_reads_as_ruamel_reads_it(path: Path) -> None:
    assert_reads_as_ruamel(read_text(path).lstrip("\ufeff"))


def test_the_shared_table_of_implicit_tags_never_changes() -> None:
    # Every parse shares one table: ruamel's resolver must only read it.
    load_data("a: yes\n")
    table = document._CResolver._table
    assert table is not None
    before = {first: list(entries) for first, entries in table.items()}
    for path in _workflows()[:40]:
        assert_reads_as_ruamel(read_text(path).lstrip("\ufeff"))
    assert {first: list(entries) for first, entries in table.items()} == before


def test_duplicate_keys_are_refused_as_ruamel_refuses_them() -> None:
    with pytest.raises(WorkflowSyntaxError, match="duplicate key"):
        load_data("on: push\non: release\n")


# Documents the fast constructor leaves to ruamel.yaml's (or reads like it), each a shape it must
# not get wrong: aliases, merge keys, `=` keys, other tags, keys that collide, deep nesting.
UNUSUAL_DOCUMENTS = {
    "alias of a mapping": "base: &b {runs-on: ubuntu-latest}\njobs: {a: *b, c: *b}\n",
    "alias of a scalar": "x: &v 3.10\ny: *v\n",
    "merge key": "base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n",
    "merge key list": "a: &a {x: 1}\nb: &b {y: 2}\nc: {<<: [*a, *b], z: 3}\n",
    "double merge key": "a: &a {x: 1}\nc: {<<: *a, <<: *a}\n",
    "value key": "a: {=: 1}\n",
    "set": "s: !!set {a, b}\n",
    "omap": "o: !!omap [a: 1, b: 2]\n",
    "binary": "b: !!binary aGVsbG8=\n",
    "timestamps": "d: 2024-01-31\nt: 2024-01-31T12:00:00Z\n",
    "explicit str": "a: !!str 123\nb: !!int '7'\nc: !!float '1'\n",
    "explicit map on a scalar": "a: !!map x\n",
    "custom tag": "a: !Ref thing\n",
    "bool and int keys collide": "1: a\ntrue: b\n",
    "float keys": "1.0: a\n1: b\n",
    "null key": "~: a\nnull: b\n",
    "duplicate key": "on: push\non: release\n",
    "nan": "a: .nan\n",
    "deep flow nesting": "x: " + "[" * 900 + "]" * 900 + "\n",
    "deep block nesting": "".join(f"{'  ' * i}k{i}:\n" for i in range(600)) + "  " * 600 + "v\n",
    "empty document": "",
    "a scalar document": "just text\n",
    "a sequence document": "- a\n- 1\n",
}


@pytest.mark.parametrize("text", UNUSUAL_DOCUMENTS.values(), ids=UNUSUAL_DOCUMENTS.keys())
def test_an_unusual_document_reads_as_ruamel_reads_it(text: str) -> None:
    assert_reads_as_ruamel(text)


@pytest.mark.parametrize("text", ["a: &a [1, *a]\n", "a: &m {b: [{c: *m}]}\n", "&r [*r]\n"])
def test_an_alias_inside_its_own_value_is_refused_not_followed_forever(text: str) -> None:
    with pytest.raises(WorkflowSyntaxError, match="refers to itself"):
        load_data(text)


def test_an_ordinary_workflow_is_built_without_ruamel_yaml_constructor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fast walk must carry the common case: a fall back on every document would be slow."""
    from trustpub.rewrite import yaml_construct

    fell_back: list[object] = []
    original = yaml_construct.construct

    def watching(constructor: Any, root: Any, slow: Any) -> Any:
        return original(constructor, root, lambda node: fell_back.append(node) or slow(node))

    monkeypatch.setattr(document, "construct", watching)
    fixture = REPO_ROOT / "fixtures" / "rewrite" / "pypi-docs-trusted-publisher-page"
    text = read_text(fixture / "before.yml")
    assert load_data(text)["jobs"]
    assert fell_back == []
    assert load_data("a: &a {x: 1}\nb: {<<: *a}\n") == {"a": {"x": 1}, "b": {"x": 1}}
    assert len(fell_back) == 1


_LEAVES = st.sampled_from(TRICKY_SCALARS) | st.from_regex(r"\A[-+.0-9a-zA-Z:_ ]{0,8}\Z")


def _render(value: Any, depth: int = 0) -> str:
    pad = "  " * depth
    if isinstance(value, dict):
        return "".join(f"{pad}k{i}:\n{_render(v, depth + 1)}" for i, v in enumerate(value.values()))
    if isinstance(value, list):
        return "".join(f"{pad}-\n{_render(v, depth + 1)}" for v in value)
    return f"{pad}{value}\n"


_TREES = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, min_size=1, max_size=4)
        | st.dictionaries(st.text("abc", min_size=1, max_size=3), inner, min_size=1, max_size=4)
    ),
    max_leaves=30,
)


@given(_TREES)
def test_generated_block_documents_read_as_ruamel_reads_them(tree: Any) -> None:
    assert_reads_as_ruamel("root:\n" + _render(tree, 1))


@pytest.mark.parametrize(
    ("text", "aliased"),
    [
        ("on: push\njobs: {a: {runs-on: x}}\n", False),
        ("on: push\nx: &unused {a: 1}\n", False),  # an anchor nothing refers to shares nothing
        ("x: &a {a: 1}\ny: *a\n", True),
        ("x: &s text\ny: *s\n", True),
    ],
)
def test_a_document_knows_whether_aliases_share_a_node(text: str, aliased: bool) -> None:
    from trustpub.rewrite.document import Document

    doc = Document.parse(text)
    assert doc.aliased is aliased
    assert bool(doc.shared_nodes) is aliased


def test_documents_read_in_threads_at_once_read_as_ruamel_reads_them() -> None:
    # The bot reads repositories in threads: the shared tags must never be mixed up.
    from concurrent.futures import ThreadPoolExecutor

    values = [s for s in TRICKY_SCALARS if s not in ("=", "<<")]  # keys only
    texts = [
        "".join(f"k{i}: {s}\n" for i, s in enumerate(values[n:] + values[:n]))
        for n in range(len(values))
    ]
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(load_data, texts * 4))
    for text, data in zip(texts * 4, found, strict=True):
        assert_same(data, stock(text))
