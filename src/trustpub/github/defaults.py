"""The GitHub defaults the command lines show, kept apart so `--help` loads no GitHub client."""

from __future__ import annotations

DEFAULT_BASE_URL = "https://api.github.com"
DEFAULT_TOKEN_ENV = "GITHUB_TOKEN"
FALLBACK_TOKEN_ENV = "GH_TOKEN"
