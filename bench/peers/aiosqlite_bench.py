#!/usr/bin/python3
# Copyright (C) 2026 The QAsyncSqlite Authors
# SPDX-License-Identifier: MIT
"""The aiosqlite peer of bench/run (Debian python3-aiosqlite, /usr/bin/python3).

Runs the workloads that have an aiosqlite equivalent on the database that
`qasyncsqlite_bench prepare` made, and prints one JSON object per line in the
format of qasyncsqlite_bench ({"key", "peer", "unit", "values", "note"}).
"""
import argparse
import asyncio
import json
import sqlite3
import sys
import time

try:
    import aiosqlite
except ImportError as error:  # reported as n/a by bench/report.py
    print(json.dumps({"key": "*", "peer": "aiosqlite", "na": f"cannot import aiosqlite: {error}"}))
    sys.exit(0)

PEER = "aiosqlite"
POINT_SQL = "SELECT a, b, c FROM t WHERE id = ?"
SCAN_SQL = "SELECT id, a, b, c FROM t"
INSERT_SQL = "INSERT INTO {}(a, b, c) VALUES(?, ?, ?)"
PRAGMAS = ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"]
W3B_CAP = 100_000   # aiosqlite at ~30k rows/s: a rate, measured on fewer rows


def report(key, unit, values, note=None):
    record = {"key": key, "peer": PEER, "unit": unit, "values": values}
    if note:
        record["note"] = note
    print(json.dumps(record), flush=True)


def point_id(k, rows):
    return (k * 7919) % rows + 1


def text_for(i):
    return f"text-{i * 7919 % 100000}-{i % 97}"


def row_params(i):
    return ((i * 2654435761) % 1000000, i * 0.25, text_for(i))


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100.0 * len(ordered)))]


class Touch:
    def __init__(self):
        self.ints = 0
        self.reals = 0.0
        self.chars = 0
        self.rows = 0

    def row(self, row):
        self.rows += 1
        for v in row:
            if isinstance(v, int):
                self.ints += v
            elif isinstance(v, float):
                self.reals += v
            elif isinstance(v, str):
                self.chars += len(v)


async def connect(path, isolation_level=""):
    db = await aiosqlite.connect(path, isolation_level=isolation_level)
    for pragma in PRAGMAS:
        await db.execute(pragma)
    return db


async def recreate(db, table):
    await db.executescript(
        f"DROP TABLE IF EXISTS {table}; "
        f"CREATE TABLE {table}(id INTEGER PRIMARY KEY, a INTEGER, b REAL, c TEXT);")


async def w1(a):
    db = await connect(a.db)
    p50, p99 = [], []
    for _ in range(a.runs):
        touch = Touch()
        latencies = []
        warmup = min(a.w1 // 10, 1000)
        for k in range(a.w1 + warmup):
            t0 = time.perf_counter()
            rows = await db.execute_fetchall(POINT_SQL, (point_id(k, a.rows),))
            us = (time.perf_counter() - t0) * 1e6
            for r in rows:
                touch.row(r)
            if k >= warmup:
                latencies.append(us)
        p50.append(percentile(latencies, 50))
        p99.append(percentile(latencies, 99))
    await db.close()
    report("W1.p50", "µs", p50, "await execute_fetchall() one by one")
    report("W1.p99", "µs", p99)


async def w2(a):
    db = await connect(a.db)
    qps = []
    for _ in range(a.runs):
        touch = Touch()
        t0 = time.perf_counter()
        results = await asyncio.gather(
            *[db.execute_fetchall(POINT_SQL, (point_id(k, a.rows),)) for k in range(a.w2)])
        for rows in results:
            for r in rows:
                touch.row(r)
        qps.append(a.w2 / (time.perf_counter() - t0))
    await db.close()
    report("W2", "q/s", qps, "asyncio.gather() of all execute_fetchall()")


async def w3(a):
    db = await connect(a.db)
    insert = INSERT_SQL.format("w3")
    params = [row_params(i) for i in range(a.w3)]
    n_b = min(a.w3, W3B_CAP)
    many, single = [], []
    for _ in range(a.runs):
        await recreate(db, "w3")
        t0 = time.perf_counter()
        await db.executemany(insert, params)   # implicit BEGIN (isolation_level "")
        await db.commit()
        many.append(a.w3 / (time.perf_counter() - t0))

        await recreate(db, "w3")
        t0 = time.perf_counter()
        await db.execute("BEGIN")
        # Not awaited one by one: gathered in slices of 10k tasks (1M pending
        # tasks at once would measure asyncio's memory, not aiosqlite).
        for start in range(0, n_b, 10_000):
            await asyncio.gather(*[db.execute(insert, row_params(i))
                                   for i in range(start, min(n_b, start + 10_000))])
        await db.commit()
        single.append(n_b / (time.perf_counter() - t0))
    await recreate(db, "w3")
    await db.close()
    report("W3a", "rows/s", many, "executemany() + commit(); params prebuilt")
    report("W3b", "rows/s", single,
           f"execute() per row, gathered in 10k slices, {n_b} rows" if n_b != a.w3
           else "execute() per row, gathered in 10k slices")


async def w4(a):
    db = await connect(a.db)
    all_rows, streamed = [], []
    for _ in range(a.runs):
        touch = Touch()
        t0 = time.perf_counter()
        for r in await db.execute_fetchall(SCAN_SQL):
            touch.row(r)
        all_rows.append(touch.rows / (time.perf_counter() - t0))

        touch = Touch()
        t0 = time.perf_counter()
        async with db.execute(SCAN_SQL) as cursor:
            async for r in cursor:   # fetchmany(iter_chunk_size = 64) per hop
                touch.row(r)
        streamed.append(touch.rows / (time.perf_counter() - t0))
    await db.close()
    report("W4a", "rows/s", all_rows, "execute_fetchall()")
    report("W4b", "rows/s", streamed, "async for over a cursor (64-row chunks)")


async def w8(a):
    db = await connect(a.db, isolation_level=None)   # autocommit
    insert = INSERT_SQL.format("w8")
    seq, pipe = [], []
    for _ in range(a.runs):
        await recreate(db, "w8")
        t0 = time.perf_counter()
        for i in range(a.w8):
            await db.execute(insert, row_params(i))
        seq.append(a.w8 / (time.perf_counter() - t0))

        await recreate(db, "w8")
        t0 = time.perf_counter()
        await asyncio.gather(*[db.execute(insert, row_params(i)) for i in range(a.w8)])
        pipe.append(a.w8 / (time.perf_counter() - t0))
    await recreate(db, "w8")
    await db.close()
    report("W8.seq", "rows/s", seq, "await execute() one by one, isolation_level=None")
    report("W8.pipe", "rows/s", pipe, "asyncio.gather() of all execute()")


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W8": w8}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--workload", action="append", help="W1 W2 W3 W4 W8 (default: all)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--w1", type=int, default=50_000)
    p.add_argument("--w2", type=int, default=100_000)
    p.add_argument("--w3", type=int, default=1_000_000)
    p.add_argument("--w8", type=int, default=20_000)
    a = p.parse_args()
    print(json.dumps({"key": "*", "peer": PEER,
                      "version": f"aiosqlite {aiosqlite.__version__}, Python {sys.version.split()[0]}, "
                                 f"SQLite {sqlite3.sqlite_version}"}), flush=True)
    status = 0
    for name in a.workload or list(WORKLOADS):
        if name not in WORKLOADS:
            continue   # no aiosqlite equivalent (W5, W6, W7)
        try:
            asyncio.run(WORKLOADS[name](a))
        except Exception as error:  # one workload failing must not hide the others
            print(json.dumps({"key": name, "peer": PEER, "error": f"{type(error).__name__}: {error}"}), flush=True)
            status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
