"""`--format github`: GitHub Actions workflow commands, so each problem is an annotation on its
workflow line (`::error file=...,line=...,col=...::...`)."""

from __future__ import annotations

from trustpub.report.problems import NOT_AUTO_MIGRATABLE, TOKEN_PUBLISHING, problems
from trustpub.repository import RepositoryResult

TITLES = {
    TOKEN_PUBLISHING: "trustpub: PyPI token upload",
    NOT_AUTO_MIGRATABLE: "trustpub: PyPI token upload to migrate by hand",
}


def workflow_commands(repo: RepositoryResult) -> list[str]:
    """One `::error` command per problem of the repository."""
    lines = []
    for problem in problems(repo):
        where = f"file={_property(problem.path)},line={problem.line}"
        if problem.column is not None:
            where += f",col={problem.column}"
        title = TITLES.get(problem.rule, "trustpub: workflow not checked")
        text = f"{problem.message}.\n{problem.help}"
        lines.append(f"::error {where},title={_property(title)}::{_data(text)}")
    return lines


def _data(text: str) -> str:
    """Escaped as the runner unescapes a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
