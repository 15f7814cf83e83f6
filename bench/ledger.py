"""Time verifying a hash-chained ledger of 1,000,000 entries.

Usage: .venv/bin/python bench/ledger.py [--entries N] [--url DATABASE_URL]

Builds the chain in a temporary SQLite file (or an empty database at --url,
whose ledger_entries table is emptied first), then prints the time of one
full ``verify_chain`` run and of a run that finds an altered entry.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, insert, update

from tools.db import LedgerEntry, make_engine, upgrade
from tools.ledger import BANK, EARN, EXCHANGE, GENESIS, entry_hash
from tools.ledger import project_account, volunteer_account
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
                conn.execute(insert(LedgerEntry), rows)
                rows = []
        if rows:
            conn.execute(insert(LedgerEntry), rows)
    return time.perf_counter() - began


def timed_verify(engine: Engine) -> tuple[float, str]:
    began = time.perf_counter()
    report = verify_chain(engine)
    return time.perf_counter() - began, report.describe()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        seconds = build(engine, args.entries)
        print(f"backend: {engine.dialect.name}; entries: {args.entries:,}")
        print(f"build (hash + insert): {seconds:.2f} s")

        for run in (1, 2, 3):
            seconds, outcome = timed_verify(engine)
            print(f"verify run {run}: {seconds:.2f} s  {outcome}")

        middle = args.entries // 2
        with engine.begin() as conn:
            conn.execute(
                update(LedgerEntry).where(LedgerEntry.seq == middle).values(minutes=999)
            )
        seconds, outcome = timed_verify(engine)
        print(f"verify with entry {middle} altered: {seconds:.2f} s  {outcome}")
        engine.dispose()


if __name__ == "__main__":
    main()
