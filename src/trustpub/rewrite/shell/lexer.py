"""A position-tracking lexer for bash and PowerShell scripts.

Words keep the script offset of every character of their value, so a span of a value maps back
to the script; `${{ }}` stays opaque inside words; heredoc bodies and command substitutions are
recorded as embedded text the scanner only searches (`nesting` finds where such constructs end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trustpub.rewrite.shell.nesting import Skipper, scan_error
from trustpub.rewrite.shell.tokens import Embedded, Op, ScanError, Word, end_of_line


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


class Lexer:
    """Splits a script into words and operators, keeping every token's offsets."""

    def __init__(self, text: str, pwsh: bool) -> None:
        self.text = text
        self.pwsh = pwsh
        self.syntax = _PWSH if pwsh else _BASH
        self.escape = self.syntax.escape
        self.skip = Skipper(text, self.escape, pwsh)
        self.pos = 0
        self.tokens: list[Word | Op] = []
        self.embedded: list[Embedded] = []
        self._heredocs: list[tuple[str, bool]] = []  # (delimiter, strip tabs) awaiting a newline
        self._delimiter_next: bool | None = None  # the next word is a heredoc delimiter

    def tokenize(self) -> list[Word | Op]:
        while self._skip_blanks():
            self._token()
        return self.tokens

    def _error(self, what: str, pos: int) -> ScanError:
        return scan_error(self.text, what, pos)

    def _skip_blanks(self) -> bool:
        """Skip blanks, `\\`-newlines and comments; True when a token follows."""
        t = self.text
        while self.pos < len(t):
            if t[self.pos] in _BLANKS:
                self.pos += 1
            elif t.startswith(self.escape + "\n", self.pos):
                self.pos += 2
            elif t[self.pos] == "#":
                self.pos = end_of_line(t, self.pos)
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
            self.tokens.append(Op("\n", start, self.pos))
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
        self.tokens.append(Op(text, self.pos, self.pos + len(text), redirect))
        self.pos += len(text)

    def _word(self) -> None:
        start, builder = self.pos, _WordBuilder()
        while self.pos < len(self.text) and self.text[self.pos] not in self.syntax.boundary:
            if self._continuation_ends_word():
                break
            self._word_part(builder)
        word = Word(
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
            self._raw(b, self.skip.expression_end(i))
        elif c == self.escape:
            self._escaped(b)
        elif c == "'":
            self._single_quoted(b)
        elif c == '"':
            self._double_quoted(b)
        elif c == "$":
            self._dollar(b, quoted=False)
        elif c == "`":  # bash command substitution (pwsh's backtick is its escape, above)
            self._substitution(b, self.skip.group_end(i + 1, "`", i))
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
        self.embedded.append(Embedded("command substitution", self.pos, self.text[self.pos : end]))
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
        end = self.skip.single_quote_end(self.pos)
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
            self._raw(b, self.skip.expression_end(i))
        elif c == self.escape and following == "\n":
            self.pos += 2
        elif c == self.escape and following and (self.pwsh or following in '$`"\\'):
            b.add(following, i + 1)
            self.pos += 2
        elif c == "$":
            self._dollar(b, quoted=True)
        elif c == "`" and not self.pwsh:
            self._substitution(b, self.skip.group_end(i + 1, "`", i))
        else:
            b.add(c, i)
            self.pos += 1

    def _dollar(self, b: _WordBuilder, quoted: bool) -> None:
        t, i = self.text, self.pos
        if t.startswith("$(", i):
            self._substitution(b, self.skip.group_end(i + 2, ")", i))
        elif t.startswith("${", i):
            b.dynamic = True
            self._raw(b, self.skip.group_end(i + 2, "}", i))
        elif t.startswith("$'", i) and not (quoted or self.pwsh):
            end = self.skip.ansi_c_end(i + 1)
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
        self.embedded.append(Embedded("heredoc", i + 3, t[i + 3 : close]))
        b.add(t[i + 3 : close], i + 3)
        b.dynamic = quote == '"' and "$" in t[i + 3 : close]
        self.pos = close + 3

    def _read_heredoc_bodies(self) -> None:
        for delimiter, strip_tabs in self._heredocs:
            start = self.pos
            end = self._end_of_heredoc(delimiter, strip_tabs)
            self.embedded.append(Embedded("heredoc", start, self.text[start:end]))
        self._heredocs.clear()

    def _end_of_heredoc(self, delimiter: str, strip_tabs: bool) -> int:
        """Move past the body and its delimiter line; return where the body ends."""
        t = self.text
        while self.pos < len(t):
            line_start, eol = self.pos, end_of_line(t, self.pos)
            self.pos = min(eol + 1, len(t))
            line = t[line_start:eol]
            if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                return line_start
        return len(t)  # bash accepts a body ended by the end of the script
