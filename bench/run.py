"""The trustpub benchmark: build a synthetic fleet and measure, side by side, in one run.

    python bench/run.py [--repos 2000] [--jobs N] [--repeat 3] [--memory-sizes 500,2000,8000]

1. `trustpub check` over the fleet vs `zizmor --offline` with only `use-trusted-publishing`;
2. `trustpub diff` and `apply` vs a plain ruamel.yaml round trip of every workflow file;
3. the engine's per-file cost on files that change vs a bare round trip of those files;
4. peak memory at several fleet sizes (the largest process, and the whole process tree);
5. start-up: `trustpub check` on one small file.

Wall times are the best of --repeat runs (the machine may be shared); CPU is that run's user+sys
time of the whole process tree. This is a script that prints figures, never a test.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import fleet as fleet_generator  # noqa: E402  (bench/fleet.py, beside this file)

VENV_BIN = Path(sys.executable).parent
TRUSTPUB = [str(VENV_BIN / "trustpub")]
ZIZMOR = str(VENV_BIN / "zizmor")
# Every zizmor 1.32 audit except use-trusted-publishing (validators.md section 4).
ZIZMOR_OTHER_AUDITS = [
    "artipacked",
    "bot-conditions",
    "cache-poisoning",
    "dangerous-triggers",
    "excessive-permissions",
    "forbidden-uses",
    "github-env",
    "hardcoded-container-credentials",
    "impostor-commit",
    "insecure-commands",
    "known-vulnerable-actions",
    "obfuscation",
    "overprovisioned-secrets",
    "ref-confusion",
    "secrets-inherit",
    "self-hosted-runner",
    "stale-action-refs",
    "template-injection",
    "undocumented-permissions",
    "unpinned-images",
    "unpinned-uses",
    "unredacted-secrets",
    "unsound-contains",
    "anonymous-definition",
    "concurrency-limits",
    "secrets-outside-env",
    "dependabot-cooldown",
    "dependabot-execution",
    "ref-version-mismatch",
    "archived-uses",
    "misfeature",
    "unsound-condition",
    "superfluous-actions",
]


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # user + sys of the process and every descendant it waited for
    max_rss_mb: float  # the largest single process of the tree
    tree_rss_mb: float  # peak of the summed RSS of the whole tree (sampled)
    code: int
    stdout: str


def measure(command: Sequence[str], stdout_to_null: bool = False) -> Run:
    """Run a command; its wall time, CPU, and memory (largest process and whole tree)."""
    out = subprocess.DEVNULL if stdout_to_null else subprocess.PIPE
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, text=True)
    peak = [0]
    sampler = threading.Thread(target=_sample_tree, args=(process, peak), daemon=True)
    sampler.start()
    stdout = process.stdout.read() if process.stdout is not None else ""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    sampler.join()
    return Run(
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        peak[0] / 2**20,
        process.returncode,
        stdout,
    )


def best(command: Sequence[str], repeat: int, stdout_to_null: bool = True) -> Run:
    runs = [measure(command, stdout_to_null) for _ in range(repeat)]
    return min(runs, key=lambda r: r.wall)


def _sample_tree(process: subprocess.Popen[str], peak: list[int]) -> None:
    page = os.sysconf("SC_PAGE_SIZE")
    while process.returncode is None:
        total = 0
        for pid in _tree(process.pid):
            try:
                with open(f"/proc/{pid}/statm") as statm:
                    total += int(statm.read().split()[1]) * page
            except (OSError, IndexError, ValueError):
                continue
        peak[0] = max(peak[0], total)
        time.sleep(0.02)


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found.extend(frontier)
    return found


# -- the five measurements -------------------------------------------------------------------


def startup(sample: Path, repeat: int) -> dict[str, float]:
    python = best([sys.executable, "-c", "pass"], repeat)
    check = best([*TRUSTPUB, "check", str(sample)], repeat)
    return {"python": python.wall, "check": check.wall}


def check_vs_zizmor(fleet: Path, jobs: int, repeat: int, config: Path) -> dict[str, object]:
    check = [*TRUSTPUB, "check", str(fleet), "--quiet", "--jobs", str(jobs)]
    repos = sorted(str(p) for p in fleet.glob("*/*") if p.is_dir())
    zizmor = [ZIZMOR, "--offline", "--config", str(config), "--collect=workflows"]
    zizmor += ["--format", "json", "-q", *repos]
    ours, theirs, ratios = interleaved([check, zizmor], repeat)
    found = measure([*TRUSTPUB, "check", str(fleet), "--format", "json", "--jobs", str(jobs)])
    flagged = measure(zizmor)
    return {
        "trustpub": ours,
        "zizmor": theirs,
        "ratios": ratios,
        "trustpub_found": _files_with_findings(found.stdout),
        "zizmor_found": len(_zizmor_files(flagged)),
    }


def interleaved(commands: list[list[str]], repeat: int) -> tuple[Run, Run, list[float]]:
    """The best run of each of two commands, run in turns so that a busy spell hits them alike,
    and the ratio of their times in each turn (first / second: how steady it is)."""
    runs: list[list[Run]] = [[] for _ in commands]
    for _ in range(repeat):
        for command, found in zip(commands, runs, strict=True):
            found.append(measure(command, stdout_to_null=True))
    first, second = (min(found, key=lambda r: r.wall) for found in runs)
    ratios = [a.wall / b.wall for a, b in zip(runs[0], runs[1], strict=True)]
    return first, second, ratios


def _files_with_findings(json_lines: str) -> int:
    count = 0
    for line in json_lines.splitlines():
        record = json.loads(line)
        if record.get("type") == "repository":
            count += sum(1 for f in record["files"] if f["status"] in ("changed", "skipped"))
    return count


def _zizmor_files(run: Run) -> set[str]:
    """The files zizmor flags for use-trusted-publishing."""
    return {
        json.dumps(finding["locations"][0]["symbolic"]["key"], sort_keys=True)
        for finding in json.loads(run.stdout or "[]")
        if finding["ident"] == "use-trusted-publishing"
    }


def diff_apply_vs_naive(
    out: Path, fleet: Path, repos: int, jobs: int, repeat: int
) -> dict[str, Run]:
    diff = [*TRUSTPUB, "diff", str(fleet), "--quiet", "--jobs", str(jobs)]
    naive = [sys.executable, str(HERE / "naive.py"), str(fleet), "--jobs", str(jobs)]
    copy = out / "fleet-apply"
    apply = [*TRUSTPUB, "apply", str(copy), "--quiet", "--jobs", str(jobs)]
    runs: dict[str, list[Run]] = {"diff": [], "naive": [], "apply": []}
    for _ in range(repeat):  # in turns, like interleaved(); apply needs a fresh copy each time
        runs["diff"].append(measure(diff, stdout_to_null=True))
        runs["naive"].append(measure(naive, stdout_to_null=True))
        fleet_generator.generate(copy, repos)
        runs["apply"].append(measure(apply, stdout_to_null=True))
    shutil.rmtree(copy)
    return {name: min(found, key=lambda r: r.wall) for name, found in runs.items()}


def engine_vs_round_trip(fleet: Path, repeat: int) -> dict[str, float]:
    from ruamel.yaml import YAML

    from trustpub.project import ProjectName
    from trustpub.rewrite.engine import rewrite_workflow

    def lookup(directory: str) -> ProjectName:
        return ProjectName("bench-project", "pyproject.toml")

    candidates = [
        (str(p), p.read_text(encoding="utf-8"))
        for p in sorted(fleet.glob("*/*/.github/workflows/*.y*ml"))
    ]
    changing = [(p, t) for p, t in candidates if rewrite_workflow(t, p, lookup).changed]

    def engine() -> None:
        for path, text in changing:
            rewrite_workflow(text, path, lookup)

    def round_trip() -> None:
        for _, text in changing:
            yaml = YAML()
            yaml.width = 4096
            yaml.dump(yaml.load(text), io.StringIO())

    return {
        "files": len(changing),
        "engine": _best_cpu(engine, repeat) / max(len(changing), 1),
        "round_trip": _best_cpu(round_trip, repeat) / max(len(changing), 1),
    }


def _best_cpu(work: object, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.process_time()
        work()  # type: ignore[operator]
        timings.append(time.process_time() - start)
    return min(timings)


def memory(out: Path, sizes: list[int], jobs: int) -> dict[int, Run]:
    found: dict[int, Run] = {}
    for size in sizes:
        target = out / f"fleet-{size}"
        fleet_generator.generate(target, size)
        command = [*TRUSTPUB, "diff", str(target), "--jobs", str(jobs), "--color", "never"]
        found[size] = measure(command, stdout_to_null=True)
        shutil.rmtree(target)
    return found


# -- report ----------------------------------------------------------------------------------


def yaml_parser() -> str:
    from ruamel.yaml import YAML

    parser = YAML(typ="safe", pure=False).Parser
    return f"{parser.__module__}.{parser.__name__}"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-sizes", default="500,2000,8000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.memory_sizes.split(",") if s]
    args.out.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    load_before = os.getloadavg()[0]

    fleet = args.out / "fleet"
    stats = fleet_generator.generate(fleet, args.repos)
    config = args.out / "zizmor-use-trusted-publishing-only.yml"
    config.write_text(
        "rules:\n" + "".join(f"  {a}: {{disable: true}}\n" for a in ZIZMOR_OTHER_AUDITS)
    )
    sample = next(iter(sorted(fleet.glob("*/*/.github/workflows/release.yml"))))

    started = startup(sample, max(args.repeat, 10))
    checked = check_vs_zizmor(fleet, args.jobs, args.repeat, config)
    rewritten = diff_apply_vs_naive(args.out, fleet, args.repos, args.jobs, args.repeat)
    engine = engine_vs_round_trip(fleet, args.repeat)
    memories = memory(args.out, sizes, args.jobs)
    load_after = os.getloadavg()[0]

    ours, theirs = checked["trustpub"], checked["zizmor"]
    assert isinstance(ours, Run) and isinstance(theirs, Run)
    diff, apply, naive = rewritten["diff"], rewritten["apply"], rewritten["naive"]
    files = stats.workflows
    flat = max(r.tree_rss_mb for r in memories.values()) / min(
        r.tree_rss_mb for r in memories.values()
    )
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"machine: {len(os.sched_getaffinity(0))} cores, --jobs {args.jobs}, Python "
        f"{sys.version.split()[0]}, YAML parser {yaml_parser()}, load average "
        f"{load_before:.1f} before / {load_after:.1f} after"
    )
    print(
        f"fleet: {stats.repositories:,} repositories, {files:,} workflow files "
        f"({stats.bytes / 1e6:.1f} MB), {stats.token_publishers} token publishers, "
        f"{stats.migrated} migrated; best of {args.repeat} runs\n"
    )
    print("| # | measurement | trustpub | baseline | ratio | target |")
    print("|---|---|---|---|---|---|")
    print(
        f"| 1 | check, whole fleet (wall; CPU) | {ours.wall:.2f} s; {ours.cpu:.2f} s "
        f"({files / ours.wall:,.0f} files/s) | zizmor {theirs.wall:.2f} s; {theirs.cpu:.2f} s "
        f"({files / theirs.wall:,.0f} files/s) | {theirs.wall / ours.wall:.2f}x as fast "
        f"| >= 2x (at most half zizmor's time): {verdict(theirs.wall >= 2 * ours.wall)} |"
    )
    ratios = checked["ratios"]
    assert isinstance(ratios, list)
    print(
        f"| 1 | check / zizmor time, turn by turn | {', '.join(f'{r:.2f}' for r in ratios)} "
        f"| | worst {max(ratios):.2f} | <= 0.5 every turn: {verdict(max(ratios) <= 0.5)} |"
    )
    print(
        f"| 1 | files flagged | {checked['trustpub_found']} | zizmor {checked['zizmor_found']} "
        "| | (scope, not speed) |"
    )
    for name, run in (("diff", diff), ("apply", apply)):
        print(
            f"| 2 | {name}, whole fleet (wall; CPU) | {run.wall:.2f} s; {run.cpu:.2f} s "
            f"| naive round trip {naive.wall:.2f} s; {naive.cpu:.2f} s "
            f"| {run.wall / naive.wall:.3f}x | <= 0.2x: {verdict(run.wall <= 0.2 * naive.wall)} |"
        )
    ratio = engine["engine"] / engine["round_trip"]
    print(
        f"| 3 | engine per changing file (CPU, {engine['files']:.0f} files) "
        f"| {engine['engine'] * 1000:.2f} ms | round trip {engine['round_trip'] * 1000:.2f} ms "
        f"| {ratio:.2f}x | <= 2x: {verdict(ratio <= 2)} |"
    )
    for size, run in memories.items():
        print(
            f"| 4 | peak RSS, diff of {size:,} repositories | whole tree {run.tree_rss_mb:.0f} MB; "
            f"largest process {run.max_rss_mb:.0f} MB | | | < 200 MB, flat: "
            f"{verdict(run.tree_rss_mb < 200)} |"
        )
    print(
        f"| 4 | growth, largest / smallest fleet | {flat:.2f}x | | | flat: {verdict(flat < 1.25)} |"
    )
    print(
        f"| 5 | start-up, check one small file | {started['check']:.3f} s "
        f"| python -c pass {started['python']:.3f} s | | < 0.15 s: "
        f"{verdict(started['check'] < 0.15)} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
