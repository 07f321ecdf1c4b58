"""GET /search/code: a small matcher over default-branch files, in GitHub's response envelope."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from fake_github import shapes
from fake_github.router import ApiError, Context, Request, Response, paginate, route
from fake_github.state import Repo, World

MAX_FILE_SIZE = 384 * 1024
MAX_RESULTS = 1000
MAX_QUERY_LENGTH = 256
TOKEN = re.compile(r'(-?)([A-Za-z_]+):("[^"]*"|\S+)|(-?)"([^"]*)"|(\S+)')
QUALIFIERS = {
    "org",
    "user",
    "repo",
    "path",
    "filename",
    "extension",
    "language",
    "in",
    "fork",
    "size",
    "is",
}
LANGUAGES = {
    "python": (".py", ".pyi"),
    "yaml": (".yml", ".yaml"),
    "toml": (".toml",),
    "markdown": (".md",),
    "json": (".json",),
    "shell": (".sh",),
    "text": (".txt",),
    "ini": (".ini", ".cfg"),
}
# legacy code search ignores these characters: they separate tokens
SEPARATORS = re.compile(r"""[\s.,:;/\\`'"=*!?#$&+^|~<>(){}\[\]@]+""")
UNSEARCHABLE = (
    "The listed users and repositories cannot be searched either because the resources "
    "do not exist or you do not have permission to view them."
)


@dataclass
class Query:
    """One OR-alternative: every term must match, no negated term may."""

    terms: list[str] = field(default_factory=list)
    negated: list[str] = field(default_factory=list)


@dataclass
class ParsedQuery:
    alternatives: list[Query]
    qualifiers: dict[str, list[str]]
    in_path: bool


def _invalid(message: str | None = None) -> ApiError:
    error = {"resource": "Search", "field": "q", "code": "invalid"}
    if message:
        error["message"] = message
    return ApiError(
        422,
        "Validation Failed",
        errors=[error],
        documentation_url="https://docs.github.com/rest/search/search#search-code",
    )


def parse(q: str) -> ParsedQuery:
    if len(q) > MAX_QUERY_LENGTH:
        raise _invalid("The search is longer than 256 characters.")
    alternatives, qualifiers, operators = [Query()], {}, 0
    negate_next = False
    for match in TOKEN.finditer(q):
        minus, key, value, quote_minus, phrase, word = match.groups()
        if key and key.lower() in QUALIFIERS:
            qualifiers.setdefault(key.lower(), []).append(value.strip('"').lower())
            continue
        if word in ("AND", "OR", "NOT"):
            operators += 1
            if word == "OR":
                alternatives.append(Query())
            negate_next = word == "NOT"
            continue
        text = phrase if phrase is not None else (f"{key}:{value}" if key else word)
        negative = negate_next or bool(minus or quote_minus)
        (alternatives[-1].negated if negative else alternatives[-1].terms).append(text.lower())
        negate_next = False
    if operators > 5:
        raise _invalid("The search contains more than five AND, OR, or NOT operators.")
    if not any(a.terms for a in alternatives):
        raise _invalid("Must include at least one search term.")
    return ParsedQuery(alternatives, qualifiers, "path" in qualifiers.get("in", []))


def _repo_wanted(world: World, repo: Repo, qualifiers: dict[str, list[str]]) -> bool:
    owner = repo.owner.login.lower()
    scopes = [(k, v) for k in ("org", "user", "repo") for v in qualifiers.get(k, [])]
    if scopes and not any(
        v == (repo.full_name.lower() if k == "repo" else owner) for k, v in scopes
    ):
        return False
    forks = qualifiers.get("fork", [])
    if repo.fork and not ({"true", "only"} & set(forks)):
        return False
    return not (forks == ["only"] and not repo.fork)


def _path_wanted(path: str, qualifiers: dict[str, list[str]]) -> bool:
    directory, _, name = path.lower().rpartition("/")
    for wanted in qualifiers.get("path", []):
        wanted = wanted.strip("/")
        if any(c in wanted for c in "*?["):
            if not fnmatch.fnmatchcase(path.lower(), wanted):
                return False
        elif wanted and directory != wanted and not directory.startswith(wanted + "/"):
            return False
    if any(not fnmatch.fnmatchcase(name, f) for f in qualifiers.get("filename", [])):
        return False
    if any(not name.endswith("." + e.lstrip(".")) for e in qualifiers.get("extension", [])):
        return False
    for language in qualifiers.get("language", []):
        if not name.endswith(LANGUAGES.get(language, ("." + language,))):
            return False
    return True


def tokens(text: str) -> str:
    """Lower-cased tokens, space-separated and padded, so a phrase matches on token boundaries."""
    return " " + " ".join(t for t in SEPARATORS.split(text.lower()) if t) + " "


def _text_matches(query: ParsedQuery, path: str, text: str) -> bool:
    haystack = tokens(path if query.in_path else text)

    def found(term: str) -> bool:
        return tokens(term) in haystack

    return any(
        all(found(t) for t in alt.terms) and not any(found(t) for t in alt.negated)
        for alt in query.alternatives
        if alt.terms
    )


def search(world: World, query: ParsedQuery) -> list[tuple[Repo, str, str, str]]:
    """(repo, path, blob sha, commit sha) for every default-branch file that matches."""
    for key in ("org", "user"):
        for login in query.qualifiers.get(key, []):
            if world.account(login) is None:
                raise _invalid(UNSEARCHABLE)
    for full_name in query.qualifiers.get("repo", []):
        owner, _, name = full_name.partition("/")
        if world.repo(owner, name) is None:
            raise _invalid(UNSEARCHABLE)
    hits = []
    for repo in sorted(world.repos.values(), key=lambda r: r.id):
        head = repo.branch_sha(repo.default_branch)
        if head is None or not _repo_wanted(world, repo, query.qualifiers):
            continue
        for path, entry in repo.store.walk(repo.store.commit(head).tree):
            if entry.type != "blob" or not _path_wanted(path, query.qualifiers):
                continue
            data = repo.store.blob(entry.sha).data
            if len(data) <= MAX_FILE_SIZE and _text_matches(
                query, path, data.decode(errors="replace")
            ):
                hits.append((repo, path, entry.sha, head))
    return hits


@route("GET", "/search/code")
def search_code(ctx: Context, request: Request, params: dict[str, str]) -> Response:
    q = request.param("q")
    if not q:
        raise _invalid()
    hits = search(ctx.world, parse(q))
    page, headers = paginate(request, hits[:MAX_RESULTS], ctx.urls)
    if not page and hits[MAX_RESULTS:] and request.param("page"):
        raise ApiError(
            422,
            "Only the first 1000 search results are available",
            documentation_url="https://docs.github.com/v3/search/",
        )
    items = []
    for repo, path, blob_sha, commit_sha in page:
        base = f"/repositories/{repo.id}"
        items.append(
            {
                "name": path.rsplit("/", 1)[-1],
                "path": path,
                "sha": blob_sha,
                "url": ctx.urls.api(f"{base}/contents/{quote(path)}?ref={commit_sha}"),
                "git_url": ctx.urls.api(f"{base}/git/blobs/{blob_sha}"),
                "html_url": ctx.urls.repo_web(repo, f"/blob/{commit_sha}/{quote(path)}"),
                "repository": shapes.repo_minimal(ctx.urls, repo),
                "score": 1.0,
            }
        )
    body = {
        "total_count": len(hits),
        "incomplete_results": ctx.world.search_incomplete_results,
        "items": items,
    }
    return Response(200, body, headers)
