"""What every part of the scanner shares: the results so far, and spans of the script."""

from __future__ import annotations

from trustpub.rewrite.expressions import referenced_secrets
from trustpub.rewrite.shell.results import (
    ConfigCommand,
    ExportedCredential,
    HiddenUpload,
    Span,
    ToolPin,
    UploadCommand,
)
from trustpub.rewrite.shell.simple import SEPARATORS, Command
from trustpub.rewrite.shell.tokens import Word, line_of
from trustpub.rewrite.shell.words import (
    ASSIGNMENT,
    LINE_REST,
    Assignment,
    Context,
)


class ScannerBase:
    """The state of one scan, and the span arithmetic every recogniser uses."""

    def __init__(self, text: str, pwsh: bool) -> None:
        self.text = text
        self.pwsh = pwsh
        self.escape = "`" if pwsh else "\\"
        self.uploads: list[UploadCommand] = []
        self.configs: list[ConfigCommand] = []
        self.exports: list[ExportedCredential] = []
        self.hidden: list[HiddenUpload] = []
        self.pins: list[ToolPin] = []
        self.problems: list[str] = []
        self.exported: dict[str, Assignment] = {}  # assignments seen so far in the script
        self.repositories: dict[tuple[str, str], str] = {}  # (tool, name) -> URL configured here
        self._commands: list[Command] = []

    def _problem(self, what: str, pos: int) -> None:
        self.problems.append(f"{what} (line {line_of(self.text, pos)} of the script)")

    def _assignment(self, word: Word) -> Assignment | None:
        match = ASSIGNMENT.fullmatch(word.value)
        if match is None:
            return None
        name = match.group(1)
        if not self.text.startswith((name + "=", name + "+="), word.start):
            return None  # `"A=b"` is a word, not an assignment
        return Assignment(name, match.group(2), word.dynamic, word)

    def _credential(self, name: str, span: Span, source: Word | Command) -> None:
        text = self.text[source.start : source.end]
        self.exports.append(ExportedCredential(name, span, referenced_secrets(text)))

    def _blank_before(self, pos: int) -> int:
        """Move back over blanks and `\\`-newlines."""
        t = self.text
        while True:
            while pos > 0 and t[pos - 1] in " \t":
                pos -= 1
            if pos >= 2 and t[pos - 2 : pos] == self.escape + "\n":
                pos -= 2
            else:
                return pos

    def _blank_after(self, pos: int) -> int:
        t = self.text
        while True:
            while pos < len(t) and t[pos] in " \t":
                pos += 1
            if t.startswith(self.escape + "\n", pos):
                pos += 2
            else:
                return pos

    def _statement_span(self, cmd: Command) -> Span:
        """The command with a separator, so deleting it leaves a well-formed script."""
        if cmd.chain is not None:  # `a && CMD`: take ` && CMD`
            return Span(self._blank_before(cmd.chain.start), cmd.end)
        after = cmd.after
        if after is not None and after.text in SEPARATORS:  # `CMD && b`: take `CMD && `
            return Span(cmd.start, self._blank_after(after.end))
        line = self._line_span(cmd)
        if line is not None:
            return line
        before = cmd.before
        if before is not None and before.text in SEPARATORS:  # `a; CMD`: take `; CMD`
            return Span(self._blank_before(before.start), cmd.end)
        return Span(cmd.start, cmd.end)

    def _line_span(self, cmd: Command) -> Span | None:
        """The whole line (with its newline) when the command is alone on it."""
        t = self.text
        line_start = t.rfind("\n", 0, cmd.start) + 1
        if t[line_start : cmd.start].strip(" \t"):
            return None
        match = LINE_REST.match(t, cmd.end)
        end = match.end() if match else cmd.end
        if end < len(t) and t[end] != "\n":
            return None
        if end < len(t):
            return Span(line_start, end + 1)
        return Span(max(line_start - 1, 0), end)  # the last line: take the newline before it

    # Defined by the recognisers that make up the scanner (see scanner.py).

    def _program(self, cmd: Command, args: list[Word], ctx: Context) -> None:
        raise NotImplementedError

    def _run_string(self, cmd: Command, runner: str, args: list[Word]) -> None:
        raise NotImplementedError

    def _python_script(self, cmd: Command, script: Word, rest: list[Word]) -> None:
        raise NotImplementedError
