"""What every GraphQL object of the fake shares: errors GitHub types, the endpoint's settings,
one query's execution record, and connections (nodes, edges, cursors, pageInfo)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from fake_github.router import Context
from fake_github.state import Repo


class Fault(Exception):
    """An error GitHub reports in `errors` with a `type` (NOT_FOUND, UNPROCESSABLE, ...)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class Settings:
    """What a test can change about the fake's GraphQL endpoint."""

    text_limit: int = 512 * 1024  # Blob.text is cut (isTruncated) beyond this many bytes
    timeout_after_blobs: int | None = None  # a query reading more blob texts times out (502)
    enabled: bool = True  # False: POST /graphql answers 404, as a server without GraphQL
    secondary_in_body: int = 0  # the next N queries answer 200 with a secondary-limit error


@dataclass
class Run:
    """One query's execution: the fake's context, the settings, and what it read."""

    ctx: Context
    settings: Settings
    cost: int = 1
    node_count: int = 0
    blobs_read: int = 0
    changed: list[str] = field(default_factory=list)


def run_of(info: Any) -> Run:
    run: Run = info.context
    return run


def ref_id(repo: Repo, qualified: str) -> str:
    return base64.b64encode(f"REF_{repo.id}:{qualified}".encode()).decode()


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def connection(
    items: list[Any], first: int | None, after: str | None, last: int | None = None
) -> dict[str, Any]:
    """A GitHub connection over `items`: nodes, edges with cursors, pageInfo, totalCount."""
    start = _offset(after) + 1 if after else 0
    chosen = items[start:]
    if first is not None:
        chosen = chosen[:first]
    elif last is not None:
        chosen = chosen[-last:] if last else []
        start = len(items) - len(chosen)
    cursors = [_cursor(start + i) for i in range(len(chosen))]
    end = start + len(chosen)
    return {
        "nodes": chosen,
        "edges": [{"cursor": c, "node": n} for c, n in zip(cursors, chosen, strict=True)],
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": cursors[0] if cursors else None,
            "endCursor": cursors[-1] if cursors else None,
        },
    }


def _cursor(offset: int) -> str:
    return base64.b64encode(f"cursor:v2:{offset}".encode()).decode()


def _offset(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor).decode().rpartition(":")[2])
    except (ValueError, UnicodeDecodeError):
        message = f"`{cursor}` does not appear to be a valid cursor."
        raise Fault("INVALID_CURSOR_ARGUMENTS", message) from None
