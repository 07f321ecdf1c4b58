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

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace

from trustpub.rewrite.expressions import has_computed_secret, referenced_secrets
from trustpub.rewrite.indexes import DEFAULT_PYPI, IndexKind, IndexTarget, classify_url
from trustpub.rewrite.tools import (
    TOOLS,
    IndexValue,
    classify_index_value,
    is_credential_env,
)

# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, order=True)
class Span:
    """Character offsets `[start, end)` into the script; spans sort by position."""

    start: int
    end: int


@dataclass(frozen=True)
class UploadCommand:
    tool: str
    span: Span  # the whole simple command, with its prefix assignments and wrappers (`sudo`)
    index: IndexTarget
    # Each covers a flag, its value and the blanks (and `\`-newlines) before it: deleting them
    # all leaves a well-formed command.
    credential_flags: tuple[Span, ...]
    referenced_secrets: frozenset[str]
    computed_secret: bool
    credential_from_shell: bool  # a credential flag's value is `$VAR` or `$(...)`
    version: str | None  # as written: `==5.0.0`, `>=6`, `@6.0.0` (see `as_specifier`)
    version_span: Span | None
    dry_run: bool


@dataclass(frozen=True)
class ConfigCommand:
    tool: str
    span: Span  # the command and its separator: deleting it leaves a well-formed script
    repository: str
    url: str | None
    is_credential: bool
    referenced_secrets: frozenset[str]


@dataclass(frozen=True)
class ExportedCredential:
    name: str
    span: Span  # deletable: the whole statement, or the assignment word and its blanks
    referenced_secrets: frozenset[str]


@dataclass(frozen=True)
class HiddenUpload:
    span: Span
    runner: str  # make, tox, nox, invoke, just, bash, python, script, "pdm run", ...
    target: str  # the make target, tox env, task name, or the script's path


@dataclass(frozen=True)
class ToolPin:
    tool: str
    spec: str  # as written: `==5.0.0`, `<6`, `>=5,<6`
    span: Span  # the specifier text only


@dataclass(frozen=True)
class ScriptScan:
    uploads: tuple[UploadCommand, ...] = ()
    config_commands: tuple[ConfigCommand, ...] = ()
    exports: tuple[ExportedCredential, ...] = ()
    hidden: tuple[HiddenUpload, ...] = ()
    pins: tuple[ToolPin, ...] = ()
    problem: str | None = None


def remove_spans(text: str, spans: Iterable[Span]) -> str:
    """The text without the given spans (which must not overlap)."""
    for span in sorted(set(spans), key=lambda s: s.start, reverse=True):
        text = text[: span.start] + text[span.end :]
    return text


def as_specifier(version: str) -> str:
    """A PEP 440 specifier for a version as written in a command (`@6.0.0` -> `==6.0.0`)."""
    return "==" + version[1:] if version.startswith("@") else version


# ---------------------------------------------------------------------------------------------
# Lexer


class _ScanError(Exception):
    """The script cannot be read reliably; the message says why and where."""


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    value: str  # quotes and escapes removed; `$VAR`, `$(...)` and `${{ }}` kept as written
    offsets: tuple[int, ...]  # the script offset of each character of `value`
    dynamic: bool  # holds a shell expansion ($VAR, $(...), `...`), so its value is not known

    def span_of(self, start: int, end: int) -> Span | None:
        """The script span of value[start:end], when it is written contiguously."""
        if start >= end or self.offsets[end - 1] - self.offsets[start] != end - 1 - start:
            return None
        return Span(self.offsets[start], self.offsets[end - 1] + 1)


@dataclass(frozen=True)
class _Op:
    text: str  # `&&`, `;`, "\n", `>>`, ... or a reserved word (`then`) that starts a command
    start: int
    end: int
    redirect: bool = False


@dataclass(frozen=True)
class _Embedded:
    """Text the shell runs or feeds to a program, which this scanner does not parse."""

    kind: str  # "heredoc", "command substitution"
    start: int
    text: str


@dataclass
class _WordBuilder:
    chars: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    dynamic: bool = False

    def add(self, text: str, start: int) -> None:
        self.chars.append(text)
        self.offsets.extend(range(start, start + len(text)))


_BLANKS = " \t\r"


@dataclass(frozen=True)
class _Syntax:
    escape: str
    boundary: str  # characters that end an unquoted word
    operator: re.Pattern[str]
    redirection: re.Pattern[str]
    variable: re.Pattern[str]
    plain: re.Pattern[str]  # a run of characters that stand for themselves


_BASH = _Syntax(
    escape="\\",
    boundary=" \t\r\n;&|()<>",
    operator=re.compile(r"&&|\|\||;;&|;;|;&|\|&|[;&|()]"),
    redirection=re.compile(r"(?:\d+|\{[A-Za-z_]\w*\})?(?:<<<|<<-|<<|<>|<&|>&|>>|>\||<|>)|&>>|&>"),
    variable=re.compile(r"\$(?:[A-Za-z_]\w*|[0-9@*#?$!-])"),
    plain=re.compile(r"[^\s;&|()<>$'\"\\`]+"),
)
_PWSH = _Syntax(
    escape="`",
    boundary=" \t\r\n;|(){}<>",
    operator=re.compile(r"&&|\|\||[;|(){}]"),
    redirection=re.compile(r"[1-6*]?(?:>>|>&[12]|>)|<"),
    variable=re.compile(r"\$(?:[A-Za-z_][\w:]*|[?$^_])"),
    plain=re.compile(r"[^\s;|(){}<>$'\"`@]+"),
)


class _Lexer:
    """Splits a script into words and operators, keeping every token's offsets."""

    def __init__(self, text: str, pwsh: bool) -> None:
        self.text = text
        self.pwsh = pwsh
        self.syntax = _PWSH if pwsh else _BASH
        self.escape = self.syntax.escape
        self.pos = 0
        self.tokens: list[_Word | _Op] = []
        self.embedded: list[_Embedded] = []
        self._heredocs: list[tuple[str, bool]] = []  # (delimiter, strip tabs) awaiting a newline
        self._delimiter_next: bool | None = None  # the next word is a heredoc delimiter

    def tokenize(self) -> list[_Word | _Op]:
        while self._skip_blanks():
            self._token()
        return self.tokens

    def _error(self, what: str, pos: int) -> _ScanError:
        return _ScanError(f"{what} on line {_line_of(self.text, pos)} of the script")

    def _skip_blanks(self) -> bool:
        """Skip blanks, `\\`-newlines and comments; True when a token follows."""
        t = self.text
        while self.pos < len(t):
            if t[self.pos] in _BLANKS:
                self.pos += 1
            elif t.startswith(self.escape + "\n", self.pos):
                self.pos += 2
            elif t[self.pos] == "#":
                self.pos = _end_of_line(t, self.pos)
            elif self.pwsh and t.startswith("<#", self.pos):
                end = t.find("#>", self.pos + 2)
                if end == -1:
                    raise self._error("an unterminated <# comment", self.pos)
                self.pos = end + 2
            else:
                return True
        return False

    def _token(self) -> None:
        t, start = self.text, self.pos
        if t[start] == "\n":
            self.pos += 1
            self.tokens.append(_Op("\n", start, self.pos))
            self._read_heredoc_bodies()
        elif match := self.syntax.redirection.match(t, start):
            self._operator(match.group(), redirect=True)
            if not self.pwsh and match.group().endswith(("<<", "<<-")):
                self._delimiter_next = match.group().endswith("-")
        elif match := self.syntax.operator.match(t, start):
            self._operator(match.group(), redirect=False)
        else:
            self._word()

    def _operator(self, text: str, redirect: bool) -> None:
        self._delimiter_next = None
        self.tokens.append(_Op(text, self.pos, self.pos + len(text), redirect))
        self.pos += len(text)

    def _word(self) -> None:
        start, builder = self.pos, _WordBuilder()
        while self.pos < len(self.text) and self.text[self.pos] not in self.syntax.boundary:
            if self._continuation_ends_word():
                break
            self._word_part(builder)
        word = _Word(
            start, self.pos, "".join(builder.chars), tuple(builder.offsets), builder.dynamic
        )
        self.tokens.append(word)
        if self._delimiter_next is not None:
            self._heredocs.append((word.value, self._delimiter_next))
            self._delimiter_next = None

    def _continuation_ends_word(self) -> bool:
        """`word\\<newline>  next`: the continuation joins lines but the blank splits words."""
        t, i = self.text, self.pos
        if not t.startswith(self.escape + "\n", i):
            return False
        return i + 2 >= len(t) or t[i + 2] in _BLANKS or t[i + 2] in self.syntax.boundary

    def _word_part(self, b: _WordBuilder) -> None:
        t, i = self.text, self.pos
        c = t[i]
        if t.startswith("${{", i):
            self._raw(b, self._end_of_expression(i))
        elif c == self.escape:
            self._escaped(b)
        elif c == "'":
            self._single_quoted(b)
        elif c == '"':
            self._double_quoted(b)
        elif c == "$":
            self._dollar(b, quoted=False)
        elif c == "`":  # bash command substitution (pwsh's backtick is its escape, above)
            self._substitution(b, self._skip_group(i + 1, "`", i))
        elif self.pwsh and t.startswith(('@"\n', "@'\n"), i):
            self._here_string(b)
        elif match := self.syntax.plain.match(t, i):
            self._raw(b, match.end())
        else:
            b.add(c, i)
            self.pos += 1

    def _raw(self, b: _WordBuilder, end: int) -> None:
        b.add(self.text[self.pos : end], self.pos)
        self.pos = end

    def _substitution(self, b: _WordBuilder, end: int) -> None:
        self.embedded.append(_Embedded("command substitution", self.pos, self.text[self.pos : end]))
        b.dynamic = True
        self._raw(b, end)

    def _escaped(self, b: _WordBuilder) -> None:
        t, i = self.text, self.pos
        following = t[i + 1 : i + 2]
        if following == "\n":
            self.pos += 2
        elif not following:
            b.add(t[i], i)
            self.pos += 1
        else:
            b.add(following, i + 1)
            self.pos += 2

    def _single_quoted(self, b: _WordBuilder) -> None:
        end = self._end_of_single(self.pos)
        b.add(self.text[self.pos + 1 : end - 1], self.pos + 1)
        self.pos = end

    def _double_quoted(self, b: _WordBuilder) -> None:
        t, opened = self.text, self.pos
        self.pos += 1
        while True:
            if self.pos >= len(t):
                raise self._error("an unterminated double quote", opened)
            if self.pwsh and t.startswith('""', self.pos):
                b.add('"', self.pos)
                self.pos += 2
            elif t[self.pos] == '"':
                self.pos += 1
                return
            else:
                self._double_quoted_part(b)

    def _double_quoted_part(self, b: _WordBuilder) -> None:
        t, i = self.text, self.pos
        c, following = t[i], t[i + 1 : i + 2]
        if t.startswith("${{", i):
            self._raw(b, self._end_of_expression(i))
        elif c == self.escape and following == "\n":
            self.pos += 2
        elif c == self.escape and following and (self.pwsh or following in '$`"\\'):
            b.add(following, i + 1)
            self.pos += 2
        elif c == "$":
            self._dollar(b, quoted=True)
        elif c == "`" and not self.pwsh:
            self._substitution(b, self._skip_group(i + 1, "`", i))
        else:
            b.add(c, i)
            self.pos += 1

    def _dollar(self, b: _WordBuilder, quoted: bool) -> None:
        t, i = self.text, self.pos
        if t.startswith("$(", i):
            self._substitution(b, self._skip_group(i + 2, ")", i))
        elif t.startswith("${", i):
            b.dynamic = True
            self._raw(b, self._skip_group(i + 2, "}", i))
        elif t.startswith("$'", i) and not (quoted or self.pwsh):
            end = self._end_of_ansi_c(i + 1)
            b.add(t[i + 2 : end - 1], i + 2)
            self.pos = end
        elif match := self.syntax.variable.match(t, i):
            b.dynamic = True
            self._raw(b, match.end())
        else:
            b.add("$", i)
            self.pos += 1

    def _here_string(self, b: _WordBuilder) -> None:
        t, i = self.text, self.pos
        quote = t[i + 1]
        close = t.find("\n" + quote + "@", i + 2)
        if close == -1:
            raise self._error("an unterminated here-string", i)
        self.embedded.append(_Embedded("heredoc", i + 3, t[i + 3 : close]))
        b.add(t[i + 3 : close], i + 3)
        b.dynamic = quote == '"' and "$" in t[i + 3 : close]
        self.pos = close + 3

    def _read_heredoc_bodies(self) -> None:
        for delimiter, strip_tabs in self._heredocs:
            start = self.pos
            end = self._end_of_heredoc(delimiter, strip_tabs)
            self.embedded.append(_Embedded("heredoc", start, self.text[start:end]))
        self._heredocs.clear()

    def _end_of_heredoc(self, delimiter: str, strip_tabs: bool) -> int:
        """Move past the body and its delimiter line; return where the body ends."""
        t = self.text
        while self.pos < len(t):
            line_start, eol = self.pos, _end_of_line(t, self.pos)
            self.pos = min(eol + 1, len(t))
            line = t[line_start:eol]
            if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                return line_start
        return len(t)  # bash accepts a body ended by the end of the script

    # Skipping nested constructs: `$(...)`, `${...}`, backticks, quotes inside them.

    def _skip_group(self, i: int, closer: str, opened: int) -> int:
        """The index just past `closer`, skipping whatever is nested before it."""
        while i < len(self.text):
            if self.text[i] == closer:
                return i + 1
            i = self._skip_unit(i, in_double_quotes=closer == '"')
        raise self._error(f"an unterminated {self.text[opened : opened + 2].strip()}", opened)

    def _skip_unit(self, i: int, in_double_quotes: bool) -> int:
        t = self.text
        c = t[i]
        if t.startswith("${{", i):
            return self._end_of_expression(i)
        if c == self.escape:
            return i + 2
        if t.startswith(("$(", "${"), i):
            return self._skip_group(i + 2, ")" if t[i + 1] == "(" else "}", i)
        if c == "`" and not self.pwsh:
            return self._skip_group(i + 1, "`", i)
        if in_double_quotes:
            return i + 1
        if c == "'":
            return self._end_of_single(i)
        if c in '"(':
            return self._skip_group(i + 1, '"' if c == '"' else ")", i)
        if c == "#" and t[i - 1] in " \t\n":
            return _end_of_line(t, i)
        return i + 1

    def _end_of_expression(self, i: int) -> int:
        end = self.text.find("}}", i + 3)
        if end == -1:
            raise self._error("an unterminated ${{ expression", i)
        return end + 2

    def _end_of_single(self, i: int) -> int:
        end = self.text.find("'", i + 1)
        if end == -1:
            raise self._error("an unterminated single quote", i)
        return end + 1

    def _end_of_ansi_c(self, i: int) -> int:
        j = i + 1
        while j < len(self.text):
            if self.text[j] == "\\":
                j += 2
            elif self.text[j] == "'":
                return j + 1
            else:
                j += 1
        raise self._error("an unterminated $' quote", i - 1)


def _end_of_line(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


# ---------------------------------------------------------------------------------------------
# Simple commands

_RESERVED = frozenset(
    {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "esac"}
    | {"elseif", "try", "catch", "finally"}  # PowerShell
)
# Words that start a compound command whose own words are not a command (`for x in ...`).
_COMPOUND = frozenset({"for", "select", "case", "function", "foreach", "switch", "param"})
_CHAIN = frozenset({"&&", "||", "|", "|&"})
_SEPARATORS = frozenset({"&&", "||", "|", "|&", ";", "&"})


@dataclass(frozen=True)
class _Command:
    words: tuple[_Word, ...]  # every word except redirection targets
    redirects: tuple[tuple[_Op, _Word | None], ...]
    start: int
    end: int
    before: _Op | None  # the operator or reserved word just before it
    chain: _Op | None  # `&&`, `||` or `|` joining it to the command before (maybe a line above)
    after: _Op | None  # the operator that ends it
    compound: bool


class _Splitter:
    """Groups tokens into simple commands."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.commands: list[_Command] = []
        self._words: list[_Word] = []
        self._redirects: list[tuple[_Op, _Word | None]] = []
        self._before: _Op | None = None
        self._chain: _Op | None = None

    def split(self, tokens: Iterable[_Word | _Op]) -> list[_Command]:
        for token in tokens:
            if isinstance(token, _Word):
                self._word(token)
            elif token.redirect:
                self._redirects.append((token, None))
            else:
                self._close(token)
                self._note(token)
        self._close(None)
        return self.commands

    def _word(self, word: _Word) -> None:
        if self._redirects and self._redirects[-1][1] is None:
            self._redirects[-1] = (self._redirects[-1][0], word)
        elif not self._words and not self._redirects and self._is_reserved(word):
            self._note(_Op(word.value, word.start, word.end))
        else:
            self._words.append(word)

    def _is_reserved(self, word: _Word) -> bool:
        written_plainly = self.text[word.start : word.end] == word.value
        return written_plainly and word.value in _RESERVED

    def _note(self, op: _Op) -> None:
        self._before = op
        if op.text in _CHAIN:
            self._chain = op
        elif op.text != "\n":
            self._chain = None

    def _close(self, after: _Op | None) -> None:
        if not self._words and not self._redirects:
            return
        ends = [w.end for w in self._words] + [(w or op).end for op, w in self._redirects]
        starts = [w.start for w in self._words[:1]] + [op.start for op, _ in self._redirects]
        first = self._words[0].value if self._words else ""
        self.commands.append(
            _Command(
                words=tuple(self._words),
                redirects=tuple(self._redirects),
                start=min(starts),
                end=max(ends),
                before=self._before,
                chain=self._chain,
                after=after,
                compound=first in _COMPOUND,
            )
        )
        self._words, self._redirects, self._chain = [], [], None


# ---------------------------------------------------------------------------------------------
# What programs do

_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\+?=(.*)", re.DOTALL)
_PYTHON = re.compile(r"python[0-9.]*|py|pypy[0-9.]*")
_PIP = re.compile(r"pip[0-9.]*")
_PUBLISHY = re.compile(r"release|publish|upload|deploy|pypi", re.IGNORECASE)
_UPLOAD_TEXT = re.compile(
    r"\btwine\b[^\n]*?\bupload\b"
    r"|\b(?:uv|pdm|poetry|hatch|flit)\b[^\n]*?\bpublish\b"
    r"|\bmaturin\b[^\n]*?\b(?:upload|publish)\b"
)
_CREDENTIAL_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=", re.MULTILINE)
_SPEC_ONE = r"(?:===|==|!=|~=|<=|>=|<|>)\s*(?:\$\{\{.*?\}\}|[^\s,;])+"
_REQUIREMENT = re.compile(
    r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(?:\[[^\]]*\])?\s*"
    rf"(?P<spec>@[^\s@/;]+|{_SPEC_ONE}(?:\s*,\s*{_SPEC_ONE})*)?\s*(?:;.*)?",
    re.DOTALL,
)
_LINE_REST = re.compile(r"[ \t]*(?:;[ \t]*)?(?:#[^\n]*)?")

# Programs that run the command after their own options (and, for env, assignments).
_WRAPPERS: Mapping[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "--user"}),
    "time": frozenset({"-f", "-o", "--format", "--output"}),
    "timeout": frozenset({"-s", "-k", "--signal", "--kill-after"}),
    "env": frozenset({"-u", "-C", "-S", "--unset", "--chdir"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "nohup": frozenset(),
    "exec": frozenset({"-a"}),
    "command": frozenset(),
    "xargs": frozenset({"-n", "-I", "-L", "-P", "-d", "-s", "-E", "-a", "--max-args"}),
    "&": frozenset(),  # PowerShell's call operator
}
_RUN_OPTIONS = frozenset(
    {"--with", "-w", "--with-editable", "--with-requirements", "--python", "-p", "--package"}
    | {"--extra", "--group", "--only-group", "--no-group", "--env-file", "--directory"}
    | {"--project", "--index", "--index-url", "--extra-index-url", "--default-index", "--from"}
    | {"--spec", "--pip-args", "-i", "--suffix", "--env", "-e"}
)
_PIP_OPTIONS = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url"}
    | {"--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root"}
    | {"--python", "-p", "--platform", "--python-version", "--src", "--upgrade-package", "-P"}
    | {"--cache-dir", "--proxy", "--pip-args", "--suffix", "--with", "--from"}
)
_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "source", ".", "pwsh", "powershell"})
_STRING_RUNNERS = frozenset(
    {"eval", "docker", "podman", "ssh", "su", "watch", "parallel", "nix-shell"}
    | {"invoke-expression", "iex"}
)
_FILE_WRITERS = frozenset({"tee", "cp", "mv", "install", "set-content", "add-content", "out-file"})
_ENV_FILE_SINKS = frozenset({"tee", "out-file", "add-content", "set-content"})


@dataclass(frozen=True)
class _Assignment:
    name: str
    value: str
    dynamic: bool
    word: _Word


@dataclass(frozen=True)
class _Option:
    flag: str
    first: _Word  # the flag's word
    last: _Word  # the word holding its value (the same word for `--flag=v` and `-fv`)
    value: str | None  # None when the command ends right after the flag
    dynamic: bool


@dataclass(frozen=True)
class _Requirement:
    name: str  # normalized (PEP 503)
    spec: str | None
    span: Span | None


@dataclass
class _Context:
    env: dict[str, _Assignment] = field(default_factory=dict)  # this command's assignments
    version: tuple[str, Span | None] | None = None  # from `pipx run twine==5`, `uvx twine@6`
    runner: str | None = None  # the task runner the program runs through (`pdm run`)


def _program_name(value: str) -> str:
    base = value.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return base.removesuffix(".exe")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(word: _Word, start: int = 0) -> _Requirement | None:
    match = _REQUIREMENT.fullmatch(word.value, start)
    if match is None:
        return None
    spec = match.group("spec")
    span = word.span_of(match.start("spec"), match.end("spec")) if spec else None
    return _Requirement(_normalize(match.group("name")), spec, span)


def _skip_options(words: list[_Word], i: int, takes_value: Collection[str]) -> int:
    """The index of the first word at or after i that is not an option or an option's value."""
    while i < len(words) and words[i].value.startswith("-") and words[i].value != "-":
        value = words[i].value
        if value == "--":
            return i + 1
        i += 2 if value in takes_value else 1
    return i


def _before_double_dash(words: list[_Word]) -> list[_Word]:
    ends = [i for i, w in enumerate(words) if w.value == "--"]
    return words[: ends[0]] if ends else words


def _match_option(value: str, flags: Collection[str]) -> tuple[str, str | None] | None:
    """(flag, attached value) for `--flag`, `--flag=v` and `-fv`; None for other words."""
    if value in flags:
        return value, None
    name, equals, attached = value.partition("=")
    if value.startswith("--") and equals and name in flags:
        return name, attached
    if not value.startswith("--") and len(value) > 2 and value[:2] in flags:
        return value[:2], value[2:]
    return None


def _options(words: list[_Word], flags: Collection[str]) -> list[_Option]:
    found: list[_Option] = []
    i = 0
    while i < len(words):
        match = _match_option(words[i].value, flags)
        if match is None:
            i += 1
            continue
        flag, attached = match
        word = words[i]
        if attached is not None:
            found.append(_Option(flag, word, word, attached, word.dynamic))
        elif i + 1 < len(words):
            i += 1
            found.append(_Option(flag, word, words[i], words[i].value, words[i].dynamic))
        else:
            found.append(_Option(flag, word, word, None, False))
        i += 1
    return found


class _Scanner:
    """Reads each simple command and collects what the engine needs."""

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
        self.exported: dict[str, _Assignment] = {}  # assignments seen so far in the script
        self.repositories: dict[tuple[str, str], str] = {}  # (tool, name) -> URL configured here
        self._commands: list[_Command] = []
        self._handlers: dict[str, Callable[[_Command, list[_Word], _Context], None]] = {
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

    def scan(self, commands: list[_Command]) -> None:
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

    def _problem(self, what: str, pos: int) -> None:
        self.problems.append(f"{what} (line {_line_of(self.text, pos)} of the script)")

    # -- one command

    def _command(self, cmd: _Command, index: int) -> None:
        words = list(cmd.words)
        count = 0
        while count < len(words) and self._assignment(words[count]) is not None:
            count += 1
        if count == len(words):
            self._export_items(cmd, words)
            return
        ctx = _Context()
        args = self._take_assignments(words, ctx)
        self._check_file_writes(cmd, args)
        self._github_env_write(cmd, index, args)
        self._program(cmd, args, ctx)

    def _program(self, cmd: _Command, args: list[_Word], ctx: _Context) -> None:
        args = self._unwrap(args, ctx)
        if not args:
            return
        name = _program_name(args[0].value)
        if name in TOOLS:
            self._tool(cmd, name, args[1:], ctx)
        elif _PYTHON.fullmatch(name):
            self._python(cmd, args[1:], ctx)
        elif _PIP.fullmatch(name):
            self._pip(args[1:])
        elif name in self._handlers:
            self._handlers[name](cmd, args, ctx)
        elif name in _SHELLS:
            self._shell(cmd, name, args[1:])
        elif name in _STRING_RUNNERS:
            self._run_string(cmd, name, args[1:])
        else:
            self._other_program(cmd, args, ctx)

    def _unwrap(self, args: list[_Word], ctx: _Context) -> list[_Word]:
        """Drop `sudo`, `time`, `timeout 10`, `env A=b` ... in front of the real program."""
        while args and (options := _WRAPPERS.get(_program_name(args[0].value))) is not None:
            i = _skip_options(args, 1, options)
            if _program_name(args[0].value) == "timeout" and i < len(args):
                i += 1  # the duration
            args = self._take_assignments(args[i:], ctx)
        return args

    def _take_assignments(self, words: list[_Word], ctx: _Context) -> list[_Word]:
        """Record the leading `NAME=value` words for this command; return the rest."""
        while words and (assignment := self._assignment(words[0])) is not None:
            self._prefix_assignment(assignment, ctx)
            words = words[1:]
        return words

    # -- assignments and exports

    def _assignment(self, word: _Word) -> _Assignment | None:
        match = _ASSIGNMENT.fullmatch(word.value)
        if match is None:
            return None
        name = match.group(1)
        if not self.text.startswith((name + "=", name + "+="), word.start):
            return None  # `"A=b"` is a word, not an assignment
        return _Assignment(name, match.group(2), word.dynamic, word)

    def _prefix_assignment(self, assignment: _Assignment, ctx: _Context) -> None:
        word = assignment.word
        ctx.env[assignment.name] = assignment
        if is_credential_env(assignment.name):
            span = Span(word.start, self._blank_after(word.end))
            self._credential(assignment.name, span, word)

    def _credential(self, name: str, span: Span, source: _Word | _Command) -> None:
        text = self.text[source.start : source.end]
        self.exports.append(ExportedCredential(name, span, referenced_secrets(text)))

    def _export(self, cmd: _Command, args: list[_Word], ctx: _Context) -> None:
        options = [w.value for w in args[1:] if w.value.startswith("-")]
        if args[0].value != "export" and not any("x" in o for o in options):
            return
        self._export_items(cmd, [w for w in args[1:] if not w.value.startswith("-")])

    def _export_items(self, cmd: _Command, items: list[_Word]) -> None:
        """`export A=b C`, or bare `A=b`: remember index variables, report credentials."""
        for word in items:
            assignment = self._assignment(word)
            if assignment is not None:
                self.exported[assignment.name] = assignment
            name = assignment.name if assignment else word.value
            if is_credential_env(name):
                self._credential(name, self._item_span(cmd, word, items), word)

    def _item_span(self, cmd: _Command, word: _Word, items: list[_Word]) -> Span:
        if len(items) == 1:
            return self._statement_span(cmd)
        return Span(self._blank_before(word.start), word.end)

    def _github_env_write(self, cmd: _Command, index: int, args: list[_Word]) -> None:
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

    def _env_file_sink(self, cmd: _Command, index: int) -> _Command | None:
        if cmd.after is None or cmd.after.text != "|" or index + 1 >= len(self._commands):
            return None
        sink = self._commands[index + 1]
        is_sink = sink.words and _program_name(sink.words[0].value) in _ENV_FILE_SINKS
        if is_sink and any("GITHUB_ENV" in w.value for w in sink.words):
            return sink
        return None

    def _check_file_writes(self, cmd: _Command, args: list[_Word]) -> None:
        written = [w for op, w in cmd.redirects if w is not None and ">" in op.text]
        if _program_name(args[0].value) in _FILE_WRITERS:
            written += args[1:]
        if any("pypirc" in w.value for w in written):
            self._problem(
                "the script writes a .pypirc file, which holds upload credentials; "
                "move them out by hand",
                cmd.start,
            )

    # -- upload tools

    def _tool(self, cmd: _Command, tool: str, args: list[_Word], ctx: _Context) -> None:
        facts = TOOLS[tool]
        i = _skip_options(args, 0, facts.global_value_options)
        if i >= len(args):
            return
        sub, rest = args[i].value, args[i + 1 :]
        if sub in facts.upload_subcommands:
            self._upload(cmd, tool, args[:i], rest, ctx)
        elif sub == "run" and tool in ("uv", "pdm", "poetry", "hatch"):
            spec_flags = ("--with", "-w") if tool == "uv" else ()
            self._run_package(cmd, f"{tool} run", rest, ctx, spec_flags)
        elif sub == "config":
            self._config(cmd, tool, rest)
        elif tool == "uv" and sub in ("tool", "pip") and rest:
            self._uv_subcommand(cmd, sub, rest, ctx)

    def _uv_subcommand(self, cmd: _Command, sub: str, rest: list[_Word], ctx: _Context) -> None:
        action = rest[0].value
        if sub == "tool" and action == "run":
            self._run_package(cmd, "uvx", rest[1:], ctx, ("--from", "--with", "-w"))
        elif action == "install":
            self._pins(rest[1:])

    def _upload(
        self, cmd: _Command, tool: str, before: list[_Word], rest: list[_Word], ctx: _Context
    ) -> None:
        """An upload; `before` holds the options written before the subcommand."""
        args = _before_double_dash(rest)
        flags = _options(args, TOOLS[tool].credential_flags)
        for option in flags:
            if option.value is None:
                self._problem(
                    f"`{option.flag}` has no value: the command ends at the line break "
                    "(a missing `\\`?), so the next line runs on its own",
                    option.first.start,
                )
        spans = tuple(Span(self._blank_before(o.first.start), o.last.end) for o in flags)
        text = "".join(self.text[s.start : s.end] for s in spans)
        version, version_span = ctx.version or (None, None)
        self.uploads.append(
            UploadCommand(
                tool=tool,
                span=Span(cmd.start, cmd.end),
                index=self._index(tool, before + args, ctx),
                credential_flags=spans,
                referenced_secrets=referenced_secrets(text),
                computed_secret=has_computed_secret(text),
                credential_from_shell=any(o.dynamic for o in flags),
                version=version,
                version_span=version_span,
                dry_run=any(w.value == "--dry-run" for w in args),
            )
        )

    def _index(self, tool: str, args: list[_Word], ctx: _Context) -> IndexTarget:
        """Flags first (a URL beats a name, else the last wins), then variables, then PyPI."""
        flags = TOOLS[tool].index_flags
        chosen: _Option | None = None
        for option in _options(args, flags):
            url_over_name = flags[chosen.flag] is not IndexValue.URL if chosen else True
            if url_over_name or flags[option.flag] is IndexValue.URL:
                chosen = option
        if chosen is not None:
            return self._classify(tool, flags[chosen.flag], chosen.value or "", chosen.dynamic)
        env = {**self.exported, **ctx.env}
        for name, kind in sorted(
            TOOLS[tool].index_env.items(), key=lambda item: item[1] is not IndexValue.URL
        ):
            if name in env:
                return self._classify(tool, kind, env[name].value, env[name].dynamic)
        return DEFAULT_PYPI

    def _classify(self, tool: str, kind: IndexValue, value: str, dynamic: bool) -> IndexTarget:
        if dynamic:
            return IndexTarget(IndexKind.UNKNOWN, value)
        configured = self.repositories.get((tool, value))
        if kind is IndexValue.NAME and configured is not None:
            return classify_url(configured)
        return classify_index_value(tool, kind, value)

    def _config(self, cmd: _Command, tool: str, args: list[_Word]) -> None:
        """`poetry config pypi-token.pypi X`, `pdm config repository.pypi.password X`, ..."""
        if any(w.value in ("--unset", "--list", "-d", "--delete") for w in args):
            return
        values = [w.value for w in args if not w.value.startswith("-")]
        if tool == "hatch" and values[:1] == ["set"]:
            values = values[1:]
        parsed = _config_key(tool, values[0]) if values else None
        if parsed is None or len(values) < 2:
            return
        repository, setting = parsed
        url = values[1] if setting == "url" else None
        if url is not None:
            self.repositories[(tool, repository)] = url
        text = self.text[cmd.start : cmd.end]
        self.configs.append(
            ConfigCommand(
                tool=tool,
                span=self._statement_span(cmd),
                repository=repository,
                url=url,
                is_credential=setting == "credential",
                referenced_secrets=referenced_secrets(text),
            )
        )

    # -- ways of running a tool

    def _python(self, cmd: _Command, args: list[_Word], ctx: _Context) -> None:
        i = 0
        while i < len(args) and args[i].value.startswith("-"):
            value = args[i].value
            if value == "-c":
                self._run_string(cmd, "python -c", args[i + 1 : i + 2])
                return
            if value == "-m" and i + 1 < len(args):
                self._module(cmd, args[i + 1].value, args[i + 2 :], ctx)
                return
            if value.startswith("-m"):
                self._module(cmd, value[2:], args[i + 1 :], ctx)
                return
            i += 2 if value in ("-W", "-X") else 1
        if i < len(args):
            self._python_script(cmd, args[i], args[i + 1 :])

    def _module(self, cmd: _Command, module: str, rest: list[_Word], ctx: _Context) -> None:
        if module in TOOLS:
            self._tool(cmd, module, rest, ctx)
        elif module == "pip":
            self._pip(rest)

    def _python_script(self, cmd: _Command, script: _Word, rest: list[_Word]) -> None:
        base = _program_name(script.value)
        span = Span(cmd.start, cmd.end)
        if base == "setup.py" and any(w.value == "upload" for w in rest):
            self.hidden.append(HiddenUpload(span, "python setup.py", "upload"))
        elif _PUBLISHY.search(base):
            self.hidden.append(HiddenUpload(span, "python", script.value))

    def _pipx(self, cmd: _Command, args: list[_Word], ctx: _Context) -> None:
        i = _skip_options(args, 1, _RUN_OPTIONS)
        if i >= len(args):
            return
        if args[i].value == "run":
            self._run_package(cmd, "pipx run", args[i + 1 :], ctx, ("--spec",))
        elif args[i].value in ("install", "upgrade"):
            self._pins(args[i + 1 :])

    def _uvx(self, cmd: _Command, args: list[_Word], ctx: _Context) -> None:
        self._run_package(cmd, "uvx", args[1:], ctx, ("--from", "--with", "-w"))

    def _run_package(
        self,
        cmd: _Command,
        runner: str,
        args: list[_Word],
        ctx: _Context,
        spec_flags: tuple[str, ...],
    ) -> None:
        """`uvx twine@6 upload`, `pipx run --spec twine==5 twine upload`, `uv run twine ...`."""
        i = _skip_options(args, 0, _RUN_OPTIONS)
        if i >= len(args):
            return
        specs = [o for o in _options(args[:i], spec_flags) if o.value is not None]
        program = _requirement(args[i])
        if program is None or program.name not in TOOLS:
            self._program(cmd, args[i:], replace(ctx, runner=runner))
            return
        version = ctx.version
        if program.spec is not None:
            version = (program.spec, program.span)
        for option in specs:
            spec = _requirement(option.last, len(option.last.value) - len(option.value or ""))
            if spec is not None and spec.name == program.name and spec.spec is not None:
                version = (spec.spec, spec.span)
        self._tool(cmd, program.name, args[i + 1 :], replace(ctx, version=version))

    # -- installs

    def _pip(self, args: list[_Word]) -> None:
        i = _skip_options(args, 0, _PIP_OPTIONS)
        if i < len(args) and args[i].value == "install":
            self._pins(args[i + 1 :])

    def _pins(self, words: list[_Word]) -> None:
        i = 0
        while i < len(words):
            value = words[i].value
            if value.startswith("-"):
                i += 2 if value in _PIP_OPTIONS else 1
                continue
            requirement = _requirement(words[i])
            if requirement and requirement.name in TOOLS and requirement.spec and requirement.span:
                self.pins.append(ToolPin(requirement.name, requirement.spec, requirement.span))
            i += 1

    # -- uploads this scanner cannot see

    def _hide(self, cmd: _Command, runner: str, targets: Iterable[str]) -> None:
        for target in targets:
            if _PUBLISHY.search(target) or "${{" in target:
                self.hidden.append(HiddenUpload(Span(cmd.start, cmd.end), runner, target))

    def _make(self, cmd: _Command, args: list[_Word], ctx: _Context) -> None:
        takes_value = {"-C", "-f", "--file", "--directory", "-I", "-o", "-W"}
        targets, i = [], 1
        while i < len(args):
            i = _skip_options(args, i, takes_value)
            if i < len(args) and self._assignment(args[i]) is None:
                targets.append(args[i].value)
            i += 1
        self._hide(cmd, "make", targets)

    def _tox(self, cmd: _Command, args: list[_Word], ctx: _Context) -> None:
        options = _options(_before_double_dash(args), ("-e", "--env"))
        self._hide(cmd, "tox", [e for o in options for e in (o.value or "").split(",") if e])

    def _nox(self, cmd: _Command, args: list[_Word], ctx: _Context) -> None:
        flags = ("-s", "--session", "--sessions", "-e")
        options = _options(_before_double_dash(args), flags)
        self._hide(cmd, "nox", [e for o in options for e in (o.value or "").split(",") if e])

    def _tasks(self, cmd: _Command, args: list[_Word], ctx: _Context) -> None:
        runner = _program_name(args[0].value)
        self._hide(cmd, runner, [w.value for w in args[1:] if not w.value.startswith("-")])

    def _shell(self, cmd: _Command, name: str, args: list[_Word]) -> None:
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
        if i < len(args) and _PUBLISHY.search(_program_name(args[i].value)):
            self.hidden.append(HiddenUpload(Span(cmd.start, cmd.end), name, args[i].value))

    def _run_string(self, cmd: _Command, runner: str, args: list[_Word]) -> None:
        """A program that runs its arguments as a command (`eval`, `bash -c`, `docker run`)."""
        if _UPLOAD_TEXT.search(" ".join(w.value for w in args)):
            self._problem(
                f"an upload inside a string run by `{runner}` cannot be edited", cmd.start
            )

    def _other_program(self, cmd: _Command, args: list[_Word], ctx: _Context) -> None:
        value = args[0].value
        base = _program_name(value)
        if self.pwsh and value.lower().startswith("$env:"):
            self._pwsh_env(cmd, args)
        elif "/" in value or "\\" in value or base.endswith((".sh", ".ps1", ".bash")):
            if _PUBLISHY.search(base):
                self.hidden.append(HiddenUpload(Span(cmd.start, cmd.end), "script", value))
        elif ctx.runner is not None:
            self._hide(cmd, ctx.runner, [value])

    def _pwsh_env(self, cmd: _Command, args: list[_Word]) -> None:
        """`$env:TWINE_PASSWORD = "..."` (or without blanks around `=`)."""
        name, equals, value = args[0].value[5:].partition("=")
        if not equals and len(args) >= 3 and args[1].value == "=":
            equals, value = "=", args[2].value
        name = name.upper()
        if not equals or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
            return
        dynamic = bool(re.search(r"\$(?!\{\{)", value))
        self.exported[name] = _Assignment(name, value, dynamic, args[0])
        if is_credential_env(name):
            self._credential(name, self._statement_span(cmd), cmd)

    def check_embedded(self, embedded: _Embedded) -> None:
        """Text this scanner does not parse may still hold an upload or a credential."""
        if _UPLOAD_TEXT.search(embedded.text):
            self._problem(f"an upload inside a {embedded.kind} cannot be edited", embedded.start)
        if embedded.kind != "heredoc":
            return
        for match in _CREDENTIAL_ASSIGNMENT.finditer(embedded.text):
            if is_credential_env(match.group(1)):
                self._problem(
                    f"a heredoc sets {match.group(1)}, which cannot be removed automatically",
                    embedded.start + match.start(1),
                )

    # -- spans

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

    def _statement_span(self, cmd: _Command) -> Span:
        """The command with a separator, so deleting it leaves a well-formed script."""
        if cmd.chain is not None:  # `a && CMD`: take ` && CMD`
            return Span(self._blank_before(cmd.chain.start), cmd.end)
        after = cmd.after
        if after is not None and after.text in _SEPARATORS:  # `CMD && b`: take `CMD && `
            return Span(cmd.start, self._blank_after(after.end))
        line = self._line_span(cmd)
        if line is not None:
            return line
        before = cmd.before
        if before is not None and before.text in _SEPARATORS:  # `a; CMD`: take `; CMD`
            return Span(self._blank_before(before.start), cmd.end)
        return Span(cmd.start, cmd.end)

    def _line_span(self, cmd: _Command) -> Span | None:
        """The whole line (with its newline) when the command is alone on it."""
        t = self.text
        line_start = t.rfind("\n", 0, cmd.start) + 1
        if t[line_start : cmd.start].strip(" \t"):
            return None
        match = _LINE_REST.match(t, cmd.end)
        end = match.end() if match else cmd.end
        if end < len(t) and t[end] != "\n":
            return None
        if end < len(t):
            return Span(line_start, end + 1)
        return Span(max(line_start - 1, 0), end)  # the last line: take the newline before it


def _config_key(tool: str, key: str) -> tuple[str, str] | None:
    """(repository, "credential" | "url") for a credential or repository config key."""
    if tool == "poetry":
        match = re.fullmatch(r"(pypi-token|http-basic|repositories)\.([^.]+)(\.url)?", key)
        if match:
            setting = "url" if match.group(1) == "repositories" else "credential"
            return match.group(2), setting
    elif tool == "pdm":
        match = re.fullmatch(r"repository\.([^.]+)\.(username|password|url)", key)
        if match:
            return match.group(1), "url" if match.group(2) == "url" else "credential"
    elif tool == "hatch":
        match = re.fullmatch(r"publish\.index\.(auth|user)", key)
        if match:
            return "main", "credential"
    return None


# ---------------------------------------------------------------------------------------------
# Entry point

_NOT_A_SHELL = re.compile(r"python[0-9.]*|py|pypy[0-9.]*|cmd|node|perl|ruby|rscript")


def _dialect(shell: str | None) -> str | None:
    """ "bash", "pwsh", or None for a shell whose script is not shell words (python, cmd)."""
    words = (shell or "").split()
    name = _program_name(words[0]) if words else "bash"
    if name in ("pwsh", "powershell"):
        return "pwsh"
    if _NOT_A_SHELL.fullmatch(name):
        return None
    return "bash"


def scan_script(script: str, shell: str | None = None) -> ScriptScan:
    """Scan the value of a `run:` scalar run by `shell` (the step's `shell:`, None for default)."""
    dialect = _dialect(shell)
    if dialect is None:
        return ScriptScan()
    lexer = _Lexer(script, pwsh=dialect == "pwsh")
    try:
        tokens = lexer.tokenize()
    except _ScanError as error:
        return ScriptScan(problem=f"cannot read the script: {error}")
    scanner = _Scanner(script, pwsh=dialect == "pwsh")
    scanner.scan(_Splitter(script).split(tokens))
    for embedded in lexer.embedded:
        scanner.check_embedded(embedded)
    return scanner.result()
