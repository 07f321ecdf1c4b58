"""The engine's YAML reading: its faster resolver must read every scalar as ruamel.yaml does."""

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
    assert load_data(text) == expected
    assert load_data(text, rewritten=True) == expected


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
