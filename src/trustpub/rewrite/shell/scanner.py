"""The scanner: reads each simple command of a script and collects what the engine needs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from trustpub.publishers import UPLOAD_TEXT
from trustpub.rewrite.shell.hidden import HiddenUploads
from trustpub.rewrite.shell.results import (
    HiddenUpload,
    ScriptScan,
    Span,
)
from trustpub.rewrite.shell.simple import Command
from trustpub.rewrite.shell.tokens import Embedded, Word
from trustpub.rewrite.shell.uploads import UploadCommands
from trustpub.rewrite.shell.words import (
    CREDENTIAL_ASSIGNMENT,
    ENV_FILE_SINKS,
    FILE_WRITERS,
    PIP,
    PUBLISHY,
    PYTHON,
    SHELLS,
    STRING_RUNNERS,
    WRAPPERS,
    Assignment,
    Context,
    program_name,
    skip_options,
)
from trustpub.rewrite.tools import TOOLS, is_credential_env


class Scanner(UploadCommands, HiddenUploads):
    """Reads each simple command and collects what the engine needs."""

    def __init__(self, text: str, pwsh: bool) -> None:
        super().__init__(text, pwsh)
        self._handlers: dict[str, Callable[[Command, list[Word], Context], None]] = {
            "pipx": self._pipx,
            "uvx": self._uvx,
            "make": self._make,
            "tox": self._tox,
            "nox": self._nox,
            "invoke": self._tasks,
            "inv": self._tasks,
            "just": self._tasks,
            "poe": self._tasks,
            "export": self._export,
            "declare": self._export,
            "typeset": self._export,
        }

    def scan(self, commands: list[Command]) -> None:
        self._commands = commands
        for index, command in enumerate(commands):
            if not command.compound:
                self._command(command, index)

    def result(self) -> ScriptScan:
        return ScriptScan(
            uploads=tuple(self.uploads),
            config_commands=tuple(self.configs),
            exports=tuple(self.exports),
            hidden=tuple(self.hidden),
            pins=tuple(self.pins),
            problem="; ".join(dict.fromkeys(self.problems)) or None,
        )

    def _command(self, cmd: Command, index: int) -> None:
        words = list(cmd.words)
        count = 0
        while count < len(words) and self._assignment(words[count]) is not None:
            count += 1
        if count == len(words):
            self._export_items(cmd, words)
            return
        ctx = Context()
        args = self._take_assignments(words, ctx)
        self._check_file_writes(cmd, args)
        self._github_env_write(cmd, index, args)
        self._program(cmd, args, ctx)

    def _program(self, cmd: Command, args: list[Word], ctx: Context) -> None:
        args = self._unwrap(args, ctx)
        if not args:
            return
        name = program_name(args[0].value)
        if name in TOOLS:
            self._tool(cmd, name, args[1:], ctx)
        elif PYTHON.fullmatch(name) or _interpreter_in_a_variable(args):
            self._python(cmd, args[1:], ctx)
        elif PIP.fullmatch(name):
            self._pip(args[1:])
        elif name in self._handlers:
            self._handlers[name](cmd, args, ctx)
        elif name in SHELLS:
            self._shell(cmd, name, args[1:])
        elif name in STRING_RUNNERS:
            self._run_string(cmd, name, args[1:])
        else:
            self._other_program(cmd, args, ctx)

    def _unwrap(self, args: list[Word], ctx: Context) -> list[Word]:
        """Drop `sudo`, `time`, `timeout 10`, `env A=b` ... in front of the real program."""
        while args and (options := WRAPPERS.get(program_name(args[0].value))) is not None:
            i = skip_options(args, 1, options)
            if program_name(args[0].value) == "timeout" and i < len(args):
                i += 1  # the duration
            args = self._take_assignments(args[i:], ctx)
        return args

    def _take_assignments(self, words: list[Word], ctx: Context) -> list[Word]:
        """Record the leading `NAME=value` words for this command; return the rest."""
        while words and (assignment := self._assignment(words[0])) is not None:
            self._prefix_assignment(assignment, ctx)
            words = words[1:]
        return words

    def _prefix_assignment(self, assignment: Assignment, ctx: Context) -> None:
        word = assignment.word
        ctx.env[assignment.name] = assignment
        if is_credential_env(assignment.name):
            span = Span(word.start, self._blank_after(word.end))
            self._credential(assignment.name, span, word)

    def _export(self, cmd: Command, args: list[Word], ctx: Context) -> None:
        options = [w.value for w in args[1:] if w.value.startswith("-")]
        if args[0].value != "export" and not any("x" in o for o in options):
            return
        self._export_items(cmd, [w for w in args[1:] if not w.value.startswith("-")])

    def _export_items(self, cmd: Command, items: list[Word]) -> None:
        """`export A=b C`, or bare `A=b`: remember index variables, report credentials."""
        for word in items:
            assignment = self._assignment(word)
            if assignment is not None:
                self.exported[assignment.name] = assignment
            name = assignment.name if assignment else word.value
            if is_credential_env(name):
                self._credential(name, self._item_span(cmd, word, items), word)

    def _item_span(self, cmd: Command, word: Word, items: list[Word]) -> Span:
        if len(items) == 1:
            return self._statement_span(cmd)
        return Span(self._blank_before(word.start), word.end)

    def _github_env_write(self, cmd: Command, index: int, args: list[Word]) -> None:
        """`echo "TWINE_PASSWORD=..." >> $GITHUB_ENV` (or piped to tee/Out-File)."""
        targets = [w.value for op, w in cmd.redirects if w is not None and ">" in op.text]
        sink = self._env_file_sink(cmd, index)
        items = [w for w in args if not w.value.startswith("-")]
        if not items or (sink is None and not any("GITHUB_ENV" in t for t in targets)):
            return
        whole = cmd if sink is None else replace(cmd, end=sink.end, after=sink.after)
        # The line written starts with the first item after the program (echo, printf);
        # PowerShell pipes a bare string.
        line = items[1] if len(items) > 1 else items[0]
        name, equals, _ = line.value.partition("=")
        if equals and is_credential_env(name.strip()):
            self._credential(name.strip(), self._statement_span(whole), whole)

    def _env_file_sink(self, cmd: Command, index: int) -> Command | None:
        if cmd.after is None or cmd.after.text != "|" or index + 1 >= len(self._commands):
            return None
        sink = self._commands[index + 1]
        is_sink = sink.words and program_name(sink.words[0].value) in ENV_FILE_SINKS
        if is_sink and any("GITHUB_ENV" in w.value for w in sink.words):
            return sink
        return None

    def _check_file_writes(self, cmd: Command, args: list[Word]) -> None:
        written = [w for op, w in cmd.redirects if w is not None and ">" in op.text]
        if program_name(args[0].value) in FILE_WRITERS:
            written += args[1:]
        if any("pypirc" in w.value for w in written):
            self._problem(
                "the script writes a .pypirc file, which holds upload credentials; "
                "move them out by hand",
                cmd.start,
            )

    def _other_program(self, cmd: Command, args: list[Word], ctx: Context) -> None:
        value = args[0].value
        base = program_name(value)
        if self.pwsh and value.lower().startswith("$env:"):
            self._pwsh_env(cmd, args)
        elif "/" in value or "\\" in value or base.endswith((".sh", ".ps1", ".bash")):
            if PUBLISHY.search(base):
                self.hidden.append(HiddenUpload(Span(cmd.start, cmd.end), "script", value))
        elif ctx.runner is not None:
            self._hide(cmd, ctx.runner, [value])

    def _pwsh_env(self, cmd: Command, args: list[Word]) -> None:
        """`$env:TWINE_PASSWORD = "..."` (or without blanks around `=`)."""
        name, equals, value = args[0].value[5:].partition("=")
        if not equals and len(args) >= 3 and args[1].value == "=":
            equals, value = "=", args[2].value
        name = name.upper()
        if not equals or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
            return
        dynamic = bool(re.search(r"\$(?!\{\{)", value))
        self.exported[name] = Assignment(name, value, dynamic, args[0])
        if is_credential_env(name):
            self._credential(name, self._statement_span(cmd), cmd)

    def check_embedded(self, embedded: Embedded) -> None:
        """Text this scanner does not parse may still hold an upload or a credential."""
        if UPLOAD_TEXT.search(embedded.text):
            self._problem(f"an upload inside a {embedded.kind} cannot be edited", embedded.start)
        if embedded.kind != "heredoc":
            return
        for match in CREDENTIAL_ASSIGNMENT.finditer(embedded.text):
            if is_credential_env(match.group(1)):
                self._problem(
                    f"a heredoc sets {match.group(1)}, which cannot be removed automatically",
                    embedded.start + match.start(1),
                )


def _interpreter_in_a_variable(args: list[Word]) -> bool:
    """`$PYTHON -m twine`, `"${PYBIN}" -u -m poetry`, `${{ env.PY }} -m uv`: a program named by
    a variable or an expression that runs a module is a Python interpreter (no other common
    program takes `-m MODULE`)."""
    program = args[0]
    if not (program.dynamic or "${{" in program.value):
        return False
    for word in args[1:]:
        if not word.value.startswith("-"):
            return False
        if word.value.startswith("-m"):
            return True
    return False
