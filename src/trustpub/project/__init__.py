"""Find the PyPI project name a repository (or one package directory in it) publishes.

Pure: every file is read through a `FileReader`, so the engine never touches the disk itself.
`directory_reader` is the one place that does I/O.

One module per source: `config_files` (pyproject.toml, setup.cfg), `setup_py` (read with libcst,
never run), `workflow_url` (a pypi.org URL in the workflow) and `disk` (a checkout's files);
`find` tries the packaging files in order, and `names` holds what they all answer.
"""

from __future__ import annotations

from trustpub.project.disk import directory_reader
from trustpub.project.find import find_project_name
from trustpub.project.names import (
    FileReader,
    ProjectName,
    ProjectNameProblem,
    project_name_from_option,
)
from trustpub.project.workflow_url import project_name_from_url

__all__ = [
    "FileReader",
    "ProjectName",
    "ProjectNameProblem",
    "directory_reader",
    "find_project_name",
    "project_name_from_option",
    "project_name_from_url",
]
