"""The before/after cases of upload tools in fixtures/tools/<case>/ (format: rewrite_cases.py)."""

from __future__ import annotations

from rewrite_cases import REPO_ROOT, RewriteCase, load_case

TOOL_FIXTURES = REPO_ROOT / "fixtures" / "tools"


def load_tool_cases() -> list[RewriteCase]:
    return [load_case(d) for d in sorted(TOOL_FIXTURES.iterdir()) if (d / "before.yml").exists()]
