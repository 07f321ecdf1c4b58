"""Which package index an upload targets: PyPI, TestPyPI, another index, or unknown."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from trustpub.publishers.credentials import OTHER_INDEX_SERVICES
from trustpub.rewrite.expressions import is_expression

PYPI_UPLOAD_URL = "https://upload.pypi.org/legacy/"
TESTPYPI_UPLOAD_URL = "https://test.pypi.org/legacy/"

_PYPI_URLS = frozenset({"https://upload.pypi.org/legacy", "https://pypi.org/legacy"})
_TESTPYPI_URLS = frozenset({"https://test.pypi.org/legacy"})
# Repository *names* the upload tools know without configuration.
_PYPI_NAMES = frozenset({"pypi", "main"})
_TESTPYPI_NAMES = frozenset({"testpypi", "test"})


class IndexKind(enum.Enum):
    PYPI = "pypi"
    TESTPYPI = "testpypi"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class IndexTarget:
    """Where an upload goes, and the text that decided it ("" for the tool's default)."""

    kind: IndexKind
    detail: str = ""

    @property
    def migratable(self) -> bool:
        return self.kind in (IndexKind.PYPI, IndexKind.TESTPYPI)

    def why_not(self, uses_token: bool = True) -> str:
        """A sentence saying why an upload to this index is left alone."""
        if self.kind is IndexKind.UNKNOWN:
            return (
                f"the target index {self.detail!r} is chosen at run time and cannot be proven "
                "to be PyPI or TestPyPI; trusted publishing only works there"
            )
        stays = "so its credentials stay" if uses_token else "so trustpub leaves it as it is"
        return (
            f"it uploads to {self.detail!r}, which is not PyPI or TestPyPI; "
            f"only PyPI and TestPyPI support trusted publishing, {stays}"
        )


DEFAULT_PYPI = IndexTarget(IndexKind.PYPI)


def chosen_at_run_time(detail: str) -> IndexTarget:
    """An index given by an expression or a command: unknown, unless it names an index
    service that is not PyPI (CodeArtifact, Artifactory...), which it then uploads to."""
    kind = IndexKind.OTHER if OTHER_INDEX_SERVICES.search(detail) else IndexKind.UNKNOWN
    return IndexTarget(kind, detail)


def classify_url(value: str) -> IndexTarget:
    """Classify an upload URL (`repository-url`, `--repository-url`, `UV_PUBLISH_URL`, ...)."""
    text = value.strip()
    if not text:
        return DEFAULT_PYPI
    if is_expression(text):
        return chosen_at_run_time(text)
    normalized = text.rstrip("/").lower()
    if normalized in _PYPI_URLS:
        return IndexTarget(IndexKind.PYPI, text)
    if normalized in _TESTPYPI_URLS:
        return IndexTarget(IndexKind.TESTPYPI, text)
    return IndexTarget(IndexKind.OTHER, text)


def classify_repository_name(value: str) -> IndexTarget:
    """Classify a repository name (`-r pypi`, `-r testpypi`, hatch `-r main|test`)."""
    text = value.strip()
    if is_expression(text):
        return chosen_at_run_time(text)
    if "://" in text:
        return classify_url(text)
    lowered = text.lower()
    if lowered in _PYPI_NAMES:
        return IndexTarget(IndexKind.PYPI, text)
    if lowered in _TESTPYPI_NAMES:
        return IndexTarget(IndexKind.TESTPYPI, text)
    return IndexTarget(IndexKind.OTHER, text)
