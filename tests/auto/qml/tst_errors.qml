// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// AsyncSqlite: rejections (Error objects with code/name/message), lastError,
// the error(err) signal, and TypeErrors that queue nothing.
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "AsyncSqliteErrors"

    AsyncSqlite {
        id: db
        database: ":memory:"
    }

    SignalSpy {
        id: errorSpy
        target: db
        signalName: "error"
    }

    SignalSpy {
        id: lastErrorSpy
        target: db
        signalName: "lastErrorChanged"
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

    function initTestCase() {
        tryVerify(function () { return db.ready }, 10000)
        value(db.execute("CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL)"))
        value(db.execute("INSERT INTO users(email) VALUES('a@example.com')"))
    }

    function init() {
        errorSpy.clear()
        lastErrorSpy.clear()
    }

    function test_sqlErrors_data() {
        return [
            { tag: "unique", sql: "INSERT INTO users(email) VALUES('a@example.com')",
              code: 2067, errorName: "SQLITE_CONSTRAINT_UNIQUE", text: "UNIQUE" },
            { tag: "not null", sql: "INSERT INTO users(email) VALUES(NULL)",
              code: 1299, errorName: "SQLITE_CONSTRAINT_NOTNULL", text: "NOT NULL" },
            { tag: "primary key", sql: "INSERT INTO users(id, email) VALUES(1, 'z@example.com')",
              code: 1555, errorName: "SQLITE_CONSTRAINT_PRIMARYKEY", text: "UNIQUE" },
            { tag: "syntax", sql: "SELEC 1", code: 1, errorName: "SQLITE_ERROR", text: "syntax error" },
            { tag: "no such table", sql: "SELECT * FROM nope", code: 1, errorName: "SQLITE_ERROR",
              text: "no such table" },
        ]
    }

    function test_sqlErrors(data) {
        var users = value(db.execute("SELECT count(*) AS n FROM users"))[0].n
        errorSpy.clear()
        lastErrorSpy.clear()
        var result = settle(db.execute(data.sql))
        verify(result.error !== undefined, "expected a rejection")
        verify(result.error instanceof Error, "rejections are Error objects")
        compare(result.error.code, data.code)
        compare(result.error.name, data.errorName)
        verify(result.error.message.indexOf(data.text) >= 0, result.error.message)
        // The error(err) signal carries the same Error.
        tryCompare(errorSpy, "count", 1)
        var err = errorSpy.signalArguments[0][0]
        compare(err.code, data.code)
        compare(err.name, data.errorName)
        compare(err.message, result.error.message)
        // lastError mirrors it.
        verify(lastErrorSpy.count >= 1)
        compare(db.lastError.code, data.code)
        compare(db.lastError.name, data.errorName)
        compare(db.lastError.message, result.error.message)
        // Each promise settles exactly once; the connection stays usable.
        wait(0)
        compare(result.settlements, 1)
        compare(value(db.execute("SELECT count(*) AS n FROM users"))[0].n, users)
        compare(errorSpy.count, 1)
    }

    function test_otherMethodsReject() {
        var insert = settle(db.executeInsert("INSERT INTO users(email) VALUES('a@example.com')"))
        compare(insert.error.name, "SQLITE_CONSTRAINT_UNIQUE")
        compare(insert.error.className, "QAsyncSqliteIntegrityError")   // as lastError.className
        compare(insert.error.code, 2067)
        var many = settle(db.executeMany("INSERT INTO users(email) VALUES(?)", [["new@example.com"], ["a@example.com"]]))
        compare(many.error.code, 2067)
        var script = settle(db.executeScript("CREATE TABLE s(x); INSERT INTO nope VALUES(1);"))
        compare(script.error.code, 1)
        verify(script.error.message.indexOf("nope") >= 0, script.error.message)
        var tx = settle(db.transaction([{ sql: "SELEC" }]))
        compare(tx.error.name, "SQLITE_ERROR")
        var backup = settle(db.backup(tempDir + "/no/such/dir/copy.db"))
        verify(backup.error instanceof Error, "backup to an impossible path must reject")
        compare(backup.error.name.indexOf("SQLITE_"), 0)
        tryCompare(errorSpy, "count", 5)
    }

    // A wrong argument type or count throws a TypeError at the call and
    // queues nothing (totalChanges and the error signal stay unchanged).
    function test_typeErrors_data() {
        return [
            { tag: "execute(42)", call: function () { return db.execute(42) } },
            { tag: "execute()", call: function () { return db.execute() } },
            { tag: "execute(sql, string)", call: function () { return db.execute("INSERT INTO users(email) VALUES(?)", "notAnArray") } },
            { tag: "execute(sql, number)", call: function () { return db.execute("INSERT INTO users(email) VALUES(?)", 5) } },
            { tag: "execute(sql, [object])", call: function () { return db.execute("INSERT INTO users(email) VALUES(?)", [{}]) } },
            { tag: "executeInsert(null)", call: function () { return db.executeInsert(null) } },
            { tag: "executeInsert(sql, string)", call: function () { return db.executeInsert("INSERT INTO users(email) VALUES(?)", "x") } },
            { tag: "executeMany(sql)", call: function () { return db.executeMany("INSERT INTO users(email) VALUES(?)") } },
            { tag: "executeMany(sql, object)", call: function () { return db.executeMany("INSERT INTO users(email) VALUES(?)", {}) } },
            { tag: "executeMany(sql, [string])", call: function () { return db.executeMany("INSERT INTO users(email) VALUES(?)", [["ok@x"], "x@y"]) } },
            { tag: "executeMany(number, sets)", call: function () { return db.executeMany(1, [["x@y"]]) } },
            { tag: "executeScript(object)", call: function () { return db.executeScript({}) } },
            { tag: "executeScript()", call: function () { return db.executeScript() } },
            { tag: "transaction(string)", call: function () { return db.transaction("INSERT INTO users(email) VALUES('t@x')") } },
            { tag: "transaction()", call: function () { return db.transaction() } },
            { tag: "transaction([string])", call: function () { return db.transaction(["INSERT INTO users(email) VALUES('t@x')"]) } },
            { tag: "transaction([{sql: number}])", call: function () { return db.transaction([{ sql: "INSERT INTO users(email) VALUES('t@x')" }, { sql: 3 }]) } },
            { tag: "transaction([{params: string}])", call: function () { return db.transaction([{ sql: "INSERT INTO users(email) VALUES('t@x')" }, { sql: "SELECT ?", params: "x" }]) } },
            { tag: "backup(number)", call: function () { return db.backup(1) } },
            { tag: "backup()", call: function () { return db.backup() } },
            // One argument too many, on every method.
            { tag: "execute(sql, params, options, extra)", call: function () { return db.execute("INSERT INTO users(email) VALUES(?)", ["e@x"], {}, 1) } },
            { tag: "executeInsert(sql, params, options, extra)", call: function () { return db.executeInsert("INSERT INTO users(email) VALUES(?)", ["e@x"], {}, {}) } },
            { tag: "executeMany(sql, sets, options, extra)", call: function () { return db.executeMany("INSERT INTO users(email) VALUES(?)", [["e@x"]], {}, []) } },
            { tag: "executeScript(script, options, extra)", call: function () { return db.executeScript("INSERT INTO users(email) VALUES('e@x');", {}, "x") } },
            { tag: "transaction(statements, options, extra)", call: function () { return db.transaction([{ sql: "INSERT INTO users(email) VALUES('e@x')" }], {}, true) } },
            // The options must be an object.
            { tag: "execute(sql, params, 1)", call: function () { return db.execute("INSERT INTO users(email) VALUES(?)", ["e@x"], 1) } },
            { tag: "executeScript(script, \"x\")", call: function () { return db.executeScript("INSERT INTO users(email) VALUES('e@x');", "x") } },
            { tag: "transaction(statements, true)", call: function () { return db.transaction([{ sql: "INSERT INTO users(email) VALUES('e@x')" }], true) } },
            { tag: "backup(path, extra)", call: function () { return db.backup(tempDir + "/never.db", 2) } },
            { tag: "commit(extra)", call: function () { return db.commit(1) } },
            { tag: "rollback(extra)", call: function () { return db.rollback("now") } },
            { tag: "close(extra)", call: function () { return db.close(true) } },
            { tag: "interrupt(extra)", call: function () { return db.interrupt(0) } },
        ]
    }

    function test_typeErrors(data) {
        var changes = db.totalChanges
        var rows = value(db.execute("SELECT count(*) AS n FROM users"))[0].n
        errorSpy.clear()
        var thrown = null
        var returned
        try { returned = data.call() } catch (e) { thrown = e }
        verify(thrown instanceof TypeError, "expected a TypeError, got " + thrown + " / returned " + returned)
        verify(thrown.message.length > 0)
        // Nothing was queued: a later request sees no change, no error was reported.
        compare(value(db.execute("SELECT count(*) AS n FROM users"))[0].n, rows)
        compare(db.totalChanges, changes)
        compare(errorSpy.count, 0)
        verify(db.ready)   // close(extra) did not close
    }

    function test_lastErrorInitiallyEmpty() {
        var fresh = createTemporaryObject(connectionComponent, testCase, { database: ":memory:" })
        verify(fresh)
        tryVerify(function () { return fresh.ready }, 10000)
        compare(Object.keys(fresh.lastError).length, 0)
        var result = settle(fresh.execute("SELECT * FROM missing"))
        compare(result.error.code, 1)
        compare(fresh.lastError.code, 1)
        compare(fresh.lastError.name, "SQLITE_ERROR")
        compare(fresh.lastError.sql, "SELECT * FROM missing")
        compare(result.error.sql, "SELECT * FROM missing")
    }

    function test_openMissingFileWithoutCreate() {
        var conn = createTemporaryObject(connectionComponent, testCase,
                                         { options: { create: false }, database: tempDir + "/does-not-exist.db" })
        verify(conn)
        // Opening started at creation (too early for a spy): check lastError.
        tryVerify(function () { return conn.lastError.code !== undefined }, 10000, "no error reported")
        compare(conn.lastError.code, 14)
        compare(conn.lastError.name, "SQLITE_CANTOPEN")
        verify(!conn.ready)
        // Requests reject instead of hanging.
        var result = settle(conn.execute("SELECT 1"))
        verify(result.error instanceof Error, "a request on a connection that failed to open must reject")
        verify(!conn.ready)
    }

    function test_openErrorSignal() {
        var conn = createTemporaryObject(connectionComponent, testCase, { options: { create: false } })
        verify(conn)
        var spy = createTemporaryObject(signalSpyComponent, testCase, { target: conn, signalName: "error" })
        var openedSpy = createTemporaryObject(signalSpyComponent, testCase, { target: conn, signalName: "opened" })
        conn.database = tempDir + "/also-missing.db"
        tryCompare(spy, "count", 1, 10000)
        var err = spy.signalArguments[0][0]
        verify(err instanceof Error)
        compare(err.code, 14)
        compare(err.name, "SQLITE_CANTOPEN")
        wait(50)
        compare(openedSpy.count, 0)
        verify(!conn.ready)
        // A creating open of a real path then works.
        conn.options = {}
        conn.database = tempDir + "/now-created.db"
        tryVerify(function () { return conn.ready }, 10000)
        compare(openedSpy.count, 1)
        compare(value(conn.execute("SELECT 1 AS one"))[0].one, 1)
    }

    Component {
        id: signalSpyComponent
        SignalSpy {}
    }
}
