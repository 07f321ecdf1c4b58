"""Plain data from a YAML node tree, the way ruamel.yaml's safe constructor builds it, faster.

Workflows are mappings, sequences and scalars with the standard tags. For those, building the data
is a walk; ruamel.yaml's constructor does the same through generators, a cache of every node and a
tag lookup per node, and that was a third of a parse. Anything else (aliases of a collection,
merge keys, `!!set`, custom tags, duplicate keys, nesting past Python's recursion limit, any error)
is left to ruamel.yaml's own constructor, which then reads the whole document: the data, and the
error it raises, are always exactly ruamel.yaml's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver
from ruamel.yaml.tag import Tag

__all__ = ["construct", "known_tag"]

_PREFIX = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _PREFIX + "str", _PREFIX + "seq", _PREFIX + "map"
# Scalar tags whose ruamel.yaml constructor is a plain function of the node (no generator).
_SCALAR_TAGS = frozenset(_PREFIX + t for t in ("null", "bool", "int", "float", "timestamp"))
_MERGE_OR_VALUE = frozenset((_PREFIX + "merge", _PREFIX + "value"))  # `<<` and `=` keys

# The tags the resolver hands out, by identity: reading `node.tag` builds a string every time.
_NAMES: dict[int, str] = {
    id(BaseResolver.DEFAULT_SCALAR_TAG): _STR,
    id(BaseResolver.DEFAULT_SEQUENCE_TAG): _SEQ,
    id(BaseResolver.DEFAULT_MAPPING_TAG): _MAP,
}
_TAGS: dict[str, Tag] = {}
_PLAIN_STR = BaseResolver.DEFAULT_SCALAR_TAG  # the resolver's tag for a string


def known_tag(name: str) -> Tag:
    """One shared `Tag` per implicit tag the resolver gives (tags are never changed once made).

    Each is kept for good, so its `id` is never another object's; two threads that make one at
    once both get the one kept."""
    tag = _TAGS.get(name)
    if tag is None:
        tag = _TAGS.setdefault(name, Tag(suffix=name))
        _NAMES[id(tag)] = name
    return tag


class _Unusual(Exception):
    """A node this walk leaves to ruamel.yaml's constructor."""


def construct(constructor: Any, root: Node, slow: Callable[[Node], Any]) -> Any:
    """The data of `root`; `constructor` is a SafeConstructor (for non-string scalars), `slow`
    its `construct_document`, used for the whole document when a node is unusual."""
    try:
        return _Walk(constructor).build(root)
    except Exception:  # ruamel.yaml reads it again, and raises its own error if any
        return slow(root)


class _Walk:
    def __init__(self, constructor: Any) -> None:
        self.constructor = constructor
        self.scalars = constructor.yaml_constructors
        self.seen: set[int] = set()

    def build(self, node: Node) -> Any:
        tag = _tag(node)
        kind = type(node)
        if kind is ScalarNode:
            if tag == _STR:
                return node.value
            if tag not in _SCALAR_TAGS:
                raise _Unusual
            return self.scalars[tag](self.constructor, node)
        if id(node) in self.seen:  # an alias: ruamel.yaml shares one object, or it recurses
            raise _Unusual
        self.seen.add(id(node))
        if kind is SequenceNode and tag == _SEQ:
            return [self.build(item) for item in node.value]
        if kind is MappingNode and tag == _MAP:
            return self._mapping(node)
        raise _Unusual

    def _mapping(self, node: Node) -> dict[Any, Any]:
        found: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.ctag is _PLAIN_STR and type(key_node) is ScalarNode:
                key = key_node.value  # most keys: a string with no tag, not `<<` or `=`
            elif type(key_node) is not ScalarNode or _tag(key_node) in _MERGE_OR_VALUE:
                raise _Unusual
            else:
                key = self.build(key_node)
            if key in found:
                raise _Unusual  # a duplicate key: ruamel.yaml refuses it and says where
            if value_node.ctag is _PLAIN_STR and type(value_node) is ScalarNode:
                found[key] = value_node.value
            else:
                found[key] = self.build(value_node)
        return found


def _tag(node: Node) -> str:
    return _NAMES.get(id(node.ctag)) or str(node.tag)
