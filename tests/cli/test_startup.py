"""Start-up: the command line's signatures load none of the machinery behind the commands.

`trustpub --help` and `trustpub check FILE` pay for every module `trustpub.cli` imports, so the
bot, the GitHub layer and the engine are imported inside the commands that use them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# The bot's run, PyGithub, the engine (the repository layer) and libcst (setup.py only).
NOT_AT_START_UP = ("trustpub.bot.execute", "github", "trustpub.repository", "libcst")


def test_the_command_line_and_its_help_load_no_machinery() -> None:
    program = (
        "import sys\n"
        "import typer.main\n"
        "import trustpub.cli\n"
        "typer.main.get_command(trustpub.cli.app)  # what --help builds: every command's options\n"
        f"print(sorted(name for name in {NOT_AT_START_UP!r} if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


DEMO = Path(__file__).parents[2] / "fixtures" / "demo"
TROUBLE = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR")


def run_trustpub(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, its output into a pipe, as in a CI log."""
    environment = {k: v for k, v in os.environ.items() if k not in TROUBLE}
    script = Path(sys.executable).parent / "trustpub"
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, env=environment, check=False
    )


def test_a_report_into_a_pipe_loads_no_rich() -> None:
    program = (
        "import io, sys\n"
        f"sys.argv = ['trustpub', 'check', {str(DEMO)!r}]\n"
        "from trustpub.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert "token publishing" in done.stdout
    assert done.stdout.splitlines()[-1] == "[]"


def test_plain_lines_are_what_rich_prints_without_colour() -> None:
    plain = run_trustpub("diff", str(DEMO))
    coloured = run_trustpub("diff", str(DEMO), "--color", "always")
    assert "\x1b[" not in plain.stdout
    assert "\x1b[" in coloured.stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured.stdout) == plain.stdout
    assert plain.returncode == coloured.returncode == 1


def test_the_console_script_ends_with_the_command_s_status_and_all_its_output() -> None:
    checked = run_trustpub("check", str(DEMO))
    assert checked.returncode == 1  # token publishing remains
    assert checked.stdout.rstrip().endswith("trustpub: 1 repository: 1 changed")
    assert run_trustpub("--version").returncode == 0
    missing = run_trustpub("check", str(DEMO / "missing.yml"))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr


def test_text_from_the_workflow_is_printed_as_it_is_on_a_terminal(tmp_path: Path) -> None:
    # rich turned `:rocket:` in a printed string into an emoji; a step name is the user's text.
    repo = tmp_path / "demo"
    shutil.copytree(DEMO, repo)
    workflow = repo / ".github" / "workflows" / "release.yml"
    workflow.write_text(workflow.read_text().replace("name: Announce", "name: 'Announce :rocket:'"))
    coloured = run_trustpub("diff", str(repo), "--color", "always")
    assert "`Announce :rocket:`" in re.sub(r"\x1b\[[0-9;]*m", "", coloured.stdout)


def test_a_command_run_loads_no_pydantic() -> None:
    """typer 0.29 and later import pydantic to convert every command's options: about 90 ms on
    each run (bench/typer.py). This is why pyproject.toml keeps typer below 0.29."""
    program = (
        "import sys\n"
        f"sys.argv = ['trustpub', 'check', {str(DEMO)!r}, '--format', 'json']\n"
        "from trustpub.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.stdout.splitlines()[-1] == "[]"
