"""Which commands a setting's flag is on: the groups the declarations use."""

from __future__ import annotations

from trustpub.settings.spec import COMMANDS, LOCAL

__all__ = ["BOT", "COMMANDS", "DIFF_APPLY", "LOCAL", "ON_GITHUB", "REWRITE", "STATUS"]

REWRITE = ("diff", "apply", "bot")  # the commands whose migration the user shapes
BOT = ("bot",)
STATUS = ("status",)
ON_GITHUB = ("bot", "status")  # the commands that visit repositories on GitHub
DIFF_APPLY = ("diff", "apply")
