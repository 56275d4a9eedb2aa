// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// AsyncSqlite: database as a file: URL, options.createDirectories, open(),
// requests during a reopen, typed options, duplicate column names, backup()
// progress, the enumerations, and C++ code using the element's connection
// (doc/qml.md).
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "AsyncSqliteElement"

    AsyncSqlite {
        id: db
        database: ":memory:"
    }

    Component {
        id: connectionComponent
        AsyncSqlite {}
    }

    // What StandardPaths.writableLocation() and Qt.resolvedUrl() give.
    property url urlValue

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
    function connection(properties) {
        var conn = createTemporaryObject(connectionComponent, testCase, properties)
        verify(conn)
        return conn
    }
    function thrownBy(f) {
        try { f() } catch (e) { return e }
        return null
    }

    function test_databaseUrl() {
        urlValue = "file://" + tempDir + "/url%20name.db"
        var conn = connection({ database: urlValue })
        value(conn.executeScript("CREATE TABLE u(x); INSERT INTO u VALUES(1);"))
        value(conn.close())
        // The file is the decoded local path.
        var plain = connection({ database: tempDir + "/url name.db", options: { create: false } })
        compare(value(plain.execute("SELECT x FROM u"))[0].x, 1)
    }

    function test_readers() {
        var conn = connection({ database: tempDir + "/readers.db", options: { readers: 2 } })
        value(conn.executeScript("CREATE TABLE r(x); INSERT INTO r VALUES(7);"))
        for (var i = 0; i < 3; ++i)
            compare(value(conn.execute("SELECT x FROM r"))[0].x, 7)
        compare(value(conn.execute("PRAGMA journal_mode"))[0].journal_mode, "wal")
        var memory = connection({ database: ":memory:", options: { readers: 1 } })
        var opening = settle(memory.open())
        verify(opening.error instanceof Error, "readers opened on :memory:")
        verify(/WAL/.test(opening.error.message), opening.error.message)
    }

    function test_createDirectoriesOnlyWhenAsked() {
        var path = tempDir + "/missing/sub/dirs.db"
        var refused = connection({ database: path })
        var opening = settle(refused.open())
        verify(opening.error instanceof Error, "opened without its directory")
        compare(opening.error.name, "SQLITE_CANTOPEN")
        compare(refused.ready, false)
        var created = connection({ database: "file://" + path, options: { createDirectories: true } })
        value(created.open())
        compare(created.ready, true)
        value(created.execute("CREATE TABLE t(x)"))
        // Now the first one can open it.
        value(refused.open())
        compare(value(refused.execute("SELECT count(*) AS n FROM sqlite_master"))[0].n, 1)
    }

    function test_openAndReopenAfterClose() {
        var conn = connection({ database: tempDir + "/reopen.db" })
        value(conn.open())   // resolves once the automatic open is done
        compare(conn.ready, true)
        value(conn.open())   // already open: resolves again
        value(conn.executeScript("CREATE TABLE IF NOT EXISTS r(x); INSERT INTO r VALUES(7);"))
        value(conn.close())
        compare(conn.ready, false)
        compare(settle(conn.execute("SELECT 1")).error.name, "SQLITE_MISUSE")
        // The same file again, without touching database.
        value(conn.open())
        compare(conn.ready, true)
        compare(value(conn.execute("SELECT x FROM r"))[0].x, 7)
        // Requests made right after open() queue behind it.
        value(conn.close())
        var opening = conn.open()
        compare(value(conn.execute("SELECT count(*) AS n FROM r"))[0].n, 1)
        value(opening)
        verify(thrownBy(function () { conn.open(1) }) instanceof TypeError)
    }

    function test_openWithoutDatabaseRejects() {
        var conn = connection()
        var result = settle(conn.open())
        verify(result.error instanceof Error)
        compare(result.error.name, "SQLITE_MISUSE")
        compare(conn.lastError.name, "SQLITE_MISUSE")
    }

    // A database change closes the old file and opens the new one; requests
    // made meanwhile wait for the new one instead of failing.
    function test_requestsDuringReopenQueue() {
        var first = connection({ database: tempDir + "/queued-1.db" })
        value(first.executeScript("CREATE TABLE IF NOT EXISTS w(name); DELETE FROM w; INSERT INTO w VALUES('one');"))
        var second = connection({ database: tempDir + "/queued-2.db" })
        value(second.executeScript("CREATE TABLE IF NOT EXISTS w(name); DELETE FROM w; INSERT INTO w VALUES('two');"))
        value(second.close())
        var before = first.execute("SELECT name FROM w")   // queued before the change
        first.database = tempDir + "/queued-2.db"
        var after = first.execute("SELECT name FROM w")
        compare(value(before)[0].name, "one")
        compare(value(after)[0].name, "two")
        tryCompare(first, "ready", true)
    }

    function test_optionsMemberByMember() {
        var conn = Qt.createQmlObject("import QAsyncSqlite; AsyncSqlite { database: ':memory:';"
                                      + " options.busyTimeout: 1234; options.pragmas: ['user_version=3'];"
                                      + " options.isolationLevel: 'autocommit' }", testCase)
        compare(conn.options.busyTimeout, 1234)
        compare(conn.options.create, true)   // the default
        compare(value(conn.execute("PRAGMA busy_timeout"))[0].timeout, 1234)
        compare(value(conn.execute("PRAGMA user_version"))[0].user_version, 3)
        value(conn.execute("CREATE TABLE t(x)"))
        value(conn.execute("INSERT INTO t VALUES(1)"))
        compare(conn.inTransaction, false)   // autocommit
        compare(conn.isolationLevel, AsyncSqlite.Autocommit)
        conn.destroy()
    }

    function test_optionsObjectWarnsOnUnknownKeys() {
        ignoreWarning(/unknown option busyTimeot/)
        ignoreWarning(/option busyTimeout cannot be soon/)
        var conn = connection({ options: { busyTimeot: 1, busyTimeout: "soon", cachedStatements: 5 } })
        compare(conn.options.cachedStatements, 5)
        compare(conn.options.busyTimeout, 5000)
    }

    function test_enumerations() {
        compare(AsyncSqlite.Deferred, 0)
        compare(AsyncSqlite.Immediate, 1)
        compare(AsyncSqlite.Autocommit, 3)
        compare(AsyncSqlite.IsolationLevel.Exclusive, 2)
        compare(AsyncSqlite.Map, 2)
        compare(AsyncSqlite.Bytes, 1)
        tryCompare(db, "ready", true)
        db.isolationLevel = AsyncSqlite.Autocommit
        value(db.execute("CREATE TABLE IF NOT EXISTS e(x)"))
        value(db.execute("INSERT INTO e VALUES(1)"))
        compare(db.inTransaction, false)
        db.isolationLevel = AsyncSqlite.Deferred
        value(db.execute("INSERT INTO e VALUES(2)"))
        compare(db.inTransaction, true)
        value(db.commit())
    }

    // Like QtQuick.LocalStorage, the last of several same-named columns
    // wins; unlike it, a warning says so (once per statement).
    function test_duplicateColumnNames() {
        ignoreWarning(/more than one column is named id/)
        var sql = "SELECT 1 AS id, 'x' AS other, 2 AS id"
        var rows = value(db.execute(sql))
        compare(rows[0].id, 2)
        compare(Object.keys(rows[0]).join(","), "id,other")
        value(db.execute(sql))   // no second warning (an unexpected one would fail)
        ignoreWarning(/more than one column is named v/)
        var batch = value(db.transaction([{ sql: "SELECT 3 AS v, 4 AS v" }]))
        compare(batch[0][0].v, 4)
    }
    function init() {
        // Unexpected warnings fail test_duplicateColumnNames' second run.
        failOnWarning(/more than one column/)
    }

    function test_backupProgress() {
        tryCompare(db, "ready", true)
        value(db.executeScript("CREATE TABLE IF NOT EXISTS big(data BLOB);"
                               + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)"
                               + " INSERT INTO big SELECT randomblob(3000) FROM n;"))
        value(db.commit())
        var calls = []
        var settled = false
        var promise = db.backup(tempDir + "/progress-copy.db", {
            pages: 1,
            onProgress: function (remaining, total) {
                calls.push({ remaining: remaining, total: total, gui: testHelper.onGuiThread(), settled: settled })
            }
        })
        promise.then(function () { settled = true })
        value(promise)
        verify(calls.length >= 2, "onProgress was called " + calls.length + " times")
        var total = calls[calls.length - 1].total
        verify(total > 40, "total " + total)
        compare(calls[calls.length - 1].remaining, 0)
        for (var i = 0; i < calls.length; ++i) {
            verify(calls[i].gui, "call " + i + " not on the GUI thread")
            verify(!calls[i].settled, "call " + i + " after the promise resolved")
            verify(calls[i].remaining >= 0 && calls[i].remaining < calls[i].total, JSON.stringify(calls[i]))
            if (i > 0)
                verify(calls[i].remaining < calls[i - 1].remaining, "remaining grew at " + i)
        }
        var copy = connection({ database: tempDir + "/progress-copy.db", options: { create: false } })
        compare(value(copy.execute("SELECT count(*) AS n FROM big"))[0].n, 40)
    }

    function test_backupOptionErrors() {
        var path = tempDir + "/never.db"
        verify(thrownBy(function () { db.backup(path, 5) }) instanceof TypeError)
        verify(thrownBy(function () { db.backup(path, { pages: "1" }) }) instanceof TypeError)
        verify(thrownBy(function () { db.backup(path, { pages: 1.5 }) }) instanceof TypeError)
        verify(thrownBy(function () { db.backup(path, { onProgress: 3 }) }) instanceof TypeError)
        verify(thrownBy(function () { db.backup(path, { page: 1 }) }) instanceof TypeError)
        verify(thrownBy(function () { db.backup(path, {}, 1) }) instanceof TypeError)
        // Without onProgress, options still apply.
        value(db.backup(path, { pages: 2 }))
    }

    // C++ code reaches the connection the element owns (AsyncSqlite.connection)
    // with its whole C++ API, here to register a function, and the element
    // forwards that connection's state.
    function test_cppUsesTheElementsConnection() {
        verify(db.connection)
        verify(db.connection !== db)
        verify(testHelper.createTimesTwo(db))
        compare(value(db.execute("SELECT times_two(21) AS n"))[0].n, 42)
        value(db.execute("CREATE TABLE IF NOT EXISTS cpp(n INTEGER)"))
        value(db.execute("INSERT INTO cpp VALUES(1)"))
        verify(db.inTransaction)
        compare(db.connection.inTransaction, true)
        value(db.commit())
        verify(!db.inTransaction)
        db.isolationLevel = AsyncSqlite.Immediate
        compare(db.connection.isolationLevel, AsyncSqlite.Immediate)
        db.isolationLevel = AsyncSqlite.Deferred
        compare(db.rowFactory, AsyncSqlite.Row)
        compare(db.connection.rowFactory, AsyncSqlite.Row)
    }
}
