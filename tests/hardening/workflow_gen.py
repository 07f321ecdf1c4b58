"""Hypothesis strategies: GitHub workflows that publish to PyPI, and what trustpub must do to them.

A `WorkflowCase` is a tree of styled YAML nodes (`yaml_text`) plus, for each job, what it is: a
bystander the engine must not touch, a publisher with a token (and the exact data its upload step
must become), or a job that already publishes with trusted publishing. `workflow_model` turns that
into the data the rewritten file must parse to.

Small strategies compose: a condition, a comment, a secret reference, a run command, a tool's
upload step, a job, a workflow; `mutations` then vary the text (line endings, BOM, final newline,
trailing whitespace, inserted comments).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from yaml_text import Entry, Item, Layout, Map, Node, Protected, Scalar, Seq, plain, render_lines

from trustpub.rewrite.result import Options

Draw = Callable[[st.SearchStrategy[Any]], Any]

PYPA = "pypa/gh-action-pypi-publish"
TESTPYPI_URL = "https://test.pypi.org/legacy/"
PYPI_URL = "https://upload.pypi.org/legacy/"
OTHER_URL = "https://pypi.example.org/legacy/"
PR_TRIGGERS = frozenset({"pull_request", "pull_request_review", "pull_request_review_comment"})


# -- small pieces ---------------------------------------------------------------------------------

COMMENT_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
    "#:-_{}[]'\"|>&*!%@`$,.?/\\=+~"
    "éüßçñøåÆ漢字かなд€™…—“”🚀👍🐍\u200b\u00a0"
)
UNICODE_NAMES = (
    "Release 🚀",
    "Publish to PyPI",
    "Déploiement",
    "發佈",
    "Build & upload",
    "Ünïcödé",
)


def _comments() -> st.SearchStrategy[str | None]:
    text = st.text(COMMENT_ALPHABET, max_size=24).filter(lambda t: "trustpub" not in t.lower())
    return st.one_of(st.none(), st.none(), st.none(), st.sampled_from(["", "why not", "🐍"]), text)


# Built once: hypothesis spends more on making a strategy than on drawing from it.
COMMENTS = _comments()
OWN_LINE_COMMENTS = st.lists(COMMENTS, max_size=2).map(
    lambda found: [c for c in found if c is not None]
)


def comments() -> st.SearchStrategy[str | None]:
    """An end-of-line or own-line comment's text, or None (most of the time)."""
    return COMMENTS


def own_line_comments() -> st.SearchStrategy[list[str]]:
    """Comment lines (or blank lines, for "") above an entry."""
    return OWN_LINE_COMMENTS


def entry(draw: Draw, key: str, value: Any) -> Entry:
    """An entry with maybe a comment after it and maybe comments above it."""
    return Entry(key, plain(value), draw(comments()), draw(own_line_comments()))


def styled(draw: Draw, text: str) -> Scalar:
    """A string scalar, plain or quoted."""
    return Scalar(text, draw(st.sampled_from(["plain", "plain", "single", "double"])))


def flow_or_block(draw: Draw, node: Node) -> Node:
    if isinstance(node, Map | Seq) and draw(st.booleans()):
        node.flow = True
    return node


@st.composite
def mapping(draw: Draw, items: list[tuple[str, Any]], shuffle: bool = True) -> Map:
    """A mapping of the given entries, maybe reordered, maybe commented, maybe in flow style."""
    if shuffle:
        items = draw(st.permutations(items))
    node = Map([entry(draw, k, v) for k, v in items])
    simple = all(
        isinstance(e.value, Scalar) and e.value.style in ("plain", "single", "double")
        for e in node.entries
    )
    if simple and len(items) <= 3 and draw(st.integers(0, 3)) == 0:
        node.flow = True
        for e in node.entries:
            e.comment, e.before = None, []
    return node


@dataclass(frozen=True)
class Condition:
    """An `if:` and whether it is false on every pull_request event."""

    text: str
    excludes_pull_requests: bool


CONDITIONS = (
    Condition("startsWith(github.ref, 'refs/tags/')", True),
    Condition("startsWith(github.ref, 'refs/tags/v')", True),
    Condition("github.event_name == 'release'", True),
    Condition("github.event_name == 'push'", True),
    Condition("github.ref == 'refs/heads/main'", True),
    Condition("${{ github.event_name == 'release' }}", True),
    Condition("github.event_name == 'push' && startsWith(github.ref, 'refs/tags')", True),
    Condition("github.ref_type == 'tag'", True),
    Condition("github.repository == 'acme/pkg'", False),
    Condition("github.repository_owner == 'acme' || github.event_name == 'release'", False),
    Condition("contains(github.ref, 'tags')", False),
    Condition("github.actor != 'dependabot[bot]'", False),
)


def conditions() -> st.SearchStrategy[Condition | None]:
    return st.one_of(st.none(), st.none(), st.sampled_from(CONDITIONS))


def condition_node(draw: Draw, condition: Condition) -> Scalar:
    if len(condition.text) > 40 and draw(st.booleans()):
        words = condition.text.split(" && ")
        if len(words) > 1:  # a folded `if: >-` over lines
            return Scalar(
                "\n".join(w if i == 0 else f"&& {w}" for i, w in enumerate(words)), "folded"
            )
    return styled(draw, condition.text)


SECRET_NAMES = ("PYPI_API_TOKEN", "PYPI_TOKEN", "PYPI_PASSWORD", "TEST_PYPI_API_TOKEN", "pypi_key")


@st.composite
def secret_reference(draw: Draw) -> tuple[str, str]:
    """(the expression text, the secret's name as GitHub lists it)."""
    name = draw(st.sampled_from(SECRET_NAMES))
    spelled = draw(
        st.sampled_from(
            ["${{ secrets.%s }}", "${{secrets.%s}}", "${{ secrets['%s'] }}", '${{ secrets["%s"] }}']
        )
    )
    return spelled % name, name.upper()


# -- steps that are not uploads ----------------------------------------------------------------


@st.composite
def step(draw: Draw, items: list[tuple[str, Any]]) -> Map:
    node = draw(mapping(items))
    node.flow = node.flow and len(items) <= 2
    return node


def checkout(draw: Draw) -> Map:
    items: list[tuple[str, Any]] = [("uses", "actions/checkout@v4")]
    if draw(st.booleans()):
        items.append(("with", draw(mapping([("persist-credentials", Scalar(False))]))))
    return draw(step(items))


def setup_python(draw: Draw) -> Map:
    version = Scalar(
        draw(st.sampled_from(["3.12", "3.x"])), draw(st.sampled_from(["single", "double"]))
    )
    return draw(
        step(
            [
                ("uses", "actions/setup-python@v5"),
                ("with", draw(mapping([("python-version", version)]))),
            ]
        )
    )


def build_steps(draw: Draw) -> list[Map]:
    run = draw(
        st.sampled_from(
            [
                Scalar("python -m pip install build\npython -m build\n", "literal"),
                Scalar("python -m build\n# the dists are in dist/\n", "literal"),
                Scalar("python -m build", "plain"),
                Scalar("pipx run build --sdist --wheel", "double"),
            ]
        )
    )
    name = draw(st.sampled_from(["Build", "Build 📦 dists"]))
    return [checkout(draw), setup_python(draw), draw(step([("name", name), ("run", run)]))]


def download_steps(draw: Draw, path: str = "dist/") -> list[Map]:
    inputs = draw(mapping([("name", "dist"), ("path", path)]))
    found = [draw(step([("uses", "actions/download-artifact@v4"), ("with", inputs)]))]
    if draw(st.booleans()):
        found.append(
            draw(step([("run", Scalar("ls -l dist/", draw(st.sampled_from(["plain", "single"]))))]))
        )
    return found


# -- uploads --------------------------------------------------------------------------------------


@dataclass
class Upload:
    """One upload step as generated, and what the engine must make of it."""

    tool: str
    kind: str  # pypi, testpypi, other
    setup: list[Map]  # steps before it that install the tool (never edited)
    step: Map
    after: list[Any]  # the data of the step(s) in its place once migrated in place
    moved: Any = None  # PyPA action (or the step taking over): the step of a new publish job
    job_env: dict[str, str] = field(default_factory=dict)  # credentials for the job's `env:`
    workflow_env: dict[str, str] = field(default_factory=dict)
    secrets: frozenset[str] = frozenset()
    packages_dir: str = "dist/"
    condition: Condition | None = None  # the step's own `if:`
    uses_token: bool = True
    linux_only: bool = False  # the PyPA action must run the upload (in this job)
    bash_only: bool = False  # its script continues lines with `\`, which PowerShell does not

    @property
    def is_pypa_action(self) -> bool:
        return self.tool == "pypa-action"


# (index, the input naming it, its URL)
PYPA_TARGETS = (
    ("pypi", None, None),
    ("pypi", "repository-url", PYPI_URL),
    ("testpypi", "repository-url", TESTPYPI_URL),
    ("testpypi", "repository_url", TESTPYPI_URL.rstrip("/")),
    ("other", "repository-url", OTHER_URL),
)


@st.composite
def pypa_upload(draw: Draw, token: bool = True, kinds: tuple[str, ...] = ()) -> Upload:
    """`pypa/gh-action-pypi-publish` with a password (or without: already trusted publishing),
    to any index (or to one of `kinds`)."""
    ref = draw(
        st.sampled_from(
            [
                "release/v1",
                "v1.12.4",
                "master",
                "v1.5.0",
                "76f52bc884231f62b9a034ebfe128415bbaabdfc",
            ]
        )
    )
    targets = [t for t in PYPA_TARGETS if not kinds or t[0] in kinds]
    kind, url_key, url = draw(st.sampled_from(targets))
    inputs: list[tuple[str, Any]] = []
    secrets: frozenset[str] = frozenset()
    if token:
        expression, name = draw(secret_reference())
        inputs.append(("password", styled(draw, expression)))
        secrets = frozenset({name})
        user = draw(st.sampled_from([None, "user", "username"]))
        if user:
            inputs.append((user, styled(draw, "__token__")))
    if url_key:
        inputs.append((url_key, styled(draw, url or "")))
    packages = draw(
        st.sampled_from([None, ("packages-dir", "dist/"), ("packages_dir", "wheelhouse/")])
    )
    if packages:
        inputs.append(packages)
    for key in draw(
        st.lists(
            st.sampled_from(["skip-existing", "skip_existing", "verbose", "print-hash"]),
            unique=True,
            max_size=2,
        )
    ):
        if not (key.replace("_", "-") in dict(inputs) or key.replace("-", "_") in dict(inputs)):
            inputs.append((key, Scalar(True)))
    condition = draw(conditions())
    comment = "v1.12.4" if len(ref) == 40 else None
    items: list[tuple[str, Any]] = [("uses", f"{PYPA}@{ref}")]
    if draw(st.booleans()):
        items.insert(0, ("name", draw(st.sampled_from(["Publish to PyPI", "Publish 🐍"]))))
    if condition:
        items.append(("if", condition_node(draw, condition)))
    if inputs:
        items.append(("with", draw(mapping(inputs))))
    node = draw(step(items))
    if comment and (uses := node.entry("uses")) and not node.flow:
        uses.comment = comment
    after = _pypa_after(node.data(), token)
    moved = {k: v for k, v in after.items() if k != "if"}
    packages_dir = str(dict(inputs).get("packages-dir", dict(inputs).get("packages_dir", "dist/")))
    return Upload(
        "pypa-action",
        kind,
        [],
        node,
        [after],
        moved,
        secrets=secrets,
        packages_dir=packages_dir,
        condition=condition,
        uses_token=token,
        linux_only=True,
    )


def _pypa_after(data: dict[str, Any], token: bool) -> dict[str, Any]:
    """What the engine makes of a PyPA action step with a token: inputs out, names kebab-case."""
    if not token:
        return data
    after = dict(data)
    if after["uses"].endswith("@master"):
        after["uses"] = after["uses"].replace("@master", "@release/v1")
    inputs = {
        k: v for k, v in data.get("with", {}).items() if k not in ("user", "username", "password")
    }
    kebab = {}
    for key, value in inputs.items():
        new = key.replace("_", "-")
        if new == key or new not in inputs:
            kebab[new] = value
    if kebab:
        after["with"] = kebab
    else:
        after.pop("with", None)
    return after


# -- run tools ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A piece of a command line, with the separator before it; credentials go, the rest stays."""

    text: str
    credential: bool = False


@dataclass(frozen=True)
class RunTool:
    name: str
    programs: tuple[str, ...]  # the upload command, e.g. "python -m twine upload"
    setups: tuple[str, ...]  # an install command run in a step before
    flag_credentials: tuple[tuple[str, ...], ...]  # e.g. ("-u __token__", "-p {secret}")
    env_credentials: tuple[
        tuple[tuple[str, str], ...], ...
    ]  # e.g. (("TWINE_PASSWORD", "{secret}"),)
    indexes: tuple[tuple[str, str], ...]  # (flag text, index kind)
    index_env: tuple[tuple[tuple[str, str], str], ...] = ()  # ((name, value), kind)
    extra_flags: tuple[str, ...] = ()
    files: tuple[str, ...] = ("",)
    handover: bool = False  # poetry, hatch, flit: the PyPA action takes over


RUN_TOOLS = (
    RunTool(
        "twine",
        ("twine upload", "python -m twine upload", "python3 -m twine upload"),
        ("python -m pip install --upgrade twine", "pip install twine"),
        (
            ("-u __token__", "-p {secret}"),
            ("--username __token__", "--password {secret}"),
            ("--password={secret}",),
        ),
        (
            (("TWINE_USERNAME", "__token__"), ("TWINE_PASSWORD", "{secret}")),
            (("TWINE_PASSWORD", "{secret}"),),
        ),
        (
            ("", "pypi"),
            ("-r testpypi", "testpypi"),
            ("--repository testpypi", "testpypi"),
            (f"--repository-url {TESTPYPI_URL}", "testpypi"),
            (f"--repository-url {PYPI_URL}", "pypi"),
            ("-r pypi", "pypi"),
            (f"--repository-url {OTHER_URL}", "other"),
        ),
        ((("TWINE_REPOSITORY_URL", TESTPYPI_URL), "testpypi"),),
        ("--skip-existing", "--verbose", "--non-interactive"),
        ("dist/*", "dist/*.whl dist/*.tar.gz"),
    ),
    RunTool(
        "uv",
        ("uv publish",),
        ("pip install uv",),
        (("--token {secret}",), ("-t {secret}",), ("--username __token__", "--password {secret}")),
        (
            (("UV_PUBLISH_TOKEN", "{secret}"),),
            (("UV_PUBLISH_USERNAME", "__token__"), ("UV_PUBLISH_PASSWORD", "{secret}")),
        ),
        (
            ("", "pypi"),
            (f"--publish-url {TESTPYPI_URL}", "testpypi"),
            (f"--publish-url {OTHER_URL}", "other"),
        ),
        ((("UV_PUBLISH_URL", TESTPYPI_URL), "testpypi"),),
        ("--verbose",),
        ("", "dist/*"),
    ),
    RunTool(
        "pdm",
        ("pdm publish",),
        ("pip install pdm",),
        (("--username __token__", "--password {secret}"), ("-u __token__", "-P {secret}")),
        (
            (("PDM_PUBLISH_PASSWORD", "{secret}"),),
            (("PDM_PUBLISH_USERNAME", "__token__"), ("PDM_PUBLISH_PASSWORD", "{secret}")),
        ),
        (("", "pypi"), ("-r testpypi", "testpypi"), (f"-r {OTHER_URL}", "other")),
        (),
        ("--no-build", "--skip-existing"),
    ),
    RunTool(
        "maturin",
        ("maturin upload", "maturin publish"),
        ("pip install maturin",),
        (("--username __token__", "--password {secret}"), ("-u __token__", "-p {secret}")),
        (
            (("MATURIN_PYPI_TOKEN", "{secret}"),),
            (("MATURIN_USERNAME", "__token__"), ("MATURIN_PASSWORD", "{secret}")),
        ),
        (("", "pypi"), ("-r testpypi", "testpypi"), (f"--repository-url {OTHER_URL}", "other")),
        (),
        ("--skip-existing", "--non-interactive"),
    ),
    RunTool(
        "poetry",
        ("poetry publish --build", "poetry publish"),
        ("pipx install poetry", "pip install poetry"),
        (("-u __token__", "-p {secret}"), ("--username __token__", "--password {secret}")),
        ((("POETRY_PYPI_TOKEN_PYPI", "{secret}"),),),
        (("", "pypi"),),
        handover=True,
    ),
    RunTool(
        "hatch",
        ("hatch publish",),
        ("pipx install hatch", "pip install hatch"),
        (("-u __token__", "-a {secret}"), ("--user __token__", "--auth {secret}")),
        (
            (("HATCH_INDEX_USER", "__token__"), ("HATCH_INDEX_AUTH", "{secret}")),
            (("HATCH_INDEX_AUTH", "{secret}"),),
        ),
        (("", "pypi"), ("-r test", "testpypi"), ("-r main", "pypi")),
        (),
        ("--no-prompt",),
        handover=True,
    ),
    RunTool(
        "flit",
        ("flit publish",),
        ("pip install flit",),
        (),
        ((("FLIT_USERNAME", "__token__"), ("FLIT_PASSWORD", "{secret}")),),
        (("", "pypi"),),
        ((("FLIT_INDEX_URL", TESTPYPI_URL), "testpypi"),),
        handover=True,
    ),
)


@st.composite
def shell_secret(draw: Draw, expression: str) -> str:
    quote = draw(st.sampled_from(["", '"', "'"]))
    return f"{quote}{expression}{quote}"


@dataclass
class Command:
    parts: list[Part]

    def text(self, credentials: bool = True) -> str:
        return "".join(p.text for p in self.parts if credentials or not p.credential)


@st.composite
def command(
    draw: Draw,
    tool: RunTool,
    program: str,
    index: str,
    flags: tuple[str, ...],
    secret: str,
    separator: str,
) -> Command:
    """The upload command: program, then the index flag, extras and credentials in any order."""
    options = [Part(index)] if index else []
    options += (
        [
            Part(f)
            for f in draw(st.lists(st.sampled_from(tool.extra_flags), unique=True, max_size=2))
        ]
        if tool.extra_flags
        else []
    )
    quoted = draw(shell_secret(secret))
    options += [Part(f.format(secret=quoted), credential=True) for f in flags]
    options = draw(st.permutations(options))
    files = draw(st.sampled_from(tool.files))
    if files:
        options.insert(draw(st.integers(0, len(options))), Part(files))
    return Command([Part(program)] + [Part(separator + p.text, p.credential) for p in options])


@st.composite
def run_upload(draw: Draw, tool: RunTool, workflow_env: bool = True) -> Upload:
    program = draw(st.sampled_from(tool.programs))
    expression, secret_name = draw(secret_reference())
    index, kind = draw(st.sampled_from(tool.indexes))
    index_env: dict[str, str] = {}
    if not index and tool.index_env and draw(st.integers(0, 3)) == 0:
        (name, value), kind = draw(st.sampled_from(tool.index_env))
        index_env[name] = value
    via_flags = bool(tool.flag_credentials) and draw(st.booleans())
    flags = draw(st.sampled_from(tool.flag_credentials)) if via_flags else ()
    style = draw(st.sampled_from(["plain", "single", "double", "literal", "folded"]))
    separator = " "
    if style == "literal" and draw(st.booleans()):
        separator = " \\\n  "  # bash only: Windows runners run PowerShell
    elif style == "folded":
        separator = "\n"
    cmd = draw(command(tool, program, index, flags, expression, separator))
    if style == "double" and '"' in cmd.text():
        style = "single"  # escapes in a double-quoted script: trustpub refuses to edit those
    before_lines: list[str] = []
    after_lines: list[str] = []
    if style == "literal":
        before_lines = draw(
            st.lists(st.sampled_from([*tool.setups, 'echo "releasing 🚀"']), max_size=2)
        )
        after_lines = draw(st.lists(st.sampled_from(["echo done", "# uploaded"]), max_size=1))
    env: dict[str, str] = dict(index_env)
    where = "flags"
    if not via_flags:
        where = draw(
            st.sampled_from(["step", "step", "job", "workflow"][: 4 if workflow_env else 3])
        )
        env_credentials = {
            k: v.format(secret=expression) for k, v in draw(st.sampled_from(tool.env_credentials))
        }
    else:
        env_credentials = {}
    step_env = {**env, **(env_credentials if where == "step" else {})}
    name = draw(st.sampled_from([None, "Upload", f"Publish with {tool.name}"]))
    condition = draw(conditions())
    script = "\n".join([*before_lines, cmd.text(), *after_lines])
    script_after = "\n".join([*before_lines, cmd.text(credentials=False), *after_lines])
    run = Scalar(script + ("\n" if style == "literal" else ""), style)
    items: list[tuple[str, Any]] = [("run", run)]
    if name:
        items.append(("name", name))
    if condition:
        items.append(("if", condition_node(draw, condition)))
    if step_env:
        env_items = [(k, styled(draw, v)) for k, v in step_env.items()]
        items.append(("env", draw(mapping(env_items))))
    node = draw(step(items))
    setup = [draw(step([("run", draw(st.sampled_from(tool.setups)))]))]
    after_step = node.data()
    after_run = Scalar(script_after + ("\n" if style == "literal" else ""), style)
    after_step["run"] = after_run.data()
    kept_env = {k: v for k, v in after_step.get("env", {}).items() if k not in env_credentials}
    if kept_env:
        after_step["env"] = kept_env
    else:
        after_step.pop("env", None)
    upload = Upload(
        tool.name,
        kind,
        setup,
        node,
        [after_step],
        job_env=env_credentials if where == "job" else {},
        workflow_env=env_credentials if where == "workflow" else {},
        secrets=frozenset({secret_name}),
        condition=condition,
        bash_only="\\\n" in cmd.text(),
    )
    if tool.handover:
        _hand_over(upload, tool, program, before_lines, after_lines, cmd, style, node)
    return upload


def _hand_over(
    upload: Upload,
    tool: RunTool,
    program: str,
    before_lines: list[str],
    after_lines: list[str],
    cmd: Command,
    style: str,
    node: Map,
) -> None:
    """poetry, hatch and flit: the tool builds (or nothing runs) and the PyPA action uploads."""
    upload.linux_only = True
    data = upload.after[0]
    test = upload.kind == "testpypi"
    pypa: dict[str, Any] = {
        "name": "Publish to TestPyPI" if test else "Publish to PyPI",
        "uses": f"{PYPA}@release/v1",
    }
    inputs: dict[str, Any] = {}
    if test:
        inputs["repository-url"] = TESTPYPI_URL
    if "--skip-existing" in cmd.text():
        inputs["skip-existing"] = True
    builds = tool.name == "flit" or program.endswith("--build")
    others = [line for line in [*before_lines, *after_lines] if not line.startswith("#")]
    if builds:
        built = program.split(" publish")[0] + " build"
        script = "\n".join([*before_lines, built, *after_lines])
        data["run"] = Scalar(script + ("\n" if style == "literal" else ""), style).data()
    elif not others:  # the step only uploaded: the PyPA action step replaces it
        kept = {
            k: data[k]
            for k in ("name", "id", "if", "continue-on-error", "timeout-minutes")
            if k in data
        }
        pypa = {"name": kept.pop("name", pypa["name"]), **kept, "uses": pypa["uses"]}
        if inputs:
            pypa["with"] = inputs
        upload.after = [pypa]
        upload.moved = {k: v for k, v in pypa.items() if k not in ("id", "if")}
        return
    else:
        script = "\n".join([*before_lines, *after_lines])
        data["run"] = Scalar(script + ("\n" if style == "literal" else ""), style).data()
    if inputs:
        pypa["with"] = inputs
    upload.moved = dict(pypa)  # in a publish job of its own, whose `if:` is the step's
    if "if" in data:
        pypa = {"name": pypa["name"], "if": data["if"], **pypa}
    upload.after = [data, pypa]


@st.composite
def maturin_action_upload(draw: Draw) -> Upload:
    expression, name = draw(secret_reference())
    inputs = draw(
        mapping([("command", "upload"), ("args", "--non-interactive --skip-existing dist/*")])
    )
    env = draw(mapping([("MATURIN_PYPI_TOKEN", styled(draw, expression))]))
    node = draw(step([("uses", "PyO3/maturin-action@v1"), ("with", inputs), ("env", env)]))
    after = {k: v for k, v in node.data().items() if k != "env"}
    return Upload("maturin", "pypi", [], node, [after], secrets=frozenset({name}))


def uploads(workflow_env: bool = True) -> st.SearchStrategy[Upload]:
    """Any upload trustpub migrates; `workflow_env`: its credentials may sit in the workflow's
    `env:` (only where no other job uploads, which would read them too)."""
    run_tools = [run_upload(tool, workflow_env) for tool in RUN_TOOLS]
    return st.one_of(pypa_upload(), pypa_upload(), *run_tools, maturin_action_upload())


# -- jobs -----------------------------------------------------------------------------------------


@dataclass
class JobCase:
    id: str
    node: Map
    role: str  # "bystander", "publisher", "migrated" (already trusted publishing), "follower"
    upload: Upload | None = None
    upload_index: int = -1  # the upload step's index in `steps`
    condition: Condition | None = None
    builds: bool = False  # other steps than downloading the dists
    checks_out: bool = False
    linux: bool = True
    windows: bool = False  # its `run:` steps run in PowerShell
    opted_out: bool = False
    needs: tuple[str, ...] = ()
    testpypi: Upload | None = None  # an upload to TestPyPI right before `upload` (to PyPI)

    @property
    def data(self) -> dict[str, Any]:
        return self.node.data()

    @property
    def uploads(self) -> list[Upload]:
        return [u for u in (self.testpypi, self.upload) if u is not None]


PERMISSIONS = (
    None,
    {"contents": "read"},
    {"contents": "write", "issues": "read"},
    {"contents": "read", "id-token": "none"},
    {},
    "read-all",
    "write-all",
)


def permissions_node(draw: Draw, value: Any) -> Node:
    if isinstance(value, dict):
        return draw(mapping(list(value.items())))
    return Scalar(value)


@st.composite
def steps_node(draw: Draw, steps: list[Map]) -> Seq:
    items = [Item(s, draw(own_line_comments())) for s in steps]
    return Seq(items)


@st.composite
def publisher_job(
    draw: Draw, job_id: str, upload: Upload, needs: tuple[str, ...], testpypi: Upload | None = None
) -> JobCase:
    """A job that publishes `upload` (after `testpypi`, an upload to TestPyPI, if given)."""
    runner = draw(
        st.sampled_from(
            ["ubuntu-latest", "ubuntu-latest", "ubuntu-22.04", "macos-latest", "windows-latest"]
        )
    )
    linux = runner.startswith("ubuntu")
    only_downloads = upload.is_pypa_action and draw(st.booleans())
    steps = download_steps(draw, upload.packages_dir) if only_downloads else build_steps(draw)
    steps += upload.setup
    if testpypi is not None:
        steps.append(testpypi.step)
    index = len(steps)
    steps.append(upload.step)
    if draw(st.integers(0, 3)) == 0:
        steps.append(draw(step([("run", "echo published")])))
    condition = draw(conditions())
    items: list[tuple[str, Any]] = [("runs-on", runner), ("steps", draw(steps_node(steps)))]
    if draw(st.booleans()):
        items.append(("name", draw(st.sampled_from(UNICODE_NAMES))))
    if condition:
        items.append(("if", condition_node(draw, condition)))
    if needs:
        items.append(
            (
                "needs",
                needs[0]
                if len(needs) == 1 and draw(st.booleans())
                else flow_or_block(draw, plain(list(needs))),
            )
        )
    permissions = draw(st.sampled_from(PERMISSIONS))
    if permissions is not None:
        items.append(("permissions", permissions_node(draw, permissions)))
    environment = draw(
        st.sampled_from([None, "release", {"name": "pypi", "url": "https://pypi.org/p/demo"}])
    )
    if environment is not None:
        items.append(("environment", plain(environment)))
    if upload.job_env or draw(st.integers(0, 3)) == 0:
        env = dict(upload.job_env)
        if not env or draw(st.booleans()):
            env["PYTHONUTF8"] = "1"
        items.append(("env", draw(mapping([(k, styled(draw, v)) for k, v in env.items()]))))
    if draw(st.integers(0, 3)) == 0:
        items.append(("timeout-minutes", Scalar(20)))
    if upload.is_pypa_action and not only_downloads and draw(st.integers(0, 4)) == 0:
        matrix = draw(mapping([("python", plain(["3.11", "3.12"]))]))
        items.append(("strategy", Map([Entry("matrix", matrix)])))
    node = draw(mapping(items))
    node.flow = False
    opted_out = draw(st.integers(0, 15)) == 0
    return JobCase(
        job_id,
        node,
        "publisher",
        upload,
        index,
        condition,
        not only_downloads,
        not only_downloads,
        linux,
        runner.startswith("windows"),
        opted_out,
        needs,
        testpypi,
    )


@st.composite
def migrated_job(draw: Draw, job_id: str) -> JobCase:
    """A job that already publishes with trusted publishing (to PyPI or TestPyPI, the only
    indexes that have it): nothing to do."""
    upload = draw(pypa_upload(token=False, kinds=("pypi", "testpypi")))
    steps = [*download_steps(draw), upload.step]
    items = [
        ("runs-on", "ubuntu-latest"),
        ("environment", plain({"name": "pypi", "url": "https://pypi.org/p/demo"})),
        ("permissions", draw(mapping([("id-token", "write")]))),
        ("steps", draw(steps_node(steps))),
    ]
    return JobCase(job_id, draw(mapping(items)), "migrated", upload, len(steps) - 1)


@st.composite
def bystander_job(draw: Draw, job_id: str) -> JobCase:
    """A job trustpub must leave byte for byte: tests, lint, docs, a reusable workflow call."""
    kind = draw(st.sampled_from(["test", "lint", "docs", "call"]))
    if kind == "call":
        items: list[tuple[str, Any]] = [
            ("uses", "./.github/workflows/reusable.yml"),
            ("with", plain({"python": "3.12"})),
        ]
        return JobCase(job_id, draw(mapping(items)), "bystander")
    steps = [checkout(draw), setup_python(draw)]
    items = [("runs-on", "ubuntu-latest")]
    if kind == "test":
        steps.append(
            draw(step([("run", Scalar("pip install -e .[test]\npytest -q\n", "literal"))]))
        )
        matrix = draw(mapping([("python-version", flow_or_block(draw, plain(["3.10", "3.13"])))]))
        items.append(
            ("strategy", Map([Entry("fail-fast", Scalar(False)), Entry("matrix", matrix)]))
        )
        items.append(("env", plain({"CODECOV_TOKEN": "${{ secrets.CODECOV_TOKEN }}"})))
    elif kind == "lint":
        steps.append(draw(step([("uses", "pre-commit/action@v3.0.1")])))
    else:
        steps.append(draw(step([("run", "mkdocs gh-deploy --force")])))
        items.append(("permissions", permissions_node(draw, {"contents": "write"})))
    items.append(("steps", draw(steps_node(steps))))
    node = draw(mapping(items))
    node.flow = False
    return JobCase(job_id, node, "bystander", checks_out=True)


def follower_job(draw: Draw, job_id: str, needs: str) -> JobCase:
    """A job that waits for a publisher (it announces the release)."""
    value: Any = needs if draw(st.booleans()) else [needs]
    items = [
        ("needs", flow_or_block(draw, plain(value))),
        ("runs-on", "ubuntu-latest"),
        ("steps", draw(steps_node([draw(step([("run", "echo released 🎉")]))]))),
    ]
    node = draw(mapping(items))
    node.flow = False
    return JobCase(job_id, node, "follower", needs=(needs,))


# -- workflows ------------------------------------------------------------------------------------


@dataclass
class WorkflowCase:
    root: Map
    layout: Layout
    header: list[str]
    jobs: list[JobCase]
    triggers: frozenset[str]
    options: Options
    project: str

    @property
    def lines(self) -> list[str]:
        return render_lines(self.root, self.layout, self.header)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    @property
    def data(self) -> dict[str, Any]:
        return self.root.data()

    def job(self, job_id: str) -> JobCase:
        return next(j for j in self.jobs if j.id == job_id)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis prints this
        printer.text(repr(self))

    def __repr__(self) -> str:  # what a failing example shows: the file, as a reader sees it
        roles = {j.id: j.role for j in self.jobs}
        return (
            f"WorkflowCase({self.options}, project={self.project!r}, roles={roles}):\n{self.text}"
        )


TRIGGERS: dict[str, Any] = {
    "push": {"tags": ["v*"]},
    "release": {"types": ["published"]},
    "workflow_dispatch": None,
    "pull_request": {"branches": ["main"]},
    "pull_request_target": None,
    "schedule": [{"cron": "0 3 * * 1"}],
}


@st.composite
def triggers_node(draw: Draw) -> tuple[Node, frozenset[str]]:
    # Releases and tags most often; pull requests sometimes (their jobs are left alone unless
    # guarded), pull_request_target rarely (it leaves the whole file alone).
    common = ["push", "push", "release", "release", "workflow_dispatch", "schedule"]
    names = draw(
        st.lists(st.sampled_from([*common, *TRIGGERS]), min_size=1, max_size=3, unique=True)
    )
    if "pull_request_target" in names and draw(st.integers(0, 3)) and len(names) > 1:
        names.remove("pull_request_target")  # rarely: it only makes the whole file a skip
    if draw(st.booleans()) and all(
        TRIGGERS[n] is None or n in ("push", "pull_request") for n in names
    ):
        node: Node = Scalar(names[0]) if len(names) == 1 else flow_or_block(draw, plain(names))
    else:
        node = draw(mapping([(n, plain(TRIGGERS[n])) for n in names]))
    return node, frozenset(names)


JOB_IDS = ("release", "publish", "deploy", "pypi", "upload_pypi", "publish-to-pypi")
OTHER_IDS = ("test", "lint", "docs", "announce", "build-docs")


@st.composite
def workflows(draw: Draw) -> WorkflowCase:
    layout = draw(
        st.sampled_from(
            [
                Layout(2, True),
                Layout(2, False),
                Layout(4, True),
                Layout(4, False),
                Layout(4, True, 3),
            ]
        )
    )
    publishers = draw(st.lists(st.sampled_from(JOB_IDS), min_size=1, max_size=2, unique=True))
    others = draw(st.lists(st.sampled_from(OTHER_IDS), max_size=2, unique=True))
    jobs: list[JobCase] = []
    bystanders = [draw(bystander_job(i)) for i in others if i != "announce"]
    jobs += bystanders
    ready = tuple(b.id for b in bystanders if b.role == "bystander" and "uses" not in b.data)
    for job_id in publishers:
        if len(publishers) == 1 or job_id != publishers[-1] or draw(st.booleans()):
            needs = ready[:1] if ready and draw(st.booleans()) else ()
            if draw(st.integers(0, 4)) == 0:  # TestPyPI, then PyPI, in one job
                test = draw(pypa_upload(kinds=("testpypi",)))
                upload = draw(pypa_upload(kinds=("pypi",)))
                jobs.append(draw(publisher_job(job_id, upload, needs, test)))
                continue
            upload = draw(uploads(workflow_env=len(publishers) == 1))
            jobs.append(draw(publisher_job(job_id, upload, needs)))
        else:
            jobs.append(draw(migrated_job(job_id)))
    if "announce" in others:
        jobs.append(follower_job(draw, "announce", publishers[0]))
    jobs = draw(st.permutations(jobs))
    on, triggers = draw(triggers_node())
    items: list[tuple[str, Any]] = [("on", on)]
    if draw(st.booleans()):
        items.append(("name", styled(draw, draw(st.sampled_from(UNICODE_NAMES)))))
    permissions = draw(st.sampled_from([*PERMISSIONS, {"contents": "read", "id-token": "write"}]))
    if permissions is not None:
        items.append(("permissions", permissions_node(draw, permissions)))
    workflow_env = {k: v for j in jobs if j.upload for k, v in j.upload.workflow_env.items()}
    if workflow_env or draw(st.integers(0, 3)) == 0:
        env = dict(workflow_env)
        if not env or draw(st.booleans()):
            env["FORCE_COLOR"] = "1"
        items.append(("env", draw(mapping([(k, styled(draw, v)) for k, v in env.items()]))))
    job_entries = []
    for job in jobs:
        before = draw(own_line_comments())
        if job.opted_out:
            before.append("trustpub: ignore")
        job_entries.append(Entry(job.id, job.node, draw(comments()), before))
    items.append(("jobs", Map(job_entries)))
    root = draw(mapping(items))
    root.flow = False
    header = draw(st.lists(st.sampled_from(["Release workflow", "", "Ünïcödé ✓"]), max_size=2))
    options = Options(
        keep_build_in_job=draw(st.booleans()),
        add_testpypi=draw(st.integers(0, 3)) == 0,
        gate_pypi_on_testpypi=draw(st.booleans()),
    )
    project = draw(st.sampled_from(["demo", "My_Package.core", "café-lib"]))
    return WorkflowCase(root, layout, header, jobs, triggers, options, project)


# -- text mutations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    crlf: bool = False
    bom: bool = False
    no_final_newline: bool = False
    trailing_spaces: tuple[int, ...] = ()  # line numbers that get trailing whitespace
    comments: tuple[tuple[int, str], ...] = ()  # (line number, text): a comment line before it

    def apply(self, lines: list[str]) -> str:
        out: list[str] = []
        spaces = set(self.trailing_spaces)
        inserted = dict(self.comments)
        for number, line in enumerate(lines):
            if number in inserted and not isinstance(line, Protected):
                indent = len(line) - len(line.lstrip(" "))
                out.append(" " * indent + "# " + inserted[number])
            if number in spaces and not isinstance(line, Protected):
                line = line + " " * (1 + number % 3)  # not tabs: ruamel refuses them there
            out.append(line)
        text = "\n".join(out) + "\n"
        if self.no_final_newline and not isinstance(lines[-1], Protected):
            text = text.rstrip("\n")  # (a `|` scalar at the end would lose its line break)
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return ("\ufeff" if self.bom else "") + text


@st.composite
def mutations(draw: Draw, line_count: int) -> Mutation:
    lines = st.integers(0, max(line_count - 1, 0))
    return Mutation(
        crlf=draw(st.booleans()),
        bom=draw(st.booleans()),
        no_final_newline=draw(st.booleans()),
        trailing_spaces=tuple(draw(st.lists(lines, max_size=4))),
        comments=tuple(
            draw(
                st.lists(st.tuples(lines, st.sampled_from(["inserted", "más 🚀", ""])), max_size=3)
            )
        ),
    )


def words_in(text: str) -> list[str]:
    return re.findall(r"\S+", text)
