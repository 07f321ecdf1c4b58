"""Whether a job's `if:` keeps it from running on pull-request events.

A job that a pull request can start (from a fork, too) must never get `id-token: write`. The
condition is read as a GitHub expression and evaluated with what is known on every such event:
`github.event_name` is one of the workflow's pull-request triggers, `github.ref` is
`refs/pull/<n>/merge`, `github.ref_type` is not `tag`, and the payload has no `ref`. Anything else
is unknown, and a condition that is not provably false stays unknown: such a job is not migrated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from trustpub.rewrite import conditions

# Events a pull request (from a fork, too) triggers with the workflow of the pull request itself.
PULL_REQUEST_EVENTS = ("pull_request", "pull_request_review", "pull_request_review_comment")

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>==|!=|<=|>=|&&|\|\||[!<>(),])"
    r"|(?P<word>[A-Za-z_][\w-]*(?:\s*(?:\.\s*[A-Za-z_*][\w-]*|\[\s*'[^']*'\s*\]|\[\s*\*\s*\]))*)"
    r"|(?P<number>-?\d+(?:\.\d+)?))"
)
_UNKNOWN = object()  # a value nothing is known about


@dataclass(frozen=True)
class _Path:
    """A context property, e.g. `github.ref`, lower-cased and without spaces."""

    name: str


def pull_request_triggers(triggers: Iterable[str]) -> list[str]:
    return [t for t in PULL_REQUEST_EVENTS if t in triggers]


def excludes_pull_requests(condition: Any, events: Iterable[str]) -> bool:
    """True when the `if:` is false on every one of `events` (pull-request events)."""
    text = conditions.expression(condition)
    if text is None or "${{" in text:
        return False
    tokens = _tokens(text)
    if tokens is None:
        return False
    parser = _Parser(tokens, frozenset(e.lower() for e in events))
    try:
        value = parser.any_of()
    except _Unsupported:
        return False
    return parser.done() and _truth(value) is False


def _tokens(text: str) -> list[tuple[str, str]] | None:
    found: list[tuple[str, str]] = []
    position = 0
    while text[position:].strip():
        match = _TOKEN.match(text, position)
        if match is None:
            return None
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


class _Unsupported(Exception):
    pass


def _truth(value: Any) -> bool | None:
    """Known truth of a value: True, False, or None (unknown)."""
    return value if isinstance(value, bool) else None


class _Parser:
    """Recursive descent over `||`, `&&`, comparisons, `!`, calls and operands, in GitHub's
    order of precedence. Values are literals, context paths, True/False, or unknown."""

    def __init__(self, tokens: list[tuple[str, str]], events: frozenset[str]) -> None:
        self.tokens = tokens
        self.position = 0
        self.events = events

    def done(self) -> bool:
        return self.position == len(self.tokens)

    def _peek(self) -> str | None:
        return None if self.done() else self.tokens[self.position][1]

    def _take(self) -> tuple[str, str]:
        if self.done():
            raise _Unsupported
        self.position += 1
        return self.tokens[self.position - 1]

    def any_of(self) -> Any:
        value = self.all_of()
        while self._peek() == "||":
            self._take()
            values = (_truth(value), _truth(self.all_of()))
            value = True if True in values else (False if values == (False, False) else None)
        return value

    def all_of(self) -> Any:
        value = self.comparison()
        while self._peek() == "&&":
            self._take()
            values = (_truth(value), _truth(self.comparison()))
            value = False if False in values else (True if values == (True, True) else None)
        return value

    def comparison(self) -> Any:
        left = self.unary()
        if self._peek() not in ("==", "!=", "<", ">", "<=", ">="):
            return left
        operator = self._take()[1]
        right = self.unary()
        equal = _equal(left, right, self.events) if operator in ("==", "!=") else None
        return equal if equal is None or operator == "==" else not equal

    def unary(self) -> Any:
        if self._peek() != "!":
            return self.operand()
        self._take()
        value = _truth(self.unary())
        return None if value is None else not value

    def operand(self) -> Any:
        kind, text = self._take()
        if text == "(":
            value = self.any_of()
            if self._take()[1] != ")":
                raise _Unsupported
            return value
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind != "word":
            if kind == "number":
                return _UNKNOWN
            raise _Unsupported
        name = re.sub(r"\s+", "", text).lower()
        if name in ("true", "false"):
            return name == "true"
        if self._peek() == "(":
            return self._call(name)
        return _UNKNOWN if name == "null" else _Path(name)

    def _call(self, name: str) -> Any:
        self._take()
        arguments: list[Any] = []
        while self._peek() != ")":
            arguments.append(self.any_of())
            if self._peek() == ",":
                self._take()
        self._take()
        if name == "startswith" and len(arguments) == 2:
            return _starts_with(arguments[0], arguments[1])
        return _UNKNOWN


def _equal(left: Any, right: Any, events: frozenset[str]) -> bool | None:
    if isinstance(right, _Path):
        left, right = right, left
    if not isinstance(left, _Path) or not isinstance(right, str):
        return None
    literal = right.lower()
    if left.name == "github.event_name":
        if literal not in events:
            return False
        return True if events == {literal} else None
    if left.name == "github.ref":
        return False if not literal.startswith("refs/pull/") else None
    if left.name == "github.ref_type":
        return False if literal == "tag" else None
    if left.name in ("github.event.ref", "github.event['ref']"):
        return False if literal else None  # pull-request payloads have no `ref`
    return None


def _starts_with(value: Any, prefix: Any) -> Any:
    if not isinstance(value, _Path) or not isinstance(prefix, str) or not prefix:
        return _UNKNOWN
    start = prefix.lower()
    if value.name == "github.ref":
        pull = "refs/pull/"
        return _UNKNOWN if pull.startswith(start) or start.startswith(pull) else False
    if value.name in ("github.event.ref", "github.event['ref']"):
        return False
    return _UNKNOWN
