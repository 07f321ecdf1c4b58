"""Every setting of `check`, `diff`, `apply`, `bot` and `status`, declared once.

Each field says its default, its flag on each command that has it, where a configuration file may
set it (`Files`) and how a value is checked. The fields are declared in three groups
(`targets.py`, `migration.py`, `running.py`); `Settings` is all of them. The commands are built
from these declarations (`settings/commands.py`), and so are the file readers
(`settings/files.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, TypeVar

from trustpub.settings.migration import Migration
from trustpub.settings.running import Running
from trustpub.settings.spec import spec_of
from trustpub.settings.targets import Targets

if TYPE_CHECKING:
    from trustpub.rewrite.result import Options
    from trustpub.settings.files import ConfigFile


@dataclass(frozen=True)
class Settings(Running, Migration, Targets):
    """One run's settings. `given` names the ones set by a flag: files never override those."""

    command: str = "check"
    given: frozenset[str] = frozenset()
    config_file: ConfigFile | None = field(default=None, compare=False)

    def options(self, github_enterprise: bool | None = None) -> Options:
        """The engine's choices. `check` reports what remains and never adds a TestPyPI job (a
        repository already on trusted publishing must pass), nor re-reads what it would write."""
        from trustpub.rewrite.result import Options

        checking = self.command == "check"
        if github_enterprise is None:
            github_enterprise = bool(self.base_url) and "api.github.com" not in (
                self.base_url or ""
            )
        return Options(
            pypi_environment=self.pypi_environment,
            testpypi_environment=self.testpypi_environment,
            keep_build_in_job=self.keep_build_in_job,
            add_testpypi=self.add_testpypi and not checking,
            gate_pypi_on_testpypi=self.gate_pypi_on_testpypi and not checking,
            github_enterprise=github_enterprise,
            verify=not checking,
        )

    def with_values(self, values: Mapping[str, Any]) -> Settings:
        """These values, except where a flag was given (flags win over files)."""
        kept = {name: value for name, value in values.items() if name not in self.given}
        return replace(self, **kept) if kept else self


def declared() -> list[tuple[str, Any]]:
    """(name, spec) of every declared setting, in declaration order."""
    found = []
    for item in fields(Settings):
        spec = spec_of(item)
        if spec is not None:
            found.append((item.name, spec))
    return found


T = TypeVar("T")


def filled(kind: type[T], settings: Settings, /, **values: Any) -> T:
    """A `kind` (a dataclass of one layer: the bot's selection, its run, ...) whose fields take
    the settings of the same name, and `values` for the others."""
    own = Settings.__dataclass_fields__
    names = [f.name for f in fields(kind)]  # type: ignore[arg-type]
    taken = {name: getattr(settings, name) for name in names if name in own and name not in values}
    return kind(**taken, **values)
