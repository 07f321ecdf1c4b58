"""Reading the words of a simple command: assignments, options, requirements, program names."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from trustpub.rewrite.shell.results import Span
from trustpub.rewrite.shell.tokens import Word

ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\+?=(.*)", re.DOTALL)
PYTHON = re.compile(r"python[0-9.]*|py|pypy[0-9.]*")
PIP = re.compile(r"pip[0-9.]*")
PUBLISHY = re.compile(r"release|publish|upload|deploy|pypi", re.IGNORECASE)
CREDENTIAL_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=", re.MULTILINE)
_SPEC_ONE = r"(?:===|==|!=|~=|<=|>=|<|>)\s*(?:\$\{\{.*?\}\}|[^\s,;])+"
_REQUIREMENT = re.compile(
    r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(?:\[[^\]]*\])?\s*"
    rf"(?P<spec>@[^\s@/;]+|{_SPEC_ONE}(?:\s*,\s*{_SPEC_ONE})*)?\s*(?:;.*)?",
    re.DOTALL,
)
LINE_REST = re.compile(r"[ \t]*(?:;[ \t]*)?(?:#[^\n]*)?")

# Programs that run the command after their own options (and, for env, assignments).
WRAPPERS: Mapping[str, frozenset[str]] = {
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
RUN_OPTIONS = frozenset(
    {"--with", "-w", "--with-editable", "--with-requirements", "--python", "-p", "--package"}
    | {"--extra", "--group", "--only-group", "--no-group", "--env-file", "--directory"}
    | {"--project", "--index", "--index-url", "--extra-index-url", "--default-index", "--from"}
    | {"--spec", "--pip-args", "-i", "--suffix", "--env", "-e"}
)
PIP_OPTIONS = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url"}
    | {"--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root"}
    | {"--python", "-p", "--platform", "--python-version", "--src", "--upgrade-package", "-P"}
    | {"--cache-dir", "--proxy", "--pip-args", "--suffix", "--with", "--from"}
)
SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "source", ".", "pwsh", "powershell"})
STRING_RUNNERS = frozenset(
    {"eval", "docker", "podman", "ssh", "su", "watch", "parallel", "nix-shell"}
    | {"invoke-expression", "iex"}
)
FILE_WRITERS = frozenset({"tee", "cp", "mv", "install", "set-content", "add-content", "out-file"})
ENV_FILE_SINKS = frozenset({"tee", "out-file", "add-content", "set-content"})


@dataclass(frozen=True)
class Assignment:
    name: str
    value: str
    dynamic: bool
    word: Word


@dataclass(frozen=True)
class Option:
    flag: str
    first: Word  # the flag's word
    last: Word  # the word holding its value (the same word for `--flag=v` and `-fv`)
    value: str | None  # None when the command ends right after the flag
    dynamic: bool


@dataclass(frozen=True)
class Requirement:
    name: str  # normalized (PEP 503)
    spec: str | None
    span: Span | None


@dataclass
class Context:
    env: dict[str, Assignment] = field(default_factory=dict)  # this command's assignments
    version: tuple[str, Span | None] | None = None  # from `pipx run twine==5`, `uvx twine@6`
    runner: str | None = None  # the task runner the program runs through (`pdm run`)


def program_name(value: str) -> str:
    base = value.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return base.removesuffix(".exe")


def normalize_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(word: Word, start: int = 0) -> Requirement | None:
    match = _REQUIREMENT.fullmatch(word.value, start)
    if match is None:
        return None
    spec = match.group("spec")
    span = word.span_of(match.start("spec"), match.end("spec")) if spec else None
    return Requirement(normalize_name(match.group("name")), spec, span)


def skip_options(words: list[Word], i: int, takes_value: Collection[str]) -> int:
    """The index of the first word at or after i that is not an option or an option's value."""
    while i < len(words) and words[i].value.startswith("-") and words[i].value != "-":
        value = words[i].value
        if value == "--":
            return i + 1
        i += 2 if value in takes_value else 1
    return i


def before_double_dash(words: list[Word]) -> list[Word]:
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


def find_options(words: list[Word], flags: Collection[str]) -> list[Option]:
    found: list[Option] = []
    i = 0
    while i < len(words):
        match = _match_option(words[i].value, flags)
        if match is None:
            i += 1
            continue
        flag, attached = match
        word = words[i]
        if attached is not None:
            found.append(Option(flag, word, word, attached, word.dynamic))
        elif i + 1 < len(words):
            i += 1
            found.append(Option(flag, word, words[i], words[i].value, words[i].dynamic))
        else:
            found.append(Option(flag, word, word, None, False))
        i += 1
    return found
