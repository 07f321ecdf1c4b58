from __future__ import annotations

from fake_github.plugin import fake_github  # noqa: F401
