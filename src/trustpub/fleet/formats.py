"""The fleet formats for files and programs: JSON Lines, Markdown and SARIF, streamed.

JSON Lines: one `repository` object per repository as it finishes, then one `summary` object
(the schema is documented in README.md). Markdown: a section per repository with something to
say, then a summary table. SARIF (`check`): one document at the end.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from trustpub.fleet.display import FleetOutput, TextOutput, closing_notes, write
from trustpub.fleet.runner import RepositoryReport
from trustpub.fleet.tally import Row, Tally
from trustpub.report.data import SCHEMA_VERSION, repository_json
from trustpub.report.github import workflow_commands
from trustpub.report.markdown import repository_markdown
from trustpub.report.paths import shown
from trustpub.report.sarif import sarif_document
from trustpub.repository import RepositoryResult

LINES_SCHEMA = "https://github.com/trustpub/trustpub/schema/report-lines"


class JsonLinesOutput(FleetOutput):
    """One JSON object per line: a `repository` object each, then one `summary` object."""

    def repository(self, report: RepositoryReport, row: Row) -> None:
        document = {
            "type": "repository",
            "schema": LINES_SCHEMA,
            "version": SCHEMA_VERSION,
            **repository_json(report.result, report.github),
        }
        write(json.dumps(document) + "\n")

    def finish(self, tally: Tally, state: Path | None) -> None:
        summary = {
            "type": "summary",
            "schema": LINES_SCHEMA,
            "version": SCHEMA_VERSION,
            "command": self.command,
            "repositories": tally.total,
            "outcomes": {outcome: n for outcome, n in sorted(tally.counts.items())},
            "files_changed": tally.files_changed,
            "publishers": tally.publishers,
            "obsolete_secrets": tally.obsolete_secrets,
            "not_run": tally.not_run,
            "interrupted": tally.interrupted,
            "exit_code": tally.exit_code(),
        }
        write(json.dumps(summary) + "\n")
        for line in closing_notes(tally, state):
            sys.stderr.write(line + "\n")


class MarkdownOutput(FleetOutput):
    def start(self) -> None:
        write(f"# trustpub {self.command}\n\n")

    def repository(self, report: RepositoryReport, row: Row) -> None:
        if row.outcome != "unchanged":
            write(repository_markdown(shown(report.root, report.result), report.github) + "\n")

    def finish(self, tally: Tally, state: Path | None) -> None:
        lines = ["## Summary", ""]
        if tally.rows:
            lines += [
                "| repository | outcome | files changed | publishers to register "
                "| obsolete secrets | details |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
            lines += [
                f"| `{r.repository}` | {r.outcome} | {r.files_changed} | {r.publishers} "
                f"| {', '.join(f'`{s}`' for s in r.obsolete_secrets)} | {_cell(r.detail)} |"
                for r in tally.rows
            ]
            lines.append("")
        lines += [f"{tally.total:,} repositories: {tally.counts_text()}.", ""]
        lines += [f"{note}" for note in closing_notes(tally, state)]
        write("\n".join(lines).rstrip("\n") + "\n")


class SarifOutput(FleetOutput):
    """One SARIF document at the end; only repositories with findings are kept until then."""

    def __init__(self, command: str, console: Console, quiet: bool, progress_shown: bool) -> None:
        super().__init__(command, console, quiet, progress_shown)
        self._found: list[RepositoryResult] = []

    def repository(self, report: RepositoryReport, row: Row) -> None:
        result = report.result
        if result.token_publishing_remains or any(f.failure for f in result.files):
            self._found.append(shown(report.root, result))

    def finish(self, tally: Tally, state: Path | None) -> None:
        document: dict[str, Any] = sarif_document(self._found)
        write(json.dumps(document, indent=2) + "\n")


class GitHubOutput(FleetOutput):
    """Workflow commands: an `::error` annotation per problem, as each repository finishes."""

    def repository(self, report: RepositoryReport, row: Row) -> None:
        lines = workflow_commands(shown(report.root, report.result))
        if lines:
            write("\n".join(lines) + "\n")

    def finish(self, tally: Tally, state: Path | None) -> None:
        write(f"trustpub {self.command}: {tally.total:,} repositories: {tally.counts_text()}\n")
        for line in closing_notes(tally, state):
            write(line + "\n")


OUTPUTS: dict[str, type[FleetOutput]] = {
    "text": TextOutput,
    "json": JsonLinesOutput,
    "markdown": MarkdownOutput,
    "sarif": SarifOutput,
    "github": GitHubOutput,
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
