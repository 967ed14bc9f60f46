"""Timing helpers: medians of interleaved repeats, and whole processes with their peak RSS.

The machine is shared and noisy, so every figure is a median, the contenders are run
in turn inside each round (a busy spell slows all of them, not one), and the report
quotes ratios between contenders measured together rather than absolute times.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence


def interleaved_medians(work: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds of each callable over ``rounds`` rounds, each round running all in turn."""
    times: dict[str, list[float]] = {name: [] for name in work}
    for _ in range(rounds):
        for name, run in work.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


# Run by a fresh interpreter that starts the measured command: Linux carries the peak
# RSS of the process that forks across the child's exec, so a command started straight
# from this (large) process would report this process's memory as its own.
LAUNCHER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
errors = process.stderr.read().decode(errors="replace")
_, status, usage = os.wait4(process.pid, 0)
print(json.dumps({"seconds": time.perf_counter() - started, "rss_kb": usage.ru_maxrss,
                  "status": os.waitstatus_to_exitcode(status), "errors": errors[-500:]}))
"""


def run_process(argv: Sequence[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one process run to completion."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *argv], capture_output=True, text=True, env=env, check=True)
    run = json.loads(done.stdout)
    if run["status"] not in (0, 1):  # 1: some batch lines failed, which is not a crash
        raise RuntimeError(f"{' '.join(argv)} exited {run['status']}: {run['errors'].strip()}")
    return run["seconds"], run["rss_kb"] / 1024  # Linux reports kilobytes


def process_medians(commands: dict[str, Sequence[str]], rounds: int, env: dict | None = None) -> dict[str, tuple[float, float]]:
    """Per command, median wall seconds and largest peak RSS (MB) over interleaved rounds,
    after one untimed run of each (disk cache, .pyc files)."""
    for argv in commands.values():
        run_process(argv, env)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, argv in commands.items():
            runs[name].append(run_process(argv, env))
    return {name: (statistics.median(t for t, _ in r), max(m for _, m in r)) for name, r in runs.items()}
