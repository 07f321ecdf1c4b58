"""Write a deterministic synthetic fleet of checkouts for the benchmark.

    python bench/fleet.py [OUT] [--repos 2000] [--seed 0]

Each repository gets `.git/` (HEAD and a config with a github.com origin: no `git init`),
`pyproject.toml`, and 2 to 8 workflow files (5 on average). About 5% of the workflow files upload
to PyPI with a token, in the styles found in real repositories: the PyPA action with a password
(block or flow `with:`, TestPyPI too), twine with TWINE_PASSWORD, `uv publish --token`, poetry
publish; with 2- or 4-space indentation, indented or flat sequences, comments and blank lines.
About 1% already use trusted publishing. The rest are ordinary CI workflows. Same seed, same bytes.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

MARKER = ".trustpub-bench-fleet"
ORGS = 20
TOKEN_REPO_SHARE = 0.25  # one token publisher in a quarter of the repos: ~5% of the files
MIGRATED_REPO_SHARE = 0.05


# -- a tiny YAML writer with per-file style -----------------------------------------------------


@dataclass(frozen=True)
class Style:
    indent: int  # 2 or 4
    indented_sequences: bool  # `steps:\n  - x` or `steps:\n- x`
    flow_with: bool  # `with: {a: b}` where a step has few inputs
    crlf: bool
    final_newline: bool


class Map(list[tuple[str, object]]):
    """A mapping in order; the key "#" is an own-line comment, "" a blank line."""


class Flow(dict[str, str]):
    """A mapping written on one line."""


class Block(str):
    """A `|` block scalar."""


def emit(node: Map, style: Style) -> str:
    lines: list[str] = []
    _mapping(node, 0, style, lines)
    newline = "\r\n" if style.crlf else "\n"
    text = newline.join(lines)
    return text + newline if style.final_newline else text


def _mapping(node: Map, column: int, style: Style, out: list[str], first: str = "") -> None:
    pad = " " * column
    for i, (key, value) in enumerate(node):
        lead = first if i == 0 and first else pad
        if key == "#":
            out.append(f"{lead}# {value}")
        elif key == "":
            out.append("")
        elif isinstance(value, Map):
            out.append(f"{lead}{key}:")
            _mapping(value, column + style.indent, style, out)
        elif isinstance(value, list):
            out.append(f"{lead}{key}:")
            dash = column + (style.indent if style.indented_sequences else 0)
            _sequence(value, dash, style, out)
        elif isinstance(value, Flow):
            items = ", ".join(f"{k}: {v}" for k, v in value.items())
            out.append(f"{lead}{key}: {{{items}}}")
        elif isinstance(value, Block):
            out.append(f"{lead}{key}: |")
            out.extend(" " * (column + style.indent) + line for line in value.splitlines())
        else:
            out.append(f"{lead}{key}: {value}" if value != "" else f"{lead}{key}:")


def _sequence(items: list[object], column: int, style: Style, out: list[str]) -> None:
    for item in items:
        if isinstance(item, Map):
            _mapping(item, column + 2, style, out, first=" " * column + "- ")
        else:
            out.append(" " * column + f"- {item}")


# -- workflow templates ---------------------------------------------------------------------------

CHECKOUT = ("actions/checkout@v4", "actions/checkout@v3", "actions/checkout@v2")
SETUP = ("actions/setup-python@v5", "actions/setup-python@v4")
PYTHONS = ("'3.9'", "'3.10'", "'3.11'", "'3.12'", "'3.13'")


def _with(inputs: dict[str, str], style: Style, flow_ok: bool = True) -> object:
    if style.flow_with and flow_ok and len(inputs) <= 2:
        return Flow(inputs)
    return Map(inputs.items())


def _setup_steps(rng: random.Random, style: Style) -> list[object]:
    return [
        Map([("uses", rng.choice(CHECKOUT))]),
        Map(
            [
                ("name", "Set up Python"),
                ("uses", rng.choice(SETUP)),
                ("with", _with({"python-version": rng.choice(PYTHONS)}, style)),
            ]
        ),
    ]


def tests_workflow(rng: random.Random, style: Style, name: str) -> Map:
    steps = _setup_steps(rng, style)
    steps[1] = Map(
        [
            ("name", "Set up Python ${{ matrix.python-version }}"),
            ("uses", rng.choice(SETUP)),
            ("with", _with({"python-version": "${{ matrix.python-version }}"}, style, False)),
        ]
    )
    steps.append(Map([("name", "Install"), ("run", "python -m pip install -e .[test]")]))
    steps.append(Map([("name", "Run tests"), ("run", "pytest -q --cov")]))
    if rng.random() < 0.4:
        steps.append(
            Map(
                [
                    ("name", "Upload coverage to Codecov"),
                    ("uses", "codecov/codecov-action@v4"),
                    ("with", Map([("token", "${{ secrets.CODECOV_TOKEN }}")])),
                ]
            )
        )
    pythons = rng.sample(PYTHONS, rng.randint(2, 5))
    job = Map(
        [
            ("runs-on", "${{ matrix.os }}"),
            (
                "strategy",
                Map(
                    [
                        ("fail-fast", "false"),
                        (
                            "matrix",
                            Map(
                                [
                                    ("os", "[ubuntu-latest, macos-latest, windows-latest]"),
                                    ("python-version", f"[{', '.join(sorted(pythons))}]"),
                                ]
                            ),
                        ),
                    ]
                ),
            ),
            ("steps", steps),
        ]
    )
    return Map(
        [
            ("name", name),
            ("", None),
            ("on", Map([("push", Map([("branches", "[main]")])), ("pull_request", "")])),
            ("", None),
            ("jobs", Map([("test", job)])),
        ]
    )


def lint_workflow(rng: random.Random, style: Style, name: str) -> Map:
    steps = _setup_steps(rng, style)
    steps.append(Map([("uses", "pre-commit/action@v3.0.1")]))
    if rng.random() < 0.5:
        steps.append(Map([("run", Block("pip install ruff mypy\nruff check .\nmypy src"))]))
    return Map(
        [
            ("#", "Static checks"),
            ("name", name),
            ("on", "[push, pull_request]"),
            ("permissions", Map([("contents", "read")])),
            ("jobs", Map([("lint", Map([("runs-on", "ubuntu-latest"), ("steps", steps)]))])),
        ]
    )


def docs_workflow(rng: random.Random, style: Style, name: str) -> Map:
    steps = _setup_steps(rng, style)
    steps.append(Map([("run", Block("pip install -e .[docs]\nsphinx-build -W docs docs/_build"))]))
    steps.append(
        Map(
            [
                ("uses", "actions/upload-pages-artifact@v3"),
                ("with", _with({"path": "docs/_build"}, style)),
            ]
        )
    )
    deploy = Map(
        [
            ("needs", "build"),
            ("runs-on", "ubuntu-latest"),
            ("permissions", Map([("pages", "write"), ("id-token", "write")])),
            ("environment", Map([("name", "github-pages")])),
            ("steps", [Map([("uses", "actions/deploy-pages@v4")])]),
        ]
    )
    build = Map([("runs-on", "ubuntu-latest"), ("steps", steps)])
    return Map(
        [
            ("name", name),
            ("on", Map([("push", Map([("branches", "[main]")]))])),
            ("jobs", Map([("build", build), ("", None), ("deploy", deploy)])),
        ]
    )


def wheels_workflow(rng: random.Random, style: Style, name: str) -> Map:
    steps = [
        Map([("uses", rng.choice(CHECKOUT))]),
        Map([("uses", "pypa/cibuildwheel@v2.22"), ("env", Map([("CIBW_SKIP", "pp*")]))]),
        Map(
            [
                ("uses", "actions/upload-artifact@v4"),
                ("with", Map([("name", "wheels-${{ matrix.os }}"), ("path", "wheelhouse/*.whl")])),
            ]
        ),
    ]
    job = Map(
        [
            ("name", "Wheels on ${{ matrix.os }}"),
            ("runs-on", "${{ matrix.os }}"),
            ("strategy", Map([("matrix", Map([("os", "[ubuntu-latest, macos-14]")]))])),
            ("steps", steps),
        ]
    )
    return Map([("name", name), ("on", "[push, pull_request]"), ("jobs", Map([("wheels", job)]))])


def housekeeping_workflow(rng: random.Random, style: Style, name: str) -> Map:
    kind = rng.choice(("stale", "labeler", "codeql", "automerge"))
    if kind == "stale":
        step = Map(
            [
                ("uses", "actions/stale@v9"),
                ("with", _with({"days-before-stale": "60", "stale-issue-label": "stale"}, style)),
            ]
        )
        on: object = Map([("schedule", [Map([("cron", "'30 1 * * *'")])])])
    elif kind == "labeler":
        step = Map([("uses", "actions/labeler@v5")])
        on = "pull_request_target"
    elif kind == "codeql":
        analyze = "github/codeql-action/analyze@v3"
        step = Map([("uses", analyze), ("with", _with({"category": "py"}, style))])
        on = Map([("push", Map([("branches", "[main]")])), ("schedule", "[{cron: '0 3 * * 1'}]")])
    else:
        step = Map(
            [
                ("run", 'gh pr merge --auto --squash "$PR_URL"'),
                (
                    "env",
                    Map(
                        [
                            ("PR_URL", "${{ github.event.pull_request.html_url }}"),
                            ("GH_TOKEN", "${{ secrets.GITHUB_TOKEN }}"),
                        ]
                    ),
                ),
            ]
        )
        on = "pull_request"
    job = Map([("runs-on", "ubuntu-latest"), ("steps", [step])])
    return Map([("name", name), ("on", on), ("jobs", Map([(kind, job)]))])


ORDINARY = (
    ("tests.yml", "Tests", tests_workflow),
    ("lint.yml", "Lint", lint_workflow),
    ("docs.yml", "Documentation", docs_workflow),
    ("wheels.yml", "Build wheels", wheels_workflow),
    ("stale.yml", "Housekeeping", housekeeping_workflow),
    ("ci.yaml", "CI", tests_workflow),
    ("nightly.yml", "Nightly", tests_workflow),
    ("pre-commit.yml", "pre-commit", lint_workflow),
)


def _build_steps(rng: random.Random, style: Style) -> list[object]:
    steps = _setup_steps(rng, style)
    steps.append(
        Map(
            [
                ("name", "Build sdist and wheel"),
                ("run", Block("python -m pip install --upgrade build\npython -m build")),
            ]
        )
    )
    return steps


def _release_on(rng: random.Random) -> object:
    return rng.choice(
        (
            Map([("release", Map([("types", "[published]")]))]),
            Map([("push", Map([("tags", "['v*']")]))]),
        )
    )


def token_publisher(rng: random.Random, style: Style, secret: str) -> Map:
    kind = rng.choice(("pypa", "pypa", "pypa-testpypi", "twine", "uv", "poetry"))
    steps = _build_steps(rng, style)
    if kind == "pypa":
        inputs = {"user": "__token__", "password": f"${{{{ secrets.{secret} }}}}"}
        with_: object = (
            Flow({"user": "__token__", "password": f"'${{{{ secrets.{secret} }}}}'"})
            if style.flow_with
            else Map([("#", "the API token is a repository secret"), *inputs.items()])
        )
        ref = rng.choice(("release/v1", "v1.12.4", "master"))
        steps.append(
            Map(
                [
                    ("name", "Publish to PyPI"),
                    ("uses", f"pypa/gh-action-pypi-publish@{ref}"),
                    ("with", with_),
                ]
            )
        )
    elif kind == "pypa-testpypi":
        steps.append(
            Map(
                [
                    ("name", "Publish to TestPyPI"),
                    ("uses", "pypa/gh-action-pypi-publish@release/v1"),
                    (
                        "with",
                        Map(
                            [
                                ("password", "${{ secrets.TEST_PYPI_API_TOKEN }}"),
                                ("repository-url", "https://test.pypi.org/legacy/"),
                            ]
                        ),
                    ),
                ]
            )
        )
    elif kind == "twine":
        steps.append(
            Map(
                [
                    ("name", "Publish"),
                    (
                        "env",
                        Map(
                            [
                                ("TWINE_USERNAME", "__token__"),
                                ("TWINE_PASSWORD", f"${{{{ secrets.{secret} }}}}"),
                            ]
                        ),
                    ),
                    ("run", Block("pip install twine\ntwine upload dist/*")),
                ]
            )
        )
    elif kind == "uv":
        steps[1] = Map([("uses", "astral-sh/setup-uv@v5")])
        steps[2] = Map([("run", "uv build")])
        steps.append(Map([("run", f"uv publish --token ${{{{ secrets.{secret} }}}}")]))
    else:
        steps.append(Map([("run", "pip install poetry")]))
        steps.append(
            Map(
                [
                    ("name", "Publish with poetry"),
                    ("run", f"poetry publish --build -u __token__ -p ${{{{ secrets.{secret} }}}}"),
                ]
            )
        )
    job = Map([("runs-on", "ubuntu-latest"), ("steps", steps)])
    if rng.random() < 0.5:
        job.insert(0, ("if", "startsWith(github.ref, 'refs/tags/')"))
    return Map(
        [
            ("#", "Build and upload to PyPI when a release is published"),
            ("name", "Release 🚀" if rng.random() < 0.1 else "Release"),
            ("", None),
            ("on", _release_on(rng)),
            ("", None),
            ("jobs", Map([("deploy", job)])),
        ]
    )


def migrated_publisher(rng: random.Random, style: Style, project: str) -> Map:
    steps = _build_steps(rng, style)
    steps.append(Map([("uses", "pypa/gh-action-pypi-publish@release/v1")]))
    job = Map(
        [
            ("runs-on", "ubuntu-latest"),
            ("environment", Map([("name", "pypi"), ("url", f"https://pypi.org/p/{project}")])),
            ("permissions", Map([("id-token", "write  # trusted publishing")])),
            ("steps", steps),
        ]
    )
    return Map([("name", "Publish"), ("on", _release_on(rng)), ("jobs", Map([("pypi", job)]))])


# -- the fleet ------------------------------------------------------------------------------------


@dataclass
class FleetStats:
    repositories: int = 0
    workflows: int = 0
    token_publishers: int = 0
    migrated: int = 0
    bytes: int = 0


def write_repository(root: Path, index: int, rng: random.Random, stats: FleetStats) -> None:
    org = f"org-{index % ORGS:02d}"
    name = f"repo-{index:05d}"
    project = f"bench-{name}"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".git" / "config").write_text(
        '[core]\n\trepositoryformatversion = 0\n[remote "origin"]\n'
        f"\turl = https://github.com/{org}/{name}.git\n"
    )
    if rng.random() < 0.2:
        pyproject = f'[tool.poetry]\nname = "{project}"\nversion = "1.0.0"\n'
    else:
        pyproject = f'[project]\nname = "{project}"\nversion = "1.0.0"\n'
    (root / "pyproject.toml").write_text(pyproject)
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    count = rng.choice((2, 3, 4, 5, 5, 6, 7, 8))
    files: dict[str, str] = {}
    for filename, title, template in rng.sample(ORDINARY, count):
        style = _style(rng)
        files[filename] = emit(template(rng, style, title), style)
    roll = rng.random()
    if roll < TOKEN_REPO_SHARE:
        secret = rng.choice(("PYPI_API_TOKEN", "PYPI_TOKEN", "PYPI_PASSWORD"))
        style = _style(rng)
        files.pop(next(iter(files)))  # keep the file count near the same mean
        files["release.yml"] = emit(token_publisher(rng, style, secret), style)
        stats.token_publishers += 1
    elif roll < TOKEN_REPO_SHARE + MIGRATED_REPO_SHARE:
        style = _style(rng)
        files.pop(next(iter(files)))
        files["publish.yml"] = emit(migrated_publisher(rng, style, project), style)
        stats.migrated += 1
    for filename, text in files.items():
        data = text.encode("utf-8")
        (workflows / filename).write_bytes(data)
        stats.workflows += 1
        stats.bytes += len(data)
    stats.repositories += 1


def _style(rng: random.Random) -> Style:
    return Style(
        indent=rng.choice((2, 2, 2, 4)),
        indented_sequences=rng.random() < 0.6,
        flow_with=rng.random() < 0.2,
        crlf=rng.random() < 0.02,
        final_newline=rng.random() < 0.95,
    )


def generate(out: Path, repositories: int = 2000, seed: int = 0) -> FleetStats:
    """(Re)create the fleet in `out`; refuses to delete a directory it did not create."""
    if out.exists():
        if not (out / MARKER).exists():
            raise SystemExit(f"{out} exists and is not a benchmark fleet; not touching it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text(f"repositories={repositories} seed={seed}\n")
    rng = random.Random(seed)
    stats = FleetStats()
    for index in range(repositories):
        root = out / f"org-{index % ORGS:02d}" / f"repo-{index:05d}"
        write_repository(root, index, random.Random(rng.getrandbits(64)), stats)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(Path(__file__).parent / "out" / "fleet"))
    parser.add_argument("--repos", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    stats = generate(Path(args.out), args.repos, args.seed)
    share = stats.token_publishers / max(stats.workflows, 1)
    print(
        f"{args.out}: {stats.repositories} repositories, {stats.workflows} workflow files "
        f"({stats.bytes / 1e6:.1f} MB), {stats.token_publishers} token publishers "
        f"({share:.1%}), {stats.migrated} already on trusted publishing"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
