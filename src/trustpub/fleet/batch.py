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
from trustpub.report.paths import shown
from trustpub.report.text import print_diff, print_findings, print_report
from trustpub.repository import Outcome


def emit(out: Output, reports: list[RepositoryReport], command: str, fmt: str) -> None:
    # Each format's renderer is imported only when it is asked for: start-up counts here.
    if fmt == "json":  # programs get the repository-relative paths, beside each checkout's name
        from trustpub.report.data import report_document

        document = report_document([(r.result, r.github) for r in reports])
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return
    results = [shown(r.root, r.result) for r in reports]
    if fmt == "markdown":
        from trustpub.report.markdown import repository_markdown

        sys.stdout.write(
            "\n".join(
                repository_markdown(res, r.github) for res, r in zip(results, reports, strict=True)
            )
        )
    elif fmt == "sarif":
        from trustpub.report.sarif import sarif_document

        sys.stdout.write(json.dumps(sarif_document(results), indent=2) + "\n")
    elif fmt == "github":
        from trustpub.report.github import workflow_commands

        for result in results:
            for line in workflow_commands(result):
                out.line(line)
        _summary(out, reports)
    else:
        for number, (result, report) in enumerate(zip(results, reports, strict=True)):
            if len(reports) > 1:  # which checkout the lines below belong to
                blank = "\n" if number else ""
                out.line(f"{blank}{result.name}: {result.outcome.value}", "bold")
            if command == "check":
                print_findings(out, result)
            else:
                print_diff(out, result)
            print_report(out, result, report.github)
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
