"""What the GitHub tests share by import (a `conftest` module name is not unique across tests/)."""

from __future__ import annotations

# A token that looks real, so a leak of it anywhere is easy to search for.
TOKEN = "ghp_NeverPrintThisToken0123456789abcdefXYZ"
