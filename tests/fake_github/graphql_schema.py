"""GitHub's GraphQL schema (`../shared/github-api/graphql/schema.graphql`), built once per process.

Building the 1.2 MB SDL takes about half a second, so it is built once and shared by every fake
server of a test session and by the test that validates the project's documents. The schema
GitHub publishes does not pass graphql-core's own schema checks (a few fields are defined twice,
and some implementations deprecate an interface field), so it is built as GitHub serves it:
`assume_valid`, which skips those checks but still validates every document against it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from graphql import GraphQLSchema, build_schema

SCHEMA_PATH = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "github-api"
    / "graphql"
    / "schema.graphql"
)


def schema_available() -> bool:
    return SCHEMA_PATH.is_file()


@functools.cache
def github_schema() -> GraphQLSchema:
    """The schema. The fake resolves fields from the objects its root returns (graphql-core's
    default resolver calls a method named like the field), so nothing is attached to it."""
    return build_schema(
        SCHEMA_PATH.read_text(encoding="utf-8"), assume_valid=True, assume_valid_sdl=True
    )
