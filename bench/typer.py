"""Why pyproject.toml keeps typer below 0.29: start-up with the pinned typer and with the newest.

    python bench/typer.py [--repeat 10] [--keep DIR]

Builds two virtual environments (pip, from the package index), each with trustpub from this
tree and its dependencies, one with `typer<0.29`, one with the newest typer (0.29 and later
depend on pydantic and import it when a command runs), then times `trustpub check` on the demo
workflow in each: best of --repeat runs, and which typer and pydantic each has. A script that
prints figures, never a test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "fixtures" / "demo" / ".github" / "workflows" / "release.yml"
OTHERS = ["ruamel.yaml", "ruamel.yaml.clib", "libcst", "PyGithub", "urllib3", "rich", "packaging"]


def environment(where: Path, typer: str) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    pip = [str(where / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, typer, *OTHERS], check=True)
    subprocess.run([*pip, "--no-deps", str(ROOT)], check=True)
    return where / "bin"


def versions(bin_dir: Path) -> str:
    program = (
        "from importlib.metadata import version, PackageNotFoundError\n"
        "def v(n):\n    try:\n        return version(n)\n    except PackageNotFoundError:\n"
        "        return 'absent'\n"
        "print(f\"typer {v('typer')}, pydantic {v('pydantic')}\")"
    )
    done = subprocess.run(
        [str(bin_dir / "python"), "-c", program], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def best_start_up(bin_dir: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [str(bin_dir / "trustpub"), "check", str(WORKFLOW)], capture_output=True, check=False
        )
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="build the environments here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        base = args.keep or Path(scratch)
        rows = []
        for label, requirement in (("pinned", "typer<0.29"), ("newest", "typer")):
            bin_dir = environment(base / label, requirement)
            rows.append((label, versions(bin_dir), best_start_up(bin_dir, args.repeat)))
    print(f"`trustpub check` on one workflow, best of {args.repeat}:")
    for label, installed, seconds in rows:
        print(f"  {label:7} {installed:34} {seconds * 1000:6.0f} ms")
    print(f"  difference: {(rows[1][2] - rows[0][2]) * 1000:+.0f} ms per command")


if __name__ == "__main__":
    main()
