"""What steps do with a job's GITHUB_TOKEN: the one place that knows which actions and commands
write to the repository (or its releases, pages, packages, pull requests) and with which scope.

Data only; `rules/token_access.py` applies it to a job. A job that runs on the default token
(no `permissions:` anywhere) may have had write access to everything; before trustpub writes a
`permissions` block for such a job, it must know that no step needs a scope the block leaves out.
Scopes are the keys of a `permissions:` block (GitHub's github-token-available-permissions.md).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from trustpub.rewrite.runner import PREINSTALLED, SHELL_WORDS

CONTENTS, PACKAGES, PAGES = "contents", "packages", "pages"
PULL_REQUESTS, ISSUES, RUNS = "pull-requests", "issues", "actions"
DISCUSSIONS, ATTESTATIONS, ID_TOKEN = "discussions", "attestations", "id-token"


class TokenSource(enum.Enum):
    """Where a step gets the token it writes with."""

    INPUTS = "inputs"  # an action's token input (or the env variables it reads)
    GH = "gh"  # the GitHub CLI: GH_TOKEN, else GITHUB_TOKEN, from the environment
    GIT = "git"  # git: the credentials actions/checkout persisted (or a URL in the script)
    DOCKER = "docker"  # a registry login made before (docker/login-action or `docker login`)


@dataclass(frozen=True)
class WriteUse:
    """A way of writing with the GITHUB_TOKEN, and the scopes it needs."""

    what: str  # "creates a GitHub release"
    scopes: frozenset[str]  # empty: trustpub cannot tell which (it may need any)
    after_upload: bool = False  # it announces what was published (a release, a signature)

    @property
    def known(self) -> bool:
        return bool(self.scopes)


def _use(what: str, *scopes: str, after_upload: bool = False) -> WriteUse:
    return WriteUse(what, frozenset(scopes), after_upload)


RELEASE = _use("creates or updates a GitHub release", CONTENTS, after_upload=True)
PUSH = _use("pushes commits or tags", CONTENTS)
PAGES_BRANCH = _use("pushes to the GitHub Pages branch", CONTENTS)
PAGES_DEPLOY = _use("deploys GitHub Pages", PAGES, ID_TOKEN)
PACKAGE_PUSH = _use("pushes images to ghcr.io", PACKAGES)
PULL_REQUEST = _use("opens or changes pull requests", CONTENTS, PULL_REQUESTS)
PR_COMMENT = _use("comments on pull requests", PULL_REQUESTS)
ISSUE_COMMENT = _use("comments on issues or pull requests", ISSUES, PULL_REQUESTS)
WORKFLOW_RUN = _use("starts or changes workflow runs", RUNS)
DISPATCH = _use("sends a repository dispatch event", CONTENTS)
SIGN = _use(
    "signs the dists and attaches the signatures to a release",
    ID_TOKEN,
    CONTENTS,
    after_upload=True,
)
ATTEST = _use("makes build attestations", ID_TOKEN, ATTESTATIONS)
SEMANTIC_RELEASE = _use(
    "tags, pushes and creates a GitHub release", CONTENTS, ISSUES, PULL_REQUESTS, after_upload=True
)
RELEASE_PLEASE = _use("opens release pull requests and creates releases", CONTENTS, PULL_REQUESTS)
ANY = _use("may write anything its token allows")


@dataclass(frozen=True)
class ActionUse:
    """A known action that writes with a token.

    `inputs` (and `env`) carry the token; when none is set the action uses `github.token`
    (`default_token`), or has nothing to write with. `requires` narrows the entry to steps
    whose inputs match (e.g. a login to ghcr.io).
    """

    use: WriteUse
    inputs: tuple[str, ...] = ("token",)
    env: tuple[str, ...] = ()
    default_token: bool = True
    requires: Mapping[str, re.Pattern[str]] = field(default_factory=dict)
    source: TokenSource = TokenSource.INPUTS


def _action(
    use: WriteUse,
    *inputs: str,
    env: tuple[str, ...] = (),
    default_token: bool = True,
    requires: dict[str, str] | None = None,
    source: TokenSource = TokenSource.INPUTS,
) -> ActionUse:
    patterns = {k: re.compile(v, re.IGNORECASE) for k, v in (requires or {}).items()}
    return ActionUse(
        use, inputs or ("token",), env, default_token, MappingProxyType(patterns), source
    )


_GITHUB_TOKEN_ENV = ("GITHUB_TOKEN",)

# owner/repo (lower-case) -> what the action writes. Inputs and defaults from each action.yml.
ACTIONS: Mapping[str, ActionUse] = MappingProxyType(
    {
        # releases
        "softprops/action-gh-release": _action(RELEASE, "token", env=_GITHUB_TOKEN_ENV),
        "ncipollo/release-action": _action(RELEASE, "token"),
        "actions/create-release": _action(RELEASE, env=_GITHUB_TOKEN_ENV, default_token=False),
        "actions/upload-release-asset": _action(
            RELEASE, env=_GITHUB_TOKEN_ENV, default_token=False
        ),
        "marvinpinto/action-automatic-releases": _action(
            RELEASE, "repo_token", default_token=False
        ),
        "svenstaro/upload-release-action": _action(RELEASE, "repo_token"),
        "taiki-e/create-gh-release-action": _action(RELEASE, "token", env=_GITHUB_TOKEN_ENV),
        "abutler/upload-release-assets": _action(RELEASE, "repo-token", default_token=False),
        "sqlalchemyorg/upload-release-assets": _action(RELEASE, "repo-token", default_token=False),
        "elprans/gh-action-create-release": _action(
            RELEASE, env=_GITHUB_TOKEN_ENV, default_token=False
        ),
        "aio-libs/create-release": _action(RELEASE, "github_token", default_token=False),
        "meedamian/github-release": _action(RELEASE, "token", default_token=False),
        "xresloader/upload-to-github-release": _action(
            RELEASE, env=_GITHUB_TOKEN_ENV, default_token=False
        ),
        "python-semantic-release/upload-to-gh-release": _action(RELEASE, "github_token"),
        "release-drafter/release-drafter": _action(
            RELEASE, env=_GITHUB_TOKEN_ENV, default_token=False
        ),
        # pushes and tags
        "stefanzweifel/git-auto-commit-action": _action(PUSH, source=TokenSource.GIT),
        "endbug/add-and-commit": _action(PUSH, "github_token"),
        "ad-m/github-push-action": _action(PUSH, "github_token"),
        "github-actions-x/commit": _action(PUSH, "github-token", default_token=False),
        "magicstack/gha-commit-and-push": _action(PUSH, source=TokenSource.GIT),
        "richardsimko/update-tag": _action(PUSH, env=_GITHUB_TOKEN_ENV, default_token=False),
        "mathieudutour/github-tag-action": _action(PUSH, "github_token", default_token=False),
        "anothrnick/github-tag-action": _action(PUSH, env=_GITHUB_TOKEN_ENV, default_token=False),
        "rickstaa/action-create-tag": _action(PUSH, "github_token"),
        "salsify/action-detect-and-tag-new-version": _action(PUSH, source=TokenSource.GIT),
        "fcurella/gh-action-bump2version": _action(PUSH, source=TokenSource.GIT),
        "python-semantic-release/python-semantic-release": _action(
            SEMANTIC_RELEASE, "github_token", default_token=False
        ),
        "relekang/python-semantic-release": _action(
            SEMANTIC_RELEASE, "github_token", default_token=False
        ),
        "cycjimmy/semantic-release-action": _action(
            SEMANTIC_RELEASE, env=_GITHUB_TOKEN_ENV, default_token=False
        ),
        "googleapis/release-please-action": _action(RELEASE_PLEASE, "token"),
        "google-github-actions/release-please-action": _action(RELEASE_PLEASE, "token"),
        # pages
        "jamesives/github-pages-deploy-action": _action(PAGES_BRANCH, "token"),
        "peaceiris/actions-gh-pages": _action(PAGES_BRANCH, "github_token", default_token=False),
        "actions/deploy-pages": _action(PAGES_DEPLOY, "token"),
        # packages
        "docker/login-action": _action(
            PACKAGE_PUSH, "password", default_token=False, requires={"registry": r"ghcr\.io"}
        ),
        # pull requests, issues, workflow runs
        "peter-evans/create-pull-request": _action(PULL_REQUEST, "token"),
        "marocchino/sticky-pull-request-comment": _action(PR_COMMENT, "github_token"),
        "thollander/actions-comment-pull-request": _action(PR_COMMENT, "github-token"),
        "peter-evans/create-or-update-comment": _action(ISSUE_COMMENT, "token"),
        "benc-uk/workflow-dispatch": _action(WORKFLOW_RUN, "token"),
        "peter-evans/repository-dispatch": _action(DISPATCH, "token"),
        # signatures and attestations
        "sigstore/gh-action-sigstore-python": _action(SIGN, "token", default_token=False),
        "actions/attest-build-provenance": _action(ATTEST, "github-token"),
        "actions/attest": _action(ATTEST, "github-token"),
        # anything
        "actions/github-script": _action(ANY, "github-token"),
    }
)

# Actions that take a token only to read (downloads, API rate limits): giving them the job's
# token writes nothing.
READING_ACTIONS = frozenset(
    {
        "actions/checkout",  # what it persists for git is judged where git pushes
        "actions/setup-python",
        "actions/setup-node",
        "actions/download-artifact",
        "astral-sh/setup-uv",
        "arduino/setup-protoc",
        "dawidd6/action-download-artifact",
        "dtolnay/rust-toolchain",
        "pyo3/maturin-action",
        "messense/maturin-action",
        "pypa/cibuildwheel",
        "prefix-dev/setup-pixi",
        "pdm-project/setup-pdm",
        "docker/build-push-action",  # it pushes with the login made before (judged there)
        "docker/metadata-action",
        "requarks/changelog-action",
        "lannonbr/repo-permission-check-action",
        "styfle/cancel-workflow-action",
        "pre-commit/action",  # v3 no longer pushes fixes
    }
)

# An action trustpub does not know that is given the job's token may write with it, unless its
# name says it only sets something up or reads (`setup-cmake` reads releases to download them);
# one whose name says it writes (`.../create-release`) may write with the default token too.
READING_NAME = re.compile(r"setup|install|toolchain|download|wait|lint|check|status|cache", re.I)
WRITING_NAME = re.compile(
    r"(?:^|[/_-])(?:releases?|tag|push|commit|pages|comment)(?:$|[/_-])", re.I
)


@dataclass(frozen=True)
class CommandUse:
    """A shell command that writes with a token, found by `pattern` in a `run:` script."""

    pattern: re.Pattern[str]
    use: WriteUse
    source: TokenSource


def _command(pattern: str, use: WriteUse, source: TokenSource) -> CommandUse:
    return CommandUse(re.compile(pattern), use, source)


_GH, _GIT, _DOCKER = TokenSource.GH, TokenSource.GIT, TokenSource.DOCKER
_GH_API_WRITE = (
    r"\bgh\s+api\b[^\n]*(?:\s-X\s*(?!GET)|--method[ =](?!GET)|\s-[fF]\s|--(?:raw-)?field|--input)"
)

COMMANDS: tuple[CommandUse, ...] = (
    _command(r"\bgh\s+release\s+(?:create|upload|edit|delete(?:-asset)?)\b", RELEASE, _GH),
    _command(r"\bgh\s+pr\s+(?:create|merge|edit|close|reopen|ready|review)\b", PULL_REQUEST, _GH),
    _command(r"\bgh\s+pr\s+comment\b", PR_COMMENT, _GH),
    _command(r"\bgh\s+issue\s+(?:create|comment|edit|close|reopen)\b", ISSUE_COMMENT, _GH),
    _command(
        r"\bgh\s+(?:workflow\s+(?:run|enable|disable)|run\s+(?:rerun|cancel))\b", WORKFLOW_RUN, _GH
    ),
    _command(_GH_API_WRITE, ANY, _GH),
    _command(r"\bgit\s+(?:-\S+\s+)*push\b", PUSH, _GIT),
    _command(r"\bghp-import\b[^\n]*\s(?:-p|--push)\b", PAGES_BRANCH, _GIT),
    _command(r"\bmkdocs\s+gh-deploy\b", PAGES_BRANCH, _GIT),
    _command(r"\bmike\s+deploy\b[^\n]*\s(?:-p|--push)\b", PAGES_BRANCH, _GIT),
    _command(r"\bsemantic-release\s+(?:\S+\s+)*(?:publish|version)\b", SEMANTIC_RELEASE, _GIT),
    _command(r"\bdocker\s+(?:image\s+)?push\s+['\"]?ghcr\.io/", PACKAGE_PUSH, _DOCKER),
    _command(r"\bdocker\s+login\b[^\n]*ghcr\.io", PACKAGE_PUSH, _DOCKER),
)

# Where the GitHub CLI reads its token, in the order it prefers them.
GH_TOKEN_ENV = ("GH_TOKEN", "GITHUB_TOKEN")
# The job's own token, as workflows write it.
DEFAULT_TOKEN = re.compile(r"\bsecrets\s*\.\s*GITHUB_TOKEN\b|\bgithub\s*\.\s*token\b", re.I)
# Commands that cannot write with a token, however the step hands it over: a `run:` step given
# the job's token that runs only these (and the GitHub CLI's reading subcommands) writes nothing.
_NETWORK = {"bash", "sh", "gh", "curl", "wget", "docker", "ssh", "rsync"}
TOKENLESS_COMMANDS = (PREINSTALLED - _NETWORK) | SHELL_WORDS
GH_READS = re.compile(
    r"^gh\s+(?:release\s+(?:view|list|download)|pr\s+(?:view|list|diff|checks)"
    r"|issue\s+(?:view|list)|run\s+(?:view|list|download|watch)|auth\s+status)\b"
)
