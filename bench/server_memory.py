"""The whole server's memory (PSS summed over its processes) per store mode, at ready and after a
query mix, and how long it takes to be ready.

    python bench/server_memory.py [--dump data/generated/kosovo-kg.nq] [--workers 2]

PSS divides each shared page among the processes that map it, so the sum is what the server
really takes (gunicorn's master and worker, the query workers; in `disk` mode the page cache of
the store is not in it, the mapped pages are). Prints one Markdown row per store mode.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from endpoint_bench import QUERIES  # noqa: E402
from saved_queries_bench import free_port, started  # noqa: E402
from scale_bench import server_memory_mib  # noqa: E402

from kosovo_kg import store  # noqa: E402


def ask(port: int, query: str, client: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    body = urllib.parse.urlencode({"query": query})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": client}
    conn.request("POST", "/sparql", body, headers)
    status = conn.getresponse().status
    conn.close()
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dump", type=Path, default=ROOT / "data/generated/kosovo-kg.nq")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--ready-timeout",
        type=float,
        default=180,
        help="seconds to wait for the server to be ready (at 100x in memory mode: 900)",
    )
    parser.add_argument(
        "--src",
        type=Path,
        help="serve this checkout's `src` instead (e.g. the commit before a change)",
    )
    args = parser.parse_args()
    size = args.dump.stat().st_size / 2**20
    print(f"dump: {args.dump.name} ({size:.0f} MiB), {args.workers} query workers")
    print("| store_mode | ready in | PSS at ready | PSS after the query mix | RSS after |")
    print("|---|---|---|---|---|")
    tmp = Path(tempfile.mkdtemp(prefix="kkg-mem-"))
    try:
        data = tmp / "data" / "generated"
        data.mkdir(parents=True)
        shutil.copy(args.dump, data / store.DUMP_NAME)
        for mode in ("memory", "disk"):
            port = free_port()
            env = dict(
                os.environ,
                KOSOVO_KG_DATA_DIR=str(tmp / "data"),
                KOSOVO_KG_VAR_DIR=str(tmp / "var"),
                KOSOVO_KG_PORT=str(port),
                KOSOVO_KG_STORE_MODE=mode,
                KOSOVO_KG_WORKERS=str(args.workers),
                KOSOVO_KG_QUERY_TIMEOUT="600",
                KOSOVO_KG_TRUSTED_PROXIES="127.0.0.1",
            )
            if args.src:
                env["PYTHONPATH"] = str(args.src.resolve())
            if mode == "disk":  # the on-disk store is built once, as `kosovo-kg build` does
                store.build_store(data / store.DUMP_NAME, tmp / "var")
            began = time.monotonic()
            cmd = [str(Path(sys.executable).parent / "kosovo-kg"), "serve"]
            with started(
                cmd, env, port, "/healthz", tmp / f"{mode}.log", args.ready_timeout
            ) as server:
                ready = time.monotonic() - began
                at_ready = server_memory_mib(server.pid)
                for i in range(args.workers):  # every worker answers the mix
                    for query in QUERIES.values():
                        assert ask(port, query, f"10.0.0.{i}") == 200
                after = server_memory_mib(server.pid)
            print(
                f"| {mode} | {ready:.1f} s | {at_ready['pss_mib']} MiB | {after['pss_mib']} MiB"
                f" | {after['rss_mib']} MiB |",
                flush=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
