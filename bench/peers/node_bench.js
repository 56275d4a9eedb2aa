#!/usr/bin/node
// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT
//
// The node-sqlite3 peer of bench/run (Debian node-sqlite3, or npm's sqlite3
// that bench/run builds against the system libsqlite3; run with /usr/bin/node). Prints one JSON object per line
// in the format of qasyncsqlite_bench; if the module cannot load, one "n/a"
// record with the reason.
'use strict';

const PEER = 'node-sqlite3';
const POINT_SQL = 'SELECT a, b, c FROM t WHERE id = ?';
const SCAN_SQL = 'SELECT id, a, b, c FROM t';
const W3_CAP = 100000;   // one libuv work item per row: a rate, measured on fewer rows

function out(record) {
  process.stdout.write(JSON.stringify(record) + '\n');
}

function report(key, unit, values, note) {
  const record = {key, peer: PEER, unit, values};
  if (note) record.note = note;
  out(record);
}

function parseArgs(argv) {
  const a = {runs: 5, rows: 1000000, w1: 50000, w2: 100000, w3: 1000000, w8: 20000, workload: []};
  for (let i = 2; i + 1 < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, ''), value = argv[i + 1];
    if (key === 'workload') a.workload.push(value);
    else if (key === 'db') a.db = value;
    else a[key] = Number(value);
  }
  return a;
}

function loadSqlite3() {
  // Debian installs node modules outside node's default search path when
  // node itself does not come from Debian.
  // bench/run's own npm build comes first (BENCH_NODE_MODULES).
  const paths = [process.env.BENCH_NODE_MODULES, '/usr/lib/nodejs', '/usr/share/nodejs',
                 '/usr/lib/x86_64-linux-gnu/nodejs'].filter(Boolean);
  try {
    return require(require.resolve('sqlite3', {paths: [...module.paths, ...paths]}));
  } catch (error) {
    return String(error && error.message ? error.message : error).split('\n')[0];
  }
}

const pointId = (k, rows) => (k * 7919) % rows + 1;
const textFor = (i) => `text-${(i * 7919) % 100000}-${i % 97}`;
const rowParams = (i) => [Number((BigInt(i) * 2654435761n) % 1000000n), i * 0.25, textFor(i)];
const now = () => Number(process.hrtime.bigint()) / 1e3;   // µs

function percentile(values, p) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

class Touch {
  constructor() { this.ints = 0; this.reals = 0; this.chars = 0; this.rows = 0; }
  row(r) {
    this.rows++;
    for (const k in r) {
      const v = r[k];
      if (typeof v === 'number') {
        if (Number.isInteger(v)) this.ints += v; else this.reals += v;
      } else if (typeof v === 'string') {
        this.chars += v.length;
      }
    }
  }
}

function promisify(sqlite3) {
  const p = (obj, method, ...args) => new Promise((resolve, reject) =>
    obj[method](...args, function (err, result) { if (err) reject(err); else resolve(result === undefined ? this : result); }));
  return {
    open: (path) => new Promise((resolve, reject) => {
      const db = new sqlite3.Database(path, (err) => (err ? reject(err) : resolve(db)));
    }),
    run: (obj, ...args) => p(obj, 'run', ...args),
    get: (obj, ...args) => p(obj, 'get', ...args),
    all: (obj, ...args) => p(obj, 'all', ...args),
    exec: (obj, sql) => p(obj, 'exec', sql),
    close: (obj) => p(obj, 'close'),
    each: (obj, sql, onRow) => new Promise((resolve, reject) =>
      obj.each(sql, (err, row) => { if (err) reject(err); else onRow(row); },
               (err, n) => (err ? reject(err) : resolve(n)))),
  };
}

async function main() {
  const a = parseArgs(process.argv);
  const sqlite3 = loadSqlite3();
  if (typeof sqlite3 === 'string') {
    out({key: '*', peer: PEER, na: `cannot load node-sqlite3 in node ${process.version}: ${sqlite3}`});
    return 0;
  }
  const q = promisify(sqlite3);
  const connect = async () => {
    const db = await q.open(a.db);
    await q.exec(db, 'PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;');
    return db;
  };
  const recreate = (db, table) => q.exec(db, `DROP TABLE IF EXISTS ${table}; ` +
      `CREATE TABLE ${table}(id INTEGER PRIMARY KEY, a INTEGER, b REAL, c TEXT);`);
  // Resolves when the callbacks of n calls of fn(i, cb) have all arrived.
  const pipelined = (n, fn) => new Promise((resolve, reject) => {
    let left = n;
    if (n === 0) resolve();
    for (let i = 0; i < n; i++) {
      fn(i, (err) => { if (err) reject(err); else if (--left === 0) resolve(); });
    }
  });

  out({key: '*', peer: PEER, version: `node-sqlite3 (SQLite ${sqlite3.VERSION}), node ${process.version}`});
  const workloads = {
    async W1() {
      const db = await connect();
      const stmt = db.prepare(POINT_SQL);
      const p50 = [], p99 = [];
      for (let run = 0; run < a.runs; run++) {
        const touch = new Touch(), latencies = [];
        const warmup = Math.min(Math.floor(a.w1 / 10), 1000);
        for (let k = 0; k < a.w1 + warmup; k++) {
          const t0 = now();
          const row = await q.get(stmt, [pointId(k, a.rows)]);
          const us = now() - t0;
          touch.row(row);
          if (k >= warmup) latencies.push(us);
        }
        p50.push(percentile(latencies, 50));
        p99.push(percentile(latencies, 99));
      }
      stmt.finalize();
      await q.close(db);
      report('W1.p50', 'µs', p50, 'await Statement.get() one by one');
      report('W1.p99', 'µs', p99);
    },
    async W2() {
      const db = await connect();
      const stmt = db.prepare(POINT_SQL);
      const qps = [];
      for (let run = 0; run < a.runs; run++) {
        const touch = new Touch();
        const t0 = now();
        await pipelined(a.w2, (k, cb) => stmt.get([pointId(k, a.rows)], (err, row) => { if (row) touch.row(row); cb(err); }));
        qps.push(a.w2 / ((now() - t0) / 1e6));
      }
      stmt.finalize();
      await q.close(db);
      report('W2', 'q/s', qps, 'all Statement.get() issued at once');
    },
    async W3() {
      const db = await connect();
      const n = Math.min(a.w3, W3_CAP);
      const rate = [];
      for (let run = 0; run < a.runs; run++) {
        await recreate(db, 'w3');
        const stmt = db.prepare('INSERT INTO w3(a, b, c) VALUES(?, ?, ?)');
        const t0 = now();
        await q.run(db, 'BEGIN');
        await pipelined(n, (i, cb) => stmt.run(rowParams(i), cb));
        await q.run(db, 'COMMIT');
        rate.push(n / ((now() - t0) / 1e6));
        stmt.finalize();
      }
      await recreate(db, 'w3');
      await q.close(db);
      report('W3b', 'rows/s', rate, `Statement.run() per row, issued at once in BEGIN/COMMIT${n !== a.w3 ? `, ${n} rows` : ''}`);
    },
    async W4() {
      const db = await connect();
      const all = [], each = [];
      for (let run = 0; run < a.runs; run++) {
        let touch = new Touch();
        let t0 = now();
        for (const r of await q.all(db, SCAN_SQL)) touch.row(r);
        all.push(touch.rows / ((now() - t0) / 1e6));
        touch = new Touch();
        t0 = now();
        await q.each(db, SCAN_SQL, (r) => touch.row(r));
        each.push(touch.rows / ((now() - t0) / 1e6));
      }
      await q.close(db);
      report('W4a', 'rows/s', all, 'Database.all()');
      report('W4b', 'rows/s', each, 'Database.each()');
    },
    async W8() {
      const db = await connect();
      const seq = [], pipe = [];
      for (let run = 0; run < a.runs; run++) {
        await recreate(db, 'w8');
        let stmt = db.prepare('INSERT INTO w8(a, b, c) VALUES(?, ?, ?)');
        let t0 = now();
        for (let i = 0; i < a.w8; i++) await q.run(stmt, rowParams(i));
        seq.push(a.w8 / ((now() - t0) / 1e6));
        stmt.finalize();
        await recreate(db, 'w8');
        stmt = db.prepare('INSERT INTO w8(a, b, c) VALUES(?, ?, ?)');
        t0 = now();
        await pipelined(a.w8, (i, cb) => stmt.run(rowParams(i), cb));
        pipe.push(a.w8 / ((now() - t0) / 1e6));
        stmt.finalize();
      }
      await recreate(db, 'w8');
      await q.close(db);
      report('W8.seq', 'rows/s', seq, 'await Statement.run() one by one (autocommit)');
      report('W8.pipe', 'rows/s', pipe, 'all Statement.run() issued at once');
    },
  };
  let status = 0;
  for (const name of a.workload.length ? a.workload : Object.keys(workloads)) {
    if (!workloads[name]) continue;   // no node-sqlite3 equivalent (W5, W6, W7)
    try {
      await workloads[name]();
    } catch (error) {
      out({key: name, peer: PEER, error: String(error && error.message ? error.message : error)});
      status = 1;
    }
  }
  return status;
}

main().then((status) => { process.exitCode = status; },
            (error) => { out({key: '*', peer: PEER, na: String(error)}); });
