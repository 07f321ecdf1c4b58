"""A fleet run on a terminal against the same run piped: `trustpub diff` over the benchmark fleet.

    python bench/terminal.py [--repos 2000] [--jobs 2] [--repeat 3] [--command diff]

On a terminal trustpub shows a progress bar and coloured diffs; piped, plain lines. The terminal
here is a pseudo-terminal (120 columns) whose output is read as fast as it comes, as a terminal
emulator would. Prints the best wall time of --repeat runs of each, and their ratio (the aim is
at most 1.3). A script that prints figures, never a test.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fleet as fleet_generator  # noqa: E402  (bench/fleet.py, beside this file)

TRUSTPUB = str(Path(sys.executable).parent / "trustpub")
QUIET_ENVIRONMENT = {
    k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")
}


def piped(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=QUIET_ENVIRONMENT, check=False)
    return time.perf_counter() - start, len(done.stdout)


def on_terminal(command: list[str], columns: int = 120, rows: int = 40) -> tuple[float, int]:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**QUIET_ENVIRONMENT, "TERM": "xterm-256color"},
    )
    os.close(follower)
    size = 0
    while True:
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        size += len(chunk)
    process.wait()
    elapsed = time.perf_counter() - start
    os.close(leader)
    return elapsed, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--command", default="diff", choices=["check", "diff"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        fleet = Path(scratch) / "fleet"
        fleet_generator.generate(fleet, args.repos)
        command = [TRUSTPUB, args.command, str(fleet), "--jobs", str(args.jobs)]
        piped_runs, terminal_runs = [], []
        for _ in range(args.repeat):  # interleaved: both see the same machine load
            piped_runs.append(piped(command))
            terminal_runs.append(on_terminal(command))
    (pipe_time, pipe_bytes), (tty_time, tty_bytes) = min(piped_runs), min(terminal_runs)
    print(
        f"`trustpub {args.command}` over {args.repos:,} checkouts, --jobs {args.jobs}, best of "
        f"{args.repeat}:"
    )
    print(f"  piped:            {pipe_time:6.2f} s  ({pipe_bytes / 1e6:.1f} MB of output)")
    print(f"  pseudo-terminal:  {tty_time:6.2f} s  ({tty_bytes / 1e6:.1f} MB of output)")
    print(f"  terminal / piped: {tty_time / pipe_time:6.2f}x  (aim: at most 1.3x)")


if __name__ == "__main__":
    main()
