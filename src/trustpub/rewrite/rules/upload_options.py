"""What an upload command's words mean once pypa/gh-action-pypi-publish publishes instead.

Options the action has an input for carry over (`--skip-existing`, `--verbose`); options that only
shape the tool's own upload (credentials, the index, progress output) go with the command; any
other option has no equivalent, and the upload is left with the tool. File arguments give the
directory the action publishes (`packages-dir`); tools that build first (`poetry publish --build`,
`pdm publish`, `flit publish`) publish what they built in `dist/`.
"""

from __future__ import annotations

import fnmatch
import posixpath
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from trustpub.rewrite.commands import UploadCommand

_VERBOSE = {"-v": ("verbose", True), "--verbose": ("verbose", True)}
_SKIP_EXISTING = {"--skip-existing": ("skip-existing", True)}
# A wheel and an sdist as the build backends name them: patterns matching both name every dist.
_SAMPLE_DISTS = ("example-1.0-py3-none-any.whl", "example-1.0.tar.gz")
_GLOB = frozenset("*?[")
_DIST_ENDINGS = (".whl", ".tar.gz", ".zip", ".gz")


@dataclass(frozen=True)
class ToolOptions:
    """The options of one tool's upload command, sorted by what becomes of them."""

    takes_value: frozenset[str]  # options whose value is the next word unless attached
    inputs: Mapping[str, tuple[str, Any]]  # option -> (the PyPA action's input, its value)
    dropped: frozenset[str]  # meaningless once the action publishes: they go with the command
    directory: frozenset[str] = frozenset()  # options naming the directory the tool works in
    default_files: str | None = None  # what it uploads without file arguments (None: none)
    builds: bool = False  # it builds the dists before it uploads them
    build_options: frozenset[str] = frozenset()  # kept when the command becomes a build


def _options(
    takes_value: str, inputs: dict[str, tuple[str, Any]], dropped: str, **rest: Any
) -> ToolOptions:
    """Options written as space-separated words."""
    return ToolOptions(
        frozenset(takes_value.split()), MappingProxyType(inputs), frozenset(dropped.split()), **rest
    )


OPTIONS: Mapping[str, ToolOptions] = MappingProxyType(
    {
        "twine": _options(
            "-r --repository --repository-url -u --username -p --password -c --comment "
            "--config-file --sign-with -i --identity --cert --client-cert",
            {**_SKIP_EXISTING, "--verbose": ("verbose", True)},
            "-r --repository --repository-url -u --username -p --password --non-interactive "
            "--disable-progress-bar",
        ),
        "uv": _options(
            "--publish-url --index -u --username -p --password -t --token --trusted-publishing "
            "--keyring-provider --check-url --directory --project --cache-dir --config-file "
            "--color --python",
            {
                **_VERBOSE,
                "--check-url": ("skip-existing", True),
                "--no-attestations": ("attestations", False),
            },
            "--publish-url -u --username -p --password -t --token --trusted-publishing "
            "--keyring-provider -q --quiet --no-progress --color --no-cache --cache-dir "
            "--native-tls",
            directory=frozenset({"--directory"}),
            default_files="dist/*",
        ),
        "pdm": _options(
            "-r --repository -u --username -P --password -i --identity -c --comment --config "
            "--ca-certs -p --project",
            {**_SKIP_EXISTING, **_VERBOSE},
            "-r --repository -u --username -P --password --no-build -q --quiet",
            directory=frozenset({"-p", "--project"}),
            default_files="dist/*",
            builds=True,  # unless --no-build
        ),
        "poetry": _options(
            "-r --repository -u --username -p --password --cert --client-cert --dist-dir "
            "-C --directory -P --project",
            {**_SKIP_EXISTING, **_VERBOSE, "-vv": ("verbose", True), "-vvv": ("verbose", True)},
            "-r --repository -u --username -p --password --build -n --no-interaction -q --quiet "
            "--no-ansi --ansi --no-plugins --no-cache",
            directory=frozenset({"-C", "--directory", "-P", "--project"}),
            default_files="dist/*",
            builds=True,  # with --build
        ),
        "hatch": _options(
            "-r --repo -u --user -a --auth --ca-cert --client-cert --client-key -p --publisher "
            "-o --option -e --env --data-dir --cache-dir --config --color",
            dict(_VERBOSE),
            "-r --repo -u --user -a --auth -y --yes --no-prompt -n -q --quiet",
            default_files="dist",
        ),
        "flit": _options(
            "--repository --pypirc --format -f --ini-file",
            {},
            "--repository",
            builds=True,
            build_options=frozenset(
                {"--format", "--use-vcs", "--no-use-vcs", "--setup-py", "--no-setup-py"}
            ),
        ),
        "maturin": _options(
            "-r --repository --repository-url -u --username -p --password",
            dict(_SKIP_EXISTING),
            "-r --repository --repository-url -u --username -p --password --non-interactive",
        ),
    }
)


@dataclass(frozen=True)
class UploadReading:
    """An upload command read for the PyPA action: its inputs, and where the dists are."""

    inputs: dict[str, Any] = field(default_factory=dict)
    builds: bool = False  # the command builds the dists it uploads
    directory: str = "dist"  # relative to the directory the command runs in
    build_words: tuple[str, ...] = ()  # options for the build the command becomes


def read_upload(command: UploadCommand, name: str) -> UploadReading | str:
    """The command's meaning for the PyPA action, or why it has no equivalent there.

    `name` is how messages call the command (`twine upload`)."""
    tool = command.tool
    options = OPTIONS[tool]
    if tool == "maturin" and command.subcommand == "publish":
        return (
            "`maturin publish` builds the wheels itself, so trustpub cannot tell which files it "
            "uploads for pypa/gh-action-pypi-publish to publish"
        )
    words = _Words(options, name)
    leading = words.read(command.leading, leading=True)
    if isinstance(leading, str):
        return leading
    rest = words.read(command.arguments, leading=False)
    if isinstance(rest, str):
        return rest
    base = words.directory or ""
    builds = _builds(tool, words.seen)
    if builds:
        if words.files:
            return f"`{name}` builds what it uploads, but names files ({words.files[0]!r})"
        build_words = tuple(words.build_words)
        return UploadReading(words.inputs, True, posixpath.join(base, "dist"), build_words)
    files = words.files or ([options.default_files] if options.default_files else [])
    try:
        found = files_directory(files, directories_allowed=tool == "hatch")
    except NoDirectory as problem:
        return f"`{name}` {problem}"
    return UploadReading(words.inputs, False, posixpath.join(base, found))


def _builds(tool: str, seen: set[str]) -> bool:
    if tool == "poetry":
        return "--build" in seen
    if tool == "pdm":
        return "--no-build" not in seen
    return OPTIONS[tool].builds


@dataclass
class _Words:
    """Reads the words of one command; the first problem ends the reading."""

    options: ToolOptions
    name: str
    inputs: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    directory: str | None = None
    build_words: list[str] = field(default_factory=list)

    def read(self, words: tuple[str, ...], leading: bool) -> str | None:
        i = 0
        while i < len(words):
            word = words[i]
            if word == "--":
                self.files += words[i + 1 :]
                return None
            if not word.startswith("-") or word == "-":
                if leading:
                    return f"trustpub cannot read `{word}` before `{self.name}`"
                self.files.append(word)
                i += 1
                continue
            flag, attached = _split(word, self.options.takes_value)
            value = attached
            if flag in self.options.takes_value and attached is None:
                i += 1
                value = words[i] if i < len(words) else None
            problem = self._option(flag, value, leading)
            if problem:
                return problem
            i += 1
        return None

    def _option(self, flag: str, value: str | None, leading: bool) -> str | None:
        self.seen.add(flag)
        if flag in self.options.directory:
            if value is None or "$" in value:
                return f"trustpub cannot tell which directory `{flag}` names"
            self.directory = value
        elif flag in self.options.build_options and not leading:
            self.build_words += [flag] if value is None else [flag, shlex.quote(value)]
        elif flag in self.options.inputs:
            key, setting = self.options.inputs[flag]
            self.inputs[key] = setting
        elif flag not in self.options.dropped and not (leading and self.options.builds):
            return (
                f"`{flag}` of `{self.name}` has no equivalent in pypa/gh-action-pypi-publish, "
                "which must take over the upload"
            )
        return None


def _split(word: str, takes_value: frozenset[str]) -> tuple[str, str | None]:
    """`--flag=value` and `-rname` as (flag, value); other words as (word, None)."""
    name, equals, attached = word.partition("=")
    if word.startswith("--") and equals:
        return name, attached
    if not word.startswith("--") and len(word) > 2 and word[:2] in takes_value:
        return word[:2], word[2:]
    return word, None


class NoDirectory(Exception):
    """The file arguments do not name one directory of dists; says why, after the command."""


def files_directory(files: list[str], directories_allowed: bool = False) -> str:
    """The one directory whose every dist the file arguments name (`dist/*` -> `dist`).

    `directories_allowed`: an argument may be a directory (hatch's artifacts)."""
    if not files:
        raise NoDirectory("names no files to upload, so trustpub cannot tell where the dists are")
    directories: set[str] = set()
    names: list[str] = []
    for path in files:
        if "$" in path:
            raise NoDirectory(
                f"uploads files named at run time ({path!r}), so trustpub cannot tell where"
            )
        folder, name = posixpath.split(path.rstrip("/") if directories_allowed else path)
        if directories_allowed and not _GLOB & set(name) and not name.endswith(_DIST_ENDINGS):
            folder, name = path, "*"
        if _GLOB & set(folder):
            raise NoDirectory(
                f"uploads files from several directories ({path!r}), and "
                "pypa/gh-action-pypi-publish publishes one"
            )
        directories.add(posixpath.normpath(folder) if folder else ".")
        names.append(name)
    if len(directories) > 1:
        listed = ", ".join(sorted(directories))
        raise NoDirectory(
            f"uploads files from several directories ({listed}), and "
            "pypa/gh-action-pypi-publish publishes one"
        )
    directory = directories.pop()
    if directory == "." or directory.startswith(".."):
        raise NoDirectory(
            f"uploads files from {directory!r}, which holds more than the dists, so it cannot be "
            "the directory pypa/gh-action-pypi-publish publishes"
        )
    if not all(any(fnmatch.fnmatchcase(s, n) for n in names) for s in _SAMPLE_DISTS):
        raise NoDirectory(
            f"uploads only some of the files in `{directory}/` ({' '.join(files)}), and "
            "pypa/gh-action-pypi-publish publishes every file in its `packages-dir`"
        )
    return directory
