"""Where the human report goes: rich on a terminal (colours), plain lines into a pipe or a file.

Loading rich costs a seventh of `trustpub check`'s start-up, and a report that is not shown on a
terminal needs none of it: rich would print the same characters, without styles.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from rich.console import Console

# Variables that make rich treat any stream as a terminal (it then prints styles).
_FORCING_VARIABLES = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


class Output(Protocol):
    """One line of the report at a time, with a rich style name that may be ignored."""

    def line(self, text: str = "", style: str = "") -> None: ...


class PlainOutput:
    """Lines written as they are, without styles."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def line(self, text: str = "", style: str = "") -> None:
        self.stream.write(text + "\n")


class ConsoleOutput:
    """Lines printed through a rich console: styled on a terminal, never wrapped."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def line(self, text: str = "", style: str = "") -> None:
        from rich.text import Text

        self.console.print(Text(text, style=style), soft_wrap=True)


class BlockOutput:
    """Lines gathered into one rich Text and printed at once: a terminal that shows a live
    progress bar redraws it after every print, so a repository's report is one print, not one
    per line."""

    def __init__(self) -> None:
        from rich.text import Text

        self.text = Text()

    def line(self, text: str = "", style: str = "") -> None:
        self.text.append(text + "\n", style or None)

    def print_to(self, console: Console) -> None:
        console.print(self.text, end="", soft_wrap=True)


def make_console(color: str, stderr: bool = False) -> Console:
    """The rich console for a --color choice (auto, always, never). With `auto`, NO_COLOR and
    FORCE_COLOR decide as everywhere else (https://no-color.org, https://force-color.org)."""
    from rich.console import Console

    return Console(
        stderr=stderr,
        force_terminal={"always": True, "never": False}.get(color),
        no_color={"always": False, "never": True}.get(color, True if no_color() else None),
        highlight=False,
        markup=False,  # reports print file text: `[project]` must not be read as a style
        soft_wrap=True,
    )


def report_output(color: str, stderr: bool = False) -> Output:
    """rich where it would style the report, plain lines where it would not."""
    stream = sys.stderr if stderr else sys.stdout
    if color == "never" or (color == "auto" and (no_color() or not _terminal(stream))):
        return PlainOutput(stream)
    return ConsoleOutput(make_console(color, stderr))


def no_color() -> bool:
    """NO_COLOR set to anything but the empty string: no colours unless --color always."""
    return bool(os.environ.get("NO_COLOR"))


def _terminal(stream: TextIO) -> bool:
    if any(os.environ.get(name) for name in _FORCING_VARIABLES):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False
