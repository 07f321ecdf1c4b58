"""Find upload commands, credentials and tool pins in the text of a `run:` script.

Pure: `scan_script(script, shell)` reads the decoded value of a `run:` scalar and reports what it
found with character offsets into that value, so the engine can delete or replace exact spans and
leave every other byte alone.

It is a small position-tracking lexer (words with spans, operators, comments, quotes, `\\`-newline,
`${{ }}` kept opaque inside words, heredocs), a splitter into simple commands, and one handler per
program (`twine`, `python -m`, `pipx run`, `uvx`, `uv run`, `pip install`, `make`, `export`, ...).
It does not evaluate the shell: text the shell builds or runs indirectly (heredoc bodies,
`$(...)`, `eval`, `bash -c`) is only searched for uploads, and one found there is a `problem`.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from trustpub.rewrite.shell.lexer import Lexer
from trustpub.rewrite.shell.results import (
    ConfigCommand,
    ExportedCredential,
    HiddenUpload,
    ScriptScan,
    Span,
    ToolPin,
    UploadCommand,
    as_specifier,
    remove_spans,
)
from trustpub.rewrite.shell.scanner import Scanner
from trustpub.rewrite.shell.simple import Splitter
from trustpub.rewrite.shell.tokens import ScanError
from trustpub.rewrite.shell.words import program_name

__all__ = [
    "ConfigCommand",
    "ExportedCredential",
    "HiddenUpload",
    "ScriptScan",
    "Span",
    "ToolPin",
    "UploadCommand",
    "as_specifier",
    "remove_spans",
    "scan_script",
]

_BASH_CONTINUATION = re.compile(r"\\[ \t]*\n[ \t]*\S")
_NOT_A_SHELL = re.compile(r"python[0-9.]*|py|pypy[0-9.]*|cmd|node|perl|ruby|rscript")


def _dialect(shell: str | None) -> str | None:
    """ "bash", "pwsh", or None for a shell whose script is not shell words (python, cmd)."""
    words = (shell or "").split()
    name = program_name(words[0]) if words else "bash"
    if name in ("pwsh", "powershell"):
        return "pwsh"
    if _NOT_A_SHELL.fullmatch(name):
        return None
    return "bash"


# A fleet's workflows repeat scripts (`python -m build`, `twine upload dist/*`) from repository to
# repository: each distinct one is scanned once per process. The scan is a function of the text
# and the shell alone, and what it returns is immutable.
@functools.lru_cache(maxsize=1024)
def scan_script(script: str, shell: str | None = None) -> ScriptScan:
    """Scan the value of a `run:` scalar run by `shell` (the step's `shell:`, None for default)."""
    dialect = _dialect(shell)
    if dialect is None:
        return ScriptScan()
    lexer = Lexer(script, pwsh=dialect == "pwsh")
    try:
        tokens = lexer.tokenize()
    except ScanError as error:
        return ScriptScan(problem=f"cannot read the script: {error}")
    scanner = Scanner(script, pwsh=dialect == "pwsh")
    scanner.scan(Splitter(script).split(tokens))
    for embedded in lexer.embedded:
        scanner.check_embedded(embedded)
    found = scanner.result()
    if dialect == "pwsh" and _BASH_CONTINUATION.search(script):
        # PowerShell reads the next line as a command of its own: the options written there
        # (credentials, the index) are not the upload's, whatever the author meant.
        problem = (
            "the script continues lines with `\\` as bash does, but it runs in PowerShell (the "
            "default shell on Windows runners), which does not"
        )
        return dataclasses.replace(found, problem=problem)
    return found


@dataclasses.dataclass(frozen=True)
class ShellCommand:
    """A simple command of a script: its program and its words (assignments before it left out),
    and the files its redirections write."""

    program: str
    words: tuple[str, ...]
    writes: tuple[str, ...]


def shell_commands(script: str, shell: str | None = None) -> list[ShellCommand] | None:
    """The simple commands of a `run:` script, in order; None when it cannot be read as one
    (another language, or text the lexer refuses). Heredoc bodies and `$(...)` are not commands
    here; what they run is in the `embedded` text the caller may search."""
    dialect = _dialect(shell)
    if dialect is None:
        return None
    try:
        tokens = Lexer(script, pwsh=dialect == "pwsh").tokenize()
    except ScanError:
        return None
    found: list[ShellCommand] = []
    for command in Splitter(script).split(tokens):
        words = [w.value for w in command.words]
        while words and re.match(r"[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words.pop(0)
        writes = tuple(w.value for op, w in command.redirects if w and op.text in (">", ">>"))
        if words or writes:
            program = program_name(words[0]) if words else ""
            found.append(ShellCommand(program, tuple(words), writes))
    return found
