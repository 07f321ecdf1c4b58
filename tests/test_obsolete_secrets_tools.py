"""The obsolete-secret list over upload tools: every tool's credentials, `secrets.A || secrets.B`
fallbacks, and never a secret that a remaining line still uses."""

from __future__ import annotations

from trustpub.repository import migrate_repository
from trustpub.rewrite.result import Options

HEAD = "on:\n  push:\n    tags: ['v*']\njobs:\n"


def job(name: str, steps: str) -> str:
    head = f"  {name}:\n    runs-on: ubuntu-latest\n    steps:\n"
    return head + "      - uses: actions/checkout@v4\n" + steps


WORKFLOWS = {
    ".github/workflows/twine.yml": HEAD
    + job(
        "release",
        "      - run: pipx run twine upload dist/*\n        env:\n"
        "          TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN || secrets.PYPI_API_TOKEN }}\n",
    ),
    ".github/workflows/poetry.yml": HEAD
    + job(
        "release",
        "      - run: |\n          poetry config pypi-token.pypi ${{ secrets.POETRY_TOKEN }}\n"
        "          poetry publish --build\n",
    ),
    ".github/workflows/maturin.yml": HEAD
    + job(
        "release",
        "      - uses: PyO3/maturin-action@v1\n        env:\n"
        "          MATURIN_PYPI_TOKEN: ${{ secrets.MATURIN_TOKEN }}\n"
        "        with:\n          command: upload\n          args: dist/*\n"
        "          token: ${{ secrets.GH_RELEASE_TOKEN }}\n",
    ),
    ".github/workflows/uv.yml": HEAD
    + job("release", "      - run: uv publish --token ${{ secrets.UV_TOKEN }}\n"),
    # Still uses PYPI_API_TOKEN (a private index keeps its credentials): never listed.
    ".github/workflows/mirror.yml": HEAD
    + job(
        "mirror",
        "      - run: twine upload --repository-url https://devpi.example.com/ dist/*\n"
        "        env:\n          TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n",
    ),
}


def read(path: str) -> str | None:
    return '[project]\nname = "pkg"\n' if path == "pyproject.toml" else None


def test_obsolete_secrets_cover_every_tool_and_fallbacks() -> None:
    result = migrate_repository("acme/pkg", WORKFLOWS, read, Options(keep_build_in_job=True))
    names = [s.name for s in result.obsolete_secrets]
    assert names == ["MATURIN_TOKEN", "POETRY_TOKEN", "PYPI_TOKEN", "UV_TOKEN"]


def test_a_secret_a_remaining_line_uses_is_never_listed() -> None:
    result = migrate_repository("acme/pkg", WORKFLOWS, read, Options(keep_build_in_job=True))
    twine = next(f for f in result.files if f.path.endswith("twine.yml"))
    assert twine.removed_secrets == {"PYPI_TOKEN", "PYPI_API_TOKEN"}
    assert "PYPI_API_TOKEN" not in [s.name for s in result.obsolete_secrets]
    # maturin-action's `token` input is a GitHub token: kept, and not listed.
    maturin = next(f for f in result.files if f.path.endswith("maturin.yml"))
    assert "GH_RELEASE_TOKEN" in maturin.text
    assert "GH_RELEASE_TOKEN" not in [s.name for s in result.obsolete_secrets]
