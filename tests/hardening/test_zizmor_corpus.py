"""zizmor's findings by audit before and after `trustpub apply` over the real-world corpus
(../shared/corpus/workflows, applied to a copy): no audit may gain findings in any file, except
`unpinned-uses` for the standard actions the rewrite adds (actions/upload-artifact,
actions/download-artifact, pypa/gh-action-pypi-publish) where their commit SHA cannot be known
offline, and for the `uses:` a job made by the rewrite copies from the job it comes from (its
checkout); and `excessive-permissions` findings that say "default permissions used": a job
whose steps write with the repository's default token keeps it exactly (issue 13), and zizmor
then flags the workflow level too, once other jobs have their own blocks. Prints the table
(`pytest -s`) for the issue's note.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rewrite_cases import REPO_ROOT, read_text
from trustpub.cli import app
from trustpub.rewrite.document import WorkflowSyntaxError, load_data
from validators import ValidatorMissing, idents, on_defaults, zizmor

pytestmark = [pytest.mark.corpus, pytest.mark.validators]

CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "workflows"
# `uses:` of an action the rewrite adds, unless pinned to a commit SHA.
_ADDED_UNPINNED = re.compile(
    r"^\s*(?:-\s+)?uses:\s*['\"]?(actions/(?:upload|download)-artifact|pypa/gh-action-pypi-publish)"
    r"@(?![0-9a-f]{40}\b)",
    re.MULTILINE,
)
_UNPINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*['\"]?([\w.-]+/[\w./-]+)@(?![0-9a-f]{40}\b)", re.M)


def _parses(path: Path) -> bool:
    try:
        load_data(read_text(path))
    except WorkflowSyntaxError:
        return False
    return True


def _table(before: Counter[str], after: Counter[str]) -> str:
    rows = [f"{'audit':<32} {'before':>7} {'after':>7} {'change':>7}"]
    for ident in sorted(set(before) | set(after)):
        change = after[ident] - before[ident]
        rows.append(f"{ident:<32} {before[ident]:>7} {after[ident]:>7} {change:>+7}")
    rows.append(
        f"{'total':<32} {sum(before.values()):>7} {sum(after.values()):>7} "
        f"{sum(after.values()) - sum(before.values()):>+7}"
    )
    return "\n".join(rows)


def _only_yaml_zizmor_rejects(refused: dict[Path, str]) -> None:
    """Files zizmor cannot load are left out, but only valid YAML its parser rejects (such as a
    multi-line plain scalar), and never more than a few: the comparison must stay meaningful."""
    if refused:
        print("\nzizmor could not load (left out): " + ", ".join(p.name for p in refused))
    assert all(_parses(p) for p in refused), refused
    assert len(refused) <= 5, refused


def test_apply_adds_no_zizmor_finding(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (it lives in shared/ beside the repository)")
    copy = tmp_path / "workflows"
    shutil.copytree(CORPUS, copy)
    files = sorted(p for p in copy.glob("*.yml") if _parses(p))
    originals = {p: CORPUS / p.name for p in files}
    refused: dict[Path, str] = {}
    try:
        found_before = zizmor(list(originals.values()), refused=refused)
    except ValidatorMissing as error:
        pytest.fail(str(error))
    _only_yaml_zizmor_rejects(refused)
    files = [p for p in files if originals[p] not in refused]
    result = CliRunner().invoke(
        app, ["apply", "--project", "demo", "--color", "never", "-q", *map(str, files)]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    changed = [p for p in files if p.read_bytes() != originals[p].read_bytes()]
    assert len(changed) >= 15, "the rewrite changed suspiciously few files"
    found_after = zizmor(files, refused=refused)
    _only_yaml_zizmor_rejects(refused)

    total_before: Counter[str] = Counter()
    total_after: Counter[str] = Counter()
    gained: dict[str, dict[str, int]] = {}
    for path in files:
        before = idents(found_before[originals[path]])
        after = idents(found_after[path])
        total_before += before
        total_after += after
        text, original = read_text(path), read_text(originals[path])
        added = _ADDED_UNPINNED.findall(text)
        added_before = _ADDED_UNPINNED.findall(original)
        copied = Counter(_UNPINNED.findall(text)) - Counter(_UNPINNED.findall(original))
        copied = Counter({k: v for k, v in copied.items() if k in set(_UNPINNED.findall(original))})
        kept = on_defaults(found_after[path], text) - on_defaults(
            found_before[originals[path]], original
        )
        allowed = Counter(
            {
                "unpinned-uses": len(added) - len(added_before) + sum(copied.values()),
                "excessive-permissions": max(kept, 0),
            }
        )
        more = after - before - allowed
        if more:
            gained[path.name] = dict(more)
    print(f"\nzizmor findings by audit over {len(files)} corpus files ({len(changed)} changed):")
    print(_table(total_before, total_after))
    assert not gained, gained
