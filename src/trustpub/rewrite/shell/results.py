"""What a scan of a `run:` script reports, with character spans into the script."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trustpub.rewrite.indexes import IndexTarget


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
    # The words as the tool reads them (quotes removed): options before the subcommand, the
    # subcommand, and everything after it.
    leading: tuple[str, ...] = ()
    subcommand: str = ""
    arguments: tuple[str, ...] = ()


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
