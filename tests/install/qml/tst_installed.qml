// Copyright (C) 2026 The QAsyncSqlite Authors
// SPDX-License-Identifier: MIT

// Run by the install_consumer test with qmltestrunner, from a copy outside
// the source and build trees: `import QAsyncSqlite` must resolve to the
// installed module.
import QtQuick
import QtTest
import QAsyncSqlite

TestCase {
    name: "InstalledQAsyncSqlite"

    AsyncSqlite {
        id: db
        database: ":memory:"
    }

    AsyncSqliteQueryModel {
        id: model
        connection: db
        query: "SELECT 'row ' || value AS label FROM json_each('[1, 2, 3]')"
    }

    function test_query() {
        tryVerify(function () { return db.ready }, 10000)
        var state = { done: false, rows: undefined, error: undefined }
        db.execute("SELECT 41 + ? AS answer, NULL AS nothing_here", [1])
            .then(function (rows) { state.rows = rows; state.done = true },
                  function (err) { state.error = err; state.done = true })
        tryVerify(function () { return state.done }, 10000)
        verify(state.error === undefined, state.error ? state.error.message : "")
        compare(state.rows.length, 1)
        compare(state.rows[0].answer, 42)
        verify(state.rows[0].nothing_here === null)
    }

    function test_model() {
        tryCompare(model, "count", 3, 10000)
        compare(model.get(2).label, "row 3")
    }
}
