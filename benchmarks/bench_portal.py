"""Benchmark: syncing dossiers to the fake portal over loopback.

Compares, against the same fake portal served by a separate process on 127.0.0.1:

* **anchor** - what deployed systems do: a sequential loop that builds a new HTTP client for
  every dossier and opens a new connection for every call (keep-alive off);
* **sequential keep-alive** - one :class:`PortalClient` reused (for reference);
* **async** - :class:`AsyncPortalClient` with bounded concurrency over a keep-alive pool.

Every sync is a full upsert (look-up then create: two service calls). Figures are medians of
repeats, in dossiers per second; the ratio is async / anchor measured in the same run.

Two scenarios by default: no added latency (pure client/server cost on loopback), and 20 ms
per answer injected by the fake (a stand-in for the national portal's network round trip).

Usage: ``python benchmarks/bench_portal.py [--dossiers 5000] [--anchor-dossiers 300]
[--repeats 3] [--scenarios 0:8,0.02:32]``
"""

from __future__ import annotations

import argparse
import json
import select
import statistics
import subprocess
import sys
import time

import anyio
import httpx

from onestop.connectors import (
    AdapterAuth,
    AsyncPortalClient,
    HoSoRecord,
    PortalClient,
    dossier_to_record,
)
from onestop.testing import make_dossier


def start_server(latency: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from onestop.cli import main; main()",
            "portal",
            "fake",
            "--port",
            "0",
            "--latency",
            str(latency),
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    assert ready, "fake portal did not start"
    lines: list[str] = []
    for _ in range(40):  # the JSON object is a dozen lines
        lines.append(proc.stdout.readline())
        if lines[-1].strip() in ("}", ""):
            break
    return proc, json.loads("".join(lines))["url"]


def records(n: int, tag: str, base: list[HoSoRecord]) -> list[HoSoRecord]:
    return [
        base[i % len(base)].model_copy(update={"code": f"BENCH-{tag}-{i:05d}"}) for i in range(n)
    ]


def run_anchor(url: str, batch: list[HoSoRecord], auth: AdapterAuth) -> float:
    start = time.perf_counter()
    for record in batch:
        http = httpx.Client(
            base_url=url, limits=httpx.Limits(max_keepalive_connections=0), timeout=30
        )
        with PortalClient(url, auth=auth, unit_code="H56", http_client=http) as client:
            client.upsert_dossier(record)
        http.close()
    return len(batch) / (time.perf_counter() - start)


def run_keepalive(url: str, batch: list[HoSoRecord], auth: AdapterAuth) -> float:
    start = time.perf_counter()
    with PortalClient(url, auth=auth, unit_code="H56", timeout=30) as client:
        for record in batch:
            client.upsert_dossier(record)
    return len(batch) / (time.perf_counter() - start)


def run_async(url: str, batch: list[HoSoRecord], concurrency: int) -> float:
    """``concurrency`` tasks take the next dossier as soon as they are free.

    The way :class:`~onestop.connectors.AsyncOutboxWorker` runs its deliveries (no more tasks
    than deliveries in flight). Starting one task per dossier behind a limiter instead (the
    first version of this benchmark) measures anyio parking and waking thousands of tasks as
    much as the client.
    """

    async def main() -> float:
        async with AsyncPortalClient(
            url,
            auth=AdapterAuth("onestop", "onestop"),
            unit_code="H56",
            timeout=30,
            max_connections=concurrency,
        ) as client:
            await client.lookup_dossier("warm-up")  # login once
            todo = iter(batch)

            async def worker() -> None:
                for record in todo:
                    await client.upsert_dossier(record)

            start = time.perf_counter()
            async with anyio.create_task_group() as tg:
                for _ in range(concurrency):
                    tg.start_soon(worker)
            return len(batch) / (time.perf_counter() - start)

    return anyio.run(main)


def scenario(args: argparse.Namespace, latency: float, concurrency: int) -> dict[str, float]:
    base = [dossier_to_record(make_dossier(seed=i)) for i in range(50)]
    proc, url = start_server(latency)
    tag = f"{int(latency * 1000)}"
    try:
        auth = AdapterAuth("onestop", "onestop")
        rows: dict[str, list[float]] = {"anchor": [], "keepalive": [], "async": []}
        anchor_n = args.anchor_dossiers if latency == 0 else max(50, args.anchor_dossiers // 2)
        # The keep-alive client syncs as many dossiers as the async one when the portal answers
        # at once (same length of run, so the same share of a shared machine's noise); with
        # latency it is as slow as the anchor and gets the anchor's count.
        keep_n = args.dossiers if latency == 0 else anchor_n
        for r in range(args.repeats):
            rows["anchor"].append(run_anchor(url, records(anchor_n, f"a{tag}-{r}", base), auth))
            rows["keepalive"].append(run_keepalive(url, records(keep_n, f"k{tag}-{r}", base), auth))
            rows["async"].append(
                run_async(url, records(args.dossiers, f"s{tag}-{r}", base), concurrency)
            )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    med = {k: statistics.median(v) for k, v in rows.items()}
    print(f"\nfake portal latency {latency * 1000:.0f} ms per answer, {args.repeats} repeats")
    print(f"{'client':<46} {'dossiers':>8} {'median/s':>10} {'vs anchor':>10}")
    labels = {
        "anchor": "sequential, new client+connection per call",
        "keepalive": "sequential PortalClient, keep-alive",
        "async": f"AsyncPortalClient, concurrency {concurrency}",
    }
    sizes = {"anchor": anchor_n, "keepalive": keep_n, "async": args.dossiers}
    for key in ("anchor", "keepalive", "async"):
        ratio = med[key] / med["anchor"]
        print(f"{labels[key]:<46} {sizes[key]:>8} {med[key]:>10.1f} {ratio:>9.1f}x")
    return med


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--anchor-dossiers", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--scenarios",
        default="0:8,0.02:32",
        help="latency_seconds:concurrency pairs, comma-separated",
    )
    args = parser.parse_args()
    print("bench_portal: upsert (look-up + create) of each dossier, fake portal in a separate")
    print("process on 127.0.0.1; medians of repeats; ratio = throughput / anchor's")
    for item in args.scenarios.split(","):
        latency, concurrency = item.split(":")
        scenario(args, float(latency), int(concurrency))


if __name__ == "__main__":
    main()
