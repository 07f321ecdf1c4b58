"""JSON Schemas (draft 2020-12) of every JSON output, shipped with the package.

`report` (`check`/`diff`/`apply --format json`), `report-lines` (the same over a fleet: one
object per line), `secrets` (`secrets --format json`), `bot` (`bot --format json`) and
`status` (`status --format json`). Schemas
refer to each other by relative `$ref` (`report.schema.json#/$defs/repository`).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

NAMES = ("report", "report-lines", "secrets", "bot", "status")


def schema_text(name: str) -> str:
    """The schema `name` as shipped (a KeyError names the known ones)."""
    if name not in NAMES:
        raise KeyError(f"no schema {name!r}: one of {', '.join(NAMES)}")
    return resources.files(__package__).joinpath(f"{name}.schema.json").read_text("utf-8")


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(schema_text(name))
    return document
