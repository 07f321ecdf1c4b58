"""Rule: a pypa/gh-action-pypi-publish pin older than trusted publishing moves to the current
release, in the style the workflow pins it (a tag, or a commit SHA with its version comment).

Trusted publishing first shipped in v1.8.0; an older pin cannot publish without a password, so a
note alone would leave a workflow that cannot publish. `@master` (sunset before v1.8.0) moves to
`@release/v1`, the branch the action's README points to. A SHA pin without a version comment is
left alone: trustpub cannot tell its version offline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trustpub.publishers import ACTIONS
from trustpub.rewrite.edits import Patch
from trustpub.rewrite.workflow import Step, Workflow

PYPA_ACTION = ACTIONS[0].name
TRUSTED_PUBLISHING_SINCE = (1, 8)
SUNSET_REF, SUPPORTED_REF = "@master", "@release/v1"
# The current release, and its commit: many independent public workflows pin that SHA with
# `# v1.14.2` (it fixes GHSA-vxmw-7h4f-hqxh, which affects every earlier release). trustpub
# cannot look SHAs up offline; the report says which commit it wrote.
CURRENT_RELEASE = "v1.14.2"
CURRENT_SHA = "dc37677b2e1c63e2034f94d8a5b11f265b73ba33"
_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.\d+)*")
_VERSION_COMMENT = re.compile(r"(#\s*)(v?\d+\.\d+(?:\.\d+)*)")
_SHA = re.compile(r"[0-9a-f]{40}")
_VERSION_IN_TEXT = re.compile(r"v?\d+\.\d+(?:\.\d+)*")


@dataclass(frozen=True)
class PinBump:
    """How one `uses:` pin moves: the ref in the scalar, and the version in its comment."""

    old_ref: str  # `@v1.5.1`, `@<sha>`, `@master`
    new_ref: str
    comment: tuple[int, int, str] | None  # the version in the end-of-line comment, to replace
    description: str


def pin_bump(workflow: Workflow, step: Step) -> PinBump | None:
    """The bump the step's pin needs, or None when it supports trusted publishing (or cannot be
    told)."""
    ref = step.uses.partition("@")[2]
    if "@" + ref == SUNSET_REF:
        return PinBump(
            SUNSET_REF,
            SUPPORTED_REF,
            None,
            f"moved the sunset `{SUNSET_REF}` ref to `{SUPPORTED_REF}`",
        )
    if _VERSION.fullmatch(ref):
        if not _too_old(ref):
            return None
        return PinBump(
            "@" + ref,
            "@" + CURRENT_RELEASE,
            None,
            f"moved the pin `{ref}`, which predates trusted publishing (v1.8.0), to the current "
            f"release `{CURRENT_RELEASE}`",
        )
    comment = _version_comment(workflow, step)
    if _SHA.fullmatch(ref) and comment is not None and _too_old(comment[2]):
        start, end, version = comment
        return PinBump(
            "@" + ref,
            "@" + CURRENT_SHA,
            (start, end, CURRENT_RELEASE),
            f"moved the SHA pin of `{version}`, which predates trusted publishing (v1.8.0), to "
            f"the commit of the current release `{CURRENT_RELEASE}` ({CURRENT_SHA}; trustpub "
            "cannot look SHAs up offline: check it against the action's release page)",
        )
    return None


def apply_bump(patch: Patch, step: Step, bump: PinBump) -> None:
    patch.replace_in_scalar(step.path, "uses", bump.old_ref, bump.new_ref)
    if bump.comment is not None:
        start, end, version = bump.comment
        patch.replace_comment_text(start, end, version)


def bumped_comment(comment: str) -> str:
    """A pin's version comment (`v1.4.2`, `v1.4.2 pinned`) naming the current release."""
    return _VERSION_IN_TEXT.sub(CURRENT_RELEASE, comment, count=1)


def _too_old(version: str) -> bool:
    found = _VERSION.fullmatch(version)
    return found is not None and (int(found[1]), int(found[2])) < TRUSTED_PUBLISHING_SINCE


def _version_comment(workflow: Workflow, step: Step) -> tuple[int, int, str] | None:
    """(start, end, version) of the version in the comment after the step's `uses:` value."""
    doc = workflow.doc
    node = doc.node_at((*step.path, "uses"))
    if node is None:
        return None
    end = doc.line_end(doc.line_of(node.end_mark.index))
    rest = doc.text[node.end_mark.index : end]
    found = _VERSION_COMMENT.search(rest)
    if found is None or rest[: found.start()].strip():
        return None
    start = node.end_mark.index + found.start(2)
    return start, start + len(found.group(2)), found.group(2)
