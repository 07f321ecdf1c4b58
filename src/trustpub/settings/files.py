"""Settings from files: `--config FILE` (a whole run) and `[tool.trustpub]` (one repository).

```toml
# --config trustpub.toml
pypi-environment = "release"       # every repository, unless its own file or a flag says otherwise
jobs = 4

[repositories."acme/widgets"]      # OWNER/REPO, or a checkout's path below this file; globs work
project = "acme-widgets"
ignore = [".github/workflows/nightly.yml"]
```

A repository's `pyproject.toml` may hold the same repository keys under `[tool.trustpub]`. Keys
are the flags' names without dashes in front. An unknown key, a key in the wrong place or a value
of the wrong type is an error that names the file and the key, and nothing runs.
"""

from __future__ import annotations

import contextlib
import difflib
import fnmatch
import sys
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trustpub.settings.model import Settings, declared
from trustpub.settings.spec import Files, Spec, file_key

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

REPOSITORIES = "repositories"
_REPOSITORY_SCOPES = (Files.REPOSITORY, Files.ONE_REPOSITORY)


class ConfigError(Exception):
    """A configuration file that cannot be used, with the file and the key."""


@dataclass(frozen=True)
class ConfigFile:
    """A `--config` file: settings for the whole run, and tables for some repositories."""

    path: Path
    top: Mapping[str, Any]
    repositories: tuple[tuple[str, Mapping[str, Any]], ...] = ()  # (pattern, settings)

    def for_repository(self, slug: str | None, root: Path | None) -> dict[str, Any]:
        """The settings of every table whose pattern names this repository, in file order."""
        found: dict[str, Any] = {}
        for pattern, values in self.repositories:
            if _names(pattern, slug, root, self.path.parent):
                found.update(values)
        return found


def read_config(path: Path, command: str) -> ConfigFile:
    """`--config FILE`: a trustpub TOML file, or a pyproject.toml's `[tool.trustpub]`."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except (ValueError, RecursionError) as error:  # TOMLDecodeError, or nesting too deep
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    if path.name == "pyproject.toml":
        document = document.get("tool", {}).get("trustpub", {})
    tables = document.pop(REPOSITORIES, {})
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise ConfigError(
            f'{path}: {REPOSITORIES}: expected tables, e.g. [{REPOSITORIES}."acme/widgets"]'
        )
    where = _Where(path, path.parent, command)
    top = where.values(document, "", (Files.RUN, Files.REPOSITORY))
    repositories = tuple(
        (pattern, where.values(table, f'[{REPOSITORIES}."{pattern}"] ', _REPOSITORY_SCOPES))
        for pattern, table in tables.items()
    )
    return ConfigFile(path, top, repositories)


def repository_settings(text: str, name: str, command: str, base: Path) -> dict[str, Any]:
    """A repository's `[tool.trustpub]` (from its pyproject.toml text, named `name`)."""
    if "trustpub" not in text:  # most repositories: no TOML parse at all
        return {}
    try:
        document = tomllib.loads(text)
    except (ValueError, RecursionError) as error:
        raise ConfigError(f"{name}: not valid TOML: {error}") from None
    table = document.get("tool", {}).get("trustpub")
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ConfigError(f"{name}: [tool.trustpub] must be a table")
    return _Where(Path(name), base, command).values(table, "[tool.trustpub] ", _REPOSITORY_SCOPES)


@dataclass(frozen=True)
class _Where:
    path: Path  # for messages
    base: Path  # relative paths in values are relative to this directory
    command: str

    def values(
        self, table: Mapping[str, Any], section: str, allowed: tuple[Files, ...]
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        specs = {file_key(name): (name, spec) for name, spec in declared()}
        for key, value in table.items():
            where = f"{self.path}: {section}key '{key}'"
            if key not in specs:
                raise ConfigError(f"{where}: unknown{_suggestion(key, specs)}")
            name, spec = specs[key]
            if spec.files not in allowed:
                raise ConfigError(f"{where}: {_misplaced(key, spec, section)}")
            found[name] = self._converted(name, spec, value, where)
        return found

    def _converted(self, name: str, spec: Spec, value: Any, where: str) -> Any:
        from trustpub.settings.commands import field_type

        kind = field_type(name)
        converted = _typed(kind, value, self.base)
        if converted is _WRONG:
            raise ConfigError(f"{where}: expected {_describe(kind)}, got {_toml(value)}")
        flag = spec.flags.get(self.command)
        limits = flag.extra if flag is not None else {}
        for item in converted if isinstance(converted, tuple) else (converted,):
            problem = spec.check(item) if spec.check and item is not None else None
            if problem is None and isinstance(item, int | float) and not isinstance(item, bool):
                problem = _out_of_range(item, limits.get("min"), limits.get("max"))
            if problem:
                raise ConfigError(f"{where}: {problem}")
        return converted


_WRONG: Any = object()


def _typed(kind: Any, value: Any, base: Path) -> Any:
    """`value` as a setting of type `kind`, or _WRONG."""
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if typing.get_origin(kind) is tuple:
        if not isinstance(value, list):
            return _WRONG
        items = [_typed(args[0], item, base) for item in value]
        return _WRONG if _WRONG in items else tuple(items)
    if len(args) == 1:  # X | None: a file sets X (leaving a key out is how to say None)
        kind = args[0]
    if kind is bool:
        return value if isinstance(value, bool) else _WRONG
    if kind is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else _WRONG
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return float(value) if ok else _WRONG
    if kind is Path:
        return base / value if isinstance(value, str) else _WRONG
    return value if isinstance(value, str) else _WRONG


def _describe(kind: Any) -> str:
    if typing.get_origin(kind) is tuple:
        return "a list of strings"
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    kind = args[0] if len(args) == 1 else kind
    names = {bool: "true or false", int: "a whole number", float: "a number", Path: "a path"}
    return names.get(kind, "a string")


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list" if value else "[]"
    return repr(value)


def _out_of_range(value: float, low: float | None, high: float | None) -> str | None:
    if low is not None and value < low:
        return f"{value} is less than {low}"
    if high is not None and value > high:
        return f"{value} is more than {high}"
    return None


def _misplaced(key: str, spec: Spec, section: str) -> str:
    flags = sorted({d for flag in spec.flags.values() for d in flag.decls if d.startswith("--")})
    flag = f" (use {flags[0]})" if flags else ""
    if spec.files is Files.NONE:
        return f"can only be given on the command line{flag}"
    if spec.files is Files.RUN:
        return f"is a setting of the whole run: set it at the top of a --config file{flag}"
    return (
        f'names one repository: put it in a [{REPOSITORIES}."OWNER/REPO"] table, or in that '
        "repository's pyproject.toml [tool.trustpub]"
    )


def _suggestion(key: str, specs: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(key, [*specs, REPOSITORIES], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _names(pattern: str, slug: str | None, root: Path | None, base: Path) -> bool:
    """True when `pattern` (a glob) matches OWNER/REPO, or the checkout's path below `base`."""
    if slug and fnmatch.fnmatchcase(slug.lower(), pattern.lower()):
        return True
    if root is None:
        return False
    candidates = [root.as_posix()]
    with contextlib.suppress(ValueError):  # a checkout outside the file's directory
        candidates.append(root.relative_to(base.resolve()).as_posix())
    return any(fnmatch.fnmatchcase(c, pattern.rstrip("/")) for c in candidates)


def merged(
    settings: Settings, own: Mapping[str, Any], slug: str | None, root: Path | None
) -> Settings:
    """A repository's settings: its `[tool.trustpub]`, then `--config`'s tables naming it, over
    the run's settings, under the flags given."""
    values = dict(own)
    if settings.config_file is not None:
        values.update(settings.config_file.for_repository(slug, root))
    return settings.with_values(values)
