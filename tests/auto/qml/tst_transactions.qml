// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// AsyncSqlite: transaction() atomicity, commit()/rollback() of implicit
// transactions, inTransaction, totalChanges, executeMany, executeScript and
// the committed / tablesChanged signals.
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "AsyncSqliteTransactions"

    AsyncSqlite {
        id: db
        database: tempDir + "/transactions.db"
    }

    // A second connection on the same file sees only committed data.
    AsyncSqlite {
        id: reader
        database: tempDir + "/transactions.db"
        options: ({ busyTimeout: 5000 })
    }

    SignalSpy { id: committedSpy; target: db; signalName: "committed" }
    SignalSpy { id: tablesSpy; target: db; signalName: "tablesChanged" }
    SignalSpy { id: inTransactionSpy; target: db; signalName: "inTransactionChanged" }
    SignalSpy { id: totalChangesSpy; target: db; signalName: "totalChangesChanged" }

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
    function count(conn, table) {
        return value(conn.execute("SELECT count(*) AS n FROM " + table))[0].n
    }

    function initTestCase() {
        tryVerify(function () { return db.ready && reader.ready }, 10000)
        value(db.executeScript("CREATE TABLE IF NOT EXISTS items(id INTEGER PRIMARY KEY, name TEXT UNIQUE);"))
    }

    function init() {
        value(db.rollback())
        value(db.execute("DELETE FROM items"))
        value(db.commit())
        tryCompare(db, "inTransaction", false)
        committedSpy.clear()
        tablesSpy.clear()
        inTransactionSpy.clear()
        totalChangesSpy.clear()
    }

    function test_transactionCommitsAll() {
        var results = value(db.transaction([
            { sql: "INSERT INTO items(name) VALUES(?)", params: ["a"] },
            { sql: "INSERT INTO items(name) VALUES(:n)", params: { n: "b" } },
            { sql: "SELECT name FROM items ORDER BY name" },
        ]))
        verify(Array.isArray(results))
        compare(results.length, 3)
        compare(results[0].length, 0)
        compare(results[2], [{ name: "a" }, { name: "b" }])
        compare(db.inTransaction, false)
        // Committed: another connection sees both rows.
        compare(count(reader, "items"), 2)
        tryVerify(function () { return committedSpy.count >= 1 }, 5000, "committed not emitted")
    }

    // A failing statement rolls back the whole batch: nothing is visible,
    // neither on this connection nor on another.
    function test_transactionIsAtomic() {
        var changes = db.totalChanges
        var result = settle(db.transaction([
            { sql: "INSERT INTO items(name) VALUES('x')" },
            { sql: "INSERT INTO items(name) VALUES('y')" },
            { sql: "INSERT INTO items(name) VALUES('x')" },   // UNIQUE violation
            { sql: "INSERT INTO items(name) VALUES('z')" },
        ]))
        verify(result.error instanceof Error, "the batch must reject")
        compare(result.error.code, 2067)
        compare(result.error.name, "SQLITE_CONSTRAINT_UNIQUE")
        compare(db.inTransaction, false)
        compare(count(db, "items"), 0)
        compare(count(reader, "items"), 0)
        compare(committedSpy.count, 0)
        // The batch after it runs normally.
        value(db.transaction([{ sql: "INSERT INTO items(name) VALUES('x')" }]))
        compare(count(reader, "items"), 1)
        verify(db.totalChanges > changes)
    }

    function test_transactionInsideOpenTransactionKeepsPriorWork() {
        // An implicit transaction is open: a failing batch must not commit it
        // nor lose it either.
        value(db.execute("INSERT INTO items(name) VALUES('before')"))
        tryCompare(db, "inTransaction", true)
        var result = settle(db.transaction([{ sql: "INSERT INTO items(name) VALUES('before')" }]))
        verify(result.error instanceof Error)
        compare(count(reader, "items"), 0)   // nothing committed
        value(db.commit())
        compare(count(reader, "items"), 1)
    }

    function test_implicitTransactionCommit() {
        compare(db.inTransaction, false)
        compare(value(db.executeInsert("INSERT INTO items(name) VALUES('c1')")) > 0, true)
        // DML opens an implicit transaction (Python sqlite3 semantics).
        tryCompare(db, "inTransaction", true)
        compare(count(db, "items"), 1)
        compare(count(reader, "items"), 0)   // not yet committed
        compare(committedSpy.count, 0)
        var committed = value(db.commit())
        verify(committed === undefined)
        tryCompare(db, "inTransaction", false)
        tryCompare(committedSpy, "count", 1)
        compare(count(reader, "items"), 1)
        verify(inTransactionSpy.count >= 2)
        // commit() with no transaction open resolves and changes nothing.
        value(db.commit())
        compare(db.inTransaction, false)
    }

    function test_implicitTransactionRollback() {
        value(db.execute("INSERT INTO items(name) VALUES('r1')"))
        value(db.execute("INSERT INTO items(name) VALUES('r2')"))
        tryCompare(db, "inTransaction", true)
        compare(count(db, "items"), 2)
        value(db.rollback())
        tryCompare(db, "inTransaction", false)
        compare(count(db, "items"), 0)
        compare(count(reader, "items"), 0)
        compare(committedSpy.count, 0)
        // rollback() with nothing open resolves too.
        value(db.rollback())
    }

    function test_executeManyChangeCount() {
        var changes = db.totalChanges
        var n = value(db.executeMany("INSERT INTO items(name) VALUES(?)", [["m1"], ["m2"], ["m3"], ["m4"]]))
        compare(n, 4)
        tryCompare(db, "totalChanges", changes + 4)
        verify(totalChangesSpy.count >= 1)
        // Each set may change several rows: the total is the sum.
        var updated = value(db.executeMany("UPDATE items SET name = name || '!' WHERE name >= ?", [["m3"], ["m1"]]))
        compare(updated, 2 + 4)
        compare(value(db.executeMany("DELETE FROM items WHERE name = ?", [])), 0)
        value(db.commit())
        compare(count(reader, "items"), 4)
    }

    function test_executeScript() {
        var result = settle(db.executeScript(
            "CREATE TABLE IF NOT EXISTS script_t(x INTEGER);\n" +
            "DELETE FROM script_t;\n" +
            "INSERT INTO script_t VALUES(1);\n" +
            "INSERT INTO script_t VALUES(2);\n" +
            "-- a comment\n" +
            "INSERT INTO script_t SELECT x + 10 FROM script_t;"))
        verify(result.error === undefined, result.error ? result.error.message : "")
        verify(result.value === undefined)
        compare(value(db.execute("SELECT sum(x) AS s FROM script_t"))[0].s, 1 + 2 + 11 + 12)
        // A script commits what came before it and runs in autocommit.
        compare(db.inTransaction, false)
        compare(value(reader.execute("SELECT count(*) AS n FROM script_t"))[0].n, 4)
    }

    function test_tablesChanged() {
        value(db.execute("INSERT INTO items(name) VALUES('t1')"))
        value(db.commit())
        tryVerify(function () {
            for (var i = 0; i < tablesSpy.count; ++i) {
                if (tablesSpy.signalArguments[i][0].indexOf("items") >= 0)
                    return true
            }
            return false
        }, 5000, "tablesChanged([\"items\", …]) not emitted")
        // A rolled-back change does not report the table as changed.
        tablesSpy.clear()
        value(db.execute("INSERT INTO items(name) VALUES('t2')"))
        value(db.rollback())
        value(db.execute("SELECT 1"))
        wait(50)
        for (var i = 0; i < tablesSpy.count; ++i)
            verify(tablesSpy.signalArguments[i][0].indexOf("items") < 0, "rolled back change reported")
    }

    function test_totalChanges() {
        var before = db.totalChanges
        compare(typeof before, "number")
        value(db.executeMany("INSERT INTO items(name) VALUES(?)", [["c1"], ["c2"], ["c3"]]))
        value(db.execute("UPDATE items SET name = name || '?'"))
        tryCompare(db, "totalChanges", before + 6)
        value(db.rollback())
        // Rolled-back changes still count, as in sqlite3_total_changes().
        compare(db.totalChanges, before + 6)
    }
}
