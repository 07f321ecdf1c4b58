"""typer commands built from the declared settings: each command's options come from `Settings`.

A command is `command(app, name, run)`: its signature is made of the flags that `Settings`
declares for `name`, and `run` receives one `Settings`, filled from the flags given, then the
`--config` file, then the defaults.
"""

from __future__ import annotations

import enum
import functools
import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from trustpub.exit_codes import EXIT_USAGE
from trustpub.settings.model import Settings, declared
from trustpub.settings.spec import Flag, Spec

Run = Callable[[Settings], None]


def command(app: typer.Typer, name: str, run: Run, help: str) -> None:
    """Register `name` on `app`: its flags from `Settings`, its body `run(settings)`."""

    def handler(ctx: typer.Context, **values: Any) -> None:
        run(settings_from_flags(name, ctx, values))

    parameters = [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    ]
    parameters += [_parameter(setting, spec, name) for setting, spec in _flags(name)]
    handler.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    handler.__annotations__ = {p.name: p.annotation for p in parameters}
    handler.__doc__ = help
    handler.__name__ = name
    app.command(name=name)(handler)


def settings_from_flags(command: str, ctx: typer.Context, values: dict[str, Any]) -> Settings:
    """Flags given on the command line over the `--config` file over the defaults."""
    from trustpub.settings.files import ConfigError, read_config

    given = {name for name in values if _given(ctx, name)}
    defaults = {
        name: _value(spec.flags[command].default_for(_own_default(name)))
        for name, spec in _flags(command)
    }
    settings = Settings(command=command, **defaults)
    config = values.get("config")
    if config is not None:
        try:
            found = read_config(Path(config), command)
        except ConfigError as error:
            typer.echo(f"trustpub: error: {error}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        settings = settings.with_values(found.top)
        settings = _replace(settings, config_file=found)
    flags = {name: _value(values[name]) for name in given}
    return _replace(settings, given=frozenset(given), **flags)


def _given(ctx: typer.Context, name: str) -> bool:
    """Set on the command line (or by its environment variable), not left at its default."""
    source = ctx.get_parameter_source(name)
    # By name: typer may bring its own copy of click, with its own ParameterSource enum.
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def _replace(settings: Settings, **values: Any) -> Settings:
    from dataclasses import replace

    return replace(settings, **values)


def _flags(command: str) -> list[tuple[str, Spec]]:
    return [(name, spec) for name, spec in declared() if command in spec.flags]


def _own_default(name: str) -> Any:
    return Settings.__dataclass_fields__[name].default


def _value(value: Any) -> Any:
    """A typer value as the settings hold it: lists as tuples, choices as their text."""
    if isinstance(value, enum.Enum):
        return value.value
    return tuple(value) if isinstance(value, list) else value


@functools.cache
def _choices(names: tuple[str, ...]) -> type[enum.Enum]:
    """typer shows and checks the choices of a str Enum (`--format [text|json]`)."""
    return enum.Enum("Choice", {name: name for name in names}, type=str)  # type: ignore[return-value]


def _parameter(name: str, spec: Spec, command: str) -> inspect.Parameter:
    flag = spec.flags[command]
    kind = _flag_type(name, flag)
    default = flag.default_for(_own_default(name))
    if _is_sequence(name):
        default = None  # typer's "not given" for a repeatable option
    info = _info(flag, spec)
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[kind, info]
    )


def _info(flag: Flag, spec: Spec) -> Any:
    extra: dict[str, Any] = dict(flag.extra)
    if spec.check is not None:
        extra["callback"] = _callback(spec.check)
    if flag.argument:
        return typer.Argument(help=flag.help, show_default=False, **extra)
    return typer.Option(*flag.decls, help=flag.help, metavar=flag.metavar, **extra)


def _callback(check: Callable[[Any], str | None]) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else [value]:
            problem = None if item is None else check(item)
            if problem:
                raise typer.BadParameter(problem)
        return value

    return validate


@functools.cache
def _hints() -> dict[str, Any]:
    # Each group's annotations are evaluated in its own module; `ConfigFile` is only named.
    return typing.get_type_hints(Settings, localns={"ConfigFile": object})


def field_type(name: str) -> Any:
    """A setting's declared type, evaluated (`from __future__ import annotations` keeps text)."""
    return _hints()[name]


def _is_sequence(name: str) -> bool:
    return typing.get_origin(field_type(name)) is tuple


def _flag_type(name: str, flag: Flag) -> Any:
    """The type typer parses: tuples become repeatable options, choices plain strings."""
    hint = field_type(name)
    if typing.get_origin(hint) is tuple:
        return list[typing.get_args(hint)[0]] | None  # type: ignore[misc]
    return _choices(flag.choices) if flag.choices else hint
