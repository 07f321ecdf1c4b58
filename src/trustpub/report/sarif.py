"""SARIF 2.1.0 for `trustpub check`, as GitHub code scanning reads it: one result per problem (a
PyPI token upload that remains), rules with their full description and help, fingerprints that
stay the same across runs, and columns where they are known."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from trustpub import __version__
from trustpub.report.problems import (
    NOT_AUTO_MIGRATABLE,
    TOKEN_PUBLISHING,
    UNREADABLE,
    Problem,
    problems,
)
from trustpub.repository import RepositoryResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DOCS = "https://github.com/trustpub/trustpub/blob/main/docs"
FINGERPRINT = "trustpub/v1"


def _plain(markdown: str) -> str:
    return markdown.replace("`", "")


def _rule(
    rule_id: str, name: str, short: str, full: str, help_markdown: str, level: str, anchor: str
) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": _plain(help_markdown), "markdown": help_markdown},
        "helpUri": f"{DOCS}/{anchor}",
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["security", "supply-chain", "ci"], "precision": "very-high"},
    }


RULES = (
    _rule(
        TOKEN_PUBLISHING,
        "TokenPublishing",
        "PyPI upload with a long-lived API token",
        "A GitHub Actions job uploads to PyPI or TestPyPI with a long-lived API token kept in a "
        "secret. Anyone who obtains the token can publish any release of the project until it is "
        "revoked. Trusted publishing (OIDC) replaces it with a token minted for one run of this "
        "workflow, valid for 15 minutes.",
        "Run `trustpub apply` (or `trustpub diff` to see the change first). It removes the token "
        "inputs and environment variables, gives the publish job `id-token: write` and a "
        "deployment environment, and separates building from publishing. Then register the "
        "trusted publisher it names on PyPI (owner, repository, workflow file, environment) "
        "before the workflow next runs, and delete the secret and revoke the token after the "
        "first successful trusted publish.",
        "error",
        "code-scanning.md#token-publishing",
    ),
    _rule(
        NOT_AUTO_MIGRATABLE,
        "TokenPublishingNotAutoMigratable",
        "PyPI upload with a token that trustpub cannot migrate automatically",
        "A job uploads to PyPI or TestPyPI with an API token in a shape trustpub does not rewrite "
        "safely (a reusable workflow or composite action that publishes, a container job, a "
        "non-Linux runner, pull_request_target, a token computed at run time, an upload hidden "
        "in a script, ...). The token remains until it is migrated by hand.",
        "Migrate it by hand, as the result's message says: publish from a job of a top-level "
        "workflow that has `permissions: {id-token: write}` and an `environment`, with "
        "`pypa/gh-action-pypi-publish` (no `password`) or an uploader that supports trusted "
        "publishing (twine >= 6.1, uv >= 0.4.16, pdm >= 2.6, maturin >= 0.15) and no token. "
        "Or acknowledge it with `# trustpub: ignore` on the job.",
        "error",
        "refusals.md",
    ),
    _rule(
        UNREADABLE,
        "UnreadableWorkflow",
        "A workflow file trustpub could not check",
        "trustpub could not read or parse this workflow file, so it cannot say whether it "
        "publishes with a token.",
        "Fix the file (GitHub cannot run it either), then run trustpub again.",
        "error",
        "code-scanning.md#unreadable-workflow",
    ),
)
RULE_INDEX = {rule["id"]: i for i, rule in enumerate(RULES)}


def sarif_document(repos: list[RepositoryResult]) -> dict[str, Any]:
    """One run: every repository's problems, their paths as the reports show them."""
    results = [_result(p) for repo in repos for p in problems(repo)]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "trustpub",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/trustpub/trustpub",
                        "rules": list(RULES),
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _result(problem: Problem) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": problem.line}
    if problem.column is not None:
        region["startColumn"] = problem.column
    return {
        "ruleId": problem.rule,
        "ruleIndex": RULE_INDEX[problem.rule],
        "level": "error",
        "message": {
            "text": problem.message + ".",
            "markdown": f"{problem.message}.\n\n{problem.help}",
        },
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(problem.path)},
                    "region": region,
                },
                **({"logicalLocations": [_job(problem.job)]} if problem.job else {}),
            }
        ],
        "partialFingerprints": {FINGERPRINT: problem.fingerprint},
    }


def _job(job: str) -> dict[str, str]:
    return {"name": job, "kind": "function", "fullyQualifiedName": f"jobs.{job}"}
