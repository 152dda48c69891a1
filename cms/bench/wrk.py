"""Driving a scenario with wrk and reading what it measured.

wrk (the Debian package) sends the requests: it is written in C, so at the
rates these pages reach it takes little of the CPU the server needs. The Lua
script next to this module (`rotate.lua`) rotates through a scenario's
addresses and prints its results as one JSON line, read by `parse`.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import Refused

SCRIPT = Path(__file__).with_name("rotate.lua")
MARKER = "WRK_JSON "
# A request still unanswered after this long counts as a timeout error.
TIMEOUT_SECONDS = 10


@dataclass
class WrkResult:
    """What wrk measured for one scenario at one concurrency."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    # connect, read, write, timeout (socket errors) and status (4xx and 5xx).
    errors: dict[str, int]

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def parse(output: str) -> WrkResult:
    """The result in wrk's output (the line `rotate.lua` prints when done)."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            break
    else:
        raise ValueError(f"no {MARKER.strip()} line in wrk's output:\n{output}")
    latency = data["latency_us"]
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=latency["p50"] / 1000,
        p95_ms=latency["p95"] / 1000,
        p99_ms=latency["p99"] / 1000,
        mean_ms=latency["mean"] / 1000,
        max_ms=latency["max"] / 1000,
        errors=dict(data["errors"]),
    )


def executable() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise Refused(
            "wrk is not installed: apt-get install wrk (the benchmark drives "
            "the site with it)."
        )
    return path


def command(
    base_url: str,
    paths_file: Path,
    *,
    connections: int,
    seconds: float,
    program: str = "wrk",
) -> list[str]:
    """The wrk command line: one thread for a single connection, two otherwise."""
    threads = 1 if connections == 1 else 2
    return [
        program,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={TIMEOUT_SECONDS}s",
        f"--script={SCRIPT}",
        base_url,
        "--",
        str(paths_file),
    ]


def run(
    base_url: str, paths_file: Path, *, connections: int, seconds: float
) -> WrkResult:
    """Drive the addresses in `paths_file` at `connections` for `seconds`."""
    finished = subprocess.run(
        command(
            base_url,
            paths_file,
            connections=connections,
            seconds=seconds,
            program=executable(),
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed ({finished.returncode}): {finished.stderr}")
    return parse(finished.stdout)
