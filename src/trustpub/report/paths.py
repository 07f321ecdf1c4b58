"""Paths as people read them: relative to the current directory, so that each line, diff header
and SARIF location also says which checkout it is in when a run covers several."""

from __future__ import annotations

import os
import posixpath
from dataclasses import replace
from pathlib import Path

from trustpub.repository import RepositoryResult


def relative_to_here(root: Path) -> str:
    """The checkout's path relative to the current directory when it is below it ("" for the
    current directory itself), else its absolute path."""
    text, here = str(root), os.getcwd()
    if text == here:
        return ""
    if text.startswith(here.rstrip(os.sep) + os.sep):
        return text[len(here.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
    return text.replace(os.sep, "/")


def shown(root: Path, result: RepositoryResult) -> RepositoryResult:
    """The result with every file path (and the checkout's name) as the reports show it."""
    prefix = relative_to_here(root)
    if not prefix:
        return replace(result, name=".")

    def join(path: str) -> str:
        return posixpath.join(prefix, path)

    files = tuple(replace(f, path=join(f.path)) for f in result.files)
    secrets = tuple(
        replace(s, uses=tuple((join(path), use) for path, use in s.uses))
        for s in result.obsolete_secrets
    )
    return replace(result, name=prefix, files=files, obsolete_secrets=secrets)
