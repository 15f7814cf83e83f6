"""Time ranking volunteers for a need over 5,327 and 1,000,000 volunteers.

Usage: .venv/bin/python bench/matching.py [--sizes 5327,1000000] [--url URL]

Each size is a synthetic pool; with --url, the pool is also loaded from that
database (for instance one filled by ``weiai demo seed``). Prints the median
and 95th-percentile wall-clock latency of ``rank`` (scoring, top-k and team)
over a mix of categories, its mean CPU time (steadier on a shared machine),
and the median per category: "其他" requires no skill, so every volunteer is
scored and it is the slowest case.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from tools.db import make_engine, make_session_factory
from tools.matching import MatchQuery, Pool, load_pool, rank
from tools.matching.synthetic import grid_centres, synthetic_pool

CATEGORIES = ("助浴", "助餐", "陪诊", "课业辅导", "维修", "其他")


def queries(pool: Pool, count: int, seed: int = 3) -> list[MatchQuery]:
    rng = np.random.default_rng(seed)
    grids = int(pool.grid.max())
    centres = grid_centres(grids)
    result = []
    for i in range(count):
        row = int(rng.integers(0, len(pool)))
        grid = int(pool.grid[row])
        lat, lng = centres[(grid - 1) % len(centres)]
        result.append(
            MatchQuery.for_category(
                CATEGORIES[i % len(CATEGORIES)],
                grid_id=grid,
                community_id=int(pool.community[row]),
                street_id=int(pool.street[row]),
                lat=float(lat),
                lng=float(lng),
                slot=("wed", "am"),
                beneficiary_gender="F",
                contact_volunteer_id=int(pool.ids[row]),
                year=2025,
            )
        )
    return result


def measure(label: str, pool: Pool, runs: int) -> None:
    batch = queries(pool, runs)
    rank(pool, batch[0])  # warm up: the static part is computed once per pool
    wall: dict[str, list[float]] = {}
    cpu: list[float] = []
    for q in batch:
        began, began_cpu = time.perf_counter(), time.process_time()
        rank(pool, q, 5)
        cpu.append((time.process_time() - began_cpu) * 1000)
        wall.setdefault(q.category, []).append((time.perf_counter() - began) * 1000)
    times = sorted(t for ts in wall.values() for t in ts)
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{label}: {len(pool):>9,} volunteers  median {statistics.median(times):7.2f}"
        f" ms  p95 {p95:7.2f} ms  mean CPU {statistics.mean(cpu):7.2f} ms"
        f"  ({runs} needs)"
    )
    per = "  ".join(f"{c} {statistics.median(ts):.1f}" for c, ts in wall.items())
    print(f"  median ms by category: {per}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5327,1000000")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()

    for size in (int(s) for s in args.sizes.split(",")):
        began = time.perf_counter()
        pool = synthetic_pool(size)
        print(
            f"built synthetic pool of {size:,} in {time.perf_counter() - began:.1f} s"
        )
        measure("synthetic", pool, args.runs)

    if args.url:
        engine = make_engine(args.url)
        with make_session_factory(engine)() as session:
            began = time.perf_counter()
            pool = load_pool(session)
            print(f"loaded database pool in {time.perf_counter() - began:.2f} s")
        measure("database ", pool, args.runs)
        engine.dispose()


if __name__ == "__main__":
    main()
