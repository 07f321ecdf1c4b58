"""The naive approach the benchmark compares against: a ruamel.yaml round trip of every file.

    python bench/naive.py FLEET [--jobs N]

Loads every `.github/workflows/*.y*ml` below FLEET with `YAML()` (round-trip mode) and dumps it
again, in a process pool of N workers, which is what a rewriter that does not pre-filter, and
edits through ruamel's round-trip model, pays before it changes anything.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from multiprocessing import Pool
from pathlib import Path


def workflow_files(fleet: Path) -> list[str]:
    found: list[str] = []
    for directory, subdirectories, files in os.walk(fleet):
        subdirectories[:] = [d for d in subdirectories if d != ".git"]
        if directory.endswith(os.path.join(".github", "workflows")):
            found.extend(os.path.join(directory, f) for f in files if f.endswith((".yml", ".yaml")))
    return sorted(found)


def round_trip(path: str) -> int:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096
    with open(path, encoding="utf-8") as handle:
        data = yaml.load(handle.read())
    out = io.StringIO()
    yaml.dump(data, out)
    return len(out.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fleet", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    files = workflow_files(args.fleet)
    with Pool(args.jobs) as pool:
        written = sum(pool.imap_unordered(round_trip, files, chunksize=16))
    print(f"{len(files)} files round-tripped, {written} characters dumped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
