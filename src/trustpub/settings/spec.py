"""How a setting is declared: its flag on each command, where files may set it, how it is checked.

A `Settings` field is declared with `setting(default, flags=..., files=..., check=...)`; the
declaration rides in the field's metadata, so the dataclass is the only table of settings.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import Field, dataclass, field
from typing import Any

LOCAL = ("check", "diff", "apply")
COMMANDS = (*LOCAL, "bot")


class Files(enum.Enum):
    """Where a configuration file may set a setting."""

    NONE = "none"  # a flag only (what to run on, output, resuming): never in a file
    RUN = "run"  # `--config FILE`, at its top level: the whole run
    REPOSITORY = "repository"  # also `[tool.trustpub]` and `--config`'s repository tables
    ONE_REPOSITORY = "one-repository"  # only where one repository is meant (not --config's top)


_SAME: Any = object()  # a Flag's default: the field's own


@dataclass(frozen=True)
class Flag:
    """A setting's option (or argument) on one command."""

    decls: tuple[str, ...]
    help: str
    metavar: str | None = None
    default: Any = _SAME
    choices: tuple[str, ...] = ()
    argument: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)  # min, max, dir_okay, exists, ...

    def default_for(self, own: Any) -> Any:
        return own if self.default is _SAME else self.default


@dataclass(frozen=True)
class Spec:
    flags: Mapping[str, Flag]  # command -> its flag
    files: Files
    check: Callable[[Any], str | None] | None  # why a value is wrong, or None


def on(commands: Iterable[str], *decls: str, help: str, **options: Any) -> dict[str, Flag]:
    """The same flag on each of `commands` (merge variants with `|`)."""
    extra = {k: options.pop(k) for k in list(options) if k not in ("metavar", "default", "choices")}
    flag = Flag(tuple(decls), help, extra=extra, **options)
    return {command: flag for command in commands}


def argument(commands: Iterable[str], help: str, **extra: Any) -> dict[str, Flag]:
    flag = Flag((), help, argument=True, extra=extra)
    return {command: flag for command in commands}


def setting(
    default: Any,
    flags: Mapping[str, Flag] | None = None,
    files: Files = Files.NONE,
    check: Callable[[Any], str | None] | None = None,
) -> Any:
    """A `Settings` field: `default` unless a file or a flag says otherwise."""
    return field(default=default, metadata={"spec": Spec(dict(flags or {}), files, check)})


def spec_of(item: Field[Any]) -> Spec | None:
    found = item.metadata.get("spec")
    return found if isinstance(found, Spec) else None


def file_key(name: str) -> str:
    """A setting's key in TOML files: its name with dashes (`pypi-environment`)."""
    return name.replace("_", "-")
