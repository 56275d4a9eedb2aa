// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// AsyncSqliteAbortController: a request given its signal is canceled on
// abort() (a queued one never runs, a running one stops) and rejects with
// QAsyncSqliteOperationalError / SQLITE_ABORT.
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "AsyncSqliteAbort"

    AsyncSqlite {
        id: db
        database: ":memory:"
    }

    Component {
        id: controllerComponent
        AsyncSqliteAbortController {}
    }

    readonly property string endless:
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c"

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
    function track(promise) {
        var state = { done: false, value: undefined, error: undefined }
        promise.then(function (v) { state.value = v; state.done = true },
                     function (e) { state.error = e; state.done = true })
        return state
    }
    function verifyAborted(error) {
        verify(error instanceof Error, "expected a rejection, got " + error)
        compare(error.className, "QAsyncSqliteOperationalError")
        compare(error.name, "SQLITE_ABORT")
        compare(error.code, 4)
    }
    function controller() {
        return createTemporaryObject(controllerComponent, testCase)
    }
    function logCount() {
        return value(db.execute("SELECT count(*) AS n FROM log"))[0].n
    }
    // Runs the endless query and interrupts it until it ends.
    function blockThen(fn) {
        var blocker = track(db.execute(testCase.endless))
        var result = fn()
        tryVerify(function () { db.interrupt(); return blocker.done }, 20000)
        compare(blocker.error.name, "SQLITE_INTERRUPT")
        return result
    }

    function initTestCase() {
        tryVerify(function () { return db.ready }, 10000)
        value(db.execute("CREATE TABLE log(x)"))
        value(db.commit())
    }

    function test_signal() {
        var c = controller()
        verify(c.signal !== null)
        compare(c.signal.aborted, false)
        var aborted = 0
        c.signal.abort.connect(function () { ++aborted })
        c.abort()
        compare(c.signal.aborted, true)
        compare(aborted, 1)
        c.abort()   // once only
        compare(aborted, 1)
    }

    // Queued behind a running request: aborted before its turn, it never
    // runs (its INSERT leaves no row).
    function test_queuedNeverRuns_data() {
        return [
            { tag: "stream", start: function (signal) {
                return db.stream("INSERT INTO log VALUES(1) RETURNING x", [], function () {}, { signal: signal }) } },
            { tag: "backup", start: function (signal) {
                return db.backup(tempDir + "/aborted.db", { signal: signal }) } },
            { tag: "iterDump", start: function (signal) { return db.iterDump({ signal: signal }) } },
            { tag: "execute", start: function (signal) {
                return db.execute("INSERT INTO log VALUES(3)", [], { signal: signal }) } },
            { tag: "executeInsert", start: function (signal) {
                return db.executeInsert("INSERT INTO log VALUES(:x)", { x: 4 }, { signal: signal }) } },
            { tag: "executeMany", start: function (signal) {
                return db.executeMany("INSERT INTO log VALUES(?)", [[5], [6]], { signal: signal }) } },
            { tag: "executeScript", start: function (signal) {
                return db.executeScript("INSERT INTO log VALUES(7);", { signal: signal }) } },
            { tag: "transaction", start: function (signal) {
                return db.transaction([{ sql: "INSERT INTO log VALUES(8)" }], { signal: signal }) } },
        ]
    }
    function test_queuedNeverRuns(data) {
        var before = logCount()
        var c = controller()
        var request = blockThen(function () {
            var r = track(data.start(c.signal))
            c.abort()
            return r
        })
        tryVerify(function () { return request.done }, 10000)
        verifyAborted(request.error)
        compare(logCount(), before)
        compare(db.lastError.name, "SQLITE_ABORT")
    }

    // A running stream stops: its statement is interrupted, the connection
    // carries on.
    function test_runningIsInterrupted() {
        var c = controller()
        var chunks = 0
        var request = track(db.stream(testCase.endless, [], function () { ++chunks }, { signal: c.signal }))
        wait(200)   // the count runs now
        verify(!request.done)
        c.abort()
        tryVerify(function () { return request.done }, 10000, "the running stream was not stopped")
        verifyAborted(request.error)
        compare(chunks, 0)
        compare(value(db.execute("SELECT 'after' AS w"))[0].w, "after")
    }

    // A running execute() stops too.
    function test_runningExecuteIsInterrupted() {
        var c = controller()
        var request = track(db.execute(testCase.endless, [], { signal: c.signal }))
        wait(200)
        verify(!request.done)
        c.abort()
        tryVerify(function () { return request.done }, 10000, "the running execute() was not stopped")
        verifyAborted(request.error)
        compare(value(db.execute("SELECT 'after' AS w"))[0].w, "after")
    }

    // Between chunks (the callback's promise pending) abort() ends the
    // stream at once, and no further chunk is fetched.
    function test_abortBetweenChunks() {
        var c = controller()
        var chunks = 0
        var request = track(db.stream("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c",
                                      [], function () { ++chunks; return new Promise(function () {}) },
                                      { chunkSize: 5, signal: c }))   // the controller works as its signal
        tryVerify(function () { return chunks === 1 }, 10000)
        c.abort()
        tryVerify(function () { return request.done }, 10000)
        verifyAborted(request.error)
        compare(chunks, 1)
    }

    // An aborted signal cancels a request at once.
    function test_alreadyAborted() {
        var before = logCount()
        var c = controller()
        c.abort()
        var chunks = 0
        verifyAborted(settle(db.stream("INSERT INTO log VALUES(2) RETURNING x", [], function () { ++chunks },
                                       { signal: c.signal })).error)
        verifyAborted(settle(db.iterDump({ signal: c.signal })).error)
        verifyAborted(settle(db.backup(tempDir + "/never.db", { signal: c.signal })).error)
        verifyAborted(settle(db.execute("INSERT INTO log VALUES(9)", [], { signal: c.signal })).error)
        verifyAborted(settle(db.executeScript("INSERT INTO log VALUES(9);", { signal: c })).error)
        compare(chunks, 0)
        compare(logCount(), before)
    }

    function test_typeErrors_data() {
        return [
            { tag: "iterDump signal number", call: function () { return db.iterDump({ signal: 1 }) } },
            { tag: "backup signal db", call: function () { return db.backup(tempDir + "/x.db", { signal: db }) } },
            { tag: "execute signal string", call: function () { return db.execute("SELECT 1", [], { signal: "now" }) } },
            { tag: "execute unknown option", call: function () { return db.execute("SELECT 1", [], { sigal: 1 }) } },
            { tag: "transaction signal", call: function () {
                return db.transaction([{ sql: "SELECT 1" }], { signal: 2 }) } },
        ]
    }
    function test_typeErrors(data) {
        var thrown = null
        try { data.call() } catch (e) { thrown = e }
        verify(thrown instanceof TypeError, "expected a TypeError, got " + thrown)
        verify(thrown.message.indexOf("signal") >= 0, thrown.message)
    }
}
