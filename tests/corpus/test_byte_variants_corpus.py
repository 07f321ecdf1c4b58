"""A file's bytes around its YAML never change the verdict, over every real workflow in
../shared/corpus/workflows: the same file with CRLF line endings, a byte-order mark, or no final
newline is migrated exactly as the file is (its endings, mark and missing newline kept).

Without a final newline the text may differ in two ways only: a `|` script that was last has no
line break at the end of its value, and keeps it that way (`|-`) once text follows it; and a
script the rewrite leaves last keeps the line break that ends its value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rewrite_cases import REPO_ROOT, ends_with_block_scalar, fixed_lookup, read_text
from trustpub.rewrite.document import load_data
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import RewriteResult

pytestmark = pytest.mark.corpus

CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "workflows"


def _rewrite(text: str, name: str) -> RewriteResult:
    return rewrite_workflow(text, f".github/workflows/{name}", fixed_lookup("demo"))


def _files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (it lives in shared/ beside the repository)")
    # Files already with CRLF endings or a mark are their own variants.
    return [
        p
        for p in sorted(CORPUS.glob("*.yml"))
        if "\r" not in (t := read_text(p)) and t[:1] != "\ufeff"
    ]


def _verdict(result: RewriteResult) -> tuple[Any, ...]:
    return (
        result.status,
        result.failure,
        sorted((s.job or "", s.kind.value, s.reason) for s in result.skips),
        sorted((u.job, u.index) for u in result.token_uploads),
        sorted((p.index, p.job, p.environment) for p in result.publishers),
    )


def _without_final_line_breaks(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_final_line_breaks(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_without_final_line_breaks(v) for v in data]
    return data.rstrip("\n") if isinstance(data, str) else data


VARIANTS: dict[str, tuple[Callable[[str], str], Callable[[str], str]]] = {
    "crlf": (lambda t: t.replace("\n", "\r\n"), lambda t: t.replace("\n", "\r\n")),
    "bom": (lambda t: "\ufeff" + t, lambda t: "\ufeff" + t),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_line_endings_and_a_mark_change_nothing_but_themselves(variant: str) -> None:
    change, expected = VARIANTS[variant]
    wrong = []
    for path in _files():
        text = read_text(path)
        base, other = _rewrite(text, path.name), _rewrite(change(text), path.name)
        if _verdict(other) != _verdict(base) or other.text != expected(base.text):
            wrong.append(path.name)
    assert not wrong, f"{variant}: {wrong}"


def test_no_final_newline_changes_nothing_but_itself() -> None:
    wrong = []
    for path in _files():
        text = read_text(path)
        if not text.endswith("\n") or text.endswith("\n\n"):
            continue
        base, other = _rewrite(text, path.name), _rewrite(text[:-1], path.name)
        if _verdict(other) != _verdict(base):
            wrong.append(f"{path.name}: {_verdict(base)[0]} became {_verdict(other)[0]}")
        elif base.changed and other.text.endswith("\n") and not ends_with_block_scalar(other.text):
            wrong.append(f"{path.name}: the rewrite added a final newline")
        elif base.changed and _without_final_line_breaks(
            load_data(other.text)
        ) != _without_final_line_breaks(load_data(base.text)):
            wrong.append(f"{path.name}: the rewrite differs")
    assert not wrong, wrong
