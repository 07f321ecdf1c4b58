"""Run the offline workflow validators (zizmor, actionlint, check-jsonschema) over many files.

Each function runs its tool once for the whole batch (a process costs far more than a file) and
returns the results per file, keyed by the paths it was given. The tools come from the `test`
extra; a missing one raises `ValidatorMissing` with what to install.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Route = tuple[str | int, ...]


class ValidatorMissing(RuntimeError):
    """A validator's executable is not installed."""


class ValidatorFailed(RuntimeError):
    """A validator did not run to the end (bad arguments, a crash, a file it refused)."""


@dataclass(frozen=True)
class ZizmorFinding:
    ident: str
    severity: str
    routes: tuple[Route, ...]  # the routes of its primary locations, e.g. ("jobs", "x", ...)


@dataclass(frozen=True)
class LintError:
    kind: str
    message: str
    line: int


@dataclass(frozen=True)
class SchemaError:
    path: str  # a JSON path into the workflow, e.g. "$.jobs['publish']"
    message: str  # the best deep match, the most specific reason


def executable(name: str) -> str:
    """The tool installed next to this Python (the venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise ValidatorMissing(
            f"{name} is not installed (looked next to {sys.executable} and on PATH); "
            "install the test extra: pip install -e '.[test]'"
        )
    return found


class _Batch:
    """The files of one run, found again from the paths the tool prints (relative or not)."""

    def __init__(self, files: Sequence[Path], report_as: Sequence[Path] | None = None) -> None:
        originals = files if report_as is None else report_as
        self.files = {os.path.realpath(f): Path(o) for f, o in zip(files, originals, strict=True)}
        self.cwd = tempfile.mkdtemp(prefix="trustpub-validators-")

    def run(self, args: list[str], ok_codes: set[int]) -> str:
        # Tokens make zizmor try the network (fatal offline); the scratch cwd keeps every
        # repository configuration out.
        env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN")}
        try:
            done = subprocess.run(
                [*args, *self.files],
                capture_output=True,
                encoding="utf-8",
                errors="replace",
                cwd=self.cwd,
                env=env,
            )
        finally:
            shutil.rmtree(self.cwd, ignore_errors=True)
        if done.returncode not in ok_codes:
            raise ValidatorFailed(
                f"{Path(args[0]).name} exited with {done.returncode}:\n{done.stderr[-4000:]}"
            )
        return done.stdout

    def file(self, printed: str) -> Path:
        return self.files[os.path.realpath(os.path.join(self.cwd, printed))]


# zizmor names a file its YAML parser rejects (it rejects some valid YAML, such as a multi-line
# plain scalar) and stops the whole run.
_UNLOADABLE = re.compile(r"failed to load (file://\S+) as (?:workflow|action)")


def zizmor(
    files: Sequence[Path],
    disabled: Sequence[str] = (),
    refused: dict[Path, str] | None = None,
) -> dict[Path, list[ZizmorFinding]]:
    """zizmor's findings (regular persona, no config, offline) for each file.

    `disabled`: audits to turn off (a config that disables them), for files one of them
    cannot read. `refused`: when given, a file zizmor cannot load is left out of the run and
    recorded there with zizmor's reason (it has no entry in the result); else the run fails."""
    pending = [Path(f) for f in files]
    while True:
        try:
            return _zizmor(pending, disabled)
        except ValidatorFailed as error:
            found = _UNLOADABLE.search(str(error))
            if refused is None or found is None:
                raise
            culprit = _culprit(pending, Path(found.group(1).removeprefix("file://")))
            if culprit is None:
                raise
            refused[culprit] = str(error).strip().splitlines()[-1].strip()
            pending.remove(culprit)


def _culprit(pending: list[Path], loaded: Path) -> Path | None:
    """The given file zizmor failed to load: itself, or the one its scratch copy stands for."""
    same = [f for f in pending if os.path.realpath(f) == os.path.realpath(loaded)]
    named = [f for f in pending if f.name == loaded.name]  # a BOM-less copy (see _without_bom)
    return (same or named)[0] if len(same or named) == 1 else None


def _zizmor(files: Sequence[Path], disabled: Sequence[str]) -> dict[Path, list[ZizmorFinding]]:
    results: dict[Path, list[ZizmorFinding]] = {Path(f): [] for f in files}
    if not files:
        return results
    with tempfile.TemporaryDirectory() as copies:
        readable = [_without_bom(Path(f), Path(copies) / str(i)) for i, f in enumerate(files)]
        batch = _Batch(readable, report_as=files)
        config = ["--no-config"]
        if disabled:
            rules = "".join(f"  {audit}:\n    disable: true\n" for audit in disabled)
            config_file = Path(copies) / "zizmor.yml"
            config_file.write_text(f"rules:\n{rules}", encoding="utf-8")
            config = ["--config", str(config_file)]
        args = [executable("zizmor"), "--offline", *config, "--strict-collection"]
        out = batch.run([*args, "--format", "json", "--no-progress"], {0, 11, 12, 13, 14})
        for finding in json.loads(out or "[]"):
            primary = [loc for loc in finding["locations"] if loc["symbolic"]["kind"] == "Primary"]
            key = primary[0]["symbolic"]["key"]["Local"]
            file = batch.file(key.get("verbatim_path") or key["given_path"])
            routes = tuple(_route(loc["symbolic"]["route"]["route"]) for loc in primary)
            severity = finding["determinations"]["severity"]
            results[file].append(ZizmorFinding(finding["ident"], severity, routes))
    return results


def _without_bom(file: Path, scratch: Path) -> Path:
    """The file, or a copy without its UTF-8 BOM (zizmor 1.32 reads a BOM as a second document)."""
    data = file.read_bytes()
    if not data.startswith(b"\xef\xbb\xbf"):
        return file
    scratch.mkdir()
    copy = scratch / file.name
    copy.write_bytes(data[3:])
    return copy


def _route(parts: list[dict[str, Any]]) -> Route:
    return tuple(part.get("Key", part.get("Index")) for part in parts)


def on_defaults(findings: list[ZizmorFinding], text: str) -> int:
    """excessive-permissions findings about the repository's default token permissions (the
    workflow level, or a job without a block, in a workflow without top-level permissions): a
    job whose steps write with that token keeps it on purpose (issue 13), so only the other
    excessive-permissions findings may never grow."""
    from trustpub.rewrite.document import load_data

    data = load_data(text.removeprefix("\ufeff"))
    if not isinstance(data, dict) or "permissions" in data:
        return 0
    jobs = data.get("jobs") or {}
    count = 0
    for finding in findings:
        route = finding.routes[0] if finding.routes else ()
        if finding.ident != "excessive-permissions":
            continue
        job = jobs.get(route[1]) if len(route) == 2 and route[0] == "jobs" else None
        if route == () or (isinstance(job, dict) and "permissions" not in job):
            count += 1
    return count


def broad_permissions(findings: list[ZizmorFinding], text: str) -> int:
    """excessive-permissions findings but those about the default token permissions."""
    return idents(findings)["excessive-permissions"] - on_defaults(findings, text)


def idents(findings: list[ZizmorFinding]) -> Counter[str]:
    """{ident: count} for one file's findings."""
    return Counter(f.ident for f in findings)


def actionlint(files: Sequence[Path]) -> dict[Path, list[LintError]]:
    """actionlint's errors (without shellcheck and pyflakes) for each file."""
    results: dict[Path, list[LintError]] = {Path(f): [] for f in files}
    if not files:
        return results
    batch = _Batch(files)
    args = [executable("actionlint"), "-shellcheck=", "-pyflakes=", "-format", "{{json .}}"]
    for error in json.loads(batch.run(args, {0, 1}) or "[]"):
        file = batch.file(error["filepath"])
        results[file].append(LintError(error["kind"], error["message"], error["line"]))
    return results


def check_jsonschema(files: Sequence[Path]) -> dict[Path, list[SchemaError]]:
    """Errors against the vendored GitHub workflow schema for each file (parse errors too)."""
    results: dict[Path, list[SchemaError]] = {Path(f): [] for f in files}
    if not files:
        return results
    batch = _Batch(files)
    args = [executable("check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
    report = json.loads(batch.run([*args, "-o", "json"], {0, 1}))
    for error in report.get("errors", []):
        best = error.get("best_deep_match") or error
        results[batch.file(error["filename"])].append(SchemaError(best["path"], best["message"]))
    for error in report.get("parse_errors", []):
        results[batch.file(error["filename"])].append(SchemaError("$", "not valid YAML"))
    return results
