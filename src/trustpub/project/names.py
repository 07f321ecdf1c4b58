"""What every source of project names answers: a name and where it was found, or why none was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from packaging.utils import InvalidName, canonicalize_name

FileReader = Callable[[str], "str | None"]
"""Repo-relative POSIX path -> file text, or None when the file is absent or unreadable."""

ASK = "pass --project NAME"


@dataclass(frozen=True)
class ProjectName:
    """A project name as declared, and where it was found (for the report)."""

    name: str
    source: str  # e.g. "pyproject.toml [project].name", "--project"

    @property
    def normalized(self) -> str:
        """The PEP 503 form used in https://pypi.org/p/<name> URLs."""
        return canonicalize_name(self.name)


@dataclass(frozen=True)
class ProjectNameProblem:
    """Why no name could be found; `message` says what is wrong, where, and what to do."""

    path: str
    line: int | None
    message: str


NameOrProblem = ProjectName | ProjectNameProblem


def where(path: str, line: int | None) -> str:
    return path if line is None else f"{path}:{line}"


def checked(name: str, source: str, path: str, line: int | None) -> NameOrProblem:
    try:
        canonicalize_name(name, validate=True)
    except InvalidName:
        return ProjectNameProblem(
            path,
            line,
            f"{where(path, line)}: {name!r} is not a valid project name (letters, digits, "
            f"'.', '-' and '_', starting and ending with a letter or digit); fix it, or {ASK}",
        )
    return ProjectName(name, source)


def project_name_from_option(value: str) -> ProjectName | ProjectNameProblem:
    """Check a name given on the command line."""
    return checked(value.strip(), "--project", "--project", None)
