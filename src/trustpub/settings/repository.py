"""One repository's settings: the run's, then its `[tool.trustpub]`, then `--config`'s tables
that name it, with the flags given over all of them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from trustpub.settings.files import merged, repository_settings
from trustpub.settings.model import Settings

PYPROJECT = "pyproject.toml"


def checkout_settings(settings: Settings, root: Path) -> Settings:
    """A local checkout's settings (its pyproject.toml is read from `root`)."""
    from trustpub.checkout import github_repository

    try:
        text = (root / PYPROJECT).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""  # no pyproject.toml (or an unreadable one: the project name lookup says so)
    own = repository_settings(text, PYPROJECT, settings.command, root)
    slug = _slug(settings, own.get("github"))
    if slug is None and _names_repositories(settings):  # only a table's pattern needs the remote
        slug = github_repository(root)
    return merged(settings, own, slug, root)


def remote_settings(
    settings: Settings, full_name: str, read: Callable[[str], str | None]
) -> Settings:
    """A repository on GitHub's settings (its pyproject.toml read through `read`)."""
    own = repository_settings(read(PYPROJECT) or "", PYPROJECT, settings.command, Path())
    return merged(settings, own, full_name, None)


def _names_repositories(settings: Settings) -> bool:
    return settings.config_file is not None and bool(settings.config_file.repositories)


def _slug(settings: Settings, own: str | None) -> str | None:
    if "github" in settings.given:
        return settings.github
    return own or settings.github
