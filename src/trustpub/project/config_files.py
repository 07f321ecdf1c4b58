"""The project name in the declarative files: pyproject.toml (`[project]`, `[tool.poetry]`) and
setup.cfg (`[metadata]`)."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

from trustpub.project.names import ASK, NameOrProblem, ProjectNameProblem, checked, where

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

if TYPE_CHECKING:
    import configparser

_TABLE_HEADER = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]")
_TOML_ERROR_AT = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def _key_line(text: str, section: str, key: str, separator: str = "=") -> int | None:
    """Best-effort line of `key` in `[section]`: the parsers do not report value positions."""
    current = ""
    key_pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*[{separator}]", re.IGNORECASE)
    for number, line in enumerate(text.split("\n"), 1):
        if line.lstrip().startswith("[["):
            current = ""
        elif header := _TABLE_HEADER.match(line):
            current = re.sub(r"[\s\"']", "", header.group(1))
        elif current == section and key_pattern.match(line):
            return number
    return None


def pyproject_name(text: str, path: str) -> NameOrProblem | str:
    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError) as exc:
        reason = str(exc)
        at = _TOML_ERROR_AT.search(reason)
        line = int(at.group(1)) if at else getattr(exc, "lineno", None)
        reason = _TOML_ERROR_AT.sub("", reason)
        return ProjectNameProblem(
            path, line, f"{where(path, line)}: is not valid TOML ({reason}); fix it, or {ASK}"
        )
    project = data.get("project")
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    for table, section in ((project, "project"), (poetry, "tool.poetry")):
        if not isinstance(table, dict) or "name" not in table:
            continue
        line = _key_line(text, section, "name")
        name = table["name"]
        if not isinstance(name, str):
            return ProjectNameProblem(
                path,
                line,
                f"{where(path, line)}: [{section}].name is not a string; fix it, or {ASK}",
            )
        return checked(name, f"{path} [{section}].name", path, line)
    dynamic = project.get("dynamic") if isinstance(project, dict) else None
    if isinstance(dynamic, list) and "name" in dynamic:
        return f"{path} lists name in [project].dynamic, which is not a name"
    return f"{path} has no [project].name or [tool.poetry].name"


def setup_cfg_name(text: str, path: str) -> NameOrProblem | str:
    import configparser  # only for a setup.cfg: most projects name themselves in pyproject.toml

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        line, reason = _ini_error(exc)
        return ProjectNameProblem(
            path,
            line,
            f"{where(path, line)}: is not a valid INI file ({reason}); fix it, or {ASK}",
        )
    name = parser.get("metadata", "name", fallback=None)
    if name is None:
        return f"{path} has no [metadata] name"
    if name.startswith(("attr:", "file:")):
        return f"{path} [metadata] name is {name!r}, which only setuptools can resolve"
    line = _key_line(text, "metadata", "name", separator="=:")
    return checked(name, f"{path} [metadata] name", path, line)


def _ini_error(exc: configparser.Error) -> tuple[int | None, str]:
    import configparser

    line: int | None = getattr(exc, "lineno", None)
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return line, "text before the first [section] header"
    if isinstance(exc, configparser.DuplicateSectionError):
        return line, f"section [{exc.section}] appears twice"
    if isinstance(exc, configparser.DuplicateOptionError):
        return line, f"option {exc.option!r} appears twice in [{exc.section}]"
    if isinstance(exc, configparser.ParsingError) and exc.errors:
        first_line, content = exc.errors[0]
        return first_line, f"cannot parse {content}"  # already quoted by configparser
    return line, exc.message
