// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// AsyncSqlite's schema migrations: the migrations property (run by the open,
// before opened and ready; requests made meanwhile wait; a failing step fails
// the open) and migrate().
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    id: testCase
    name: "AsyncSqliteMigrations"

    Component {
        id: connectionComponent
        AsyncSqlite {
            property int openedCount: 0
            onOpened: ++openedCount
        }
    }

    readonly property var fourSteps: [
        "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)",
        { name: "price", sql: "ALTER TABLE items ADD COLUMN price REAL" },
        { name: "tags", sql: "CREATE TABLE tags(item INTEGER, tag TEXT); CREATE INDEX tags_item ON tags(item)" },
        // Creates a table, then fails: the table goes with the rollback.
        { name: "broken", sql: "CREATE TABLE step4(x); INSERT INTO no_such_table VALUES(1)" },
    ]

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
    function open(file, migrations) {
        var db = createTemporaryObject(connectionComponent, testCase,
                                       { database: tempDir + "/" + file, migrations: migrations })
        verify(db)
        return db
    }
    // What the file holds, read by a connection without migrations.
    function fileState(file) {
        var db = open(file, [])
        value(db.open())
        var state = {
            version: value(db.execute("PRAGMA user_version"))[0].user_version,
            schema: value(db.execute("SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name"))
                    .map(function (row) { return row.name }),
        }
        value(db.close())
        return state
    }

    // The issue's "done when": version 2 to 4, step 4 fails, version 3
    // remains with step 3's schema.
    function test_failingStepLeavesPreviousVersion() {
        var two = open("done-when.db", fourSteps.slice(0, 2))
        value(two.open())
        compare(two.openedCount, 1)
        value(two.close())
        compare(fileState("done-when.db").version, 2)

        var db = open("done-when.db", fourSteps)
        var queued = db.execute("SELECT count(*) AS n FROM items") // waits for the migrations
        var opening = settle(db.open())
        verify(opening.error instanceof Error)
        compare(opening.error.name, "SQLITE_ERROR")
        verify(opening.error.message.startsWith("migration step 4 (broken) failed: no such table"),
               opening.error.message)
        compare(db.lastError.message, opening.error.message)
        compare(db.ready, false)
        compare(db.openedCount, 0)
        // Queued behind the failed migrations: fails with the same error.
        compare(settle(queued).error.message, opening.error.message)

        var state = fileState("done-when.db")
        compare(state.version, 3)
        compare(state.schema, ["items", "tags", "tags_item"])
    }

    function test_requestsWaitForMigrations() {
        var db = open("wait.db", ["CREATE TABLE notes(body TEXT)",
                                  { name: "title", sql: "ALTER TABLE notes ADD COLUMN title TEXT" }])
        compare(db.ready, false)
        // Made before the migrations ran: queued behind them.
        var insert = db.executeInsert("INSERT INTO notes(body, title) VALUES('b', 't')")
        compare(value(insert), 1)
        value(db.commit())
        compare(db.ready, true)
        compare(db.openedCount, 1)
        compare(value(db.execute("PRAGMA user_version"))[0].user_version, 2)
    }

    function test_reopenRunsNothingTwice() {
        var first = open("again.db", fourSteps.slice(0, 3))
        value(first.open())
        value(first.execute("INSERT INTO items(name) VALUES('kept')"))
        value(first.commit())
        value(first.close())
        var second = open("again.db", fourSteps.slice(0, 3))
        value(second.open())
        compare(value(second.execute("SELECT name FROM items")), [{ name: "kept" }])
        compare(value(second.migrate(fourSteps.slice(0, 3))), 3)
    }

    function test_migrate() {
        var db = open("method.db", [])
        value(db.open())
        compare(value(db.migrate(["CREATE TABLE a(x)", { name: "b", sql: "CREATE TABLE b(x)" }])), 2)
        compare(value(db.migrate(["CREATE TABLE a(x)", { name: "b", sql: "CREATE TABLE b(x)" }])), 2)
        // Newer than the steps given: nothing runs.
        var newer = settle(db.migrate(["CREATE TABLE a(x)"]))
        verify(newer.error.message.indexOf("schema version 2, newer than the 1 migration steps") >= 0,
               newer.error.message)
        compare(fileState("method.db").schema, ["a", "b"])
    }

    function test_wrongTypesThrow() {
        var db = open("types.db", [])
        value(db.open())
        var bad = [42, [[]], ["ok", { sql: 1 }], ["ok", { name: "x", sql: "", extra: true }], [function () {}]]
        for (var i = 0; i < bad.length; ++i) {
            try {
                db.migrate(bad[i])
                fail("migrate() accepted " + JSON.stringify(bad[i]))
            } catch (e) {
                verify(e instanceof TypeError, e)
            }
            try {
                db.migrations = bad[i]
                fail("migrations accepted " + JSON.stringify(bad[i]))
            } catch (e) {
                verify(e instanceof TypeError, e)
            }
        }
        compare(db.migrations.length, 0)
        compare(fileState("types.db").version, 0)
    }
}
