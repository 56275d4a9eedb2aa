// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// AsyncSqlite.stream(): rows in chunks through a cursor, with back-pressure
// (the next chunk only after the callback's promise settled), errors, and
// TypeErrors that queue nothing.
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "AsyncSqliteStream"

    AsyncSqlite {
        id: db
        database: ":memory:"
    }

    Component {
        id: connectionComponent
        AsyncSqlite {}
    }

    function settle(promise) {
        verify(promise instanceof Promise, "not a Promise: " + promise)
        var state = { done: false, value: undefined, error: undefined, settlements: 0 }
        promise.then(function (v) { state.value = v; state.done = true; ++state.settlements },
                     function (e) { state.error = e; state.done = true; ++state.settlements })
        tryVerify(function () { return state.done }, 10000, "the promise never settled")
        return state
    }
    function value(promise) {
        var state = settle(promise)
        verify(state.error === undefined, "rejected: " + (state.error ? state.error.message : ""))
        return state.value
    }
    function count() {
        return value(db.execute("SELECT count(*) AS n FROM log"))[0].n
    }

    function initTestCase() {
        tryVerify(function () { return db.ready }, 10000)
        value(db.execute("CREATE TABLE t(n INTEGER, label TEXT)"))
        value(db.execute("CREATE TABLE log(x)"))
        var sets = []
        for (var i = 1; i <= 200; ++i)
            sets.push([i, "row " + i])
        value(db.executeMany("INSERT INTO t VALUES(?, ?)", sets))
        value(db.commit())
    }

    function test_chunks_data() {
        return [
            { tag: "default chunk size (64)", options: undefined, sizes: [64, 64, 64, 8] },
            { tag: "chunkSize 50, a multiple", options: { chunkSize: 50 }, sizes: [50, 50, 50, 50] },
            { tag: "chunkSize 1000", options: { chunkSize: 1000 }, sizes: [200] },
        ]
    }
    function test_chunks(data) {
        var chunks = []
        var total = value(db.stream("SELECT n, label FROM t WHERE n > ? ORDER BY n", [0],
                                    function (rows) { chunks.push(rows) }, data.options))
        compare(total, 200)
        compare(chunks.map(function (c) { return c.length }).join(","), data.sizes.join(","))
        // Row objects as execute() gives them, in order.
        compare(chunks[0][0].n, 1)
        compare(chunks[0][0].label, "row 1")
        var last = chunks[chunks.length - 1]
        compare(last[last.length - 1].n, 200)
    }

    function test_paramsLeftOutOrNamed() {
        var seen = 0
        compare(value(db.stream("SELECT n FROM t", function (rows) { seen += rows.length }, { chunkSize: 7 })), 200)
        compare(seen, 200)
        var named = []
        compare(value(db.stream("SELECT n FROM t WHERE n <= :max ORDER BY n", { max: 3 },
                                function (rows) { named = named.concat(rows) })), 3)
        compare(named.map(function (r) { return r.n }).join(","), "1,2,3")
        // An empty result: the callback is never called.
        var calls = 0
        compare(value(db.stream("SELECT n FROM t WHERE n < 0", [], function () { ++calls })), 0)
        compare(calls, 0)
    }

    // The next chunk is fetched only once the promise the callback returned
    // has fulfilled: while it is pending, nothing else arrives, and requests
    // queued meanwhile run before the next fetch.
    function test_backPressure() {
        var chunks = 0
        var release = null
        var state = { done: false, value: undefined, error: undefined }
        db.stream("SELECT n FROM t ORDER BY n", [], function (rows) {
            ++chunks
            return new Promise(function (resolve) { release = resolve })
        }, { chunkSize: 60 }).then(function (v) { state.value = v; state.done = true },
                                   function (e) { state.error = e; state.done = true })
        for (var step = 1; step <= 4; ++step) {
            tryVerify(function () { return release !== null }, 10000)
            compare(chunks, step)
            // Another request runs while the stream waits.
            compare(value(db.execute("SELECT ? AS step", [step]))[0].step, step)
            wait(50)
            compare(chunks, step)
            verify(!state.done)
            var r = release
            release = null
            r()
        }
        tryVerify(function () { return state.done }, 10000)
        compare(state.error, undefined)
        compare(state.value, 200)
        compare(chunks, 4)
    }

    function test_sqlErrorRejects() {
        var result = settle(db.stream("SELECT * FROM nope", [], function () {}))
        verify(result.error instanceof Error)
        compare(result.error.className, "QAsyncSqliteOperationalError")
        compare(result.error.name, "SQLITE_ERROR")
        verify(result.error.message.indexOf("nope") >= 0, result.error.message)
        compare(db.lastError.name, "SQLITE_ERROR")
        compare(result.settlements, 1)
    }

    // What the callback throws, or what its promise rejects with, rejects
    // the stream; no further chunk is fetched and the connection carries on.
    function test_callbackFailureRejects() {
        var calls = 0
        var thrown = settle(db.stream("SELECT n FROM t", [], function () { ++calls; throw new Error("stop here") },
                                      { chunkSize: 10 }))
        compare(thrown.error.message, "stop here")
        compare(calls, 1)
        calls = 0
        var rejected = settle(db.stream("SELECT n FROM t", [], function () {
            ++calls
            return Promise.reject(new RangeError("no thanks"))
        }, { chunkSize: 10 }))
        verify(rejected.error instanceof RangeError)
        compare(calls, 1)
        compare(value(db.execute("SELECT count(*) AS n FROM t"))[0].n, 200)
    }

    function test_closedConnectionRejects() {
        var conn = createTemporaryObject(connectionComponent, testCase, { database: ":memory:" })
        tryVerify(function () { return conn.ready }, 10000)
        value(conn.close())
        var calls = 0
        var result = settle(conn.stream("SELECT 1 AS one", [], function () { ++calls }))
        verify(result.error instanceof Error)
        compare(result.error.className, "QAsyncSqliteProgrammingError")
        compare(calls, 0)
    }

    // Destroying the element ends nothing abruptly: a stream waiting for its
    // callback's promise, or for a fetch, never settles, and resolving the
    // callback's promise afterwards touches nothing destroyed.
    function test_elementDestroyedMidStream() {
        var conn = createTemporaryObject(connectionComponent, testCase, { database: ":memory:" })
        tryVerify(function () { return conn.ready }, 10000)
        var release = null
        var settled = false
        conn.stream("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000) SELECT x FROM c",
                    [], function () { return new Promise(function (resolve) { release = resolve }) },
                    { chunkSize: 10 }).then(function () { settled = true }, function () { settled = true })
        var other = createTemporaryObject(connectionComponent, testCase, { database: ":memory:" })
        tryVerify(function () { return other.ready }, 10000)
        other.stream("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
                     [], function () {}).then(function () { settled = true }, function () { settled = true })
        tryVerify(function () { return release !== null }, 10000)
        testHelper.deleteNow(conn)
        other.interrupt()
        testHelper.deleteNow(other)
        release()
        wait(100)
        verify(!settled)
    }

    function test_typeErrors_data() {
        var fn = function () {}
        return [
            { tag: "stream()", call: function () { return db.stream() } },
            { tag: "stream(number, fn)", call: function () { return db.stream(1, fn) } },
            { tag: "stream(sql)", call: function () { return db.stream("INSERT INTO log VALUES(1) RETURNING x") } },
            { tag: "stream(sql, [], string)", call: function () { return db.stream("INSERT INTO log VALUES(1) RETURNING x", [], "f") } },
            { tag: "stream(sql, string, fn)", call: function () { return db.stream("INSERT INTO log VALUES(?) RETURNING x", "x", fn) } },
            { tag: "stream(sql, [object], fn)", call: function () { return db.stream("INSERT INTO log VALUES(?) RETURNING x", [{}], fn) } },
            { tag: "options not an object", call: function () { return db.stream("INSERT INTO log VALUES(1) RETURNING x", [], fn, 5) } },
            { tag: "chunkSize 0", call: function () { return db.stream("INSERT INTO log VALUES(1) RETURNING x", [], fn, { chunkSize: 0 }) } },
            { tag: "chunkSize 1.5", call: function () { return db.stream("INSERT INTO log VALUES(1) RETURNING x", [], fn, { chunkSize: 1.5 }) } },
            { tag: "chunkSize string", call: function () { return db.stream("INSERT INTO log VALUES(1) RETURNING x", [], fn, { chunkSize: "8" }) } },
            { tag: "unknown option", call: function () { return db.stream("INSERT INTO log VALUES(1) RETURNING x", [], fn, { chunk: 8 }) } },
            { tag: "signal not a signal", call: function () { return db.stream("INSERT INTO log VALUES(1) RETURNING x", [], fn, { signal: {} }) } },
            { tag: "extra argument", call: function () { return db.stream("INSERT INTO log VALUES(1) RETURNING x", [], fn, {}, 1) } },
            { tag: "extra argument without params", call: function () { return db.stream("INSERT INTO log VALUES(1) RETURNING x", fn, {}, 1) } },
        ]
    }
    function test_typeErrors(data) {
        var before = count()
        var thrown = null
        var returned
        try { returned = data.call() } catch (e) { thrown = e }
        verify(thrown instanceof TypeError, "expected a TypeError, got " + thrown + " / returned " + returned)
        verify(thrown.message.indexOf("stream()") === 0, thrown.message)
        compare(count(), before)   // nothing was queued
    }
}
