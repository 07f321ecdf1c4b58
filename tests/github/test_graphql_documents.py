"""Every GraphQL document trustpub sends is valid against GitHub's schema (graphql-core).

The documents are in `trustpub.github.queries`; the ones built per batch are checked in every
shape they take (a repository with or without composite actions, one or many per query). That
nothing else goes out is checked on a bot run (tests/bot/test_graphql_reads.py): the fake
validates each document it gets against the same schema, and that test validates again every
document in the fake's request log.
"""

from __future__ import annotations

import pytest
from graphql import GraphQLSchema, parse, validate

from fake_github.graphql_schema import github_schema, schema_available
from trustpub.github import queries

pytestmark = pytest.mark.skipif(
    not schema_available(), reason="../shared/github-api/graphql/schema.graphql is not there"
)

DOCUMENTS = {
    "owner page": queries.OWNER_PAGE,
    "one named": queries.named(1),
    "a hundred named": queries.named(100),
    "read one": queries.read([0]),
    "read with composite actions": queries.read([0, 2, 0, 1]),
    "read a hundred": queries.read([0] * 100),
    "branch": queries.BRANCH,
    **{f"mutation {i}": document for i, document in enumerate(queries.MUTATIONS)},
}


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return github_schema()


def errors(schema: GraphQLSchema, document: str) -> list[str]:
    return [error.message for error in validate(schema, parse(document))]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_is_valid_against_githubs_schema(schema: GraphQLSchema, name: str) -> None:
    assert errors(schema, DOCUMENTS[name]) == []


def test_the_schema_catches_what_github_would_refuse(schema: GraphQLSchema) -> None:
    """The check can fail: a field, an argument or a type GitHub does not have."""
    assert errors(schema, 'query { repository(owner: "a", name: "b") { workflowFiles } }')
    assert errors(schema, 'query { repository(owner: "a", name: "b", branch: "c") { id } }')
    assert errors(schema, "query { viewer { login } rateLimit { pointsLeft } }")
    broken = queries.OWNER_PAGE.replace("isArchived", "archived")
    [message] = errors(schema, broken)
    assert message.startswith("Cannot query field 'archived' on type 'Repository'.")


def test_the_largest_batch_and_page_stay_within_githubs_node_limit(schema: GraphQLSchema) -> None:
    """A batch of MAX_REPOSITORIES (and a listing page of 100) asks for far fewer than the
    500,000 nodes GitHub allows, and costs a few points (GitHub's formula, as the fake uses)."""
    from graphql import OperationDefinitionNode

    from fake_github.graphql_cost import MAX_NODES, analyse
    from trustpub.github.batch_read import MAX_REPOSITORIES
    from trustpub.github.listing import PAGE

    for document, variables in (
        (queries.read([1] * MAX_REPOSITORIES), {}),
        (queries.OWNER_PAGE, {"first": PAGE}),
    ):
        parsed = parse(document)
        operation = parsed.definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        analysis = analyse(schema, parsed, operation, variables)
        assert analysis.errors == []
        assert 0 < analysis.nodes < MAX_NODES // 10
        assert analysis.cost <= 5
