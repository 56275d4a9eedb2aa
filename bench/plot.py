#!/usr/bin/python3
# Copyright (C) 2026 The QAsyncSqlite Authors
# SPDX-License-Identifier: MIT
"""Plots W1/W2/W4 of a bench/run results file against the peers.

    /usr/bin/python3 bench/plot.py bench/results/latest.json -o bench/results/latest.png

Needs matplotlib (Debian python3-matplotlib; bench/run installs it when it can).
Bars are medians, whiskers min–max.
"""
import argparse
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PEERS = [("qasyncsqlite", "QAsyncSqlite", "#2a7ab9"), ("raw", "raw sqlite3", "#777777"),
         ("qtsql", "QtSql (sync)", "#6aa84f"), ("aiosqlite", "aiosqlite", "#e69138"),
         ("node-sqlite3", "node-sqlite3", "#a64d79")]
PANELS = [
    ("W1 sequential round trip, p50 (µs, lower is better)", ["W1.p50", "W1.hop.p50"],
     {"W1.hop.p50": "Qt hop floor"}),
    ("W2 pipelined point SELECTs (q/s)", ["W2", "W2.then"],
     {"W2": "await the last", "W2.then": "then() on each"}),
    ("W4 full scan (rows/s)", ["W4a", "W4b"], {"W4a": "all at once", "W4b": "streamed"}),
]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("-o", "--output", default="bench.png")
    a = p.parse_args()
    with open(a.results, encoding="utf-8") as f:
        data = json.load(f)
    rows = {r["key"]: r for r in data["rows"]}

    fig, axes = plt.subplots(1, len(PANELS), figsize=(5.2 * len(PANELS), 4.2))
    for ax, (title, keys, names) in zip(axes, PANELS):
        labels, values, lows, highs, colors = [], [], [], [], []
        for key in keys:
            row = rows.get(key)
            if not row:
                continue
            for peer, label, color in PEERS:
                cell = row["peers"].get(peer)
                if not cell or "median" not in cell:
                    continue
                special = {("W1.hop.p50", "qasyncsqlite"): "Qt hop floor",
                           ("W4a", "raw"): "raw sqlite3\nnative values", ("W4b", "raw"): "raw sqlite3\n→ QVariant",
                           ("W2", "raw"): "raw sqlite3\nsync loop", ("W2", "qtsql"): "QtSql (sync)",
                           ("W2", "aiosqlite"): "aiosqlite\ngather", ("W2", "node-sqlite3"): "node-sqlite3\nall at once"}
                suffix = f"\n{names[key]}" if key in names else ""
                labels.append(special.get((key, peer), label + suffix))
                values.append(cell["median"])
                lows.append(cell["median"] - cell["min"])
                highs.append(cell["max"] - cell["median"])
                colors.append(color)
        x = range(len(values))
        ax.bar(x, values, color=colors, yerr=[lows, highs], capsize=3)
        ax.set_xticks(list(x))
        ax.set_xticklabels(labels, rotation=35, ha="right", fontsize=8)
        ax.set_title(title, fontsize=9)
        ax.grid(axis="y", alpha=0.3)
        if any(v > 0 for v in values) and max(values) / max(min(v for v in values if v > 0), 1e-9) > 30:
            ax.set_yscale("log")
    meta = data.get("meta", {})
    fig.suptitle(f"QAsyncSqlite vs peers — {meta.get('date', '')} ({meta.get('mode', '')})", fontsize=10)
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
