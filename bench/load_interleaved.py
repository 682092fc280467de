"""Alternate `oxigraph load` and our disk build (`store.build_store`) on one N-Quads file.

    .venv/bin/python bench/load_interleaved.py /tmp/kkg-scale2/x100/data/generated/kosovo-kg.nq \\
        /tmp/kkg-scale2/ab 2

Runs ROUNDS rounds of: `oxigraph load` into WORKDIR/ox, then `store.build_store` into
WORKDIR/var (each from scratch, each in its own process), and prints one JSON line per step
with its wall-clock seconds and the 1-minute load average. On a shared machine, alternating
the two is fairer than timing each once.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
BUILD = (
    "import sys; from pathlib import Path; from kosovo_kg import store; "
    "store.build_store(Path(sys.argv[1]), Path(sys.argv[2]))"
)


def main() -> None:
    dump, work, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    for i in range(rounds):
        steps = (
            ("oxigraph_load", [str(BIN / "oxigraph"), "load", "--location", str(work / "ox"),
                               "--file", str(dump)], work / "ox"),
            ("disk_build", [sys.executable, "-c", BUILD, str(dump), str(work / "var")],
             work / "var"),
        )  # fmt: skip
        for name, cmd, target in steps:
            shutil.rmtree(target, ignore_errors=True)
            started = time.monotonic()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            seconds = round(time.monotonic() - started, 1)
            load = Path("/proc/loadavg").read_text().split()[0]
            print(
                json.dumps({"round": i, "step": name, "s": seconds, "load_avg": load}), flush=True
            )


if __name__ == "__main__":
    main()
