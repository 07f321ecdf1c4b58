"""Which checkouts a fleet run finds under a directory, and in which order."""

from __future__ import annotations

from pathlib import Path

from trustpub.fleet.sources import targets


def make(root: Path, how: str) -> None:
    if how == "git":
        (root / ".git").mkdir(parents=True)
    else:
        (root / ".github" / "workflows").mkdir(parents=True)


def test_checkouts_come_in_path_order_at_any_depth(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    # "-" and "." sort before "/" as text, after it as path parts: the order is the paths'.
    for name, how in [
        ("a-c", "git"),
        ("a/b", "workflows"),
        ("a.d", "git"),
        ("z", "git"),
        ("m/n/o", "git"),
        ("m-1", "workflows"),
    ]:
        make(fleet / name, how)
    (fleet / "node_modules" / "x" / ".git").mkdir(parents=True)  # never looked into
    (fleet / "empty").mkdir()
    found = [t.root.relative_to(fleet).as_posix() for t in targets([fleet])]
    assert found == ["a/b", "a-c", "a.d", "m/n/o", "m-1", "z"]
    assert found == sorted(found, key=lambda p: Path(p).parts)


def test_a_symlinked_directory_is_not_followed(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    make(fleet / "real", "git")
    make(tmp_path / "elsewhere" / "outside", "git")
    (fleet / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert [t.root.name for t in targets([fleet])] == ["real"]
