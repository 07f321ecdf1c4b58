"""Which version of an upload tool a workflow installs, and whether it can do trusted publishing.

twine >= 6.1, uv >= 0.4.16, pdm >= 2.6 and maturin >= 0.15 publish with trusted publishing. A pin
that excludes every such version is bumped (an exact pin to the first version that works, any
other specifier to `>=` it); a pin that allows them is left alone; a version trustpub cannot see
gets a note saying the minimum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

from trustpub.rewrite.tools import TOOLS

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet


def minimum(tool: str) -> Version | None:
    """The first release of the tool that publishes with trusted publishing."""
    found = TOOLS[tool].min_version
    return Version(found) if found else None


def full(version: Version) -> str:
    """`6.1` -> `6.1.0`: a version as people pin it."""
    release = (*version.release, 0, 0)[: max(3, len(version.release))]
    return ".".join(str(part) for part in release)


@dataclass(frozen=True)
class Bump:
    """A pin to rewrite: the new text for the specifier, and what to tell the user."""

    text: str
    description: str


def bump(tool: str, written: str) -> Bump | None:
    """The new specifier text when `written` (`==5.0.0`, `@5.0.0`, `<6`, `v0.14.0`...) excludes
    every release that can publish with trusted publishing; None when it is fine or unknown."""
    least = minimum(tool)
    if least is None or "${{" in written or "$" in written:
        return None
    text = written.strip()
    at = text.startswith("@")
    spec = _specifier(text[1:] if at else text)
    if spec is None:
        return None
    exact = at or all(s.operator in ("==", "===") and "*" not in s.version for s in spec)
    if exact and any(_at_least(s.version, least) for s in spec):
        return None
    if spec.contains(least, prereleases=True) or _allows_later(spec, least):
        return None
    if not exact:
        new = f">={least}"
    elif at:
        new = "@" + full(least)
    elif text[:1].isdigit():
        new = full(least)
    elif text[:1] in ("v", "V"):
        new = "v" + full(least)
    else:
        new = "==" + full(least)
    return Bump(
        new,
        f"bumped {tool} from `{written}` to `{new}`: {tool} publishes with trusted publishing "
        f"from {least} on",
    )


def unknown_version_note(tool: str) -> str | None:
    least = minimum(tool)
    if least is None:
        return None
    return (
        f"trusted publishing needs {tool} {least} or later; trustpub cannot see which version "
        f"this job runs (an unpinned install gets the latest), so make sure it is at least {least}"
    )


def _specifier(text: str) -> SpecifierSet | None:
    """A specifier set for `==5.0.0`, `>=5,<6`, or a bare version (`5.0.0`, `v0.14.0`)."""
    # Loaded only for a pinned upload tool: most workflows have none, and it costs start-up.
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    bare = text.removeprefix("v").removeprefix("V")
    try:
        Version(bare)
    except InvalidVersion:
        pass
    else:
        return SpecifierSet(f"=={bare}")
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


def _at_least(version: str, least: Version) -> bool:
    try:
        return Version(version) >= least
    except InvalidVersion:
        return True  # not a version trustpub can compare: leave it


def _allows_later(spec: SpecifierSet, least: Version) -> bool:
    """True when the set allows some release after the minimum (it is not capped below it)."""
    probes = [Version(f"{least.major}.{least.minor + n}") for n in range(1, 4)]
    probes += [Version(f"{least.major + n}.0") for n in range(1, 4)]
    return any(spec.contains(v, prereleases=True) for v in probes)
