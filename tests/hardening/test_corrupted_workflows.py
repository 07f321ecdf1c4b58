"""Property-based tests: generated workflows, then damaged at random (characters that matter to
YAML inserted, spans deleted, lines duplicated, dropped, swapped or re-indented).

Whatever the damage, no exception escapes the engine; whatever it writes parses (with both of
ruamel's parsers), a second run changes nothing, and the security promises hold (no widened
permission, `id-token: write` only where it belongs).
"""

from __future__ import annotations

from hypothesis import event, given
from hypothesis import strategies as st
from promises import id_token_problems, parse, parse_pure, widened_permissions
from ruamel.yaml.error import YAMLError
from workflow_gen import WorkflowCase, workflows

from trustpub.project import ProjectName
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import RewriteResult, Status

PATH = ".github/workflows/release.yml"
# Text that means something to YAML, to GitHub expressions, or to line handling.
SNIPPETS = (
    ":",
    ": ",
    "- ",
    "-",
    "  ",
    "\t",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "<<: *a",
    "|",
    ">-",
    "#",
    " # x",
    "'",
    '"',
    "\n",
    "\r\n",
    "\r",
    "---\n",
    "...\n",
    "${{",
    "}}",
    "\\",
    "\x00",
    "\ufeff",
    "\u2028",
    "\x85",
    "? ",
    "!!str ",
    "!Ref ",
    "~",
    "null",
    "é",
    "🚀",
    "permissions: {}",
    "id-token: write",
    "password: x",
    "pull_request",
    "uses: pypa/gh-action-pypi-publish@v1",
)


@st.composite
def damage(draw: st.DrawFn, text: str) -> str:
    for _ in range(draw(st.integers(1, 2))):
        lines = text.split("\n")
        where = draw(st.integers(0, len(text)))
        line = draw(st.integers(0, len(lines) - 1))
        kind = draw(
            st.sampled_from(["insert", "delete", "duplicate", "drop", "swap", "indent", "dedent"])
        )
        if kind == "insert":
            text = text[:where] + draw(st.sampled_from(SNIPPETS)) + text[where:]
        elif kind == "delete":
            text = text[:where] + text[where + draw(st.integers(1, 12)) :]
        elif kind == "duplicate":
            lines.insert(line, lines[line])
        elif kind == "drop":
            del lines[line]
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[line], lines[other] = lines[other], lines[line]
        elif kind == "indent":
            lines[line] = " " * draw(st.integers(1, 4)) + lines[line]
        else:
            lines[line] = lines[line][draw(st.integers(1, 4)) :]
        if kind not in ("insert", "delete"):
            text = "\n".join(lines)
    return text


def _parsers_agree(text: str) -> bool:
    """True when the pure-Python parser reads `text`, as the C one does. It refuses some valid
    YAML the C one reads (`a: b\tc`), and the two read a U+2028 in the indentation differently
    (found by the long profile): what the input already means two ways, the output may too."""
    try:
        return bool(parse_pure(text) == parse(text))
    except YAMLError:
        return False


def rewrite(text: str, case: WorkflowCase) -> RewriteResult:
    def lookup(directory: str) -> ProjectName:
        return ProjectName(case.project, "pyproject.toml")

    return rewrite_workflow(text, PATH, lookup, case.options)


@given(case=workflows(), data=st.data())
def test_damaged_workflows_never_crash_the_engine_or_break_a_promise(
    case: WorkflowCase, data: st.DataObject
) -> None:
    text = data.draw(damage(case.text), label="damaged text")
    result = rewrite(text, case)  # no exception may escape
    event(f"status: {result.status.value}")
    if result.status is Status.FAILED:
        assert result.failure is not None and result.failure.message
        assert result.text == text
        return
    if result.text == text:
        return
    assert result.status is Status.CHANGED
    if _parsers_agree(text):
        assert parse_pure(result.text) == parse(result.text)
    again = rewrite(result.text, case)
    assert again.text == result.text, "a second run changed the output"
    assert not widened_permissions(text, result), widened_permissions(text, result)
    assert not id_token_problems(text, result), id_token_problems(text, result)
