"""Which repositories the bot visits: listed (org, user, names), filtered, narrowed, sharded.

Listing an owner costs one request per 100 repositories and gives everything the filters need
(archived, fork, topics, default branch); through GraphQL it also says which files each
repository has to read (see `github/listing.py`), and names on the command line are looked up
100 per query. `--code-search` then keeps only the repositories whose
workflows mention a publish tool: one search request per page of results per query, instead of
reading every repository. Search is only a hint: each hit is confirmed by reading its files.
"""

from __future__ import annotations

import fnmatch
import hashlib
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trustpub.github.remote import WORKFLOWS_DIR
from trustpub.publishers import SEARCH_QUERIES

if TYPE_CHECKING:
    from github import Github
    from trustpub.github.graphql import GraphQL
    from trustpub.github.listing import Listed

PER_PAGE = 100
SEARCH_CAP = 1000  # GitHub returns at most 1,000 results per search


class DiscoveryError(Exception):
    """The repositories cannot be listed at all (exit 2 for a bad argument, else 3)."""


@dataclass(frozen=True)
class Candidate:
    full_name: str
    default_branch: str
    archived: bool
    fork: bool
    topics: tuple[str, ...]
    repo: Any = field(repr=False, compare=False)  # the PyGithub Repository, already loaded
    listed: Listed | None = field(default=None, repr=False, compare=False)  # from GraphQL


@dataclass(frozen=True)
class Selection:
    """What the command line asked for."""

    org: str | None = None
    user: str | None = None
    repos: tuple[str, ...] = ()
    include_archived: bool = False
    include_forks: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    code_search: bool = False
    shard: tuple[int, int] | None = None  # (index from 1, count)


@dataclass
class Discovered:
    candidates: list[Candidate] = field(default_factory=list)
    left_out: Counter[str] = field(default_factory=Counter)  # reason -> count
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (name, outcome, why)
    notes: list[str] = field(default_factory=list)


def parse_shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit()) or not 1 <= int(index) <= int(count):
        raise DiscoveryError(f"--shard {text}: expected I/N with 1 <= I <= N, e.g. 2/4")
    return int(index), int(count)


def in_shard(full_name: str, shard: tuple[int, int] | None) -> bool:
    """Stable across runs and machines: a repository stays in its shard as others come and go."""
    if shard is None:
        return True
    digest = hashlib.sha256(full_name.lower().encode()).hexdigest()
    return int(digest[:12], 16) % shard[1] == shard[0] - 1


def read_names(lines: Iterable[str]) -> list[str]:
    """OWNER/REPO per line (a github.com URL works too); blank lines and `#` comments skipped."""
    names: list[str] = []
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        line = line.removesuffix(".git").rstrip("/")
        for prefix in ("https://github.com/", "http://github.com/", "github.com/"):
            line = line.removeprefix(prefix)
        owner, slash, name = line.partition("/")
        if not slash or not owner or not name or "/" in name:
            raise DiscoveryError(f"line {number}: {raw.strip()!r} is not OWNER/REPO")
        names.append(f"{owner}/{name}")
    return names


def repos_file_names(path: str) -> list[str]:
    try:
        if path == "-":
            return read_names(sys.stdin)
        with open(path, encoding="utf-8") as handle:
            return read_names(handle)
    except OSError as error:
        raise DiscoveryError(f"cannot read {path}: {error.strerror}") from None


def discover(
    gh: Github, selection: Selection, per_page: int = PER_PAGE, gql: GraphQL | None = None
) -> Discovered:
    """The repositories to visit; through GraphQL when `gql` is given, else REST."""
    found = Discovered()
    owner = selection.org or selection.user
    gh.per_page = per_page
    kept: list[Candidate] = []
    listing = (
        _listed(gh, selection) if gql is None else _listed_graphql(gh, gql, selection, per_page)
    )
    for listed in listing if owner else ():
        reason = _left_out(listed, selection)
        if reason:
            found.left_out[reason] += 1
        else:
            kept.append(listed)
    if owner and selection.code_search and kept:
        kept = _narrowed(gh, selection, owner, kept, found)
    found.candidates = kept
    if gql is not None:
        _named_graphql(gh, gql, selection, found)
    for name in selection.repos if gql is None else ():
        _named(gh, name, selection, found)
    unique = {c.full_name.lower(): c for c in found.candidates}
    found.candidates = sorted(unique.values(), key=lambda c: c.full_name.lower())
    return found


def candidate(repo: Any) -> Candidate:
    return Candidate(
        repo.full_name,
        repo.default_branch or "main",
        bool(repo.archived),
        bool(repo.fork),
        tuple(t.lower() for t in (repo.topics or ())),
        repo,
    )


def _listed(gh: Github, selection: Selection) -> Iterable[Candidate]:
    from github.GithubException import UnknownObjectException

    try:
        if selection.org:
            repos: Iterable[Any] = gh.get_organization(selection.org).get_repos(type="all")
        else:
            assert selection.user is not None
            repos = _user_repos(gh, selection.user)
        for repo in repos:
            yield candidate(repo)
    except UnknownObjectException:
        kind = "organisation" if selection.org else "user"
        raise DiscoveryError(
            f"{kind} {selection.org or selection.user} not found, or the token cannot see it"
        ) from None


def _listed_graphql(
    gh: Github, gql: GraphQL, selection: Selection, per_page: int
) -> Iterable[Candidate]:
    from trustpub.github.listing import OwnerNotFound, owner_repositories

    login = selection.org or selection.user or ""
    try:
        for listed in owner_repositories(gql, login, bool(selection.org), min(per_page, 100)):
            yield listed_candidate(gh, listed)
    except OwnerNotFound:
        kind = "organisation" if selection.org else "user"
        raise DiscoveryError(f"{kind} {login} not found, or the token cannot see it") from None


def _named_graphql(gh: Github, gql: GraphQL, selection: Selection, found: Discovered) -> None:
    from trustpub.github.listing import named_repositories

    for name, listed in named_repositories(gql, list(dict.fromkeys(selection.repos))):
        if listed is None:
            found.refused.append((name, "failed", "not found, or the token cannot see it"))
        else:
            _keep_named(listed_candidate(gh, listed), selection, found)


def listed_candidate(gh: Github, listed: Listed) -> Candidate:
    from trustpub.github.listing import partial_repository

    return Candidate(
        listed.full_name,
        listed.default_branch or "main",
        listed.archived,
        listed.fork,
        listed.topics,
        partial_repository(gh, listed),
        listed,
    )


def _user_repos(gh: Github, login: str) -> Iterable[Any]:
    """The viewer's own repositories include private ones; anyone else's, the public ones."""
    me = gh.get_user()
    if me.login.lower() == login.lower():
        return me.get_repos(affiliation="owner")
    return gh.get_user(login).get_repos(type="owner")


def _left_out(c: Candidate, selection: Selection) -> str | None:
    if c.archived and not selection.include_archived:
        return "archived"
    if c.fork and not selection.include_forks:
        return "forks"
    if selection.include and not any(_matches(c.full_name, p) for p in selection.include):
        return "not matching --include"
    if any(_matches(c.full_name, p) for p in selection.exclude):
        return "matching --exclude"
    if selection.topics and not set(selection.topics) & set(c.topics):
        return "without the topic"
    if not in_shard(c.full_name, selection.shard):
        return "in another shard"
    return None


_NAMED = {  # why a repository named on the command line is left alone
    "archived": "archived (--include-archived visits it; an archived repository is read-only)",
    "forks": "a fork (--include-forks visits it)",
}


def _matches(full_name: str, pattern: str) -> bool:
    """A pattern with a `/` matches OWNER/REPO, one without matches the repository name."""
    subject = full_name if "/" in pattern else full_name.partition("/")[2]
    return fnmatch.fnmatchcase(subject.lower(), pattern.lower())


def _named(gh: Github, name: str, selection: Selection, found: Discovered) -> None:
    from github.GithubException import GithubException

    try:
        c = candidate(gh.get_repo(name))
    except GithubException as error:
        if error.status in (404, 301):
            found.refused.append((name, "failed", "not found, or the token cannot see it"))
            return
        raise
    _keep_named(c, selection, found)


def _keep_named(c: Candidate, selection: Selection, found: Discovered) -> None:
    reason = _left_out(c, selection)
    if reason == "in another shard":
        found.left_out[reason] += 1
    elif reason:
        found.refused.append((c.full_name, "skipped", _NAMED.get(reason, reason)))
    else:
        found.candidates.append(c)


def _narrowed(
    gh: Github, selection: Selection, owner: str, listed: list[Candidate], found: Discovered
) -> list[Candidate]:
    """The listed repositories code search finds a publish tool in (or all, when it cannot)."""
    hits: set[str] = set()
    scope = f"org:{owner}" if selection.org else f"user:{owner}"
    for query in SEARCH_QUERIES:
        results = gh.search_code(f"{query} {scope}", path=WORKFLOWS_DIR)
        count = 0
        for item in results:
            count += 1
            hits.add(item.repository.full_name.lower())
        if count >= SEARCH_CAP:
            found.notes.append(
                f"code search returned its maximum of {SEARCH_CAP} results: reading every "
                "repository instead"
            )
            return listed
        if getattr(results, "incomplete_results", False):
            found.notes.append(
                "code search reported incomplete results: some repositories may be missed; "
                "run without --code-search for a full scan"
            )
    kept = [c for c in listed if c.full_name.lower() in hits]
    found.left_out["no publish tool found by code search"] += len(listed) - len(kept)
    return kept
