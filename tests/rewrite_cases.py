"""The before/after fixture pairs in fixtures/rewrite/<case>/, and how to run the engine on them.

Each case directory holds `before.yml`, `after.yml` and an optional `case.toml`:

    options = {keep_build_in_job = true}     # trustpub.rewrite.result.Options fields
    project = "name"                         # what the project lookup returns (default "example")
    status = "changed"                       # the engine's status for before.yml (default)
    removed_secrets = ["PYPI_API_TOKEN"]     # exactly these
    publishers = [{index = "pypi", project = "name", environment = "pypi", job = "publish"}]
    skip_reasons = ["substring", ...]        # each found in the reason a token upload was left
    other_indexes = ["substring", ...]       # ... an upload to another index was left (information)
    ignored = ["substring", ...]             # ... an upload was ignored (`# trustpub: ignore`)
    notes = ["substring", ...]               # each found in some note; [] means no notes at all

Keys that are absent are not checked, except status; a changed case without skip_reasons must
have no skips. Rewriting after.yml must change nothing and report "migrated" (for a changed case)
or the same status.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from trustpub.project import ProjectName
from trustpub.rewrite.document import Document
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import Options, ProjectLookup, RewriteResult, Status

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "fixtures" / "rewrite"
# The path the engine is told the workflow has; publishers name its file.
WORKFLOW_PATH = ".github/workflows/release.yml"
WORKFLOW_FILE = "release.yml"

_KEYS = {
    "options",
    "project",
    "status",
    "removed_secrets",
    "publishers",
    "skip_reasons",
    "other_indexes",
    "ignored",
    "notes",
}
# case.toml's keys for the skips of each kind.
SKIP_KEYS = {"skip_reasons": "token", "other_indexes": "other-index", "ignored": "ignored"}
_OPTION_NAMES = {f.name for f in fields(Options)}


def read_text(path: Path) -> str:
    """The file's text with its line endings as they are (no newline translation)."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def fixed_lookup(project: str) -> ProjectLookup:
    """A project lookup that answers `project` for every directory."""

    def lookup(directory: str) -> ProjectName:
        return ProjectName(project, "test")

    return lookup


@dataclass(frozen=True)
class RewriteCase:
    name: str
    directory: Path
    options: Options
    project: str
    status: Status
    removed_secrets: frozenset[str] | None
    publishers: tuple[dict[str, str], ...] | None
    skip_reasons: tuple[str, ...] | None
    notes: tuple[str, ...] | None
    other_indexes: tuple[str, ...] | None = None
    ignored: tuple[str, ...] | None = None

    @property
    def before_path(self) -> Path:
        return self.directory / "before.yml"

    @property
    def after_path(self) -> Path:
        return self.directory / "after.yml"

    @property
    def before(self) -> str:
        return read_text(self.before_path)

    @property
    def after(self) -> str:
        return read_text(self.after_path)

    @property
    def rerun_status(self) -> Status:
        """The status for after.yml: already migrated, or as before when nothing changed."""
        return Status.MIGRATED if self.status is Status.CHANGED else self.status

    def rewrite(self, text: str) -> RewriteResult:
        return rewrite_workflow(text, WORKFLOW_PATH, fixed_lookup(self.project), self.options)


def load_case(directory: Path) -> RewriteCase:
    spec: dict[str, Any] = {}
    toml = directory / "case.toml"
    if toml.exists():
        spec = tomllib.loads(read_text(toml))
    unknown = set(spec) - _KEYS
    if unknown:
        raise ValueError(f"{toml}: unknown keys {sorted(unknown)}")
    options = spec.get("options", {})
    unknown = set(options) - _OPTION_NAMES
    if unknown:
        raise ValueError(f"{toml}: unknown options {sorted(unknown)}")
    secrets = spec.get("removed_secrets")
    publishers = spec.get("publishers")
    skips = spec.get("skip_reasons")
    notes = spec.get("notes")
    status = Status(spec.get("status", "changed"))
    return RewriteCase(
        name=directory.name,
        directory=directory,
        options=Options(**options),
        project=spec.get("project", "example"),
        status=status,
        removed_secrets=None if secrets is None else frozenset(secrets),
        publishers=None if publishers is None else tuple(publishers),
        skip_reasons=None if skips is None else tuple(skips),
        other_indexes=_strings(spec, "other_indexes"),
        ignored=_strings(spec, "ignored"),
        notes=None if notes is None else tuple(notes),
    )


def _strings(spec: dict[str, Any], key: str) -> tuple[str, ...] | None:
    value = spec.get(key)
    return None if value is None else tuple(value)


def load_cases() -> list[RewriteCase]:
    return [load_case(d) for d in sorted(FIXTURES.iterdir()) if (d / "before.yml").exists()]


def text_diff(expected: str, actual: str) -> str:
    """A unified diff that shows line endings and trailing whitespace (lines as repr)."""
    lines = difflib.unified_diff(
        [repr(line) for line in expected.splitlines(keepends=True)],
        [repr(line) for line in actual.splitlines(keepends=True)],
        "expected",
        "actual",
        lineterm="",
    )
    return "\n".join(lines)


def assert_same_text(actual: str, expected: str) -> None:
    if actual != expected:
        raise AssertionError("the text differs:\n" + text_diff(expected, actual))


def assert_expectations(case: RewriteCase, result: RewriteResult) -> None:
    """The expectations of the case's case.toml, checked on the engine's result."""
    if case.removed_secrets is not None:
        assert result.removed_secrets == case.removed_secrets
    if case.publishers is not None:
        assert {p.workflow for p in result.publishers} <= {WORKFLOW_FILE}
        found = [
            {"index": p.index, "project": p.project, "environment": p.environment, "job": p.job}
            for p in result.publishers
        ]
        assert found == list(case.publishers)
    for key, kind in SKIP_KEYS.items():
        reasons = [s.reason for s in result.skips if s.kind.value == kind]
        wanted: tuple[str, ...] | None = getattr(case, key)
        if wanted is not None:
            for expected in wanted:
                assert any(expected in r for r in reasons), (key, expected, reasons)
        else:
            assert reasons == [], (key, reasons)
    if case.notes is not None:
        messages = [n.message for n in result.notes]
        if not case.notes:
            assert messages == []
        for expected in case.notes:
            assert any(expected in m for m in messages), (expected, messages)
    if case.status is Status.CHANGED:
        assert result.changes


# -- byte variants: the same case with CRLF endings, a BOM or no final newline ---------------


def _crlf(text: str) -> str | None:
    return None if "\r\n" in text else text.replace("\n", "\r\n")


def _bom(text: str) -> str | None:
    return None if text.startswith("\ufeff") else "\ufeff" + text


def _no_final_newline(text: str) -> str | None:
    if not text.endswith("\n") or text.rstrip("\r\n").count("\n") < text.count("\n") - 1:
        return None  # none, or more than one line ending at the end
    return text.removesuffix("\r\n") if text.endswith("\r\n") else text[:-1]


VARIANTS = {"crlf": _crlf, "bom": _bom, "no-final-newline": _no_final_newline}


def byte_variants(cases: list[RewriteCase]) -> list[Any]:
    """pytest params (case, variant) where the variant makes a different file (a CRLF case has
    no CRLF variant)."""
    return [
        pytest.param(case, variant, id=f"{case.name}-{variant}")
        for case in cases
        for variant, change in VARIANTS.items()
        if change(case.before) is not None and change(case.after) is not None
    ]


def ends_with_block_scalar(text: str) -> bool:
    """True when the file's last value is a `|` or `>` scalar that keeps its line break: without
    a final newline that value would lose it, so a rewrite that makes it last keeps the newline."""
    node = Document.parse(text.lstrip("\ufeff")).root
    while isinstance(node, MappingNode | SequenceNode) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return isinstance(node, ScalarNode) and node.style in ("|", ">") and node.value.endswith("\n")


def assert_byte_variant(case: RewriteCase, variant: str) -> None:
    """The variant of `before` is rewritten to the same variant of `after` (with no final
    newline, unless the rewrite leaves a block scalar last: its value keeps its line break)."""
    change = VARIANTS[variant]
    before, after = change(case.before), change(case.after)
    made_last = ends_with_block_scalar(case.after) and not ends_with_block_scalar(case.before)
    if variant == "no-final-newline" and made_last:
        after = case.after
    assert before is not None and after is not None
    result = case.rewrite(before)
    assert result.failure is None, result.failure
    assert_same_text(result.text, after)
