"""What a bot run cost: requests sent (every attempt, retries included), writes among them, and
GraphQL queries, their points and mutations (for the summary and the JSON document)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trustpub.github.graphql import Usage as GraphQLUsage


@dataclass(frozen=True)
class Usage:
    """What the run cost: requests sent (every attempt, retries included), of them writes, and
    GraphQL queries, their points and mutations."""

    requests: int = 0
    writes: int = 0
    graphql: GraphQLUsage | None = None

    def line(self) -> str:
        text = f"GitHub API: {self.requests:,} requests ({self.writes:,} writes)"
        if self.graphql is not None:
            g = self.graphql
            text += (
                f", of them {g.queries:,} GraphQL queries ({g.points:,} points) and "
                f"{g.mutations:,} mutations"
            )
        return text + "."


def usage_json(usage: Usage | None) -> dict[str, Any] | None:
    if usage is None:
        return None
    g = usage.graphql
    return {
        "sent": usage.requests,
        "writes": usage.writes,
        "graphql_queries": g.queries if g else 0,
        "graphql_points": g.points if g else 0,
        "graphql_mutations": g.mutations if g else 0,
    }
