"""Links on PyPI (or the index --pypi-url/--testpypi-url name) for the owner's hands-on steps."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from trustpub.rewrite.result import TrustedPublisher

DEFAULT_INDEX_URLS = {"pypi": "https://pypi.org", "testpypi": "https://test.pypi.org"}
INDEX_NAMES = {"pypi": "PyPI", "testpypi": "TestPyPI"}


def index_url(index: str, urls: Mapping[str, str] = DEFAULT_INDEX_URLS) -> str:
    return urls.get(index, DEFAULT_INDEX_URLS.get(index, "https://pypi.org")).rstrip("/")


def register_url(
    p: TrustedPublisher,
    repository: str,
    exists: bool | None,
    urls: Mapping[str, str] = DEFAULT_INDEX_URLS,
) -> str:
    """The project's publishing settings prefilled (PyPI's own link), or the pending-publisher
    form for a project not on the index yet."""
    base = index_url(p.index, urls)
    if exists is False:
        return f"{base}/manage/account/publishing/"
    owner, _, name = repository.partition("/")
    query = {"provider": "github", "owner": owner, "repository": name}
    query["workflow_filename"] = p.workflow
    if p.environment:
        query["environment"] = p.environment
    return f"{base}/manage/project/{p.project}/settings/publishing/?{urlencode(query)}"


def revoke_url(p: TrustedPublisher, urls: Mapping[str, str] = DEFAULT_INDEX_URLS) -> str:
    """Where the owner sees the account's API tokens (project-scoped ones included) and removes
    them: PyPI has no API for that."""
    return f"{index_url(p.index, urls)}/manage/account/#api-tokens"
