#!/usr/bin/python3
# Copyright (C) 2026 The QAsyncSqlite Authors
# SPDX-License-Identifier: MIT
"""Turns the JSON lines of one bench/run into ONE Markdown table (stdout and
--md) and a machine-readable --json file. Every ratio and target is computed
from medians measured in that same run."""
import argparse
import datetime
import json
import statistics
import sys

PEERS = [
    ("qasyncsqlite", "QAsyncSqlite"),
    ("raw", "raw sqlite3 (1 thread)"),
    ("qtsql", "QtSql QSQLITE (sync)"),
    ("aiosqlite", "aiosqlite"),
    ("node-sqlite3", "node-sqlite3"),
]

# key, label, unit, better ("lower"/"higher"/None = informational)
ROWS = [
    ("W1.p50", "W1 sequential awaited point SELECT, p50", "µs", "lower"),
    ("W1.p99", "W1 sequential awaited point SELECT, p99", "µs", "lower"),
    ("W1.hop.p50", "W1 Qt cross-thread hop floor, p50", "µs", None),
    ("W1.hop.p99", "W1 Qt cross-thread hop floor, p99", "µs", None),
    ("W1.over", "W1 p50 minus hop floor (paired per run)", "µs", "lower"),
    ("W2", "W2 pipelined point SELECTs, await the last (raw: sync autocommit)", "q/s", "higher"),
    ("W2.then", "W2 pipelined, then(&context, …) on every future", "q/s", "higher"),
    ("W2.watcher", "W2 pipelined, a QFutureWatcher per future", "q/s", None),
    ("W3a", "W3a bulk insert, executeMany in 1 tx", "rows/s", "higher"),
    ("W3b", "W3b bulk insert, 1 un-awaited execute/row in 1 tx", "rows/s", "higher"),
    ("W4a", "W4a full scan, all rows at once (raw: native step loop)", "rows/s", "higher"),
    ("W4b", "W4b full scan, streamed (raw: step→QVariant)", "rows/s", "higher"),
    ("W4a.best", "W4a best run (single runs swing 2–4×)", "rows/s", None),
    ("W4b.best", "W4b best run", "rows/s", None),
    ("W4b.1k", "W4b full scan, stream() with iterChunkSize 1024", "rows/s", None),
    ("W4c", "W4c full scan into typed rows (raw: step loop filling the same structs)", "rows/s", "higher"),
    ("W5.one", "W5 reads/s, 1 reader alone", "reads/s", None),
    ("W5.two", "W5 reads/s, 2 readers, no writer", "reads/s", None),
    ("W5.mixed", "W5 aggregate reads/s, 2 readers + 1 writer", "reads/s", "higher"),
    ("W5.writer", "W5 writer rows/s (with 2 readers)", "rows/s", "higher"),
    ("W5.busy", "W5 SQLITE_BUSY surfaced", "errors", "lower"),
    ("W5.pool.single", "W5 readers=0: reads/s, one connection reading and writing", "reads/s", None),
    ("W5.pool.singleWriter", "W5 readers=0: writer rows/s meanwhile", "rows/s", None),
    ("W5.pool.mixed", "W5 readers=2: reads/s with the writer committing", "reads/s", "higher"),
    ("W5.pool.writer", "W5 readers=2: writer rows/s with reads", "rows/s", "higher"),
    ("W5.pool.solo", "W5 readers=2: writer rows/s alone", "rows/s", None),
    ("W5.pool.busy", "W5 readers=2: SQLITE_BUSY surfaced", "errors", "lower"),
    ("W5.pool.wal", "W5 readers=2: largest WAL", "MB", "lower"),
    ("W6.idle", "W6 baseline: longest gap of the idle 1 ms timer (machine noise)", "ms", None),
    ("W6.idle.p99", "W6 baseline: p99 gap of the idle 1 ms timer", "ms", None),
    ("W6a.longest", "W6a GUI 1 ms timer, longest gap, aggregate query", "ms", "lower"),
    ("W6a.p99", "W6a GUI 1 ms timer, p99 gap, aggregate query", "ms", "lower"),
    ("W6a.duration", "W6a aggregate query duration", "s", None),
    ("W6b.longest", "W6b GUI 1 ms timer, longest gap, scan streamed", "ms", "lower"),
    ("W6b.p99", "W6b GUI 1 ms timer, p99 gap, scan streamed", "ms", "lower"),
    ("W7.rss", "W7 peak RSS growth streaming to a slow consumer", "MB", "lower"),
    ("W7.cancel", "W7 cancel() → stepping stops", "ms", "lower"),
    ("W7.cancelRows", "W7 rows stepped after cancel()", "rows", "lower"),
    ("W8.seq", "W8 autocommit INSERTs, sequential (awaited)", "rows/s", "higher"),
    ("W8.pipe", "W8 autocommit INSERTs, pipelined (raw: sync loop)", "rows/s", "higher"),
]

# Rows whose best run gets a row of its own (higher is better for all).
BEST_OF = ("W4a", "W4b")


def fmt(value, unit):
    if value is None:
        return "—"
    if unit in ("q/s", "rows/s", "reads/s"):
        if value >= 1e6:
            return f"{value / 1e6:.2f}M"
        if value >= 1e3:
            return f"{value / 1e3:.0f}k" if value >= 1e5 else f"{value / 1e3:.1f}k"
        return f"{value:.0f}"
    if unit in ("errors", "rows"):
        return f"{value:.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def load(paths):
    results, errors, na, versions, crashes = {}, {}, {}, {}, []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line.startswith("{"):
                    continue
                try:
                    r = json.loads(line)
                except json.JSONDecodeError:
                    continue
                peer = r.get("peer")
                if "crash" in r:
                    crashes.append(f"{r['key']} ({peer}): {r['crash']}")
                elif "na" in r:
                    na[peer] = r["na"]
                elif "version" in r:
                    versions[peer] = r["version"]
                elif "error" in r:
                    errors[(r["key"], peer)] = r["error"]
                elif r.get("values"):
                    v = r["values"]
                    results[(r["key"], peer)] = {
                        "median": statistics.median(v), "min": min(v), "max": max(v),
                        "values": v, "unit": r.get("unit"), "note": r.get("note")}
    # The best run next to the median where single runs swing widely.
    for (key, peer), r in list(results.items()):
        if key in BEST_OF:
            best = max(r["values"])
            results[(key + ".best", peer)] = {"median": best, "min": best, "max": best, "values": [best],
                                              "unit": r["unit"], "note": None}
    return results, errors, na, versions, crashes


def targets(res):
    """[(row key, target text, verdict text, passed or None)]"""
    med = lambda key, peer: res[(key, peer)]["median"] if (key, peer) in res else None
    q = lambda key: med(key, "qasyncsqlite")
    out = []

    def check(row, text, conditions):
        # conditions: [(label, value, limit, op)]; op "<=" or ">="
        parts, verdicts = [], []
        for label, value, limit, op in conditions:
            if value is None or limit is None:
                parts.append(f"{label}: n/a")
                continue
            ok = value <= limit if op == "<=" else value >= limit
            verdicts.append(ok)
            parts.append(f"{label}: {'pass' if ok else 'MISS'}")
        if not verdicts:
            passed, word = None, "n/a"
        else:
            passed = all(verdicts)
            word = "**pass**" if passed else "**MISS**"
            if len(verdicts) < len(conditions):
                word += " (partial)"
        detail = "; ".join(parts) if len(conditions) > 1 or not verdicts else ""
        out.append((row, text, word + (f" — {detail}" if detail else ""), passed))

    def ratio(a, b):
        return None if a is None or b in (None, 0) else a / b

    hop, aio = q("W1.hop.p50"), med("W1.p50", "aiosqlite")
    w1 = q("W1.p50")
    check("W1.p50", f"≤ hop floor + 5 µs (= {fmt(hop + 5 if hop is not None else None, 'µs')}) "
                    f"and ≤ 0.4× aiosqlite (= {fmt(0.4 * aio if aio else None, 'µs')})",
          [("floor+5", w1, hop + 5 if hop is not None else None, "<="),
           ("0.4×aiosqlite", w1, 0.4 * aio if aio else None, "<=")])
    w2, raw2 = q("W2"), med("W2", "raw")
    check("W2", f"≥ 1.5× raw (now {fmt(ratio(w2, raw2), '')}×) "
                f"and ≥ 10× aiosqlite (now {fmt(ratio(w2, med('W2', 'aiosqlite')), '')}×)",
          [("1.5×raw", ratio(w2, raw2), 1.5, ">="),
           ("10×aiosqlite", ratio(w2, med("W2", "aiosqlite")), 10, ">=")])
    check("W2.then", f"≥ 1.0× raw, stretch 1.5× (now {fmt(ratio(q('W2.then'), raw2), '')}×)",
          [("1.0×raw", ratio(q("W2.then"), raw2), 1.0, ">="),
           ("stretch 1.5×raw", ratio(q("W2.then"), raw2), 1.5, ">=")])
    check("W3a", f"≥ 0.85× raw (now {fmt(ratio(q('W3a'), med('W3a', 'raw')), '')}×)",
          [("0.85×raw", ratio(q("W3a"), med("W3a", "raw")), 0.85, ">=")])
    check("W3b", "≥ 300k rows/s", [("300k", q("W3b"), 300e3, ">=")])
    qv = med("W4b", "raw")
    for key in ("W4a", "W4b"):
        check(key, f"≥ 2.5M rows/s and ≥ 0.8× raw-with-QVariant (now {fmt(ratio(q(key), qv), '')}×)",
              [("2.5M", q(key), 2.5e6, ">="), ("0.8×raw-QVariant", ratio(q(key), qv), 0.8, ">=")])
    check("W4c", f"≥ 5M rows/s and ≥ 0.8× raw (now {fmt(ratio(q('W4c'), med('W4c', 'raw')), '')}×)",
          [("5M", q("W4c"), 5e6, ">="), ("0.8×raw", ratio(q("W4c"), med("W4c", "raw")), 0.8, ">=")])
    check("W5.mixed", f"≥ 1.6× one reader (now {fmt(ratio(q('W5.mixed'), q('W5.one')), '')}×)",
          [("1.6×one", ratio(q("W5.mixed"), q("W5.one")), 1.6, ">=")])
    check("W5.busy", "0 SQLITE_BUSY surfaced", [("0", q("W5.busy"), 0, "<=")])
    check("W5.pool.mixed", f"≥ 1.6× readers=0 (now {fmt(ratio(q('W5.pool.mixed'), q('W5.pool.single')), '')}×)",
          [("1.6×single", ratio(q("W5.pool.mixed"), q("W5.pool.single")), 1.6, ">=")])
    check("W5.pool.writer", f"≥ 0.5× its solo rate (now {fmt(ratio(q('W5.pool.writer'), q('W5.pool.solo')), '')}×)",
          [("0.5×solo", ratio(q("W5.pool.writer"), q("W5.pool.solo")), 0.5, ">=")])
    check("W5.pool.busy", "0 SQLITE_BUSY surfaced", [("0", q("W5.pool.busy"), 0, "<=")])
    check("W5.pool.wal", "bounded: ≤ 64 MB", [("64 MB", q("W5.pool.wal"), 64, "<=")])
    # A gap the idle timer also shows in this run is the machine's, not ours:
    # the limit is 4 ms or the idle timer's longest gap, whichever is larger.
    idle = q("W6.idle")
    limit = None if idle is None else max(4.0, idle)
    for key in ("W6a.longest", "W6b.longest"):
        check(key, f"≤ max(4 ms, idle timer's longest gap {fmt(idle, 'ms')} ms) "
                   f"(now {fmt(q(key), 'ms')} ms, {fmt(ratio(q(key), idle), '')}× idle)",
              [("4 ms or idle", q(key), limit, "<=")])
    check("W7.rss", "≤ 32 MB", [("32 MB", q("W7.rss"), 32, "<=")])
    worst = res.get(("W7.cancelRows", "qasyncsqlite"), {}).get("max")
    check("W7.cancelRows", f"≤ one chunk (64 rows) in every run (worst {fmt(worst, 'rows')})",
          [("1 chunk", worst, 64, "<=")])
    check("W8.pipe", f"≥ 0.8× raw (now {fmt(ratio(q('W8.pipe'), med('W8.pipe', 'raw')), '')}×)",
          [("0.8×raw", ratio(q("W8.pipe"), med("W8.pipe", "raw")), 0.8, ">=")])
    return out


# The rows users compare (doc/performance.md); no targets there.
DOC_ROWS = ("W1.p50", "W1.p99", "W2", "W2.then", "W2.watcher", "W3a", "W3b", "W4a", "W4a.best", "W4b",
            "W4b.best", "W5.one", "W5.mixed", "W5.pool.single", "W5.pool.mixed", "W6.idle", "W6a.longest", "W6b.longest", "W7.rss",
            "W8.seq", "W8.pipe")


def doc_table(res, na):
    labels = {key: (label, unit) for key, label, unit, _ in ROWS}
    out = ["| Workload | unit | " + " | ".join(label for _, label in PEERS) + " |",
           "|---|---|" + "---:|" * len(PEERS)]
    for key in DOC_ROWS:
        label, unit = labels[key]
        cells = []
        for peer, _ in PEERS:
            r = res.get((key, peer))
            cells.append(fmt(r["median"], unit) if r else ("n/a" if peer in na else "—"))
        out.append(f"| {label} | {unit} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("inputs", nargs="+")
    p.add_argument("--md")
    p.add_argument("--json")
    p.add_argument("--doc-md", help="the users' table of doc/performance.md: medians, no targets")
    p.add_argument("--meta", action="append", default=[], help="key=value lines for the header")
    a = p.parse_args()

    res, errors, na, versions, crashes = load(a.inputs)
    tgt = {row: (text, verdict, passed) for row, text, verdict, passed in targets(res)}
    meta = dict(m.split("=", 1) for m in a.meta if "=" in m)

    lines = []
    lines.append(f"Benchmark run {meta.get('date', datetime.datetime.now().isoformat(timespec='seconds'))}"
                 f" — {meta.get('machine', '')}")
    lines.append("")
    for k in ("mode", "sizes", "load"):
        if k in meta:
            lines.append(f"- {k}: {meta[k]}")
    for peer, _ in PEERS:
        if peer in versions:
            lines.append(f"- {peer}: {versions[peer]}")
        if peer in na:
            lines.append(f"- {peer}: **n/a** — {na[peer]}")
    lines.append("- cells: median (min–max) over the runs; every ratio and target uses medians of this run")
    lines.append("")
    header = ["Workload", "unit"] + [label for _, label in PEERS] + ["Target", "Result"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join(["---"] * 2 + ["---:"] * len(PEERS) + ["---"] * 2) + "|")
    rows_json = []
    for key, label, unit, better in ROWS:
        cells, peers_json = [], {}
        for peer, _ in PEERS:
            r = res.get((key, peer))
            err = errors.get((key, peer)) or errors.get((key.split(".")[0].rstrip("ab"), peer))
            if r:
                cell = fmt(r["median"], unit)
                if len(r["values"]) > 1:
                    cell += f" ({fmt(r['min'], unit)}–{fmt(r['max'], unit)})"
                peers_json[peer] = {k: r[k] for k in ("median", "min", "max", "values", "note")}
            elif err:
                cell = "error"
                peers_json[peer] = {"error": err}
            elif peer in na:
                cell = "n/a"
            else:
                cell = "—"
            cells.append(cell)
        text, verdict, passed = tgt.get(key, ("", "", None))
        if better and not text:
            text = f"({better} is better)"
        lines.append("| " + " | ".join([label, unit] + cells + [text, verdict]) + " |")
        rows_json.append({"key": key, "label": label, "unit": unit, "better": better, "peers": peers_json,
                          "target": text or None, "result": verdict or None, "passed": passed})

    notes = []
    for key, label, unit, _ in ROWS:
        for peer, plabel in PEERS:
            r = res.get((key, peer))
            if r and r.get("note"):
                notes.append(f"- {key} / {plabel}: {r['note']}")
            elif (key, peer) in errors:
                notes.append(f"- {key} / {plabel}: error: {errors[(key, peer)]}")
    for (key, peer), err in errors.items():
        if not any(key == k for k, *_ in ROWS):
            notes.append(f"- {key} / {peer}: error: {err}")
    passed = [v[2] for v in tgt.values() if v[2] is not None]
    lines.append("")
    lines.append(f"Targets: {sum(passed)} of {len(tgt)} pass ({len(tgt) - len(passed)} not measurable).")
    lines.append("")
    lines.append("Notes:")
    for crash in crashes:
        lines.append(f"- CRASH: {crash} (retried; see bench/README.md on the Qt 6.4.2 then() race)")
    lines.extend(notes)
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if a.doc_md:
        with open(a.doc_md, "w", encoding="utf-8") as f:
            f.write(doc_table(res, na))
    if a.md:
        with open(a.md, "w", encoding="utf-8") as f:
            f.write(text)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"meta": meta, "versions": versions, "na": na, "crashes": crashes, "rows": rows_json,
                       "errors": {f"{k}/{p}": e for (k, p), e in errors.items()}}, f, indent=1,
                      ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
