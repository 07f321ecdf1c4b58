"""SARIF 2.1.0 for `trustpub check`, so code-scanning shows where tokens are still used."""

from __future__ import annotations

from typing import Any

from trustpub import __version__
from trustpub.repository import RepositoryResult

RULES = {
    "token-publishing": "PyPI upload with a long-lived API token; migrate to trusted publishing",
    "not-auto-migratable": "PyPI upload with a token that trustpub cannot migrate automatically",
    "unreadable-workflow": "A workflow file trustpub could not read",
}


def sarif_document(repos: list[RepositoryResult]) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    for repo in repos:
        for file in repo.files:
            if file.changed:
                for change in file.changes:
                    results.append(
                        _result(
                            "token-publishing",
                            "warning",
                            change.description,
                            file.path,
                            change.line,
                        )
                    )
            for skip in (s for s in file.skips if s.is_finding):
                results.append(
                    _result("not-auto-migratable", "note", skip.reason, file.path, skip.line)
                )
            if file.failure:
                results.append(
                    _result(
                        "unreadable-workflow",
                        "error",
                        file.failure.message,
                        file.path,
                        file.failure.line,
                    )
                )
    rules = [{"id": k, "shortDescription": {"text": v}} for k, v in RULES.items()]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "trustpub", "version": __version__, "rules": rules}},
                "results": results,
            }
        ],
    }


def _result(rule: str, level: str, message: str, path: str, line: int) -> dict[str, Any]:
    return {
        "ruleId": rule,
        "level": level,
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": path},
                    "region": {"startLine": max(line, 1)},
                }
            }
        ],
    }
