"""GitHub's node limits and point cost of a GraphQL document, computed before it runs.

From GitHub's "Rate limits and query limits for the GraphQL API": every connection needs `first`
or `last` between 1 and 100; a query may ask for at most 500,000 nodes; its cost is the number of
requests needed to fill each connection (a connection inside a connection of 50 needs 50), summed,
divided by 100 and rounded, at least one point. A mutation costs one point here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_interface_type,
    is_object_type,
)

MAX_PAGE = 100
MAX_NODES = 500_000


@dataclass
class Analysis:
    requests: int = 0
    nodes: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cost(self) -> int:
        return max(1, int(self.requests / 100 + 0.5))


def analyse(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
) -> Analysis:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    result = Analysis()
    root = schema.mutation_type if operation.operation.value == "mutation" else schema.query_type
    walker = _Walker(schema, fragments, variables, result)
    walker.walk(operation.selection_set, root, 1, [])
    if result.nodes > MAX_NODES and not result.errors:
        result.errors.append(
            {
                "type": "MAX_NODE_LIMIT_EXCEEDED",
                "message": f"This query requests up to {result.nodes:,} possible nodes which "
                f"exceeds the maximum limit of {MAX_NODES:,}.",
            }
        )
    return result


@dataclass
class _Walker:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]
    result: Analysis

    def walk(
        self, selections: SelectionSetNode, parent: Any, multiplier: int, path: list[str]
    ) -> None:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                self._field(selection, parent, multiplier, path)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                kind = self.schema.get_type(condition.name.value) if condition else parent
                self.walk(selection.selection_set, kind, multiplier, path)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                kind = self.schema.get_type(fragment.type_condition.name.value)
                self.walk(fragment.selection_set, kind, multiplier, path)

    def _field(self, node: FieldNode, parent: Any, multiplier: int, path: list[str]) -> None:
        name = node.name.value
        if name.startswith("__") or not (is_object_type(parent) or is_interface_type(parent)):
            return
        definition = parent.fields.get(name)
        if definition is None:
            return
        returns = get_named_type(definition.type)
        here = [*path, node.alias.value if node.alias else name]
        if returns.name.endswith("Connection") and "first" in definition.args:
            size = self._argument(node, "first")
            if size is None:
                size = self._argument(node, "last")
            if size is None:
                self._error(
                    "MISSING_PAGINATION_BOUNDARIES",
                    f"You must provide a `first` or `last` value to properly paginate the "
                    f"`{name}` connection.",
                    here,
                )
                return
            if not 1 <= size <= MAX_PAGE:
                self._error(
                    "EXCESSIVE_PAGINATION",
                    f"Requesting {size} records on the `{name}` connection exceeds the `first` "
                    f"limit of {MAX_PAGE} records.",
                    here,
                )
                return
            self.result.requests += multiplier
            self.result.nodes += multiplier * size
            multiplier *= size
        if node.selection_set is not None:
            self.walk(node.selection_set, returns, multiplier, here)

    def _argument(self, node: FieldNode, name: str) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                found = self.variables.get(value.name.value)
                return int(found) if isinstance(found, int) else None
        return None

    def _error(self, kind: str, message: str, path: list[str]) -> None:
        self.result.errors.append({"type": kind, "path": path, "message": message})
