"""The first project name a package directory declares: pyproject.toml, setup.cfg, then setup.py."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from trustpub.project.config_files import pyproject_name, setup_cfg_name
from trustpub.project.names import (
    ASK,
    FileReader,
    NameOrProblem,
    ProjectName,
    ProjectNameProblem,
)
from trustpub.project.setup_py import setup_py_name

# Each finder returns a name, a problem that stops the search, or a note on why it found none.
_FINDERS: tuple[tuple[str, Callable[[str, str], NameOrProblem | str]], ...] = (
    ("pyproject.toml", pyproject_name),
    ("setup.cfg", setup_cfg_name),
    ("setup.py", setup_py_name),
)


def find_project_name(read: FileReader, directory: str = "") -> ProjectName | ProjectNameProblem:
    """The first name found in pyproject.toml, setup.cfg, then setup.py inside `directory`."""
    folder = posixpath.normpath(directory) if directory else "."
    if folder.startswith(("/", "../")) or folder == "..":
        return ProjectNameProblem(directory, None, f"{directory}: is outside the repository; {ASK}")
    prefix = "" if folder == "." else folder + "/"
    notes: list[str] = []
    for filename, finder in _FINDERS:
        path = prefix + filename
        text = read(path)
        if text is None:
            notes.append(f"{path} not found")
            continue
        found = finder(text.removeprefix("\ufeff"), path)
        if not isinstance(found, str):
            return found
        notes.append(found)
    where = "the repository root" if folder == "." else folder
    message = f"no project name found in {where}: " + "; ".join(notes) + f"; {ASK}"
    return ProjectNameProblem(folder, None, message)
