"""POST /graphql: GitHub's schema, executed by graphql-core over the fake's world.

The wire format follows `../shared/github-api/replay/GraphQl.*`: a JSON body with `query` and
`variables`; the answer is HTTP 200 with `data` and, when something went wrong, `errors` (each
with `type`, `path`, `locations` and `message`), partial data kept. A document that does not
validate against GitHub's schema gets only `errors`. Each query is charged its point cost
(`rateLimit { cost }`) against the `graphql` budget; when that is spent GitHub answers 200 with
a RATE_LIMITED error. A query that reads more blob texts than `timeout_after_blobs` stands for
one that hit GitHub's 10-second limit: 502 with GitHub's message and no data.
"""

from __future__ import annotations

import functools
import weakref
from typing import Any

from graphql import (
    GraphQLError,
    OperationDefinitionNode,
    execute,
    get_operation_ast,
    parse,
    validate,
)

from fake_github.graphql_base import Fault, Run, Settings
from fake_github.graphql_cost import analyse
from fake_github.graphql_root import Root
from fake_github.graphql_schema import github_schema, schema_available
from fake_github.router import ApiError, Context, Request, Response, route
from fake_github.state import World

TIMEOUT_MESSAGE = (
    "Something went wrong while executing your query. This may be the result of a timeout, or "
    "it could be a GitHub bug. Please include `{request_id}` when reporting this issue."
)
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
_SETTINGS: weakref.WeakKeyDictionary[World, Settings] = weakref.WeakKeyDictionary()


def settings_for(world: World) -> Settings:
    """The GraphQL knobs of one fake server (created on first use)."""
    if world not in _SETTINGS:
        _SETTINGS[world] = Settings()
    return _SETTINGS[world]


def _errors(*errors: dict[str, Any]) -> Response:
    return Response(200, {"errors": list(errors)})


@route("POST", "/graphql")
def graphql(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    settings = settings_for(ctx.world)
    if not settings.enabled or not schema_available():
        raise ApiError(404, "Not Found")
    body = request.body if isinstance(request.body, dict) else {}
    source, variables = body.get("query"), body.get("variables") or {}
    if not isinstance(source, str):
        return _errors({"message": "A query attribute must be specified and must be a string."})
    if settings.secondary_in_body > 0:
        settings.secondary_in_body -= 1
        return _errors({"type": "RATE_LIMITED", "message": SECONDARY_MESSAGE})
    schema = github_schema()
    document, invalid = _checked(source)
    if invalid:
        return _errors(*invalid)
    operation = get_operation_ast(document, body.get("operationName"))
    if not isinstance(operation, OperationDefinitionNode):
        return _errors({"message": "An operation name is required"})
    analysis = analyse(schema, document, operation, variables)  # page sizes are plain numbers
    if analysis.errors:
        return _errors(*analysis.errors)
    mutation = operation.operation.value == "mutation"
    cost = 1 if mutation else analysis.cost
    if not ctx.rate_limits.try_spend("graphql", cost):
        viewer = ctx.world.viewer
        message = f"API rate limit exceeded for user ID {viewer.id if viewer else 1}."
        return _errors({"type": "RATE_LIMITED", "message": message})
    run = Run(ctx, settings, cost=cost, node_count=analysis.nodes)
    result = execute(
        schema,
        document,
        root_value=Root(),
        context_value=run,
        variable_values=variables,
        operation_name=body.get("operationName"),
    )
    limit = settings.timeout_after_blobs
    if not mutation and limit is not None and run.blobs_read > limit:
        message = TIMEOUT_MESSAGE.format(request_id=request.headers.get("x-request-id", "FAKE"))
        return Response(502, {"data": None, "errors": [{"message": message}]})
    answer: dict[str, Any] = {"data": result.data}
    if result.errors:
        answer["errors"] = [_shape(e) for e in result.errors]
    return Response(200, answer)


@functools.lru_cache(maxsize=256)
def _checked(source: str) -> tuple[Any, tuple[dict[str, Any], ...]]:
    """A document parsed and validated against the schema, once per text (clients send the same
    documents again and again, with other variables)."""
    try:
        document = parse(source)
    except GraphQLError as error:
        return None, (_shape(error),)
    return document, tuple(_shape(e) for e in validate(github_schema(), document))


def _shape(error: GraphQLError) -> dict[str, Any]:
    """An error as GitHub writes it: type (when known), path, locations, message."""
    shaped: dict[str, Any] = {}
    original = error.original_error
    if isinstance(original, Fault):
        shaped["type"] = original.kind
    if error.path:
        shaped["path"] = list(error.path)
    if error.locations:
        shaped["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    shaped["message"] = str(original) if isinstance(original, Fault) else error.message
    return shaped
