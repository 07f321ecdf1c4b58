"""The engine's cheap pre-filter: most workflows cannot upload to PyPI and are never parsed.

Derived from the publisher registry: the words every upload trustpub knows holds, and, for
uploads hidden in scripts, a secret named like an upload token.
"""

from __future__ import annotations

import functools
import re

from trustpub.publishers import PREFILTER_WORDS, TOKEN_LIKE_SECRET

# A secret named like an upload token, for uploads hidden in scripts (`secrets.UPLOAD_TOKEN`).
_TOKEN_LIKE_SECRET = re.compile(r"secrets\W{0,2}\w*(?:" + TOKEN_LIKE_SECRET.pattern + ")")


@functools.lru_cache(maxsize=32)  # a checkout's files are asked about twice (repository, engine)
def may_publish(text: str) -> bool:
    """False means the text cannot contain an upload trustpub handles."""
    lowered = text.lower()  # then plain `in`: many times faster than a case-insensitive regex
    if any(word in lowered for word in PREFILTER_WORDS):
        return True
    return "secrets" in lowered and _TOKEN_LIKE_SECRET.search(lowered) is not None
