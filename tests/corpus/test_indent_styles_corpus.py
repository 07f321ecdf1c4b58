"""Indentation is style, never meaning, over every real workflow in ../shared/corpus/workflows:
the same workflow written with 4-space mappings (and sequences indented under their key), or with
sequences flush with their key (`steps:` then `- uses:` at its column), gets the same verdict as
the file itself: the same status, the same jobs left alone for the same reasons, the same
publishers to register, and output that reads as the same data.

The restyled copies are written by ruamel.yaml's round-trip dumper; a file it cannot restyle
without changing the data (it moves some comments into scalars) is left out.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from rewrite_cases import REPO_ROOT, fixed_lookup, read_text
from trustpub.rewrite.document import WorkflowSyntaxError, load_data
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import RewriteResult, Status

pytestmark = pytest.mark.corpus

CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "workflows"
STYLES = {"four-spaces": (4, 6, 4), "flush-sequences": (2, 2, 0)}
_LINES = re.compile(r"\blines? \d+(?:(?:,| and) \d+)*")


def _restyled(text: str, mapping: int, sequence: int, offset: int) -> str:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    out = io.StringIO()
    yaml.dump(yaml.load(text), out)
    return out.getvalue()


def _rewrite(text: str, name: str) -> RewriteResult:
    return rewrite_workflow(text, f".github/workflows/{name}", fixed_lookup("demo"))


def _verdict(result: RewriteResult) -> tuple[Any, ...]:
    return (
        result.status,
        sorted((s.job or "", s.kind.value, _LINES.sub("line N", s.reason)) for s in result.skips),
        sorted((p.index, p.job, p.environment) for p in result.publishers),
        sorted((u.job, u.index) for u in result.token_uploads),
    )


def _stripped(data: Any) -> Any:
    """The data with the final line breaks of strings dropped (a script's last line break is
    not meaning either)."""
    if isinstance(data, dict):
        return {k: _stripped(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_stripped(v) for v in data]
    return data.rstrip("\n") if isinstance(data, str) else data


def _pairs(style: str) -> list[tuple[Path, str, str]]:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (it lives in shared/ beside the repository)")
    found = []
    for path in sorted(CORPUS.glob("*.yml")):
        text = read_text(path)
        try:
            restyled = _restyled(text, *STYLES[style])
            if load_data(restyled) != load_data(text):
                continue
        except (YAMLError, WorkflowSyntaxError):  # not valid YAML: left out
            continue
        found.append((path, text, restyled))
    return found


@pytest.mark.parametrize("style", sorted(STYLES))
def test_indentation_never_changes_the_verdict(style: str) -> None:
    pairs = _pairs(style)
    assert len(pairs) >= 150, "most of the corpus restyles"
    wrong = []
    for path, text, restyled in pairs:
        base, other = _rewrite(text, path.name), _rewrite(restyled, path.name)
        if _verdict(other) != _verdict(base):
            wrong.append(f"{path.name}: {_verdict(base)[:2]} became {_verdict(other)[:2]}")
        elif base.status is Status.CHANGED and _stripped(load_data(other.text)) != _stripped(
            load_data(base.text)
        ):
            wrong.append(f"{path.name}: the rewrites differ as data")
    assert not wrong, wrong
