// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// AsyncSqlite's backup into another element (schema, pages, progress),
// iterDump(), serialize()/deserialize() and limit()/setLimit().
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "AsyncSqliteFeatures"

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
    function openConnection(database) {
        var conn = createTemporaryObject(connectionComponent, testCase, { database: database || ":memory:" })
        verify(conn)
        value(conn.open())
        return conn
    }
    function closedConnection() {
        var conn = openConnection()
        value(conn.close())
        return conn
    }

    function initTestCase() {
        tryVerify(function () { return db.ready }, 10000)
        value(db.executeScript("CREATE TABLE notes(id INTEGER PRIMARY KEY, title TEXT, data BLOB);"
                               + "INSERT INTO notes(title) VALUES('it''s'), ('two');"))
        var sets = []
        for (var i = 0; i < 300; ++i)
            sets.push(["filler " + i, new ArrayBuffer(512)])
        value(db.executeMany("INSERT INTO notes(title, data) VALUES(?, ?)", sets))
        value(db.commit())
    }

    function test_iterDump() {
        var statements = value(db.iterDump())
        verify(Array.isArray(statements), "an array: " + statements)
        compare(statements[0], "BEGIN TRANSACTION;")
        compare(statements[statements.length - 1], "COMMIT;")
        verify(statements.indexOf("INSERT INTO \"notes\" VALUES(1,'it''s',NULL);") > 0, statements.slice(0, 4).join("\n"))
        // The dump restores the same database.
        var copy = openConnection()
        value(copy.executeScript(statements.join("\n")))
        compare(value(copy.execute("SELECT count(*) AS n FROM notes"))[0].n, 302)
    }

    function test_serializeDeserialize() {
        var bytes = value(db.serialize())
        verify(bytes instanceof ArrayBuffer, "an ArrayBuffer: " + bytes)
        verify(bytes.byteLength > 150000, bytes.byteLength)
        var header = new Uint8Array(bytes, 0, 15)
        var magic = ""
        for (var i = 0; i < header.length; ++i)
            magic += String.fromCharCode(header[i])
        compare(magic, "SQLite format 3")
        var copy = openConnection()
        value(copy.deserialize(bytes))
        compare(value(copy.execute("SELECT title FROM notes WHERE id = 2"))[0].title, "two")
        // Into an attached schema, and back out of it by name.
        value(copy.execute("ATTACH ':memory:' AS other"))
        value(copy.deserialize(bytes, "other"))
        compare(value(copy.execute("SELECT count(*) AS n FROM other.notes"))[0].n, 302)
        compare(value(copy.serialize("other")).byteLength, bytes.byteLength)
        // SQLite reads the bytes only when a query needs them.
        value(copy.deserialize(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]).buffer))
        var bad = settle(copy.execute("SELECT count(*) AS n FROM sqlite_schema"))
        verify(bad.error instanceof Error, "garbage must not read as a database")
        compare(bad.error.name, "SQLITE_NOTADB")
    }

    function test_limits() {
        var names = ["LimitLength", "LimitSqlLength", "LimitColumn", "LimitExprDepth", "LimitCompoundSelect",
                     "LimitVdbeOp", "LimitFunctionArg", "LimitAttached", "LimitLikePatternLength",
                     "LimitVariableNumber", "LimitTriggerDepth", "LimitWorkerThreads"]
        for (var i = 0; i < names.length; ++i)
            compare(AsyncSqlite[names[i]], i, names[i])   // SQLite's SQLITE_LIMIT_* values
        var conn = openConnection()
        var before = value(conn.limit(AsyncSqlite.LimitVariableNumber))
        verify(before > 0, before)
        compare(value(conn.setLimit(AsyncSqlite.LimitVariableNumber, 2)), before)
        compare(value(conn.limit(AsyncSqlite.Limit.LimitVariableNumber)), 2)
        var tooMany = settle(conn.execute("SELECT ?, ?, ?", [1, 2, 3]))
        compare(tooMany.error.name, "SQLITE_ERROR")
        verify(tooMany.error.message.indexOf("variables") >= 0, tooMany.error.message)
    }

    // backup() into another AsyncSqlite: the schema by name, pages per step,
    // progress from the future's.
    function test_backupIntoElement() {
        var target = openConnection()
        var progress = []
        value(db.backup(target, { pages: 5, sleep: 0, name: "main",
                                  onProgress: function (remaining, total) { progress.push([remaining, total]) } }))
        compare(value(target.execute("SELECT count(*) AS n FROM notes"))[0].n, 302)
        verify(progress.length >= 1)
        compare(progress[progress.length - 1][0], 0)
        verify(progress[progress.length - 1][1] > 20)
        // An attached schema as the source.
        value(db.execute("ATTACH ':memory:' AS side"))
        value(db.execute("CREATE TABLE side.only_here(x)"))
        var sideCopy = openConnection()
        value(db.backup(sideCopy, { name: "side" }))
        compare(value(sideCopy.execute("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'only_here'"))[0].n, 1)
        value(db.execute("DETACH side"))
        // A closed target rejects.
        var closedTarget = settle(db.backup(closedConnection()))
        verify(closedTarget.error instanceof Error)
        compare(closedTarget.error.className, "QAsyncSqliteProgrammingError")
    }

    // Every method of a closed connection rejects (no TypeError).
    function test_closedConnectionRejects() {
        var conn = closedConnection()
        var promises = [conn.iterDump(), conn.serialize(), conn.deserialize(new ArrayBuffer(0)),
                        conn.limit(AsyncSqlite.LimitLength), conn.setLimit(AsyncSqlite.LimitLength, 1000),
                        conn.backup(db), conn.backup(tempDir + "/closed.db")]
        for (var i = 0; i < promises.length; ++i) {
            var result = settle(promises[i])
            verify(result.error instanceof Error, "request " + i + " must reject")
            compare(result.error.className, "QAsyncSqliteProgrammingError")
        }
    }

    function test_typeErrors_data() {
        return [
            { tag: "iterDump(1)", call: function () { return db.iterDump(1) } },
            { tag: "iterDump({x})", call: function () { return db.iterDump({ x: 1 }) } },
            { tag: "iterDump({}, extra)", call: function () { return db.iterDump({}, 1) } },
            { tag: "serialize(1)", call: function () { return db.serialize(1) } },
            { tag: "serialize(s, extra)", call: function () { return db.serialize("main", 1) } },
            { tag: "deserialize()", call: function () { return db.deserialize() } },
            { tag: "deserialize(string)", call: function () { return db.deserialize("bytes") } },
            { tag: "deserialize([])", call: function () { return db.deserialize([1, 2]) } },
            { tag: "deserialize(buf, 1)", call: function () { return db.deserialize(new ArrayBuffer(1), 1) } },
            { tag: "deserialize(buf, s, extra)", call: function () { return db.deserialize(new ArrayBuffer(1), "main", 1) } },
            { tag: "limit()", call: function () { return db.limit() } },
            { tag: "limit(string)", call: function () { return db.limit("LimitLength") } },
            { tag: "limit(-1)", call: function () { return db.limit(-1) } },
            { tag: "limit(12)", call: function () { return db.limit(12) } },
            { tag: "limit(1.5)", call: function () { return db.limit(1.5) } },
            { tag: "limit(c, extra)", call: function () { return db.limit(AsyncSqlite.LimitLength, 1) } },
            { tag: "setLimit(c)", call: function () { return db.setLimit(AsyncSqlite.LimitLength) } },
            { tag: "setLimit(c, -1)", call: function () { return db.setLimit(AsyncSqlite.LimitLength, -1) } },
            { tag: "setLimit(c, string)", call: function () { return db.setLimit(AsyncSqlite.LimitLength, "9") } },
            { tag: "setLimit(99, 1)", call: function () { return db.setLimit(99, 1) } },
            { tag: "setLimit(c, v, extra)", call: function () { return db.setLimit(AsyncSqlite.LimitLength, 9, 1) } },
            { tag: "backup(object)", call: function () { return db.backup({}) } },
            { tag: "backup(model-less QtObject)", call: function () { return db.backup(testCase) } },
            { tag: "backup name number", call: function () { return db.backup(tempDir + "/t.db", { name: 1 }) } },
            { tag: "backup sleep -1", call: function () { return db.backup(tempDir + "/t.db", { sleep: -1 }) } },
            { tag: "backup options array", call: function () { return db.backup(tempDir + "/t.db", []) } },
        ]
    }
    function test_typeErrors(data) {
        var limit = value(db.limit(AsyncSqlite.LimitLength))
        var thrown = null
        var returned
        try { returned = data.call() } catch (e) { thrown = e }
        verify(thrown instanceof TypeError, "expected a TypeError, got " + thrown + " / returned " + returned)
        verify(thrown.message.length > 0)
        compare(value(db.limit(AsyncSqlite.LimitLength)), limit)
    }
}
