"""A repository's own settings in a bot run: `--config`'s tables that name it, and its
`pyproject.toml` `[tool.trustpub]`, read only where token publishing remains (no extra request:
the project name lookup reads that file anyway)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from trustpub.project import FileReader
from trustpub.repository import RepositoryResult, migrate_repository

if TYPE_CHECKING:
    from trustpub.bot.upsert import BotSettings
    from trustpub.settings.model import Settings


def for_repository(
    bot: BotSettings, full_name: str, texts: Mapping[str, str], read: FileReader
) -> tuple[BotSettings, RepositoryResult]:
    """This repository's bot settings, and its migration under them."""
    read = cached_reader(read)
    if bot.settings is None:
        return bot, _migrate(bot, full_name, texts, read)
    from trustpub.settings.files import merged
    from trustpub.settings.repository import PYPROJECT, remote_settings

    own = _configured(bot, merged(bot.settings, {}, full_name, None))
    result = _migrate(own, full_name, texts, read)
    if not result.token_publishing_remains or "trustpub" not in (read(PYPROJECT) or ""):
        return own, result
    own = _configured(bot, remote_settings(bot.settings, full_name, read))
    return own, _migrate(own, full_name, texts, read)


def _migrate(
    bot: BotSettings, full_name: str, texts: Mapping[str, str], read: FileReader
) -> RepositoryResult:
    return migrate_repository(full_name, texts, read, bot.options, bot.project, bot.ignore)


def _configured(bot: BotSettings, settings: Settings) -> BotSettings:
    if settings is bot.settings:
        return bot
    return replace(
        bot,
        options=settings.options(github_enterprise=bot.options.github_enterprise),
        branch=settings.branch,
        labels=settings.labels,
        reviewers=settings.reviewers,
        project=settings.project,
        ignore=settings.ignore,
    )


def cached_reader(read: FileReader) -> FileReader:
    """`read` asked once per path (a rerun of the migration reads the same files)."""
    found: dict[str, str | None] = {}

    def cached(path: str) -> str | None:
        if path not in found:
            found[path] = read(path)
        return found[path]

    return cached
