"""`python -m build` makes an sdist and a wheel; the wheel installs into a fresh environment and
its console script runs. Offline: the build backend comes from the test environment
(`--no-isolation`), and the fresh environment sees the already-installed dependencies through a
`.pth` file while trustpub itself comes from the wheel (`--no-deps --no-index`)."""

from __future__ import annotations

import email
import site
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "fixtures" / "demo"
PIP = (sys.executable, "-m", "pip")

pytest.importorskip("build", reason="needs the `build` package (the test extra)")
pytest.importorskip("hatchling", reason="needs the build backend (the test extra)")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    return out


def only(directory: Path, pattern: str) -> Path:
    [found] = directory.glob(pattern)
    return found


def test_build_makes_an_sdist_and_a_wheel_with_complete_metadata(dist: Path) -> None:
    wheel = only(dist, "trustpub-*-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = email.message_from_bytes(
            archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        )
        entry_points = archive.read(
            next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        ).decode()
    assert {f"trustpub/schemas/{name}.schema.json" for name in ("report", "bot")} <= names
    assert "trustpub/py.typed" in names and "trustpub/__main__.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == ">=3.10"
    assert "Programming Language :: Python :: 3 :: Only" in metadata.get_all("Classifier")
    assert {u.split(",")[0] for u in metadata.get_all("Project-URL")} >= {
        "Homepage",
        "Documentation",
        "Source",
        "Issues",
        "Changelog",
    }
    assert metadata["Author"] or metadata["Author-email"]
    assert metadata.get_payload().startswith("# trustpub")  # the README
    assert "trustpub = trustpub.cli:console_script" in entry_points
    sdist = only(dist, "trustpub-*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {m.split("/", 1)[1] for m in archive.getnames() if "/" in m}
    assert {"LICENSE", "README.md", "CHANGELOG.md", "action.yml", ".pre-commit-hooks.yaml"} <= (
        members
    )
    assert any(m.startswith("tests/") for m in members)
    assert any(m.startswith("fixtures/demo/") for m in members)


def test_the_wheel_installs_into_a_fresh_environment_and_runs(dist: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    python = fresh / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The dependencies, already installed here; no index is reached.
    (Path(purelib) / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    wheel = only(dist, "trustpub-*-py3-none-any.whl")
    subprocess.run(
        [*PIP, "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    where = subprocess.run(
        [str(python), "-c", "import trustpub; print(trustpub.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(fresh)), where  # the wheel's copy, not this checkout's
    script = fresh / "bin" / "trustpub"
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("trustpub ")
    checked = subprocess.run([str(script), "check", str(DEMO)], capture_output=True, text=True)
    assert checked.returncode == 1
    assert "token publishing" in checked.stdout
    module = subprocess.run(
        [str(python), "-m", "trustpub", "check", str(DEMO), "--format", "sarif"],
        capture_output=True,
        text=True,
    )
    assert module.returncode == 1 and '"version": "2.1.0"' in module.stdout
