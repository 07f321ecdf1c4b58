"""How PyPI credentials are named: secrets, environment variables and action inputs.

A value that reaches an upload is a PyPI credential when it comes from a secret (or another step's
output) and either the secret's name or the name it is given says so: `PYPI_API_TOKEN`,
`TWINE_PASSWORD`, `pypi_token`, `twine-token`... Settings that only choose where packages are
installed from (`PIP_INDEX_URL`, `UV_INDEX_...`) are not uploads, whatever secret they hold.
"""

from __future__ import annotations

import re

from trustpub.publishers.tools import TOOLS

# Name prefixes of the upload tools' settings (`TWINE_PASSWORD`, `UV_PUBLISH_TOKEN`...).
TOOL_PREFIXES = (
    "TWINE_",
    "FLIT_",
    "POETRY_PYPI_",
    "POETRY_HTTP_BASIC_",
    "UV_PUBLISH_",
    "MATURIN_",
    "HATCH_INDEX_",
    "PDM_PUBLISH_",
)
# Settings of installers: a private index to install from, never an upload.
_INSTALL_SIDE = re.compile(r"^(?:PIP_|UV_(?:DEFAULT_|EXTRA_)?INDEX|PIPENV_|CONDA_|PDM_SOURCE)")
# Parts of a name that hold no secret: where to upload, or who (a user name alone is public).
_NOT_SECRET = re.compile(r"(?:_URL|_REPO|_REPOSITORY|_INDEX|_USER|_USERNAME|_NAME|_DIR)$")
# A variable or input carries a secret when its name says so (`PYPI_TOKEN`, `pypi-password`), not
# a switch or a setting (`UPLOAD_TO_PYPI`, `PYPI_SERVER`). A secret's own name needs no such word.
_SECRET_WORD = re.compile(r"TOKEN|PASSWORD|PASSWD|PASS\b|PASS_|PWD|SECRET|AUTH|KEY|CREDENTIAL")


def normalized(name: str) -> str:
    """`twine-token` -> `TWINE_TOKEN`: inputs, variables and secrets compared alike."""
    return re.sub(r"[^A-Za-z0-9]+", "_", name).upper()


def is_pypi_name(name: str) -> bool:
    """True when a secret, variable or input name says it belongs to publishing on PyPI."""
    upper = normalized(name)
    return "PYPI" in upper or upper.startswith(TOOL_PREFIXES)


def is_install_setting(name: str) -> bool:
    """True for an installer's setting (`PIP_INDEX_URL`...): it never uploads."""
    return _INSTALL_SIDE.match(normalized(name)) is not None


def is_pypi_credential_key(name: str) -> bool:
    """True when a variable or input with this name carries a PyPI credential: a tool's
    credential variable (`TWINE_PASSWORD`, `POETRY_PYPI_TOKEN_PYPI`), or a PyPI-named key whose
    name says it holds a secret (`PYPI_TOKEN`, `pypi_token`, `twine-token`), not a URL, a user
    name or a switch (`UPLOAD_TO_PYPI`)."""
    upper = normalized(name)
    if is_install_setting(upper):
        return False
    for facts in TOOLS.values():
        if upper in facts.credential_env or upper.startswith(facts.credential_env_prefixes):
            return not upper.endswith(("USERNAME", "_USER"))
    return is_pypi_name(upper) and _SECRET_WORD.search(upper) is not None


def is_pypi_secret(name: str) -> bool:
    """True when a repository secret's name says it is a PyPI credential (`PYPI_API_TOKEN`,
    `TEST_PYPI_PASSWORD`, `TWINE_PASSWORD`); not one that only holds a URL or a user name."""
    upper = normalized(name)
    return is_pypi_name(upper) and not _NOT_SECRET.search(upper)


# Package index services that are not PyPI: a URL or a command computed at run time that names
# one uploads there (`$(aws codeartifact get-repository-endpoint ...)`), not to PyPI.
OTHER_INDEX_SERVICES = re.compile(
    r"codeartifact|artifactory|jfrog|devpi|gemfury|fury\.io|pkg\.dev|pkgs\.dev\.azure\.com"
    r"|gitlab|nexus|cloudsmith|packagecloud|repsy|anaconda\.org",
    re.IGNORECASE,
)

# Registries and services other than PyPI: a secret named for one of them is not a PyPI token,
# even when its name says it uploads or publishes (`NPM_PUBLISH_TOKEN`).
_OTHER_REGISTRIES = re.compile(
    r"NPM|YARN|CARGO|CRATES|RUBYGEMS|GEM_|NUGET|DOCKER|GHCR|QUAY|HELM|MAVEN|SONATYPE|OSSRH"
    r"|VSCE|OVSX|CHROME|SNAP|CONDA|CODECOV|COVERALLS|SLACK|DISCORD|S3|AWS|GCP|AZURE",
    re.IGNORECASE,
)


def is_other_registry_secret(name: str) -> bool:
    """True when a secret's name says it belongs to another registry or service."""
    return _OTHER_REGISTRIES.search(normalized(name)) is not None and "PYPI" not in normalized(name)
