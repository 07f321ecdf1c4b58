"""Uploads this scanner cannot see into: make, tox, nox, task runners, scripts, `bash -c`."""

from __future__ import annotations

from collections.abc import Iterable

from trustpub.publishers import UPLOAD_TEXT
from trustpub.rewrite.shell.base import ScannerBase
from trustpub.rewrite.shell.results import (
    HiddenUpload,
    Span,
)
from trustpub.rewrite.shell.simple import Command
from trustpub.rewrite.shell.tokens import Word
from trustpub.rewrite.shell.words import (
    PUBLISHY,
    Context,
    before_double_dash,
    find_options,
    program_name,
    skip_options,
)


class HiddenUploads(ScannerBase):
    """Programs that may upload in text this scanner does not read; reported, not edited."""

    def _python_script(self, cmd: Command, script: Word, rest: list[Word]) -> None:
        base = program_name(script.value)
        span = Span(cmd.start, cmd.end)
        if base == "setup.py" and any(w.value == "upload" for w in rest):
            self.hidden.append(HiddenUpload(span, "python setup.py", "upload"))
        elif PUBLISHY.search(base):
            self.hidden.append(HiddenUpload(span, "python", script.value))

    def _hide(self, cmd: Command, runner: str, targets: Iterable[str]) -> None:
        for target in targets:
            if PUBLISHY.search(target) or "${{" in target:
                self.hidden.append(HiddenUpload(Span(cmd.start, cmd.end), runner, target))

    def _make(self, cmd: Command, args: list[Word], ctx: Context) -> None:
        takes_value = {"-C", "-f", "--file", "--directory", "-I", "-o", "-W"}
        targets, i = [], 1
        while i < len(args):
            i = skip_options(args, i, takes_value)
            if i < len(args) and self._assignment(args[i]) is None:
                targets.append(args[i].value)
            i += 1
        self._hide(cmd, "make", targets)

    def _tox(self, cmd: Command, args: list[Word], ctx: Context) -> None:
        options = find_options(before_double_dash(args), ("-e", "--env"))
        self._hide(cmd, "tox", [e for o in options for e in (o.value or "").split(",") if e])

    def _nox(self, cmd: Command, args: list[Word], ctx: Context) -> None:
        flags = ("-s", "--session", "--sessions", "-e")
        options = find_options(before_double_dash(args), flags)
        self._hide(cmd, "nox", [e for o in options for e in (o.value or "").split(",") if e])

    def _tasks(self, cmd: Command, args: list[Word], ctx: Context) -> None:
        runner = program_name(args[0].value)
        self._hide(cmd, runner, [w.value for w in args[1:] if not w.value.startswith("-")])

    def _shell(self, cmd: Command, name: str, args: list[Word]) -> None:
        i = 0
        while i < len(args) and args[i].value.startswith(("-", "+")):
            option = args[i].value.lower()
            if option in ("-c", "-command"):
                self._run_string(cmd, f"{name} {args[i].value}", args[i + 1 :])
                return
            if option == "-file":  # PowerShell: the script follows
                i += 1
                break
            i += 2 if option in ("-o", "+o", "--rcfile", "--init-file") else 1
        if i < len(args) and PUBLISHY.search(program_name(args[i].value)):
            self.hidden.append(HiddenUpload(Span(cmd.start, cmd.end), name, args[i].value))

    def _run_string(self, cmd: Command, runner: str, args: list[Word]) -> None:
        """A program that runs its arguments as a command (`eval`, `bash -c`, `docker run`)."""
        if UPLOAD_TEXT.search(" ".join(w.value for w in args)):
            self._problem(
                f"an upload inside a string run by `{runner}` cannot be edited", cmd.start
            )
