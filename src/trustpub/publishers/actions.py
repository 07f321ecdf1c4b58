"""The actions that publish Python packages: what each is handed, and what trustpub does with it.

Keyed by `owner/repo[/path]` in lower case, without the ref. An action not listed here that is
handed a PyPI credential (see `credentials.py`) is still reported: these entries only make the
report precise, or the migration possible. A new action is one entry here, and its fixtures.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from trustpub.publishers.tools import IndexValue

_URL, _NAME = IndexValue.URL, IndexValue.NAME
_NONE: Mapping[str, IndexValue] = MappingProxyType({})


class ActionRole(enum.Enum):
    PYPA = "pypa"  # pypa/gh-action-pypi-publish itself (rules/pypa_action.py)
    TOOL = "tool"  # runs an upload tool (PyO3/maturin-action: rules/run_tools.py)
    POETRY_BUILD = (
        "poetry-build"  # builds with poetry and uploads: `poetry build` + the PyPA action
    )
    TOKEN_ONLY = "token-only"  # uploads with the token it is handed: reported, with what to do
    OIDC_MINTER = "oidc-minter"  # mints a short-lived PyPI token with OIDC (trusted publishing)
    SECRETS_MANAGER = "secrets-manager"  # fetches secrets at run time, into outputs or `env`
    SETUP = "setup"  # installs an upload tool (`installs`: the tool and its version input)


@dataclass(frozen=True)
class ActionFacts:
    name: str  # owner/repo[/path], lower case
    role: ActionRole
    aliases: tuple[str, ...] = ()  # older names GitHub redirects (messense/maturin-action)
    credential_inputs: tuple[str, ...] = ()  # inputs that carry a PyPI credential
    credential_env: tuple[str, ...] = ()  # variables it reads a PyPI credential from
    index_inputs: Mapping[str, IndexValue] = field(default_factory=lambda: _NONE)
    index: str = "pypi"  # where it uploads when no index input says otherwise: pypi|testpypi|other
    index_name: str = ""  # for "other": the index, in words
    what: str = ""  # what it does, for the report
    advice: str = ""  # what to do by hand, for the report
    search: str = ""  # the term code search finds workflows using it by
    installs: tuple[str, str] | None = None  # (tool, the input that pins its version)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


_REPORTED_PUBLISH_JOB = (
    "publish the built dists with pypa/gh-action-pypi-publish in a job of their own that has "
    "`id-token: write` and an environment, then remove the token"
)

ACTIONS: tuple[ActionFacts, ...] = (
    ActionFacts(
        "pypa/gh-action-pypi-publish",
        ActionRole.PYPA,
        credential_inputs=("password", "user", "username"),
        index_inputs=MappingProxyType({"repository-url": _URL, "repository_url": _URL}),
        search="gh-action-pypi-publish",
    ),
    ActionFacts(
        "pyo3/maturin-action",
        ActionRole.TOOL,
        aliases=("messense/maturin-action",),
        credential_env=("MATURIN_PYPI_TOKEN", "MATURIN_PASSWORD"),
        search="maturin-action",
        installs=("maturin", "maturin-version"),
    ),
    ActionFacts("astral-sh/setup-uv", ActionRole.SETUP, installs=("uv", "version")),
    ActionFacts("pdm-project/setup-pdm", ActionRole.SETUP, installs=("pdm", "version")),
    ActionFacts(
        "jrubics/poetry-publish",
        ActionRole.POETRY_BUILD,
        credential_inputs=("pypi_token", "repository_username", "repository_password"),
        index_inputs=MappingProxyType({"repository_name": _NAME, "repository_url": _URL}),
        what="builds the package with poetry and uploads it with the token",
        search="poetry-publish",
    ),
    ActionFacts(
        "aio-libs/create-release",
        ActionRole.TOKEN_ONLY,
        credential_inputs=("pypi_token",),
        what="uploads `dist_dir` to PyPI with the token, then creates the GitHub release",
        advice="remove `pypi_token` (the action uploads only when it is set) and "
        + _REPORTED_PUBLISH_JOB.replace("then remove the token", "that runs before this step"),
        search="aio-libs/create-release",
    ),
    *(
        ActionFacts(
            f"ansys/actions/release-pypi-{kind}",
            ActionRole.TOKEN_ONLY,
            aliases=(f"pyansys/actions/release-pypi-{kind}",),
            credential_inputs=("twine-token", "pypi-token", "token"),
            index=index,
            index_name=where,
            what=f"uploads the library's artifacts to {where} with twine and the token",
            advice="trusted publishing cannot work from inside this composite action: declare "
            "a release job of your own that downloads the artifacts and publishes them with "
            "pypa/gh-action-pypi-publish, with `id-token: write` (ansys/actions documents "
            'this layout under "Release to PyPI as a trusted publisher")',
            search="release-pypi",
        )
        for kind, index, where in (
            ("public", "pypi", "PyPI"),
            ("test", "testpypi", "TestPyPI"),
            ("private", "other", "Ansys's private index"),
        )
    ),
    ActionFacts(
        "casperdcl/deploy-pypi",
        ActionRole.TOKEN_ONLY,
        credential_inputs=("password", "user"),
        index_inputs=MappingProxyType({"url": _URL}),
        what="builds the dists and uploads them with twine and the password",
        advice="its newer releases (those with a `registry_domain` input) publish with trusted "
        "publishing when `password` is empty: update it, remove `password` and `user`, and give "
        "the job `id-token: write` and an environment; or build with it (`upload: false`) and "
        + _REPORTED_PUBLISH_JOB,
        search="deploy-pypi",
    ),
    ActionFacts(
        "relekang/python-semantic-release",
        ActionRole.TOKEN_ONLY,
        aliases=("python-semantic-release/python-semantic-release",),
        credential_inputs=("pypi_token", "repository_password", "repository_username"),
        credential_env=("PYPI_TOKEN", "PYPI_PASSWORD", "REPOSITORY_PASSWORD"),
        what="uploads the dists to PyPI with the token (python-semantic-release 7)",
        advice="python-semantic-release 8 and later no longer upload to PyPI: upgrade it, "
        "drop the token, and publish the dists it builds with pypa/gh-action-pypi-publish in a "
        "job that needs this one and has `id-token: write`",
        search="python-semantic-release",
    ),
    ActionFacts(
        "etils-actions/pypi-build-publish",
        ActionRole.TOKEN_ONLY,
        credential_inputs=("pypi-token",),
        what="builds the package and uploads it with the token",
        advice="build with `python -m build`, store the dists with actions/upload-artifact, and "
        + _REPORTED_PUBLISH_JOB,
        search="pypi-build-publish",
    ),
    ActionFacts(
        "jupyter-server/jupyter-releaser/.github/actions/finalize-release",
        ActionRole.TOKEN_ONLY,
        credential_env=("PYPI_TOKEN", "PYPI_TOKEN_MAP", "TWINE_PASSWORD"),
        what="uploads the release's dists to PyPI with the token",
        advice="check whether your jupyter-releaser version publishes with trusted publishing "
        "when the job has `id-token: write` and no `PYPI_TOKEN` (then give the job "
        "`id-token: write` and an environment, and remove the token); otherwise "
        + _REPORTED_PUBLISH_JOB,
        search="jupyter-releaser",
    ),
    *(
        ActionFacts(name, ActionRole.SECRETS_MANAGER, what="fetches secrets at run time")
        for name in (
            "hashicorp/vault-action",
            "aws-actions/aws-secretsmanager-get-secrets",
            "1password/load-secrets-action",
            "bitwarden/sm-action",
            "google-github-actions/get-secretmanager-secrets",
            "azure/get-keyvault-secrets",
            "doppler/secrets-fetch-action",
            "infisical/secrets-action",
        )
    ),
    ActionFacts(
        "tschm/token-mint-action",
        ActionRole.OIDC_MINTER,
        what="mints a short-lived PyPI token with trusted publishing (OIDC)",
    ),
)

_BY_NAME: Mapping[str, ActionFacts] = MappingProxyType(
    {name: facts for facts in ACTIONS for name in facts.names}
)


def find_action(action: str) -> ActionFacts | None:
    """The facts of an action (`owner/repo[/path]`, any case, no ref), or None."""
    return _BY_NAME.get(action.lower().rstrip("/"))


def canonical_action(action: str) -> str:
    """The action's current name: `messense/maturin-action` -> `pyo3/maturin-action`."""
    facts = find_action(action)
    return facts.name if facts is not None else action.lower().rstrip("/")
