"""Write the documentation pages made from trustpub's own output, so they can never drift.

    python scripts/make_docs.py          # rewrite docs/gallery.md and docs/pull-request.md
    python scripts/make_docs.py --check  # exit 1 if either is out of date (tests run this)

docs/gallery.md: one real-shaped example per upload tool and per action, each a fixture of
`fixtures/` run through the engine: the before workflow's diff and what the report says.
docs/pull-request.md: the pull request the bot opens for the demo repository, as a maintainer
reads it on GitHub.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from trustpub.bot.body import DEFAULT_TEMPLATE, render_body
from trustpub.bot.defaults import DEFAULT_BRANCH, DEFAULT_TITLE
from trustpub.project import ProjectName
from trustpub.report.facts import describe_skip, unified_diff
from trustpub.repository import ExistingSecret, GitHubCheck, migrate_repository
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import Options, RewriteResult

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
GALLERY = ROOT / "docs" / "gallery.md"
PULL_REQUEST = ROOT / "docs" / "pull-request.md"
CONFIGURATION = ROOT / "docs" / "configuration.md"
WORKFLOW = ".github/workflows/release.yml"


@dataclass(frozen=True)
class Example:
    title: str
    fixture: str  # a directory of fixtures/ with before.yml and case.toml


EXAMPLES = (
    Example(
        "pypa/gh-action-pypi-publish after the build, in one job (the default)",
        "split/build-and-publish-single-index",
    ),
    Example("pypa/gh-action-pypi-publish with --keep-build-in-job", "rewrite/user-and-password"),
    Example("Already trusted publishing: the Packaging Guide's workflow", "split/pypa-guide"),
    Example("Build and upload in one job, to TestPyPI and PyPI", "split/both-indexes-one-job"),
    Example("twine with TWINE_USERNAME and TWINE_PASSWORD", "tools/twine-step-env"),
    Example("twine with the password on the command line", "tools/twine-flags-plain"),
    Example("uv publish with UV_PUBLISH_TOKEN", "tools/uv-publish-token-env"),
    Example("pdm publish to TestPyPI", "tools/pdm-env-testpypi"),
    Example("poetry publish (poetry cannot use trusted publishing)", "tools/poetry-publish-split"),
    Example("A poetry publishing action", "tools/poetry-action-build-and-publish"),
    Example("hatch publish (hatch cannot use trusted publishing)", "tools/hatch-publish-split"),
    Example("flit publish (flit cannot use trusted publishing)", "tools/flit-publish-split"),
    Example("maturin upload", "tools/maturin-upload-run"),
    Example("PyO3/maturin-action with command: upload", "tools/maturin-action-upload"),
    Example("Left alone: an upload to another index", "tools/skip-other-index"),
    Example("Left alone: an upload hidden in a make target", "tools/skip-hidden-in-make"),
)


def _case(fixture: str) -> tuple[str, Options, str]:
    """The case's explanation (its leading comment), options and project name."""
    text = (FIXTURES / fixture / "case.toml").read_text(encoding="utf-8")
    comment = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comment.append(line.lstrip("#").strip())
    data = tomllib.loads(text)
    return " ".join(comment), Options(**data.get("options", {})), data.get("project", "example")


def _rewrite(fixture: str) -> tuple[str, RewriteResult]:
    explanation, options, project = _case(fixture)
    before = (FIXTURES / fixture / "before.yml").read_text(encoding="utf-8")

    def lookup(directory: str) -> ProjectName:
        return ProjectName(project, "pyproject.toml [project].name")

    return explanation, rewrite_workflow(before, WORKFLOW, lookup, options)


def gallery() -> str:
    lines = [
        "# Before and after: one example per upload tool and action",
        "",
        "<!-- Made by scripts/make_docs.py from fixtures/ (tests check it is current). -->",
        "",
        "Each example is a fixture of the test suite, run through trustpub's engine: the diff",
        "`trustpub diff` prints, then what the report says about it. Options other than the",
        "defaults are named. The full list of shapes is in `fixtures/`.",
        "",
    ]
    lines += [f"- [{e.title}](#{_anchor(e.title)})" for e in EXAMPLES]
    for example in EXAMPLES:
        explanation, result = _rewrite(example.fixture)
        lines += ["", f"## {example.title}", "", explanation, ""]
        _, options, _ = _case(example.fixture)
        chosen = [
            f"`--{name.replace('_', '-')}`"
            for name, value in vars(options).items()
            if value is True and value != getattr(Options(), name)
        ]
        if chosen:
            lines += ["Options: " + ", ".join(chosen) + ".", ""]
        lines += [f"Fixture: `fixtures/{example.fixture}`. Outcome: **{result.status.value}**.", ""]
        diff = unified_diff(result)
        if diff:
            lines += ["```diff", diff.rstrip("\n"), "```", ""]
        else:
            lines += ["The workflow is left exactly as it is.", ""]
        told = [f"- job `{c.job}`: {c.description}" for c in result.changes]
        told += [f"- note: {n.message}" for n in result.notes]
        told += [f"- {describe_skip(WORKFLOW, s, code=True)}" for s in result.skips]
        if told:
            lines += ["The report says:", "", *told]
    text = "\n".join(lines).rstrip("\n") + "\n"
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def _anchor(title: str) -> str:
    kept = "".join(c for c in title.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def pull_request() -> str:
    demo = ROOT / "fixtures" / "demo"
    text = (demo / WORKFLOW).read_text(encoding="utf-8")

    def read(path: str) -> str | None:
        file = demo / path
        return file.read_text(encoding="utf-8") if file.is_file() else None

    result = migrate_repository("acme/widgets", {WORKFLOW: text}, read, Options())
    when = datetime(2026, 1, 31, 12, 0, tzinfo=timezone.utc)
    secret = ExistingSecret("PYPI_API_TOKEN", "repository", "acme/widgets", when)
    check = GitHubCheck("acme/widgets", secrets_checked=True, existing_secrets=(secret,))
    result = replace(result, on_github=check)
    body = render_body(DEFAULT_TEMPLATE, "acme/widgets", "main", DEFAULT_BRANCH, result)
    return "\n".join(
        [
            "# The bot's pull request, as a maintainer sees it",
            "",
            "<!-- Made by scripts/make_docs.py from fixtures/demo (tests check it is current). -->",
            "",
            "`trustpub bot --repo acme/widgets` on the demo repository (`fixtures/demo`, where",
            "the secret `PYPI_API_TOKEN` exists) opens one pull request from the branch",
            f"`{DEFAULT_BRANCH}` to the default branch, with one commit that changes the",
            "workflow. Its title:",
            "",
            f"> {DEFAULT_TITLE}",
            "",
            "Its description, below the line, is exactly what trustpub writes (the hidden",
            "marker at its end lets later runs find and update this pull request). Change it",
            "with `--body-template FILE`.",
            "",
            "---",
            "",
            body.rstrip("\n"),
            "",
        ]
    )


CONFIGURATION_TEXT = """# Configuration

<!-- Made by scripts/make_docs.py from trustpub.settings.model (tests check it is current). -->

Every setting has a default; a file can change it, and a flag on the command line wins over
both. Two kinds of file:

- **`[tool.trustpub]` in a repository's `pyproject.toml`**: that repository's own settings,
  read by `check`, `diff`, `apply` (from the checkout) and by the bot (through the API, for
  repositories that still publish with a token).
- **`--config FILE`** (TOML) for a run over many repositories, or the bot: settings at its top
  level apply to every repository, and `[repositories."PATTERN"]` tables to some. A pattern is a
  glob matched against `OWNER/REPO` (case-insensitive) and against a checkout's path below the
  file's directory. A `pyproject.toml` works as `--config` too (its `[tool.trustpub]`).

For one repository, lowest first: the defaults, `--config`'s top level, the repository's own
`[tool.trustpub]`, the `--config` tables whose pattern names it (in file order), then the flags.

```toml
# trustpub.toml
pypi-environment = "release"
labels = ["ci"]
jobs = 4

[repositories."acme/widgets"]
project = "acme-widgets"         # when the packaging files do not say it

[repositories."acme/legacy-*"]
keep-build-in-job = true
ignore = [".github/workflows/nightly.yml"]   # left alone, reported as ignored
```

```toml
# pyproject.toml of one repository
[tool.trustpub]
add-testpypi = true
gate-pypi-on-testpypi = true
```

`check` never adds a TestPyPI job, whatever the files say: a repository already on trusted
publishing passes it.

An unknown key (trustpub suggests the closest), a key in the wrong place (a setting of the
whole run in `[tool.trustpub]`, `project` at the top of `--config`) or a value of the wrong type
stops the run before anything is read or written, with the file and the key:

```text
trustpub: error: trustpub.toml: key 'pypi-enviroment': unknown (did you mean 'pypi-environment'?)
```

A repository's own `[tool.trustpub]` with such a mistake fails that repository only; the others
go on.

## Keys

Where: *both* means `[tool.trustpub]` and the top of `--config`; *one repository* means
`[tool.trustpub]` and `--config`'s repository tables; *run* means the top of `--config`. A list
key takes a TOML list (`labels = ["ci"]`); a path is relative to the file it is in.

| key | flag | where | what |
| --- | --- | --- | --- |
"""


def configuration() -> str:
    from trustpub.settings.model import Settings, declared
    from trustpub.settings.spec import Files, file_key

    where = {
        Files.RUN: "run",
        Files.REPOSITORY: "both, and repository tables",
        Files.ONE_REPOSITORY: "one repository",
    }
    rows = []
    for name, spec in declared():
        if spec.files is Files.NONE:
            continue
        flags = sorted({d for f in spec.flags.values() for d in f.decls if d.startswith("--")})
        what = (
            next(iter(spec.flags.values())).help
            if spec.flags
            else (
                "Workflow path globs (e.g. `.github/workflows/nightly.yml`) left alone; their "
                "token uploads are reported as ignored."
            )
        )
        default = Settings.__dataclass_fields__[name].default
        shown = f" Default: `{default}`." if default not in (None, (), False, "") else ""
        flag = ", ".join(f"`{f}`" for f in flags) or "(none)"
        rows.append(f"| `{file_key(name)}` | {flag} | {where[spec.files]} | {what}{shown} |")
    return CONFIGURATION_TEXT + "\n".join(rows) + "\n"


PAGES = {GALLERY: gallery, PULL_REQUEST: pull_request, CONFIGURATION: configuration}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether a page is stale")
    args = parser.parse_args()
    stale = []
    for page, make in PAGES.items():
        text = make()
        current = page.read_text(encoding="utf-8") if page.exists() else None
        if text != current:
            stale.append(page.relative_to(ROOT).as_posix())
            if not args.check:
                page.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)} (run python scripts/make_docs.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
