// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// AsyncSqlite.cursor(): an AsyncSqliteCursor whose fetchOne(), fetchMany(),
// fetchAll() and close() return promises; errors, aborts, TypeErrors.
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "AsyncSqliteCursor"

    AsyncSqlite {
        id: db
        database: ":memory:"
    }

    Component {
        id: connectionComponent
        AsyncSqlite {}
    }

    Component {
        id: controllerComponent
        AsyncSqliteAbortController {}
    }

    function settle(promise) {
        verify(promise instanceof Promise, "not a Promise: " + promise)
        var state = { done: false, value: undefined, error: undefined }
        promise.then(function (v) { state.value = v; state.done = true },
                     function (e) { state.error = e; state.done = true })
        tryVerify(function () { return state.done }, 10000, "the promise never settled")
        return state
    }
    function value(promise) {
        var state = settle(promise)
        verify(state.error === undefined, "rejected: " + (state.error ? state.error.message : ""))
        return state.value
    }

    function initTestCase() {
        tryVerify(function () { return db.ready }, 10000)
        value(db.execute("CREATE TABLE t(n INTEGER, label TEXT)"))
        var sets = []
        for (var i = 1; i <= 10; ++i)
            sets.push([i, "row " + i])
        value(db.executeMany("INSERT INTO t VALUES(?, ?)", sets))
        value(db.commit())
    }

    function test_fetch() {
        var cursor = value(db.cursor("SELECT n, label FROM t WHERE n > ? ORDER BY n", [0]))
        verify(cursor !== null)
        compare(cursor.columns.join(","), "n,label")
        compare(cursor.arraySize, 1)
        compare(value(cursor.fetchOne()).label, "row 1")
        compare(value(cursor.fetchMany()).map(function (r) { return r.n }).join(","), "2")
        cursor.arraySize = 3
        compare(value(cursor.fetchMany()).map(function (r) { return r.n }).join(","), "3,4,5")
        compare(value(cursor.fetchMany(2)).map(function (r) { return r.n }).join(","), "6,7")
        compare(value(cursor.fetchAll()).map(function (r) { return r.n }).join(","), "8,9,10")
        compare(value(cursor.fetchOne()), null)
        compare(value(cursor.fetchMany(0)).length, 0)
        compare(value(cursor.close()), undefined)
        var closed = settle(cursor.fetchOne())
        compare(closed.error.className, "QAsyncSqliteProgrammingError")
        // Named parameters.
        var named = value(db.cursor("SELECT n FROM t WHERE n = :n", { n: 4 }))
        compare(value(named.fetchAll())[0].n, 4)
        value(named.close())
    }

    function test_errorsReject() {
        var bad = settle(db.cursor("SELECT * FROM nope"))
        compare(bad.error.className, "QAsyncSqliteOperationalError")
        verify(bad.error.message.indexOf("nope") >= 0, bad.error.message)
        var conn = createTemporaryObject(connectionComponent, testCase, { database: ":memory:" })
        tryVerify(function () { return conn.ready }, 10000)
        value(conn.close())
        compare(settle(conn.cursor("SELECT 1")).error.className, "QAsyncSqliteProgrammingError")
    }

    // The signal given to cursor() cancels its fetches too.
    function test_abort() {
        var c = createTemporaryObject(controllerComponent, testCase)
        var cursor = value(db.cursor("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c",
                                     [], { signal: c.signal }))
        compare(value(cursor.fetchMany(3)).length, 3)
        var everything = settle((function () { var p = cursor.fetchAll(); c.abort(); return p })())
        compare(everything.error.className, "QAsyncSqliteOperationalError")
        compare(everything.error.name, "SQLITE_ABORT")
        compare(settle(cursor.fetchOne()).error.name, "SQLITE_ABORT")   // aborted before it is queued
        compare(settle(db.cursor("SELECT 1", [], { signal: c.signal })).error.name, "SQLITE_ABORT")
        compare(value(db.execute("SELECT 2 AS two"))[0].two, 2)
    }

    function test_typeErrors_data() {
        return [
            { tag: "cursor()", call: function () { return db.cursor() } },
            { tag: "cursor(1)", call: function () { return db.cursor(1) } },
            { tag: "cursor(sql, string)", call: function () { return db.cursor("SELECT ?", "x") } },
            { tag: "cursor(sql, [], {x})", call: function () { return db.cursor("SELECT 1", [], { x: 1 }) } },
            { tag: "cursor(sql, [], {signal: 1})", call: function () { return db.cursor("SELECT 1", [], { signal: 1 }) } },
            { tag: "cursor(sql, [], {}, extra)", call: function () { return db.cursor("SELECT 1", [], {}, 1) } },
        ]
    }
    function test_typeErrors(data) {
        var thrown = null
        try { data.call() } catch (e) { thrown = e }
        verify(thrown instanceof TypeError, "expected a TypeError, got " + thrown)
        verify(thrown.message.indexOf("cursor()") === 0, thrown.message)
    }

    function test_cursorTypeErrors() {
        var cursor = value(db.cursor("SELECT n FROM t"))
        var calls = [function () { cursor.fetchMany(-1) }, function () { cursor.fetchMany("2") },
                     function () { cursor.fetchMany(1.5) }, function () { cursor.fetchMany(1, 2) },
                     function () { cursor.fetchOne(1) }, function () { cursor.fetchAll(1) },
                     function () { cursor.close(1) }]
        for (var i = 0; i < calls.length; ++i) {
            var thrown = null
            try { calls[i]() } catch (e) { thrown = e }
            verify(thrown instanceof TypeError, "call " + i + ": expected a TypeError, got " + thrown)
        }
        compare(value(cursor.fetchAll()).length, 10)   // nothing was fetched
        value(cursor.close())
    }
}
