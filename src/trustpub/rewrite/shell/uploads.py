"""Recognising upload tools however they are run: `python -m`, `pipx run`, `uvx`, `uv run`...

Also their configuration commands (`poetry config pypi-token.pypi ...`) and installs with a
version (`pip install twine==5.0.0`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from trustpub.rewrite.expressions import has_computed_secret, referenced_secrets
from trustpub.rewrite.indexes import (
    DEFAULT_PYPI,
    IndexTarget,
    chosen_at_run_time,
    classify_url,
)
from trustpub.rewrite.shell.base import ScannerBase
from trustpub.rewrite.shell.results import (
    ConfigCommand,
    Span,
    ToolPin,
    UploadCommand,
)
from trustpub.rewrite.shell.simple import Command
from trustpub.rewrite.shell.tokens import Word
from trustpub.rewrite.shell.words import (
    PIP_OPTIONS,
    RUN_OPTIONS,
    Context,
    Option,
    before_double_dash,
    find_options,
    parse_requirement,
    skip_options,
)
from trustpub.rewrite.tools import TOOLS, IndexValue, classify_index_value


class UploadCommands(ScannerBase):
    """Upload tools, the ways of running them, their config commands and installs."""

    def _tool(self, cmd: Command, tool: str, args: list[Word], ctx: Context) -> None:
        facts = TOOLS[tool]
        i = skip_options(args, 0, facts.global_value_options)
        if i >= len(args):
            return
        sub, rest = args[i].value, args[i + 1 :]
        if sub in facts.upload_subcommands:
            self._upload(cmd, tool, args[: i + 1], rest, ctx)
        elif sub == "run" and tool in ("uv", "pdm", "poetry", "hatch"):
            spec_flags = ("--with", "-w") if tool == "uv" else ()
            self._run_package(cmd, f"{tool} run", rest, ctx, spec_flags)
        elif sub == "config":
            self._config(cmd, tool, rest)
        elif tool == "uv" and sub in ("tool", "pip") and rest:
            self._uv_subcommand(cmd, sub, rest, ctx)

    def _uv_subcommand(self, cmd: Command, sub: str, rest: list[Word], ctx: Context) -> None:
        action = rest[0].value
        if sub == "tool" and action == "run":
            self._run_package(cmd, "uvx", rest[1:], ctx, ("--from", "--with", "-w"))
        elif action == "install":
            self._pins(rest[1:])

    def _upload(
        self, cmd: Command, tool: str, before: list[Word], rest: list[Word], ctx: Context
    ) -> None:
        """An upload; `before` holds the options written before the subcommand, and it."""
        before, sub = before[:-1], before[-1]
        args = before_double_dash(rest)
        flags = find_options(args, TOOLS[tool].credential_flags)
        for option in flags:
            if option.value is None:
                self._problem(
                    f"`{option.flag}` has no value: the command ends at the line break "
                    "(a missing `\\`?), so the next line runs on its own",
                    option.first.start,
                )
        spans = tuple(Span(self._blank_before(o.first.start), o.last.end) for o in flags)
        text = "".join(self.text[s.start : s.end] for s in spans)
        version, version_span = ctx.version or (None, None)
        self.uploads.append(
            UploadCommand(
                tool=tool,
                span=Span(cmd.start, cmd.end),
                index=self._index(tool, before + args, ctx),
                credential_flags=spans,
                referenced_secrets=referenced_secrets(text),
                computed_secret=has_computed_secret(text),
                credential_from_shell=any(o.dynamic for o in flags),
                version=version,
                version_span=version_span,
                dry_run=any(w.value == "--dry-run" for w in args),
                leading=tuple(w.value for w in before),
                subcommand=sub.value,
                arguments=tuple(w.value for w in rest),
            )
        )

    def _index(self, tool: str, args: list[Word], ctx: Context) -> IndexTarget:
        """Flags first (a URL beats a name, else the last wins), then variables, then PyPI."""
        flags = TOOLS[tool].index_flags
        chosen: Option | None = None
        for option in find_options(args, flags):
            url_over_name = flags[chosen.flag] is not IndexValue.URL if chosen else True
            if url_over_name or flags[option.flag] is IndexValue.URL:
                chosen = option
        if chosen is not None:
            return self._classify(tool, flags[chosen.flag], chosen.value or "", chosen.dynamic)
        env = {**self.exported, **ctx.env}
        for name, kind in sorted(
            TOOLS[tool].index_env.items(), key=lambda item: item[1] is not IndexValue.URL
        ):
            if name in env:
                return self._classify(tool, kind, env[name].value, env[name].dynamic)
        return DEFAULT_PYPI

    def _classify(self, tool: str, kind: IndexValue, value: str, dynamic: bool) -> IndexTarget:
        if dynamic:
            return chosen_at_run_time(value)
        configured = self.repositories.get((tool, value))
        if kind is IndexValue.NAME and configured is not None:
            return classify_url(configured)
        return classify_index_value(tool, kind, value)

    def _config(self, cmd: Command, tool: str, args: list[Word]) -> None:
        """`poetry config pypi-token.pypi X`, `pdm config repository.pypi.password X`, ..."""
        if any(w.value in ("--unset", "--list", "-d", "--delete") for w in args):
            return
        values = [w.value for w in args if not w.value.startswith("-")]
        if tool == "hatch" and values[:1] == ["set"]:
            values = values[1:]
        parsed = _config_key(tool, values[0]) if values else None
        if parsed is None or len(values) < 2:
            return
        repository, setting = parsed
        url = values[1] if setting == "url" else None
        if url is not None:
            self.repositories[(tool, repository)] = url
        text = self.text[cmd.start : cmd.end]
        self.configs.append(
            ConfigCommand(
                tool=tool,
                span=self._statement_span(cmd),
                repository=repository,
                url=url,
                is_credential=setting == "credential",
                referenced_secrets=referenced_secrets(text),
            )
        )

    def _python(self, cmd: Command, args: list[Word], ctx: Context) -> None:
        i = 0
        while i < len(args) and args[i].value.startswith("-"):
            value = args[i].value
            if value == "-c":
                self._run_string(cmd, "python -c", args[i + 1 : i + 2])
                return
            if value == "-m" and i + 1 < len(args):
                self._module(cmd, args[i + 1].value, args[i + 2 :], ctx)
                return
            if value.startswith("-m"):
                self._module(cmd, value[2:], args[i + 1 :], ctx)
                return
            i += 2 if value in ("-W", "-X") else 1
        if i < len(args):
            self._python_script(cmd, args[i], args[i + 1 :])

    def _module(self, cmd: Command, module: str, rest: list[Word], ctx: Context) -> None:
        if module in TOOLS:
            self._tool(cmd, module, rest, ctx)
        elif module == "pip":
            self._pip(rest)

    def _pipx(self, cmd: Command, args: list[Word], ctx: Context) -> None:
        i = skip_options(args, 1, RUN_OPTIONS)
        if i >= len(args):
            return
        if args[i].value == "run":
            self._run_package(cmd, "pipx run", args[i + 1 :], ctx, ("--spec",))
        elif args[i].value in ("install", "upgrade"):
            self._pins(args[i + 1 :])

    def _uvx(self, cmd: Command, args: list[Word], ctx: Context) -> None:
        self._run_package(cmd, "uvx", args[1:], ctx, ("--from", "--with", "-w"))

    def _run_package(
        self,
        cmd: Command,
        runner: str,
        args: list[Word],
        ctx: Context,
        spec_flags: tuple[str, ...],
    ) -> None:
        """`uvx twine@6 upload`, `pipx run --spec twine==5 twine upload`, `uv run twine ...`."""
        i = skip_options(args, 0, RUN_OPTIONS)
        if i >= len(args):
            return
        specs = [o for o in find_options(args[:i], spec_flags) if o.value is not None]
        program = parse_requirement(args[i])
        if program is None or program.name not in TOOLS:
            self._program(cmd, args[i:], replace(ctx, runner=runner))
            return
        version = ctx.version
        if program.spec is not None:
            version = (program.spec, program.span)
        for option in specs:
            spec = parse_requirement(option.last, len(option.last.value) - len(option.value or ""))
            if spec is not None and spec.name == program.name and spec.spec is not None:
                version = (spec.spec, spec.span)
        self._tool(cmd, program.name, args[i + 1 :], replace(ctx, version=version))

    def _pip(self, args: list[Word]) -> None:
        i = skip_options(args, 0, PIP_OPTIONS)
        if i < len(args) and args[i].value == "install":
            self._pins(args[i + 1 :])

    def _pins(self, words: list[Word]) -> None:
        i = 0
        while i < len(words):
            value = words[i].value
            if value.startswith("-"):
                i += 2 if value in PIP_OPTIONS else 1
                continue
            requirement = parse_requirement(words[i])
            if requirement and requirement.name in TOOLS and requirement.spec and requirement.span:
                self.pins.append(ToolPin(requirement.name, requirement.spec, requirement.span))
            i += 1


def _config_key(tool: str, key: str) -> tuple[str, str] | None:
    """(repository, "credential" | "url") for a credential or repository config key."""
    if tool == "poetry":
        match = re.fullmatch(r"(pypi-token|http-basic|repositories)\.([^.]+)(\.url)?", key)
        if match:
            setting = "url" if match.group(1) == "repositories" else "credential"
            return match.group(2), setting
    elif tool == "pdm":
        match = re.fullmatch(r"repository\.([^.]+)\.(username|password|url)", key)
        if match:
            return match.group(1), "url" if match.group(2) == "url" else "credential"
    elif tool == "hatch":
        match = re.fullmatch(r"publish\.index\.(auth|user)", key)
        if match:
            return "main", "credential"
    return None
