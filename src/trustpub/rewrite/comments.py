"""The comments a maintainer wrote: where they are, and which are about the credentials.

A comment on a line trustpub deletes goes with it only when it is about the credentials that
go (`# the PyPI token`, a commented-out `# password: ...`); any other comment stays where it was,
or moves with the line it belongs to (a step that moves to a publish job, an `if:` lifted to a
job). Lines inside a `|` or `>` block scalar that start with `#` are the scalar's content (a
script's comments), not YAML comments.
"""

from __future__ import annotations

import re

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from trustpub.rewrite.document import Document

# Words of a comment about the credentials: the secret, the token, the user name, the password.
CREDENTIAL_WORDS = re.compile(
    r"token|passw|secret|credential|api[ _-]?key|__token__|user(?:name)?\b|\blogin\b|\bauth"
    r"|twine_|_pypi|pypi_",
    re.IGNORECASE,
)


def about_credentials(comment: str) -> bool:
    """True when a comment is about the credentials an upload used (so it may go with them)."""
    return CREDENTIAL_WORDS.search(comment) is not None


def block_scalar_lines(doc: Document) -> frozenset[int]:
    """0-based lines that are content of a `|` or `>` block scalar (read once per document)."""
    key = "block_scalar_lines"
    if key not in doc.derived:
        found: set[int] = set()
        for node in _nodes(doc.root):
            if isinstance(node, ScalarNode) and node.style in ("|", ">"):
                found.update(_content_lines(doc, node))
        doc.derived[key] = frozenset(found)
    lines: frozenset[int] = doc.derived[key]
    return lines


def _content_lines(doc: Document, node: ScalarNode) -> range:
    """The lines of a block scalar's content: up to the first line indented less than its
    first line (the parser's end mark may reach over the comment lines that follow it)."""
    first = doc.line_of(node.start_mark.index) + 1
    last = doc.line_of(node.end_mark.index)
    indent = None
    for line in range(first, last + 1):
        text = doc.line_text(line)
        if not text.strip():
            continue
        depth = len(text) - len(text.lstrip(" "))
        if indent is None:
            indent = depth
        elif depth < indent:
            return range(first, line)
    return range(first, last + 1)


def is_comment_line(doc: Document, line: int) -> bool:
    """True when the line holds only a YAML comment."""
    return doc.line_text(line).lstrip().startswith("#") and line not in block_scalar_lines(doc)


def comment_lines(doc: Document, first: int, last: int) -> list[int]:
    """The YAML comment lines from `first` to `last` (0-based, inclusive)."""
    return [line for line in range(first, last + 1) if is_comment_line(doc, line)]


def kept_comments(doc: Document, start: int, end: int) -> list[str]:
    """The comments (stripped, `# ...`) of the text from `start` to `end` that are not about
    credentials, in order: what a block that goes must leave behind or take along."""
    lines = comment_lines(doc, doc.line_of(start), doc.line_of(max(end - 1, start)))
    texts = [doc.line_text(line).strip() for line in lines]
    return [t for t in texts if not about_credentials(t)]


def all_kept_comments(doc: Document, start: int, end: int, node: Node) -> list[str]:
    """`kept_comments`, with the comments at the end of the lines of `node`'s one-line scalars
    (`if: ...  # tags only`) as well, in line order: what a step that goes entirely leaves."""
    first, last = doc.line_of(start), doc.line_of(max(end - 1, start))
    found = {line: doc.line_text(line).strip() for line in comment_lines(doc, first, last)}
    for scalar in _nodes(node):
        if not isinstance(scalar, ScalarNode) or scalar.style in ("|", ">"):
            continue
        line = doc.line_of(scalar.end_mark.index)
        rest = doc.line_text(line)[doc.column_of(scalar.end_mark.index) :].strip()
        if line == doc.line_of(scalar.start_mark.index) and rest.startswith("#"):
            found[line] = rest
    return [text for _, text in sorted(found.items()) if not about_credentials(text)]


def entry_comments(doc: Document, key: Node, value: Node) -> tuple[list[str], str | None]:
    """The comment lines right above a mapping entry (at its key's column or deeper) and the
    comment at the end of its line, for an entry that moves elsewhere (an `if:` lifted to a
    job): (lines, end-of-line comment)."""
    line = doc.line_of(key.start_mark.index)
    column = doc.column_of(key.start_mark.index)
    above: list[str] = []
    while line > 0 and is_comment_line(doc, line - 1):
        text = doc.line_text(line - 1)
        if len(text) - len(text.lstrip()) < column:
            break
        above.insert(0, text.strip())
        line -= 1
    end = value.end_mark.index
    rest = doc.text[end : doc.line_end(doc.line_of(end))].strip()
    eol = rest[1:].strip() if rest.startswith("#") and isinstance(value, ScalarNode) else None
    if doc.line_of(end) != doc.line_of(key.start_mark.index):
        eol = None
    return above, eol or None


def _nodes(root: Node | None) -> list[Node]:
    found: list[Node] = []
    stack = [root] if root is not None else []
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        found.append(node)
        if isinstance(node, MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return found
