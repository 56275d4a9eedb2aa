// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// AsyncSqlite: opening, ready/opened/closed, reopening on a new `database`,
// close(), backup(), interrupt(), and destruction with requests pending.
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "AsyncSqliteLifecycle"

    AsyncSqlite {
        id: db
        database: ":memory:"
    }

    Component {
        id: connectionComponent
        AsyncSqlite {}
    }

    Component {
        id: spyComponent
        SignalSpy {}
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
    function spy(target, signalName) {
        return createTemporaryObject(spyComponent, testCase, { target: target, signalName: signalName })
    }
    // A connection on \a database created unopened, with spies attached first.
    function connection(database, options) {
        var conn = createTemporaryObject(connectionComponent, testCase)
        verify(conn)
        var spies = { opened: spy(conn, "opened"), closed: spy(conn, "closed"), ready: spy(conn, "readyChanged"),
                      error: spy(conn, "error") }
        if (options !== undefined)
            conn.options = options
        if (database !== undefined)
            conn.database = database
        return { conn: conn, spies: spies }
    }

    function initTestCase() {
        tryVerify(function () { return db.ready }, 10000)
    }

    function test_readyAndOpened() {
        var c = connection()
        compare(c.conn.ready, false)
        compare(c.conn.database, "")
        wait(20)
        compare(c.spies.opened.count, 0)   // no database, no open
        c.conn.database = tempDir + "/ready.db"
        compare(c.conn.database, tempDir + "/ready.db")
        tryCompare(c.spies.opened, "count", 1, 10000)
        compare(c.conn.ready, true)
        compare(c.spies.ready.count, 1)
        compare(c.spies.error.count, 0)
        compare(value(c.conn.execute("SELECT 2 AS two"))[0].two, 2)
    }

    function test_requestsRightAfterCreationQueueBehindOpen() {
        var conn = createTemporaryObject(connectionComponent, testCase, { database: ":memory:" })
        // Not ready yet, but the request waits for the open instead of failing.
        var p = conn.execute("SELECT 'early' AS w")
        compare(value(p)[0].w, "early")
        verify(conn.ready)
    }

    function test_options() {
        var c = connection(tempDir + "/options.db", { busyTimeout: 1234, pragmas: ["journal_mode=WAL", "user_version=7"],
                                                       isolationLevel: "immediate" })
        tryVerify(function () { return c.conn.ready }, 10000)
        compare(c.conn.options.busyTimeout, 1234)
        compare(value(c.conn.execute("PRAGMA journal_mode"))[0].journal_mode, "wal")
        compare(value(c.conn.execute("PRAGMA user_version"))[0].user_version, 7)
        compare(value(c.conn.execute("PRAGMA busy_timeout"))[0].timeout, 1234)
        // readOnly: writes fail with SQLITE_READONLY.
        var ro = connection(tempDir + "/options.db", { readOnly: true })
        tryVerify(function () { return ro.conn.ready }, 10000)
        var write = settle(ro.conn.execute("CREATE TABLE nope(x)"))
        verify(write.error instanceof Error)
        compare(write.error.code & 0xff, 8)   // SQLITE_READONLY
        compare(write.error.name.indexOf("SQLITE_READONLY"), 0)
    }

    function test_closeResolvesThenCallsReject() {
        var c = connection(":memory:")
        tryVerify(function () { return c.conn.ready }, 10000)
        // Requests queued before close() still complete, in order.
        var before = []
        for (var i = 0; i < 20; ++i)
            before.push(settle(c.conn.execute("SELECT ? AS i", [i])))
        var closing = c.conn.close()
        var after = c.conn.execute("SELECT 1")
        var closed = settle(closing)
        verify(closed.error === undefined, closed.error ? closed.error.message : "")
        verify(closed.value === undefined)
        for (i = 0; i < 20; ++i)
            compare(before[i].value[0].i, i)
        tryCompare(c.spies.closed, "count", 1)
        tryCompare(c.conn, "ready", false)
        var late = settle(after)
        verify(late.error instanceof Error, "a request after close() must reject")
        compare(late.error.code, 21)
        compare(late.error.name, "SQLITE_MISUSE")
        // And later calls of every kind reject the same way.
        var calls = [c.conn.execute("SELECT 1"), c.conn.executeInsert("INSERT INTO t VALUES(1)"),
                     c.conn.executeMany("INSERT INTO t VALUES(?)", [[1]]), c.conn.executeScript("SELECT 1;"),
                     c.conn.transaction([{ sql: "SELECT 1" }]), c.conn.backup(tempDir + "/closed-copy.db")]
        for (i = 0; i < calls.length; ++i) {
            var r = settle(calls[i])
            verify(r.error instanceof Error, "call " + i + " after close must reject")
            compare(r.error.name, "SQLITE_MISUSE", "call " + i)
        }
        // close() again resolves.
        value(c.conn.close())
    }

    function test_changingDatabaseReopens() {
        var first = tempDir + "/first.db"
        var second = tempDir + "/second.db"
        var c = connection(first)
        tryVerify(function () { return c.conn.ready }, 10000)
        value(c.conn.executeScript("CREATE TABLE IF NOT EXISTS which(name TEXT); DELETE FROM which; INSERT INTO which VALUES('first');"))
        var s = connection(second)
        tryVerify(function () { return s.conn.ready }, 10000)
        value(s.conn.executeScript("CREATE TABLE IF NOT EXISTS which(name TEXT); DELETE FROM which; INSERT INTO which VALUES('second');"))
        value(s.conn.close())

        var nameSpy = spy(c.conn, "databaseNameChanged")
        c.conn.database = second
        compare(nameSpy.count, 1)
        tryCompare(c.spies.closed, "count", 1, 10000)
        tryCompare(c.spies.opened, "count", 2, 10000)
        tryCompare(c.conn, "ready", true)
        compare(value(c.conn.execute("SELECT name FROM which"))[0].name, "second")
        // And back; setting the same name again does nothing.
        c.conn.database = first
        tryCompare(c.spies.opened, "count", 3, 10000)
        compare(value(c.conn.execute("SELECT name FROM which"))[0].name, "first")
        c.conn.database = first
        wait(20)
        compare(c.spies.opened.count, 3)
        compare(c.spies.closed.count, 2)
        // An empty name closes.
        c.conn.database = ""
        tryCompare(c.spies.closed, "count", 3, 10000)
        tryCompare(c.conn, "ready", false)
    }

    function test_backup() {
        var path = tempDir + "/backup-copy.db"
        value(db.executeScript("CREATE TABLE IF NOT EXISTS b(id INTEGER PRIMARY KEY, v TEXT, data BLOB);"))
        value(db.executeMany("INSERT INTO b(v, data) VALUES(?, ?)", [["one", new Uint8Array([1, 0, 2]).buffer], ["two", null]]))
        value(db.commit())
        var result = settle(db.backup(path))
        verify(result.error === undefined, result.error ? result.error.message : "")
        verify(result.value === undefined)
        // A second AsyncSqlite reads the copy.
        var copy = connection(path, { create: false })
        tryVerify(function () { return copy.conn.ready }, 10000)
        compare(copy.spies.error.count, 0)
        var rows = value(copy.conn.execute("SELECT v, data FROM b ORDER BY id"))
        compare(rows.length, 2)
        compare(rows[0].v, "one")
        compare(new Uint8Array(rows[0].data)[2], 2)
        compare(rows[0].data.byteLength, 3)
        verify(rows[1].data === null)
        // The copy is independent of the original.
        value(db.execute("DELETE FROM b"))
        value(db.commit())
        compare(value(copy.conn.execute("SELECT count(*) AS n FROM b"))[0].n, 2)
    }

    // interrupt() stops the statement running now: its promise rejects with
    // SQLITE_INTERRUPT, and the connection carries on.
    function test_interrupt() {
        var state = { done: false, value: undefined, error: undefined, settlements: 0 }
        // Never ends by itself.
        db.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c")
            .then(function (v) { state.value = v; state.done = true; ++state.settlements },
                  function (e) { state.error = e; state.done = true; ++state.settlements })
        var next = db.execute("SELECT 'after' AS w")
        var interruptCalls = 0
        // An interrupt() that comes before the statement starts has nothing
        // to stop: repeat until it lands.
        tryVerify(function () { db.interrupt(); ++interruptCalls; return state.done }, 20000,
                  "the endless query was not interrupted")
        verify(interruptCalls >= 1)
        verify(state.error instanceof Error, "expected a rejection, got " + JSON.stringify(state.value))
        compare(state.error.code, 9)
        compare(state.error.name, "SQLITE_INTERRUPT")
        compare(value(next)[0].w, "after")
        compare(value(db.execute("SELECT 1 AS one"))[0].one, 1)
        compare(state.settlements, 1)
        // interrupt() with nothing running is harmless, and returns nothing.
        verify(db.interrupt() === undefined)
        compare(value(db.execute("SELECT 3 AS three"))[0].three, 3)
    }

    // Every promise settles exactly once, whether it succeeds, fails or is
    // cut short by close().
    function test_everyPromiseSettlesOnce() {
        var c = connection(":memory:")
        tryVerify(function () { return c.conn.ready }, 10000)
        var counts = []
        function track(p, i) {
            counts[i] = 0
            p.then(function () { ++counts[i] }, function () { ++counts[i] })
        }
        var n = 0
        for (var i = 0; i < 50; ++i) {
            track(c.conn.execute(i % 3 === 0 ? "SELECT * FROM missing" : "SELECT 1"), n++)
            track(c.conn.executeScript(i % 2 ? "SELECT 1;" : "bogus;"), n++)
        }
        track(c.conn.close(), n++)
        track(c.conn.execute("SELECT 1"), n++)
        track(c.conn.commit(), n++)
        track(c.conn.rollback(), n++)
        tryVerify(function () {
            for (var k = 0; k < n; ++k) {
                if (counts[k] !== 1)
                    return false
            }
            return true
        }, 10000, "not every promise settled")
        wait(50)
        for (var k = 0; k < n; ++k)
            compare(counts[k], 1, "promise " + k)
    }

    // Deleted with 1000 requests queued: the process stays healthy and no
    // callback of those requests ever runs. (Deleted synchronously, so no
    // event can deliver a result between the calls and the destruction.)
    function test_deleteWith1000Pending() {
        var conn = Qt.createQmlObject("import QAsyncSqlite; AsyncSqlite { database: ':memory:' }", testCase)
        verify(conn)
        var flags = { called: false, calls: 0 }
        var onDone = function () { flags.called = true; ++flags.calls }
        for (var i = 0; i < 1000; ++i)
            conn.execute(i % 2 ? "SELECT ? AS i" : "SELECT * FROM missing_" + i, i % 2 ? [i] : undefined)
                .then(onDone, onDone)
        testHelper.deleteNow(conn)
        wait(300)
        tryVerify(function () { return db.ready }, 10000)
        compare(value(db.execute("SELECT 5 AS five"))[0].five, 5)   // the event loop has turned
        wait(100)
        verify(!flags.called, flags.calls + " callbacks ran after the element was destroyed")
        // Healthy: a new connection works.
        var again = createTemporaryObject(connectionComponent, testCase, { database: ":memory:" })
        compare(value(again.execute("SELECT 6 AS six"))[0].six, 6)
    }

    // The same through JS destroy() (deferred deletion): promises that
    // settled before the element was destroyed may run their handlers, but
    // none settles afterwards. Settlement is observed through the error()
    // signal, which fires synchronously as each request settles.
    function test_destroyWith1000Pending() {
        var conn = Qt.createQmlObject(
            "import QtQml; import QAsyncSqlite; AsyncSqlite { database: ':memory:'; property var hooks;" +
            " onError: function (err) { hooks.settled(err) }" +
            " Component.onDestruction: hooks.gone = true }", testCase)
        verify(conn)
        var hooks = { gone: false, settledBefore: 0, settledAfter: 0, handlers: 0,
                      settled: function () { if (hooks.gone) ++hooks.settledAfter; else ++hooks.settledBefore } }
        conn.hooks = hooks
        var onDone = function () { ++hooks.handlers }
        for (var i = 0; i < 1000; ++i)
            conn.execute("SELECT * FROM missing WHERE x = ?", [i]).then(onDone, onDone)
        conn.destroy()
        tryVerify(function () { return hooks.gone }, 20000, "the element was not destroyed")
        wait(300)
        compare(value(db.execute("SELECT 7 AS seven"))[0].seven, 7)
        wait(100)
        compare(hooks.settledAfter, 0)
        verify(hooks.settledBefore <= 1000)
        // A handler runs only for a promise that settled while the element lived.
        compare(hooks.handlers, hooks.settledBefore)
        var again = createTemporaryObject(connectionComponent, testCase, { database: ":memory:" })
        compare(value(again.execute("SELECT 8 AS eight"))[0].eight, 8)
    }

    // Destroyed before it even opened.
    function test_destroyImmediately() {
        for (var i = 0; i < 20; ++i) {
            var conn = Qt.createQmlObject("import QAsyncSqlite; AsyncSqlite { database: '" + tempDir + "/quick-" + i + ".db' }", testCase)
            conn.execute("CREATE TABLE IF NOT EXISTS t(x)")
            if (i % 2)
                conn.destroy()
            else
                testHelper.deleteNow(conn)
        }
        wait(100)
        compare(value(db.execute("SELECT 9 AS nine"))[0].nine, 9)
    }

    // Runs last: leaves requests pending on `db` when the test file ends, so
    // the engine is torn down with them queued (must not crash or hang).
    function test_zz_pendingAtEngineTeardown() {
        var p
        for (var i = 0; i < 1000; ++i)
            p = db.execute("SELECT ? AS i", [i])
        verify(p instanceof Promise)
    }
}
