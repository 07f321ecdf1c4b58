"""README.md shows what trustpub really prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from trustpub.cli import app

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_demo_diff_in_the_readme_is_the_real_one() -> None:
    shown = re.search(r"```diff\n(.*?)```", README, re.DOTALL)
    assert shown is not None
    result = CliRunner().invoke(app, ["diff", str(ROOT / "fixtures" / "demo"), "--color", "never"])
    assert result.exit_code == 1
    assert shown.group(1) in result.output


def test_the_readme_gives_exactly_two_setup_commands() -> None:
    section = README.split("## Try it", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", section, re.DOTALL)
    assert len(commands) == 2
    demo, tests = (shlex.split(c) for c in commands)
    assert "fixtures/demo" in demo and "diff" in demo
    assert "pytest" in tests
    assert "pytest" in (ROOT / ".ci" / "run").read_text()
