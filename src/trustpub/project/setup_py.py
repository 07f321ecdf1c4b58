"""The project name in setup.py, read with libcst and never executed.

libcst (and `parsed_setup_py`, which needs it) loads only when a repository has no name in
pyproject.toml or setup.cfg.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from trustpub.project.names import ASK, NameOrProblem, ProjectNameProblem, checked, where

if TYPE_CHECKING:
    import libcst as cst


def setup_py_name(text: str, path: str) -> NameOrProblem | str:
    import libcst as cst

    too_deep = ProjectNameProblem(path, None, f"{path}: nests too deeply to be read; {ASK}")
    try:
        # CPython's parser first: it rejects cleanly the deep nesting that crashes libcst's.
        ast.parse(text, filename=path)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        return ProjectNameProblem(
            path,
            line,
            f"{where(path, line)}: is not valid Python ({getattr(exc, 'msg', exc)}); "
            f"trustpub reads setup.py without running it, so fix it, or {ASK}",
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
            f"{path}:{exc.raw_line}: cannot be read by libcst ({reason[:80]}); {ASK}",
        )


def _read_setup_py(module: cst.Module, path: str) -> NameOrProblem | str:
    from trustpub.project.parsed_setup_py import DynamicName, ParsedSetupPy

    setup_py = ParsedSetupPy(module)
    found: list[tuple[str, str, int]] = []
    for call in setup_py.setup_calls():
        try:
            argument = setup_py.name_argument(call)
            if argument is None:
                continue
            name = setup_py.text(argument.expression, argument.hops)
        except DynamicName as dynamic:
            line = setup_py.line(dynamic.node)
            return ProjectNameProblem(
                path,
                line,
                f"{path}:{line}: the project name is only known when setup.py runs "
                f"({dynamic.why}); trustpub does not run it, so {ASK}",
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
            f"{path}:{found[1][2]}: setup() is called with different names ({listed}); {ASK}",
        )
    name, source, line = found[0]
    return checked(name, source, path, line)
