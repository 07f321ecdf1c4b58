"""One setup.py parsed with libcst (never executed): where names are bound, which calls are
`setup()`, what they pass as `name`, and the string constants that spell it.

Imported only when the search for a name reaches a setup.py: libcst is heavy to load.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


class DynamicName(Exception):
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
class NameArgument:
    expression: cst.BaseExpression
    shown: str  # how the call passes it: `name=NAME` or `**kwargs`
    hops: list[str]  # the assignments followed to reach the string, for the provenance


class ParsedSetupPy:
    """One parsed setup.py: where names are bound, which calls are setup(), what they pass."""

    def __init__(self, module: cst.Module) -> None:
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
            raise DynamicName(name, f"{name.value} is not assigned in setup.py")
        if len(bindings) > 1:
            lines = ", ".join(str(binding.line) for binding in bindings)
            raise DynamicName(name, f"{name.value} is set more than once, at lines {lines}")
        binding = bindings[0]
        if binding.value is None:
            raise DynamicName(name, f"{name.value} is {binding.how} at line {binding.line}")
        return binding.value, binding.line

    def text(self, node: cst.BaseExpression, hops: list[str]) -> str:
        """The string an expression made only of string constants evaluates to."""
        if len(hops) > 20:
            raise DynamicName(node, "the constants refer to each other in a loop")
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
        raise DynamicName(node, f"{_kind(node)} `{self.code(node)}`")

    def _f_string_part(
        self, part: cst.BaseFormattedStringContent, whole: cst.FormattedString, hops: list[str]
    ) -> str:
        if isinstance(part, cst.FormattedStringText):
            if "\\" not in part.value or "r" in whole.prefix.lower():
                return part.value.replace("{{", "{").replace("}}", "}")
        elif isinstance(part, cst.FormattedStringExpression) and _plain(part):
            return self.text(part.expression, hops)
        raise DynamicName(whole, f"an f-string this reader does not evaluate `{self.code(whole)}`")

    def name_argument(self, call: cst.Call) -> NameArgument | None:
        """What the call passes as `name`; None when it passes no name at all."""
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "name":
                return NameArgument(arg.value, f"name={self.code(arg.value)}", [])
        for arg in call.args:
            if arg.star == "*":
                raise DynamicName(
                    arg.value, f"setup() takes arguments from `{self.code(arg.value)}`"
                )
            if arg.star == "**" and (found := self._from_dict(arg.value)) is not None:
                return found
        return None

    def _from_dict(self, node: cst.BaseExpression) -> NameArgument | None:
        """`name` in `**{...}` or `**dict(...)`, written in place or as a module-level constant."""
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
            raise DynamicName(container, why)
        for key, value in entries:
            if key == "name":
                hop = f"{self.code(node)} has name={self.code(value)} at line {line}"
                return NameArgument(value, f"**{self.code(node)}", [hop] if line else [])
        for key, value in entries:
            if key is None:
                raise DynamicName(value, f"the arguments include `{self.code(value)}`")
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
    return isinstance(node, cst.Name) and node.value == value


def _kind(node: cst.CSTNode) -> str:
    kinds = (
        (cst.Call, "a function call"),
        (cst.Subscript, "a lookup"),
        (cst.Attribute, "an attribute"),
    )
    return next((kind for type_, kind in kinds if isinstance(node, type_)), "an expression")
