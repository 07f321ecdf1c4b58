"""A repository on GitHub as a source: its workflow files and packaging files at a ref."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from trustpub.checkout import WORKFLOW_SUFFIXES
from trustpub.project import FileReader

if TYPE_CHECKING:
    from github.Repository import Repository

WORKFLOWS_DIR = ".github/workflows"


@dataclass(frozen=True)
class RemoteWorkflow:
    path: str
    text: str
    sha: str  # the blob sha, to detect a change before committing


def read_workflows(repo: Repository, ref: str) -> list[RemoteWorkflow]:
    """The workflow files at `ref` (one listing request plus one request per file)."""
    from github.GithubException import GithubException

    try:
        entries = repo.get_contents(WORKFLOWS_DIR, ref=ref)
    except GithubException as error:
        if error.status == 404:  # no such directory, or "This repository is empty."
            return []
        raise
    if not isinstance(entries, list):
        entries = [entries]
    found: list[RemoteWorkflow] = []
    for entry in sorted(entries, key=lambda e: e.path):
        if entry.type == "file" and entry.name.endswith(WORKFLOW_SUFFIXES):
            text = entry.decoded_content.decode("utf-8", errors="replace")
            found.append(RemoteWorkflow(entry.path, text, entry.sha))
    return found


def remote_reader(repo: Repository, ref: str) -> FileReader:
    """A FileReader over the repository's files at `ref` (None for missing files)."""
    from github.GithubException import GithubException

    def read(path: str) -> str | None:
        try:
            content = repo.get_contents(path, ref=ref)
        except GithubException as error:
            if error.status == 404:
                return None
            raise
        if isinstance(content, list) or content.type != "file":
            return None
        return content.decoded_content.decode("utf-8", errors="replace")

    return read
