"""Unified diffs as small as git's: what `diff` prints and the bot's pull request body shows."""

from __future__ import annotations

import difflib

from hypothesis import given
from hypothesis import strategies as st

from trustpub.report.diffs import unified_lines

LINES = st.lists(st.sampled_from(["a\n", "b\n", "\n", "run: |\n", "  x\n", "c"]), max_size=40)


@given(LINES, LINES)
def test_the_same_format_as_difflib_where_difflib_is_exact(a: list[str], b: list[str]) -> None:
    """Short inputs: difflib's junk heuristic does not start below 200 lines."""
    ours = list(unified_lines(a, b, "a/f", "b/f"))
    assert ours == list(difflib.unified_diff(a, b, "a/f", "b/f"))


def test_a_moved_block_in_a_long_file_is_not_aligned_across_the_file() -> None:
    steps = [f"      - run: step {i}\n" if i % 3 else "\n" for i in range(240)]
    comment = [f"      # why the upload comes first ({i})\n" for i in range(8)]
    before = [*steps[:100], *comment, "      - run: upload\n", *steps[100:]]
    after = [*steps[:100], "      - run: store\n", *steps[100:], "  publish:\n", *comment]
    changed = [
        line
        for line in unified_lines(before, after, "a/f", "b/f")
        if line[0] in "+-" and not line.startswith(("---", "+++"))
    ]
    assert len(changed) == 8 + 1 + 1 + 1 + 8  # the block out and in, one step for another
