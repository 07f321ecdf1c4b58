"""The one place that builds a PyGithub client: token from the environment, retries, pacing."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trustpub.bot.timer import Timer
from trustpub.github.defaults import DEFAULT_BASE_URL, DEFAULT_TOKEN_ENV, FALLBACK_TOKEN_ENV

if TYPE_CHECKING:
    from github import Github
    from trustpub.github.pacing import Wait

# GitHub's REST guidance: at least 1 s between writes; wait 60 s on a secondary limit.
DEFAULT_WRITE_INTERVAL = 1.0
DEFAULT_SECONDARY_WAIT = 60.0
# A primary limit resets within the hour: wait for it up to that, then stop (exit 4) instead.
DEFAULT_MAX_RATE_LIMIT_WAIT = 3600.0
# A server that cannot be reached (a wrong --base-url) is not worth minutes of retries; a 5xx is
# retried up to `retry_total` times, at most MAX_BACKOFF seconds apart.
CONNECT_RETRIES = 2
MAX_BACKOFF = 30.0
# Loggers that see requests and responses: a record there never carries the token.
HTTP_LOGGERS = (
    "github.Requester",
    "github.GithubRetry",
    "urllib3.connectionpool",
    "urllib3.util.retry",
    "requests",
)


class GitHubAccessError(Exception):
    """A GitHub problem a user can act on, as one line (never carrying the token)."""


class MissingToken(GitHubAccessError):
    """No token in the environment: a command that only enriches its report goes on without."""


class Token:
    """A secret string that never shows itself in a repr, a str or a log line."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Token(***)"

    __str__ = __repr__


@dataclass(frozen=True)
class GitHubSettings:
    token: Token = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    write_interval: float = DEFAULT_WRITE_INTERVAL
    request_interval: float = 0.0
    secondary_rate_wait: float = DEFAULT_SECONDARY_WAIT
    max_rate_limit_wait: float | None = DEFAULT_MAX_RATE_LIMIT_WAIT
    timeout: float = 30.0
    retry_total: int = 10
    backoff_factor: float = 0.5  # between retries of 5xx answers: 0, 1, 2, 4 ... seconds
    # Where time comes from and how to wait: real by default, the fake server's clock in tests.
    timer: Timer = field(default_factory=Timer, repr=False, compare=False)

    def connect(self) -> Github:
        """A PyGithub client whose every request, first try or retry, passes one gate: no
        request while GitHub asks to wait, writes `write_interval` apart (see pacing.py)."""
        from github import Auth, Github
        from trustpub.github.pacing import RequestGate
        from trustpub.github.transport import PacedRetry, install

        gate = RequestGate(self.timer, self.write_interval, announce=_log_wait)
        gate.pause.base = self.secondary_rate_wait
        retry = PacedRetry(
            gate,
            max_rate_limit_wait=self.max_rate_limit_wait,
            total=self.retry_total,
            connect=min(CONNECT_RETRIES, self.retry_total),
            backoff_factor=self.backoff_factor,
            backoff_max=MAX_BACKOFF,
        )
        redact_in_logs(self.token)
        _quiet_pygithub()
        gh = Github(
            auth=Auth.Token(self.token.reveal()),
            base_url=self.base_url.rstrip("/"),
            timeout=int(self.timeout),
            retry=retry,
            seconds_between_requests=self.request_interval,
            seconds_between_writes=0,  # the gate paces writes, retries included
        )
        install(gh, gate)
        return gh


# Only tests set this, to make every client a command builds wait on the fake server's clock
# instead of sleeping; production keeps the defaults above.
settings_hook: Callable[[GitHubSettings], GitHubSettings] | None = None


def settings_from_environment(
    token_env: str = DEFAULT_TOKEN_ENV,
    base_url: str = DEFAULT_BASE_URL,
    environ: Mapping[str, str] | None = None,
) -> GitHubSettings:
    """The settings a command uses: the token from the environment, GitHub's limits."""
    scheme, _, rest = base_url.partition("://")
    if scheme not in ("http", "https") or not rest.split("/")[0]:
        raise GitHubAccessError(
            f"--base-url {base_url!r} is not an http(s) URL; GitHub Enterprise Server's API is "
            "https://HOST/api/v3"
        )
    settings = GitHubSettings(token_from_environment(token_env, environ), base_url=base_url)
    return settings_hook(settings) if settings_hook is not None else settings


def token_from_environment(
    name: str = DEFAULT_TOKEN_ENV, environ: Mapping[str, str] | None = None
) -> Token:
    """The token from the named variable (else GH_TOKEN); a clear error when neither is set."""
    env = os.environ if environ is None else environ
    for candidate in (name, FALLBACK_TOKEN_ENV):
        value = env.get(candidate, "").strip()
        if not value:
            continue
        if not (value.isascii() and value.isprintable()) or any(c.isspace() for c in value):
            # An HTTP library would quote the bad header value, token and all, in its error.
            raise GitHubAccessError(
                f"{candidate} does not hold a GitHub token: it contains spaces, control or "
                "non-ASCII characters"
            )
        return Token(value)
    raise MissingToken(
        f"no GitHub token: set {name} (or {FALLBACK_TOKEN_ENV}) to a token that can read the "
        "repositories (and their Actions secrets, for the secrets report)"
    )


class _Redactor(logging.Filter):
    """Replaces known tokens in log records (PyGithub masks its Authorization header, but logs
    request and response bodies as they are, and a proxy may echo the header into a body)."""

    def __init__(self) -> None:
        super().__init__("trustpub-token-redactor")
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the logging machinery
            return True
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True


_REDACTOR = _Redactor()


def redact(text: str) -> str:
    """The text with every token trustpub was given replaced by `***` (a server or a proxy can
    echo the Authorization header into an error message, which PyGithub then carries)."""
    for secret in _REDACTOR.secrets:
        text = text.replace(secret, "***")
    return text


def redact_in_logs(token: Token) -> None:
    """From now on, log records of the HTTP stack show `***` wherever the token would appear."""
    _REDACTOR.secrets.add(token.reveal())
    for name in HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if _REDACTOR not in logger.filters:
            logger.addFilter(_REDACTOR)


_LOG = logging.getLogger("trustpub.github")


def _log_wait(wait: Wait) -> None:
    """Every wait for GitHub's limits is said on stderr (the bot prints it in its own output)."""
    _LOG.warning("%s", wait.describe())


def _quiet_pygithub() -> None:
    """PyGithub prints every retried 403 at INFO on stderr; trustpub reports errors in one line
    and announces long waits itself. A level someone chose (DEBUG, say) is left alone."""
    logger = logging.getLogger("github")
    if logger.level == logging.INFO:  # PyGithub's own setting at import
        logger.setLevel(logging.WARNING)
