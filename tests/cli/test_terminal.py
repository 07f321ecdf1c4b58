"""On a terminal as people use it: NO_COLOR and FORCE_COLOR (the --color default never overrides
them), `-h`, `python -m trustpub`, and shell completion."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = str(Path(__file__).parents[2] / "fixtures" / "demo")
SCRIPT = str(Path(sys.executable).parent / "trustpub")
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def coloured(text: str) -> bool:
    """True when a select-graphic-rendition sequence sets a colour (bold and such are not)."""
    for found in SGR.finditer(text):
        for code in filter(None, found[1].split(";")):
            if 30 <= int(code) <= 49 or 90 <= int(code) <= 107:
                return True
    return False


ENVIRONMENT = {
    k: v
    for k, v in os.environ.items()
    if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS")
}


def on_terminal(*args: str, **env: str) -> str:
    """The output of `trustpub args` whose stdout is a pseudo-terminal."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [SCRIPT, *args],
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env={**ENVIRONMENT, "TERM": "xterm-256color", **env},
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the program ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    finally:
        os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def piped(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, env={**ENVIRONMENT, **env}, check=False
    )


def test_a_terminal_gets_colours_unless_no_color_is_set() -> None:
    assert coloured(on_terminal("diff", DEMO))
    plain = on_terminal("diff", DEMO, NO_COLOR="1")
    assert "\x1b[" not in plain
    assert "+      id-token: write" in plain
    assert coloured(on_terminal("diff", DEMO, "--color", "always", NO_COLOR="1"))


def test_force_color_colours_a_pipe_unless_color_never() -> None:
    assert "\x1b[" not in piped("diff", DEMO).stdout
    assert coloured(piped("diff", DEMO, FORCE_COLOR="1").stdout)
    assert "\x1b[" not in piped("diff", DEMO, "--color", "never", FORCE_COLOR="1").stdout


def test_no_color_on_a_fleet_run(tmp_path: Path) -> None:
    import shutil

    for name in ("a", "b"):
        shutil.copytree(DEMO, tmp_path / "fleet" / name)
        (tmp_path / "fleet" / name / ".git").mkdir()
    assert coloured(on_terminal("diff", str(tmp_path / "fleet"), "--jobs", "1"))
    assert not coloured(on_terminal("diff", str(tmp_path / "fleet"), "--jobs", "1", NO_COLOR="1"))


@pytest.mark.parametrize("args", [["-h"], ["check", "-h"], ["bot", "-h"], ["diff", "--help"]])
def test_short_help(args: list[str]) -> None:
    done = piped(*args)
    assert done.returncode == 0
    assert done.stdout.startswith("Usage: trustpub")


def test_python_m_trustpub_is_the_same_command_line() -> None:
    version = subprocess.run(
        [sys.executable, "-m", "trustpub", "--version"], capture_output=True, text=True
    )
    assert version.stdout == piped("--version").stdout
    checked = subprocess.run(
        [sys.executable, "-m", "trustpub", "check", DEMO], capture_output=True, text=True
    )
    assert checked.returncode == 1
    usage = subprocess.run([sys.executable, "-m", "trustpub", "-h"], capture_output=True, text=True)
    assert usage.stdout.startswith("Usage: trustpub ")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    done = piped("--show-completion", shell)
    assert done.returncode == 0
    assert "_TRUSTPUB_COMPLETE" in done.stdout


def test_completion_completes_commands_and_options() -> None:
    commands = piped(_TRUSTPUB_COMPLETE="complete_bash", COMP_WORDS="trustpub ch", COMP_CWORD="1")
    assert commands.stdout.split() == ["check"]
    options = piped(
        _TRUSTPUB_COMPLETE="complete_bash", COMP_WORDS="trustpub bot --sh", COMP_CWORD="2"
    )
    assert options.stdout.split() == ["--shard"]
