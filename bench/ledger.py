"""Time verifying a hash-chained ledger of 1,000,000 entries.

Usage: .venv/bin/python bench/ledger.py [--entries N] [--url URL [--reuse]]

Builds the chain in a temporary SQLite file (or a database at --url, whose
ledger_entries table is emptied first), then prints the wall-clock and CPU
time of full ``verify_chain`` runs and of a run that finds an altered entry.
CPU time is the steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, insert, select, update

from tools.db import LedgerEntry, make_engine, upgrade
from tools.ledger import (
    BANK,
    EARN,
    EXCHANGE,
    GENESIS,
    entry_hash,
    project_account,
    volunteer_account,
)
from tools.ledger.verify import verify_chain

START = datetime(2024, 1, 1, tzinfo=UTC)


def build(engine: Engine, entries: int, batch: int = 50_000) -> float:
    """Insert ``entries`` chained rows; returns seconds taken."""
    began = time.perf_counter()
    prev = GENESIS
    with engine.begin() as conn:
        conn.execute(delete(LedgerEntry))
        rows = []
        for seq in range(1, entries + 1):
            volunteer = volunteer_account(seq % 5327 + 1, "bath")
            earn = seq % 10 != 0
            row = {
                "seq": seq,
                "at": START + timedelta(seconds=seq * 30),
                "kind": EARN if earn else EXCHANGE,
                "from_account": project_account("bath") if earn else volunteer,
                "to_account": volunteer if earn else BANK,
                "minutes": 90 if earn else 30,
                "project_id": None,
                "service_record_id": None,
                "memo": "助浴服务" if earn else "兑换助餐",
            }
            row["prev_hash"] = prev
            row["hash"] = prev = entry_hash(
                prev,
                row["at"],
                row["kind"],
                row["from_account"],
                row["to_account"],
                row["minutes"],
                None,
                None,
                row["memo"],
            )
            rows.append(row)
            if len(rows) == batch:
                conn.execute(insert(LedgerEntry.__table__), rows)
                rows = []
        if rows:
            conn.execute(insert(LedgerEntry.__table__), rows)
    return time.perf_counter() - began


def timed_verify(engine: Engine) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds of one verification, and its outcome."""
    wall, cpu = time.perf_counter(), time.process_time()
    report = verify_chain(engine)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, report.describe()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--url", default=None)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the chain already at --url"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        print(f"backend: {engine.dialect.name}; entries: {args.entries:,}")
        if not args.reuse:
            seconds = build(engine, args.entries)
            print(f"build (hash + insert): {seconds:.2f} s")
        if engine.dialect.name == "sqlite":
            # A live database is checkpointed; read the main file, not the WAL.
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} CPUs, load average {load}")
        for run in (1, 2, 3):
            wall, cpu, outcome = timed_verify(engine)
            print(f"verify run {run}: {wall:.2f} s wall, {cpu:.2f} s CPU  {outcome}")

        middle = args.entries // 2
        with engine.connect() as conn:
            original = conn.execute(
                select(LedgerEntry.minutes).where(LedgerEntry.seq == middle)
            ).scalar_one()
        with engine.begin() as conn:
            conn.execute(
                update(LedgerEntry).where(LedgerEntry.seq == middle).values(minutes=999)
            )
        wall, cpu, outcome = timed_verify(engine)
        print(f"verify, entry {middle} altered: {wall:.2f} s wall, {cpu:.2f} s CPU")
        print(f"  {outcome}")
        with engine.begin() as conn:
            conn.execute(
                update(LedgerEntry)
                .where(LedgerEntry.seq == middle)
                .values(minutes=original)
            )
        engine.dispose()


if __name__ == "__main__":
    main()
