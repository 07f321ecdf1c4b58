"""The bot's defaults that its command line shows, kept apart so `--help` loads nothing else."""

from __future__ import annotations

DEFAULT_TITLE = "ci: publish to PyPI with trusted publishing"
DEFAULT_BRANCH = "trustpub/trusted-publishing"
