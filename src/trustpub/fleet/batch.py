"""Output for a few repositories named on the command line: every report at once, at the end.

This is what `check`, `diff` and `apply` print for workflow files and single checkouts (one JSON
document, SARIF, Markdown or the human report); a directory of checkouts streams instead
(see `display.py`).
"""

from __future__ import annotations

import json
import sys

from trustpub.exit_codes import EXIT_CHANGES_NEEDED, EXIT_FAILED, EXIT_OK
from trustpub.fleet.runner import RepositoryReport
from trustpub.report.output import Output
from trustpub.report.text import print_diff, print_report
from trustpub.repository import Outcome


def emit(out: Output, reports: list[RepositoryReport], command: str, fmt: str) -> None:
    # Each format's renderer is imported only when it is asked for: start-up counts here.
    if fmt == "json":
        from trustpub.report.data import report_document

        document = report_document([(r.result, r.github) for r in reports])
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif fmt == "markdown":
        from trustpub.report.markdown import repository_markdown

        sys.stdout.write("\n".join(repository_markdown(r.result, r.github) for r in reports))
    elif fmt == "sarif":
        from trustpub.report.sarif import sarif_document

        sys.stdout.write(json.dumps(sarif_document([r.result for r in reports]), indent=2) + "\n")
    else:
        if command == "check":
            _print_findings(out, reports)
        for report in reports:
            if command != "check":
                print_diff(out, report.result)
            print_report(out, report.result, report.github)
        _summary(out, reports)


def exit_code(reports: list[RepositoryReport], command: str) -> int:
    if any(r.result.outcome is Outcome.FAILED for r in reports):
        return EXIT_FAILED
    if command == "check":
        needs_changes = any(r.result.token_publishing_remains for r in reports)
    else:
        needs_changes = command == "diff" and any(r.result.changed_files for r in reports)
    return EXIT_CHANGES_NEEDED if needs_changes else EXIT_OK


def _summary(out: Output, reports: list[RepositoryReport]) -> None:
    counts: dict[str, int] = {}
    for report in reports:
        outcome = report.result.outcome.value
        counts[outcome] = counts.get(outcome, 0) + 1
    parts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
    noun = "repository" if len(reports) == 1 else "repositories"
    out.line(f"\ntrustpub: {len(reports)} {noun}: {parts or 'nothing found'}", "bold")


def _print_findings(out: Output, reports: list[RepositoryReport]) -> None:
    for report in reports:
        for file in report.result.changed_files:
            for change in file.changes:
                out.line(
                    f"{file.path}:{change.line}: job {change.job}: "
                    f"token publishing: {change.description}"
                )
