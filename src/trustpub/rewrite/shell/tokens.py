"""The tokens of a shell script: words and operators with their offsets."""

from __future__ import annotations

from dataclasses import dataclass

from trustpub.rewrite.shell.results import Span


class ScanError(Exception):
    """The script cannot be read reliably; the message says why and where."""


@dataclass(frozen=True)
class Word:
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
class Op:
    text: str  # `&&`, `;`, "\n", `>>`, ... or a reserved word (`then`) that starts a command
    start: int
    end: int
    redirect: bool = False


@dataclass(frozen=True)
class Embedded:
    """Text the shell runs or feeds to a program, which this scanner does not parse."""

    kind: str  # "heredoc", "command substitution"
    start: int
    text: str


def end_of_line(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1
