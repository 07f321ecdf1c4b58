"""Unified diffs of a file's text, as small as a reviewer expects.

difflib's matcher treats lines that recur often in a long file (blank lines, `run: |`) as junk
and then aligns blocks of a moved comment instead of the steps around them: a job split off from
a 250-line workflow showed as 270 changed lines where git shows 70. Without that heuristic the
diff is what git, and GitHub's pull request view, show. Workflows are small: the exact matcher
costs nothing noticeable.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence


def unified_lines(
    before: Sequence[str], after: Sequence[str], fromfile: str, tofile: str, context: int = 3
) -> Iterator[str]:
    """The lines of a unified diff (as `difflib.unified_diff` writes them)."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    started = False
    for group in matcher.get_grouped_opcodes(context):
        if not started:
            started = True
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
        first, last = group[0], group[-1]
        old = _range(first[1], last[2])
        new = _range(first[3], last[4])
        yield f"@@ -{old} +{new} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in before[i1:i2])
                continue
            if tag in ("replace", "delete"):
                yield from ("-" + line for line in before[i1:i2])
            if tag in ("replace", "insert"):
                yield from ("+" + line for line in after[j1:j2])


def _range(start: int, stop: int) -> str:
    """A hunk's range: `start,length` (1-based; an empty range names the line before it)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start if length == 0 else start + 1},{length}"
