"""Tokens grouped into simple commands, with the operators around each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trustpub.rewrite.shell.tokens import Op, Word

_RESERVED = frozenset(
    {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "esac"}
    | {"elseif", "try", "catch", "finally"}  # PowerShell
)
# Words that start a compound command whose own words are not a command (`for x in ...`).
_COMPOUND = frozenset({"for", "select", "case", "function", "foreach", "switch", "param"})
_CHAIN = frozenset({"&&", "||", "|", "|&"})
SEPARATORS = frozenset({"&&", "||", "|", "|&", ";", "&"})


@dataclass(frozen=True)
class Command:
    words: tuple[Word, ...]  # every word except redirection targets
    redirects: tuple[tuple[Op, Word | None], ...]
    start: int
    end: int
    before: Op | None  # the operator or reserved word just before it
    chain: Op | None  # `&&`, `||` or `|` joining it to the command before (maybe a line above)
    after: Op | None  # the operator that ends it
    compound: bool


class Splitter:
    """Groups tokens into simple commands."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.commands: list[Command] = []
        self._words: list[Word] = []
        self._redirects: list[tuple[Op, Word | None]] = []
        self._before: Op | None = None
        self._chain: Op | None = None

    def split(self, tokens: Iterable[Word | Op]) -> list[Command]:
        for token in tokens:
            if isinstance(token, Word):
                self._word(token)
            elif token.redirect:
                self._redirects.append((token, None))
            else:
                self._close(token)
                self._note(token)
        self._close(None)
        return self.commands

    def _word(self, word: Word) -> None:
        if self._redirects and self._redirects[-1][1] is None:
            self._redirects[-1] = (self._redirects[-1][0], word)
        elif not self._words and not self._redirects and self._is_reserved(word):
            self._note(Op(word.value, word.start, word.end))
        else:
            self._words.append(word)

    def _is_reserved(self, word: Word) -> bool:
        written_plainly = self.text[word.start : word.end] == word.value
        return written_plainly and word.value in _RESERVED

    def _note(self, op: Op) -> None:
        self._before = op
        if op.text in _CHAIN:
            self._chain = op
        elif op.text != "\n":
            self._chain = None

    def _close(self, after: Op | None) -> None:
        if not self._words and not self._redirects:
            return
        ends = [w.end for w in self._words] + [(w or op).end for op, w in self._redirects]
        starts = [w.start for w in self._words[:1]] + [op.start for op, _ in self._redirects]
        first = self._words[0].value if self._words else ""
        self.commands.append(
            Command(
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
