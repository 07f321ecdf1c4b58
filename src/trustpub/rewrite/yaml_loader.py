"""ruamel.yaml set up for workflows: its C parser where installed (the pure one otherwise), and the
checks that refuse a document trustpub cannot edit safely (alias bombs, lists or mappings as keys,
flow collections nested absurdly deep).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.main import CParser  # type: ignore[attr-defined]  # None without the C parser
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from trustpub.rewrite.yaml_construct import construct, known_tag

MAX_EXPANDED_NODES = 1_000_000
MAX_FLOW_DEPTH = 1000  # the C parser overflows its stack on flow collections nested ~50,000 deep


class WorkflowSyntaxError(Exception):
    """The text is not a YAML document trustpub can edit safely."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


_YAML_VERSION = (1, 2)


class _CResolver(VersionedResolver):
    """The resolver for the C parser, which reads every document as YAML 1.2.

    ruamel.yaml's C loader ignores `%YAML` directives, so the version is always its default. The
    base class works that out again for every scalar, through two caught exceptions, and builds
    its table of implicit tags anew for every document: together more than half of a parse. The
    tags resolved are the same; the table is built once.
    """

    _table: dict[Any, list[Any]] | None = None  # first character -> [(tag, regexp)]; never changed

    @property
    def processing_version(self) -> Any:
        return _YAML_VERSION

    @property
    def versioned_resolver(self) -> Any:
        if _CResolver._table is None:
            _CResolver._table = super().versioned_resolver
        return _CResolver._table

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """The base class's answer without path resolvers (this loader has none), and with one
        shared `Tag` per implicit tag, so that constructing can tell tags apart by identity."""
        if self.yaml_path_resolvers:  # pragma: no cover - never registered by trustpub
            return super().resolve(kind, value, implicit)
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self.versioned_resolver.get(value[:1], ()):
                    if regexp.match(value):
                        return known_tag(tag)
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_MAPPING_TAG


if CParser is not None:  # ruamel.yaml.clib is installed (a dependency on CPython)

    class _CLoader(CParser, SafeConstructor, _CResolver):  # type: ignore[misc]
        """The C parser, the safe constructor and the resolver in one object, built once per text.

        What `YAML(typ="safe")` assembles for every document (ruamel defines that class anew each
        time), with duplicate keys refused as it does.
        """

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            self._parser = self._composer = self
            SafeConstructor.__init__(self, loader=self)
            self.allow_duplicate_keys = False
            _CResolver.__init__(self, loadumper=self)


_PURE = threading.local()  # without ruamel.yaml.clib: one pure-Python loader per thread


def compose_and_construct(text: str) -> tuple[Node | None, Callable[[Node], Any]]:
    """The node tree of the text, and how to construct its data."""
    if CParser is None:  # pragma: no cover - exercised by a test in a subprocess
        yaml: YAML | None = getattr(_PURE, "yaml", None)
        if yaml is None:
            yaml = _PURE.yaml = YAML(typ="safe", pure=True)
        return yaml.compose(text), yaml.constructor.construct_document
    loader = _CLoader(text)
    try:
        return loader.get_single_node(), functools.partial(
            construct, loader, slow=loader.construct_document
        )
    finally:
        loader.dispose()


def check_flow_depth(text: str) -> None:
    """Refuse absurdly nested flow collections before the parser sees them."""
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return
    depth = 0
    for match in re.finditer(r"[\[\]{}]", text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        if depth > MAX_FLOW_DEPTH:
            line = text.count("\n", 0, match.start()) + 1
            raise WorkflowSyntaxError(line, "the document is nested too deeply")


def check_expansion(root: Node) -> bool:
    """Refuse documents whose aliases expand to a huge tree (billion laughs), or that use a list
    or mapping as a key, before any other walk. True when a node is referenced more than once
    (an alias): only then can two places of the data be one object."""
    aliased, count = _walk_keys(root)
    if aliased or count > MAX_EXPANDED_NODES:
        _check_expanded_sizes(root)
    return aliased


def _walk_keys(root: Node) -> tuple[bool, int]:
    """Check the keys; whether a node is referenced twice (the walk stops there), and how many
    nodes were seen. The common case, in one cheap pass; otherwise `_check_expanded_sizes` says
    where it is too big."""
    seen: set[int] = set()
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True, len(seen)
        seen.add(id(node))
        if isinstance(node, MappingNode):
            _check_keys(node)
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return False, len(seen)


def _check_expanded_sizes(root: Node) -> None:
    """The size of a node counts every alias reference in full, computed once per node."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # on the way from the root: an alias to one is a loop
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not children_done:
            if id(node) in open_nodes:
                raise WorkflowSyntaxError(
                    node.start_mark.line + 1,
                    "a YAML alias refers to itself from inside its own value (a loop); "
                    "workflows cannot use one",
                )
            if isinstance(node, MappingNode):
                _check_keys(node)
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        open_nodes.discard(id(node))
        size = 1 + sum(sizes[id(c)] for c in children)
        if size > MAX_EXPANDED_NODES:
            raise WorkflowSyntaxError(
                node.start_mark.line + 1,
                "YAML aliases expand this document to more than "
                f"{MAX_EXPANDED_NODES:,} nodes; refusing a possible alias bomb",
            )
        sizes[id(node)] = size


def _check_keys(node: MappingNode) -> None:
    """Workflow keys are scalars; a list or mapping as a key (`? [a]`) is refused."""
    for key, _ in node.value:
        if not isinstance(key, ScalarNode):
            raise WorkflowSyntaxError(
                key.start_mark.line + 1, "a list or mapping used as a key; workflows use plain keys"
            )


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []
