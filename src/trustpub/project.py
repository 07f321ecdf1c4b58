"""Find the PyPI project name a repository (or one package directory in it) publishes.

Pure: every file is read through a `FileReader`, so the engine never touches the disk itself.
`directory_reader` is the one place that does I/O.
"""

from __future__ import annotations

import ast
import posixpath
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from packaging.utils import InvalidName, canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

if TYPE_CHECKING:
    import configparser

    import libcst as cst

__all__ = [
    "FileReader",
    "ProjectName",
    "ProjectNameProblem",
    "directory_reader",
    "find_project_name",
    "project_name_from_option",
    "project_name_from_url",
]

FileReader = Callable[[str], "str | None"]
"""Repo-relative POSIX path -> file text, or None when the file is absent or unreadable."""

_ASK = "pass --project NAME"


@dataclass(frozen=True)
class ProjectName:
    """A project name as declared, and where it was found (for the report)."""

    name: str
    source: str  # e.g. "pyproject.toml [project].name", "--project"

    @property
    def normalized(self) -> str:
        """The PEP 503 form used in https://pypi.org/p/<name> URLs."""
        return canonicalize_name(self.name)


@dataclass(frozen=True)
class ProjectNameProblem:
    """Why no name could be found; `message` says what is wrong, where, and what to do."""

    path: str
    line: int | None
    message: str


_Result = ProjectName | ProjectNameProblem


def _where(path: str, line: int | None) -> str:
    return path if line is None else f"{path}:{line}"


def _checked(name: str, source: str, path: str, line: int | None) -> _Result:
    try:
        canonicalize_name(name, validate=True)
    except InvalidName:
        return ProjectNameProblem(
            path,
            line,
            f"{_where(path, line)}: {name!r} is not a valid project name (letters, digits, "
            f"'.', '-' and '_', starting and ending with a letter or digit); fix it, or {_ASK}",
        )
    return ProjectName(name, source)


def project_name_from_option(value: str) -> ProjectName | ProjectNameProblem:
    """Check a name given on the command line."""
    return _checked(value.strip(), "--project", "--project", None)


def find_project_name(read: FileReader, directory: str = "") -> ProjectName | ProjectNameProblem:
    """The first name found in pyproject.toml, setup.cfg, then setup.py inside `directory`."""
    folder = posixpath.normpath(directory) if directory else "."
    if folder.startswith(("/", "../")) or folder == "..":
        return ProjectNameProblem(
            directory, None, f"{directory}: is outside the repository; {_ASK}"
        )
    prefix = "" if folder == "." else folder + "/"
    notes: list[str] = []
    for filename, finder in _FINDERS:
        path = prefix + filename
        text = read(path)
        if text is None:
            notes.append(f"{path} not found")
            continue
        found = finder(text.removeprefix("\ufeff"), path)
        if not isinstance(found, str):
            return found
        notes.append(found)
    where = "the repository root" if folder == "." else folder
    message = f"no project name found in {where}: " + "; ".join(notes) + f"; {_ASK}"
    return ProjectNameProblem(folder, None, message)


# --- pyproject.toml and setup.cfg -------------------------------------------------------------

_TABLE_HEADER = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]")
_TOML_ERROR_AT = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def _key_line(text: str, section: str, key: str, separator: str = "=") -> int | None:
    """Best-effort line of `key` in `[section]`: the parsers do not report value positions."""
    current = ""
    key_pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*[{separator}]", re.IGNORECASE)
    for number, line in enumerate(text.split("\n"), 1):
        if line.lstrip().startswith("[["):
            current = ""
        elif header := _TABLE_HEADER.match(line):
            current = re.sub(r"[\s\"']", "", header.group(1))
        elif current == section and key_pattern.match(line):
            return number
    return None


def _pyproject_name(text: str, path: str) -> _Result | str:
    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError) as exc:
        reason = str(exc)
        at = _TOML_ERROR_AT.search(reason)
        line = int(at.group(1)) if at else getattr(exc, "lineno", None)
        reason = _TOML_ERROR_AT.sub("", reason)
        return ProjectNameProblem(
            path, line, f"{_where(path, line)}: is not valid TOML ({reason}); fix it, or {_ASK}"
        )
    project = data.get("project")
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    for table, section in ((project, "project"), (poetry, "tool.poetry")):
        if not isinstance(table, dict) or "name" not in table:
            continue
        line = _key_line(text, section, "name")
        name = table["name"]
        if not isinstance(name, str):
            return ProjectNameProblem(
                path,
                line,
                f"{_where(path, line)}: [{section}].name is not a string; fix it, or {_ASK}",
            )
        return _checked(name, f"{path} [{section}].name", path, line)
    dynamic = project.get("dynamic") if isinstance(project, dict) else None
    if isinstance(dynamic, list) and "name" in dynamic:
        return f"{path} lists name in [project].dynamic, which is not a name"
    return f"{path} has no [project].name or [tool.poetry].name"


def _setup_cfg_name(text: str, path: str) -> _Result | str:
    import configparser  # only for a setup.cfg: most projects name themselves in pyproject.toml

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        line, reason = _ini_error(exc)
        return ProjectNameProblem(
            path,
            line,
            f"{_where(path, line)}: is not a valid INI file ({reason}); fix it, or {_ASK}",
        )
    name = parser.get("metadata", "name", fallback=None)
    if name is None:
        return f"{path} has no [metadata] name"
    if name.startswith(("attr:", "file:")):
        return f"{path} [metadata] name is {name!r}, which only setuptools can resolve"
    line = _key_line(text, "metadata", "name", separator="=:")
    return _checked(name, f"{path} [metadata] name", path, line)


def _ini_error(exc: configparser.Error) -> tuple[int | None, str]:
    import configparser

    line: int | None = getattr(exc, "lineno", None)
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return line, "text before the first [section] header"
    if isinstance(exc, configparser.DuplicateSectionError):
        return line, f"section [{exc.section}] appears twice"
    if isinstance(exc, configparser.DuplicateOptionError):
        return line, f"option {exc.option!r} appears twice in [{exc.section}]"
    if isinstance(exc, configparser.ParsingError) and exc.errors:
        first_line, content = exc.errors[0]
        return first_line, f"cannot parse {content}"  # already quoted by configparser
    return line, exc.message


# --- setup.py, read with libcst and never executed --------------------------------------------


class _Dynamic(Exception):
    """The name depends on something only running setup.py would tell."""

    def __init__(self, node: cst.CSTNode, why: str) -> None:
        super().__init__(why)
        self.node = node
        self.why = why


@dataclass(frozen=True)
class _Binding:
    line: int
    value: cst.BaseExpression | None  # None: not a plain module-level `NAME = <expression>`
    how: str


@dataclass(frozen=True)
class _NameArgument:
    expression: cst.BaseExpression
    shown: str  # how the call passes it: `name=NAME` or `**kwargs`
    hops: list[str]  # the assignments followed to reach the string, for the provenance


class _SetupPy:
    """One parsed setup.py: where names are bound, which calls are setup(), what they pass."""

    def __init__(self, module: cst.Module) -> None:
        import libcst as cst
        from libcst.metadata import MetadataWrapper, PositionProvider

        self.module = module
        self.positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        self.bindings: dict[str, list[_Binding]] = {}
        self.setup_aliases = {"setup"}
        self.imported_modules: set[str] = set()
        self.top_level = {
            id(small)
            for line in module.body
            if isinstance(line, cst.SimpleStatementLine)
            for small in line.body
        }
        for node in _walk(module):
            self._collect(node)

    def line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def code(self, node: cst.CSTNode) -> str:
        text = " ".join(self.module.code_for_node(node).split())
        return text if len(text) <= 60 else text[:57] + "..."

    def _bind(
        self, name: str, node: cst.CSTNode, value: cst.BaseExpression | None, how: str
    ) -> None:
        self.bindings.setdefault(name, []).append(_Binding(self.line(node), value, how))

    def _collect(self, node: cst.CSTNode) -> None:
        import libcst as cst

        if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                bound = alias.evaluated_alias or alias.evaluated_name
                if alias.evaluated_name == "setup":
                    self.setup_aliases.add(bound)
                self._bind(bound, node, None, "imported")
        elif isinstance(node, cst.Import):
            for alias in node.names:
                bound = alias.evaluated_alias or alias.evaluated_name.split(".")[0]
                self.imported_modules.add(bound)
                self._bind(bound, node, None, "imported")
        elif isinstance(node, cst.Assign | cst.AnnAssign | cst.AugAssign):
            top_level = id(node) in self.top_level
            value = node.value if top_level and not isinstance(node, cst.AugAssign) else None
            if isinstance(node, cst.AnnAssign) and node.value is None:
                return  # `NAME: str` alone binds nothing
            how = "set in a block" if not top_level else "set"
            how = "changed in place" if isinstance(node, cst.AugAssign) else how
            targets = node.targets if isinstance(node, cst.Assign) else [node]
            for target in targets:
                self._collect_target(target.target, node, value, how)

    def _collect_target(
        self,
        target: cst.BaseExpression,
        node: cst.CSTNode,
        value: cst.BaseExpression | None,
        how: str,
    ) -> None:
        import libcst as cst

        if isinstance(target, cst.Name):
            self._bind(target.value, node, value, how)
        elif isinstance(target, cst.Subscript | cst.Attribute):
            if isinstance(target.value, cst.Name):
                self._bind(target.value.value, node, None, "changed in place")
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                if isinstance(element.value, cst.Name):
                    self._bind(element.value.value, node, None, "unpacked from a sequence")

    def setup_calls(self) -> Iterator[cst.Call]:
        """`setup(...)`, an alias of an imported setup, or `<imported module>...setup(...)`."""
        import libcst as cst

        for node in _walk(self.module):
            if not isinstance(node, cst.Call):
                continue
            func = node.func
            if isinstance(func, cst.Name) and func.value in self.setup_aliases:
                yield node
            elif isinstance(func, cst.Attribute) and func.attr.value == "setup":
                root = func.value
                while isinstance(root, cst.Attribute):
                    root = root.value
                if isinstance(root, cst.Name) and root.value in self.imported_modules:
                    yield node

    def constant(self, name: cst.Name) -> tuple[cst.BaseExpression, int]:
        """The value of a module-level name assigned exactly once, and its line."""
        bindings = self.bindings.get(name.value, [])
        if not bindings:
            raise _Dynamic(name, f"{name.value} is not assigned in setup.py")
        if len(bindings) > 1:
            lines = ", ".join(str(binding.line) for binding in bindings)
            raise _Dynamic(name, f"{name.value} is set more than once, at lines {lines}")
        binding = bindings[0]
        if binding.value is None:
            raise _Dynamic(name, f"{name.value} is {binding.how} at line {binding.line}")
        return binding.value, binding.line

    def text(self, node: cst.BaseExpression, hops: list[str]) -> str:
        """The string an expression made only of string constants evaluates to."""
        import libcst as cst

        if len(hops) > 20:
            raise _Dynamic(node, "the constants refer to each other in a loop")
        if isinstance(node, cst.SimpleString) and isinstance(node.evaluated_value, str):
            return node.evaluated_value
        if isinstance(node, cst.ConcatenatedString):
            return self.text(node.left, hops) + self.text(node.right, hops)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self.text(node.left, hops) + self.text(node.right, hops)
        if isinstance(node, cst.FormattedString):
            return "".join(self._f_string_part(part, node, hops) for part in node.parts)
        if isinstance(node, cst.Name) and node.value not in ("None", "True", "False"):
            value, line = self.constant(node)
            hops.append(f"{node.value} = {self.code(value)} at line {line}")
            return self.text(value, hops)
        raise _Dynamic(node, f"{_kind(node)} `{self.code(node)}`")

    def _f_string_part(
        self, part: cst.BaseFormattedStringContent, whole: cst.FormattedString, hops: list[str]
    ) -> str:
        import libcst as cst

        if isinstance(part, cst.FormattedStringText):
            if "\\" not in part.value or "r" in whole.prefix.lower():
                return part.value.replace("{{", "{").replace("}}", "}")
        elif isinstance(part, cst.FormattedStringExpression) and _plain(part):
            return self.text(part.expression, hops)
        raise _Dynamic(whole, f"an f-string this reader does not evaluate `{self.code(whole)}`")

    def name_argument(self, call: cst.Call) -> _NameArgument | None:
        """What the call passes as `name`; None when it passes no name at all."""
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "name":
                return _NameArgument(arg.value, f"name={self.code(arg.value)}", [])
        for arg in call.args:
            if arg.star == "*":
                raise _Dynamic(arg.value, f"setup() takes arguments from `{self.code(arg.value)}`")
            if arg.star == "**" and (found := self._from_dict(arg.value)) is not None:
                return found
        return None

    def _from_dict(self, node: cst.BaseExpression) -> _NameArgument | None:
        """`name` in `**{...}` or `**dict(...)`, written in place or as a module-level constant."""
        import libcst as cst

        container, line = self.constant(node) if isinstance(node, cst.Name) else (node, 0)
        entries: list[tuple[str | None, cst.BaseExpression]] = []
        if isinstance(container, cst.Dict):
            for element in container.elements:
                literal = element.key if isinstance(element, cst.DictElement) else None
                text = literal.evaluated_value if isinstance(literal, cst.SimpleString) else None
                entries.append((text if isinstance(text, str) else None, element.value))
        elif isinstance(container, cst.Call) and _is_name(container.func, "dict"):
            entries = [(a.keyword.value if a.keyword else None, a.value) for a in container.args]
        else:
            why = f"setup() takes its arguments from {_kind(container)} `{self.code(container)}`"
            raise _Dynamic(container, why)
        for key, value in entries:
            if key == "name":
                hop = f"{self.code(node)} has name={self.code(value)} at line {line}"
                return _NameArgument(value, f"**{self.code(node)}", [hop] if line else [])
        for key, value in entries:
            if key is None:
                raise _Dynamic(value, f"the arguments include `{self.code(value)}`")
        return None


def _walk(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node below `root` in source order, without recursion (setup.py can nest deeply)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _plain(part: cst.FormattedStringExpression) -> bool:
    """`{NAME}` or `{NAME!s}`: no repr, no format spec."""
    return part.format_spec is None and part.conversion in (None, "s")


def _is_name(node: cst.BaseExpression, value: str) -> bool:
    import libcst as cst

    return isinstance(node, cst.Name) and node.value == value


def _kind(node: cst.CSTNode) -> str:
    import libcst as cst

    kinds = (
        (cst.Call, "a function call"),
        (cst.Subscript, "a lookup"),
        (cst.Attribute, "an attribute"),
    )
    return next((kind for type_, kind in kinds if isinstance(node, type_)), "an expression")


def _setup_py_name(text: str, path: str) -> _Result | str:
    import libcst as cst

    too_deep = ProjectNameProblem(path, None, f"{path}: nests too deeply to be read; {_ASK}")
    try:
        # CPython's parser first: it rejects cleanly the deep nesting that crashes libcst's.
        ast.parse(text, filename=path)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        return ProjectNameProblem(
            path,
            line,
            f"{_where(path, line)}: is not valid Python ({getattr(exc, 'msg', exc)}); "
            f"trustpub reads setup.py without running it, so fix it, or {_ASK}",
        )
    except (RecursionError, MemoryError):
        return too_deep
    try:
        return _read_setup_py(cst.parse_module(text), path)
    except RecursionError:
        return too_deep
    except cst.ParserSyntaxError as exc:  # valid Python that libcst cannot represent
        reason = re.sub(r"^\w+ error: (error at \d+:\d+: )?", "", exc.message)
        return ProjectNameProblem(
            path,
            exc.raw_line,
            f"{path}:{exc.raw_line}: cannot be read by libcst ({reason[:80]}); {_ASK}",
        )


def _read_setup_py(module: cst.Module, path: str) -> _Result | str:
    setup_py = _SetupPy(module)
    found: list[tuple[str, str, int]] = []
    for call in setup_py.setup_calls():
        try:
            argument = setup_py.name_argument(call)
            if argument is None:
                continue
            name = setup_py.text(argument.expression, argument.hops)
        except _Dynamic as dynamic:
            line = setup_py.line(dynamic.node)
            return ProjectNameProblem(
                path,
                line,
                f"{path}:{line}: the project name is only known when setup.py runs "
                f"({dynamic.why}); trustpub does not run it, so {_ASK}",
            )
        call_text = f"{setup_py.code(call.func)}({argument.shown}) at line {setup_py.line(call)}"
        source = ", ".join([f"{path}: {call_text}", *argument.hops])
        found.append((name, source, setup_py.line(argument.expression)))
    if not found:
        return f"{path} has no setup() call with a name"
    if len({canonicalize_name(name) for name, _, _ in found}) > 1:
        listed = ", ".join(f"{name!r} at line {line}" for name, _, line in found)
        return ProjectNameProblem(
            path,
            found[1][2],
            f"{path}:{found[1][2]}: setup() is called with different names ({listed}); {_ASK}",
        )
    name, source, line = found[0]
    return _checked(name, source, path, line)


_FINDERS: tuple[tuple[str, Callable[[str, str], _Result | str]], ...] = (
    ("pyproject.toml", _pyproject_name),
    ("setup.cfg", _setup_cfg_name),
    ("setup.py", _setup_py_name),
)


# --- the workflow itself, and the disk --------------------------------------------------------

_PYPI_URL = re.compile(
    r"https?://(?:www\.)?(?:test\.)?pypi\.org/(?:p|project)/([A-Za-z0-9][A-Za-z0-9._-]*)"
    r"(?![A-Za-z0-9._$%{<-])"
)


def project_name_from_url(text: str) -> str | None:
    """The project in a pypi.org/test.pypi.org project URL in `text`, if all such URLs agree."""
    names = [match.group(1).rstrip("._-") for match in _PYPI_URL.finditer(text)]
    valid = [name for name in names if _is_valid(name)]
    if not valid or len({canonicalize_name(name) for name in valid}) > 1:
        return None
    return valid[0]


def _is_valid(name: str) -> bool:
    try:
        canonicalize_name(name, validate=True)
    except InvalidName:
        return False
    return True


def directory_reader(root: Path) -> FileReader:
    """Read repo-relative paths under `root`; None for anything absent, unreadable or outside."""
    resolved: list[Path] = []  # resolved on the first read: most repositories never need one

    def read(path: str) -> str | None:
        relative = PurePosixPath(path)
        if not path or relative.is_absolute():
            return None
        try:
            if not resolved:
                resolved.append(root.resolve())
            base = resolved[0]
            target = base.joinpath(*relative.parts).resolve(strict=True)
            if not target.is_relative_to(base) or not target.is_file():
                return None
            return target.read_text(encoding="utf-8", errors="replace")
        except (OSError, ValueError, RuntimeError):
            return None

    return read
