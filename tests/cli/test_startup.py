"""Start-up: the command line's signatures load none of the machinery behind the commands.

`trustpub --help` and `trustpub check FILE` pay for every module `trustpub.cli` imports, so the
bot, the GitHub layer and the engine are imported inside the commands that use them.
"""

from __future__ import annotations

import subprocess
import sys

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
