// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// AsyncSqlite: how values travel between JS and SQLite (rows, NULL, BLOB,
// numbers incl. beyond 2^53, booleans, Date, named parameters).
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "AsyncSqliteValues"

    AsyncSqlite {
        id: db
        database: ":memory:"
    }

    // Waits for \a promise; returns {done, value, error}.
    function settle(promise) {
        verify(promise instanceof Promise, "not a Promise: " + promise)
        var state = { done: false, value: undefined, error: undefined }
        promise.then(function (v) { state.value = v; state.done = true },
                     function (e) { state.error = e; state.done = true })
        tryVerify(function () { return state.done }, 10000, "the promise never settled")
        return state
    }
    // The value \a promise resolves to; fails the test if it rejects.
    function value(promise) {
        var state = settle(promise)
        verify(state.error === undefined, "rejected: " + (state.error ? state.error.message : ""))
        return state.value
    }

    function initTestCase() {
        tryVerify(function () { return db.ready }, 10000)
    }

    function test_rowsAreObjectsKeyedByColumn() {
        value(db.execute("CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT, age INTEGER, score REAL)"))
        value(db.executeMany("INSERT INTO people(name, age, score) VALUES(?, ?, ?)",
                             [["ann", 31, 1.25], ["bob", null, -2.5], ["çé 日本", 7, 0]]))
        var rows = value(db.execute("SELECT id, name, age, score FROM people ORDER BY id"))
        verify(Array.isArray(rows))
        compare(rows.length, 3)
        compare(Object.keys(rows[0]), ["id", "name", "age", "score"])
        compare(rows[0].id, 1)
        compare(rows[0].name, "ann")
        compare(rows[0].age, 31)
        compare(rows[0].score, 1.25)
        verify(rows[1].age === null, "SQL NULL must be null, got " + rows[1].age)
        compare(rows[1].score, -2.5)
        compare(rows[2].name, "çé 日本")
        compare(typeof rows[2].score, "number")
        // No rows: an empty array, not undefined.
        var none = value(db.execute("SELECT * FROM people WHERE id < 0"))
        verify(Array.isArray(none))
        compare(none.length, 0)
        // Expressions get their column name.
        compare(value(db.execute("SELECT 1 + 1 AS two, 'x' || 'y' AS xy"))[0], { two: 2, xy: "xy" })
    }

    function test_nullAndUndefinedParams() {
        var rows = value(db.execute("SELECT ? AS a, ? AS b, typeof(?) AS ta, typeof(?) AS tb",
                                    [null, undefined, null, undefined]))
        verify(rows[0].a === null)
        verify(rows[0].b === null)
        compare(rows[0].ta, "null")
        compare(rows[0].tb, "null")
    }

    function test_blobRoundTrip() {
        var bytes = new Uint8Array([0, 1, 2, 0, 255, 0, 128, 0])
        var rows = value(db.execute("SELECT ? AS b, typeof(?) AS t, length(?) AS n",
                                    [bytes.buffer, bytes.buffer, bytes.buffer]))
        compare(rows[0].t, "blob")
        compare(rows[0].n, 8)   // NUL bytes are not terminators
        var back = rows[0].b
        verify(back instanceof ArrayBuffer, "BLOB must come back as an ArrayBuffer, got " + typeof back)
        compare(back.byteLength, 8)
        var view = new Uint8Array(back)
        for (var i = 0; i < bytes.length; ++i)
            compare(view[i], bytes[i], "byte " + i)
        // Stored and read back from a table, and a zero-length blob.
        value(db.execute("CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB)"))
        var id = value(db.executeInsert("INSERT INTO blobs(data) VALUES(?)", [bytes.buffer]))
        var empty = value(db.executeInsert("INSERT INTO blobs(data) VALUES(?)", [new ArrayBuffer(0)]))
        var stored = value(db.execute("SELECT data, typeof(data) AS t FROM blobs WHERE id = ?", [id]))[0]
        compare(new Uint8Array(stored.data)[4], 255)
        compare(stored.data.byteLength, 8)
        var zero = value(db.execute("SELECT data, typeof(data) AS t FROM blobs WHERE id = ?", [empty]))[0]
        compare(zero.t, "blob")
        verify(zero.data instanceof ArrayBuffer)
        compare(zero.data.byteLength, 0)
        // SQL-made blobs too.
        var made = value(db.execute("SELECT x'00ff00' AS b"))[0].b
        compare(new Uint8Array(made).length, 3)
        compare(new Uint8Array(made)[1], 255)
    }

    function test_numbers_data() {
        return [
            { tag: "zero", sql: "SELECT 0 AS v", expected: 0 },
            { tag: "negative", sql: "SELECT -42 AS v", expected: -42 },
            { tag: "2^53", sql: "SELECT 9007199254740992 AS v", expected: 9007199254740992 },
            { tag: "-2^53", sql: "SELECT -9007199254740992 AS v", expected: -9007199254740992 },
            { tag: "2^53+1", sql: "SELECT 9007199254740993 AS v", expected: "9007199254740993" },
            { tag: "-(2^53+1)", sql: "SELECT -9007199254740993 AS v", expected: "-9007199254740993" },
            { tag: "int64 max", sql: "SELECT 9223372036854775807 AS v", expected: "9223372036854775807" },
            { tag: "int64 min", sql: "SELECT -9223372036854775807 - 1 AS v", expected: "-9223372036854775808" },
            { tag: "real", sql: "SELECT 0.1 + 0.2 AS v", expected: 0.1 + 0.2 },
            { tag: "large real", sql: "SELECT 1e300 AS v", expected: 1e300 },
        ]
    }

    // Integers beyond ±2^53 arrive as strings so no digit is lost.
    function test_numbers(data) {
        var v = value(db.execute(data.sql))[0].v
        compare(typeof v, typeof data.expected)
        compare(v, data.expected)
    }

    function test_bigIntegerStoredAndReadBack() {
        value(db.execute("CREATE TABLE big(v INTEGER)"))
        // A string parameter CAST to INTEGER stores the exact value.
        value(db.execute("INSERT INTO big VALUES(CAST(? AS INTEGER))", ["1234567890123456789"]))
        var row = value(db.execute("SELECT v, typeof(v) AS t FROM big"))[0]
        compare(row.t, "integer")
        compare(typeof row.v, "string")
        compare(row.v, "1234567890123456789")
        // Safe integers bind as INTEGER, fractional numbers as REAL.
        var types = value(db.execute("SELECT typeof(?) AS a, typeof(?) AS b, typeof(?) AS c",
                                     [9007199254740991, 2.5, -3]))[0]
        compare(types, { a: "integer", b: "real", c: "integer" })
        // executeInsert resolves with the rowid: beyond 2^53 a string too.
        value(db.execute("CREATE TABLE bigid(id INTEGER PRIMARY KEY, x)"))
        var rowid = value(db.executeInsert("INSERT INTO bigid(id, x) VALUES(9007199254740999, 1)"))
        compare(rowid, "9007199254740999")
        compare(value(db.executeInsert("INSERT INTO bigid(id, x) VALUES(5, 1)")), 5)
    }

    function test_booleans() {
        var row = value(db.execute("SELECT ? AS t, ? AS f, typeof(?) AS ty", [true, false, true]))[0]
        compare(row.t, 1)
        compare(row.f, 0)
        compare(row.ty, "integer")
    }

    // A Date binds as ISO 8601 text with the UTC offset of local time: the
    // exact instant, which SQLite's date functions read (as UTC). ctest runs
    // this in +05:30 (tests/auto/qml/CMakeLists.txt), so the offset shows.
    function test_dateParameter() {
        var date = new Date(2024, 0, 2, 3, 4, 5, 678)   // local time
        var minutes = -date.getTimezoneOffset()
        function two(n) { return (n < 10 ? "0" : "") + n }
        var offset = (minutes < 0 ? "-" : "+") + two(Math.floor(Math.abs(minutes) / 60)) + ":" + two(Math.abs(minutes) % 60)
        var row = value(db.execute("SELECT ? AS d, typeof(?) AS t", [date, date]))[0]
        compare(row.t, "text")
        compare(row.d, "2024-01-02T03:04:05.678" + offset)
        var read = value(db.execute("SELECT CAST(strftime('%s', ?) AS INTEGER) AS s, datetime(?, 'localtime') AS local",
                                    [date, date]))[0]
        compare(read.s, Math.floor(date.getTime() / 1000))
        compare(read.local, "2024-01-02 03:04:05")
        // A UTC instant keeps its instant too.
        var utc = new Date(Date.UTC(2024, 4, 1, 23, 30, 0))
        compare(value(db.execute("SELECT datetime(?) AS d", [utc]))[0].d, "2024-05-01 23:30:00")
    }

    function test_namedParameters() {
        var row = value(db.execute("SELECT :a AS a, :b AS b, :a + 1 AS c, :n AS n",
                                   { a: 41, b: "text", n: null }))[0]
        compare(row.a, 41)
        compare(row.b, "text")
        compare(row.c, 42)
        verify(row.n === null)
        // Named parameters in executeInsert and transaction() too.
        value(db.execute("CREATE TABLE named(k TEXT, v INTEGER)"))
        compare(value(db.executeInsert("INSERT INTO named VALUES(:k, :v)", { k: "x", v: 1 })), 1)
        var results = value(db.transaction([{ sql: "INSERT INTO named VALUES(:k, :v)", params: { k: "y", v: 2 } },
                                            { sql: "SELECT sum(v) AS s FROM named WHERE k IN (:a, :b)",
                                              params: { a: "x", b: "y" } }]))
        compare(results[1][0].s, 3)
        // An SQL error for a missing name, not a silent NULL.
        var missing = settle(db.execute("SELECT :absent AS x", { other: 1 }))
        verify(missing.error instanceof Error, "binding an unknown name must reject")
        compare(typeof missing.error.code, "number")
    }

    function test_unsupportedParameterTypes_data() {
        return [
            { tag: "object in array", params: [{}] },
            { tag: "array in array", params: [[1, 2]] },
            { tag: "function", params: [function () {}] },
            { tag: "object value in named", params: { a: { nested: 1 } } },
            { tag: "symbol in array", params: [Symbol("s")] },
            { tag: "symbol in named", params: { a: Symbol() } },
            { tag: "symbol as the parameters", params: Symbol() },
        ]
    }

    function test_unsupportedParameterTypes(data) {
        var before = db.totalChanges
        var thrown = null
        try { db.execute("SELECT ?", data.params) } catch (e) { thrown = e }
        verify(thrown instanceof TypeError, "expected a TypeError, got " + thrown)
        compare(db.totalChanges, before)
    }
}
